//! A gate setting judged once per run: a fleet's configurations set the same gates to the same
//! values again and again (a first adoption run over 10,000 files judges 160,000 settings and
//! a few hundred distinct ones), so what `lifecycle::judge_gate` says of a setting is kept per
//! thread and given again to every setting that only differs by where it is written.
//!
//! What judging reads of a setting, and so the key: its registry, its gate name, its value, the
//! components that read it, the version it emulates, what AllAlpha/AllBeta or a kubelet flag
//! switch, the target and patch release, and whether the file still gets suggestions for
//! unknown names. Every finding `judge_gate` makes is at the setting (`Make::at`), so the
//! findings are kept as kind, message and help, and made again at each setting. Settings with a
//! name or value gatecheck does not know (owned text), or found by the content fallback, are
//! judged each time.

use super::make::Make;
use super::model::Finding;
use crate::findings::FindingKind;
use crate::formats::{Setting, Value};
use crate::merge::MetaValues;
use gatecheck_rules::{Component, Registry, Version};
use std::borrow::Cow;
use std::cell::RefCell;

/// The most entries a run's per-thread memo keeps (judgments here, removal decisions in `fix`,
/// folded messages in `combine`); past it the memo starts again, so that a run over many files
/// of distinct settings costs what it cost without one, and memory stays bounded.
const KEPT: usize = 4_096;

/// Keeps `value` under `key` in a per-thread memo, which starts again when full (see [`KEPT`]).
#[inline]
pub(crate) fn keep<K: std::hash::Hash + Eq, V>(
    memo: &mut foldhash::HashMap<K, V>,
    key: K,
    value: V,
) {
    if memo.len() >= KEPT {
        memo.clear();
    }
    memo.insert(key, value);
}

/// What a judgment depends on besides the rules (always the embedded ones).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    registry: Registry,
    /// The address and length of a name borrowed from the rules: one static text per address.
    gate: (usize, usize),
    value: bool,
    /// The components in order, four bits each (the index plus one).
    components: u64,
    emulated: Option<Version>,
    switched: (Option<bool>, Option<bool>, Option<bool>),
    at: Version,
    patch: Option<u16>,
    suggest: bool,
}

/// Hashed by what tells a run's judgments apart (the name's address, the value, the
/// components): the rest (the target, the switches, the emulated version...) is mostly the
/// same for a whole run, so hashing it costs time and tells nothing; equal keys still compare
/// every field.
impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.gate.0);
        state.write_u64(self.components << 1 | u64::from(self.value));
    }
}

/// One setting's judgment: whether its name was unknown (it counts against the file's
/// suggestions), and its findings' kinds, messages and helps.
struct Judgment {
    unknown: bool,
    findings: Vec<(FindingKind, std::sync::Arc<str>, Cow<'static, str>)>,
}

thread_local! {
    static JUDGED: RefCell<foldhash::HashMap<Key, Judgment>> = RefCell::default();
}

/// What a setting is judged with besides itself.
#[derive(Clone, Copy)]
pub(super) struct Asked {
    pub(super) switched: MetaValues,
    pub(super) at: Version,
    pub(super) patch: Option<u16>,
    /// Whether an unknown name gets suggestions.
    pub(super) suggest: bool,
}

/// The judgment of `s`'s key, if it has one: `judge` makes the findings (and says whether the
/// name was unknown) the first time, and `make` puts them at `s` every time.
pub(super) fn judged(
    s: &Setting,
    asked: Asked,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
    judge: impl FnOnce(&mut Vec<Finding>) -> bool,
) {
    #[cfg(test)]
    if tests::UNSHARED.get() {
        judge(out);
        return;
    }
    let Some(key) = key(s, asked) else {
        judge(out);
        return;
    };
    // A kept judgment's findings are made at `s` while the memo is borrowed: nothing else
    // reads it meanwhile, and the judgment is not copied out.
    let met = JUDGED.with_borrow(|memo| {
        let Some(judgment) = memo.get(&key) else {
            return false;
        };
        if judgment.unknown {
            make.unknown_seen.set(make.unknown_seen.get() + 1);
        }
        out.extend(
            judgment
                .findings
                .iter()
                .map(|(kind, message, help)| make.at(*kind, s, message.clone(), help.clone())),
        );
        true
    });
    if met {
        return;
    }
    let start = out.len();
    let unknown = judge(out);
    let judgment = Judgment {
        unknown,
        findings: out[start..]
            .iter()
            .map(|f| (f.kind, f.message.clone(), shared(f.help.clone())))
            .collect(),
    };
    JUDGED.with_borrow_mut(|memo| keep(memo, key, judgment));
}

/// A judgment's help as static text, so that its findings share it rather than copy it each
/// (and a report can tell it by its address). Helps are made from a few templates and the
/// releases, so a run's distinct ones are few: each is kept once for the run, up to
/// [`SHARED_BYTES`] of them; past that, a help is copied as before.
fn shared(help: Cow<'static, str>) -> Cow<'static, str> {
    type Kept = (foldhash::HashSet<&'static str>, usize);
    static KEPT: std::sync::LazyLock<std::sync::Mutex<Kept>> =
        std::sync::LazyLock::new(Default::default);
    let Cow::Owned(text) = help else {
        return help;
    };
    // Static text is written as it is (reports escape control characters only in text made
    // from a file): a help with one stays made text. A judgment's help is made from known
    // names and releases only, so this is never expected.
    if text.chars().any(char::is_control) {
        return Cow::Owned(text);
    }
    let mut kept = KEPT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(k) = kept.0.get(text.as_str()) {
        return Cow::Borrowed(k);
    }
    if kept.1 + text.len() > SHARED_BYTES {
        return Cow::Owned(text);
    }
    let k: &'static str = Box::leak(text.into_boxed_str());
    kept.0.insert(k);
    kept.1 += k.len();
    Cow::Borrowed(k)
}

/// The most bytes of helps [`shared`] keeps for a run.
const SHARED_BYTES: usize = 64 * 1024;

fn key(s: &Setting, asked: Asked) -> Option<Key> {
    let (Some(gate), Value::Bool(value), None) =
        (crate::formats::rules_name(&s.gate), &s.value, &s.via)
    else {
        return None;
    };
    Some(Key {
        registry: s.registry,
        gate,
        value: *value,
        components: packed(&s.components)?,
        emulated: s.emulated,
        switched: (
            asked.switched.all_alpha,
            asked.switched.all_beta,
            asked.switched.replaced,
        ),
        at: asked.at,
        patch: asked.patch,
        suggest: asked.suggest,
    })
}

/// Up to fifteen components, in order, four bits each.
fn packed(components: &[Component]) -> Option<u64> {
    if components.len() > 15 {
        return None;
    }
    Some(components.iter().fold(0u64, |bits, c| {
        let index = Component::ALL.iter().position(|a| a == c).unwrap_or(0) as u64;
        bits << 4 | (index + 1)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// Every setting judged afresh (to compare with the memo's findings).
        pub(super) static UNSHARED: Cell<bool> = const { Cell::new(false) };
    }

    /// Every fixture at several targets and patch releases reads the same judged afresh as
    /// from a memo that all of them filled (each file twice, so every setting is met again).
    #[test]
    fn the_memo_changes_no_report() {
        let files = crate::fixtures::all();
        let mut judged = 0;
        for (minor, patch) in [
            (29, None),
            (33, None),
            (33, Some(2)),
            (35, None),
            (37, None),
        ] {
            let mut options = crate::Options::new(Version::new(1, minor));
            options.patch = patch;
            let lint = |unshared: bool| {
                UNSHARED.set(unshared);
                let reports: Vec<_> = files
                    .iter()
                    .map(|(name, src)| format!("{:?}", crate::lint_source(name, src, &options)))
                    .collect();
                UNSHARED.set(false);
                reports
            };
            let afresh = lint(true);
            let _fill = lint(false);
            let shared = lint(false);
            for ((name, _), (a, b)) in files.iter().zip(afresh.iter().zip(&shared)) {
                assert_eq!(a, b, "{name} at 1.{minor} {patch:?}");
            }
            judged += JUDGED.with_borrow(|m| m.len());
        }
        assert!(judged > 100, "judgments kept: {judged}");
    }

    /// A help made anew is kept once: the same text again is the same static text, and a
    /// static help is given back as it is.
    #[test]
    fn helps_are_shared_once() {
        let text = "delete this setting: in 1.999 the feature is always on";
        let a = shared(Cow::Owned(text.to_string()));
        let b = shared(Cow::Owned(text.to_string()));
        match (&a, &b) {
            (Cow::Borrowed(a), Cow::Borrowed(b)) => assert!(std::ptr::eq(*a, *b)),
            other => panic!("not shared: {other:?}"),
        }
        assert_eq!(a, text);
        assert!(matches!(
            shared(Cow::Owned("a\u{1b}[2J".into())),
            Cow::Owned(_)
        ));
        let fixed: &'static str = "set it on kubelet instead";
        assert!(matches!(shared(Cow::Borrowed(fixed)), Cow::Borrowed(s) if std::ptr::eq(s, fixed)));
    }

    #[test]
    fn component_lists_pack_apart() {
        let all = Component::ALL;
        let mut seen = std::collections::HashSet::new();
        for a in all {
            for b in all {
                assert!(seen.insert(packed(&[a, b]).unwrap()));
            }
            assert!(seen.insert(packed(&[a]).unwrap()));
        }
        assert!(seen.insert(packed(&[]).unwrap()));
        assert_eq!(packed(&[Component::Kubelet; 16]), None);
    }
}
