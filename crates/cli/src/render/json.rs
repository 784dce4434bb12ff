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
    /// What the data says of the gate at the step judged (or the target).
    facts: Option<Facts>,
    file: &'a str,
    /// The edit that settles the finding, where a removal does.
    fix: Option<JsonFix<'a>>,
    gate: Option<&'a str>,
    help: &'a str,
    kind: &'a str,
    line: usize,
    message: &'a str,
    registry: &'a str,
    severity: &'a str,
    /// The upgrade step (`--from`) at which the finding appears.
    step: Option<String>,
    value: JsonValue<'a>,
}

/// The gate's facts at the release judged: its stage, default and lock (null where no source
/// settles it), the release it reached that stage in, the release that removes it, and the source
/// of the facts.
#[derive(serde::Serialize)]
pub(super) struct Facts {
    default: Option<bool>,
    evidence: Option<&'static str>,
    locked: Option<bool>,
    removed_in: Option<String>,
    since: Option<String>,
    stage: Option<&'static str>,
}

#[derive(serde::Serialize)]
struct JsonFix<'a> {
    applicability: &'static str,
    description: &'a str,
    /// Byte ranges of the file and what replaces them.
    edits: Vec<JsonEdit<'a>>,
}

#[derive(serde::Serialize)]
struct JsonEdit<'a> {
    end: usize,
    replacement: &'a str,
    start: usize,
}

/// The facts of `gate` at `at`.
pub(super) fn facts(
    registry: gatecheck_rules::Registry,
    gate: &str,
    at: gatecheck_rules::Version,
) -> Option<Facts> {
    use gatecheck_rules::Status;
    let rules = gatecheck_rules::Rules::embedded();
    let g = rules.gate(registry, gate)?;
    let removed_in = g.removed_in.map(|v| v.to_string());
    let evidence = g.evidence_at(at);
    Some(match rules.status(registry, gate, at).ok()? {
        Status::Known { spec, .. } => Facts {
            default: Some(spec.default),
            evidence,
            locked: spec.lock.known(),
            removed_in,
            since: Some(spec.since.to_string()),
            stage: Some(spec.stage.as_str()),
        },
        Status::Removed { last, .. } => Facts {
            default: Some(last.default),
            evidence,
            locked: last.lock.known(),
            removed_in,
            since: Some(last.since.to_string()),
            stage: Some("removed"),
        },
        _ => Facts {
            default: None,
            evidence,
            locked: None,
            removed_in,
            since: None,
            stage: None,
        },
    })
}

/// A setting's value: a boolean, the text that is not one, or null.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum JsonValue<'a> {
    Bool(bool),
    Text(&'a str),
    None,
}

fn finding<'a>(file: &'a str, f: &'a Finding, target: gatecheck_rules::Version) -> JsonFinding<'a> {
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
        step: f.step.map(|s| s.to_string()),
        facts: f
            .gate
            .as_deref()
            .and_then(|g| facts(f.registry, g, f.step.unwrap_or(target))),
        fix: f.fix.as_deref().map(|x| JsonFix {
            applicability: x.applicability.as_str(),
            description: &x.description,
            edits: x
                .edits
                .iter()
                .map(|e| JsonEdit {
                    end: e.end,
                    replacement: &e.replacement,
                    start: e.start,
                })
                .collect(),
        }),
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
    /// The release findings are judged at, for their facts (a step's own, with --from).
    target: gatecheck_rules::Version,
}

/// The version of the report's shape: 2 added `schema_version`, and `step`, `facts` and `fix` on
/// each finding (docs/report.schema.json).
pub const SCHEMA_VERSION: u32 = 2;

impl<W: Write> Json<W> {
    pub fn new(out: W, target: &str) -> std::io::Result<Json<W>> {
        let open = format!(
            "{{\"schema_version\":{SCHEMA_VERSION},\"target\":{},\"findings\":[",
            super::json_text(&target)?
        );
        let parsed = target.parse::<gatecheck_rules::Target>().ok();
        Ok(Json {
            stream: super::JsonStream::new(out, open),
            target: parsed.map_or(gatecheck_rules::Version::new(1, 0), |t| t.version),
        })
    }
}

impl<W: Write> super::Emitter for Json<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        if let super::Outcome::Linted { findings, .. } = outcome {
            for f in findings {
                self.stream.element(&finding(name, f, self.target))?;
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
