//! What is done to a file's findings once they are made: one finding per setting, and the
//! word that a finding in a template's conditional block holds only where it is rendered.

use super::model::Finding;
use crate::findings::FindingKind;
use std::cell::RefCell;
use std::sync::Arc;

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
/// set on a component it does not concern) stay. Done in place: the findings come sorted by
/// position and kind, each setting's together, so the findings that stay keep that order, and
/// a file whose settings have one status finding each moves none.
pub(super) fn one_finding_per_setting(mut findings: Vec<Finding>) -> Vec<Finding> {
    // The status findings that go, in order.
    let mut gone: Vec<usize> = Vec::new();
    let mut start = 0;
    while let Some(first) = findings.get(start) {
        let end = start
            + 1
            + findings[start + 1..]
                .iter()
                .take_while(|g| g.offset == first.offset && g.gate == first.gate)
                .count();
        if end - start > 1 {
            fold(&mut findings, start..end, &mut gone);
        }
        start = end;
    }
    if !gone.is_empty() {
        let (mut at, mut next) = (0, gone.iter().peekable());
        findings.retain(|_| {
            let stays = next.next_if(|&&g| g == at).is_none();
            at += 1;
            stays
        });
    }
    super::in_file_order(&mut findings);
    findings
}

/// Where a status finding stands among `STATUS_ORDER`, or `None` for one about the setting's
/// place or group.
fn rank(kind: FindingKind) -> Option<usize> {
    STATUS_ORDER.iter().position(|s| *s == kind)
}

/// One setting's findings (`range`): the most decisive status finding (the last of equals)
/// takes the other status findings' facts into its message, and those are listed in `gone`.
fn fold(findings: &mut [Finding], range: std::ops::Range<usize>, gone: &mut Vec<usize>) {
    let group = &findings[range.clone()];
    let main = group
        .iter()
        .enumerate()
        .filter(|(_, g)| rank(g.kind).is_some())
        .max_by_key(|(_, g)| (g.severity, std::cmp::Reverse(rank(g.kind))))
        .map(|(i, _)| i);
    let Some(i) = main else {
        return;
    };
    let kind = group[i].kind;
    let mut folded = group
        .iter()
        .filter(|o| rank(o.kind).is_some() && o.kind != kind)
        .peekable();
    if folded.peek().is_some() {
        let message = folded_message(&group[i].message, folded.map(|o| &o.message));
        findings[range.start + i].message = message;
    }
    let main = range.start + i;
    gone.extend(range.filter(|&j| j != main && rank(findings[j].kind).is_some()));
}

/// `main` with the other status findings' messages folded in: `main (also: a; b)`. Kept per
/// thread where every part is a judgment's shared message (see `memo`), so that the settings
/// judged alike share the folded message too, as their findings share the parts.
fn folded_message<'a>(
    main: &'a Arc<str>,
    others: impl Iterator<Item = &'a Arc<str>> + Clone,
) -> Arc<str> {
    let fold = |others: &mut dyn Iterator<Item = &'a Arc<str>>| -> Arc<str> {
        let mut message = String::with_capacity(main.len() + 160);
        message.push_str(main);
        for (n, o) in others.enumerate() {
            message.push_str(if n == 0 { " (also: " } else { "; " });
            message.push_str(o);
        }
        message.push(')');
        message.into()
    };
    // The parts by address (held in the entry, so that no other text has them), at most
    // FOLDED_PARTS of them.
    let mut key = [(0usize, 0usize); FOLDED_PARTS];
    for (part, m) in std::iter::once(main).chain(others.clone()).enumerate() {
        if part == FOLDED_PARTS || Arc::strong_count(m) < 2 {
            return fold(&mut others.clone());
        }
        key[part] = (Arc::as_ptr(m) as *const u8 as usize, m.len());
    }
    type Kept = (Vec<Arc<str>>, Arc<str>);
    thread_local! {
        static FOLDED: RefCell<foldhash::HashMap<[(usize, usize); FOLDED_PARTS], Kept>> =
            RefCell::default();
    }
    if let Some(kept) = FOLDED.with_borrow(|m| m.get(&key).map(|(_, folded)| folded.clone())) {
        return kept;
    }
    let folded = fold(&mut others.clone());
    FOLDED.with_borrow_mut(|m| {
        let held = std::iter::once(main).chain(others).cloned().collect();
        super::memo::keep(m, key, (held, folded.clone()));
    });
    folded
}

/// The most messages folded into one that are kept together.
const FOLDED_PARTS: usize = 4;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A folded message says the main one and the others in order; made of shared parts, it is
    /// kept and given again (the same text at the same address), and made of parts of one
    /// finding each, made each time.
    #[test]
    fn folded_messages_are_kept_when_their_parts_are_shared() {
        let parts: Vec<Arc<str>> = ["A is locked", "A is removed in 1.34", "A is GA"]
            .into_iter()
            .map(Arc::from)
            .collect();
        let expected = "A is locked (also: A is removed in 1.34; A is GA)";
        let own = folded_message(&parts[0], parts[1..].iter());
        assert_eq!(&*own, expected);
        let shared: Vec<Arc<str>> = parts.to_vec();
        let first = folded_message(&shared[0], shared[1..].iter());
        let again = folded_message(&shared[0], shared[1..].iter());
        assert_eq!(&*first, expected);
        assert!(Arc::ptr_eq(&first, &again));
        // Another order is another message.
        let other = folded_message(&shared[0], [&shared[2], &shared[1]].into_iter());
        assert_eq!(&*other, "A is locked (also: A is GA; A is removed in 1.34)");
        // More parts than are kept together: made each time, all the same.
        let many: Vec<&Arc<str>> = std::iter::repeat_n(&shared[1], FOLDED_PARTS).collect();
        let long = folded_message(&shared[0], many.into_iter());
        assert!(long.ends_with("; A is removed in 1.34)"));
    }
}
