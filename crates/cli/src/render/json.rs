//! `--format json`: one document with the target, findings, errors, file coverage and notes.
//! (JSON escapes C0 control characters itself; [`super::json_text`] also escapes DEL and C1.)

use super::json_write::{ident, number, text, version_text, FactsCache, Pieces, Source};
use gatecheck_lint::{Finding, InputError, Value};
use serde_json::json;
use std::io::Write;

/// A finding as one JSON object, its keys in alphabetical order as the rest of the document (a
/// `serde_json::Value` map) writes them, appended to `out` without building a value per
/// finding. `file` is the file's name as a JSON string already. What only the judgment decides
/// is copied from `pieces` where it was written before.
fn finding(
    out: &mut Vec<u8>,
    pieces: &mut Pieces<5>,
    facts: &mut FactsCache,
    file: &[u8],
    f: &Finding,
    target: gatecheck_rules::Version,
) {
    let source = pieces.source(f, |out, i| write_piece(out, i, facts, f, target));
    assemble(out, file, f, source);
}

/// A finding's JSON from its five pieces ([`write_piece`]), its position, file and fix.
fn assemble<W: FnMut(&mut Vec<u8>, usize)>(
    out: &mut Vec<u8>,
    file: &[u8],
    f: &Finding,
    mut pieces: Source<'_, 5, W>,
) {
    pieces.piece(out, 0);
    number(out, b"", f.column);
    pieces.piece(out, 1);
    number(out, b"", f.end_column);
    number(out, b",\"end_line\":", f.end_line);
    pieces.piece(out, 2);
    out.extend_from_slice(file);
    out.extend_from_slice(b",\"fix\":");
    fix(out, f);
    pieces.piece(out, 3);
    number(out, b"", f.line);
    pieces.piece(out, 4);
}

/// The `i`th of a finding's five pieces that only its judgment decides (what comes between its
/// line and column numbers, its file and its fix):
/// 0. `{"code":…,"column":`
/// 1. `,"component":…,"end_column":`
/// 2. `,"facts":…,"file":`
/// 3. `,"gate":…,"help":…,"kind":…,"line":`
/// 4. `,"message":…,"registry":…,"severity":…,"step":…,"value":…}`
fn write_piece(
    out: &mut Vec<u8>,
    i: usize,
    facts: &mut FactsCache,
    f: &Finding,
    target: gatecheck_rules::Version,
) {
    match i {
        0 => {
            out.extend_from_slice(b"{\"code\":");
            ident(out, f.kind.code());
            out.extend_from_slice(b",\"column\":");
        }
        1 => {
            out.extend_from_slice(b",\"component\":");
            match f.component {
                Some(c) => ident(out, c.as_str()),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"end_column\":");
        }
        2 => {
            out.extend_from_slice(b",\"facts\":");
            facts.write(out, f.registry, f.gate.as_ref(), f.step.unwrap_or(target));
            out.extend_from_slice(b",\"file\":");
        }
        3 => {
            out.extend_from_slice(b",\"gate\":");
            match &f.gate {
                // A known gate's name, borrowed from the embedded rules.
                Some(std::borrow::Cow::Borrowed(g)) => ident(out, g),
                Some(g) => text(out, g),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"help\":");
            text(out, &f.help);
            out.extend_from_slice(b",\"kind\":");
            ident(out, f.kind.name());
            out.extend_from_slice(b",\"line\":");
        }
        _ => {
            out.extend_from_slice(b",\"message\":");
            text(out, &f.message);
            out.extend_from_slice(b",\"registry\":");
            ident(out, f.registry.as_str());
            out.extend_from_slice(b",\"severity\":");
            ident(out, f.severity.as_str());
            out.extend_from_slice(b",\"step\":");
            match f.step {
                Some(v) => version_text(out, v),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"value\":");
            match &f.value {
                Some(Value::Bool(true)) => out.extend_from_slice(b"true"),
                Some(Value::Bool(false)) => out.extend_from_slice(b"false"),
                Some(Value::Invalid(s)) => text(out, s),
                None => out.extend_from_slice(b"null"),
            }
            out.push(b'}');
        }
    }
}

/// A finding's fix: `null`, or what it does and its edits.
fn fix(out: &mut Vec<u8>, f: &Finding) {
    let Some(fix) = f.fix.as_deref() else {
        out.extend_from_slice(b"null");
        return;
    };
    out.extend_from_slice(b"{\"applicability\":");
    ident(out, fix.applicability.as_str());
    out.extend_from_slice(b",\"description\":");
    text(out, &fix.description);
    out.extend_from_slice(b",\"edits\":[");
    for (i, e) in fix.edits().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        number(out, b"{\"end\":", e.end);
        out.extend_from_slice(b",\"replacement\":");
        text(out, &e.replacement);
        number(out, b",\"start\":", e.start);
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
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
    facts: FactsCache,
    pieces: Pieces<5>,
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
            facts: FactsCache::default(),
            pieces: Pieces::default(),
        })
    }
}

impl<W: Write> super::Emitter for Json<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        if let super::Outcome::Linted { findings, .. } = outcome {
            let mut file = Vec::new();
            text(&mut file, name);
            for f in findings {
                self.stream.element(|out| {
                    finding(
                        out,
                        &mut self.pieces,
                        &mut self.facts,
                        &file,
                        f,
                        self.target,
                    )
                })?;
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

#[cfg(test)]
mod tests {

    /// A finding written from kept pieces is the finding written afresh.
    #[test]
    fn kept_pieces_write_what_is_written_afresh() {
        super::super::json_write::tests::met_again(|target, pieces, facts, f| {
            let file = br#""a/b.yaml""#;
            let mut written = Vec::new();
            super::finding(&mut written, pieces, facts, file, f, target);
            let mut afresh = Vec::new();
            let mut own = super::FactsCache::default();
            let source = super::Source::Afresh(|out: &mut Vec<u8>, i| {
                super::write_piece(out, i, &mut own, f, target)
            });
            super::assemble(&mut afresh, file, f, source);
            (written, afresh)
        });
    }
}
