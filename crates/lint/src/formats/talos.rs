//! Talos machine configuration (`version: v1alpha1`, `machine:`/`cluster:`): kubelet `extraArgs`
//! and `extraConfig.featureGates`; apiServer, controllerManager, scheduler and proxy `extraArgs`.

use super::{Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Talos;

impl Format for Talos {
    fn name(&self) -> &'static str {
        "Talos machine config"
    }
    fn detect(&self, doc: &Node) -> bool {
        doc.get("version").and_then(Node::as_str) == Some("v1alpha1")
            && (doc.get("machine").is_some() || doc.get("cluster").is_some())
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(args) = doc.path(&["machine", "kubelet", "extraArgs"]) {
            sink.extra_args_map(args, &[Component::Kubelet]);
        }
        if let Some(map) = doc.path(&["machine", "kubelet", "extraConfig", "featureGates"]) {
            sink.gate_map(map, &[Component::Kubelet], Registry::Kubernetes, false);
        }
        for (section, component) in [
            ("apiServer", Component::KubeApiserver),
            ("controllerManager", Component::KubeControllerManager),
            ("scheduler", Component::KubeScheduler),
            ("proxy", Component::KubeProxy),
        ] {
            if let Some(args) = doc.path(&["cluster", section, "extraArgs"]) {
                sink.extra_args_map(args, &[component]);
            }
        }
    }
}
