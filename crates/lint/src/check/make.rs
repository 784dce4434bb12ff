//! How findings are made: at a setting, at a reader's problem or at a bare span, each with its
//! line and column; and the words messages share.

use super::lines::Lines;
use super::model::Finding;
use crate::findings::FindingKind;
use crate::formats::{Problem, Setting};
use gatecheck_rules::Registry;

/// Who reads a setting, for messages: one component, every component a shared map reaches
/// (kind's `featureGates`), or "the component" where the file does not say.
pub(super) fn who(s: &Setting) -> std::borrow::Cow<'static, str> {
    match s.components.as_slice() {
        [] => "the component".into(),
        [c] => c.as_str().into(),
        [rest @ .., last] => {
            let names: Vec<&str> = rest.iter().map(|c| c.as_str()).collect();
            format!("each of {} and {}", names.join(", "), last.as_str()).into()
        }
    }
}

pub(super) fn on_off(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// What judging one file needs besides its settings: its lines (for positions) and how many
/// unknown names it has met (the first ones get suggestions).
pub(super) struct Make<'a> {
    pub(super) lines: Lines<'a>,
    pub(super) unknown_seen: std::cell::Cell<usize>,
}

impl Make<'_> {
    /// A finding at a setting.
    pub(super) fn at(
        &self,
        kind: FindingKind,
        s: &Setting,
        message: String,
        help: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Finding {
        Finding {
            // A setting several components read (kind's featureGates) names them all in the
            // message instead.
            component: match s.components.as_slice() {
                [c] => Some(*c),
                _ => None,
            },
            registry: s.registry,
            gate: Some(s.gate.clone()),
            value: Some(s.value.clone()),
            ..self.bare(kind, s.offset, s.len, message, help)
        }
    }

    /// A finding at a reader's problem.
    pub(super) fn problem(&self, p: Problem) -> Finding {
        Finding {
            component: p.component,
            gate: p.gate,
            ..self.bare(p.kind, p.offset, p.len, p.message, p.help)
        }
    }

    /// A finding about a span that is not a setting.
    pub(super) fn bare(
        &self,
        kind: FindingKind,
        offset: usize,
        len: usize,
        message: String,
        help: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Finding {
        let help = help.into();
        let (line, column) = self.lines.line_col(offset);
        let (end_line, end_column) = self.lines.end(offset, len, line, column);
        Finding {
            kind,
            severity: kind.severity(),
            component: None,
            registry: Registry::Kubernetes,
            gate: None,
            value: None,
            offset,
            len,
            line,
            column,
            end_line,
            end_column,
            fix: None,
            step: None,
            message,
            help,
        }
    }
}
