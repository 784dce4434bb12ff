//! Static Pod manifests, and any Pod or workload (DaemonSet, Deployment, StatefulSet) whose
//! containers run a Kubernetes component (a kube-proxy DaemonSet, a hosted control plane):
//! `--feature-gates` in `command`/`args`, in both `--feature-gates=A=true` and
//! `--feature-gates A=true` forms; repeated flags accumulate, the later key winning.
//!
//! The document is first decoded with k8s-openapi's types, the way Kubernetes decodes it (YAML
//! 1.1 converted to JSON, then typed), so a manifest Kubernetes would refuse is reported instead
//! of half-read. Positions then come from the span tree, container by container and argument by
//! argument, at the same indices.

use super::{component_of_program, type_of, Format, Problem, Sink};
use crate::findings::FindingKind;
use gatecheck_rules::Component;
use gatecheck_yaml::{Node, Style, Value};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::core::v1::Pod;

pub struct StaticPod;

type DecodeError = serde_path_to_error::Error<serde_json::Error>;

/// The kinds read here: API version, kind, where the Pod spec is, and how to decode it.
struct Kind {
    api_version: &'static str,
    kind: &'static str,
    pod_spec: &'static [&'static str],
    decode: fn(serde_json::Value) -> Result<(), DecodeError>,
}

const TEMPLATE: &[&str] = &["spec", "template", "spec"];

static KINDS: &[Kind] = &[
    Kind {
        api_version: "v1",
        kind: "Pod",
        pod_spec: &["spec"],
        decode: decoded::<Pod>,
    },
    Kind {
        api_version: "apps/v1",
        kind: "DaemonSet",
        pod_spec: TEMPLATE,
        decode: decoded::<DaemonSet>,
    },
    Kind {
        api_version: "apps/v1",
        kind: "Deployment",
        pod_spec: TEMPLATE,
        decode: decoded::<Deployment>,
    },
    Kind {
        api_version: "apps/v1",
        kind: "StatefulSet",
        pod_spec: TEMPLATE,
        decode: decoded::<StatefulSet>,
    },
];

/// Whether `json` decodes as a `T`; where it does not, decoded again to tell the path of what
/// failed (tracking the path of every value costs more than the decoding).
fn decoded<T: serde::de::DeserializeOwned>(json: serde_json::Value) -> Result<(), DecodeError> {
    if T::deserialize(&json).is_ok() {
        return Ok(());
    }
    serde_path_to_error::deserialize::<_, T>(json).map(drop)
}

fn kind_of(doc: &Node) -> Option<&'static Kind> {
    let (api_version, kind) = type_of(doc);
    KINDS
        .iter()
        .find(|k| k.kind == kind && k.api_version == api_version)
}

impl Format for StaticPod {
    fn detect(&self, doc: &Node) -> bool {
        // A Pod without apiVersion is still a Pod to a reader; workloads need theirs.
        kind_of(doc).is_some() || type_of(doc) == ("", "Pod")
    }
    fn reads(&self, doc: &Node) -> bool {
        runs_component(doc)
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        let kind = kind_of(doc).unwrap_or(&KINDS[0]);
        // An application's workload is none of gatecheck's business, valid or not; the gates on
        // its command line are its program's own.
        if !runs_component(doc) {
            let flags = containers(doc, kind)
                .iter()
                .flat_map(command_line)
                .filter_map(Node::as_str)
                .filter(|word| word.contains("-feature-gates"))
                .count();
            sink.fallback.foreign += flags;
            return;
        }
        // A template read around its markup has placeholders where numbers and maps go: only
        // a rendered manifest is decoded.
        if !sink.template {
            if let Err(e) = (kind.decode)(to_json(doc)) {
                let at = node_at(doc, e.path());
                let path = e.path().to_string();
                let e = e.into_inner();
                sink.problem(Problem {
                    len: at.span.len().clamp(1, 80),
                    ..Problem::at(
                        FindingKind::InvalidValue,
                        None,
                        at,
                        format!("this {} does not decode as a Kubernetes {} ({path}: {e}): Kubernetes will not run it, and gatecheck cannot read its flags", kind.kind, kind.kind),
                        "fix the manifest's structure: command and args are lists of strings",
                    )
                });
                return;
            }
        }
        let nodes = containers(doc, kind);
        // kubectl's dump of a static Pod (its mirror Pod) shows what the node runs.
        let mirror = doc
            .path(&["metadata", "annotations", "kubernetes.io/config.mirror"])
            .is_some();
        for node in nodes {
            let Some(component) = container_component(node) else {
                continue;
            };
            if mirror {
                running_image(node, component, sink);
            }
            sink.arg_list(&command_line(node), &[component]);
        }
    }
}

/// Whether a container of the Pod or workload runs a Kubernetes component.
fn runs_component(doc: &Node) -> bool {
    let kind = kind_of(doc).unwrap_or(&KINDS[0]);
    containers(doc, kind)
        .iter()
        .any(|c| container_component(c).is_some())
}

/// The containers of a Pod or workload's Pod spec.
fn containers<'n, 'a>(doc: &'n Node<'a>, kind: &Kind) -> &'n [Node<'a>] {
    doc.path(kind.pod_spec)
        .and_then(|s| s.get("containers"))
        .and_then(Node::as_seq)
        .unwrap_or_default()
}

/// A container's `command` then `args`, word by word.
fn command_line<'n, 'a>(container: &'n Node<'a>) -> Vec<&'n Node<'a>> {
    let mut args: Vec<&Node> = Vec::new();
    for key in ["command", "args"] {
        args.extend(
            container
                .get(key)
                .and_then(Node::as_seq)
                .unwrap_or_default(),
        );
    }
    args
}

/// The component a container runs: the first word of its command (hyperkube's second:
/// `/hyperkube apiserver`), or failing that its image name.
fn container_component(container: &Node) -> Option<Component> {
    let args = command_line(container);
    // A command written as one string (which Kubernetes refuses, and which is said when the
    // manifest is decoded) still names its program.
    let line: Vec<Option<&str>> = match container.get("command").and_then(Node::as_str) {
        Some(command) => command.split_whitespace().map(Some).collect(),
        None => args.iter().take(2).map(|a| a.as_str()).collect(),
    };
    let word = |i: usize| line.get(i).copied().flatten();
    let program = match word(0) {
        Some(p) if p.rsplit('/').next() == Some("hyperkube") => {
            word(1).and_then(super::hyperkube_component)
        }
        p => p.and_then(component_of_program),
    };
    program.or_else(|| {
        let image = container.get("image").and_then(Node::as_str)?;
        component_of_program(image.rsplit('/').next()?)
    })
}

/// A mirror Pod's component image tag (`registry.k8s.io/kube-apiserver:v1.32.4`): the version
/// the node runs.
fn running_image(container: &Node, component: Component, sink: &mut Sink<'_>) {
    let Some(image) = container.get("image").and_then(Node::as_str) else {
        return;
    };
    let name = image.rsplit('/').next().unwrap_or(image);
    let Some((program, tag)) = name.split_once(':') else {
        return;
    };
    let tag = tag.split('@').next().unwrap_or(tag);
    let minor: Vec<&str> = tag.trim_start_matches('v').splitn(3, '.').take(2).collect();
    if component_of_program(program) != Some(component) {
        return;
    }
    if let Ok(version) = minor.join(".").parse::<gatecheck_rules::Version>() {
        let line = sink.src[..container.span.start.offset]
            .matches('\n')
            .count()
            + 1;
        sink.running.push((
            version,
            format!("the {} mirror Pod's image, line {line}", component.as_str()),
        ));
    }
}

/// The deepest node of `doc` that the decoder's error path reaches.
fn node_at<'a>(doc: &'a Node<'a>, path: &serde_path_to_error::Path) -> &'a Node<'a> {
    use serde_path_to_error::Segment;
    let mut node = doc;
    for segment in path.iter() {
        let next = match segment {
            Segment::Map { key } => node.get(key),
            Segment::Seq { index } => node.as_seq().and_then(|s| s.get(*index)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// The document as JSON, with plain scalars resolved as YAML 1.1 (what `sigs.k8s.io/yaml` does
/// before Kubernetes decodes the JSON into its types).
fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), to_json(v)))
                .collect(),
        ),
        Value::Scalar(s) if s.style != Style::Plain || s.tag.is_some() => {
            J::String(s.text.to_string())
        }
        Value::Scalar(s) => {
            let t = s.text.as_ref();
            if matches!(t, "" | "~" | "null" | "Null" | "NULL") {
                J::Null
            } else if let Some(b) = node.as_yaml11_bool() {
                J::Bool(b)
            } else if let Ok(i) = t.parse::<i64>() {
                J::from(i)
            } else if let Some(f) = t
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && t.contains('.'))
            {
                J::from(f)
            } else {
                J::String(t.to_string())
            }
        }
    }
}
