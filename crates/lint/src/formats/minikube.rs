//! minikube profile `config.json` (`~/.minikube/profiles/<name>/config.json`): JSON, read as
//! YAML. `KubernetesConfig.FeatureGates` is one comma string passed to kube-apiserver,
//! kube-controller-manager, kube-scheduler and the kubelet, except IPv6DualStack,
//! PublicKeysECDSA and RootlessControlPlane, which minikube gives to kubeadm's `featureGates`.
//! `KubernetesConfig.ExtraOptions` entries with `"Key": "feature-gates"` go to their
//! `Component`. Source: kubernetes/minikube pkg/minikube/bootstrapper/bsutil (kubeadm.go,
//! featuregates.go).

use super::{Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct Minikube;

const TO_KUBEADM: &[&str] = &["IPv6DualStack", "PublicKeysECDSA", "RootlessControlPlane"];

fn config<'a>(doc: &'a Node<'a>) -> Option<&'a Node<'a>> {
    doc.get("KubernetesConfig")
        .filter(|k| k.get("KubernetesVersion").is_some() || k.get("FeatureGates").is_some())
}

/// minikube's own settings (`~/.minikube/config/config.json`, written by `minikube config set
/// feature-gates ...`): `feature-gates` beside keys only minikube's config has.
fn settings<'a>(doc: &'a Node<'a>) -> Option<&'a Node<'a>> {
    const KEYS: &[&str] = &[
        "driver",
        "vm-driver",
        "kubernetes-version",
        "container-runtime",
        "cpus",
        "memory",
    ];
    doc.get("feature-gates")
        .filter(|_| KEYS.iter().any(|k| doc.get(k).is_some()))
}

impl Format for Minikube {
    fn detect(&self, doc: &Node) -> bool {
        config(doc).is_some() || settings(doc).is_some()
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        let gates = config(doc)
            .and_then(|cfg| cfg.get("FeatureGates"))
            .or_else(|| settings(doc));
        if let Some(gates) = gates {
            let group = sink.group();
            let before = sink.settings.len();
            sink.flag_scalar(
                gates,
                0,
                &[
                    Component::KubeApiserver,
                    Component::KubeControllerManager,
                    Component::KubeScheduler,
                    Component::Kubelet,
                ],
                group,
            );
            for s in &mut sink.settings[before..] {
                if TO_KUBEADM.contains(&&*s.gate) {
                    s.registry = Registry::Kubeadm;
                    s.components = vec![Component::Kubeadm];
                }
            }
        }
        let Some(cfg) = config(doc) else { return };
        for option in cfg
            .get("ExtraOptions")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            if option.get("Key").and_then(Node::as_str) != Some("feature-gates") {
                continue;
            }
            let component = match option.get("Component").and_then(Node::as_str) {
                Some("apiserver") => Component::KubeApiserver,
                Some("controller-manager") => Component::KubeControllerManager,
                Some("scheduler") => Component::KubeScheduler,
                Some("kubelet") => Component::Kubelet,
                Some("kube-proxy") => Component::KubeProxy,
                _ => continue,
            };
            if let Some(value) = option.get("Value") {
                let group = sink.group();
                sink.flag_scalar(value, 0, &[component], group);
            }
        }
    }
}
