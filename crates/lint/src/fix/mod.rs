//! Fixes: the byte-exact edit that removes a setting the target refuses or ignores, and whether
//! applying it keeps what runs.
//!
//! A removal is **safe** when the setting has no effect at the target (the gate is gone, or
//! locked to the value set) and sets the value the gate has by default at the version running
//! now (`Options::running`, else the gate's last default before it was removed or locked):
//! nothing changes before or after the upgrade. Every other removal (a gate locked to the other
//! value, a setting equal to today's default that a later default may change) is **unsafe**.
//!
//! Edits are minimal: a map entry's line, a flag list's item and its comma; a `featureGates` map
//! or a `--feature-gates` flag left empty goes with it. Only text written verbatim is edited:
//! a file read through a template, a setting inside a quoted string or on a line shared with
//! other YAML, get no fix.

use crate::check::{Finding, Value};
use crate::findings::FindingKind;
use crate::formats::Setting;
use gatecheck_rules::{Gate, Rules, Status, Version};
use std::sync::Arc;

mod removal;
use removal::{indent, line_of, removal, Sibling};

/// Whether applying a fix keeps what runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// Nothing changes, before or after the upgrade: `--fix` applies it.
    Safe,
    /// What runs changes (or may): only `--unsafe-fixes` applies it.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`, as the outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace `start..end` of the file with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    /// Byte offset where the replaced range starts.
    pub start: usize,
    /// Byte offset just past the replaced range.
    pub end: usize,
    /// What takes its place (empty for a removal).
    pub replacement: String,
}

/// What would fix a finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// Whether applying it keeps what runs (`Safe`) or changes it (`Unsafe`).
    pub applicability: Applicability,
    /// What the edit does, for people (`remove SidecarContainers`): for a gate of the embedded
    /// rules, one text per gate made once per run.
    pub description: std::borrow::Cow<'static, str>,
    /// The edit (a removal is one; see [`Fix::edits`]).
    pub edit: Edit,
}

impl Fix {
    /// The edits, in file order, none overlapping: one, held in the fix itself rather than in
    /// a list of its own (a run attaches a fix to most of its findings).
    pub fn edits(&self) -> &[Edit] {
        std::slice::from_ref(&self.edit)
    }
}

/// The most fixes attached to one file's findings in one round.
pub const MAX_FIXES_PER_FILE: usize = 1_000;

/// Attaches a fix to each finding that a removal settles. `running` is the version the cluster
/// runs now, where known.
pub(crate) fn attach(
    src: &str,
    settings: &[Setting],
    findings: &mut [Finding],
    target: Version,
    running: Option<Version>,
) {
    let rules = Rules::embedded();
    // Each finding finds its setting by a binary search of the settings by offset (the last
    // one at an offset, where two share it), not a scan of the file's settings.
    let mut by_offset: Vec<(usize, &Setting)> = settings.iter().map(|s| (s.offset, s)).collect();
    // Settings are mostly read in file order already.
    if !by_offset.is_sorted_by_key(|(offset, _)| *offset) {
        by_offset.sort_by_key(|(offset, _)| *offset);
    }
    let setting_at = |offset: usize| {
        let after = by_offset.partition_point(|(o, _)| *o <= offset);
        after
            .checked_sub(1)
            .map(|i| by_offset[i])
            .filter(|(o, _)| *o == offset)
            .map(|(_, s)| s)
    };
    let mut attached = 0;
    let mut sibling = None;
    // The fix of the last setting met: its other findings (a gate removed next release that
    // does not concern the component) share it.
    let mut last: Option<(&Setting, bool, Option<Arc<Fix>>)> = None;
    for f in findings.iter_mut() {
        // Past this many, the next --fix round takes the rest: a file's fixes cost a bounded
        // amount of work however many settings it repeats.
        if attached == MAX_FIXES_PER_FILE {
            break;
        }
        let Some(gate) = f.gate.as_deref() else {
            continue;
        };
        let Some(Value::Bool(value)) = f.value else {
            continue;
        };
        let Some(setting) = setting_at(f.offset).filter(|s| s.gate == gate) else {
            continue;
        };
        if setting.elsewhere.is_some() || f.kind == FindingKind::UnusedIgnore {
            continue;
        }
        let fix = match &last {
            Some((at, v, fix)) if std::ptr::eq(*at, setting) && *v == value => fix.clone(),
            _ => {
                let fix = fix_for(&rules, src, setting, value, target, running, &mut sibling);
                last = Some((setting, value, fix.clone()));
                fix
            }
        };
        if fix.is_some() {
            f.fix = fix;
            attached += 1;
        }
    }
}

/// The fix that removes a setting of `value`, if a removal settles what the target makes of
/// it and the setting is written so that it can be removed exactly.
fn fix_for(
    rules: &Rules,
    src: &str,
    setting: &Setting,
    value: bool,
    target: Version,
    running: Option<Version>,
    sibling: &mut Option<Sibling>,
) -> Option<Arc<Fix>> {
    let (applicability, description) = decided(rules, setting, value, target, running)?;
    let edit = removal(src, setting, sibling)?;
    Some(Arc::new(Fix {
        applicability,
        description,
        edit,
    }))
}

/// What a removal of `setting` (set to `value`) would be, before its text is read: whether it
/// keeps what runs, and its description; `None` where no removal settles the setting.
/// Decided once per run and thread for a gate of the embedded rules (the name's address, its
/// value, the target and the running version are all it depends on), else each time.
fn decided(
    rules: &Rules,
    setting: &Setting,
    value: bool,
    target: Version,
    running: Option<Version>,
) -> Option<(Applicability, std::borrow::Cow<'static, str>)> {
    /// The registry, the name's address and length, the value, the target and the running
    /// version; hashed by the name's address and the value only (the rest is mostly the same
    /// for a whole run).
    #[derive(PartialEq, Eq)]
    struct Key(
        gatecheck_rules::Registry,
        (usize, usize),
        bool,
        Version,
        Option<Version>,
    );
    impl std::hash::Hash for Key {
        fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
            state.write_usize(self.1 .0 << 1 | usize::from(self.2));
        }
    }
    type Decision = Option<(Applicability, std::borrow::Cow<'static, str>)>;
    thread_local! {
        static DECIDED: std::cell::RefCell<foldhash::HashMap<Key, Decision>> = Default::default();
    }
    // A name the rules do not have is no gate of any registry: nothing to keep.
    let Some(name) = crate::formats::rules_name(&setting.gate) else {
        return decide(rules, setting, value, target, running);
    };
    let key = Key(setting.registry, name, value, target, running);
    if let Some(d) = DECIDED.with_borrow(|m| m.get(&key).cloned()) {
        return d;
    }
    let d = decide(rules, setting, value, target, running);
    // Bounded whatever the files declare as the running versions.
    DECIDED.with_borrow_mut(|m| crate::check::keep(m, key, d.clone()));
    d
}

/// [`decided`] without the memo: the applicability, and the description of a known gate.
fn decide(
    rules: &Rules,
    setting: &Setting,
    value: bool,
    target: Version,
    running: Option<Version>,
) -> Option<(Applicability, std::borrow::Cow<'static, str>)> {
    let gate = &*setting.gate;
    // What the target makes of the setting decides, whichever finding was reported for it
    // (a gate locked on and removed next release is reported as removed next).
    // Without suggestions: an unknown name has no fix, and suggesting costs a search of
    // every gate.
    let record = rules.gate(setting.registry, gate)?;
    let no_effect = match record.status(target) {
        Status::Removed { .. } => true,
        // Locked to the other value: removing it changes what runs.
        Status::Known { spec, .. } if spec.lock.is_locked() => spec.default == value,
        Status::Known { spec, .. } if spec.default == value => false,
        _ => return None,
    };
    let applicability = if !no_effect {
        Applicability::Unsafe
    } else {
        match default_now(record, running) {
            Some(default) if default == value => Applicability::Safe,
            _ => Applicability::Unsafe,
        }
    };
    Some((applicability, removal_description(record)))
}

/// `remove NAME`: for a gate of the embedded rules, one text per gate, made at its first use
/// (a run over one file makes the few it needs, not one for every gate).
fn removal_description(g: &'static Gate) -> std::borrow::Cow<'static, str> {
    static TEXTS: std::sync::LazyLock<Vec<std::sync::OnceLock<String>>> =
        std::sync::LazyLock::new(|| {
            (0..Rules::embedded().gates().len())
                .map(|_| std::sync::OnceLock::new())
                .collect()
        });
    let gates = Rules::embedded().gates();
    // The gate's index in the embedded table, from its address; checked, so a gate from
    // elsewhere gets its own text.
    let index = (g as *const Gate as usize).wrapping_sub(gates.as_ptr() as usize)
        / std::mem::size_of::<Gate>().max(1);
    match gates.get(index) {
        Some(at) if std::ptr::eq(at, g) => TEXTS[index]
            .get_or_init(|| crate::cat(&["remove ", g.name]))
            .as_str()
            .into(),
        _ => crate::cat(&["remove ", g.name]).into(),
    }
}

/// The gate's default at the running version, else its last default before it was removed or
/// locked (the newest release that still let a setting matter).
fn default_now(g: &'static Gate, running: Option<Version>) -> Option<bool> {
    if let Some(v) = running {
        return match g.status(v) {
            Status::Known { spec, .. } => Some(spec.default),
            Status::Removed { last, .. } => Some(last.default),
            _ => None,
        };
    }
    // The last spec before a lock, or the last one at all.
    let specs = g.stages;
    let unlocked = specs.iter().rev().find(|s| !s.lock.is_locked());
    unlocked.or(specs.last()).map(|s| s.default)
}

/// Applies non-overlapping edits (the first of two that overlap wins); returns the new text and
/// how many fixes were applied.
pub fn apply<'f>(src: &str, fixes: impl IntoIterator<Item = &'f Fix>) -> (String, usize) {
    let mut edits: Vec<(&Edit, usize)> = Vec::new();
    let mut applied = 0;
    'fix: for (i, fix) in fixes.into_iter().enumerate() {
        for e in fix.edits() {
            if edits
                .iter()
                .any(|(o, _)| e.start < o.end.max(o.start + 1) && o.start < e.end.max(e.start + 1))
            {
                continue 'fix;
            }
        }
        edits.extend(fix.edits().iter().map(|e| (e, i)));
        applied += 1;
    }
    edits.sort_by_key(|(e, _)| e.start);
    let mut out = String::with_capacity(src.len());
    let mut last = 0;
    // Where whole lines went, in the new text: a gate map they leave empty goes too.
    let mut gaps: Vec<usize> = Vec::new();
    for (e, _) in edits {
        out.push_str(&src[last..e.start]);
        let whole_lines = (e.start == 0 || src.as_bytes()[e.start - 1] == b'\n')
            && src[..e.end].ends_with('\n')
            && e.replacement.is_empty();
        if whole_lines {
            gaps.push(out.len());
        }
        out.push_str(&e.replacement);
        last = e.end;
    }
    out.push_str(&src[last..]);
    // Each key is above its gap: taking the gaps from the end keeps the others where they are.
    gaps.dedup();
    for &gap in gaps.iter().rev() {
        if let Some((ks, ke)) = emptied_gate_key(&out, gap) {
            out.replace_range(ks..ke, "");
        }
    }
    (out, applied)
}

/// The line of a gate map's key (`featureGates:`) just above `gap` that has no entry left.
fn emptied_gate_key(text: &str, gap: usize) -> Option<(usize, usize)> {
    let live = |l: &str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    // The nearest live line above.
    let mut cursor = gap;
    let key = loop {
        if cursor == 0 {
            return None;
        }
        let (ls, le) = line_of(text, cursor - 1);
        if live(&text[ls..le]) {
            break (ls, le);
        }
        cursor = ls;
    };
    let line = &text[key.0..key.1];
    let name = line.trim().trim_end_matches(':');
    if !line.trim_end().ends_with(':')
        || !matches!(name, "featureGates" | "feature-gates" | "feature_gates")
    {
        return None;
    }
    // Nothing below it is indented under it.
    let next = text[gap..].split_inclusive('\n').find(|l| live(l));
    match next {
        Some(l) if indent(l) > indent(line) => None,
        _ => Some(key),
    }
}

#[cfg(test)]
mod tests {
    use super::removal::tests::setting;
    use super::*;

    /// The decision kept per gate is the one made afresh, for every gate of every registry at
    /// both values, several targets and running versions, met twice; and a known gate's
    /// description is its own name's, as made each time before.
    #[test]
    fn kept_decisions_are_the_decisions_made_afresh() {
        let rules = Rules::embedded();
        let mut fixes = 0;
        for g in rules.gates() {
            let mut s = setting(g.name, g.name, false);
            s.registry = g.registry;
            s.gate = crate::formats::GateName::Borrowed(g.name);
            for (target, running) in [(29, None), (33, Some(28)), (33, None), (36, Some(35))] {
                let target = Version::new(1, target);
                let running = running.map(|r| Version::new(1, r));
                for value in [true, false] {
                    let afresh = decide(&rules, &s, value, target, running);
                    for _ in 0..2 {
                        assert_eq!(decided(&rules, &s, value, target, running), afresh);
                    }
                    if let Some((_, description)) = afresh {
                        assert_eq!(description, format!("remove {}", g.name));
                        fixes += 1;
                    }
                }
            }
        }
        assert!(fixes > 1_000, "{fixes} decisions with a fix");
        // A name of no release: decided each time, described all the same.
        let s = setting("NoSuchGate", "NoSuchGate", false);
        assert_eq!(decided(&rules, &s, true, Version::new(1, 33), None), None);
    }
}
