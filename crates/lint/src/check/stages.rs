//! What a gate's stage says about a setting: GA or deprecated (to be removed), alpha (not for
//! production), already the default (redundant), and what AllAlpha / AllBeta switch.

use super::locks::Judged;
use super::make::{cat, on_off, Make};
use super::model::Finding;
use crate::findings::FindingKind;
use crate::merge::{Merged, MetaValues};
use gatecheck_rules::{MetaGate, Registry, Rules, Stage, Version};

/// The stage findings of a setting no lock finding applied to.
pub(super) fn check(j: &Judged<'_>, switched: MetaValues, make: &Make<'_>, out: &mut Vec<Finding>) {
    let (s, spec, shown) = (j.s, j.spec, j.shown);
    // The value the gate would have without this setting.
    let implicit = match (switched.replaced, MetaGate::switching(&spec)) {
        (Some(replaced), _) => replaced,
        (None, Some(MetaGate::AllAlpha)) => switched.all_alpha.unwrap_or(spec.default),
        (None, Some(MetaGate::AllBeta)) => switched.all_beta.unwrap_or(spec.default),
        (None, None) => spec.default,
    };
    let finding = match j.value {
        _ if spec.stage == Stage::Ga => make.at(
            FindingKind::Ga,
            s,
            cat(&[
                &s.gate,
                " is GA in ",
                shown,
                " (default ",
                on_off(spec.default),
                "); ",
                j.who,
                " logs that it will be removed in a future release",
            ]),
            j.removal.clone(),
        ),
        _ if spec.stage == Stage::Deprecated => make.at(
            FindingKind::Deprecated,
            s,
            cat(&[
                &s.gate,
                " is deprecated in ",
                shown,
                " (default ",
                on_off(spec.default),
                ")",
            ]),
            j.removal.clone(),
        ),
        Some(true) if spec.stage == Stage::Alpha && !spec.default => make.at(
            FindingKind::Alpha,
            s,
            cat(&[
                &s.gate,
                " is an alpha feature in ",
                shown,
                ": not for production, and it may change incompatibly",
            ]),
            "enable alpha features only in test clusters",
        ),
        Some(v) if v == spec.default && v == implicit => make.at(
            FindingKind::Redundant,
            s,
            cat(&[
                &s.gate,
                " is already ",
                on_off(spec.default),
                " by default in ",
                shown,
            ]),
            "this setting can be removed",
        ),
        _ => return,
    };
    out.push(finding);
}

/// AllAlpha / AllBeta in a component's gates: which gates of the target they switch.
pub(super) fn meta_gates(
    rules: &Rules,
    target: Version,
    at: Version,
    merged: &Merged<'_>,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) {
    for meta in [merged.all_alpha, merged.all_beta].into_iter().flatten() {
        let (on, setting) = meta;
        if setting.elsewhere.is_some() {
            continue; // reported in its own file
        }
        let Some(meta_gate) = MetaGate::parse(&setting.gate) else {
            continue;
        };
        let switched: Vec<&str> = rules
            .known_at(Registry::Kubernetes, target)
            .unwrap_or_default()
            .into_iter()
            // The binary decides which gates exist; the emulated version, their stage.
            .filter_map(|(g, _)| g.spec_at(at).map(|spec| (g, spec)))
            .filter(|(g, spec)| {
                MetaGate::switching(spec) == Some(meta_gate)
                    && spec.default != on
                    && !merged.explicit.contains_key(g.name)
                    && MetaGate::parse(g.name).is_none()
            })
            .map(|(g, _)| g.name)
            .collect();
        let shown: Vec<&str> = switched.iter().take(8).copied().collect();
        let more = switched.len().saturating_sub(shown.len());
        out.push(make.at(
            FindingKind::MetaGate,
            setting,
            format!(
                "{}={} turns {} {} {} gate(s) of {target} not set explicitly: {}{}",
                setting.gate,
                on_off(on),
                if on { "on" } else { "off" },
                switched.len(),
                meta_gate.stage(),
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ),
            "set the gates you need by name: what AllAlpha/AllBeta switch changes with every release",
        ));
    }
}
