//! Target and source releases: patch releases, emulated versions, development data, upgrade mode
//! (--from) and the versions files declare, and the upgrade incidents each release reproduces.

use predicates::prelude::*;

#[path = "support/cli.rs"]
mod cli;
use cli::{gatecheck, has, json, json_stdin, root, summary};

#[test]
fn emulated_version_judges_stages_at_the_emulated_release() {
    let file = "fixtures/bad/kube-apiserver-emulated.yaml";
    let (code, v) = json(&["--target", "1.36", file]);
    assert_eq!(code, 1);
    let got = summary(&v);
    // DynamicResourceAllocation is locked in 1.36 but not in 1.34: no locked error...
    assert!(!got.iter().any(|f| f.2 == "GC004"), "{got:?}");
    assert!(has(&v, 14, 23, "GC006", "DynamicResourceAllocation"));
    // ...but DRAAdminAccess, on by default in 1.34, needs it (dependencies are the binary's check).
    assert!(has(&v, 14, 23, "GC016", "DynamicResourceAllocation"));
    // A gate newer than the emulated release is PreAlpha there.
    assert!(has(&v, 14, 55, "GC002", "DRAListTypeAttributes"));

    // Without the flag, 1.36's rules apply.
    let text = std::fs::read_to_string(root().join(file))
        .unwrap()
        .replace("    - --emulated-version=1.34\n", "");
    let (_, v) = json_stdin(&["--target", "1.36"], &text);
    assert!(has(&v, 13, 23, "GC004", "DynamicResourceAllocation"), "{v}");

    // An emulated version newer than the binary stops the component.
    let text = std::fs::read_to_string(root().join(file)).unwrap().replace(
        "--emulated-version=1.34",
        "--emulated-version=wardle=1.2,kube=1.38",
    );
    let (_, v) = json_stdin(&["--target", "1.36"], &text);
    assert!(has(&v, 13, 7, "GC011", ""), "{v}");
}

/// The upgrade incidents that per-release registries fixed, with the components' own messages:
/// each is reported at the exact setting, and the release before or after behaves as Kubernetes
/// did then.
#[test]
fn incident_shapes_reproduce_with_the_components_messages() {
    let cases: &[(&str, &str, u64, &str, &str, &str)] = &[
        (
            "1.28",
            "fixtures/incidents/kubelet-credential-providers.yaml",
            7,
            "GC003",
            "KubeletCredentialProviders",
            "kubelet 1.28 fails to start with `unrecognized feature gate: KubeletCredentialProviders`",
        ),
        (
            "1.23",
            "fixtures/incidents/kube-proxy-ipv6dualstack.yaml",
            6,
            "GC004",
            "IPv6DualStack",
            "kube-proxy fails with `cannot set feature gate IPv6DualStack to false, feature is locked to true`",
        ),
        (
            "1.26",
            "fixtures/incidents/kube-apiserver-csi-migration.yaml",
            14,
            "GC004",
            "CSIMigrationAWS",
            "kube-apiserver fails with `cannot set feature gate CSIMigrationAWS to false, feature is locked to true`",
        ),
        (
            "1.25",
            "fixtures/incidents/kube-apiserver-csi-migration.yaml",
            14,
            "GC004",
            "CSIMigrationGCE",
            "`cannot set feature gate CSIMigrationGCE to false, feature is locked to true`",
        ),
        (
            "1.27",
            "fixtures/incidents/kubelet-user-namespaces.yaml",
            6,
            "GC002",
            "UserNamespacesSupport",
            "it is introduced in 1.28",
        ),
        (
            "1.37",
            "fixtures/incidents/kubelet-1.37.yaml",
            5,
            "GC004",
            "PLEGOnDemandRelist",
            "`cannot set feature gate PLEGOnDemandRelist to false, feature is locked to true`",
        ),
    ];
    for (target, file, line, code, gate, message) in cases {
        let (rc, v) = json(&["--target", target, file]);
        assert_eq!(rc, 1, "{file} at {target}");
        let found = v["findings"].as_array().unwrap().iter().any(|f| {
            f["line"] == *line
                && f["code"] == *code
                && f["gate"] == *gate
                && f["message"].as_str().unwrap().contains(message)
        });
        assert!(found, "{file} at {target}: no {code} for {gate}: {v}");
    }
    // The release before each edge still starts: 1.27 knows KubeletCredentialProviders
    // (locked, a warning), 1.22 lets kube-proxy turn IPv6DualStack off, 1.28 knows the
    // user-namespaces gate, and 1.37 keeps ResourceHealthStatus in beta (on by default).
    for (target, file) in [
        (
            "1.27",
            "fixtures/incidents/kubelet-credential-providers.yaml",
        ),
        ("1.22", "fixtures/incidents/kube-proxy-ipv6dualstack.yaml"),
        ("1.28", "fixtures/incidents/kubelet-user-namespaces.yaml"),
    ] {
        let (rc, v) = json(&["--target", target, file]);
        assert_eq!(rc, 0, "{file} at {target}: {v}");
    }
    let (_, v) = json(&["--target", "1.37", "fixtures/incidents/kubelet-1.37.yaml"]);
    assert!(has(&v, 6, 3, "GC010", "ResourceHealthStatus"), "{v}");
}

/// A patch release is judged as that patch release; a bare minor as its first patch release,
/// with a note where later patches differ.
#[test]
fn patch_releases_are_judged_as_themselves() {
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  UnauthenticatedHTTP2DOSMitigation: true\n";
    let (rc, v) = json_stdin(&["--target", "1.28.2"], cfg);
    assert_eq!(rc, 1);
    assert_eq!(v["target"], "1.28.2");
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("does not exist in 1.28.2; it is introduced in 1.28.3"),
        "{msg}"
    );
    let (rc, v) = json_stdin(&["--target", "1.28.3"], cfg);
    assert_eq!(rc, 0, "1.28.3 added it: {v}");
    let (rc, v) = json_stdin(&["--target", "1.28"], cfg);
    assert_eq!(rc, 1, "a bare minor is its first patch release");
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("pass --target 1.28.N"), "{msg}");

    // Between two transcribed patch releases the state is not known, and the finding says so.
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  SchedulerQueueingHints: true\n";
    let (_, v) = json_stdin(&["--target", "1.28.5"], cfg);
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("gatecheck has no record of 1.28.5"), "{msg}");
    // From 1.28.8 the gate is off by default, so enabling it is not redundant.
    let (_, v) = json_stdin(&["--target", "1.28.8"], cfg);
    assert!(!has(&v, 4, 3, "GC010", "SchedulerQueueingHints"), "{v}");
    let (_, v) = json_stdin(&["--target", "1.28.4"], cfg);
    assert!(has(&v, 4, 3, "GC010", "SchedulerQueueingHints"), "{v}");
}

/// A release whose facts come from a development tree or a pre-release (the data says which):
/// every report at it says so, and a released one's says nothing.
#[test]
fn development_data_is_announced() {
    let rules = gatecheck_rules::Rules::embedded();
    let newest = rules.newest();
    let (dev, what) = (20..=newest.minor)
        .map(|m| gatecheck_rules::Version::new(1, m))
        .find_map(|v| rules.development(v).map(|w| (v, w)))
        .expect("the data has a release from a development tree or a pre-release");
    let (_, v) = json(&[
        "--target",
        &dev.to_string(),
        "fixtures/good/kubelet-config.yaml",
    ]);
    let note = v["notes"][0].as_str().unwrap();
    assert!(note.starts_with("development data:"), "{note}");
    assert!(note.contains(what), "{note}");
    let out = gatecheck()
        .args([
            "--target",
            &dev.to_string(),
            "fixtures/good/kubelet-config.yaml",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: development data:"));
    let (_, v) = json(&["--target", "1.36", "fixtures/good/kubelet-config.yaml"]);
    assert_eq!(v["notes"], serde_json::json!([]));
}

/// Upgrade mode: every minor step is judged, the step that breaks is named, and the notes list
/// what changes for the components in the files.
#[test]
fn upgrade_mode_judges_every_step() {
    let file = "fixtures/upgrade/kubeadm-1.30.yaml";
    let (rc, v) = json(&["--from", "1.30", "--target", "1.33", file]);
    assert_eq!(rc, 1);
    let at = |line: u64, code: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["line"] == line && f["code"] == code)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    // AppArmor=false breaks the first step (locked in 1.31), then the gate is removed in 1.33.
    assert!(
        at(16, "GC004")[0].starts_with("upgrading to 1.31: kubelet fails"),
        "{v}"
    );
    assert!(at(16, "GC003")[0].starts_with("upgrading to 1.33:"), "{v}");
    // ValidatingAdmissionPolicy: warned at 1.31, fatal at 1.32 — a 1.33-only report says neither.
    assert!(at(7, "GC008")[0].starts_with("upgrading to 1.31:"), "{v}");
    assert!(at(7, "GC003")[0].starts_with("upgrading to 1.32:"), "{v}");
    let steps = v["upgrade"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["version"], "1.31");
    assert!(
        steps[0]["locked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "AppArmor"),
        "{v}"
    );
    assert!(
        steps[2]["removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "AppArmor"),
        "{v}"
    );
    // Only a 1.33 report: the 1.31 lock never shows.
    let (_, only) = json(&["--target", "1.33", file]);
    assert!(!only.to_string().contains("GC004"));
    // --from must be older.
    gatecheck()
        .args(["--from", "1.33", "--target", "1.32", file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not older than --target"));
}

/// The versions the files declare: a note when the upgrade skips minors (pointing at --from), and
/// when the files disagree (no guess).
#[test]
fn declared_versions_are_noted() {
    let (_, v) = json(&["--target", "1.33", "fixtures/upgrade/kubeadm-1.30.yaml"]);
    let note = v["notes"][0].as_str().unwrap();
    assert!(
        note.contains("declare Kubernetes 1.30")
            && note.contains("kubernetesVersion at line 4")
            && note.contains("--from 1.30"),
        "{note}"
    );
    let (_, v) = json(&[
        "--target",
        "1.33",
        "fixtures/upgrade/kubeadm-1.30.yaml",
        "fixtures/real/corpus/kind-volcano-e2e.yaml",
    ]);
    let note = v["notes"][0].as_str().unwrap();
    assert!(
        note.contains("different Kubernetes versions") && note.contains("does not guess"),
        "{note}"
    );
    let (_, v) = json(&[
        "--from",
        "1.30",
        "--target",
        "1.33",
        "fixtures/upgrade/kubeadm-1.30.yaml",
    ]);
    assert_eq!(v["notes"], serde_json::json!([]));
}
