//! The output formats as the binary writes them: the human rendering (snapshot, bounds, escaping),
//! GitHub annotations, SARIF, Markdown and JUnit structure, end positions, and unreadable inputs
//! named in every format.

use predicates::prelude::*;
use serde_json::Value;

#[path = "support/cli.rs"]
mod cli;
use cli::{gatecheck, json, root};

#[test]
fn case_only_mistakes_say_names_are_case_sensitive() {
    gatecheck()
        .args(["--target", "1.33", "fixtures/bad/kubelet-config.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "gate names are case-sensitive: write `SidecarContainers`",
        ));
}

/// The human rendering, compared with a reviewed snapshot. After an intended change, regenerate
/// with `GATECHECK_UPDATE_SNAPSHOTS=1 cargo test --test cli_output human_output` and review the diff.
#[test]
fn human_output_snapshot() {
    for (name, target, file) in [
        ("kubelet-config", "1.33", "fixtures/bad/kubelet-config.yaml"),
        ("kube-apiserver", "1.36", "fixtures/bad/kube-apiserver.yaml"),
    ] {
        let out = gatecheck()
            .env_remove("TERM")
            .env_remove("LANG")
            .args(["--target", target, file])
            .output()
            .unwrap();
        let text = format!(
            "{}---\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let path = root().join("tests/snapshots").join(format!("{name}.txt"));
        if std::env::var_os("GATECHECK_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            want == text,
            "{name}: rendered output differs from {}:\n{text}",
            path.display()
        );
    }
}

#[test]
fn github_format_writes_one_annotation_per_finding_and_error() {
    let out = gatecheck()
        .args([
            "--target",
            "1.33",
            "--format",
            "github",
            "fixtures/bad/kubelet-config.yaml",
            "fixtures/bad/malformed.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unreadable input still means 2"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(
        &"::error file=fixtures/bad/kubelet-config.yaml,line=5,col=3,endLine=5,endColumn=20,title=GC004 locked::kubelet fails with `cannot set feature gate SidecarContainers to false, feature is locked to true` (delete this setting: in 1.33 the feature is always on)"
    ), "{stdout}");
    assert!(
        lines.iter().any(|l| l.starts_with(
            "::notice file=fixtures/bad/kubelet-config.yaml,line=9,col=3,endLine=9,endColumn=28,title=GC010 redundant::"
        )),
        "info findings are notices: {stdout}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "::error file=fixtures/bad/malformed.yaml,line=4,col=1,title=gatecheck::invalid YAML"
        )),
        "{stdout}"
    );
    // Every line is a workflow command: nothing else goes to stdout.
    assert!(lines.iter().all(|l| l.starts_with("::")), "{stdout}");
}

/// Hostile input in human output: a 200 KB line renders a window, not the line (and no panic);
/// a file with thousands of findings shows the first ones and a count; control characters from
/// the file never reach the terminal raw.
#[test]
fn human_output_is_bounded_and_escaped() {
    let dir = std::env::temp_dir().join(format!("gatecheck-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gates: Vec<String> = (0..9_000).map(|i| format!("Gate{i}=true")).collect();
    let long = dir.join("kubelet.env");
    std::fs::write(
        &long,
        format!(
            "KUBELET_EXTRA_ARGS=--feature-gates={},ServerSideApply=true\n",
            gates.join(",")
        ),
    )
    .unwrap();
    let out = gatecheck()
        .args(["--target", "1.33"])
        .arg(&long)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("… and 8801 more findings in"),
        "{}",
        &stdout[stdout.len().saturating_sub(300)..]
    );
    assert!(stdout.len() < 400_000, "{} bytes", stdout.len());
    assert!(
        stdout.lines().all(|l| l.chars().count() < 400),
        "a line of the excerpt is too long"
    );

    let evil = dir.join("evil.yaml");
    std::fs::write(
        &evil,
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  \"Evil\\u001b]0;owned\\u0007\\u001b[2J\": true\n",
    )
    .unwrap();
    for format in ["human", "github"] {
        let out = gatecheck()
            .args(["--target", "1.33", "--format", format])
            .arg(&evil)
            .output()
            .unwrap();
        let all = [out.stdout, out.stderr].concat();
        assert!(
            !all.contains(&0x1b) && !all.contains(&0x07),
            "{format}: raw control characters"
        );
        assert!(
            String::from_utf8_lossy(&all).contains("Evil\\u{1b}]0;owned"),
            "{format}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// SARIF, Markdown and JUnit outputs, checked for the structure their consumers need.
#[test]
fn sarif_markdown_and_junit() {
    let file = "fixtures/bad/kubelet-config.yaml";
    let out = gatecheck()
        .args(["--target", "1.33", "--format", "sarif", file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .all(|r| r["id"].is_string() && r["helpUri"].is_string() && r["help"]["text"].is_string()));
    let first = &run["results"][0];
    assert_eq!(first["ruleId"], "GC004");
    assert_eq!(
        rules[first["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "GC004"
    );
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(
        (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        (Some(5), Some(20))
    );
    assert_eq!(first["level"], "error");

    let out = gatecheck()
        .args([
            "--from",
            "1.30",
            "--target",
            "1.33",
            "--format",
            "markdown",
            "fixtures/upgrade/kubeadm-1.30.yaml",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("## ❌ gatecheck 1.33: 5 errors"), "{md}");
    // An upgrade's comment is a plan: by step, then component, a checklist item per finding.
    assert!(
        md.contains("#### Upgrading to 1.31\n\n**kube-apiserver**\n\n- [ ] ⚠️ `fixtures/upgrade/kubeadm-1.30.yaml:7:21` GC008:"),
        "{md}"
    );
    assert!(
        md.contains("- [ ] ❌ `fixtures/upgrade/kubeadm-1.30.yaml:16:3` GC004: kubelet fails"),
        "{md}"
    );
    assert!(md.find("Upgrading to 1.31") < md.find("Upgrading to 1.32"));
    assert!(md.contains("### Upgrade notes 1.30 → 1.33"), "{md}");
    assert!(md.contains("- **1.31**:"), "{md}");

    let out = gatecheck()
        .args([
            "--target",
            "1.33",
            "--format",
            "junit",
            file,
            "fixtures/good/kubelet-config.yaml",
        ])
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout);
    // One suite per file, each with its own counts (written as the file is done).
    assert!(xml.contains("<testsuite name=\"fixtures/bad/kubelet-config.yaml\" tests=\"1\" failures=\"1\" errors=\"0\">\n  <testcase classname=\"gatecheck\" name=\"fixtures/bad/kubelet-config.yaml\">\n    <failure"), "{xml}");
    assert!(
        xml.contains(
            "<testsuite name=\"fixtures/good/kubelet-config.yaml\" tests=\"1\" failures=\"0\""
        ),
        "{xml}"
    );
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
    assert!(
        xml.contains("cannot set feature gate SidecarContainers to false"),
        "{xml}"
    );
}

/// Findings carry their end position: JSON, SARIF regions and GitHub annotations (endLine,
/// endColumn) agree with the span.
#[test]
fn end_positions_everywhere() {
    let file = "fixtures/bad/kubelet-config.yaml";
    let (_, v) = json(&["--target", "1.33", file]);
    let f = &v["findings"][0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(5), Some(20)),
        "{f}"
    );
    let out = gatecheck()
        .args(["--target", "1.33", "--format", "github", file])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        first.contains("line=5,col=3,endLine=5,endColumn=20"),
        "{first}"
    );
}

/// An input that cannot be read is named in every output format, not only in the exit code: a
/// code-scanning upload or a CI test tab must not look clean because a file was skipped.
#[test]
fn unreadable_inputs_are_named_in_every_format() {
    let files = [
        "fixtures/bad/malformed.yaml",
        "fixtures/good/kubelet-config.yaml",
    ];
    let run = |format: &str| {
        let out = gatecheck()
            .args(["--target", "1.33", "--format", format])
            .args(files)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{invocation}");
    assert_eq!(notes[0]["level"], "error");
    let location = &notes[0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], files[0]);
    assert_eq!(location["region"]["startLine"], 4);
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["errors"][0]["file"], files[0]);
    assert_eq!(json["files"]["checked"], 2);
    let junit = run("junit");
    assert!(
        junit.contains(&format!(
            "<testsuite name=\"{}\" tests=\"1\" failures=\"1\"",
            files[0]
        )),
        "{junit}"
    );
    assert!(junit.contains("type=\"input\""), "{junit}");
    assert!(run("markdown").contains(&format!("`{}` could not be read", files[0])));
    assert!(run("github").contains(&format!("::error file={},line=4", files[0])));
}

/// The Markdown comment counts every finding but shows at most 200 rows (a pull-request comment
/// has a size limit), and says how many more there are.
#[test]
fn markdown_table_is_capped_with_a_count() {
    let gates: Vec<String> = (0..250).map(|i| format!("Gate{i}=true")).collect();
    let out = gatecheck()
        .args([
            "--target",
            "1.33",
            "--format",
            "markdown",
            "--component",
            "kubelet",
            "-",
        ])
        .write_stdin(format!(
            "KUBELET_EXTRA_ARGS=--feature-gates={}\n",
            gates.join(",")
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.starts_with("## ❌ gatecheck 1.33: 250 errors, 0 warnings, 0 notices"),
        "{md}"
    );
    assert_eq!(md.lines().filter(|l| l.starts_with("| ❌ |")).count(), 200);
    assert!(
        md.contains("… and 50 more findings (all of them: `--format json`)"),
        "{md}"
    );
}

/// File names reach standard error in notes (the declared-versions note names the files): a name
/// with terminal escapes in it is written escaped, never raw.
#[cfg(unix)]
#[test]
fn file_names_in_notes_are_escaped() {
    let dir = std::env::temp_dir().join(format!("gatecheck-esc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        "fixtures/upgrade/kubeadm-1.30.yaml",
        dir.join("a\u{1b}]0;owned\u{7}.yaml"),
    )
    .unwrap();
    std::fs::copy("fixtures/bad/kubeadm-v1beta3.yaml", dir.join("b.yaml")).unwrap();
    let out = gatecheck()
        .args(["--target", "1.36"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("declare different Kubernetes versions"),
        "{stderr}"
    );
    assert!(stderr.contains("a\\u{1b}]0;owned\\u{7}.yaml"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
