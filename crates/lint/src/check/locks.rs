//! Locked gates: setting one against its locked value stops the component, setting it to that
//! value does nothing, and a GA gate whose lock no source settles is a warning, not a pass.

use super::make::{cat, on_off, Make};
use super::model::Finding;
use crate::findings::FindingKind;
use crate::formats::Setting;
use gatecheck_rules::{Stage, StageSpec};

/// A setting of a gate the target knows, with what the stage and lock checks need.
pub(super) struct Judged<'a> {
    pub s: &'a Setting,
    /// Who reads it, for messages.
    pub who: &'a str,
    /// The value, when it is a boolean.
    pub value: Option<bool>,
    /// The gate's spec at the target (or the emulated version).
    pub spec: StageSpec,
    /// The release the spec is from, for messages (`1.33`, `1.31 (emulated by 1.33)`).
    pub shown: &'a str,
    /// Help for a setting to remove before the gate is removed.
    pub removal: std::borrow::Cow<'static, str>,
}

/// The lock findings; false when none applies (the stage findings are judged next).
pub(super) fn check(j: &Judged<'_>, make: &Make<'_>, out: &mut Vec<Finding>) -> bool {
    let (s, who, spec, shown) = (j.s, j.who, j.spec, j.shown);
    let Some(v) = j.value else { return false };
    let finding = if spec.lock.is_locked() && v != spec.default {
        make.at(
            FindingKind::Locked,
            s,
            format!(
                "{who} fails with `cannot set feature gate {} to {}, feature is locked to {}`",
                s.gate,
                on_off(v),
                on_off(spec.default)
            ),
            format!(
                "delete this setting: in {shown} the feature is always {}",
                if spec.default { "on" } else { "off" }
            ),
        )
    } else if !spec.lock.is_known()
        && v != spec.default
        && matches!(spec.stage, Stage::Ga | Stage::Deprecated)
    {
        make.at(
            FindingKind::LockUnknown,
            s,
            format!(
                "{} is {} in {shown} (default {}); GA gates are normally locked, and gatecheck has no record for this release: if it is locked, {who} fails with `cannot set feature gate {} to {}, feature is locked to {}`",
                s.gate,
                spec.stage.title(),
                on_off(spec.default),
                s.gate,
                on_off(v),
                on_off(spec.default)
            ),
            format!("set it to {} or delete the setting", on_off(spec.default)),
        )
    } else if spec.lock.is_locked() {
        make.at(
            FindingKind::LockedDefault,
            s,
            cat(&[
                &s.gate,
                " is locked to ",
                on_off(spec.default),
                " in ",
                shown,
                "; setting it does nothing",
            ]),
            j.removal.clone(),
        )
    } else {
        return false;
    };
    out.push(finding);
    true
}
