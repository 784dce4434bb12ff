//! Every evidence source the data uses is explained in words, and a release whose facts come
//! from a pre-release says so wherever it is judged: in `explain`, in every report's notes.

use assert_cmd::Command;

#[test]
fn pre_release_evidence_is_named_in_explain_and_reports() {
    let rules = gatecheck_rules::Rules::embedded();
    let mut sources: Vec<&str> = rules
        .gates()
        .iter()
        .flat_map(|g| g.evidence.iter().map(|e| e.source))
        .collect();
    sources.sort();
    sources.dedup();
    // A gate whose facts at some release rest on each source: `explain` words it, never as
    // "another recorded source".
    for source in &sources {
        let gate = rules
            .gates()
            .iter()
            .find(|g| g.evidence.iter().any(|e| e.source == *source))
            .unwrap();
        let out = Command::cargo_bin("gatecheck")
            .unwrap()
            .args(["explain", gate.name])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains("another recorded source"),
            "{source} ({}) has no words:\n{text}",
            gate.name
        );
    }
    // Where a release's facts are a pre-release's, a report at it says so.
    let newest = rules.newest();
    if let Some(what) = rules.development(newest) {
        let out = Command::cargo_bin("gatecheck")
            .unwrap()
            .args(["--target", &newest.to_string(), "--format", "json"])
            .arg("fixtures/good/kubelet-config.yaml")
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v["notes"].to_string().contains(what), "{}", v["notes"]);
    }
}
