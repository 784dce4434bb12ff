//! A write that fails (a full disk: /dev/full) is an error with exit 2 in every subcommand,
//! never a panic (exit 101); standard error that cannot be written is no panic either.
#![cfg(target_os = "linux")]

use std::process::{Command, Stdio};

fn run(args: &[&str], stdout_full: bool, stderr_full: bool) -> (Option<i32>, String) {
    let full = || Stdio::from(std::fs::File::create("/dev/full").unwrap());
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatecheck"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    cmd.stdout(if stdout_full { full() } else { Stdio::null() });
    cmd.stderr(if stderr_full { full() } else { Stdio::piped() });
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn failed_writes_are_errors_never_panics() {
    let commands: &[&[&str]] = &[
        &["explain", "SidecarContainers"],
        &["explain", "GC003"],
        &["list", "--version", "1.33"],
        &["diff", "1.32", "1.33"],
        &["completions", "bash"],
        &["man"],
        &["--target", "1.33", "fixtures/good/"],
        &[
            "--target",
            "1.33",
            "--format",
            "json",
            "fixtures/bad/kubelet-config.yaml",
        ],
        &[
            "--target",
            "1.33",
            "--format",
            "sarif",
            "fixtures/bad/kubelet-config.yaml",
        ],
        &[
            "--target",
            "1.34",
            "--diff",
            "fixtures/bad/kube-apiserver.yaml",
        ],
    ];
    for args in commands {
        let (code, stderr) = run(args, true, false);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
        // Standard error full as well: still an exit status, never a panic.
        let (code, _) = run(args, true, true);
        assert!(matches!(code, Some(1 | 2)), "{args:?}: {code:?}");
    }
}
