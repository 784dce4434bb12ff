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
    validate(
        &out.stdout,
        &schema,
        "jsonschema.validate(report, schema)\nassert report['runs'][0]['invocations'][0]['toolExecutionNotifications'], 'fixtures/bad has an unreadable file: its notification is validated too'\nprint(len(report['runs'][0]['results']), 'valid')",
    );
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
    validate(
        &out.stdout,
        &root.join("docs/report.schema.json"),
        "jsonschema.Draft202012Validator(schema).validate(report)\nfs = report['findings']\nassert any(f['fix'] and f['fix']['applicability'] == 'safe' for f in fs)\nassert any(f['fix'] and f['fix']['applicability'] == 'unsafe' for f in fs)\nassert any(f['step'] for f in fs) and any(f['facts'] for f in fs)\nassert report['errors'] and report['upgrade']\nprint(len(fs), 'valid')",
    );
}

/// Runs `check` in Python with `report` (the output, parsed) and `schema` (the schema file,
/// parsed) and jsonschema imported; it must print `valid`.
fn validate(output: &[u8], schema: &std::path::Path, check: &str) {
    assert!(schema.is_file(), "{} is missing", schema.display());
    let report = std::env::temp_dir().join(format!(
        "gatecheck-{}-{}.json",
        std::process::id(),
        schema.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&report, output).unwrap();
    let script = format!("import json, sys, jsonschema\nreport = json.load(open(sys.argv[1]))\nschema = json.load(open(sys.argv[2]))\n{check}");
    let out = std::process::Command::new("python3")
        .args(["-c", &script])
        .arg(&report)
        .arg(schema)
        .output()
        .expect("python3");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.contains("valid"), "{said}");
    std::fs::remove_file(&report).ok();
}
