//! RFC 6902 JSON patches whose `path` names where a gate setting goes: Talos patches
//! (`talosctl --config-patch`, talhelper `patches`), for example
//! `{op: add, path: /cluster/apiServer/extraArgs/feature-gates, value: "A=true"}` or
//! `{op: add, path: /machine/kubelet/extraConfig, value: {featureGates: {A: true}}}`. The
//! component is the path's Talos section (`kubelet`, `apiServer`, `controllerManager`,
//! `scheduler`, `proxy`); what the value is follows from the path's last segments.

use super::{Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::Node;

pub struct JsonPatch;

fn ops<'n, 'a>(doc: &'n Node<'a>) -> Option<&'n [Node<'a>]> {
    let items = doc.as_seq()?;
    let is_op = |i: &Node| {
        i.get("op").and_then(Node::as_str).is_some()
            && i.get("path").and_then(Node::as_str).is_some()
    };
    (!items.is_empty() && items.iter().all(is_op)).then_some(items)
}

fn component(segments: &[&str]) -> Option<Component> {
    segments.iter().find_map(|s| match *s {
        "kubelet" => Some(Component::Kubelet),
        "apiServer" => Some(Component::KubeApiserver),
        "controllerManager" => Some(Component::KubeControllerManager),
        "scheduler" => Some(Component::KubeScheduler),
        "proxy" => Some(Component::KubeProxy),
        _ => None,
    })
}

impl Format for JsonPatch {
    fn detect(&self, doc: &Node) -> bool {
        ops(doc).is_some_and(|ops| {
            ops.iter().any(|op| {
                let path = op.get("path").and_then(Node::as_str).unwrap_or("");
                component(&path.split('/').collect::<Vec<_>>()).is_some()
            })
        })
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        for op in ops(doc).unwrap_or_default() {
            let kind = op.get("op").and_then(Node::as_str).unwrap_or("");
            let (Some(path), Some(value)) =
                (op.get("path").and_then(Node::as_str), op.get("value"))
            else {
                continue;
            };
            if !matches!(kind, "add" | "replace") {
                continue;
            }
            // `~1` and `~0` are `/` and `~` in a JSON pointer; gate places use neither.
            let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            let Some(c) = component(&segments) else {
                continue;
            };
            // An appended list item (`/feature-gates/-`) is one more repeated flag.
            let tail: Vec<&str> = segments
                .iter()
                .rev()
                .copied()
                .skip_while(|s| *s == "-" || s.parse::<usize>().is_ok())
                .take(1)
                .collect();
            match tail.first().copied().unwrap_or("") {
                "feature-gates" => {
                    let group = sink.group();
                    match value.as_seq() {
                        Some(items) => items
                            .iter()
                            .for_each(|i| sink.flag_scalar(i, 0, &[c], group)),
                        None => sink.flag_scalar(value, 0, &[c], group),
                    }
                }
                "extraArgs" => sink.extra_args_map(value, &[c]),
                "featureGates" => sink.gate_map(value, &[c], Registry::Kubernetes, false),
                "extraConfig" | "config" => {
                    if let Some(map) = value.get("featureGates") {
                        sink.gate_map(map, &[c], Registry::Kubernetes, false);
                    }
                }
                _ => {
                    // A whole section (`/machine/kubelet`): its `extraArgs` and
                    // `extraConfig.featureGates`.
                    sink.extra_args(value.get("extraArgs"), &[c]);
                    if let Some(map) = value.path(&["extraConfig", "featureGates"]) {
                        sink.gate_map(map, &[c], Registry::Kubernetes, false);
                    }
                }
            }
        }
    }
}
