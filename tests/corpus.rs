//! The corpus: real configuration files from public repositories (each with its repository,
//! path and commit in fixtures/real/PROVENANCE.tsv), judged at two targets. The expected
//! findings are a reviewed snapshot, fixtures/real/EXPECTED.txt; after an intended change,
//! regenerate it with `GATECHECK_UPDATE_SNAPSHOTS=1 cargo test --test corpus` and review the diff.

use serde_json::Value;
use std::path::PathBuf;

#[path = "support/snapshot.rs"]
mod snapshot;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const TARGETS: [&str; 2] = ["1.27", "1.36"];

#[test]
fn corpus_of_real_files() {
    let real = root().join("fixtures/real");
    let provenance = std::fs::read_to_string(real.join("PROVENANCE.tsv")).unwrap();
    let mut files: Vec<String> = Vec::new();
    let mut repos: Vec<&str> = Vec::new();
    for line in provenance.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "PROVENANCE.tsv: {line}");
        assert!(
            cols[3].len() == 40 && cols[3].chars().all(|c| c.is_ascii_hexdigit()),
            "{}: the commit must be 40 hex digits",
            cols[0]
        );
        let path = real.join(cols[0]);
        assert!(path.is_file(), "{} is listed but missing", cols[0]);
        files.push(cols[0].to_string());
        repos.push(cols[1]);
    }
    repos.sort();
    repos.dedup();
    assert!(files.len() >= 40, "only {} real files", files.len());
    assert!(repos.len() >= 15, "only {} repositories", repos.len());

    let mut lines: Vec<String> = Vec::new();
    for target in TARGETS {
        let v = snapshot::report(&real, target, &files);
        assert_eq!(
            v["errors"],
            serde_json::json!([]),
            "at {target}: every file is readable"
        );
        // Every file is read, or says why not (a template, an unknown shape).
        let unread: Vec<&str> = v["files"]["unrecognised"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        for file in &unread {
            let said = v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["file"] == *file && (f["code"] == "GC019" || f["code"] == "GC020"));
            assert!(said, "{file} is neither read nor reported as not read");
        }
        lines.extend(snapshot::finding_lines(target, &v));
    }
    let text = lines.join("\n") + "\n";
    snapshot::compare(&real.join("EXPECTED.txt"), &text);
}
