//! How findings are made: at a setting, at a reader's problem or at a bare span, each with its
//! line and column; and the words messages share.

use super::lines::Lines;
use super::model::Finding;
use crate::findings::FindingKind;
use crate::formats::{Problem, Setting};
use gatecheck_rules::{Component, Registry, Rules, Version};
use std::borrow::Cow;
use std::sync::LazyLock;

pub(crate) use crate::cat;

/// Who reads a setting, for messages: one component, every component a shared map reaches
/// (kind's `featureGates`), or "the component" where the file does not say.
pub(super) fn who(s: &Setting) -> std::borrow::Cow<'static, str> {
    match s.components.as_slice() {
        [] => "the component".into(),
        [c] => c.as_str().into(),
        several => several_components(several),
    }
}

/// "each of kube-apiserver, kubelet and kube-proxy", written in one piece.
fn several_components(list: &[Component]) -> Cow<'static, str> {
    let Some((last, rest)) = list.split_last() else {
        return "the component".into();
    };
    let mut text = String::with_capacity(8 + list.len() * 24);
    text.push_str("each of ");
    for (i, c) in rest.iter().enumerate() {
        text.push_str(if i == 0 { "" } else { ", " });
        text.push_str(c.as_str());
    }
    text.push_str(" and ");
    text.push_str(last.as_str());
    text.into()
}

/// The help for a setting to remove before its gate is removed (`remove this before upgrading
/// to 1.37`): one text per removal release of the data, made at the first use.
pub(super) fn removal_help(removed_in: Option<Version>) -> Cow<'static, str> {
    static BY_RELEASE: LazyLock<Vec<(Version, String)>> = LazyLock::new(|| {
        let mut releases: Vec<Version> = Rules::embedded()
            .gates()
            .iter()
            .filter_map(|g| g.removed_in)
            .collect();
        releases.sort_unstable();
        releases.dedup();
        releases
            .into_iter()
            .map(|r| (r, format!("remove this before upgrading to {r}")))
            .collect()
    });
    let Some(r) = removed_in else {
        return "remove this setting before the gate is removed in a later release".into();
    };
    match BY_RELEASE.binary_search_by_key(&r, |(v, _)| *v) {
        Ok(i) => BY_RELEASE[i].1.as_str().into(),
        Err(_) => format!("remove this before upgrading to {r}").into(),
    }
}

/// The components a gate's KEP names, as a list (`kube-controller-manager, kube-proxy`), and
/// the help that sends a setting there: one pair per list of the data, made at the first use.
pub(super) fn concerned(components: &'static [Component]) -> (&'static str, &'static str) {
    static BY_LIST: LazyLock<Vec<(&'static [Component], String, String)>> = LazyLock::new(|| {
        let mut lists: Vec<&'static [Component]> = Rules::embedded()
            .gates()
            .iter()
            .map(|g| g.components)
            .collect();
        lists.sort_unstable();
        lists.dedup();
        lists
            .into_iter()
            .map(|l| {
                let names: Vec<&str> = l.iter().map(|c| c.as_str()).collect();
                let list = names.join(", ");
                let help = format!("set it on {list} instead");
                (l, list, help)
            })
            .collect()
    });
    match BY_LIST.binary_search_by_key(&components, |(l, ..)| *l) {
        Ok(i) => (&BY_LIST[i].1, &BY_LIST[i].2),
        // Every gate's list is in the table; an empty answer is never shown.
        Err(_) => ("", ""),
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
        message: impl Into<std::sync::Arc<str>>,
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
        message: impl Into<std::sync::Arc<str>>,
        help: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Finding {
        let help = help.into();
        let message = message.into();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every list of components gets its words.
    #[test]
    fn several_components_are_named() {
        let all = Component::ALL;
        let lists: Vec<Vec<Component>> = (0u32..1 << all.len())
            .map(|bits| {
                let list: Vec<Component> = (0..all.len())
                    .filter(|i| bits & (1 << i) != 0)
                    .map(|i| all[i])
                    .collect();
                list
            })
            .filter(|l| l.len() >= 2)
            .collect();
        for _ in 0..2 {
            for list in &lists {
                let (last, rest) = list.split_last().unwrap();
                let names: Vec<&str> = rest.iter().map(|c| c.as_str()).collect();
                let expected = format!("each of {} and {}", names.join(", "), last.as_str());
                assert_eq!(several_components(list), expected);
            }
        }
    }

    /// Help made once per release or component list says what it said when made each time.
    #[test]
    fn help_made_once_is_the_help_made_each_time() {
        for g in Rules::embedded().gates() {
            let expected = match g.removed_in {
                Some(r) => format!("remove this before upgrading to {r}"),
                None => "remove this setting before the gate is removed in a later release".into(),
            };
            assert_eq!(removal_help(g.removed_in), expected);
            let names: Vec<&str> = g.components.iter().map(|c| c.as_str()).collect();
            let (list, help) = concerned(g.components);
            assert_eq!(list, names.join(", "));
            assert_eq!(help, format!("set it on {} instead", names.join(", ")));
        }
        assert_eq!(
            removal_help(Some(Version::new(1, 999))),
            "remove this before upgrading to 1.999"
        );
    }
}
