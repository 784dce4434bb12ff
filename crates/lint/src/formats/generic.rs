//! The content fallback, for YAML documents no format claims: feature gates that sit in a
//! structure gatecheck does not know (a CRD, an Ansible inventory, a tool's own config). Any key
//! named like `featureGates`, `feature-gates`, `feature_gates` or `*_feature_gates`, and any
//! `--feature-gates=`/`feature-gates=` string in a list, is a candidate; it is judged when most
//! of its names are Kubernetes gates (the component is not known, and the finding says where
//! the setting is), and left alone when they are another project's gates (cert-manager,
//! Karpenter, CSI sidecars, Cluster API controllers).

use super::{Problem, Sink};
use crate::findings::FindingKind;
use crate::flags;
use gatecheck_rules::{Component, Registry, Rules};
use gatecheck_yaml::Node;

/// What the fallback made of a document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// Structures judged as Kubernetes gates.
    pub kubernetes: usize,
    /// Structures of another project's gates, left alone.
    pub foreign: usize,
}

fn gate_key(key: &str) -> bool {
    let k = key
        .trim_start_matches('-')
        .to_ascii_lowercase()
        .replace(['-', '_'], "");
    k == "featuregates" || k.ends_with("featuregates")
}

/// The names no Kubernetes release ever had (in any registry gatecheck knows).
fn never_kubernetes<'n>(names: &[&'n str]) -> Vec<&'n str> {
    let rules = Rules::embedded();
    names
        .iter()
        .copied()
        .filter(|n| rules.find(n).is_none())
        .collect()
}

/// A list that is mostly Kubernetes' names but also names gates no Kubernetes release had:
/// another project's, said once and not judged.
fn foreign_note(value: &Node, never: &[&str], sink: &mut Sink<'_>) {
    let shown: Vec<&str> = never.iter().copied().take(3).collect();
    sink.problem(Problem::at(
        FindingKind::ForeignGates,
        None,
        value,
        format!(
            "this gate list names {} that no Kubernetes release has: taken for another project's gates and not judged",
            shown.join(", ")
        ),
        "if a Kubernetes component reads this list, those names stop it: check them by hand",
    ));
}

/// Whether most of `names` are Kubernetes gates (of any release).
pub(crate) fn mostly_kubernetes(names: &[&str]) -> bool {
    let rules = Rules::embedded();
    let known = names
        .iter()
        .filter(|n| rules.gate(Registry::Kubernetes, n).is_some())
        .count();
    !names.is_empty() && known * 2 >= names.len()
}

/// The gate names a candidate value holds: a map's keys, a flag value's keys, list items.
fn names_of(value: &Node) -> Vec<String> {
    if let Some(map) = value.as_map() {
        return map
            .iter()
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect();
    }
    if let Some(text) = value.as_str() {
        return flags::parse(text).map(|i| i.key.to_string()).collect();
    }
    let mut out = Vec::new();
    for item in value.as_seq().unwrap_or_default() {
        if let Some(text) = item.as_str() {
            let text = flag_text(text).unwrap_or(text);
            out.extend(flags::parse(text).map(|i| i.key.to_string()));
        } else if let Some(name) = item.get("name").and_then(Node::as_str) {
            out.push(name.to_string());
        }
    }
    out
}

/// The value of a `--feature-gates=...` or `feature-gates=...` string.
fn flag_text(text: &str) -> Option<&str> {
    let t = text.trim_start();
    t.strip_prefix("--feature-gates=")
        .or_else(|| t.strip_prefix("feature-gates="))
}

/// Reads the candidates of one document into `sink`, each setting marked with where it is.
/// Strings that hold documents (a ConfigMap's component config, cloud-init's `write_files`, a
/// talhelper patch) are read as such, `embedded` levels deep already.
pub fn extract(doc: &Node, sink: &mut Sink<'_>, embedded: usize) -> Found {
    let mut found = Found::default();
    let mut walk = Walk {
        path: Vec::new(),
        found: &mut found,
        embedded,
    };
    walk.node(doc, sink, 0);
    found
}

struct Walk<'f> {
    path: Vec<String>,
    found: &'f mut Found,
    embedded: usize,
}

impl Walk<'_> {
    fn node(&mut self, node: &Node, sink: &mut Sink<'_>, depth: usize) {
        if depth > 64 {
            return;
        }
        if let Some(map) = node.as_map() {
            // cloud-init `write_files` and Butane entries name the file their content is.
            let file = node.get("path").and_then(Node::as_str);
            for (key, value) in map {
                let Some(k) = key.as_str() else { continue };
                self.path.push(k.to_string());
                if gate_key(k) {
                    judge(value, &self.path, sink, self.found);
                } else if value.as_str().is_some_and(crate::embed::worth_reading) {
                    let name = file.filter(|_| k == "content").unwrap_or(k);
                    crate::embed::read_scalar(value, sink, name, self.embedded);
                } else {
                    self.node(value, sink, depth + 1);
                }
                self.path.pop();
            }
        } else if let Some(items) = node.as_seq() {
            self.items(items, sink, depth);
        }
    }

    fn items(&mut self, items: &[Node], sink: &mut Sink<'_>, depth: usize) {
        for (i, item) in items.iter().enumerate() {
            self.path.push(format!("[{i}]"));
            self.item(item, sink, depth);
            self.path.pop();
        }
    }

    fn item(&mut self, item: &Node, sink: &mut Sink<'_>, depth: usize) {
        if item.as_str().is_some_and(crate::embed::worth_reading) {
            crate::embed::read_scalar(item, sink, "", self.embedded);
            return;
        }
        let Some(text) = item.as_str().and_then(flag_text) else {
            return self.node(item, sink, depth + 1);
        };
        let names: Vec<&str> = flags::parse(text).map(|i| i.key).collect();
        let never = never_kubernetes(&names);
        if mostly_kubernetes(&names) && !never.is_empty() {
            self.found.foreign += 1;
            foreign_note(item, &never, sink);
        } else if mostly_kubernetes(&names) {
            self.found.kubernetes += 1;
            let inner = item.as_str().map_or(0, |t| t.len() - text.len());
            let before = sink.settings.len();
            let group = sink.group();
            sink.flag_scalar(item, inner, &[], group);
            mark(sink, before, &self.path);
        } else if !names.is_empty() {
            self.found.foreign += 1;
        }
    }
}

fn judge(value: &Node, path: &[String], sink: &mut Sink<'_>, found: &mut Found) {
    let names = names_of(value);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    if names.is_empty() {
        return;
    }
    if !mostly_kubernetes(&names) {
        found.foreign += 1;
        return;
    }
    let never = never_kubernetes(&names);
    if !never.is_empty() {
        found.foreign += 1;
        foreign_note(value, &never, sink);
        return;
    }
    found.kubernetes += 1;
    let before = sink.settings.len();
    // A chart's values often say whose gates these are (`kubelet.featureGates`).
    let component: Vec<Component> = component_in_path(path).into_iter().collect();
    let group = sink.group();
    if value.as_map().is_some() {
        sink.gate_map(value, &component, Registry::Kubernetes, false);
    } else if value.as_str().is_some() {
        sink.flag_scalar(value, 0, &component, group);
    } else {
        for item in value.as_seq().unwrap_or_default() {
            if let Some(text) = item.as_str() {
                if text.contains('=') {
                    let inner = flag_text(text).map_or(0, |t| text.len() - t.len());
                    sink.flag_scalar(item, inner, &component, group);
                } else {
                    // A bare name in a list of gates turns it on.
                    sink.gate_on(item, &component, Registry::Kubernetes, group);
                }
            } else if let (Some(name), Some(enabled)) = (item.get("name"), item.get("enabled")) {
                // k0s-style `{name, enabled}` items.
                sink.gate(name, enabled, &component, Registry::Kubernetes, group);
            }
        }
    }
    if component.is_empty() {
        mark(sink, before, path);
    }
}

/// The component the nearest key of `path` names (`kubelet`, `apiServer`, `kube-proxy`, ...).
fn component_in_path(path: &[String]) -> Option<Component> {
    path.iter().rev().skip(1).find_map(|key| {
        let k = key.to_ascii_lowercase().replace(['-', '_'], "");
        match k.strip_prefix("kube").unwrap_or(&k) {
            "let" => Some(Component::Kubelet),
            "apiserver" => Some(Component::KubeApiserver),
            "controllermanager" => Some(Component::KubeControllerManager),
            "scheduler" => Some(Component::KubeScheduler),
            "proxy" => Some(Component::KubeProxy),
            _ => None,
        }
    })
}

/// Notes on the settings found since `before` where they are.
fn mark(sink: &mut Sink<'_>, before: usize, path: &[String]) {
    let mut at = String::new();
    for p in path {
        if !p.starts_with('[') && !at.is_empty() {
            at.push('.');
        }
        at.push_str(p);
    }
    for s in &mut sink.settings[before..] {
        s.via = Some(at.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(src: &str) -> (Found, Vec<(String, Option<String>)>) {
        let docs = gatecheck_yaml::parse(src).unwrap();
        let mut sink = Sink::new(src);
        let f = extract(&docs[0].root, &mut sink, 0);
        (
            f,
            sink.settings
                .into_iter()
                .map(|s| (s.gate.into_owned(), s.via))
                .collect(),
        )
    }

    #[test]
    fn kubernetes_gates_in_unknown_places_are_read_with_their_path() {
        let (f, s) = found("spec:\n  nodes:\n    featureGates:\n      ServerSideApply: true\n      NodeSwap: true\n");
        assert_eq!(f.kubernetes, 1);
        assert_eq!(
            s[0],
            (
                "ServerSideApply".into(),
                Some("spec.nodes.featureGates".into())
            )
        );
        // A key on the path that names a component says whose gates they are.
        let (_, s) = found("spec:\n  kubelet:\n    featureGates:\n      ServerSideApply: true\n");
        assert_eq!(s[0], ("ServerSideApply".into(), None));
        let (f, s) =
            found("kube_feature_gates:\n  - \"SidecarContainers=true\"\n  - \"NodeSwap=false\"\n");
        assert_eq!(f.kubernetes, 1);
        assert_eq!(s.len(), 2);
        let (f, s) = found("args:\n  - --v=2\n  - --feature-gates=NodeSwap=true\n");
        assert_eq!((f.kubernetes, s.len()), (1, 1));
        assert_eq!(s[0].1.as_deref(), Some("args[1]"));
    }

    #[test]
    fn other_projects_gates_stay_silent() {
        // cert-manager's and Karpenter's own gates.
        let (f, s) = found("featureGates:\n  ExperimentalGatewayAPISupport: true\n  ServerSideApply: true\n  AdditionalCertificateOutputFormats: true\n");
        assert_eq!((f.kubernetes, f.foreign, s.len()), (0, 1, 0));
        let (f, _) = found("settings:\n  featureGates:\n    spotToSpotConsolidation: true\n");
        assert_eq!(f.foreign, 1);
    }
}
