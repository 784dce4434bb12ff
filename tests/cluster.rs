//! The running cluster as input: what kubectl prints for a kubeadm cluster (fixtures/cluster/,
//! written from Kubernetes' documented shapes; its README gives the command behind each file),
//! judged from files and from standard input. Every finding must name the component the
//! setting belongs to, and a gate a scrape reports at its default is no setting. The findings
//! are the reviewed snapshot fixtures/cluster/EXPECTED.txt (`GATECHECK_UPDATE_SNAPSHOTS=1
//! cargo test --test cluster` rewrites it).

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

#[path = "support/snapshot.rs"]
mod snapshot;

const DUMPS: &[&str] = &[
    "pods.yaml",
    "pods.json",
    "configmaps.yaml",
    "mixed.yaml",
    "configz-kubelet.json",
    "metrics-apiserver.txt",
    "metrics-kubelet.txt",
];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/cluster")
}

fn stdin_report(file: &str, target: &str) -> Value {
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .args(["--target", target, "--format", "json", "-"])
        .write_stdin(std::fs::read(dir().join(file)).unwrap())
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn kubectl_dumps_are_judged_with_their_components() {
    let files: Vec<String> = DUMPS.iter().map(|f| f.to_string()).collect();
    let mut lines = Vec::new();
    for target in ["1.33", "1.35"] {
        let v = snapshot::report(&dir(), target, &files);
        assert_eq!(v["errors"], serde_json::json!([]), "at {target}");
        assert_eq!(
            v["files"]["recognised"],
            DUMPS.len(),
            "at {target}: every dump is read"
        );
        for f in v["findings"].as_array().unwrap() {
            if f["gate"].is_string() {
                assert!(f["component"].is_string(), "no component: {f}");
            }
        }
        lines.extend(snapshot::finding_lines(target, &v));
        // Standard input gives the same findings as the file, alone.
        for file in DUMPS {
            let piped = stdin_report(file, target);
            let alone = snapshot::report(&dir(), target, &[file.to_string()]);
            let from_file: Vec<String> = snapshot::finding_lines(target, &alone)
                .into_iter()
                .map(|l| l.replace(&format!(" {file}:"), " <stdin>:"))
                .collect();
            assert_eq!(
                snapshot::finding_lines(target, &piped),
                from_file,
                "{file} on stdin"
            );
            assert_eq!(
                piped["notes"].to_string(),
                alone["notes"].to_string().replace(file, "<stdin>"),
                "{file} on stdin"
            );
        }
    }
    snapshot::compare(&dir().join("EXPECTED.txt"), &(lines.join("\n") + "\n"));
}

#[test]
fn gates_a_scrape_reports_at_their_default_are_not_settings() {
    // The kubelet's scrape reports every gate at its 1.32 default: nothing was set.
    let v = snapshot::report(&dir(), "1.35", &["metrics-kubelet.txt".to_string()]);
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["files"]["recognised"], 1);
    // The apiserver's turns on an alpha gate: a setting of kube-apiserver.
    let v = snapshot::report(&dir(), "1.33", &["metrics-apiserver.txt".to_string()]);
    let gates: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["gate"].as_str().unwrap(),
                f["component"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(gates, [("InPlacePodVerticalScaling", "kube-apiserver")]);
    // The running version is said where an upgrade skips minors.
    let v = snapshot::report(&dir(), "1.35", &["metrics-apiserver.txt".to_string()]);
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("1.32") && notes.contains("kubernetes_build_info"),
        "{notes}"
    );
}
