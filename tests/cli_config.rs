//! Adoption: inline ignore comments, the `.gatecheck.yaml` configuration and a baseline report.

use predicates::prelude::*;
use serde_json::Value;

#[path = "support/cli.rs"]
mod cli;
use cli::{gatecheck, json_stdin, strings};

/// Adoption: inline ignores (and unused ones reported), .gatecheck.yaml (default target,
/// severities, accepted findings with a reason), and a baseline report.
#[test]
fn adoption_config_inline_ignores_and_baseline() {
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  # gatecheck: ignore[GC003] tracked in OPS-12\n  DynamicKubeletConfig: true\n  SidecarContainers: false # gatecheck: ignore[redundant] wrong code\n";
    let (_, v) = json_stdin(&["--target", "1.33", "--no-config"], cfg);
    let codes: Vec<&str> = strings(&v["findings"], "code");
    assert_eq!(codes, ["GC004", "GC021"], "{v}");

    let dir = std::env::temp_dir().join(format!("gatecheck-adopt-{}", std::process::id()));
    let clusters = dir.join("clusters");
    std::fs::create_dir_all(&clusters).unwrap();
    std::fs::copy(
        "fixtures/bad/kubelet-config.yaml",
        clusters.join("kubelet.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.join(".gatecheck.yaml"),
        "target: \"1.33\"\nseverity:\n  GC011: warning\naccept:\n  - file: clusters/kubelet.yaml\n    code: GC004\n    gate: SidecarContainers\n    reason: rolled out with the 1.33 node pool\n",
    )
    .unwrap();
    let out = gatecheck()
        .current_dir(&dir)
        .args(["--format", "json", "clusters"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["target"], "1.33", "the target comes from .gatecheck.yaml");
    let f = v["findings"].as_array().unwrap();
    assert!(!f.iter().any(|f| f["code"] == "GC004"), "accepted: {v}");
    assert!(
        f.iter()
            .any(|f| f["code"] == "GC011" && f["severity"] == "warning"),
        "{v}"
    );
    // An accept entry without a reason is refused.
    std::fs::write(
        dir.join(".gatecheck.yaml"),
        "accept:\n  - {file: x.yaml, code: GC004}\n",
    )
    .unwrap();
    gatecheck()
        .current_dir(&dir)
        .args(["--target", "1.33", "clusters"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no reason"));
    std::fs::remove_file(dir.join(".gatecheck.yaml")).unwrap();

    // Baseline: today's findings are accepted; a new one fails the run.
    let base = dir.join("baseline.json");
    let out = gatecheck()
        .current_dir(&dir)
        .args(["--target", "1.33", "--format", "json", "clusters"])
        .output()
        .unwrap();
    std::fs::write(&base, &out.stdout).unwrap();
    gatecheck()
        .current_dir(&dir)
        .args(["--target", "1.33", "--baseline"])
        .arg(&base)
        .arg("clusters")
        .assert()
        .code(0);
    let mut text = std::fs::read_to_string(clusters.join("kubelet.yaml")).unwrap();
    text.push_str("  ServerSideApply: true\n");
    std::fs::write(clusters.join("kubelet.yaml"), text).unwrap();
    let out = gatecheck()
        .current_dir(&dir)
        .args(["--target", "1.33", "--format", "json", "--baseline"])
        .arg(&base)
        .arg("clusters")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gates: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["gate"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(gates, ["ServerSideApply"], "only the new finding: {v}");
    std::fs::remove_dir_all(&dir).ok();
}
