//! What a setting's value and spelling say: a value that is not a boolean, the `kube:` prefix
//! (from 1.31, all or nothing within one flag), and a gate set twice with different values.

use super::make::{who, Make};
use super::model::Finding;
use crate::findings::FindingKind;
use crate::formats::{Setting, Value};
use foldhash::{HashMap, HashMapExt};
use gatecheck_rules::Version;

/// What earlier settings of the file said, by group.
pub(super) struct Repeats<'s> {
    seen: HashMap<(usize, Name<'s>), &'s Value>,
    /// Per group: whether a prefixed and an unprefixed gate have been met.
    prefix_use: HashMap<usize, (bool, bool)>,
}

/// A gate's name as a key: a name of the rules by its address ([`crate::formats::rules_name`]),
/// any other by its text.
#[derive(PartialEq, Eq, Hash)]
enum Name<'s> {
    Known((usize, usize)),
    Other(&'s str),
}

impl<'s> Name<'s> {
    fn of(gate: &'s crate::formats::GateName) -> Name<'s> {
        crate::formats::rules_name(gate).map_or(Name::Other(gate), Name::Known)
    }
}

impl<'s> Repeats<'s> {
    /// Room for a file's settings from the start: the table is not grown and rehashed as
    /// they are met.
    pub(super) fn with_capacity(settings: usize) -> Self {
        Repeats {
            seen: HashMap::with_capacity(settings),
            prefix_use: HashMap::new(),
        }
    }

    /// Repeated settings within one group merge, the later winning; the `kube:` prefix.
    pub(super) fn check(
        &mut self,
        s: &'s Setting,
        target: Version,
        make: &Make<'_>,
        out: &mut Vec<Finding>,
    ) {
        if let Some(previous) = self.seen.insert((s.group, Name::of(&s.gate)), &s.value) {
            if *previous != s.value {
                let who = who(s);
                out.push(make.at(
                    FindingKind::Conflict,
                    s,
                    format!(
                        "{} is set again with a different value; {who} uses this later one",
                        s.gate
                    ),
                    "keep one setting for this gate",
                ));
            }
        }
        let use_ = self.prefix_use.entry(s.group).or_default();
        if s.prefixed {
            use_.0 = true;
        } else {
            use_.1 = true;
        }
        if !s.prefixed {
            return;
        }
        let who = who(s);
        if target < Version::new(1, 31) {
            out.push(make.at(
                FindingKind::InvalidValue,
                s,
                format!("the `kube:` prefix is accepted from 1.31; {who} {target} reads `kube:{}` as an unknown gate", s.gate),
                format!("write `{}` without the prefix", s.gate),
            ));
        } else if use_.0 && use_.1 {
            out.push(make.at(
                FindingKind::InvalidValue,
                s,
                format!("{who} fails with `set kube feature gates with default empty prefix or kube: prefix consistently, do not mix use`"),
                "use the `kube:` prefix on every gate of this flag, or on none",
            ));
        }
    }
}

/// A value that is not a boolean the component accepts.
pub(super) fn boolean(s: &Setting, make: &Make<'_>, out: &mut Vec<Finding>) {
    let Value::Invalid(raw) = &s.value else {
        return;
    };
    let who = who(s);
    let message = if raw.is_empty() {
        format!(
            "`{}` has no value: {who} fails with `missing bool value for {}`",
            s.gate, s.gate
        )
    } else {
        format!("`{raw}` is not a boolean {who} accepts for {}", s.gate)
    };
    let help = if raw.starts_with('"') || raw.starts_with('\'') {
        "write an unquoted true or false: Kubernetes rejects a quoted string where a boolean is required".to_string()
    } else {
        "use true or false".to_string()
    };
    out.push(make.at(FindingKind::InvalidValue, s, message, help));
}
