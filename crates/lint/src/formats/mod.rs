//! One module per configuration format. Each implements [`Format`]: recognise a YAML document,
//! and report every feature-gate setting in it to a [`Sink`]. Adding a format means adding a
//! module here, a line in [`ALL`], a fixture and a test.

use gatecheck_rules::Component;
use gatecheck_yaml::Node;

mod ansible;
mod capi;
mod configz;
mod eks_nodeconfig;
mod eksctl;
mod gardener;
pub mod generic;
pub mod heredoc;
mod json_patch;
mod k0s;
mod k3s;
mod kind;
mod kops;
mod kops_nodeup;
pub mod kubeadm;
mod kubelet;
mod kubespray;
pub mod metrics;
mod minikube;
mod pod;
mod rke1;
mod scheduler;
mod talos;

mod args;
mod sink;

pub use sink::{
    rules_name, Deferred, GateName, Problem, Setting, Sink, Value, MAX_SETTINGS_PER_FILE,
};

/// A configuration format gatecheck reads.
pub trait Format: Sync {
    /// Whether this format claims the document.
    fn detect(&self, doc: &Node) -> bool;
    /// Whether a document this format claims is one it reads (counted as read). A workload
    /// that runs no component is claimed, so that its flags are never taken for a component's,
    /// but not read.
    fn reads(&self, _doc: &Node) -> bool {
        true
    }
    /// Reports every setting and problem in the document.
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>);
}

/// Every format, in the order they are tried; the first that detects a document reads it.
pub static ALL: &[&dyn Format] = &[
    &kubelet::KUBELET,
    &kubelet::KUBE_PROXY,
    &scheduler::Scheduler,
    &kubeadm::Kubeadm,
    &pod::StaticPod,
    &kind::Kind,
    &kops::Kops,
    &capi::ClusterApi,
    &talos::Talos,
    &eksctl::Eksctl,
    &eks_nodeconfig::EksNodeConfig,
    &k0s::K0s,
    &gardener::Gardener,
    &kops_nodeup::KopsNodeup,
    &minikube::Minikube,
    &rke1::Rke1,
    &kubespray::Kubespray,
    &ansible::Ansible,
    &k3s::K3s,
    &json_patch::JsonPatch,
    &configz::Configz,
];

/// `apiVersion` and `kind` of a document.
pub fn type_of<'a>(doc: &'a Node<'_>) -> (&'a str, &'a str) {
    (
        doc.get("apiVersion").and_then(Node::as_str).unwrap_or(""),
        doc.get("kind").and_then(Node::as_str).unwrap_or(""),
    )
}

/// The component a hyperkube command names (`/hyperkube apiserver`, `hyperkube kube-proxy`).
pub fn hyperkube_component(word: &str) -> Option<Component> {
    match word.trim_start_matches("kube-") {
        "apiserver" => Some(Component::KubeApiserver),
        "controller-manager" => Some(Component::KubeControllerManager),
        "scheduler" => Some(Component::KubeScheduler),
        "proxy" => Some(Component::KubeProxy),
        "kubelet" => Some(Component::Kubelet),
        _ => None,
    }
}

/// The component a command line runs, from the program name.
pub fn component_of_program(program: &str) -> Option<Component> {
    let base = program.rsplit('/').next().unwrap_or(program);
    let base = base.split(':').next().unwrap_or(base);
    Component::ALL.into_iter().find(|c| base == c.as_str())
}
