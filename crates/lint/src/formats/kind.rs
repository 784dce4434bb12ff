//! kind `Cluster` (`kind.x-k8s.io/v1alpha4`): top-level `featureGates` is copied to every
//! component (apiserver, controller-manager, scheduler, kubelet, kube-proxy).
//! `kubeadmConfigPatches` are not read yet.

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Kind;

impl Format for Kind {
    fn name(&self) -> &'static str {
        "kind Cluster"
    }
    fn detect(&self, doc: &Node) -> bool {
        type_of(doc).0.starts_with("kind.x-k8s.io/")
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(map) = doc.get("featureGates") {
            let all = [
                Component::KubeApiserver,
                Component::KubeControllerManager,
                Component::KubeScheduler,
                Component::Kubelet,
                Component::KubeProxy,
            ];
            sink.gate_map(map, &all, Registry::Kubernetes, false);
        }
    }
}
