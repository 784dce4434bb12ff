//! kubespray inventory variables (`inventory/*/group_vars/k8s_cluster/*.yml`): lists of
//! `"Name=value"` strings. `kube_feature_gates` reaches every component whose own list
//! (`kube_apiserver_feature_gates`, `kube_controller_feature_gates`,
//! `kube_scheduler_feature_gates`, `kube_proxy_feature_gates`, `kubelet_feature_gates`) is not
//! set: a component's own list replaces it, nothing is merged (`X | default(kube_feature_gates,
//! true)` in kubespray's role templates). `kubeadm_feature_gates` holds kubeadm's own gates.
//! Source: kubernetes-sigs/kubespray roles/kubernetes/control-plane and node templates.

use super::{Format, Problem, Sink};
use crate::findings::FindingKind;
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Kubespray;

const OWN: &[(&str, Component)] = &[
    ("kube_apiserver_feature_gates", Component::KubeApiserver),
    (
        "kube_controller_feature_gates",
        Component::KubeControllerManager,
    ),
    ("kube_scheduler_feature_gates", Component::KubeScheduler),
    ("kube_proxy_feature_gates", Component::KubeProxy),
    ("kubelet_feature_gates", Component::Kubelet),
];

impl Format for Kubespray {
    fn detect(&self, doc: &Node) -> bool {
        doc.get("apiVersion").is_none()
            && ["kube_feature_gates", "kubeadm_feature_gates"]
                .iter()
                .chain(OWN.iter().map(|(k, _)| k))
                .any(|k| doc.get(k).is_some())
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        // A component's own list replaces kube_feature_gates for it.
        let fallback: Vec<Component> = OWN
            .iter()
            .filter(|(k, _)| doc.get(k).is_none_or(is_empty))
            .map(|(_, c)| *c)
            .collect();
        if let Some(list) = doc.get("kube_feature_gates") {
            items(list, &fallback, Registry::Kubernetes, sink);
        }
        for (key, component) in OWN {
            if let Some(list) = doc.get(key).filter(|l| !is_empty(l)) {
                items(list, &[*component], Registry::Kubernetes, sink);
            }
        }
        if let Some(list) = doc.get("kubeadm_feature_gates") {
            items(list, &[Component::Kubeadm], Registry::Kubeadm, sink);
        }
    }
}

fn is_empty(node: &Node) -> bool {
    node.as_seq().is_some_and(|s| s.is_empty()) || node.as_str() == Some("")
}

fn items(list: &Node, components: &[Component], registry: Registry, sink: &mut Sink<'_>) {
    let group = sink.group();
    let before = sink.settings.len();
    match list.as_seq() {
        Some(items) => {
            for item in items {
                sink.flag_scalar(item, 0, components, group);
            }
        }
        // A string is iterated character by character by kubespray's Jinja loops: the rendered
        // configuration is broken (unless it is itself a template expression).
        None if list.as_str().is_some_and(|s| !s.contains("{{")) => {
            sink.problem(Problem::at(
                FindingKind::InvalidValue,
                components.first().copied(),
                list,
                "kubespray expects a list of \"Name=value\" strings here; a string is iterated character by character and renders a broken --feature-gates",
                "write a YAML list: [\"Name=true\", ...]",
            ));
        }
        None => {}
    }
    for s in &mut sink.settings[before..] {
        s.registry = registry;
    }
}
