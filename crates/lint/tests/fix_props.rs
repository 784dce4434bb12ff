//! Fixes, over generated kubelet configs, static Pods and flags files holding gates of every
//! status (gone, locked either way, redundant, fine, unknown) among comments and other keys:
//! after applying every fix the file still reads, holds no fixable finding, keeps every comment
//! and every other line, and a second round changes nothing.

use gatecheck_lint::{fix, lint_source, Applicability, Options};
use proptest::prelude::*;

const GATES: &[&str] = &[
    "SidecarContainers",
    "DevicePluginCDIDevices",
    "NodeSwap",
    "InPlacePodVerticalScaling",
    "GracefulNodeShutdown",
    "CloudDualStackNodeIPs",
    "ServerSideApply",
    "TopologyAwareHints",
    "KubeletTracing",
    "NoSuchGate",
];

fn options() -> Options {
    Options::new("1.34".parse().unwrap())
}

/// Every fix allowed, round after round, as `--fix` applies them.
fn fix_all(name: &str, src: &str, allowed: Applicability) -> String {
    let mut text = src.to_string();
    for _ in 0..4 {
        let report = lint_source(name, &text, &options()).expect("still reads");
        let fixes = report.fixes(allowed);
        if fixes.is_empty() {
            break;
        }
        text = fix::apply(&text, &fixes).0;
    }
    text
}

fn gates() -> impl Strategy<Value = Vec<(usize, bool, bool)>> {
    prop::collection::vec((0..GATES.len(), any::<bool>(), any::<bool>()), 1..8)
}

/// A kubelet config: each gate once, some with a comment after it, a comment line now and then.
fn kubelet(gates: &[(usize, bool, bool)]) -> String {
    let mut src = String::from("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n# keep: file comment\nfeatureGates:\n");
    let mut seen = Vec::new();
    for (i, (g, v, comment)) in gates.iter().enumerate() {
        if seen.contains(g) {
            continue;
        }
        seen.push(*g);
        if i % 3 == 2 {
            src.push_str("  # keep: a comment between gates\n");
        }
        src.push_str(&format!(
            "  {}: {v}{}\n",
            GATES[*g],
            if *comment { "  # trailing" } else { "" }
        ));
    }
    src.push_str("cgroupDriver: systemd # keep: trailing\n");
    src
}

/// A static Pod whose command line sets the gates in one flag.
fn pod(gates: &[(usize, bool, bool)]) -> String {
    let mut seen = Vec::new();
    let items: Vec<String> = gates
        .iter()
        .filter(|(g, _, _)| {
            let new = !seen.contains(g);
            seen.push(*g);
            new
        })
        .map(|(g, v, _)| format!("{}={v}", GATES[*g]))
        .collect();
    format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.31.0\n    command:\n    - kube-apiserver\n    # keep: the flags\n    - --feature-gates={}\n    - --v=2\n", items.join(","))
}

/// Gate and value of every setting of a text.
fn settings(name: &str, src: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = gatecheck_lint::settings(name, src, &options())
        .unwrap()
        .into_iter()
        .map(|s| (s.gate.into_owned(), format!("{:?}", s.value)))
        .collect();
    out.sort();
    out
}

fn check(name: &str, src: &str, allowed: Applicability) {
    let fixed = fix_all(name, src, allowed);
    // Exactly the fixed settings go; the others stay as they were; no finding is new.
    let before = lint_source(name, src, &options()).unwrap();
    let gone: Vec<&str> = before
        .findings
        .iter()
        .filter(|f| f.fix.as_deref().is_some_and(|x| x.applicability <= allowed))
        .filter_map(|f| f.gate.as_deref())
        .collect();
    let mut want = settings(name, src);
    want.retain(|(g, _)| !gone.contains(&g.as_str()));
    assert_eq!(settings(name, &fixed), want, "{fixed}");
    let after = lint_source(name, &fixed, &options()).unwrap();
    for f in &after.findings {
        assert!(
            before
                .findings
                .iter()
                .any(|b| b.kind == f.kind && b.gate == f.gate),
            "a new finding {:?} {:?}:\n{fixed}",
            f.kind,
            f.gate
        );
    }
    // An emptied map or flag goes with its last setting.
    if want.is_empty() {
        assert!(
            !fixed.contains("featureGates") && !fixed.contains("feature-gates"),
            "{fixed}"
        );
    }
    let report = lint_source(name, &fixed, &options()).expect("the fixed file reads");
    assert!(
        report.fixes(allowed).is_empty(),
        "a fixable finding is left:\n{fixed}"
    );
    assert_eq!(
        fix_all(name, &fixed, allowed),
        fixed,
        "a second round changes something"
    );
    // Comments and unrelated lines stay.
    for line in src
        .lines()
        .filter(|l| l.contains("keep:") || l.contains("--v=2"))
    {
        assert!(fixed.contains(line), "lost {line:?}:\n{fixed}");
    }
    // Only settings go: every line left was in the original, or is the flag line shortened.
    for line in fixed.lines() {
        assert!(
            src.lines().any(|l| l == line) || line.contains("--feature-gates="),
            "new line {line:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn fixing_kubelet_configs_keeps_the_rest(gates in gates()) {
        let src = kubelet(&gates);
        check("kubelet.yaml", &src, Applicability::Safe);
        check("kubelet.yaml", &src, Applicability::Unsafe);
    }

    #[test]
    fn fixing_command_lines_keeps_the_rest(gates in gates()) {
        let src = pod(&gates);
        check("pod.yaml", &src, Applicability::Safe);
        check("pod.yaml", &src, Applicability::Unsafe);
    }
}

#[test]
fn safe_fixes_keep_what_runs_and_unsafe_ones_wait_for_the_flag() {
    // Locked on at 1.34 and set on: safe. Locked on and set off: unsafe. Gone, set to what was
    // its default: safe.
    let src = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  SidecarContainers: true\n  NodeSwap: false\n  DevicePluginCDIDevices: true\n";
    let report = lint_source("k.yaml", src, &options()).unwrap();
    let by_gate = |g: &str| {
        report
            .findings
            .iter()
            .find(|f| f.gate.as_deref() == Some(g))
            .and_then(|f| f.fix.as_deref())
            .map(|f| f.applicability)
    };
    assert_eq!(by_gate("SidecarContainers"), Some(Applicability::Safe));
    assert_eq!(by_gate("NodeSwap"), Some(Applicability::Unsafe));
    assert_eq!(by_gate("DevicePluginCDIDevices"), Some(Applicability::Safe));
    assert_eq!(
        fix_all("k.yaml", src, Applicability::Safe),
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NodeSwap: false\n"
    );
    // A template is never edited.
    let tpl = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  SidecarContainers: true\n  X: {{ x }}\n";
    let report = lint_source("k.yaml.j2", tpl, &options()).unwrap();
    assert!(report.findings.iter().all(|f| f.fix.is_none()));
}
