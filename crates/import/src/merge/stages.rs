//! Shaping a timeline: the "1.0" placeholder some lists give a first spec, and the entries that
//! change nothing.

use crate::sources::{same_state, Timeline};
use gatecheck_rules::Version;

/// Replaces a "1.0" placeholder first spec: when an older website table knows the gate, its
/// history replaces the placeholder; otherwise the gate was created later (to deprecate old
/// behaviour) and was first recognised at its next spec.
pub(super) fn resolve_placeholder(mut timeline: Timeline, older: Option<&Timeline>) -> Timeline {
    if timeline
        .first()
        .is_none_or(|s| s.since != Version::new(1, 0))
    {
        return timeline;
    }
    let next = timeline.get(1).map(|s| s.since);
    if let Some(older) = older.filter(|o| !o.is_empty()) {
        let mut merged: Timeline = older
            .iter()
            .filter(|s| next.is_none_or(|n| s.since < n))
            .copied()
            .collect();
        merged.extend(timeline.drain(1..));
        return merged;
    }
    if next.is_some() {
        timeline.remove(0);
    }
    timeline
}

/// Drops entries that change nothing and entries beyond the data's newest release.
pub(super) fn normalise(timeline: Timeline, newest: Version) -> Timeline {
    let mut out: Timeline = Vec::new();
    let mut sorted = timeline;
    sorted.sort_by_key(|s| s.since);
    for s in sorted.into_iter().filter(|s| s.since <= newest) {
        match out.last_mut() {
            Some(last) if last.since == s.since => *last = s,
            Some(last) if same_state(last, &s) => {}
            _ => out.push(s),
        }
    }
    out
}
