//! `--format gitlab`: the GitLab Code Quality report. A golden output on fixtures/gitlab, every
//! issue checked against the fields GitLab documents for the report (no JSON schema for it is
//! published in a package registry), and fingerprints that survive lines moving.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn gatecheck() -> Command {
    Command::cargo_bin("gatecheck").unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The report on `paths` at 1.33, run in `dir`: its text and exit code.
fn report(dir: &Path, paths: &[&str]) -> (String, i32) {
    let out = gatecheck()
        .current_dir(dir)
        .args(["--target", "1.33", "--format", "gitlab"])
        .args(paths)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

fn issues(text: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).expect("the report is one JSON document");
    v.as_array().expect("the report is an array").clone()
}

/// The report on fixtures/gitlab is byte for byte the reviewed one (regenerate with
/// GATECHECK_UPDATE_SNAPSHOTS=1 and review the diff).
#[test]
fn golden_output() {
    let (text, code) = report(
        &root(),
        &["fixtures/gitlab/nodes", "./fixtures/gitlab/malformed.yaml"],
    );
    assert_eq!(code, 2, "an unreadable input: exit 2\n{text}");
    let golden = root().join("fixtures/gitlab/EXPECTED.json");
    if std::env::var_os("GATECHECK_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&golden, &text).unwrap();
    }
    let want = std::fs::read_to_string(&golden).unwrap();
    assert_eq!(text, want, "differs from {}", golden.display());
}

/// Every issue has what GitLab's documentation of the Code Quality report asks for, and nothing
/// it does not read: a description, a check name, a fingerprint unique in the report, one of the
/// five severities, and a location whose path is relative to the repository (no `./`, not
/// absolute; it names a file there) with a first line.
#[test]
fn every_issue_has_the_documented_fields() {
    let (text, _) = report(
        &root(),
        &[
            "fixtures/bad",
            "fixtures/real",
            "fixtures/templates",
            "fixtures/shapes",
            "./fixtures/gitlab/nodes",
        ],
    );
    let all = issues(&text);
    assert!(all.len() > 50, "{}", all.len());
    let mut fingerprints = std::collections::HashSet::new();
    for issue in &all {
        let o = issue.as_object().unwrap();
        let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ],
            "{issue}"
        );
        assert!(!issue["description"].as_str().unwrap().is_empty());
        let check = issue["check_name"].as_str().unwrap();
        assert!(
            check == "input-error"
                || (check.len() == 5
                    && check.starts_with("GC")
                    && check[2..].bytes().all(|b| b.is_ascii_digit())),
            "{issue}"
        );
        let fp = issue["fingerprint"].as_str().unwrap();
        assert!(
            fp.len() == 32 && fp.bytes().all(|b| b.is_ascii_hexdigit()),
            "{issue}"
        );
        assert!(fingerprints.insert(fp.to_string()), "duplicate: {issue}");
        let severity = issue["severity"].as_str().unwrap();
        assert!(
            ["info", "minor", "major", "critical", "blocker"].contains(&severity),
            "{issue}"
        );
        let location = issue["location"].as_object().unwrap();
        assert_eq!(location.len(), 2, "{issue}");
        let path = location["path"].as_str().unwrap();
        assert!(
            !path.starts_with("./") && !path.starts_with('/') && !path.contains("/./"),
            "{issue}"
        );
        assert!(root().join(path).is_file(), "{issue}");
        let lines = location["lines"].as_object().unwrap();
        assert_eq!(lines.len(), 1, "{issue}");
        assert!(lines["begin"].as_u64().unwrap() >= 1, "{issue}");
    }
    // Each severity gatecheck has is used, and an unreadable file is reported.
    for s in ["info", "minor", "critical", "blocker"] {
        assert!(all.iter().any(|i| i["severity"] == s), "no {s}");
    }
    // No findings: an empty array, and a passing run.
    let dir = std::env::temp_dir().join(format!("gatecheck-gitlab-none-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("kubelet.yaml"),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n",
    )
    .unwrap();
    let (text, code) = report(&dir, &["kubelet.yaml"]);
    assert_eq!((text.as_str(), code), ("[\n]\n", 0));
    std::fs::remove_dir_all(&dir).ok();
}

/// GitLab tells new findings from old by fingerprint: lines added above a finding do not change
/// it, a gate set twice on one line has two, and the same finding in another file is another.
#[test]
fn fingerprints_survive_moved_lines() {
    let dir = std::env::temp_dir().join(format!("gatecheck-gitlab-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a")).unwrap();
    let config =
        std::fs::read_to_string(root().join("fixtures/gitlab/nodes/kubelet-config.yaml")).unwrap();
    std::fs::write(dir.join("a/kubelet.yaml"), &config).unwrap();
    std::fs::copy(
        root().join("fixtures/gitlab/nodes/kubelet.env"),
        dir.join("a/kubelet.env"),
    )
    .unwrap();
    let take = |text: &str| -> Vec<(String, u64)> {
        issues(text)
            .iter()
            .map(|i| {
                (
                    i["fingerprint"].as_str().unwrap().to_string(),
                    i["location"]["lines"]["begin"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let before = take(&report(&dir, &["."]).0);
    assert_eq!(before.len(), 6, "{before:?}");
    std::fs::write(
        dir.join("a/kubelet.yaml"),
        format!("# one\n# two\n# three\n{config}"),
    )
    .unwrap();
    let (text, _) = report(&dir, &["."]);
    assert!(!text.contains("\"./"), "{text}");
    let after = take(&text);
    assert_eq!(after.len(), before.len());
    for ((fb, lb), (fa, la)) in before.iter().zip(&after) {
        assert_eq!(fb, fa, "the fingerprint stays");
        if *lb > 1 {
            assert_eq!(*la, lb + 3, "the yaml finding moved down");
        }
    }
    // The env file sets DevicePlugins twice on line 1: two issues, two fingerprints.
    let env: Vec<_> = issues(&text)
        .into_iter()
        .filter(|i| i["location"]["path"] == "a/kubelet.env")
        .collect();
    assert_eq!(env.len(), 2);
    assert_ne!(env[0]["fingerprint"], env[1]["fingerprint"]);
    // The same file under another name has other fingerprints.
    std::fs::rename(dir.join("a"), dir.join("b")).unwrap();
    let moved = take(&report(&dir, &["."]).0);
    assert!(moved
        .iter()
        .all(|(f, _)| !before.iter().any(|(b, _)| b == f)));
    // The same files judged as a step of an upgrade keep their fingerprints.
    std::fs::rename(dir.join("b"), dir.join("a")).unwrap();
    let out = gatecheck()
        .current_dir(&dir)
        .args([
            "--target", "1.33", "--from", "1.32", "--format", "gitlab", ".",
        ])
        .output()
        .unwrap();
    let upgrade = take(&String::from_utf8(out.stdout).unwrap());
    for (f, _) in &after {
        assert!(upgrade.iter().any(|(u, _)| u == f), "{f} kept with --from");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[path = "support/controls.rs"]
mod controls;

/// Gate names and values with terminal escapes, C1 controls and quotes reach the report escaped:
/// it parses, and holds no raw control character (the report may be printed in a CI log).
#[test]
fn hostile_text_is_escaped() {
    let dir = std::env::temp_dir().join(format!("gatecheck-gitlab-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("kubelet.env"),
        "KUBELET_EXTRA_ARGS=\"--feature-gates=Dyn\u{1b}[2Jamic=true,NodeSwap=m\u{9b}aybe\u{7f},\\\"Q\\\"=true\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("kubelet.yaml"),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  \"A\\e]0;t\\a\": true\n  NodeSwap: \"\\u009b\"\n",
    )
    .unwrap();
    let (text, code) = report(&dir, &["."]);
    assert_eq!(code, 1, "{text}");
    assert_eq!(controls::raw_control(&text), None, "{text:?}");
    assert!(issues(&text).len() >= 3, "{text}");
    std::fs::remove_dir_all(&dir).ok();
}
