//! `--format json`: one document with the target, findings, errors, file coverage and notes.
//! (JSON escapes C0 control characters itself; [`super::json_text`] also escapes DEL and C1.)

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

/// The JSON report, streamed: `{"target": …, "findings": [` first, a finding per line as each
/// file is done, then the errors, file counts, notes and upgrade steps, which are known only at
/// the end.
pub struct Json<W: Write> {
    stream: super::JsonStream<W>,
}

impl<W: Write> Json<W> {
    pub fn new(out: W, target: &str) -> std::io::Result<Json<W>> {
        let open = format!("{{\"target\":{},\"findings\":[", super::json_text(&target)?);
        Ok(Json {
            stream: super::JsonStream::new(out, open),
        })
    }
}

impl<W: Write> super::Emitter for Json<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        if let super::Outcome::Linted { findings, .. } = outcome {
            for f in findings {
                self.stream.element(&finding(name, f))?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, s: &super::Summary<'_>) -> std::io::Result<()> {
        let errors: Vec<_> = s.errors.iter().map(|(file, e)| error(file, e)).collect();
        let notes: Vec<&str> = s.development.into_iter().chain(s.versions).collect();
        let files = json!({"checked": s.checked, "recognised": s.recognised, "with_settings": s.with_settings, "unrecognised": s.unrecognised, "skipped": s.skipped.iter().map(|(file, why)| json!({"file": file, "why": why})).collect::<Vec<_>>()});
        let mut tail = json!({"errors": errors, "files": files, "notes": notes});
        if let Some(u) = s.upgrade {
            let steps: Vec<_> = u
                .steps
                .iter()
                .map(|n| {
                    json!({
                        "version": n.version,
                        "default_on": n.default_on, "default_off": n.default_off,
                        "locked": n.locked, "deprecated": n.deprecated, "removed": n.removed,
                    })
                })
                .collect();
            tail["upgrade"] = json!({"from": u.from, "to": u.to, "steps": steps});
        }
        let tail = super::json_text(&tail)?;
        // The tail's members follow the findings in the same object.
        let members = tail.strip_prefix('{').unwrap_or(&tail);
        self.stream.close(&format!("],{members}"))
    }
}
