//! RKE1 `cluster.yml`: `services.<service>.extra_args` (a map of flag to string; `feature-gates`
//! is one comma string) and `extra_args_array` (a map of flag to a list, for repeated flags), for
//! the services `kube-api`, `kube-controller`, `scheduler`, `kubelet` and `kubeproxy`. A user's
//! `feature-gates` replaces RKE's default for that service. Source: rancher/rke types/rke_types.go.

use super::{Format, Sink};
use gatecheck_rules::Component;
use gatecheck_yaml::Node;

pub struct Rke1;

const SERVICES: &[(&str, Component)] = &[
    ("kube-api", Component::KubeApiserver),
    ("kube-controller", Component::KubeControllerManager),
    ("scheduler", Component::KubeScheduler),
    ("kubelet", Component::Kubelet),
    ("kubeproxy", Component::KubeProxy),
];

impl Format for Rke1 {
    fn detect(&self, doc: &Node) -> bool {
        doc.get("apiVersion").is_none()
            && doc.get("services").and_then(Node::as_map).is_some_and(|m| {
                m.iter()
                    .any(|(k, _)| SERVICES.iter().any(|(s, _)| k.as_str() == Some(s)))
            })
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        for (service, component) in SERVICES {
            if let Some(args) = doc.path(&["services", service, "extra_args"]) {
                sink.extra_args_map(args, &[*component]);
            }
            if let Some(list) =
                doc.path(&["services", service, "extra_args_array", "feature-gates"])
            {
                let group = sink.group();
                for item in list.as_seq().unwrap_or_default() {
                    sink.flag_scalar(item, 0, &[*component], group);
                }
            }
        }
    }
}
