//! The evaluation set (fixtures/eval: real files with gates in templates, strings, heredocs and
//! patches; see its README) judged at two targets against the reviewed snapshot
//! fixtures/eval/FINDINGS.txt (`GATECHECK_UPDATE_SNAPSHOTS=1 cargo test --test eval` rewrites
//! it): a change in how any of them is read shows here. Every file is readable.

use std::path::PathBuf;

#[path = "support/snapshot.rs"]
mod snapshot;

#[test]
fn the_evaluation_set_reads_as_reviewed() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/eval/files");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files.len(), 40);
    let mut lines = Vec::new();
    for target in ["1.30", "1.34"] {
        let v = snapshot::report(&dir, target, &files);
        assert_eq!(v["errors"], serde_json::json!([]), "at {target}");
        lines.extend(snapshot::finding_lines(target, &v));
    }
    snapshot::compare(&dir.join("../FINDINGS.txt"), &(lines.join("\n") + "\n"));
}
