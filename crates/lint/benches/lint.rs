//! Linting throughput: a realistic kubelet config, every shipped fixture, and a large generated
//! file (a 2,000-gate `featureGates` map plus a 2,000-gate `--feature-gates` flag), so that a
//! slow reader or a quadratic check shows up. Run with `cargo bench -p gatecheck-lint`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gatecheck_lint::{lint_source, Options};
use std::hint::black_box;
use std::path::Path;

#[allow(dead_code)]
#[path = "../../../tests/support/gitops.rs"]
mod gitops;

fn fixtures() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut out = Vec::new();
    for dir in ["good", "bad", "node"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            if let Ok(text) = std::fs::read_to_string(e.path()) {
                out.push((e.path().display().to_string(), text));
            }
        }
    }
    out.sort();
    out
}

fn large() -> String {
    let names: Vec<&str> = gatecheck_rules::Rules::embedded()
        .gates()
        .iter()
        .map(|g| g.name)
        .collect();
    let mut yaml = String::from(
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n",
    );
    let mut flag = String::from("---\napiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: kube-apiserver\n    command:\n    - kube-apiserver\n    - --feature-gates=");
    for i in 0..2000 {
        let name = names[i % names.len()];
        yaml.push_str(&format!("  {name}{i}: true\n"));
        flag.push_str(&format!("{name}{i}=false,"));
    }
    yaml + &flag + "\n"
}

fn lint(c: &mut Criterion) {
    let options = Options::new("1.35".parse().unwrap());
    let fixtures = fixtures();
    let kubelet = fixtures
        .iter()
        .find(|(n, _)| n.ends_with("bad/kubelet-config.yaml"))
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    c.bench_function("kubelet config (5 gates)", |b| {
        b.iter(|| lint_source("k.yaml", black_box(&kubelet), &options))
    });
    let mut group = c.benchmark_group("throughput");
    let total: usize = fixtures.iter().map(|(_, t)| t.len()).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("every fixture", |b| {
        b.iter(|| {
            for (name, text) in &fixtures {
                let _ = black_box(lint_source(name, text, &options));
            }
        })
    });
    let big = large();
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("4,000 unknown gates in one file", |b| {
        b.iter(|| lint_source("big.yaml", black_box(&big), &options))
    });
    group.finish();
}

/// The prefilter over an application's Deployment (passed over unread) against reading the
/// same file in full, and the per-finding path: a kubelet config of 16 settings, each a
/// finding at 1.33 (issue 17's first-adoption run is 10,000 of these).
fn prefilter_and_findings(c: &mut Criterion) {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {app.kubernetes.io/name: web}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        args: [--port=8080, --feature-flags=beta]\n        env: [{name: FEATURE_FLAGS, value: beta}]\n        ports: [{containerPort: 8080}]\n";
    let options = Options::new("1.33".parse().unwrap());
    let mut group = c.benchmark_group("prefilter");
    group.throughput(Throughput::Bytes(deployment.len() as u64));
    group.bench_function("application Deployment, passed over", |b| {
        b.iter(|| lint_source("d.yaml", black_box(deployment), &options))
    });
    group.bench_function("application Deployment, read in full", |b| {
        b.iter(|| {
            gatecheck_lint::lint_source_read_in_full("d.yaml", black_box(deployment), &options)
        })
    });
    group.finish();
    // The first-adoption corpus's first file (scripts/bench-findings.sh): a KubeletConfiguration
    // setting sixteen gates, every one of them a finding at 1.33.
    let (_, config) = gitops::file(0);
    let mut group = c.benchmark_group("findings");
    group.throughput(Throughput::Elements(16));
    group.bench_function("kubelet config, 16 findings", |b| {
        b.iter(|| lint_source("k.yaml", black_box(&config), &options))
    });
    group.finish();
}

criterion_group!(benches, lint, prefilter_and_findings);
criterion_main!(benches);
