//! What every fuzz target checks: linting never panics, and every finding points inside the
//! input at a character boundary, with a line and column that agree with its offset.

use gatecheck_lint::{lint_source, Options};
use gatecheck_rules::Version;

pub fn check(src: &str, options: &Options) {
    let Ok(report) = lint_source("fuzz", src, options) else {
        return;
    };
    for f in &report.findings {
        assert!(f.offset <= src.len(), "offset past the end: {f:?}");
        assert!(
            src.is_char_boundary(f.offset),
            "offset inside a character: {f:?}"
        );
        let before = &src[..f.offset];
        assert_eq!(f.line, before.matches('\n').count() + 1, "{f:?}");
        assert_eq!(
            f.column,
            before.rsplit('\n').next().unwrap_or("").chars().count() + 1,
            "{f:?}"
        );
    }
}

/// Old, middle and newest targets: stage rules differ across them.
pub fn targets() -> [Version; 3] {
    [
        Version::new(1, 28),
        Version::new(1, 33),
        Version::new(1, 37),
    ]
}
