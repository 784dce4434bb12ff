//! EKS node bootstrap `NodeConfig` (`node.eks.aws/v1alpha1`, read by nodeadm on AL2023):
//! `spec.kubelet.config` is a KubeletConfiguration fragment (`featureGates` map) and
//! `spec.kubelet.flags` a list of kubelet flags. `spec.featureGates` is nodeadm's own gate list,
//! not Kubernetes'. Source: awslabs/amazon-eks-ami nodeadm/api/v1alpha1/nodeconfig_types.go.

use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct EksNodeConfig;

impl Format for EksNodeConfig {
    fn detect(&self, doc: &Node) -> bool {
        let (api, kind) = type_of(doc);
        api.starts_with("node.eks.aws/") && kind == "NodeConfig"
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(map) = doc.path(&["spec", "kubelet", "config", "featureGates"]) {
            sink.gate_map(map, &[Component::Kubelet], Registry::Kubernetes, false);
        }
        if let Some(flags) = doc
            .path(&["spec", "kubelet", "flags"])
            .and_then(Node::as_seq)
        {
            let args: Vec<&Node> = flags.iter().collect();
            sink.arg_list(&args, &[Component::Kubelet]);
        }
    }
}
