//! Property tests of rendering: whatever a configuration file holds (control characters, quotes,
//! markup, non-ASCII, stray newlines in gate names and values), every output format exits with
//! 0, 1 or 2 (never a panic), writes no raw control character a terminal or an XML reader would
//! act on, and the machine formats stay parseable.

use assert_cmd::Command;
use proptest::prelude::*;
use std::path::Path;

const FORMATS: [&str; 6] = ["human", "json", "github", "sarif", "markdown", "junit"];

/// One piece of a gate name or value: real gate names (so findings are produced), and hostile
/// characters (terminal escapes, BEL, NUL, DEL, C1 controls, quotes, markup, bidi overrides).
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ServerSideApply".to_string()),
        Just("NodeSwap".to_string()),
        Just("DynamicKubeletConfig".to_string()),
        Just("\u{1b}[2J".to_string()),
        Just("\u{1b}]0;t\u{7}".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{7f}".to_string()),
        Just("\u{9b}31m".to_string()),
        Just("\u{202e}".to_string()),
        Just("<b>&amp;</b>]]>".to_string()),
        Just("|`*_[x](y)".to_string()),
        Just("\"'\\".to_string()),
        Just("\r".to_string()),
        Just("é中".to_string()),
        "[a-zA-Z0-9]{0,6}",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..4).prop_map(|v| v.concat())
}

/// YAML double-quoted scalar: every character escaped the way YAML reads it back.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A file of one of three shapes: a kubelet YAML map, a kubeadm flag string, an environment file
/// (raw bytes, where the control characters reach the reader unescaped).
fn config() -> impl Strategy<Value = (String, String)> {
    let gates = prop::collection::vec((text(), text()), 1..4);
    (0..3usize, gates).prop_map(|(shape, gates)| match shape {
        0 => {
            let mut s = String::from(
                "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n",
            );
            for (k, v) in &gates {
                s.push_str(&format!("  {}: {}\n", yaml_quoted(k), yaml_quoted(v)));
            }
            ("kubelet.yaml".to_string(), s)
        }
        1 => {
            let flags: Vec<String> = gates.iter().map(|(k, v)| format!("{k}={v}")).collect();
            (
                "kubeadm.yaml".to_string(),
                format!(
                    "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: feature-gates\n    value: {}\n",
                    yaml_quoted(&flags.join(","))
                ),
            )
        }
        _ => {
            let flags: Vec<String> = gates
                .iter()
                .map(|(k, v)| format!("{k}={v}").replace('\n', " "))
                .collect();
            (
                "kubelet.env".to_string(),
                format!("KUBELET_EXTRA_ARGS=--feature-gates={}\n", flags.join(",")),
            )
        }
    })
}

fn run(path: &Path, format: &str) -> std::process::Output {
    Command::cargo_bin("gatecheck")
        .unwrap()
        .args(["--target", "1.33", "--color", "never", "--format", format])
        .arg(path)
        .output()
        .unwrap()
}

#[path = "support/controls.rs"]
mod controls;
use controls::raw_control;

/// 64 cases by default (about 450 runs of the binary, a few seconds); `PROPTEST_CASES` for more.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_format_survives_hostile_gate_text((name, body) in config()) {
        let dir = std::env::temp_dir().join(format!("gatecheck-render-props-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, &body).unwrap();
        for format in FORMATS {
            let out = run(&path, format);
            let code = out.status.code();
            prop_assert!(matches!(code, Some(0..=2)), "{format}: exit {code:?}\n{body:?}\n{}", String::from_utf8_lossy(&out.stderr));
            let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
            let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
            prop_assert_eq!(raw_control(&stdout), None, "{}: stdout {:?} for {:?}", format, stdout, body);
            prop_assert_eq!(raw_control(&stderr), None, "{}: stderr {:?} for {:?}", format, stderr, body);
            match format {
                "json" | "sarif" => {
                    let parsed = serde_json::from_str::<serde_json::Value>(&stdout);
                    prop_assert!(parsed.is_ok(), "{format}: not JSON: {stdout}");
                }
                "junit" => {
                    // Markup from the file arrives as text, never as elements or a CDATA end.
                    prop_assert!(stdout.starts_with("<?xml"), "junit: {stdout}");
                    prop_assert!(!stdout.contains("<b>") && !stdout.contains("]]>"), "junit: {stdout}");
                }
                "markdown" => {
                    // Every table row keeps its six cells: pipes from the file are escaped and
                    // line breaks folded.
                    for row in stdout.lines().filter(|l| l.starts_with('|')) {
                        let b = row.as_bytes();
                        let pipes = (0..b.len()).filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\')).count();
                        prop_assert_eq!(pipes, 7, "markdown row {:?}", row);
                    }
                }
                _ => {}
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}
