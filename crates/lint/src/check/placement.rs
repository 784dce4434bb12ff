//! Gates set where they do not belong: a component gate in kubeadm's registry, a gate
//! cloud-controller-manager does not register, a gate that does not concern the component, and
//! a kubelet config-file gate that a kubelet flag overrides.

use super::make::{cat, Make};
use super::model::Finding;
use crate::findings::FindingKind;
use crate::formats::Setting;
use crate::merge::KubeletLayers;
use gatecheck_rules::{Component, Gate, Registry, Rules};

/// A Kubernetes component gate in kubeadm's `featureGates`: kubeadm refuses it. False when the
/// unknown kubeadm gate is not a component gate either.
pub(super) fn kubeadm_gate_is_component_gate(
    rules: &Rules,
    s: &Setting,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) -> bool {
    if s.registry != Registry::Kubeadm || rules.gate(Registry::Kubernetes, &s.gate).is_none() {
        return false;
    }
    out.push(make.at(
        FindingKind::Misplaced,
        s,
        format!("{} is a Kubernetes component gate, not a kubeadm gate: kubeadm fails with `{} is not a valid feature name.`", s.gate, s.gate),
        "set component gates in extraArgs (feature-gates) or in a KubeletConfiguration, not in kubeadm's featureGates",
    ));
    true
}

/// cloud-controller-manager (`k8s.io/cloud-provider`) registers the generic API-server,
/// controller-manager and component-base gates, not kubernetes' own list: a kubelet gate given
/// to it stops it (gardener-extension-provider-aws#955). Where the data knows the package that
/// declares the gate, that decides; otherwise a gate is judged rejected only when its KEP names
/// components and none is kube-apiserver (whose generic gates CCM shares) or
/// cloud-controller-manager.
pub(super) fn rejected_by_ccm(s: &Setting, gate: &Gate) -> bool {
    if s.components != [Component::CloudControllerManager] || s.registry != Registry::Kubernetes {
        return false;
    }
    if let Some(registered) = gate.package.and_then(|p| p.registered_by_ccm()) {
        return !registered;
    }
    !gate.components.is_empty()
        && !gate.components.iter().any(|c| {
            matches!(
                c,
                Component::KubeApiserver | Component::CloudControllerManager
            )
        })
}

/// The finding for a gate `rejected_by_ccm`.
pub(super) fn ccm_rejects(s: &Setting, gate: &Gate, make: &Make<'_>, out: &mut Vec<Finding>) {
    out.push(make.at(
        FindingKind::Misplaced,
        s,
        format!(
            "cloud-controller-manager has its own feature-gate registry and rejects {}{}: it exits with `unrecognized feature gate: {}`",
            s.gate,
            gate.package.map(|p| format!(" (declared in {}, which it does not register)", p.path())).unwrap_or_default(),
            s.gate
        ),
        "set this gate on the components it concerns, not on cloud-controller-manager",
    ));
}

/// A core gate set on a component its KEP does not name: accepted and ignored.
pub(super) fn irrelevant_component(
    s: &Setting,
    who: &str,
    gate: &Gate,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) {
    // Where the component is not known, nothing can be said of whom the gate concerns.
    let relevant = gate.components.is_empty()
        || s.components.is_empty()
        || s.components
            .iter()
            .any(|c| gate.components.contains(c) || !c.shares_core_registry());
    if !relevant && s.registry == Registry::Kubernetes {
        let (list, help) = super::make::concerned(gate.components);
        out.push(make.at(
            FindingKind::IrrelevantComponent,
            s,
            cat(&[
                &s.gate,
                " does not concern ",
                who,
                " (its KEP names ",
                list,
                "); ",
                who,
                " accepts it and ignores it",
            ]),
            help,
        ));
    }
}

/// Kubelet config-file settings that a kubelet `--feature-gates` flag overrides: the flag wins.
pub(super) fn overridden_by_flags(
    settings: &[Setting],
    layers: &KubeletLayers<'_>,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) {
    for o in &layers.overridden {
        let s = &settings[o.file];
        let at = match &o.flag.elsewhere {
            Some(location) => location.clone(),
            None => {
                let (line, column) = make.lines.line_col(o.flag.offset);
                format!("line {line}, column {column}")
            }
        };
        let (kind, message, help) = if o.flag.value == s.value {
            (
                FindingKind::Redundant,
                format!(
                    "the kubelet's --feature-gates flag ({at}) also sets {}, and the flag wins",
                    s.gate
                ),
                "set each kubelet gate in one place".to_string(),
            )
        } else {
            (
                FindingKind::Conflict,
                format!(
                    "the kubelet's --feature-gates flag ({at}) sets {} to another value and wins over the config file: {}",
                    s.gate,
                    if o.kubelet_only { "this setting has no effect" } else { "the kubelet ignores this value, the other components use it" }
                ),
                "set each kubelet gate in one place: the flag or the config file".to_string(),
            )
        };
        out.push(make.at(kind, s, message, help));
    }
}
