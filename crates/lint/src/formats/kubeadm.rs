//! kubeadm `ClusterConfiguration`, `InitConfiguration`, `JoinConfiguration` (`kubeadm.k8s.io`
//! v1beta3: `extraArgs` maps; v1beta4: `{name, value}` lists). `featureGates` holds kubeadm's own
//! gates, checked against kubeadm's registry. The node sections are shared with Cluster API.

use super::{type_of, Deferred, Format, Sink};
use gatecheck_rules::{Component, Registry, Version};
use gatecheck_yaml::Node;

pub struct Kubeadm;

/// The first kubeadm release that no longer reads each old config API version, each dated by
/// the kubernetes/kubernetes pull request that removed it (its merge falls in that release's
/// cycle):
/// * v1alpha3: #75179 "kubeadm: remove v1alpha3" (merged 2019-03, "This is for 1.15").
/// * v1beta1: #101129 "kubeadm: add placeholder v1beta3; remove the deprecated v1beta1"
///   (merged 2021-04, the 1.22 cycle; #107013 confirms "v1beta3 was added by #101129 since 1.22.
///   (v1beta1 was removed meanwhile)").
/// * v1beta2: #114540 "remove deprecated Kubeadm v1beta2 API" (merged 2023-01-06, milestone
///   v1.27; its note: "kubeadm 1.26's config migrate command can be used to migrate").
/// * v1beta3: #136016, in CHANGELOG-1.37.md (v1.37.0-alpha.1): "Kubeadm: removed the v1beta3 API
///   which was deprecated since v1.31".
const API_REMOVED: &[(&str, Version)] = &[
    ("kubeadm.k8s.io/v1alpha3", Version::new(1, 15)),
    ("kubeadm.k8s.io/v1beta1", Version::new(1, 22)),
    ("kubeadm.k8s.io/v1beta2", Version::new(1, 27)),
    ("kubeadm.k8s.io/v1beta3", Version::new(1, 37)),
];

impl Format for Kubeadm {
    fn detect(&self, doc: &Node) -> bool {
        type_of(doc).0.starts_with("kubeadm.k8s.io/")
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        let (api, kind) = type_of(doc);
        if let Some((_, removed)) = API_REMOVED.iter().find(|(a, _)| *a == api) {
            // Whether kubeadm still reads it depends on the target: judged there.
            let node = doc.get("apiVersion").expect("typed document");
            sink.deferred.push(Deferred::KubeadmApi {
                api: api.to_string(),
                removed: *removed,
                offset: node.span.start.offset,
                len: node.span.len(),
            });
        }
        match kind {
            "ClusterConfiguration" => cluster_configuration(doc, sink),
            "InitConfiguration" | "JoinConfiguration" => node_registration(doc, sink),
            _ => {}
        }
    }
}

/// `ClusterConfiguration`: kubeadm's `featureGates` and the control plane's `extraArgs`.
pub fn cluster_configuration(doc: &Node, sink: &mut Sink<'_>) {
    if let Some(map) = doc.get("featureGates") {
        sink.gate_map(map, &[Component::Kubeadm], Registry::Kubeadm, false);
    }
    for (section, component) in [
        ("apiServer", Component::KubeApiserver),
        ("controllerManager", Component::KubeControllerManager),
        ("scheduler", Component::KubeScheduler),
    ] {
        sink.extra_args(doc.path(&[section, "extraArgs"]), &[component]);
    }
}

/// `InitConfiguration` / `JoinConfiguration`: the kubelet's extra arguments.
pub fn node_registration(doc: &Node, sink: &mut Sink<'_>) {
    sink.extra_args(
        doc.path(&["nodeRegistration", "kubeletExtraArgs"]),
        &[Component::Kubelet],
    );
}
