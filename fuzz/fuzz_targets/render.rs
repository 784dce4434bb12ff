#![no_main]
//! Any text as a configuration file, linted and then rendered in every output format with the
//! binary's own renderers (`crates/cli/src/render`, compiled here from the same source). The
//! first line also serves as the file's name, so names carry hostile text too. Checks: nothing
//! panics; no output carries a raw control character that acts on a terminal (C0 but tab,
//! newline and carriage return; DEL; C1); JSON and SARIF parse.

use gatecheck_lint::{lint_source, Finding, Options};
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

#[allow(dead_code)]
#[path = "../../crates/cli/src/render/mod.rs"]
mod render;

#[allow(dead_code)]
mod common;

#[path = "../../tests/support/controls.rs"]
mod controls;
use controls::raw_control;

fn clean(format: &str, out: &str) {
    if let Some(c) = raw_control(out) {
        panic!("{format} output carries raw {c:?}: {out:?}");
    }
}

static HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    HOOK.call_once(|| {
        let _ = miette::set_hook(Box::new(|_| {
            Box::new(miette::MietteHandlerOpts::new().color(false).unicode(true).width(100).build())
        }));
    });
    let name = src.lines().next().unwrap_or("").chars().take(64).collect::<String>();
    let flags_file = src.starts_with("KUBELET") || src.starts_with("--");
    for target in common::targets() {
        let options = Options {
            flags_file,
            component: flags_file.then_some(gatecheck_rules::Component::Kubelet),
            ..Options::new(target)
        };
        let (findings, errors): (Vec<(String, Finding)>, Vec<(String, String)>) =
            match lint_source(&name, src, &options) {
                Ok(report) => (
                    report.findings.into_iter().map(|f| (name.clone(), f)).collect(),
                    Vec::new(),
                ),
                Err(e) => {
                    clean("human error", &render::human::error(&name, Some(src), &e));
                    clean("github error", &render::github::error(&name, &e));
                    let json = render::json_text(&render::json::error(&name, &e)).unwrap();
                    clean("json error", &json);
                    serde_json::from_str::<serde_json::Value>(&json).unwrap();
                    (Vec::new(), vec![(name.clone(), e.to_string())])
                }
            };
        for (file, f) in findings.iter().take(50) {
            clean("human", &render::human::finding(file, src, f));
            clean("github", &render::github::finding(file, f));
        }
        let mut json = Vec::new();
        render::json::write_document(&mut json, &serde_json::json!({"target": target.to_string()}), &findings).unwrap();
        let json = String::from_utf8(json).unwrap();
        clean("json", &json);
        serde_json::from_str::<serde_json::Value>(&json).unwrap();
        let mut sarif = Vec::new();
        render::sarif::write(&mut sarif, &findings).unwrap();
        let sarif = String::from_utf8(sarif).unwrap();
        clean("sarif", &sarif);
        serde_json::from_str::<serde_json::Value>(&sarif).unwrap();
        clean("markdown", &render::markdown::document(&target.to_string(), &findings, &errors, &[]));
        clean("junit", &render::junit::document(&[name.clone()], &findings, &errors));
    }
});
