//! Every finding points inside its file, also where a document in a string ends too soon: a
//! block scalar's text ends with a line break that the file need not hold (found by fuzzing:
//! `scripts/fuzz-ci.sh`, target lint_yaml).

use gatecheck_lint::{lint_source, Options};

#[test]
fn a_string_document_that_ends_too_soon_is_placed_inside_the_file() {
    let src = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kubelet-config\ndata:\n  kubelet: |\n    apiVersion: kubelet.config.k8s.io/v1beta1\n    kind: KubeletConfiguration\n    featureGates:\n      SidecarContainers: false\n      NoSuchGate> trueJ";
    let report = lint_source("cm.yaml", src, &Options::new("1.33".parse().unwrap())).unwrap();
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        assert!(f.offset <= src.len(), "{f:?}");
        assert!(src.is_char_boundary(f.offset), "{f:?}");
    }
    assert!(report
        .findings
        .iter()
        .any(|f| f.message.contains("not valid YAML")));
}
