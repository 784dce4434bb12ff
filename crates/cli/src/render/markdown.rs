//! `--format markdown`: a pull-request comment. A headline with the counts, a table of findings,
//! and (with --from) the upgrade notes.

use gatecheck_lint::{Finding, Severity};

/// Text for a table cell: no line breaks, pipes escaped, control characters escaped.
fn cell(s: &str) -> String {
    super::escape(s)
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

pub fn document(
    target: &str,
    findings: &[(String, Finding)],
    errors: &[(String, String)],
    notes: &[String],
) -> String {
    let count = |s: Severity| findings.iter().filter(|(_, f)| f.severity == s).count();
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let mut out = String::new();
    let verdict = if e > 0 || !errors.is_empty() {
        "❌"
    } else if w > 0 {
        "⚠️"
    } else {
        "✅"
    };
    out.push_str(&format!(
        "## {verdict} gatecheck {target}: {e} errors, {w} warnings, {i} notices\n\n"
    ));
    if !findings.is_empty() {
        out.push_str(
            "| | File | Gate | Finding | What happens | Fix |\n|---|---|---|---|---|---|\n",
        );
        for (file, f) in findings {
            let icon = match f.severity {
                Severity::Error => "❌",
                Severity::Warning => "⚠️",
                Severity::Info => "ℹ️",
            };
            out.push_str(&format!(
                "| {icon} | `{}:{}:{}` | {} | {} `{}` | {} | {} |\n",
                cell(file),
                f.line,
                f.column,
                f.gate
                    .as_deref()
                    .map_or(String::new(), |g| format!("`{}`", cell(g))),
                f.kind.code(),
                f.kind.name(),
                cell(&f.message),
                cell(&f.help)
            ));
        }
        out.push('\n');
    }
    for (file, message) in errors {
        out.push_str(&format!(
            "- ❌ `{}` could not be read: {}\n",
            cell(file),
            cell(message)
        ));
    }
    if !errors.is_empty() {
        out.push('\n');
    }
    for n in notes {
        out.push_str(n);
        out.push('\n');
    }
    out
}
