//! The subcommands that query the data rather than files: `explain`, `list` and `diff`.

use predicates::prelude::*;
use serde_json::Value;

#[path = "support/cli.rs"]
mod cli;
use cli::{gatecheck, strings};

#[test]
fn explain_shows_the_timeline_and_json() {
    gatecheck()
        .args(["explain", "SidecarContainers"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("1.33–1.36")
                .and(predicate::str::contains("locked"))
                .and(predicate::str::contains("1.37        removed"))
                .and(predicate::str::contains("KEP:        753")),
        );
    let out = gatecheck()
        .args(["explain", "KMSv1", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["name"], "KMSv1");
    assert_eq!(v["registry"], "kubernetes");
    assert_eq!(
        v["stages"][0],
        serde_json::json!({"since": "1.28", "stage": "deprecated", "default": true, "locked": false})
    );
    assert!(
        v.get("removed_in").is_some() && v.get("components").is_some() && v.get("kep").is_some()
    );
    gatecheck()
        .args(["explain", "CronJobCreationAnnotation"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CronJobsScheduledAnnotation"));
}

#[test]
fn list_and_diff() {
    let out = gatecheck()
        .args([
            "list",
            "--version",
            "1.33",
            "--stage",
            "ga",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = strings(&v["gates"], "name");
    assert!(names.contains(&"SidecarContainers"));
    assert!(!names.contains(&"NodeSwap"), "NodeSwap is beta in 1.33");
    let out = gatecheck()
        .args(["diff", "1.32", "1.33", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sidecar = v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "SidecarContainers")
        .unwrap();
    assert_eq!(
        sidecar["changes"],
        serde_json::json!(["promoted", "locked"])
    );
    gatecheck()
        .args(["diff", "1.34", "1.35"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "UserNamespacesPodSecurityStandards",
        ));
}

#[test]
fn explain_json_gives_dependencies_and_the_declaring_package() {
    let out = gatecheck()
        .args([
            "explain",
            "GracefulNodeShutdownBasedOnPodPriority",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["package"], "k8s.io/kubernetes/pkg/features");
    assert_eq!(
        v["depends_on"][0],
        serde_json::json!({"since": "1.35", "gates": ["GracefulNodeShutdown"]})
    );
    // A kubeadm gate has no package and no dependencies.
    let out = gatecheck()
        .args(["explain", "NodeLocalCRISocket", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["registry"], "kubeadm");
    assert!(v["package"].is_null());
    assert_eq!(v["depends_on"], serde_json::json!([]));
}

/// `diff` narrowed to a component, or to the gates some files set.
#[test]
fn diff_filters() {
    let out = gatecheck()
        .args([
            "diff",
            "1.30",
            "1.33",
            "--only-affecting",
            "fixtures/upgrade/kubeadm-1.30.yaml",
        ])
        .output()
        .unwrap();
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        names,
        [
            "AppArmor",
            "CloudDualStackNodeIPs",
            "SidecarContainers",
            "ValidatingAdmissionPolicy"
        ]
    );
    let out = gatecheck()
        .args([
            "diff",
            "1.32",
            "1.33",
            "--component",
            "kube-proxy",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gates = v["gates"].as_array().unwrap();
    assert!(!gates.is_empty());
    assert!(
        gates.iter().any(|g| g["name"] == "NFTablesProxyMode"),
        "{v}"
    );
    assert!(
        !gates.iter().any(|g| g["name"] == "SidecarContainers"),
        "kubelet's, not kube-proxy's: {v}"
    );
}
