//! With `--from`, the findings as a plan an operator works through: by upgrade step, then by
//! component, one checklist item per finding (where, what the component does, what to change).
//! Shared by the human and Markdown outputs; it holds at most [`super::MAX_SHOWN`] items and
//! counts the rest, so memory stays bounded however many findings a run has.

use super::{escape, Counts};
use gatecheck_lint::{Finding, Severity};

struct Item {
    step: Option<gatecheck_rules::Version>,
    component: &'static str,
    file: String,
    line: usize,
    column: usize,
    severity: Severity,
    code: &'static str,
    message: String,
    help: String,
}

/// A step (its version, or "the target") and its components, each with its items.
type Section<'p> = (String, Vec<(&'static str, Vec<&'p Item>)>);

#[derive(Default)]
pub struct Plan {
    items: Vec<Item>,
    /// Every finding, shown or not.
    counts: Counts,
    more: usize,
}

impl Plan {
    pub fn add(&mut self, file: &str, f: &Finding) {
        self.counts.add(f.severity);
        if self.items.len() >= super::MAX_SHOWN {
            self.more += 1;
            return;
        }
        // The step is the section: the message need not say it again.
        let message = match f.step {
            Some(step) => f
                .message
                .strip_prefix(&format!("upgrading to {step}: "))
                .unwrap_or(&f.message)
                .to_string(),
            None => f.message.to_string(),
        };
        self.items.push(Item {
            step: f.step,
            component: f
                .component
                .map_or("several or unknown components", |c| c.as_str()),
            file: file.strip_prefix("./").unwrap_or(file).to_string(),
            line: f.line,
            column: f.column,
            severity: f.severity,
            code: f.kind.code(),
            message,
            help: f.help.to_string(),
        });
    }

    /// Steps in order, each with its components in order, each with its items.
    fn sections(&mut self) -> Vec<Section<'_>> {
        self.items.sort_by(|a, b| {
            (a.step, a.component, &a.file, a.line).cmp(&(b.step, b.component, &b.file, b.line))
        });
        let mut out: Vec<Section<'_>> = Vec::new();
        for item in &self.items {
            let step = item
                .step
                .map_or("the target".to_string(), |s| s.to_string());
            if out.last().is_none_or(|(s, _)| *s != step) {
                out.push((step, Vec::new()));
            }
            let components = &mut out.last_mut().unwrap().1;
            if components.last().is_none_or(|(c, _)| *c != item.component) {
                components.push((item.component, Vec::new()));
            }
            components.last_mut().unwrap().1.push(item);
        }
        out
    }

    /// The plan as terminal text.
    pub fn human(&mut self, from: &str, to: &str) -> String {
        if self.items.is_empty() {
            return String::new();
        }
        let c = self.counts;
        let mut out = format!(
            "Upgrade plan {from} → {to}: {} errors, {} warnings, {} notices; settle each step before the next\n",
            c.error, c.warning, c.info
        );
        let more = self.more;
        for (step, components) in self.sections() {
            out.push_str(&format!("\nupgrading to {step}\n"));
            for (component, items) in components {
                out.push_str(&format!("  {component}\n"));
                for i in items {
                    out.push_str(&format!(
                        "    [ ] {}:{}:{} {} {}: {}\n        → {}\n",
                        escape(&i.file),
                        i.line,
                        i.column,
                        mark(i.severity),
                        i.code,
                        escape(&i.message),
                        escape(&i.help)
                    ));
                }
            }
        }
        if more > 0 {
            out.push_str(&format!(
                "\n… and {more} more findings (all of them: --format json)\n"
            ));
        }
        out.push('\n');
        out
    }

    /// The plan as Markdown: a section per step, a checklist per component; a step with many
    /// items is folded.
    pub fn markdown(&mut self, cell: impl Fn(&str) -> String) -> String {
        let more = self.more;
        let mut out = String::new();
        for (step, components) in self.sections() {
            let n: usize = components.iter().map(|(_, i)| i.len()).sum();
            let fold = n > 10;
            if fold {
                out.push_str(&format!(
                    "<details><summary><b>Upgrading to {step}</b>: {n} items</summary>\n\n"
                ));
            } else {
                out.push_str(&format!("#### Upgrading to {step}\n\n"));
            }
            for (component, items) in components {
                out.push_str(&format!("**{}**\n\n", cell(component)));
                for i in items {
                    out.push_str(&format!(
                        "- [ ] {} {} {}: {} — {}\n",
                        icon(i.severity),
                        super::code_span(&format!("{}:{}:{}", i.file, i.line, i.column)),
                        i.code,
                        cell(&i.message),
                        cell(&i.help)
                    ));
                }
                out.push('\n');
            }
            if fold {
                out.push_str("</details>\n\n");
            }
        }
        if more > 0 {
            out.push_str(&format!(
                "… and {more} more findings (all of them: `--format json`)\n\n"
            ));
        }
        out
    }
}

fn mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Info => "ℹ️",
    }
}
