//! Golden outputs: every `--format` on one shared fixture set (fixtures/golden: errors, warnings,
//! notices, a declared-version note and one unreadable input), and an upgrade run with `--from`,
//! compared byte for byte with the reviewed files under tests/golden/. After an intended change,
//! regenerate with `GATECHECK_UPDATE_SNAPSHOTS=1 cargo test --test golden` and review the diff.
//!
//! Nothing is masked: the outputs hold no absolute path, time or duration. They do hold the
//! crate's version (SARIF's `tool.driver.version`), so a version bump regenerates sarif.json.

use assert_cmd::Command;
use std::path::PathBuf;

#[path = "support/snapshot.rs"]
#[allow(dead_code)] // only `compare` is used here
mod snapshot;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The run on the fixture set, from the repository root (relative names), with nothing from the
/// environment that could change the rendering.
fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(root())
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("TERM")
        .env_remove("LANG")
        .env_remove("COLUMNS")
        .args(["--color", "never", "--no-config"])
        .args(args)
        .arg("fixtures/golden")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// One format's standard output (and, for the human rendering, its standard error after a
/// `---` line) against `tests/golden/<file>`. The unreadable input makes every run exit 2.
fn golden(file: &str, args: &[&str], with_stderr: bool) {
    let (code, stdout, stderr) = run(args);
    assert_eq!(code, 2, "{file}: an unreadable input exits 2\n{stderr}");
    let text = if with_stderr {
        format!("{stdout}---\n{stderr}")
    } else {
        stdout
    };
    assert!(
        !text.contains(root().to_str().unwrap()),
        "{file}: an absolute path"
    );
    snapshot::compare(&root().join("tests/golden").join(file), &text);
}

#[test]
fn human() {
    golden("human.txt", &["--target", "1.33"], true);
}

#[test]
fn json() {
    golden(
        "json.json",
        &["--target", "1.33", "--format", "json"],
        false,
    );
}

#[test]
fn sarif() {
    golden(
        "sarif.json",
        &["--target", "1.33", "--format", "sarif"],
        false,
    );
}

#[test]
fn junit() {
    golden(
        "junit.xml",
        &["--target", "1.33", "--format", "junit"],
        false,
    );
}

#[test]
fn markdown() {
    golden(
        "markdown.md",
        &["--target", "1.33", "--format", "markdown"],
        false,
    );
}

#[test]
fn github() {
    golden(
        "github.txt",
        &["--target", "1.33", "--format", "github"],
        false,
    );
}

#[test]
fn gitlab() {
    golden(
        "gitlab.json",
        &["--target", "1.33", "--format", "gitlab"],
        false,
    );
}

/// The upgrade plan: every step from the release the files declare to the target.
#[test]
fn upgrade_human() {
    golden(
        "upgrade-human.txt",
        &["--from", "1.31", "--target", "1.33"],
        true,
    );
}

/// Every format the binary offers has a golden here: a new format without one fails.
#[test]
fn every_format_has_a_golden() {
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let formats: Vec<&str> = help
        .split("--format <FORMAT>")
        .nth(1)
        .expect("--format in --help")
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("--") && !l.starts_with('['))
        .filter_map(|l| l.strip_prefix("- "))
        .filter_map(|l| l.split(':').next())
        .collect();
    assert!(formats.len() >= 7, "{formats:?}");
    let goldens: Vec<String> = std::fs::read_dir(root().join("tests/golden"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for format in formats {
        assert!(
            goldens.iter().any(|g| g.split('.').next() == Some(format)),
            "--format {format} has no golden under tests/golden/ ({goldens:?})"
        );
    }
}
