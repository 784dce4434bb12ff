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

/// One result, written as it is serialised (the document is streamed: memory does not grow with
/// the number of findings).
fn result(file: &str, f: &Finding) -> Value {
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
                "endLine": f.end_line, "endColumn": f.end_column,
            },
        }}],
    })
}

/// Writes the SARIF log: the tool and its rules, then the results one per line.
pub fn write(out: &mut impl std::io::Write, findings: &[(String, Finding)]) -> std::io::Result<()> {
    let tool = super::json_text(&tool())?;
    write!(
        out,
        "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{tool},\"results\":["
    )?;
    for (i, (file, f)) in findings.iter().enumerate() {
        if i > 0 {
            write!(out, ",")?;
        }
        writeln!(out)?;
        write!(out, "{}", super::json_text(&result(file, f))?)?;
    }
    writeln!(out, "\n]}}]}}")?;
    out.flush()
}

/// The tool: gatecheck, with a rule per finding kind.
fn tool() -> Value {
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
    json!({"driver": {
        "name": "gatecheck",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://github.com/gatecheck/gatecheck",
        "rules": rules,
    }})
}
