//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning: one run, a rule per finding
//! kind (with help text and a help URI), a result per finding with its start and end position.

use super::json_write::{ident, number, text, texts, version_text, FactsCache, Pieces, Source};
use gatecheck_lint::{Finding, FindingKind, Severity};
use serde_json::{json, Value};

const HELP_BASE: &str = "https://github.com/gatecheck-k8s/gatecheck/blob/main/docs/findings.md";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file's name as a SARIF URI: a relative reference, every byte outside RFC 3986's
/// unreserved characters and `/` percent-encoded (a space, `#`, `?` or `%` in a name would
/// otherwise be read as the URI's syntax).
fn uri(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One result as a JSON object, appended to `out` without building a value: its keys in the
/// order a `serde_json::Value` map writes them (sorted), as the rest of the log is written.
/// `uri` is the file's URI as a JSON string already. What only the judgment decides is copied
/// from `pieces` where it was written before.
fn result(
    out: &mut Vec<u8>,
    pieces: &mut Pieces<2>,
    facts: &mut FactsCache,
    uri: &[u8],
    f: &Finding,
    target: gatecheck_rules::Version,
) {
    let source = pieces.source(f, |out, i| judged_piece(out, i, facts, f, target));
    assemble(out, uri, f, source);
}

/// A result from its fixes, level and location, and its two pieces ([`judged_piece`]) around
/// its fix's applicability.
fn assemble<W: FnMut(&mut Vec<u8>, usize)>(
    out: &mut Vec<u8>,
    uri: &[u8],
    f: &Finding,
    mut pieces: Source<'_, 2, W>,
) {
    out.push(b'{');
    if let Some(fix) = f.fix.as_deref() {
        out.extend_from_slice(b"\"fixes\":[{\"artifactChanges\":[{\"artifactLocation\":{\"uri\":");
        out.extend_from_slice(uri);
        out.extend_from_slice(b"},\"replacements\":[");
        for (i, e) in fix.edits().iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            number(out, b"{\"deletedRegion\":{\"byteLength\":", e.end - e.start);
            number(out, b",\"byteOffset\":", e.start);
            out.extend_from_slice(b"},\"insertedContent\":{\"text\":");
            text(out, &e.replacement);
            out.extend_from_slice(b"}}");
        }
        out.extend_from_slice(b"]}],\"description\":{\"text\":");
        texts(
            out,
            &[&fix.description, " (", fix.applicability.as_str(), ")"],
        );
        out.extend_from_slice(b"}}],");
    }
    out.extend_from_slice(b"\"level\":");
    ident(out, level(f.severity));
    out.extend_from_slice(b",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    out.extend_from_slice(uri);
    number(out, b"},\"region\":{\"endColumn\":", f.end_column);
    number(out, b",\"endLine\":", f.end_line);
    number(out, b",\"startColumn\":", f.column);
    number(out, b",\"startLine\":", f.line);
    pieces.piece(out, 0);
    match f.fix.as_deref() {
        Some(fix) => ident(out, fix.applicability.as_str()),
        None => out.extend_from_slice(b"null"),
    }
    pieces.piece(out, 1);
}

/// The `i`th of a result's two pieces that only its judgment decides:
/// 0. `}}}],"message":…,"properties":{"facts":…,"fixApplicability":`
/// 1. `,"step":…},"ruleId":…,"ruleIndex":…}`
fn judged_piece(
    out: &mut Vec<u8>,
    i: usize,
    facts: &mut FactsCache,
    f: &Finding,
    target: gatecheck_rules::Version,
) {
    if i == 0 {
        out.extend_from_slice(b"}}}],\"message\":{\"text\":");
        texts(out, &[&f.message, " (", &f.help, ")"]);
        // The same facts as the JSON report's, and the fix's applicability.
        out.extend_from_slice(b"},\"properties\":{\"facts\":");
        facts.write(out, f.registry, f.gate.as_ref(), f.step.unwrap_or(target));
        out.extend_from_slice(b",\"fixApplicability\":");
        return;
    }
    out.extend_from_slice(b",\"step\":");
    match f.step {
        Some(v) => version_text(out, v),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b"},\"ruleId\":");
    ident(out, f.kind.code());
    let index = FindingKind::ALL
        .iter()
        .position(|k| *k == f.kind)
        .unwrap_or(0);
    number(out, b",\"ruleIndex\":", index);
    out.push(b'}');
}

/// The SARIF log, streamed: the tool and its rules first, a result per line as each file is
/// done, then the invocation, whose notifications name every input that could not be read (a
/// code-scanning upload must not look clean because a file was skipped).
pub struct Sarif<W: std::io::Write> {
    stream: super::JsonStream<W>,
    /// The release findings are judged at, for their facts (a step's own, with --from).
    target: gatecheck_rules::Version,
    facts: FactsCache,
    pieces: Pieces<2>,
}

impl<W: std::io::Write> Sarif<W> {
    pub fn new(out: W, target: &str) -> std::io::Result<Sarif<W>> {
        let open = format!(
            "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{},\"results\":[",
            super::json_text(&tool())?
        );
        let parsed = target.parse::<gatecheck_rules::Target>().ok();
        Ok(Sarif {
            stream: super::JsonStream::new(out, open),
            target: parsed.map_or(gatecheck_rules::Version::new(1, 0), |t| t.version),
            facts: Default::default(),
            pieces: Pieces::default(),
        })
    }
}

impl<W: std::io::Write> super::Emitter for Sarif<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        if let super::Outcome::Linted { findings, .. } = outcome {
            let mut file = Vec::new();
            super::json_write::text(&mut file, &uri(name));
            for f in findings {
                self.stream.element(|out| {
                    result(
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
        let notifications: Vec<Value> = s
            .errors
            .iter()
            .map(|(file, e)| {
                let mut location = json!({"artifactLocation": {"uri": uri(file)}});
                if let (Some(line), Some(column)) = (e.line, e.column) {
                    location["region"] = json!({"startLine": line, "startColumn": column});
                }
                json!({
                    "level": "error",
                    "message": {"text": format!("{file}: {e}")},
                    "locations": [{"physicalLocation": location}],
                })
            })
            .collect();
        let invocation = json!({
            "executionSuccessful": s.errors.is_empty(),
            "toolExecutionNotifications": notifications,
        });
        let invocation = super::json_text(&invocation)?;
        self.stream
            .close(&format!("],\"invocations\":[{invocation}]}}]}}"))
    }
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
        "informationUri": "https://github.com/gatecheck-k8s/gatecheck",
        "rules": rules,
    }})
}

#[cfg(test)]
mod kept {
    /// A result written from kept pieces is the result written afresh.
    #[test]
    fn kept_pieces_write_what_is_written_afresh() {
        super::super::json_write::tests::met_again(|target, pieces, facts, f| {
            let uri = br#""a/b.yaml""#;
            let mut written = Vec::new();
            super::result(&mut written, pieces, facts, uri, f, target);
            let mut afresh = Vec::new();
            let mut own = super::FactsCache::default();
            let source = super::Source::Afresh(|out: &mut Vec<u8>, i| {
                super::judged_piece(out, i, &mut own, f, target)
            });
            super::assemble(&mut afresh, uri, f, source);
            (written, afresh)
        });
    }
}
