//! A GitOps monorepo, generated here: one file in a hundred is a component configuration with
//! gate settings (a KubeletConfiguration, a static Pod, a kubeadm config, a kind cluster), one in
//! ten a Helm template of an application, the rest the manifests, values files and
//! kustomizations such a repository holds, and now and then another project's gates (a
//! cert-manager values file). Findings may come only from the component configurations: a file
//! that mentions no gate and configures no component is silent, however it is templated.
//! `write_monorepo` writes the same tree at any size for `scripts/bench-monorepo.sh`.

use std::path::{Path, PathBuf};

#[path = "support/gitops.rs"]
mod gitops;
use gitops::file;

fn write(dir: &Path, n: usize) {
    for i in 0..n {
        let (path, text) = file(i);
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn only_component_configs_have_findings() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("gatecheck-monorepo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = 3000;
    write(&dir, n);
    let out = assert_cmd::Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(&dir)
        .args(["--target", "1.33", "--format", "json", "."])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["errors"], serde_json::json!([]));
    assert_eq!(v["files"]["checked"], n);
    let findings = v["findings"].as_array().unwrap();
    let mut noisy: Vec<&str> = findings
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .filter(|f| !f.contains("clusters/"))
        .collect();
    noisy.dedup();
    assert!(
        noisy.is_empty(),
        "findings on files without gates: {noisy:?}"
    );
    // Every component configuration is read and judged.
    let mut judged: Vec<&str> = findings
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    judged.sort();
    judged.dedup();
    assert_eq!(judged.len(), n / 100, "{judged:?}");
}

/// Writes the tree of `GATECHECK_MONOREPO_FILES` files (default 100,000) into
/// `GATECHECK_MONOREPO_DIR`, for `scripts/bench-monorepo.sh`; with `GATECHECK_CONFIGS_ONLY=1`,
/// only component configurations (a first adoption run: 16 findings a file), for
/// `scripts/bench-findings.sh`.
#[test]
#[ignore = "run by scripts/bench-monorepo.sh"]
fn write_monorepo() {
    let dir =
        PathBuf::from(std::env::var("GATECHECK_MONOREPO_DIR").expect("GATECHECK_MONOREPO_DIR"));
    let n = std::env::var("GATECHECK_MONOREPO_FILES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    if std::env::var_os("GATECHECK_CONFIGS_ONLY").is_some() {
        for i in 0..n {
            let (path, text) = file(i * 100);
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        return;
    }
    write(&dir, n);
}
