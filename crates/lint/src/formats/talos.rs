//! Talos Linux machine configuration, in both shapes Talos reads:
//!
//! * the v1alpha1 document (`version: v1alpha1`, `machine:`/`cluster:`): kubelet `extraArgs` and
//!   `extraConfig.featureGates`; apiServer, controllerManager, scheduler and proxy `extraArgs`.
//!   Strategic-merge patches (`talosctl gen config --config-patch`, `talosctl patch`) are the same
//!   shape without `version:`; Talos' loader takes any document with a top-level `machine` or
//!   `cluster` as v1alpha1 (siderolabs/talos configloader/internal/decoder/decoder.go).
//! * the multi-document configuration of Talos 1.14 (`apiVersion: v1alpha1` with `kind`
//!   `KubeAPIServerConfig`, `KubeControllerManagerConfig`, `KubeSchedulerConfig`: `extraArgs`;
//!   `KubeletConfig`: `extraArgs` and `config.featureGates`; `KubeProxyConfig`:
//!   `config.featureGates`), from siderolabs/talos pkg/machinery/config/types/k8s @ad882317.
//!
//! `extraArgs` values are a string or, since Talos 1.13, a list of strings (repeated flags).

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Talos;

/// Keys that only a Talos machine config has under `machine:` or `cluster:`; a version-less
/// patch must use one of them to be taken for Talos.
const MACHINE_KEYS: &[&str] = &[
    "kubelet",
    "type",
    "install",
    "network",
    "files",
    "sysctls",
    "features",
    "nodeLabels",
    "certSANs",
    "time",
    "registries",
    "kernel",
    "disks",
    "ca",
    "token",
];
const CLUSTER_KEYS: &[&str] = &[
    "apiServer",
    "controllerManager",
    "scheduler",
    "proxy",
    "etcd",
    "discovery",
    "network",
    "coreDNS",
    "allowSchedulingOnControlPlanes",
    "extraManifests",
    "inlineManifests",
    "controlPlane",
    "clusterName",
];

fn has_talos_keys(doc: &Node, section: &str, keys: &[&str]) -> bool {
    doc.get(section).and_then(Node::as_map).is_some_and(|m| {
        m.iter()
            .any(|(k, _)| k.as_str().is_some_and(|k| keys.contains(&k)))
    })
}

impl Format for Talos {
    fn detect(&self, doc: &Node) -> bool {
        let legacy = doc.get("version").and_then(Node::as_str) == Some("v1alpha1")
            && (doc.get("machine").is_some() || doc.get("cluster").is_some());
        let patch = doc.get("version").is_none()
            && doc.get("apiVersion").is_none()
            && doc.get("kind").is_none()
            && (has_talos_keys(doc, "machine", MACHINE_KEYS)
                || has_talos_keys(doc, "cluster", CLUSTER_KEYS));
        legacy || patch || component_of(doc).is_some()
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(component) = component_of(doc) {
            if let Some(args) = doc.get("extraArgs") {
                sink.extra_args_map(args, &[component]);
            }
            if let Some(map) = doc.path(&["config", "featureGates"]) {
                sink.gate_map(map, &[component], Registry::Kubernetes, false);
            }
            return;
        }
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

/// The component a Talos 1.14 Kubernetes document configures.
fn component_of(doc: &Node) -> Option<Component> {
    match type_of(doc) {
        ("v1alpha1", "KubeAPIServerConfig") => Some(Component::KubeApiserver),
        ("v1alpha1", "KubeControllerManagerConfig") => Some(Component::KubeControllerManager),
        ("v1alpha1", "KubeSchedulerConfig") => Some(Component::KubeScheduler),
        ("v1alpha1", "KubeletConfig") => Some(Component::Kubelet),
        ("v1alpha1", "KubeProxyConfig") => Some(Component::KubeProxy),
        _ => None,
    }
}
