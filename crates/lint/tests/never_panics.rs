//! Property tests over whole files: linting returns findings or an input error for any text,
//! and every finding points inside the input at a character boundary, with a line and column
//! that agree with its offset. The inputs are built from the pieces gatecheck reacts to (config
//! kinds, gate maps and flags, templates, MIME headers, inline ignores, multi-byte text), so the
//! readers, the content fallback and the position code are all reached.

use gatecheck_lint::Options;
use proptest::prelude::*;

/// The fuzz targets' check (no panic; every finding inside the input at a character boundary,
/// its line and column agreeing with its offset), shared so the two cannot drift apart.
#[allow(dead_code)]
#[path = "../../../fuzz/fuzz_targets/common.rs"]
mod common;

fn check(src: &str, flags: bool) {
    for minor in [27u16, 33, 37] {
        let options = Options {
            flags_file: flags,
            ..Options::new(gatecheck_rules::Version::new(1, minor))
        };
        common::check(src, &options);
    }
}

const PIECES: &[&str] = &[
    "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n",
    "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\n",
    "apiVersion: v1alpha1\nkind: KubeAPIServerConfig\n",
    "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\n",
    "featureGates:\n",
    "  ServerSideApply: true\n",
    "  SidecarContainers: \"false\"\n",
    "  群体: yes\n",
    "extraArgs:\n  feature-gates: ",
    "NodeSwap=true,${GATES:-\"A=true\"},",
    "{{ .Values.gates }}",
    "kubeadmConfigPatches:\n- |\n  kind: ClusterConfiguration\n",
    "--feature-gates=AllAlpha=true,kube:Foo=1 ",
    "KUBELET_EXTRA_ARGS=--feature-gates=",
    "Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: application/node.eks.aws\n\n",
    "# gatecheck: ignore[GC003] why\n",
    "kube_feature_gates: [\"ImageVolume=true\"]\n",
    "\n---\n",
    "é",
    "\t",
    "\r\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn pieces_of_configuration(picks in proptest::collection::vec(0..PIECES.len(), 0..24), flags in any::<bool>()) {
        let src: String = picks.iter().map(|i| PIECES[*i]).collect();
        check(&src, flags);
    }

    #[test]
    fn arbitrary_text(src in "\\PC{0,300}", flags in any::<bool>()) {
        check(&src, flags);
    }
}
