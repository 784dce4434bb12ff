//! The prefilter never changes a report. Every file of the fixtures (hand-made, real public files,
//! the evaluation set) and of a generated GitOps monorepo that the prefilter passes over is also
//! read in full, at two targets, as YAML and as a flags file: both give the same report. The one
//! difference allowed is the documented one: a file passed over is not parsed, so a YAML syntax
//! error in a file that names no gate and configures no component is not reported.

use gatecheck_lint::{lint_source, lint_source_read_in_full, may_hold_settings, Options};
use std::path::Path;

#[path = "support/gitops.rs"]
mod gitops;

#[derive(Default)]
struct Tally {
    read: usize,
    passed_over: usize,
    /// Files passed over that do not parse as YAML.
    syntax: Vec<String>,
}

fn check(name: &str, src: &str, tally: &mut Tally) {
    if may_hold_settings(src) {
        tally.read += 1;
        return;
    }
    tally.passed_over += 1;
    for target in ["1.30", "1.34"] {
        for flags_file in [false, true] {
            let mut options = Options::new(target.parse().unwrap());
            options.flags_file = flags_file;
            let quick = lint_source(name, src, &options).expect("a file passed over is not read");
            match lint_source_read_in_full(name, src, &options) {
                Ok(full) => assert_eq!(quick, full, "{name} at {target}, flags {flags_file}"),
                Err(e) => {
                    assert!(e.message.starts_with("invalid YAML"), "{name}: {e:?}");
                    assert_eq!(
                        quick,
                        gatecheck_lint::Report {
                            declared: quick.declared.clone(),
                            ..Default::default()
                        }
                    );
                    if !tally.syntax.iter().any(|s| s == name) {
                        tally.syntax.push(name.to_string());
                    }
                }
            }
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn fixtures_passed_over_report_as_if_read() {
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    assert!(files.len() > 150, "{} fixture files", files.len());
    let mut tally = Tally::default();
    for (name, src) in &files {
        check(name, src, &mut tally);
    }
    // The fixtures are configurations: nearly all are read (the next test spoils them).
    assert!(tally.read > 150, "read {}", tally.read);
    // Syntax errors that are not reported: only in files that name no gate.
    for name in &tally.syntax {
        let src = &files.iter().find(|(n, _)| n == name).unwrap().1;
        assert!(!src.to_ascii_lowercase().contains("featuregates"), "{name}");
    }
}

/// The words that make Talos keys and a metrics scrape, which the prefilter checks beside its
/// needles.
const ALSO: &[&str] = &["machine", "cluster", "# help ", "# type "];

/// The file with every needle spoiled (its first letter made `q`, ASCII case ignored), so that
/// the prefilter passes it over.
fn spoil(src: &str) -> String {
    let mut bytes = src.as_bytes().to_vec();
    let lower = src.to_ascii_lowercase();
    for needle in gatecheck_lint::PREFILTER_NEEDLES.iter().chain(ALSO) {
        let at = if needle.starts_with('/') || needle.starts_with('#') {
            1
        } else {
            0
        };
        for (i, _) in lower.match_indices(needle) {
            bytes[i + at] = b'q';
        }
    }
    String::from_utf8(bytes).expect("ASCII letters replaced by an ASCII letter")
}

/// Every fixture with its needles spoiled is passed over, and reading it in full finds nothing
/// either: the needles are what the readers need.
#[test]
fn fixtures_without_their_needles_hold_nothing() {
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    let mut tally = Tally::default();
    for (name, src) in &files {
        let spoiled = spoil(src);
        assert!(
            !may_hold_settings(&spoiled),
            "{name}: a needle is missing from the test's list"
        );
        check(name, &spoiled, &mut tally);
    }
    assert_eq!(tally.passed_over, files.len());
}

#[test]
fn a_gitops_monorepo_passed_over_reports_as_if_read() {
    let mut tally = Tally::default();
    for i in 0..3000 {
        let (name, src) = gitops::file(i);
        check(&name, &src, &mut tally);
    }
    // Only the component configurations and the files that mention gates are read.
    assert!(
        tally.passed_over > 2500,
        "passed over {}",
        tally.passed_over
    );
    assert!(tally.read >= 30, "read {}", tally.read);
    assert!(tally.syntax.is_empty(), "{:?}", tally.syntax);
}
