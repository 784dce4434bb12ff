//! Helpers shared by the end-to-end suites of the binary (tests/cli_*.rs): run it from the
//! repository root without colour, read its JSON report, and look findings up by position.
// Each suite uses some of these helpers, not all.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn gatecheck() -> Command {
    let mut cmd = Command::cargo_bin("gatecheck").unwrap();
    cmd.current_dir(root()).env("NO_COLOR", "1");
    cmd
}

/// The `field` of every object in a JSON array, as text.
pub fn strings<'a>(array: &'a Value, field: &str) -> Vec<&'a str> {
    array
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_str().unwrap())
        .collect()
}

/// Runs with `--format json` and returns (exit code, parsed output).
pub fn json(args: &[&str]) -> (i32, Value) {
    let out = gatecheck()
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (out.status.code().unwrap(), v)
}

/// Runs with `--format json`, `input` on stdin, and returns (exit code, parsed output).
pub fn json_stdin(args: &[&str], input: &str) -> (i32, Value) {
    let out = gatecheck()
        .args(["--format", "json"])
        .args(args)
        .arg("-")
        .write_stdin(input)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (out.status.code().unwrap(), v)
}

/// (line, column, code, gate) of every finding.
pub fn summary(v: &Value) -> Vec<(u64, u64, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["gate"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

pub fn has(v: &Value, line: u64, column: u64, code: &str, gate: &str) -> bool {
    summary(v).contains(&(line, column, code.to_string(), gate.to_string()))
}
