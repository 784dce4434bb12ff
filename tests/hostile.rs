//! Hostile inputs, generated here (nothing large is committed), through the real binary in human
//! and JSON output: each must end with exit 1 (findings) or 2 (one error), never a panic or a
//! signal, within a watchdog and a memory ceiling. The bounds are loose on purpose: they catch a
//! hang, a superlinear path or memory that grows with the input, on a noisy 2-core machine and a
//! debug build; the targets themselves (under 2 s and 64 MiB on one core, release build) are
//! measured by `scripts/bench-hostile.sh` at the full 16 MiB, figures in docs/performance.md.
#![cfg(target_os = "linux")]

use std::io::Write;
use std::path::PathBuf;

/// Each input's size here: an eighth of the 16 MiB input limit, so the debug build stays quick.
/// `write_inputs` writes them at any size for the bench script.
const SIZE: usize = 2 << 20;
/// The single-file target, for an eighth of the input: a run that keeps a copy of its input per
/// setting or finding goes over (the 16 MiB flags line once took 1.2 GB, 150 MB at this size).
/// The figure includes the test process's own pages, which the child shares until exec (20 MiB).
const CEILING_KIB: i64 = 64 * 1024;

const HEAD: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";

fn fill(
    size: usize,
    prefix: &str,
    item: impl Fn(usize) -> String,
    sep: &str,
    suffix: &str,
) -> Vec<u8> {
    let mut out = String::from(prefix);
    for i in 0.. {
        let s = item(i) + sep;
        if out.len() + s.len() + suffix.len() > size {
            break;
        }
        out.push_str(&s);
    }
    out.push_str(suffix);
    out.into_bytes()
}

/// Not random, but not compressible either: a linear congruential generator.
fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect()
}

/// `featureGates: &a0 [x, x, ..., &a1 [x, ..., &a2 [...]]]`, 120 levels of wide lists.
fn nested_anchor_definitions(size: usize) -> Vec<u8> {
    let depth = 120;
    let width = (size / depth / 3).max(1);
    let mut s = format!("{HEAD}featureGates: ");
    for i in 0..depth {
        s.push_str(&format!("&a{i} ["));
        s.push_str(&"x, ".repeat(width));
    }
    s.push('y');
    s.push_str(&"]".repeat(depth));
    s.push('\n');
    s.into_bytes()
}

/// A document whose string holds a document whose string holds one, `depth` levels deep, and
/// beside it one level deep a gate that no release has.
fn nested_strings(depth: usize) -> String {
    let mut doc = String::from("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  Gate: true\n");
    for _ in 0..depth {
        let inner: String = doc.lines().map(|l| format!("    {l}\n")).collect();
        doc = format!("kind: ConfigMap\ndata:\n  featureGates-holder: |\n{inner}");
    }
    doc + "  shallow: |\n    apiVersion: kubelet.config.k8s.io/v1beta1\n    kind: KubeletConfiguration\n    featureGates:\n      NoSuchShallowGate: true\n"
}

fn inputs(size: usize) -> Vec<(&'static str, Vec<u8>)> {
    let mut lol =
        vec![r#"a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#.to_string()];
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 9].join(",");
        lol.push(format!("a{i}: &a{i} [{refs}]"));
    }
    let mut kind =
        String::from("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches:\n");
    for i in 0..2000 {
        kind.push_str(&format!(
            "- |\n  kind: KubeletConfiguration\n  featureGates: {{Gate{i}: true, ServerSideApply: true}}\n"
        ));
    }
    let nested: String = (0..50_000).map(|i| format!("&x{i} [")).collect();
    let mut bad_utf8 = format!("{HEAD}featureGates:\n").into_bytes();
    while bad_utf8.len() < size - 32 {
        bad_utf8.extend_from_slice(b"  G\xff\xfe: true\n");
    }
    vec![
        (
            "flags-line.env",
            fill(size, "KUBELET_EXTRA_ARGS=--feature-gates=", |i| format!("Gate{i}=true"), ",", "\n"),
        ),
        (
            "many-gates.yaml",
            fill(size, &format!("{HEAD}featureGates:\n"), |i| format!("  Gate{i}: true"), "\n", ""),
        ),
        (
            "flow-map.yaml",
            fill(size, &format!("{HEAD}featureGates: {{"), |i| format!("Gate{i}: true"), ", ", "X: true}\n"),
        ),
        (
            "deep-flow.yaml",
            format!("featureGates: {}{}\n", "[".repeat(size / 3), "]".repeat(size / 3)).into_bytes(),
        ),
        (
            "deep-block.yaml",
            (HEAD.to_string() + &(0..1000).map(|i| format!("{}k{i}:\n", "  ".repeat(i))).collect::<String>()).into_bytes(),
        ),
        ("alias-bomb.yaml", format!("{HEAD}{}\nfeatureGates: *a11\n", lol.join("\n")).into_bytes()),
        (
            "nested-anchors.yaml",
            format!("{HEAD}featureGates: {nested}{}\n", "]".repeat(50_000)).into_bytes(),
        ),
        (
            "merge-keys.yaml",
            fill(
                size,
                &format!("{HEAD}base: &b {{ServerSideApply: true, NodeSwap: true}}\nfeatureGates:\n  <<: *b\nitems:\n"),
                |i| format!("  m{i}: {{<<: *b, k: v}}"),
                "\n",
                "",
            ),
        ),
        ("kind-patches.yaml", kind.into_bytes()),
        (
            "huge-scalar.yaml",
            format!("{HEAD}featureGates:\n  G: \"{}\"\n", "x".repeat(size - 200)).into_bytes(),
        ),
        ("random.bin.yaml", noise(size)),
        // The readers of documents inside other things: heredocs never closed (each would be
        // a search to the end), a line of template tags, a ConfigMap's block strings of gates,
        // strings nested in strings, a kubectl List of many embedded configs.
        (
            "heredocs.sh",
            fill(size, "#!/bin/sh\n", |i| format!("cat <<M{i} > /etc/default/kubelet --feature-gates=G{i}=true"), "\n", ""),
        ),
        (
            "template-line.yaml.j2",
            fill(size, &format!("{HEAD}featureGates: {{"), |i| format!("\"{{{{ g{i} }}}}\": true, Gate{i}: true"), ", ", "}\n"),
        ),
        (
            "embedded-block.yaml",
            fill(
                size,
                "apiVersion: v1\nkind: ConfigMap\ndata:\n",
                |k| {
                    let gates: String = (0..300).map(|i| format!("      G{k}x{i}: true\n")).collect();
                    format!("  k{k}: |\n    apiVersion: kubelet.config.k8s.io/v1beta1\n    kind: KubeletConfiguration\n    featureGates:\n{gates}")
                },
                "",
                "",
            ),
        ),
        ("nested-strings.yaml", nested_strings(60).into_bytes()),
        // A flags value of unclosed template braces: each was a search to the end.
        (
            "braces.env",
            fill(size, "KUBELET_EXTRA_ARGS=--feature-gates=NoSuchGate=true,", |_| "{".to_string(), "", "\n"),
        ),
        // Anchors defined inside anchors, no alias at all: each level's copy was kept.
        ("nested-anchor-definitions.yaml", nested_anchor_definitions(size)),
        (
            "kubectl-list.yaml",
            fill(
                size,
                "apiVersion: v1\nkind: List\nitems:\n",
                |i| format!("- kind: ConfigMap\n  data:\n    kubelet: |\n      apiVersion: kubelet.config.k8s.io/v1beta1\n      kind: KubeletConfiguration\n      featureGates:\n        Gate{i}: true"),
                "\n",
                "",
            ),
        ),
        ("nul.yaml", vec![0; size]),
        ("bad-utf8.yaml", bad_utf8),
    ]
}

#[path = "support/measure.rs"]
mod measure;
use measure::{run, WATCHDOG};

#[test]
fn hostile_inputs_end_with_one_answer_within_bounds() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("gatecheck-hostile-suite-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for (name, bytes) in inputs(SIZE) {
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(&bytes)
            .unwrap();
        for format in ["human", "json"] {
            let (code, elapsed, kib) = run(&path, format);
            eprintln!(
                "{name} ({} KiB, {format}): exit {code:?}, {elapsed:.2?}, {} MiB",
                bytes.len() >> 10,
                kib >> 10
            );
            if !matches!(code, Some(1 | 2)) {
                failures.push(format!("{name} {format}: exit {code:?} (a panic is 101, a kill by the watchdog or a signal is None)"));
            }
            if elapsed >= WATCHDOG {
                failures.push(format!("{name} {format}: still running after {WATCHDOG:?}"));
            }
            if kib > CEILING_KIB {
                failures.push(format!(
                    "{name} {format}: {} MiB, over the {} MiB ceiling",
                    kib >> 10,
                    CEILING_KIB >> 10
                ));
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Writes the inputs at `GATECHECK_HOSTILE_SIZE` bytes (default: the 16 MiB limit less 4 KiB)
/// into `GATECHECK_HOSTILE_DIR`, for `scripts/bench-hostile.sh`.
#[test]
#[ignore = "run by scripts/bench-hostile.sh"]
fn write_inputs() {
    let dir = PathBuf::from(std::env::var("GATECHECK_HOSTILE_DIR").expect("GATECHECK_HOSTILE_DIR"));
    let size = std::env::var("GATECHECK_HOSTILE_SIZE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or((16 << 20) - 4096);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in inputs(size) {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
