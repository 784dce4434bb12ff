//! `--format markdown`: a pull-request comment. A headline with the counts, a table of findings,
//! and (with --from) the upgrade notes.

use gatecheck_lint::{Finding, Severity};

/// Text for a table cell or a list item: no line breaks, control characters escaped, and every
/// character Markdown could read as markup (links, images, HTML, emphasis, pipes) escaped, since
/// messages quote gate names and values from the files.
pub(super) fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in super::escape(s).chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '|' | '[' | ']' | '<' | '>' | '!' | '*' | '_' | '#' | '`' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The comment: its headline counts every finding, so the table is kept until the end, capped at
/// [`super::MAX_SHOWN`] rows (a pull-request comment has a size limit; `--format json` has all).
pub struct Markdown<W: std::io::Write> {
    out: W,
    target: String,
    rows: String,
    counts: super::Counts,
    /// With --from: the findings as a plan by step and component instead of one table.
    plan: Option<super::plan::Plan>,
}

impl<W: std::io::Write> Markdown<W> {
    pub fn new(out: W, target: &str) -> Markdown<W> {
        Markdown {
            out,
            target: target.to_string(),
            rows: String::new(),
            counts: super::Counts::default(),
            plan: None,
        }
    }

    /// An upgrade's comment: a checklist by step and component (see [`super::plan`]).
    pub fn planned(self) -> Markdown<W> {
        Markdown {
            plan: Some(super::plan::Plan::default()),
            ..self
        }
    }

    fn row(&mut self, file: &str, f: &Finding) {
        let icon = match f.severity {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        };
        self.rows.push_str(&format!(
            "| {icon} | {} | {} | {} `{}` | {} | {} |\n",
            super::code_span(&format!("{file}:{}:{}", f.line, f.column)).replace('|', "\\|"),
            f.gate
                .as_deref()
                .map_or(String::new(), |g| super::code_span(g).replace('|', "\\|")),
            f.kind.code(),
            f.kind.name(),
            cell(&f.message),
            cell(&f.help)
        ));
    }
}

impl<W: std::io::Write> super::Emitter for Markdown<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        if let super::Outcome::Linted { findings, .. } = outcome {
            for f in findings {
                match self.plan.as_mut() {
                    Some(plan) => plan.add(name, f),
                    None if self.counts.total() < super::MAX_SHOWN => self.row(name, f),
                    None => {}
                }
                self.counts.add(f.severity);
            }
        }
        Ok(())
    }

    fn finish(&mut self, s: &super::Summary<'_>) -> std::io::Result<()> {
        let super::Counts {
            error: e,
            warning: w,
            info: i,
        } = self.counts;
        let verdict = if e > 0 || !s.errors.is_empty() {
            "❌"
        } else if w > 0 {
            "⚠️"
        } else {
            "✅"
        };
        let mut out = format!(
            "## {verdict} gatecheck {}: {e} errors, {w} warnings, {i} notices\n\n",
            self.target
        );
        if let Some(plan) = self.plan.as_mut() {
            out.push_str(&plan.markdown(cell));
        } else if e + w + i > 0 {
            out.push_str(
                "| | File | Gate | Finding | What happens | Fix |\n|---|---|---|---|---|---|\n",
            );
            out.push_str(&self.rows);
            if e + w + i > super::MAX_SHOWN {
                out.push_str(&format!(
                    "\n… and {} more findings (all of them: `--format json`)\n",
                    e + w + i - super::MAX_SHOWN
                ));
            }
            out.push('\n');
        }
        for (file, error) in s.errors {
            out.push_str(&format!(
                "- ❌ {} could not be read: {}\n",
                super::code_span(file),
                cell(&error.to_string())
            ));
        }
        if !s.errors.is_empty() {
            out.push('\n');
        }
        if let Some(note) = s.development {
            out.push_str(&format!("> {}\n\n", super::escape(note)));
        }
        if let Some(u) = s.upgrade {
            out.push_str(&format!(
                "### Upgrade notes {} → {}\n\nWhat changes for {} without any setting changing:\n\n",
                u.from,
                u.to,
                u.components_or("these files")
            ));
            // A long list is folded: the plan above is what the comment is for.
            let names: usize = u.steps.iter().map(|n| n.parts().len()).sum::<usize>()
                + u.steps
                    .iter()
                    .map(|n| n.default_on.len() + n.default_off.len())
                    .sum::<usize>();
            if names > 20 {
                out.push_str("<details><summary>Every step's changes</summary>\n\n");
            }
            for n in &u.steps {
                let parts = n.parts();
                out.push_str(&if parts.is_empty() {
                    format!("- **{}**: nothing\n", n.version)
                } else {
                    format!("- **{}**: {}\n", n.version, parts.join("; "))
                });
            }
            if names > 20 {
                out.push_str("\n</details>\n");
            }
        }
        self.out.write_all(out.as_bytes())?;
        self.out.flush()
    }
}
