//! `--fix`, `--unsafe-fixes` and `--diff` through the binary, on copies of the real configs of
//! fixtures/real and the shipped fixtures: fixed files still read, keep every comment, and a
//! second run changes nothing; `--diff` writes nothing; a gate locked to the other value goes
//! only with `--unsafe-fixes`; symlinks and templates are left alone.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let path = e.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(e.file_name()));
        } else {
            std::fs::copy(&path, to.join(e.file_name())).unwrap();
        }
    }
}

fn tree(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gatecheck-fix-{tag}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    copy_dir(&root().join("fixtures/real"), &dir.join("real"));
    copy_dir(&root().join("fixtures/bad"), &dir.join("bad"));
    std::fs::remove_file(dir.join("bad/malformed.yaml")).unwrap();
    dir
}

fn files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((path, text));
        }
    }
    out.sort();
    out
}

fn gatecheck(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(dir)
        .args(["--target", "1.36", "--no-config"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn fixed_files_read_keep_their_comments_and_a_second_fix_changes_nothing() {
    let dir = tree("real");
    let before = files(&dir);
    // --diff writes nothing and says there is something to change.
    let diff = gatecheck(&dir, &["--diff", "."]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&diff.stdout).contains("\n-"));
    assert_eq!(files(&dir), before, "--diff wrote");
    let fixed = gatecheck(&dir, &["--fix", "--format", "json", "."]);
    let stderr = String::from_utf8_lossy(&fixed.stderr);
    assert!(stderr.contains("fixed: "), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&fixed.stdout).unwrap();
    assert_eq!(
        report["errors"],
        serde_json::json!([]),
        "every fixed file reads"
    );
    let after = files(&dir);
    let mut changed = 0;
    for ((path, old), (_, new)) in before.iter().zip(&after) {
        if old == new {
            continue;
        }
        changed += 1;
        // Lines are only removed or shortened: every comment and every line without a gate
        // setting is still there, in order.
        for line in old.lines().filter(|l| l.trim_start().starts_with('#')) {
            assert!(new.contains(line), "{}: lost {line:?}", path.display());
        }
        assert!(new.len() < old.len(), "{}", path.display());
    }
    assert!(changed >= 5, "only {changed} files fixed");
    // The diff --diff showed is what --fix did, and a second run has nothing left to do.
    let again = gatecheck(&dir, &["--fix", "."]);
    assert!(!String::from_utf8_lossy(&again.stderr).contains("fixed: "));
    assert_eq!(files(&dir), after);
    let diff = gatecheck(&dir, &["--diff", "."]);
    assert_eq!(diff.status.code(), Some(0));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unsafe_fixes_need_their_flag_and_links_and_templates_are_left_alone() {
    let dir = std::env::temp_dir().join(format!("gatecheck-fix-unsafe-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    let kubelet = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  # locked on in 1.34: setting it off stops the kubelet\n  NodeSwap: false\n  SidecarContainers: true\n";
    std::fs::write(dir.join("kubelet.yaml"), kubelet).unwrap();
    let template = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  SidecarContainers: true\n  Other: {{ x }}\n";
    std::fs::write(dir.join("kubelet.yaml.j2"), template).unwrap();
    std::os::unix::fs::symlink("kubelet.yaml", dir.join("link.yaml")).unwrap();
    // The safe one goes (locked on, set on, removed in 1.37); the exit status counts NodeSwap,
    // locked to the other value, which remains.
    let out = gatecheck(&dir, &["--fix", "kubelet.yaml", "kubelet.yaml.j2"]);
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(dir.join("kubelet.yaml")).unwrap();
    assert_eq!(text, "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  # locked on in 1.34: setting it off stops the kubelet\n  NodeSwap: false\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("kubelet.yaml.j2")).unwrap(),
        template
    );
    // Through a symlink: refused, said.
    let out = gatecheck(&dir, &["--fix", "--unsafe-fixes", "link.yaml"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not fixed: a symlink"));
    assert!(std::fs::read_to_string(dir.join("kubelet.yaml"))
        .unwrap()
        .contains("NodeSwap"));
    // Through a symlinked directory: refused too (the file may be outside the tree).
    std::os::unix::fs::symlink(".", dir.join("linked")).unwrap();
    let out = gatecheck(&dir, &["--fix", "--unsafe-fixes", "linked/kubelet.yaml"]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("not fixed: reached through a symlinked directory"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(dir.join("kubelet.yaml"))
        .unwrap()
        .contains("NodeSwap"));
    // With --unsafe-fixes, NodeSwap goes and the emptied map with it; nothing is left to fail.
    let out = gatecheck(&dir, &["--fix", "--unsafe-fixes", "kubelet.yaml"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("kubelet.yaml")).unwrap(),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn diff_output_is_a_unified_diff() {
    let dir = std::env::temp_dir().join(format!("gatecheck-fix-diff-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("apiserver.env"),
        // Both gates have no effect at 1.36 (one gone, one locked on as set): the flag goes.
        "KUBE_API_ARGS=\"--v=2 --feature-gates=CloudDualStackNodeIPs=true,NodeSwap=true --secure-port=6443\"\n",
    )
    .unwrap();
    let out = gatecheck(
        &dir,
        &["--component", "kube-apiserver", "--diff", "apiserver.env"],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--- a/apiserver.env\n+++ b/apiserver.env\n@@ -1,1 +1,1 @@\n-KUBE_API_ARGS=\"--v=2 --feature-gates=CloudDualStackNodeIPs=true,NodeSwap=true --secure-port=6443\"\n+KUBE_API_ARGS=\"--v=2 --secure-port=6443\"\n"
    );
    std::fs::remove_dir_all(&dir).ok();
}
