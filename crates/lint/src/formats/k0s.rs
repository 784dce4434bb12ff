//! k0s `ClusterConfig` (`k0s.k0sproject.io/v1beta1`), also inside a k0sctl `Cluster`
//! (`spec.k0s.config`): `spec.featureGates` is a list of `{name, enabled, components}`; without
//! `components` a gate goes to kube-apiserver, kube-controller-manager, kube-scheduler, kubelet
//! and kube-proxy. Worker profiles' `values.featureGates` is a kubelet map.
//! Source: k0sproject/k0s pkg/apis/k0s/v1beta1 (featuregates.go) and docs/configuration.md.

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct K0s;

const ALL: [Component; 5] = [
    Component::KubeApiserver,
    Component::KubeControllerManager,
    Component::KubeScheduler,
    Component::Kubelet,
    Component::KubeProxy,
];

fn config<'a>(doc: &'a Node<'a>) -> Option<&'a Node<'a>> {
    match type_of(doc) {
        (api, _) if api.starts_with("k0s.k0sproject.io/") => Some(doc),
        (api, "Cluster") if api.starts_with("k0sctl.k0sproject.io/") => {
            doc.path(&["spec", "k0s", "config"])
        }
        _ => None,
    }
}

impl Format for K0s {
    fn detect(&self, doc: &Node) -> bool {
        config(doc).is_some()
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        let Some(cfg) = config(doc) else { return };
        for item in cfg
            .path(&["spec", "featureGates"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            let (Some(name), Some(enabled)) = (item.get("name"), item.get("enabled")) else {
                continue;
            };
            let listed: Vec<Component> = item
                .get("components")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c.as_str().and_then(Component::parse))
                .collect();
            let components = if listed.is_empty() {
                ALL.to_vec()
            } else {
                listed
            };
            let group = sink.group();
            sink.gate(name, enabled, &components, Registry::Kubernetes, group);
        }
        for profile in cfg
            .path(&["spec", "workerProfiles"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(map) = profile.path(&["values", "featureGates"]) {
                sink.gate_map(map, &[Component::Kubelet], Registry::Kubernetes, false);
            }
        }
    }
}
