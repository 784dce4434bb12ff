//! docs/findings.md is generated from the finding catalogue; this test fails when it is stale.
//! Regenerate with `GATECHECK_UPDATE_DOCS=1 cargo test --test findings_doc`.

use gatecheck_lint::FindingKind;
use std::path::PathBuf;

fn render() -> String {
    let mut out = String::from(
        "# Findings\n\n<!-- Generated from crates/lint/src/findings.rs by `GATECHECK_UPDATE_DOCS=1 cargo test --test findings_doc`. Do not edit. -->\n\n\
         | Code | Kind | Severity | Summary |\n|---|---|---|---|\n",
    );
    for k in FindingKind::ALL {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            k.code(),
            k.name(),
            k.severity(),
            k.summary()
        ));
    }
    for k in FindingKind::ALL {
        out.push_str(&format!(
            "\n## {} `{}`\n\n{}\n",
            k.code(),
            k.name(),
            k.explanation()
        ));
    }
    out
}

#[test]
fn findings_doc_matches_the_catalogue() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/findings.md");
    let want = render();
    if std::env::var_os("GATECHECK_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/findings.md is stale: run GATECHECK_UPDATE_DOCS=1 cargo test --test findings_doc"
    );
}

#[test]
fn codes_and_names_are_unique() {
    let mut codes: Vec<&str> = FindingKind::ALL.iter().map(|k| k.code()).collect();
    let mut names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
    codes.sort();
    names.sort();
    codes.dedup();
    names.dedup();
    assert_eq!(codes.len(), FindingKind::ALL.len());
    assert_eq!(names.len(), FindingKind::ALL.len());
}
