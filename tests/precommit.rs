//! The pre-commit hook, end to end, with the real `pre-commit` client (PyPI's `pre-commit`): it
//! installs gatecheck from this repository as pre-commit does (`cargo install --path .` at the
//! root), blocks a commit that sets a removed gate, and lets a clean one through.
//!
//! It builds gatecheck in release mode (about a minute on two cores), so it is `#[ignore]`d in a
//! plain `cargo test`; `.ci/run` installs pre-commit and runs it with
//! `cargo test --test precommit -- --ignored`. It installs the repository's HEAD commit, not
//! uncommitted changes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    let target = root().join("target");
    Command::new(program)
        .args(args)
        .current_dir(dir)
        // pre-commit's environments and the release build persist between runs.
        .env("PRE_COMMIT_HOME", target.join("pre-commit-home"))
        .env("CARGO_TARGET_DIR", target.join("pre-commit-build"))
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e} (is it installed?)"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
#[ignore = "builds gatecheck in release mode through pre-commit; run by .ci/run"]
fn the_hook_blocks_a_removed_gate_and_passes_a_clean_file() {
    let head = run(&root(), "git", &["rev-parse", "HEAD"]);
    assert!(head.status.success(), "{}", text(&head));
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();

    let dir = std::env::temp_dir().join(format!("gatecheck-pre-commit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    assert!(run(&dir, "git", &["init", "-q"]).status.success());
    std::fs::write(
        dir.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {head}\n    hooks:\n      - id: gatecheck\n        args: [--target, \"1.33\"]\n",
            root().display()
        ),
    )
    .unwrap();
    let install = run(&dir, "pre-commit", &["install"]);
    assert!(install.status.success(), "{}", text(&install));

    // A kubelet config that still enables a gate 1.32 removed, and an unrelated .env file.
    let config = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  ServerSideApply: true\n";
    std::fs::write(dir.join("kubelet-config.yaml"), config).unwrap();
    std::fs::write(dir.join("app.env"), "LOG_LEVEL=debug\n").unwrap();
    assert!(run(&dir, "git", &["add", "-A"]).status.success());
    let blocked = run(&dir, "git", &["commit", "-q", "-m", "bad"]);
    let out = text(&blocked);
    assert!(!blocked.status.success(), "the commit went through:\n{out}");
    assert!(out.contains("GC003"), "{out}");
    assert!(out.contains("ServerSideApply was removed in 1.32"), "{out}");
    assert!(
        !out.contains("app.env:"),
        "the .env file is not an error: {out}"
    );

    // Fixed: the same commit passes.
    std::fs::write(
        dir.join("kubelet-config.yaml"),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NodeSwap: true\n",
    )
    .unwrap();
    assert!(run(&dir, "git", &["add", "-A"]).status.success());
    let passed = run(&dir, "git", &["commit", "-q", "-m", "good"]);
    assert!(passed.status.success(), "{}", text(&passed));
    let _ = std::fs::remove_dir_all(&dir);
}
