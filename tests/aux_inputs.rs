//! Inputs other than the files checked (`.gatecheck.yaml`, `--baseline`) are read bounded: a
//! FIFO is refused, never waited on; a huge file is refused; a value of the wrong type is an
//! error when the config is read, never a silent pass (an accept entry whose gate is a list
//! accepted every finding of its code).
#![cfg(unix)]

use assert_cmd::Command;
use std::path::PathBuf;
use std::time::Duration;

fn dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatecheck-aux-{tag}-{}", std::process::id()));
    std::fs::remove_dir_all(&d).ok();
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("kubelet.yaml"),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NoSuchGate: true\n",
    )
    .unwrap();
    d
}

fn run(dir: &PathBuf, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(dir)
        .args(["--target", "1.33"])
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn special_and_huge_auxiliary_files_are_refused() {
    let d = dir("fifo");
    let fifo = d.join(".gatecheck.yaml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (code, err) = run(&d, &["kubelet.yaml"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    std::fs::remove_file(&fifo).unwrap();
    // A baseline that is a FIFO, and one over the limit.
    assert!(std::process::Command::new("mkfifo")
        .arg(d.join("b.json"))
        .status()
        .unwrap()
        .success());
    let (code, err) = run(&d, &["--baseline", "b.json", "kubelet.yaml"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    std::fs::write(&fifo, "x".repeat(2 << 20)).unwrap();
    let (code, err) = run(&d, &["kubelet.yaml"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("larger than"), "{err}");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn config_values_of_the_wrong_type_are_errors() {
    let d = dir("types");
    for (config, said) in [
        (
            "accept:\n  - {file: kubelet.yaml, code: GC001, gate: [A, B], reason: why}\n",
            "gate must be a string",
        ),
        ("exclude: [[a]]\n", "must be a string"),
        ("target: [1.33]\n", "target must be a version"),
    ] {
        std::fs::write(d.join(".gatecheck.yaml"), config).unwrap();
        let (code, err) = run(&d, &["kubelet.yaml"]);
        assert_eq!(code, Some(2), "{config}: {err}");
        assert!(err.contains(said), "{config}: {err}");
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn a_gitignore_that_is_no_regular_file_is_reported_not_waited_on() {
    let d = dir("gitignore");
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::copy(d.join("kubelet.yaml"), d.join("sub/kubelet.yaml")).unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(d.join("sub/.gitignore"))
        .status()
        .unwrap()
        .success());
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(&d)
        .args(["--target", "1.33", "--format", "json", "--gitignore", "."])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"][0]["file"], "sub/.gitignore", "{v}");
    // The rest of the tree is still checked.
    assert_eq!(v["findings"][0]["file"], "kubelet.yaml", "{v}");
    std::fs::remove_dir_all(&d).ok();
}
