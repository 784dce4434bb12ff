//! kind `Cluster` (`kind.x-k8s.io/v1alpha4`): top-level `featureGates` is copied to every
//! component (apiserver, controller-manager, scheduler, kubelet, kube-proxy), and
//! `kubeadmConfigPatches` (cluster-wide and per node) hold kubeadm, kubelet and kube-proxy
//! configuration as embedded YAML, which is read too.

use super::kubeadm::{cluster_configuration, node_registration};
use super::{type_of, Format, Sink};
use gatecheck_rules::{Component, Registry};
use gatecheck_yaml::{Node, Style};

pub struct Kind;

impl Format for Kind {
    fn detect(&self, doc: &Node) -> bool {
        type_of(doc).0.starts_with("kind.x-k8s.io/")
    }
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>) {
        if let Some(map) = doc.get("featureGates") {
            let all = [
                Component::KubeApiserver,
                Component::KubeControllerManager,
                Component::KubeScheduler,
                Component::Kubelet,
                Component::KubeProxy,
            ];
            sink.gate_map(map, &all, Registry::Kubernetes, false);
        }
        let mut patches: Vec<&Node> = Vec::new();
        patches.extend(
            doc.get("kubeadmConfigPatches")
                .and_then(Node::as_seq)
                .unwrap_or_default(),
        );
        for node in doc.get("nodes").and_then(Node::as_seq).unwrap_or_default() {
            patches.extend(
                node.get("kubeadmConfigPatches")
                    .and_then(Node::as_seq)
                    .unwrap_or_default(),
            );
        }
        for patch in patches {
            read_patch(patch, sink);
        }
    }
}

/// Reads one patch and maps positions back into the file. For a literal block (`|`, the usual
/// form) each line of the patch is a line of the file, shifted by the block's indentation; for
/// any other form, findings point at the start of the patch.
fn read_patch(patch: &Node, sink: &mut Sink<'_>) {
    let Some(text) = patch.as_str() else { return };
    // Every patch of the file draws on one budget: many small alias bombs cost no more than one.
    let docs = match gatecheck_yaml::parse_with_budget(text, &mut sink.yaml_budget) {
        Ok(docs) => docs,
        Err(e) => {
            // kind cannot apply a patch it cannot parse: `kind create cluster` fails.
            sink.problem(super::Problem {
                len: patch.span.len().clamp(1, 80),
                ..super::Problem::at(
                    crate::findings::FindingKind::InvalidValue,
                    None,
                    patch,
                    format!("this kubeadmConfigPatches entry is not valid YAML ({}): kind fails to apply it, and its feature gates were not checked", e.message),
                    "fix the patch; it is YAML held in a string",
                )
            });
            return;
        }
    };
    let mut nested = sink.nested(text);
    for doc in &docs {
        let root = &doc.root;
        match type_of(root).1 {
            "ClusterConfiguration" => cluster_configuration(root, &mut nested),
            "InitConfiguration" | "JoinConfiguration" => node_registration(root, &mut nested),
            _ => {
                // Patches often omit apiVersion, so match on kind alone.
                for reader in [&super::kubelet::KUBELET, &super::kubelet::KUBE_PROXY] {
                    if reader.is_kind(root) {
                        reader.extract(root, &mut nested);
                    }
                }
            }
        }
    }
    let src = sink.src;
    let start = patch.span.start.offset;
    let literal = patch.as_scalar().is_some_and(|s| s.style == Style::Literal);
    // The scalar's span starts at its first content character: its line is the block's first.
    let body_start = Some(src[..start].rfind('\n').map_or(0, |i| i + 1));
    let indent = body_start
        .and_then(|b| src[b..].lines().find(|l| !l.trim().is_empty()))
        .map(|l| l.len() - l.trim_start().len())
        .unwrap_or(0);
    let remap = |offset: usize| -> usize {
        let (Some(body), true) = (body_start, literal) else {
            return start;
        };
        let line = text[..offset.min(text.len())].matches('\n').count();
        let col = offset
            - text[..offset.min(text.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
        let line_start = src[body..]
            .split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + body;
        (line_start + indent + col).min(src.len())
    };
    sink.absorb(nested, remap);
}
