//! Linting throughput: a realistic kubelet config, every shipped fixture, and a large generated
//! file (a 2,000-gate `featureGates` map plus a 2,000-gate `--feature-gates` flag), so that a
//! slow reader or a quadratic check shows up. Run with `cargo bench -p gatecheck-lint`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gatecheck_lint::{lint_source, Options};
use std::hint::black_box;
use std::path::Path;

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

criterion_group!(benches, lint);
criterion_main!(benches);
