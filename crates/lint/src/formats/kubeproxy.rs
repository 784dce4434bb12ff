//! `KubeProxyConfiguration` (`kubeproxy.config.k8s.io/v1alpha1`): `featureGates: {Name: bool}`.

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct KubeProxy;

impl Format for KubeProxy {
    fn name(&self) -> &'static str {
        "KubeProxyConfiguration"
    }
    fn detect(&self, doc: &Node) -> bool {
        let (api, kind) = type_of(doc);
        kind == "KubeProxyConfiguration" && api.starts_with("kubeproxy.config.k8s.io/")
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(map) = doc.get("featureGates") {
            sink.gate_map(map, &[Component::KubeProxy], Registry::Kubernetes, false);
        }
    }
}
