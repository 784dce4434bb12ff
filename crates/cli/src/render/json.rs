//! `--format json`: one document with the target, file coverage, findings, errors and notes.
//! (JSON escapes control characters itself.)

use gatecheck_lint::{Finding, InputError, Value};
use serde_json::json;
use std::io::Write;

fn value(v: &Option<Value>) -> serde_json::Value {
    match v {
        Some(Value::Bool(b)) => json!(b),
        Some(Value::Invalid(s)) => json!(s),
        None => serde_json::Value::Null,
    }
}

pub fn finding(file: &str, f: &Finding) -> serde_json::Value {
    json!({
        "file": file, "line": f.line, "column": f.column,
        "end_line": f.end_line, "end_column": f.end_column,
        "component": f.component.map(|c| c.as_str()),
        "registry": f.registry.as_str(), "gate": f.gate,
        "value": value(&f.value), "kind": f.kind.name(),
        "severity": f.severity.as_str(), "code": f.kind.code(),
        "message": f.message, "help": f.help,
    })
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
