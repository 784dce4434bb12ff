//! Reviewed snapshots of findings: the binary judges files at a target, one line per finding
//! (`target file:line:column CODE gate`), compared with a committed file. After an intended
//! change, regenerate with `GATECHECK_UPDATE_SNAPSHOTS=1 cargo test --test NAME` and review
//! the diff.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// The JSON report of `files` (relative to `dir`) at `target`.
pub fn report(dir: &Path, target: &str, files: &[String]) -> Value {
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(dir)
        .args(["--target", target, "--format", "json"])
        .args(files)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// One line per finding of a report.
pub fn finding_lines(target: &str, report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{target} {}:{}:{} {} {}",
                f["file"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["code"].as_str().unwrap(),
                f["gate"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

/// Compares `text` with the snapshot at `path` (rewriting it when asked).
pub fn compare(path: &Path, text: &str) {
    if std::env::var_os("GATECHECK_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, text).unwrap();
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    if want != text {
        let missing: Vec<&str> = want
            .lines()
            .filter(|l| !text.contains(l))
            .take(10)
            .collect();
        let extra: Vec<&str> = text
            .lines()
            .filter(|l| !want.contains(l))
            .take(10)
            .collect();
        panic!(
            "findings differ from {}\nmissing: {missing:#?}\nnew: {extra:#?}",
            path.display()
        );
    }
}
