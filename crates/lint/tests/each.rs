//! `lint_each` reads a file once and judges it at several targets (`--from`): each report must
//! be the one `lint_source` makes at that target alone, including the problems that depend on the
//! target (an `--emulated-version` newer than the binary, a kubeadm API version kubeadm no longer
//! reads) and a patch release on the last step.

use gatecheck_lint::{lint_each, lint_source, Options};
use gatecheck_rules::Version;

const FILES: &[&str] = &[
    "kube-apiserver-emulated.yaml",
    "kubeadm-v1beta3.yaml",
    "kubelet-config.yaml",
    "capi-kubeadmcontrolplane.yaml",
    "kind-cluster.yaml",
    "kubeadm-node-flags-and-config.yaml",
];

#[test]
fn each_report_is_the_single_target_report() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/bad");
    let mut checked = 0;
    for file in FILES {
        let Ok(src) = std::fs::read_to_string(dir.join(file)) else {
            continue;
        };
        let mut each: Vec<Options> = (20..=37)
            .map(|m| Options::new(Version::new(1, m)))
            .collect();
        each.last_mut().unwrap().patch = Some(1);
        let reports: Vec<_> = lint_each(file, &src, &each).unwrap().collect();
        assert_eq!(reports.len(), each.len());
        for (options, report) in each.iter().zip(reports) {
            let alone = lint_source(file, &src, options).unwrap();
            assert_eq!(report, alone, "{file} at {}", options.target);
        }
        checked += 1;
    }
    assert!(checked >= 4, "the fixtures moved: {checked} read");
}
