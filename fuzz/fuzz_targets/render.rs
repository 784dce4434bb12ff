#![no_main]
//! Any text as a configuration file, linted and then rendered in every output format with the
//! binary's own renderers (`crates/cli/src/render`, compiled here from the same source). The
//! first line also serves as the file's name, so names carry hostile text too. Checks: nothing
//! panics; no output carries a raw control character that acts on a terminal (C0 but tab,
//! newline and carriage return; DEL; C1); JSON and SARIF parse; plain human output written
//! directly (`render/snippet.rs`) is what miette writes.

use gatecheck_lint::{lint_source, Finding, InputError, Options};
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

#[allow(dead_code)]
#[path = "../../crates/cli/src/render/mod.rs"]
mod render;

/// The binary's output formats, as `render::emitter` names them (the binary's enum lives in its
/// main.rs; a format added there and not here stops this target building, as it should).
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
use render::{Emitter, Outcome, Summary};

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
        let report = lint_source(&name, src, &options);
        let (findings, errors): (Vec<Finding>, Vec<(String, InputError)>) = match report {
            Ok(report) => (report.findings, Vec::new()),
            Err(e) => (Vec::new(), vec![(name.clone(), e)]),
        };
        let outcome = || match errors.first() {
            Some((_, e)) => Outcome::Failed { src: Some(src), error: e },
            None => Outcome::Linted { src, findings: &findings },
        };
        let unrecognised = [name.clone()];
        let target_text = target.to_string();
        let mut counts = render::Counts::default();
        for f in &findings {
            counts.add(f.severity);
        }
        let summary = Summary {
            target: &target_text,
            counts,
            checked: 1,
            recognised: 0,
            with_settings: 0,
            unrecognised: &unrecognised,
            skipped: &[],
            errors: &errors,
            development: Some(&name),
            versions: None,
            upgrade: None,
        };
        // Every format, through the binary's own emitters, as the binary drives them.
        let mut bufs: [Vec<u8>; 10] = Default::default();
        {
            let [human, human_err, json, github, sarif, markdown, junit, gitlab, plan, direct] =
                &mut bufs;
            // Human output by miette, and plain human output written directly.
            render::human::set_plain(false);
            let by_miette = render::human::Human::new(human, human_err);
            render::human::set_plain(true);
            let written = render::human::Human::new(direct, std::io::sink());
            let mut emitters: [Box<dyn Emitter + '_>; 9] = [
                Box::new(by_miette),
                Box::new(written),
                Box::new(render::json::Json::new(json, &target_text).unwrap()),
                Box::new(render::github::Github::new(github)),
                Box::new(render::sarif::Sarif::new(sarif, &target_text).unwrap()),
                Box::new(render::markdown::Markdown::new(markdown, &target_text)),
                Box::new(render::junit::Junit::new(junit)),
                Box::new(render::gitlab::Gitlab::new(gitlab)),
                // An upgrade's plan (no upgrade in the summary: the plan's items are still held).
                Box::new(render::markdown::Markdown::new(plan, &target_text).planned()),
            ];
            for e in &mut emitters {
                e.file(&name, outcome()).unwrap();
                e.finish(&summary).unwrap();
            }
        }
        assert_eq!(
            String::from_utf8_lossy(&bufs[9]),
            String::from_utf8_lossy(&bufs[0]),
            "plain human output written directly differs from miette's"
        );
        let formats = [
            "human", "human errors", "json", "github", "sarif", "markdown", "junit", "gitlab",
            "markdown plan", "human written directly",
        ];
        for (format, out) in formats.into_iter().zip(bufs) {
            let out = String::from_utf8(out).unwrap();
            clean(format, &out);
            if matches!(format, "json" | "sarif" | "gitlab") {
                serde_json::from_str::<serde_json::Value>(&out).unwrap();
            }
        }
    }
});
