//! Structured outputs stay true to the files: names that are not UTF-8 stay distinct, JUnit
//! holds no character XML forbids, SARIF URIs are percent-encoded relative references, and
//! Markdown shows what a file holds as text, never as markup.
#![cfg(unix)]

use assert_cmd::Command;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("gatecheck-outputs-{}", std::process::id()));
    std::fs::remove_dir_all(&d).ok();
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn output(d: &PathBuf, format: &str) -> String {
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(d)
        .args(["--target", "1.33", "--no-config", "--format", format, "."])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn outputs_name_and_quote_files_truly() {
    let d = dir();
    let kubelet = |gate: &str| {
        format!("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  \"{gate}\": true\n")
    };
    // Two names that differ only in bytes that are not UTF-8.
    for b in [0xFFu8, 0xFE] {
        let bytes = [b'a', b, b'.', b'y', b'a', b'm', b'l'];
        let name = std::ffi::OsStr::from_bytes(&bytes);
        std::fs::write(d.join(name), kubelet("NoSuchGate")).unwrap();
    }
    std::fs::write(d.join("with space#and?hash%.yaml"), kubelet("NoSuchGate")).unwrap();
    std::fs::write(
        d.join("markup.yaml"),
        kubelet("![x](http://e.example/i.png)<b>\u{FFFF}`"),
    )
    .unwrap();

    let json: serde_json::Value = serde_json::from_str(&output(&d, "json")).unwrap();
    let mut files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    files.sort();
    files.dedup();
    assert!(
        files.contains(&"a\\xFF.yaml") && files.contains(&"a\\xFE.yaml"),
        "{files:?}"
    );

    let sarif: serde_json::Value = serde_json::from_str(&output(&d, "sarif")).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        uris.contains(&"with%20space%23and%3Fhash%25.yaml"),
        "{uris:?}"
    );
    assert!(
        uris.iter().all(|u| !u.contains([' ', '#', '?'])),
        "{uris:?}"
    );

    let junit = output(&d, "junit");
    assert!(!junit.contains('\u{FFFF}'), "a character XML forbids");
    assert!(junit.contains("&lt;b&gt;"), "{junit}");

    // The gate is a code span (shown as text); the messages that quote it escape every
    // character Markdown reads as markup.
    let markdown = output(&d, "markdown");
    assert!(
        markdown.contains("| `` ![x](http://e.example/i.png)<b>"),
        "{markdown}"
    );
    assert!(
        markdown.contains("feature gate \\!\\[x\\](http://e.example/i.png)\\<b\\>"),
        "{markdown}"
    );
    let outside_spans: String = markdown.split("``").step_by(2).collect();
    assert!(!outside_spans.contains("![x]("), "{markdown}");
    std::fs::remove_dir_all(&d).ok();
}
