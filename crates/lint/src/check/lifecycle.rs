//! A gate's place in its lifecycle at the target: unknown, not yet introduced, removed, removed
//! in the next release, and what patch releases of the target minor change. For a gate the
//! target knows, the locks, stages and placement checks follow.

use super::make::{cat, on_off, removal_help, who, Make};
use super::memo::{self, Asked};
use super::model::Finding;
use super::{locks, placement, stages};
use crate::findings::FindingKind;
use crate::formats::{Setting, Value};
use crate::merge::MetaValues;
use gatecheck_rules::{
    Gate, MetaGate, PatchChange, Registry, Rules, StageSpec, Status, Target, Version,
};

/// How many unknown names per file get "did you mean" suggestions.
const SUGGEST_FOR: usize = 200;

pub(super) fn judge_gate(
    rules: &Rules,
    at: Version,
    patch: Option<u16>,
    s: &Setting,
    switched: MetaValues,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) {
    // Suggestions for the first unknown names of a file; past that, none (a generated list of
    // thousands of unknown gates would otherwise cost a second or more).
    let asked = Asked {
        switched,
        at,
        patch,
        suggest: make.unknown_seen.get() < SUGGEST_FOR,
    };
    memo::judged(s, asked, make, out, |out| {
        judge_afresh(rules, s, asked, make, out)
    });
}

/// [`judge_gate`] without the memo; true when the name is unknown.
fn judge_afresh(
    rules: &Rules,
    s: &Setting,
    asked: Asked,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) -> bool {
    let who = who(s);
    let who: &str = &who;
    let Asked {
        switched,
        at,
        patch,
        suggest,
    } = asked;
    let status = match rules.status_with(s.registry, &s.gate, at, suggest) {
        Ok(st) => st,
        Err(_) => return false, // lint_source refuses targets newer than the data before reading
    };
    let unknown = matches!(status, Status::Unknown { .. });
    if unknown {
        make.unknown_seen.set(make.unknown_seen.get() + 1);
    }
    let target = Target { version: at, patch };
    let (status, patch_note) = patch_status(target, status);
    let start = out.len();
    let cx = Judging {
        rules,
        target,
        s,
        who,
        make,
    };
    judge_status(&cx, status, switched, out);
    if let (Some(via), Some(f)) = (&s.via, out.get_mut(start)) {
        f.append_to_message(&format!(
            " (found at {via}, in a file whose kind gatecheck does not know: the component is not known)"
        ));
    }
    // What changes inside the minor release is said once, on the gate's main finding.
    if let (Some(note), Some(f)) = (patch_note, out.get_mut(start)) {
        f.append_to_message(&note);
    }
    unknown
}

/// The gate's state at the target's patch release (a minor's timeline describes its first
/// patch release read), and a note for the findings where patch releases differ.
fn patch_status(target: Target, status: Status) -> (Status, Option<String>) {
    let Some(gate) = status.gate() else {
        return (status, None);
    };
    let at = target.version;
    let changes: Vec<&PatchChange> = gate.patches_in(at).collect();
    if changes.is_empty() {
        return (status, None);
    }
    let describe = |c: &PatchChange| match c.spec {
        Some(spec) => format!(
            "from {at}.{} on {}, default {}{}",
            c.from,
            spec.stage.title(),
            on_off(spec.default),
            if spec.lock.is_locked() {
                ", locked"
            } else {
                ""
            }
        ),
        None => format!("from {at}.{} on not registered", c.from),
    };
    let Some(patch) = target.patch else {
        let list: Vec<String> = changes.iter().map(|c| describe(c)).collect();
        let base = gate.spec_at(at).map_or_else(
            || "not registered".to_string(),
            |b| format!("{}, default {}", b.stage.title(), on_off(b.default)),
        );
        return (
            status,
            Some(format!(
                " (note: judged as {at}'s first patch release, where it is {base}; {}: pass --target {at}.N to judge your patch release)",
                list.join("; ")
            )),
        );
    };
    let (applied, unsure) = gate.patch_state(at, patch);
    let later = changes.iter().find(|c| c.from > patch && c.after >= patch);
    let note = match (unsure, later) {
        (Some(u), _) => Some(format!(
            " (note: it changed between {at}.{} and {at}.{} ({}), and gatecheck has no record of {target})",
            u.after,
            u.from,
            describe(u)
        )),
        (None, Some(l)) => Some(format!(" (note: {})", describe(l))),
        (None, None) => None,
    };
    let status = match applied.map(|c| c.spec) {
        Some(Some(spec)) => Status::Known { gate, spec },
        Some(None) => Status::NotYetIntroduced {
            gate,
            introduced: at.next(),
        },
        None => status,
    };
    (status, note)
}

/// What judging one setting's status reads besides the status: the rules, the target, the
/// setting, the component that reads it, and the file's finding builder.
struct Judging<'a, 'm> {
    rules: &'a Rules,
    target: Target,
    s: &'a Setting,
    who: &'a str,
    make: &'a Make<'m>,
}

/// The findings for one setting given its gate's status at the target.
fn judge_status(
    cx: &Judging<'_, '_>,
    status: Status,
    switched: MetaValues,
    out: &mut Vec<Finding>,
) {
    match status {
        Status::Unknown { suggestions } => unknown(cx, &suggestions, out),
        Status::NotYetIntroduced { introduced, gate } => {
            not_yet_introduced(cx, gate, introduced, out)
        }
        Status::Removed {
            removed_in,
            last,
            gate,
        } => removed(cx, gate, removed_in, last, out),
        Status::Known { gate, .. } if placement::rejected_by_ccm(cx.s, gate) => {
            placement::ccm_rejects(cx.s, gate, cx.make, out)
        }
        Status::Known { gate, spec } => known(cx, gate, spec, switched, out),
    }
}

/// A gate name the registry does not know (unless it is a component's gate set in kubeadm).
fn unknown(cx: &Judging<'_, '_>, suggestions: &[&str], out: &mut Vec<Finding>) {
    let s = cx.s;
    if placement::kubeadm_gate_is_component_gate(cx.rules, s, cx.make, out) {
        return;
    }
    let help = unknown_help(s, suggestions);
    let registry = if s.registry == Registry::Kubeadm {
        "kubeadm"
    } else {
        cx.who
    };
    out.push(cx.make.at(
        FindingKind::Unknown,
        s,
        cat(&[
            registry,
            " does not recognise feature gate ",
            &s.gate,
            ": it fails to start with `unrecognized feature gate: ",
            &s.gate,
            "`",
        ]),
        help,
    ));
}

/// The help for an unknown name: the right case, the nearest names, or where to check.
fn unknown_help(s: &Setting, suggestions: &[&str]) -> std::borrow::Cow<'static, str> {
    let case_only = suggestions
        .first()
        .is_some_and(|c| c.eq_ignore_ascii_case(&s.gate));
    match suggestions.first() {
        Some(first) if case_only => {
            format!("gate names are case-sensitive: write `{first}`").into()
        }
        Some(_) => format!(
            "did you mean {}?",
            suggestions
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .into(),
        None => "remove this setting; check the gate's name in the Kubernetes documentation".into(),
    }
}

/// A gate introduced after the target.
fn not_yet_introduced(
    cx: &Judging<'_, '_>,
    gate: &Gate,
    introduced: Version,
    out: &mut Vec<Finding>,
) {
    let (s, who, target) = (cx.s, cx.who, cx.target);
    let at = target.version;
    // A gate added by a later patch release of the same minor (backported).
    let introduced = gate
        .patches_in(at)
        .find(|c| c.spec.is_some() && target.patch.is_none_or(|p| c.from > p))
        .map_or(introduced.to_string(), |c| format!("{at}.{}", c.from));
    out.push(cx.make.at(
        FindingKind::NotYetIntroduced,
        s,
        format!("{} does not exist in {target}; it is introduced in {introduced}, so {who} {target} fails with `unrecognized feature gate: {}`", s.gate, s.gate),
        format!("remove this setting, or add it after upgrading to {introduced}"),
    ))
}

/// A gate removed at or before the target.
fn removed(
    cx: &Judging<'_, '_>,
    gate: &Gate,
    removed_in: Version,
    last: StageSpec,
    out: &mut Vec<Finding>,
) {
    let (s, who, target) = (cx.s, cx.who, cx.target);
    let note = gate.note.map_or(["", "", ""], |n| [" (note: ", n, ")"]);
    let msg = cat(&[
        &s.gate,
        " was removed in ",
        &removed_in.text(),
        " (in ",
        &removed_in.prev().unwrap_or(removed_in).text(),
        " it was ",
        last.stage.title(),
        ", default ",
        on_off(last.default),
        if last.lock.is_locked() {
            ", locked"
        } else {
            ""
        },
        "); ",
        who,
        " ",
        &target.text(),
        " fails to start with `unrecognized feature gate: ",
        &s.gate,
        "`",
        note[0],
        note[1],
        note[2],
    ]);
    out.push(
        cx.make
            .at(FindingKind::Removed, s, msg, "delete this setting"),
    );
}

/// A gate the target knows: its removal in the next release, its lock or stage, and whether
/// the component reads it.
fn known(
    cx: &Judging<'_, '_>,
    gate: &Gate,
    spec: StageSpec,
    switched: MetaValues,
    out: &mut Vec<Finding>,
) {
    let Some((spec, emulated)) = emulated_spec(cx, gate, spec, out) else {
        return;
    };
    let target = cx.target.text();
    let shown: &str = emulated.as_deref().unwrap_or(&target);
    removed_next(cx, gate, out);
    // AllAlpha / AllBeta are judged with the whole group (`stages::meta_gates`).
    if MetaGate::parse(gate.name).is_none() {
        locked_or_staged(cx, gate, spec, shown, switched, out);
    }
    placement::irrelevant_component(cx.s, cx.who, gate, cx.make, out);
}

/// The spec to judge against and, when it is an emulated version's, how to name that version.
/// With --emulated-version, stages, defaults and locks are the emulated version's (the binary
/// still decides which gates exist); a gate not yet introduced at the emulated version gets its
/// finding here and `None`.
fn emulated_spec(
    cx: &Judging<'_, '_>,
    gate: &Gate,
    spec: StageSpec,
    out: &mut Vec<Finding>,
) -> Option<(StageSpec, Option<String>)> {
    let (s, who, target) = (cx.s, cx.who, cx.target);
    let Some(e) = s.emulated.filter(|e| *e < target.version) else {
        return Some((spec, None));
    };
    if let Some(emulated) = gate.spec_at(e) {
        return Some((emulated, Some(format!("{e} (emulated by {target})"))));
    }
    let v = match s.value {
        Value::Bool(b) => on_off(b),
        Value::Invalid(_) => "?",
    };
    out.push(cx.make.at(
        FindingKind::NotYetIntroduced,
        s,
        format!("{} is not yet a gate of {e}, the version {who} emulates: it fails with `cannot set feature gate {} to {v}, feature is PreAlpha at emulated version {e}`", s.gate, s.gate),
        format!("remove this setting while emulating {e}, or emulate {} or later", gate.introduced()),
    ));
    None
}

/// A gate removed in the release after the target.
fn removed_next(cx: &Judging<'_, '_>, gate: &Gate, out: &mut Vec<Finding>) {
    let (s, at) = (cx.s, cx.target.version);
    if gate.removed_in != Some(at.next()) {
        return;
    }
    // Where the removal release is only an upper bound, say so.
    let note = gate.note.map_or(["", "", ""], |n| [" (note: ", n, ")"]);
    out.push(cx.make.at(
        FindingKind::RemovedNext,
        s,
        cat(&[
            &s.gate,
            " is removed in ",
            &at.next().text(),
            ": the next upgrade will fail while this setting is here",
            note[0],
            note[1],
            note[2],
        ]),
        removal_help(Some(at.next())),
    ));
}

/// The value against the gate's lock and, when the lock has nothing to say, its stage
/// (deprecated, GA, alpha, beta).
fn locked_or_staged(
    cx: &Judging<'_, '_>,
    gate: &Gate,
    spec: StageSpec,
    shown: &str,
    switched: MetaValues,
    out: &mut Vec<Finding>,
) {
    let value = match cx.s.value {
        Value::Bool(b) => Some(b),
        Value::Invalid(_) => None,
    };
    let removal = removal_help(gate.removed_in);
    let judged = locks::Judged {
        s: cx.s,
        who: cx.who,
        value,
        spec,
        shown,
        removal,
    };
    if !locks::check(&judged, cx.make, out) {
        stages::check(&judged, switched, cx.make, out);
    }
}
