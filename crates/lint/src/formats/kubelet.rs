//! Component configuration files whose `featureGates` is a map of gate name to bool:
//! `KubeletConfiguration` (`kubelet.config.k8s.io/v1beta1`) and `KubeProxyConfiguration`
//! (`kubeproxy.config.k8s.io/v1alpha1`).

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

/// One such file type: its kind, its API group, and whose gates it sets.
pub struct ComponentConfig {
    kind: &'static str,
    group: &'static str,
    component: Component,
}

pub static KUBELET: ComponentConfig = ComponentConfig {
    kind: "KubeletConfiguration",
    group: "kubelet.config.k8s.io/",
    component: Component::Kubelet,
};

pub static KUBE_PROXY: ComponentConfig = ComponentConfig {
    kind: "KubeProxyConfiguration",
    group: "kubeproxy.config.k8s.io/",
    component: Component::KubeProxy,
};

impl ComponentConfig {
    /// Whether a document (or an embedded patch, which may omit apiVersion) is of this kind.
    pub fn is_kind(&self, doc: &Node) -> bool {
        type_of(doc).1 == self.kind
    }
}

impl Format for ComponentConfig {
    fn detect(&self, doc: &Node) -> bool {
        let (api, kind) = type_of(doc);
        kind == self.kind && api.starts_with(self.group)
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(map) = doc.get("featureGates") {
            sink.gate_map(map, &[self.component], Registry::Kubernetes, false);
        }
    }
}
