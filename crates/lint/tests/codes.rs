//! One folder per finding code, fixture in and findings out: `tests/codes/<CODE>/*.yaml` are
//! small configuration files, each judged by the library as the binary judges a file, and each
//! fixture's findings (`line:column CODE message`, one a line) are compared with the reviewed
//! `<fixture>.expected` beside it. After an intended change, regenerate with
//! `GATECHECK_UPDATE_SNAPSHOTS=1 cargo test -p gatecheck-lint --test codes` and review the diff.
//!
//! A fixture's first line names the release it is judged at: `# target: 1.33` (a patch release,
//! `# target: 1.28.2`, is judged as that patch release, as `--target 1.28.2` is). Every code in
//! the catalogue must have a folder with a fixture that produces it, so a new code without one
//! fails here.

use gatecheck_lint::{lint_source, FindingKind, Options};
use gatecheck_rules::Version;
use std::path::{Path, PathBuf};

/// Codes that cannot come from the library on one file, and why. (None today: every code the
/// catalogue declares is made by `lint_source`.)
const EXCEPTIONS: &[(&str, &str)] = &[];

fn codes_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/codes")
}

/// The options the first line asks for: `# target: 1.33` or `# target: 1.28.2`.
fn options(fixture: &Path, src: &str) -> Options {
    let target = src
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# target: "))
        .unwrap_or_else(|| panic!("{}: no `# target: X` first line", fixture.display()))
        .trim();
    let version: Version = target
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", fixture.display()));
    let mut options = Options::new(version);
    // `1.28.2`: the patch release, as the binary passes it.
    if let Some(patch) = target.split('.').nth(2) {
        options.patch = Some(patch.parse().expect("a patch release number"));
    }
    options
}

/// The fixture's findings, one line each: `line:column CODE message`.
fn findings(fixture: &Path) -> (Vec<&'static str>, String) {
    let src = std::fs::read_to_string(fixture).unwrap();
    let name = fixture.file_name().unwrap().to_str().unwrap();
    let report = lint_source(name, &src, &options(fixture, &src))
        .unwrap_or_else(|e| panic!("{}: not read: {e}", fixture.display()));
    let codes = report.findings.iter().map(|f| f.kind.code()).collect();
    let text = report
        .findings
        .iter()
        .map(|f| format!("{}:{} {} {}\n", f.line, f.column, f.kind.code(), f.message))
        .collect();
    (codes, text)
}

/// Compares `text` with the reviewed file at `path` (rewriting it when asked).
fn compare(path: &Path, text: &str) -> Result<(), String> {
    if std::env::var_os("GATECHECK_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, text).unwrap();
    }
    let want = std::fs::read_to_string(path).unwrap_or_default();
    if want == text {
        Ok(())
    } else {
        Err(format!(
            "{} differs:\n--- expected\n{want}--- got\n{text}",
            path.display()
        ))
    }
}

/// The fixtures of one code's folder, sorted.
fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    all.sort();
    all
}

/// Every fixture's findings are the reviewed ones.
#[test]
fn each_fixture_gives_its_reviewed_findings() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for kind in FindingKind::ALL {
        let dir = codes_dir().join(kind.code());
        if !dir.is_dir() {
            continue;
        }
        for fixture in fixtures(&dir) {
            let (_, text) = findings(&fixture);
            let expected = fixture.with_extension("expected");
            if let Err(e) = compare(&expected, &text) {
                failures.push(e);
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= FindingKind::ALL.len() - EXCEPTIONS.len());
}

/// Every code in the catalogue has a folder, and a fixture there produces the code; every folder
/// is a code of the catalogue, and every file in it a fixture or its expected findings.
#[test]
fn every_code_has_a_fixture_that_produces_it() {
    let mut missing = Vec::new();
    for kind in FindingKind::ALL {
        let code = kind.code();
        if let Some((_, why)) = EXCEPTIONS.iter().find(|(c, _)| *c == code) {
            assert!(!why.is_empty(), "{code}: an exception needs its reason");
            continue;
        }
        let dir = codes_dir().join(code);
        let produced = dir.is_dir()
            && fixtures(&dir)
                .iter()
                .any(|fixture| findings(fixture).0.contains(&code));
        if !produced {
            missing.push(format!("{code} {}", kind.name()));
        }
    }
    assert!(
        missing.is_empty(),
        "no fixture under crates/lint/tests/codes/<CODE>/ produces: {missing:?}"
    );
    for entry in std::fs::read_dir(codes_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            FindingKind::ALL.iter().any(|k| k.code() == name),
            "{name}: not a code of the catalogue"
        );
        for file in std::fs::read_dir(&path).unwrap() {
            let file = file.unwrap().path();
            let ext = file.extension().and_then(|e| e.to_str());
            assert!(
                matches!(ext, Some("yaml"))
                    || (ext == Some("expected") && file.with_extension("yaml").is_file()),
                "{}: neither a fixture (.yaml) nor a fixture's expected findings",
                file.display()
            );
        }
    }
    for (code, _) in EXCEPTIONS {
        assert!(
            FindingKind::from_code(code).is_some(),
            "{code}: an exception for a code the catalogue does not have"
        );
    }
}
