//! `Options::fixes`: a report linted without fixes is the same report, findings and all, but
//! for the fixes it does not carry; with them, the fixtures' findings carry fixes.

use gatecheck_lint::{lint_source, Options};

fn fixtures() -> Vec<(String, String)> {
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures"
    ))];
    let mut files = Vec::new();
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                files.push((p.display().to_string(), text));
            }
        }
    }
    files
}

#[test]
fn without_fixes_only_the_fixes_differ() {
    let files = fixtures();
    assert!(files.len() > 100, "fixtures found: {}", files.len());
    let mut fixed = 0;
    for minor in [29, 33, 37] {
        let with = Options::new(gatecheck_rules::Version::new(1, minor));
        let without = Options {
            fixes: false,
            ..with.clone()
        };
        for (name, src) in &files {
            let a = lint_source(name, src, &with);
            let b = lint_source(name, src, &without);
            let a = a.map(|mut r| {
                fixed += r.findings.iter().filter(|f| f.fix.is_some()).count();
                r.findings.iter_mut().for_each(|f| f.fix = None);
                r
            });
            if let Ok(r) = &b {
                assert!(r.findings.iter().all(|f| f.fix.is_none()), "{name}");
            }
            assert_eq!(a, b, "{name} at 1.{minor}");
        }
    }
    assert!(fixed > 100, "findings with fixes: {fixed}");
}
