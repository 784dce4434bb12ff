//! `KubeletConfiguration` (`kubelet.config.k8s.io/v1beta1`): `featureGates: {Name: bool}`.

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Kubelet;

impl Format for Kubelet {
    fn name(&self) -> &'static str {
        "KubeletConfiguration"
    }
    fn detect(&self, doc: &Node) -> bool {
        let (api, kind) = type_of(doc);
        kind == "KubeletConfiguration" && api.starts_with("kubelet.config.k8s.io/")
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(map) = doc.get("featureGates") {
            sink.gate_map(map, &[Component::Kubelet], Registry::Kubernetes, false);
        }
    }
}
