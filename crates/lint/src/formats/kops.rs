//! kOps `Cluster` and `InstanceGroup` (`kops.k8s.io`): `spec.<component>.featureGates` as a map of
//! strings (`"true"`), the way kOps writes them.

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Kops;

const SECTIONS: &[(&str, Component)] = &[
    ("kubelet", Component::Kubelet),
    ("masterKubelet", Component::Kubelet),
    ("controlPlaneKubelet", Component::Kubelet),
    ("kubeAPIServer", Component::KubeApiserver),
    ("kubeControllerManager", Component::KubeControllerManager),
    ("kubeScheduler", Component::KubeScheduler),
    ("kubeProxy", Component::KubeProxy),
];

impl Format for Kops {
    fn detect(&self, doc: &Node) -> bool {
        type_of(doc).0.starts_with("kops.k8s.io/")
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        for (section, component) in SECTIONS {
            if let Some(map) = doc.path(&["spec", section, "featureGates"]) {
                sink.gate_map(map, &[*component], Registry::Kubernetes, true);
            }
        }
    }
}
