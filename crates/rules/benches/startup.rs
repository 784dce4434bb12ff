//! Start-up cost: the rules are static data, so "loading" them is free and a lookup is a binary
//! search. Run with `cargo bench -p gatecheck-rules`. For the whole binary's start-up, see
//! `scripts/bench-startup.sh` (hyperfine over `gatecheck --target 1.33` on a fixture).

use criterion::{criterion_group, criterion_main, Criterion};
use gatecheck_rules::{Registry, Rules, Version};
use std::hint::black_box;

fn startup(c: &mut Criterion) {
    let v = Version::new(1, 33);
    c.bench_function("load embedded rules", |b| {
        b.iter(|| black_box(Rules::embedded()).gates().len())
    });
    c.bench_function("status of one gate", |b| {
        let rules = Rules::embedded();
        b.iter(|| {
            rules
                .status(Registry::Kubernetes, black_box("SidecarContainers"), v)
                .unwrap()
        })
    });
    c.bench_function("status of an unknown gate (with suggestions)", |b| {
        let rules = Rules::embedded();
        b.iter(|| {
            rules
                .status(Registry::Kubernetes, black_box("SidecarContainer"), v)
                .unwrap()
        })
    });
}

criterion_group!(benches, startup);
criterion_main!(benches);
