//! Gardener `Shoot` (`core.gardener.cloud/v1beta1`): `spec.kubernetes.{kubeAPIServer,
//! kubeControllerManager, kubeScheduler, kubeProxy, kubelet}.featureGates` (maps of gate to
//! boolean), and each worker pool's `spec.provider.workers[].kubernetes.kubelet.featureGates`,
//! which replaces the cluster-wide kubelet settings for that pool.
//! (`verticalPodAutoscaler.featureGates` holds VPA's own gates.) Source: gardener/gardener
//! pkg/apis/core/v1beta1/types_shoot.go.

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Gardener;

const SECTIONS: &[(&str, Component)] = &[
    ("kubeAPIServer", Component::KubeApiserver),
    ("kubeControllerManager", Component::KubeControllerManager),
    ("kubeScheduler", Component::KubeScheduler),
    ("kubeProxy", Component::KubeProxy),
    ("kubelet", Component::Kubelet),
];

impl Format for Gardener {
    fn detect(&self, doc: &Node) -> bool {
        let (api, kind) = type_of(doc);
        api.starts_with("core.gardener.cloud/") && kind == "Shoot"
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        for (section, component) in SECTIONS {
            if let Some(map) = doc.path(&["spec", "kubernetes", section, "featureGates"]) {
                sink.gate_map(map, &[*component], Registry::Kubernetes, false);
            }
        }
        for worker in doc
            .path(&["spec", "provider", "workers"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(map) = worker.path(&["kubernetes", "kubelet", "featureGates"]) {
                sink.gate_map(map, &[Component::Kubelet], Registry::Kubernetes, false);
            }
        }
    }
}
