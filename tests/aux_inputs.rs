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
    mkfifo(&d.join("sub/.gitignore"));
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

/// Runs `--gitignore --format json .` in `dir` with git's configuration confined to `dir` (no
/// global or system config but what the test writes); the exit code, report and stderr.
fn gitignore_run(dir: &PathBuf, global_config: Option<&str>) -> (Option<i32>, serde_json::Value) {
    let mut cmd = Command::cargo_bin("gatecheck").unwrap();
    cmd.current_dir(dir)
        .env("HOME", dir)
        .env("XDG_CONFIG_HOME", dir.join("xdg"))
        .env("GIT_CONFIG_SYSTEM", "/dev/null")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(["--target", "1.33", "--format", "json", "--gitignore", "."])
        .timeout(Duration::from_secs(20));
    if let Some(config) = global_config {
        cmd.env("GIT_CONFIG_GLOBAL", dir.join(config));
    }
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), v)
}

/// The file of the report's first error.
fn first_error(v: &serde_json::Value) -> &str {
    v["errors"][0]["file"].as_str().unwrap_or_default()
}

fn mkfifo(path: &std::path::Path) {
    assert!(std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success());
}

/// The repository's .git/info/exclude and git's global excludes file (core.excludesFile) are
/// read like a .gitignore: applied when they are regular files, and when one is a FIFO or over
/// 1 MiB it is reported and what it governs is not searched, never waited on or read whole.
#[test]
fn exclude_files_that_are_no_regular_files_are_reported_not_waited_on() {
    let d = dir("excludes");
    std::fs::create_dir_all(d.join(".git/info")).unwrap();
    std::fs::create_dir_all(d.join("xdg")).unwrap();
    std::fs::copy(d.join("kubelet.yaml"), d.join("a.yaml")).unwrap();
    std::fs::copy(d.join("kubelet.yaml"), d.join("b.yaml")).unwrap();
    let checked = |v: &serde_json::Value| v["files"]["checked"].as_u64().unwrap();
    // Both read: info/exclude leaves out a.yaml, the global file b.yaml.
    std::fs::write(d.join(".git/info/exclude"), "a.yaml\n").unwrap();
    std::fs::write(d.join("global-ignore"), "b.yaml\n").unwrap();
    std::fs::write(
        d.join("gitconfig"),
        format!(
            "[core]\n\texcludesFile = {}\n",
            d.join("global-ignore").display()
        ),
    )
    .unwrap();
    let (code, v) = gitignore_run(&d, Some("gitconfig"));
    assert_eq!((code, checked(&v)), (Some(1), 1), "{v}");
    // The default global file, $XDG_CONFIG_HOME/git/ignore, when no config names one.
    std::fs::create_dir_all(d.join("xdg/git")).unwrap();
    std::fs::write(d.join("xdg/git/ignore"), "kubelet.yaml\n").unwrap();
    let (code, v) = gitignore_run(&d, None);
    assert_eq!((code, checked(&v)), (Some(1), 1), "{v}");
    std::fs::remove_file(d.join("xdg/git/ignore")).unwrap();

    // info/exclude as a FIFO: the directory it governs is not searched.
    std::fs::remove_file(d.join(".git/info/exclude")).unwrap();
    mkfifo(&d.join(".git/info/exclude"));
    let (code, v) = gitignore_run(&d, None);
    assert_eq!(code, Some(2), "{v}");
    assert_eq!(v["errors"][0]["file"], ".git/info/exclude", "{v}");
    assert!(v["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not a regular file"));
    assert_eq!(checked(&v), 0, "{v}");
    // Over 1 MiB: refused unread.
    std::fs::remove_file(d.join(".git/info/exclude")).unwrap();
    std::fs::write(d.join(".git/info/exclude"), "#".repeat(2 << 20)).unwrap();
    let (code, v) = gitignore_run(&d, None);
    assert_eq!(code, Some(2), "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than"),
        "{v}"
    );
    std::fs::remove_file(d.join(".git/info/exclude")).unwrap();

    // The global excludes file as a FIFO, and a global git config that is one.
    std::fs::remove_file(d.join("global-ignore")).unwrap();
    mkfifo(&d.join("global-ignore"));
    let (code, v) = gitignore_run(&d, Some("gitconfig"));
    assert_eq!(code, Some(2), "{v}");
    assert!(first_error(&v).ends_with("global-ignore"), "{v}");
    assert_eq!(checked(&v), 0, "{v}");
    mkfifo(&d.join("fifo-config"));
    let (code, v) = gitignore_run(&d, Some("fifo-config"));
    assert_eq!(code, Some(2), "{v}");
    assert!(first_error(&v).ends_with("fifo-config"), "{v}");
    std::fs::remove_dir_all(&d).ok();
}

/// A .gitignore above the searched directory (git reads the ones up to the repository's top)
/// that is a FIFO is reported, never waited on; one over 1 MiB in the searched tree too.
#[test]
fn parent_and_huge_gitignores_are_reported() {
    let d = dir("parent-gitignore");
    std::fs::create_dir_all(d.join("sub/deep")).unwrap();
    std::fs::copy(d.join("kubelet.yaml"), d.join("sub/deep/kubelet.yaml")).unwrap();
    mkfifo(&d.join(".gitignore"));
    let (code, v) = gitignore_run(&d.join("sub"), None);
    assert_eq!(code, Some(2), "{v}");
    assert!(first_error(&v).ends_with(".gitignore"), "{v}");
    std::fs::remove_file(d.join(".gitignore")).unwrap();
    std::fs::write(d.join("sub/deep/.gitignore"), "#".repeat(2 << 20)).unwrap();
    let (code, v) = gitignore_run(&d.join("sub"), None);
    assert_eq!(code, Some(2), "{v}");
    assert_eq!(v["errors"][0]["file"], "deep/.gitignore", "{v}");
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("larger than"),
        "{v}"
    );
    std::fs::remove_dir_all(&d).ok();
}
