//! `--node` over many large inputs, generated here: what the run holds stays bounded. The
//! files' texts are never all held at once (each is read for its kubelet settings, dropped, and
//! read again when it is judged), and the kubelet settings merged across the inputs are capped
//! at 10,000: past that no file is judged, and each says why.
#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};

// Only `run_with` is used here.
#[allow(dead_code)]
#[path = "support/measure.rs"]
mod measure;

const HEAD: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";

fn dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatecheck-node-{tag}-{}", std::process::id()));
    std::fs::remove_dir_all(&d).ok();
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A kubelet config setting `gates` feature gates, padded with a comment to `size` bytes.
fn kubelet_config(gates: std::ops::Range<usize>, size: usize) -> String {
    let mut out = String::from(HEAD);
    out.push_str("featureGates:\n");
    for g in gates {
        out.push_str(&format!("  NodeGate{g}: true\n"));
    }
    let line = "# padding, as a large generated config carries\n";
    while out.len() + line.len() <= size {
        out.push_str(line);
    }
    out
}

fn json(dir: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let out = assert_cmd::Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(dir)
        .args(["--target", "1.33", "--format", "json", "--node", "."])
        .args(extra)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}",
            String::from_utf8_lossy(&out.stderr)
                .chars()
                .take(2000)
                .collect::<String>()
        )
    });
    (out.status.code(), v)
}

/// Past the bound on merged settings, no file is judged: each is an error that says why, and
/// the run exits 2. At the bound, every file is judged with the others' settings.
#[test]
fn merged_kubelet_settings_are_capped() {
    let d = dir("cap");
    for i in 0..11 {
        let text = kubelet_config(i * 1000..(i + 1) * 1000, 0);
        std::fs::write(d.join(format!("f{i:02}.yaml")), text).unwrap();
    }
    let (code, v) = json(&d, &[]);
    assert_eq!(code, Some(2), "{v}");
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 11, "{v}");
    assert!(
        errors.iter().all(|e| e["message"]
            .as_str()
            .unwrap()
            .contains("more than 10000 kubelet feature gates")),
        "{v}"
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    // Ten files of 1,000 settings each: within the bound, all judged.
    std::fs::remove_file(d.join("f10.yaml")).unwrap();
    let (code, v) = json(&d, &[]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["errors"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["files"]["checked"], 10);
    assert!(v["findings"].as_array().unwrap().len() >= 10_000);
    std::fs::remove_dir_all(&d).ok();
}

/// Many large inputs: the peak is far below the inputs' total size (a run that read every file
/// before judging any held it all), and the same files judged one by one find the same gates.
#[test]
fn many_large_inputs_are_not_all_held() {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads > 8 {
        // The files in flight grow with the cores; the inputs would have to grow too.
        eprintln!("skipped: {threads} cores");
        return;
    }
    const SIZE: usize = 2 << 20;
    // Three times as many files as the workers may run ahead of the output.
    let files = 3 * 4 * threads.max(2);
    let d = dir("many");
    for i in 0..files {
        let text = kubelet_config(i * 3..i * 3 + 3, SIZE);
        std::fs::write(d.join(format!("f{i:03}.yaml")), text).unwrap();
    }
    let total_kib = (files * SIZE) as i64 >> 10;
    let (code, elapsed, peak) = measure::run_with(&["--node"], &d, "json");
    eprintln!(
        "{files} files, {} MiB in all: peak {} MiB, {elapsed:?}",
        total_kib >> 10,
        peak >> 10
    );
    assert_eq!(code, Some(1));
    assert!(
        peak < total_kib / 2,
        "peak {} MiB for {} MiB of input",
        peak >> 10,
        total_kib >> 10
    );
    let (_, v) = json(&d, &[]);
    assert_eq!(v["files"]["checked"], files);
    assert_eq!(v["findings"].as_array().unwrap().len(), files * 3, "{v}");
    std::fs::remove_dir_all(&d).ok();
}
