//! eksctl `ClusterConfig` (`eksctl.io/v1alpha5`): `nodeGroups[].kubeletExtraConfig` is merged
//! into the nodes' KubeletConfiguration, so its `featureGates` map reaches the kubelet.
//! `managedNodeGroups[]` have no `kubeletExtraConfig` (eksctl's schema rejects it).
//! Source: eksctl-io/eksctl pkg/apis/eksctl.io/v1alpha5/types.go.

use super::{type_of, Format, Problem, Sink};
use crate::findings::FindingKind;
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Eksctl;

impl Format for Eksctl {
    fn detect(&self, doc: &Node) -> bool {
        let (api, kind) = type_of(doc);
        api.starts_with("eksctl.io/") && kind == "ClusterConfig"
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        for group in doc
            .get("nodeGroups")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(map) = group.path(&["kubeletExtraConfig", "featureGates"]) {
                sink.gate_map(map, &[Component::Kubelet], Registry::Kubernetes, false);
            }
        }
        for group in doc
            .get("managedNodeGroups")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some((key, _)) = group
                .as_map()
                .unwrap_or_default()
                .iter()
                .find(|(k, _)| k.as_str() == Some("kubeletExtraConfig"))
            {
                sink.problem(Problem::at(
                    FindingKind::Misplaced,
                    Some(Component::Kubelet),
                    key,
                    "managed node groups have no kubeletExtraConfig: eksctl rejects the file, and its feature gates are not applied",
                    "set kubelet settings of a managed node group through a launch template's user data, or use an unmanaged node group",
                ));
            }
        }
    }
}
