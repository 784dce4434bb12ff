//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning: one run, a rule per finding
//! kind (with help text and a help URI), a result per finding with its start and end position.

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

/// One result, written as it is serialised (the document is streamed: memory does not grow with
/// the number of findings).
fn result(file: &str, f: &Finding, target: gatecheck_rules::Version) -> Value {
    let index = FindingKind::ALL
        .iter()
        .position(|k| *k == f.kind)
        .unwrap_or(0);
    let mut result = json!({
        "ruleId": f.kind.code(),
        "ruleIndex": index,
        "level": level(f.severity),
        "message": {"text": format!("{} ({})", f.message, f.help)},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri(file)},
            "region": {
                "startLine": f.line, "startColumn": f.column,
                "endLine": f.end_line, "endColumn": f.end_column,
            },
        }}],
    });
    // The same facts as the JSON report's, and the fix as SARIF's artifact changes.
    let facts = f
        .gate
        .as_deref()
        .and_then(|g| super::json::facts(f.registry, g, f.step.unwrap_or(target)));
    result["properties"] = json!({
        "step": f.step.map(|s| s.to_string()),
        "facts": facts,
        "fixApplicability": f.fix.as_deref().map(|x| x.applicability.as_str()),
    });
    if let Some(fix) = f.fix.as_deref() {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                json!({
                    "deletedRegion": {"byteOffset": e.start, "byteLength": e.end - e.start},
                    "insertedContent": {"text": e.replacement},
                })
            })
            .collect();
        result["fixes"] = json!([{
            "description": {"text": format!("{} ({})", fix.description, fix.applicability.as_str())},
            "artifactChanges": [{"artifactLocation": {"uri": uri(file)}, "replacements": replacements}],
        }]);
    }
    result
}

/// The SARIF log, streamed: the tool and its rules first, a result per line as each file is
/// done, then the invocation, whose notifications name every input that could not be read (a
/// code-scanning upload must not look clean because a file was skipped).
pub struct Sarif<W: std::io::Write> {
    stream: super::JsonStream<W>,
    /// The release findings are judged at, for their facts (a step's own, with --from).
    target: gatecheck_rules::Version,
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
        })
    }
}

impl<W: std::io::Write> super::Emitter for Sarif<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        if let super::Outcome::Linted { findings, .. } = outcome {
            for f in findings {
                self.stream.element(&result(name, f, self.target))?;
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
