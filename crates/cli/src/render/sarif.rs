//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and GitLab: one run, a rule per finding
//! kind (with help text and a help URI), a result per finding with its start and end position.

use gatecheck_lint::{Finding, FindingKind, Severity};
use serde_json::{json, Value};

const HELP_BASE: &str = "https://github.com/gatecheck/gatecheck/blob/main/docs/findings.md";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// 1-based line and column (in characters) of the end of a finding's span.
fn end_of(src: &str, f: &Finding) -> (usize, usize) {
    let start = f.offset.min(src.len());
    let mut end = (f.offset + f.len.max(1)).min(src.len());
    while !src.is_char_boundary(end) {
        end -= 1;
    }
    let span = src.get(start..end).unwrap_or("");
    match span.rfind('\n') {
        None => (f.line, f.column + span.chars().count()),
        Some(nl) => (
            f.line + span.matches('\n').count(),
            span[nl + 1..].chars().count() + 1,
        ),
    }
}

pub fn document(findings: &[(String, Finding)], source: &dyn Fn(&str) -> String) -> Value {
    let rules: Vec<Value> = FindingKind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.code(),
                "name": k.name(),
                "shortDescription": {"text": k.summary()},
                "fullDescription": {"text": k.explanation()},
                "help": {"text": k.explanation()},
                "helpUri": format!("{HELP_BASE}#{}-{}", k.code().to_lowercase(), k.name()),
                "defaultConfiguration": {"level": level(k.severity())},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|(file, f)| {
            let src = source(file);
            let (end_line, end_column) = end_of(&src, f);
            let index = FindingKind::ALL
                .iter()
                .position(|k| *k == f.kind)
                .unwrap_or(0);
            json!({
                "ruleId": f.kind.code(),
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": format!("{} ({})", f.message, f.help)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": file},
                    "region": {
                        "startLine": f.line, "startColumn": f.column,
                        "endLine": end_line, "endColumn": end_column,
                    },
                }}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gatecheck",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/gatecheck/gatecheck",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
