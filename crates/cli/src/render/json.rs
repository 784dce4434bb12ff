//! `--format json`: one document with the target, file coverage, findings, errors and notes.
//! (JSON escapes control characters itself.)

use gatecheck_lint::{Finding, InputError, Value};
use serde_json::json;

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
