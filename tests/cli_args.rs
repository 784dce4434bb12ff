//! The command line itself: usage errors and exit codes, --fail-on, standard input, a closed
//! pipe or a full disk, and the conventions (typos, colour, completions, man page, --version).

use predicates::prelude::*;
use serde_json::Value;

#[path = "support/cli.rs"]
mod cli;
use cli::{gatecheck, root};

#[test]
fn fail_on_lowers_the_threshold() {
    // KubeletCrashLoopBackOffMax: false is the default: an info finding only.
    gatecheck()
        .args(["--target", "1.33", "fixtures/good/kubelet-config.yaml"])
        .assert()
        .code(0);
    gatecheck()
        .args([
            "--target",
            "1.33",
            "--fail-on",
            "info",
            "fixtures/good/kubelet-config.yaml",
        ])
        .assert()
        .code(1);
}

#[test]
fn stdin_is_read() {
    gatecheck()
        .args(["--target", "1.33", "-"])
        .write_stdin("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NoSuchGate: true\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>:4:3"));
}

#[test]
fn usage_errors_exit_2() {
    // The newest release is the data's, never pinned here.
    let newest = gatecheck_rules::Rules::embedded().newest();
    gatecheck()
        .args(["--target", "1.99", "x.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "newest release gatecheck knows ({newest})"
        )));
    gatecheck()
        .args(["--target", "banana", "x.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid Kubernetes version"));
    gatecheck()
        .args(["fixtures/good"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--target is required"));
}

#[test]
fn a_closed_pipe_ends_quietly_instead_of_panicking() {
    use std::process::Stdio;
    // Like `gatecheck list --version 1.35 | head -0`: the reader is gone before the first write.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gatecheck"))
        .args(["list", "--version", "1.35"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// CLI conventions: subcommand typos, explain of a code as JSON, honest labels for kubeadm
/// lists and downgrades, colour choices, completions, a man page, and a version that says
/// which releases the data covers.
#[test]
fn cli_conventions() {
    gatecheck()
        .args(["explian", "SidecarContainers"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a similar subcommand exists: 'explain'",
        ));
    let out = gatecheck()
        .args(["explain", "GC003", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["code"].as_str(), v["name"].as_str()),
        (Some("GC003"), Some("removed"))
    );
    gatecheck()
        .args(["list", "--version", "1.33", "--kubeadm"])
        .assert()
        .success()
        .stderr(predicate::str::contains("gates recognised by kubeadm 1.33"));
    let out = gatecheck().args(["diff", "1.33", "1.32"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a downgrade"));
    let chunking = stdout
        .lines()
        .find(|l| l.starts_with("APIListChunking"))
        .unwrap();
    assert!(
        chunking.contains("removed-in-newer") && !chunking.contains("introduced"),
        "{chunking}"
    );
    // Colour: never by default off a terminal, always on request or with FORCE_COLOR.
    let plain = gatecheck()
        .args(["--target", "1.33", "fixtures/bad/kubelet-config.yaml"])
        .output()
        .unwrap();
    assert!(!plain.stdout.contains(&0x1b));
    let coloured = gatecheck()
        .args([
            "--target",
            "1.33",
            "--color",
            "always",
            "fixtures/bad/kubelet-config.yaml",
        ])
        .output()
        .unwrap();
    assert!(coloured.stdout.contains(&0x1b));
    let forced = gatecheck()
        .env("FORCE_COLOR", "1")
        .args(["--target", "1.33", "fixtures/bad/kubelet-config.yaml"])
        .output()
        .unwrap();
    assert!(forced.stdout.contains(&0x1b));
    gatecheck()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_gatecheck()"));
    gatecheck()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH gatecheck 1"));
    gatecheck()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "rules for Kubernetes up to {}",
            gatecheck_rules::Rules::embedded().newest()
        )));
}

/// A report that cannot be written (a full disk) is an error, exit 2, not a green run with half a
/// report.
#[test]
#[cfg(target_os = "linux")]
fn a_report_that_cannot_be_written_is_an_error() {
    for format in ["human", "json", "sarif", "junit"] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("gatecheck"))
            .current_dir(root())
            .args(["--target", "1.33", "--format", format, "fixtures/good"])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("error: cannot write the report"),
            "{format}: {stderr}"
        );
    }
}
