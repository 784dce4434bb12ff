//! kOps `NodeupConfig`, the file nodeup reads on each node (generated from the Cluster and
//! InstanceGroup; committed by users who keep kOps' Terraform output): a plain struct without
//! apiVersion, whose `KubeletConfig`, `KubeProxy`, `APIServerConfig.KubeAPIServer`,
//! `ControlPlaneConfig.KubeControllerManager` and `ControlPlaneConfig.KubeScheduler` carry
//! `featureGates` as maps of strings. Source: kubernetes/kops pkg/apis/nodeup/config.go.

use super::{Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct KopsNodeup;

const PATHS: &[(&[&str], Component)] = &[
    (&["KubeletConfig", "featureGates"], Component::Kubelet),
    (&["KubeProxy", "featureGates"], Component::KubeProxy),
    (
        &["APIServerConfig", "KubeAPIServer", "featureGates"],
        Component::KubeApiserver,
    ),
    (
        &[
            "ControlPlaneConfig",
            "KubeControllerManager",
            "featureGates",
        ],
        Component::KubeControllerManager,
    ),
    (
        &["ControlPlaneConfig", "KubeScheduler", "featureGates"],
        Component::KubeScheduler,
    ),
];

impl Format for KopsNodeup {
    fn detect(&self, doc: &Node) -> bool {
        doc.get("apiVersion").is_none()
            && doc.get("KubeletConfig").is_some()
            && (doc.get("KubernetesVersion").is_some() || doc.get("ClusterName").is_some())
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        for (path, component) in PATHS {
            if let Some(map) = doc.path(path) {
                sink.gate_map(map, &[*component], Registry::Kubernetes, true);
            }
        }
    }
}
