//! Cluster API `KubeadmControlPlane` (`spec.kubeadmConfigSpec`) and `KubeadmConfigTemplate`
//! (`spec.template.spec`): the embedded kubeadm configuration, in v1beta1 map or v1beta2 list form.

use super::kubeadm::{cluster_configuration, node_registration};
use super::{type_of, Format, Sink};
use gatecheck_yaml::Node;

pub struct ClusterApi;

impl Format for ClusterApi {
    fn detect(&self, doc: &Node) -> bool {
        let (api, kind) = type_of(doc);
        api.contains("cluster.x-k8s.io/")
            && matches!(
                kind,
                "KubeadmControlPlane" | "KubeadmConfigTemplate" | "KubeadmConfig"
            )
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        let spec = match type_of(doc).1 {
            "KubeadmControlPlane" => doc.path(&["spec", "kubeadmConfigSpec"]),
            "KubeadmConfigTemplate" => doc.path(&["spec", "template", "spec"]),
            _ => doc.get("spec"),
        };
        let Some(spec) = spec else { return };
        if let Some(cc) = spec.get("clusterConfiguration") {
            cluster_configuration(cc, sink);
        }
        for key in ["initConfiguration", "joinConfiguration"] {
            if let Some(n) = spec.get(key) {
                node_registration(n, sink);
            }
        }
    }
}
