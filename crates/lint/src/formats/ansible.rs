//! Ansible role variables that wrap a k3s or RKE2 `config.yaml`: the xanmanning/PyratLabs k3s
//! role's `k3s_server` and `k3s_agent` maps, the rancherfederal RKE2 role's
//! `cluster_rke2_config`, `group_rke2_config` and `host_rke2_config` maps (each a k3s/RKE2
//! config), and the lablabs RKE2 role's per-component lists (`rke2_kube_apiserver_args`,
//! `rke2_kube_controller_manager_arg`, `rke2_kube_scheduler_arg`, `rke2_kubelet_arg`,
//! `rke2_kube_proxy_arg`) and `rke2_kubelet_config` (a KubeletConfiguration map).
//! (lablabs' `rke2_config` is a template path, not a config.)

use super::{k3s, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Ansible;

const CONFIG_MAPS: &[&str] = &[
    "k3s_server",
    "k3s_agent",
    "cluster_rke2_config",
    "group_rke2_config",
    "host_rke2_config",
];

const ARG_LISTS: &[(&str, Component)] = &[
    ("rke2_kube_apiserver_args", Component::KubeApiserver),
    (
        "rke2_kube_controller_manager_arg",
        Component::KubeControllerManager,
    ),
    ("rke2_kube_scheduler_arg", Component::KubeScheduler),
    ("rke2_kubelet_arg", Component::Kubelet),
    ("rke2_kube_proxy_arg", Component::KubeProxy),
];

/// The per-component argument lists of a document: `rke2_kubelet_arg` and, in other roles,
/// `rke2_kubelet_args` (either spelling for every component).
fn arg_lists<'n, 'a>(doc: &'n Node<'a>) -> impl Iterator<Item = (&'n Node<'a>, Component)> {
    doc.as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| {
            let k = k.as_str()?;
            let base = k.strip_suffix('s').unwrap_or(k);
            let (_, c) = ARG_LISTS
                .iter()
                .find(|(name, _)| name.strip_suffix('s').unwrap_or(name) == base)?;
            Some((v, *c))
        })
}

impl Format for Ansible {
    fn detect(&self, doc: &Node) -> bool {
        doc.get("apiVersion").is_none()
            && (CONFIG_MAPS
                .iter()
                .any(|k| doc.get(k).and_then(Node::as_map).is_some())
                || arg_lists(doc).next().is_some()
                || doc.get("rke2_kubelet_config").is_some())
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        for key in CONFIG_MAPS {
            if let Some(map) = doc.get(key).filter(|m| m.as_map().is_some()) {
                k3s::read_config(map, sink);
            }
        }
        for (list, component) in arg_lists(doc) {
            k3s::read_args(list, component, sink);
        }
        if let Some(map) = doc.path(&["rke2_kubelet_config", "featureGates"]) {
            sink.gate_map(map, &[Component::Kubelet], Registry::Kubernetes, false);
        }
    }
}
