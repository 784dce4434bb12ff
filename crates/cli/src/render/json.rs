//! `--format json`: one document with the target, file coverage, findings, errors and notes.
//! (JSON escapes control characters itself.)

use gatecheck_lint::{Finding, InputError, Value};
use serde_json::json;
use std::io::Write;

/// A finding as JSON: the fields in alphabetical order, as the rest of the document (a
/// `serde_json::Value` map) writes its keys. Serialised straight from the finding, without
/// building a map per finding.
#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    column: usize,
    component: Option<&'a str>,
    end_column: usize,
    end_line: usize,
    file: &'a str,
    gate: Option<&'a str>,
    help: &'a str,
    kind: &'a str,
    line: usize,
    message: &'a str,
    registry: &'a str,
    severity: &'a str,
    value: JsonValue<'a>,
}

/// A setting's value: a boolean, the text that is not one, or null.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum JsonValue<'a> {
    Bool(bool),
    Text(&'a str),
    None,
}

fn finding<'a>(file: &'a str, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        code: f.kind.code(),
        column: f.column,
        component: f.component.map(|c| c.as_str()),
        end_column: f.end_column,
        end_line: f.end_line,
        file,
        gate: f.gate.as_deref(),
        help: &f.help,
        kind: f.kind.name(),
        line: f.line,
        message: &f.message,
        registry: f.registry.as_str(),
        severity: f.severity.as_str(),
        value: match &f.value {
            Some(Value::Bool(b)) => JsonValue::Bool(*b),
            Some(Value::Invalid(s)) => JsonValue::Text(s),
            None => JsonValue::None,
        },
    }
}

pub fn error(file: &str, e: &InputError) -> serde_json::Value {
    json!({"file": file, "message": e.to_string(), "line": e.line, "column": e.column})
}

/// Writes `head` (an object) with a `findings` array added as its last member, one finding per
/// line, serialised one at a time.
pub fn write_document(
    out: &mut impl Write,
    head: &serde_json::Value,
    findings: &[(String, Finding)],
) -> std::io::Result<()> {
    let head = super::json_text(head)?;
    let open = head.strip_suffix('}').unwrap_or(&head);
    write!(out, "{open}")?;
    if open.len() > 1 {
        write!(out, ",")?;
    }
    write!(out, "\"findings\":[")?;
    for (i, (file, f)) in findings.iter().enumerate() {
        if i > 0 {
            write!(out, ",")?;
        }
        writeln!(out)?;
        write!(out, "{}", super::json_text(&finding(file, f))?)?;
    }
    writeln!(out, "\n]}}")?;
    out.flush()
}
