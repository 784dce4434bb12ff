//! A component's running configuration as its `/configz` endpoint serves it
//! (`kubectl get --raw /api/v1/nodes/NODE/proxy/configz`): one JSON object whose single key
//! names the component, `{"kubeletconfig": {...}}` for the kubelet (a KubeletConfiguration
//! without apiVersion and kind) and `{"kubeproxy.config.k8s.io": {...}}` for kube-proxy. The
//! other components' configz (`componentconfig`, the scheduler's) hold no feature gates.

use super::{Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Configz;

const KEYS: &[(&str, Component)] = &[
    ("kubeletconfig", Component::Kubelet),
    ("kubeproxy.config.k8s.io", Component::KubeProxy),
];

fn running<'n, 'a>(doc: &'n Node<'a>) -> Option<(&'n Node<'a>, Component)> {
    let [(key, value)] = doc.as_map()? else {
        return None;
    };
    let (_, component) = KEYS.iter().find(|(k, _)| key.as_str() == Some(*k))?;
    value.as_map().map(|_| (value, *component))
}

impl Format for Configz {
    fn detect(&self, doc: &Node) -> bool {
        running(doc).is_some()
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(gates) =
            running(doc).and_then(|(config, c)| Some((config.get("featureGates")?, c)))
        {
            sink.gate_map(gates.0, &[gates.1], Registry::Kubernetes, false);
        }
    }
}
