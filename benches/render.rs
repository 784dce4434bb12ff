//! Writing findings: the per-finding cost of the output formats, apart from linting. A kubelet
//! config with 16 gate settings (19 findings) at 1.33 (the first-adoption corpus's shape, `scripts/bench-findings.sh`)
//! is linted once; each benchmark writes its findings through the binary's own emitter. Run
//! with `cargo bench --bench render`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use gatecheck_lint::{lint_source, Options};
use std::hint::black_box;

// The binary's test modules are compiled here without their tests.
#[allow(dead_code, unused_imports)]
#[path = "../crates/cli/src/render/mod.rs"]
mod render;
use render::{Emitter, Outcome};

#[allow(dead_code)]
#[path = "../tests/support/gitops.rs"]
mod gitops;

/// The binary's output formats, as `render::emitter` names them (the binary's enum lives in its
/// main.rs).
#[allow(dead_code)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum LintFormat {
    Human,
    Json,
    Github,
    Sarif,
    Markdown,
    Junit,
    Gitlab,
}

fn writing(c: &mut Criterion) {
    // The first-adoption corpus's first file: a KubeletConfiguration setting sixteen gates.
    let (name, src) = gitops::file(0);
    assert!(name.ends_with("kubelet-config.yaml"), "{name}");
    let report = lint_source("k.yaml", &src, &Options::new("1.33".parse().unwrap())).unwrap();
    let findings = &report.findings;
    // Human output as it goes to a pipe or a CI log.
    render::human::set_plain(true);
    let mut group = c.benchmark_group("writing");
    group.throughput(Throughput::Elements(findings.len() as u64));
    // Each emitter is made once and writes the file again and again to a sink, as in a long
    // run: what is measured is the cost of a file's findings, not of the report's opening
    // (SARIF's rules) or of a first look at each message (human output's wrapping).
    let file = |e: &mut dyn Emitter| {
        let outcome = Outcome::Linted {
            src: &src,
            findings,
        };
        e.file("clusters/c0000/kubelet-config.yaml", outcome)
            .unwrap();
    };
    let mut json = render::json::Json::new(std::io::sink(), "1.33").unwrap();
    group.bench_function("JSON", |b| b.iter(|| file(black_box(&mut json))));
    let mut sarif = render::sarif::Sarif::new(std::io::sink(), "1.33").unwrap();
    group.bench_function("SARIF", |b| b.iter(|| file(black_box(&mut sarif))));
    let mut human = render::human::Human::new(std::io::sink(), std::io::sink());
    group.bench_function("human (plain)", |b| b.iter(|| file(black_box(&mut human))));
    group.finish();
}

criterion_group!(benches, writing);
criterion_main!(benches);
