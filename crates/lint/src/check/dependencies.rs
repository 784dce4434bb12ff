//! Declared dependencies between gates (1.35+): a component refuses to start when an enabled
//! gate depends on a disabled one.

use super::make::{on_off, Make};
use super::model::Finding;
use crate::findings::FindingKind;
use crate::formats::{Setting, Value};
use crate::merge::{Cause, Merged};
use gatecheck_rules::{Gate, Registry, Rules, Version};

/// The setting a dependency failure is reported at, and why.
#[derive(Clone, Copy)]
enum Blame<'s> {
    /// It enables a gate whose dependency is off.
    Enables(&'s Setting),
    /// It is AllAlpha/AllBeta and enables this gate, whose dependency is off.
    Switches(&'s Setting, &'static str),
    /// It turns off a dependency of a gate that is on by default.
    Disables(&'s Setting),
}

impl<'s> Blame<'s> {
    fn setting(self) -> &'s Setting {
        match self {
            Blame::Enables(s) | Blame::Switches(s, _) | Blame::Disables(s) => s,
        }
    }
}

/// Go prints a list of feature names as `[A B]`.
fn go_list(names: &[&str]) -> String {
    names.join(" ")
}

/// One finding per setting that causes a dependency failure in a component's gates, naming
/// every gate it breaks.
pub(super) fn check(
    rules: &Rules,
    target: Version,
    at: Version,
    first: &Setting,
    merged: &Merged<'_>,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) {
    let who = first
        .components
        .first()
        .map_or("the component", |c| c.as_str());
    if target < gatecheck_rules::DEPENDENCIES_CHECKED_FROM {
        return;
    }
    for (blame, errors) in broken(rules, target, at, merged) {
        let anchor = blame.setting();
        if anchor.elsewhere.is_some() {
            continue; // the other file reports it, with this file's settings merged in
        }
        let (message, help) = message_and_help(who, target, blame, &errors);
        out.push(make.at(FindingKind::Dependency, anchor, message, help));
    }
}

/// The settings that cause a failure, in the order first met, each with the component's error
/// for every gate it breaks.
fn broken<'s>(
    rules: &Rules,
    target: Version,
    at: Version,
    merged: &Merged<'s>,
) -> Vec<(Blame<'s>, Vec<String>)> {
    let mut broken: Vec<(Blame, Vec<String>)> = Vec::new();
    for g in rules
        .gates()
        .iter()
        .filter(|g| g.registry == Registry::Kubernetes)
    {
        let Some((blame, error)) = failure(rules, target, at, merged, g) else {
            continue;
        };
        match broken
            .iter_mut()
            .find(|(b, _)| std::ptr::eq(b.setting(), blame.setting()))
        {
            Some((_, errors)) => errors.push(error),
            None => broken.push((blame, vec![error])),
        }
    }
    broken
}

/// The error of gate `g` when it is on and a dependency of it is off, with the setting to
/// blame; `None` when its dependencies hold or defaults alone break them.
fn failure<'s>(
    rules: &Rules,
    target: Version,
    at: Version,
    merged: &Merged<'s>,
    g: &'static Gate,
) -> Option<(Blame<'s>, String)> {
    let deps = g.dependencies_at(target);
    if deps.is_empty() {
        return None;
    }
    let Some((true, cause)) = merged.value(rules, at, g.name) else {
        return None;
    };
    let off: Vec<(&str, Cause)> = deps
        .iter()
        .filter_map(|d| match merged.value(rules, at, d) {
            Some((false, c)) => Some((*d, c)),
            _ => None,
        })
        .collect();
    if off.is_empty() {
        return None;
    }
    let names: Vec<&str> = off.iter().map(|(d, _)| *d).collect();
    let error = format!(
        "`{} is enabled, but depends on features that are disabled: [{}]`",
        g.name,
        go_list(&names)
    );
    // Blame the gate's own setting (or the AllAlpha/AllBeta that enabled it); failing that,
    // the setting that turned a dependency off.
    let blame = match cause {
        Cause::Explicit(s) => Blame::Enables(s),
        Cause::Meta(s) => Blame::Switches(s, g.name),
        Cause::Default => match off
            .iter()
            .find_map(|(_, c)| c.setting().filter(|s| s.elsewhere.is_none()))
        {
            Some(s) => Blame::Disables(s),
            None => return None, // defaults alone are consistent; nothing to point at
        },
    };
    Some((blame, error))
}

/// The finding's message and help for the setting `blame` names, given the errors it causes.
fn message_and_help(
    who: &str,
    target: Version,
    blame: Blame<'_>,
    errors: &[String],
) -> (String, String) {
    let anchor = blame.setting();
    let value = match anchor.value {
        Value::Bool(b) => on_off(b),
        Value::Invalid(_) => "?",
    };
    let fails = format!("{who} {target} fails to start with {}", errors.join("; "));
    match blame {
        Blame::Enables(_) => (
            fails,
            format!(
                "enable the dependencies as well, or do not enable {}",
                anchor.gate
            ),
        ),
        Blame::Switches(_, first) => (
            format!("{}={value} also enables {first}: {fails}", anchor.gate),
            "enable the dependencies by name, or disable the gates that need them".into(),
        ),
        Blame::Disables(_) => (
            format!(
                "{}={value} turns off a gate that others need: {fails}",
                anchor.gate
            ),
            "disable the dependent gates too, or leave this one on".into(),
        ),
    }
}
