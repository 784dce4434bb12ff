//! The SARIF output validated against the SARIF 2.1.0 JSON schema (the copy Microsoft ships in
//! the npm package @microsoft/jest-sarif), with Python's jsonschema. Both are installed by
//! `.ci/run`, which runs this with `SARIF_SCHEMA=<schema> cargo test --test sarif_schema --
//! --ignored`.

use assert_cmd::Command;
use std::path::PathBuf;

#[test]
#[ignore = "needs the SARIF schema and Python's jsonschema; run by .ci/run"]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema =
        PathBuf::from(std::env::var("SARIF_SCHEMA").expect("SARIF_SCHEMA: the schema's path"));
    assert!(schema.is_file(), "{} is missing", schema.display());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(&root)
        .args([
            "--target",
            "1.33",
            "--format",
            "sarif",
            "fixtures/bad",
            "fixtures/real",
            "fixtures/templates",
        ])
        .output()
        .unwrap();
    let report = std::env::temp_dir().join(format!("gatecheck-{}.sarif", std::process::id()));
    std::fs::write(&report, &out.stdout).unwrap();
    let check = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys, jsonschema\nreport = json.load(open(sys.argv[1]))\njsonschema.validate(report, json.load(open(sys.argv[2])))\nassert report['runs'][0]['invocations'][0]['toolExecutionNotifications'], 'fixtures/bad has an unreadable file: its notification is validated too'\nprint(len(report['runs'][0]['results']), 'results valid')",
        ])
        .arg(&report)
        .arg(&schema)
        .output()
        .expect("python3");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(check.status.success(), "{said}");
    assert!(said.contains("results valid"), "{said}");
    std::fs::remove_file(&report).ok();
}

/// The JSON report validated against docs/report.schema.json (Draft 2020-12), with Python's
/// jsonschema: a run with findings of every shape (steps with --from, facts, safe and unsafe
/// fixes, skipped and unreadable files, upgrade notes). Run by `.ci/run` with the SARIF check.
#[test]
#[ignore = "needs Python's jsonschema; run by .ci/run"]
fn json_report_is_valid_against_its_schema() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(&root)
        .args(["--from", "1.30", "--target", "1.34", "--format", "json"])
        .args([
            "fixtures/bad",
            "fixtures/real",
            "fixtures/shapes",
            "fixtures/cluster",
        ])
        .output()
        .unwrap();
    let report = std::env::temp_dir().join(format!("gatecheck-{}.json", std::process::id()));
    std::fs::write(&report, &out.stdout).unwrap();
    let check = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys, jsonschema\nreport = json.load(open(sys.argv[1]))\njsonschema.Draft202012Validator(json.load(open(sys.argv[2]))).validate(report)\nfs = report['findings']\nassert any(f['fix'] and f['fix']['applicability'] == 'safe' for f in fs)\nassert any(f['fix'] and f['fix']['applicability'] == 'unsafe' for f in fs)\nassert any(f['step'] for f in fs) and any(f['facts'] for f in fs)\nassert report['errors'] and report['upgrade']\nprint(len(fs), 'findings valid')",
        ])
        .arg(&report)
        .arg(root.join("docs/report.schema.json"))
        .output()
        .expect("python3");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(check.status.success(), "{said}");
    assert!(said.contains("findings valid"), "{said}");
    std::fs::remove_file(&report).ok();
}
