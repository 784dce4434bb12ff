//! The README's usage examples run as written: every line of the block that says so, from a
//! directory that holds the repository's fixtures, with `gatecheck` on the PATH. Each must end
//! with exit 0 or 1 (findings), never 2 (a usage error or an unreadable input).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The lines of the first `sh` block after `marker`.
fn block(readme: &str, marker: &str) -> Vec<String> {
    let at = readme.find(marker).expect("the README has the marker");
    let start = readme[at..].find("```sh\n").expect("a sh block") + at + 6;
    let end = readme[start..].find("```").unwrap() + start;
    readme[start..end]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn usage_examples_run_as_written() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = block(&readme, "Every line runs as written");
    assert!(lines.len() >= 15, "{lines:?}");
    let dir = std::env::temp_dir().join(format!("gatecheck-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("fixtures");
    if !link.exists() {
        std::os::unix::fs::symlink(root().join("fixtures"), &link).unwrap();
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_gatecheck")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut failures = Vec::new();
    for line in &lines {
        assert!(line.contains("gatecheck"), "{line}");
        let out = Command::new("sh")
            .args(["-c", line])
            .current_dir(&dir)
            .env("PATH", &path)
            .output()
            .unwrap();
        if !matches!(out.status.code(), Some(0 | 1)) {
            failures.push(format!(
                "{line}: {:?}\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{failures:#?}");
}
