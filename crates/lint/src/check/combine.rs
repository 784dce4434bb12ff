//! What is done to a file's findings once they are made: one finding per setting, and the
//! word that a finding in a template's conditional block holds only where it is rendered.

use super::model::Finding;
use crate::findings::FindingKind;

/// What a setting's value and status say, most decisive first: the component stops at the
/// first of these it meets (a value that is not a boolean is refused before the name is
/// looked up), and the rest are facts about the same setting.
const STATUS_ORDER: &[FindingKind] = &[
    FindingKind::InvalidValue,
    FindingKind::Unknown,
    FindingKind::NotYetIntroduced,
    FindingKind::Removed,
    FindingKind::Locked,
    FindingKind::RemovedNext,
    FindingKind::LockUnknown,
    FindingKind::LockedDefault,
    FindingKind::Deprecated,
    FindingKind::Ga,
    FindingKind::Alpha,
    FindingKind::Redundant,
];

/// One setting, one finding: the status findings of one gate setting (same position and gate)
/// become the most decisive one, with the others' facts folded into its message. Findings about
/// the setting's place or its group (conflicts, dependencies, meta-gates, misplacement, a gate
/// set on a component it does not concern) stay.
pub(super) fn one_finding_per_setting(findings: Vec<Finding>) -> Vec<Finding> {
    let rank = |k: FindingKind| STATUS_ORDER.iter().position(|s| *s == k);
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut rest = findings.into_iter().peekable();
    let mut group: Vec<Finding> = Vec::new();
    // Findings are moved, never copied: most settings have one finding, which goes straight on.
    while let Some(first) = rest.next() {
        if !rest
            .peek()
            .is_some_and(|g| g.offset == first.offset && g.gate == first.gate)
        {
            out.push(first);
            continue;
        }
        group.push(first);
        while let Some(next) =
            rest.next_if(|g| g.offset == group[0].offset && g.gate == group[0].gate)
        {
            group.push(next);
        }
        // The most decisive status finding (the last of equals), with the other status
        // findings' facts folded into its message, then the findings that are not about the
        // setting's status, in their order: built in place, no list per group.
        let main = group
            .iter()
            .enumerate()
            .filter(|(_, g)| rank(g.kind).is_some())
            .max_by_key(|(_, g)| (g.severity, std::cmp::Reverse(rank(g.kind))))
            .map(|(i, _)| i);
        if let Some(i) = main {
            let kind = group[i].kind;
            let mut folded = group
                .iter()
                .filter(|o| rank(o.kind).is_some() && o.kind != kind)
                .peekable();
            let message = folded.peek().is_some().then(|| {
                let mut message = String::with_capacity(group[i].message.len() + 160);
                message.push_str(&group[i].message);
                for (n, o) in folded.enumerate() {
                    message.push_str(if n == 0 { " (also: " } else { "; " });
                    message.push_str(&o.message);
                }
                message.push(')');
                message
            });
            let mut main = group.remove(i);
            if let Some(message) = message {
                main.message = message.into();
            }
            out.push(main);
        }
        out.extend(group.drain(..).filter(|g| rank(g.kind).is_none()));
    }
    super::in_file_order(&mut out);
    out
}

/// Findings in a template's conditional block say that they hold only when it is rendered.
pub(super) fn in_conditionals(conditionals: &[(usize, usize)], findings: &mut [Finding]) {
    if conditionals.is_empty() {
        return;
    }
    for f in findings.iter_mut().filter(|f| f.gate.is_some()) {
        if conditionals
            .iter()
            .any(|&(s, e)| s <= f.offset && f.offset < e)
        {
            f.append_to_message(
                " (in a conditional block of the template: this holds where that branch is rendered)",
            );
        }
    }
}
