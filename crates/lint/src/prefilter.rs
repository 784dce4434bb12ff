//! Whether a file can hold anything gatecheck judges, decided from its bytes before it is
//! parsed. Most files of a repository (an application's manifests, values, kustomizations)
//! configure no component and name no gate: they are counted as checked without settings, as
//! reading them would find, without building their tree.
//!
//! A file is read in full when it holds any of [`NEEDLES`] (ASCII case ignored), a top-level
//! `machine:` or `cluster:` key (Talos), or starts as a metrics scrape. The needles are what the
//! readers act on: every spelling of a gate key or flag holds `featuregates` (with or without
//! a `-` or `_` before `gates`, as [`crate::embed::mentions_gates`] finds them); every format is claimed
//! by an API group, kind or key holding one of the others; a workload is read only when a
//! container runs a component, named by one of the component needles. `tests/prefilter.rs`
//! holds the readers to this: every file of the fixtures and generated corpora that the
//! prefilter passes over gets the same report as when it is read.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

/// What a file must hold (ASCII case ignored) to be read.
pub const NEEDLES: &[&str] = &[
    // Every gate key and flag (`featureGates`, `--feature-gates`, `kube_feature_gates`,
    // `FeatureGates`), and a metrics scrape's gates.
    "featuregates",
    "feature-gates",
    "feature_gates",
    "kubernetes_feature_enabled",
    // Components, by program, config kind and section (`KubeletConfiguration`, rke1's
    // `kube-api`, Talos' `apiServer`, `kubeproxy.config.k8s.io`), and hyperkube.
    "kubelet",
    "kube-api",
    "kube-controller",
    "apiserver",
    "controller-manager",
    "controllermanager",
    "scheduler",
    "kube-proxy",
    "kubeproxy",
    "/proxy",
    "hyperkube",
    "kubectl",
    "kubeadm",
    // API groups of the formats read.
    "x-k8s.io",
    "kops.k8s.io",
    "eksctl.io",
    "node.eks.aws",
    "gardener.cloud",
    "k0s",
    // k3OS, Ansible roles for k3s and RKE2, minikube's profile.
    "k3os",
    "k3s_",
    "rke2_",
    "kubernetesconfig",
    // What says the version running: a metrics scrape.
    "kubernetes_build_info",
    // MIME user data (its parts are decoded), and inline ignore comments.
    "multipart/",
    "gatecheck",
    // Escapes in quoted YAML and JSON strings (`"\u0066eatureGates"`) and escaped line breaks:
    // a needle may be written through them, so such a file is read.
    "\\u",
    "\\x",
    "\\\n",
];

/// Talos' top-level sections, which count only as keys.
const KEYS: &[&str] = &["machine", "cluster"];

static SEARCH: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(NEEDLES.iter().chain(KEYS))
        .expect("the needles build an automaton")
});

/// Whether `src` can hold a gate setting or anything else gatecheck reports or counts.
pub fn may_hold_settings(src: &str) -> bool {
    if crate::formats::metrics::looks_like(src) {
        return true;
    }
    let bytes = src.as_bytes();
    SEARCH
        .find_iter(bytes)
        .any(|m| m.pattern().as_usize() < NEEDLES.len() || is_key(&bytes[m.end()..]))
}

/// Whether the text after a word makes it a key: a closing quote, blanks, then a colon.
fn is_key(rest: &[u8]) -> bool {
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let blanks = rest
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    rest.get(blanks) == Some(&b':')
}

#[cfg(test)]
mod tests {
    use super::may_hold_settings;

    #[test]
    fn gate_spellings_and_component_configs_are_read() {
        for src in [
            "featureGates:\n  A: true\n",
            "args: [--FEATURE-GATES=A=true]\n",
            "kube_feature_gates: []\n",
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
            "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\n",
            "machine:\n  network: {}\n",
            "{\"cluster\" : {\"etcd\": {}}}\n",
            "# HELP x y\nx 1\n",
            "image: registry.k8s.io/kube-proxy:v1.31.0\n",
            "{\"\\u0066eatureGates\": {\"A\": true}}\n",
        ] {
            assert!(may_hold_settings(src), "{src}");
        }
    }

    #[test]
    fn an_application_manifest_is_passed_over() {
        for src in [
            "apiVersion: v1\nkind: Service\nspec:\n  type: ClusterIP\n  clusterIP: None\n",
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx\n",
            "replicaCount: 2\nmachineType: n2\nclusterName: prod\n",
            "env:\n  FEATURE_FLAGS: beta\nargs: [--feature-flags=beta]\n",
            "",
        ] {
            assert!(!may_hold_settings(src), "{src}");
        }
    }
}
