//! k3s / RKE2 `config.yaml`: `kubelet-arg`, `kube-apiserver-arg`, … lists of
//! `feature-gates=A=true` (split on the first `=`; a leading `--` is allowed).

use super::{Format, Sink};
use gatecheck_rules::Component;
use gatecheck_yaml::Node;

pub struct K3s;

const KEYS: &[(&str, Component)] = &[
    ("kubelet-arg", Component::Kubelet),
    ("kube-apiserver-arg", Component::KubeApiserver),
    (
        "kube-controller-manager-arg",
        Component::KubeControllerManager,
    ),
    ("kube-scheduler-arg", Component::KubeScheduler),
    ("kube-proxy-arg", Component::KubeProxy),
    (
        "kube-cloud-controller-manager-arg",
        Component::CloudControllerManager,
    ),
];

fn key_of(k: &str) -> Option<Component> {
    let k = k.trim_end_matches('+');
    KEYS.iter().find(|(name, _)| *name == k).map(|(_, c)| *c)
}

impl Format for K3s {
    fn detect(&self, doc: &Node) -> bool {
        k3os_args(doc).is_some()
            || doc.get("apiVersion").is_none()
                && doc
                    .as_map()
                    .unwrap_or_default()
                    .iter()
                    .any(|(k, _)| k.as_str().and_then(key_of).is_some())
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        match k3os_args(doc) {
            Some(args) => read_command_line(args, sink),
            None => read_config(doc, sink),
        }
    }
}

/// k3OS `config.yaml`: `k3os.k3s_args`, the k3s command line as a list.
fn k3os_args<'n, 'a>(doc: &'n Node<'a>) -> Option<&'n [Node<'a>]> {
    doc.path(&["k3os", "k3s_args"]).and_then(Node::as_seq)
}

/// A k3s command line as a list of words: `--kubelet-arg=feature-gates=...`, or the flag and
/// its value as two items (`--kubelet-arg`, `feature-gates=...`). Repeated flags for one
/// component merge, as k3s passes each on to the component's command line.
pub fn read_command_line(args: &[Node], sink: &mut Sink<'_>) {
    let mut groups: Vec<(Component, usize)> = Vec::new();
    let mut pending: Option<Component> = None;
    for item in args {
        let text = item.as_str().unwrap_or("");
        let flag = text.trim_start_matches('-');
        let (name, value) = match flag.split_once('=') {
            Some((n, _)) if text.starts_with("--") => (n, true),
            _ => (flag, false),
        };
        let component = match pending.take() {
            // The item after a bare `--kubelet-arg` is its value.
            Some(c) => c,
            None if text.starts_with("--") => match key_of(name) {
                Some(c) if !value => {
                    pending = Some(c);
                    continue;
                }
                Some(c) => c,
                None => continue,
            },
            None => continue,
        };
        let group = match groups.iter().find(|(c, _)| *c == component) {
            Some((_, g)) => *g,
            None => {
                let g = sink.group();
                groups.push((component, g));
                g
            }
        };
        // `--kubelet-arg=feature-gates=...`: the value starts after the flag's own `=`.
        let skip = if value && text.starts_with("--") {
            name.len() + 3
        } else {
            0
        };
        arg_into(item, skip, component, group, sink);
    }
}

/// Reads a k3s/RKE2 config map (the file itself, or one an Ansible role wraps).
pub fn read_config(doc: &Node, sink: &mut Sink<'_>) {
    // `kubelet-arg` and `kubelet-arg+` (append) feed the same command line: one merge group
    // per component.
    let mut groups: Vec<(Component, usize)> = Vec::new();
    for (key, value) in doc.as_map().unwrap_or_default() {
        let Some(component) = key.as_str().and_then(key_of) else {
            continue;
        };
        let group = match groups.iter().find(|(c, _)| *c == component) {
            Some((_, g)) => *g,
            None => {
                let g = sink.group();
                groups.push((component, g));
                g
            }
        };
        args_into(value, component, group, sink);
    }
}

/// One `<component>-arg` value (a list of `feature-gates=...` items, or one string), as its own
/// command line.
pub fn read_args(value: &Node, component: Component, sink: &mut Sink<'_>) {
    let group = sink.group();
    args_into(value, component, group, sink);
}

fn args_into(value: &Node, component: Component, group: usize, sink: &mut Sink<'_>) {
    let items: Vec<&Node> = match value.as_seq() {
        Some(items) => items.iter().collect(),
        None => vec![value],
    };
    for item in items {
        arg_into(item, 0, component, group, sink);
    }
}

/// One `feature-gates=...` argument, from byte `skip` of the item's text.
fn arg_into(item: &Node, skip: usize, component: Component, group: usize, sink: &mut Sink<'_>) {
    let text = item.as_str().unwrap_or("");
    let text = text.get(skip..).unwrap_or("");
    let bare = text.trim_start_matches('-');
    if let Some(rest) = bare.strip_prefix("feature-gates") {
        let rest = rest.trim_start_matches('+');
        if rest.starts_with('=') {
            let inner = skip + text.len() - rest.len() + 1;
            sink.flag_scalar(item, inner, &[component], group);
        }
    }
}
