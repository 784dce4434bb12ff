#![warn(missing_docs)]
//! gatecheck's linter: reads configuration files, finds every feature-gate setting with its exact
//! position, and turns each into findings for a target Kubernetes version.
//!
//! * [`formats`]: one module per configuration format; each turns a parsed document into
//!   [`Setting`]s (component, registry, gate, value, span). `formats/mod.rs` lists them.
//! * [`flags`]: the `--feature-gates` flag syntax, parsed as the components parse it.
//! * [`findings`]: the catalogue of finding kinds (codes, severities, explanations).
//! * `merge`: how settings combine before they are judged (flags over files, repeats, AllAlpha).
//! * [`check`]: the rules applied to settings, producing [`Finding`]s.
//!
//! Nothing here touches the terminal or the file system: the binary reads files and renders.
//!
//! ```
//! use gatecheck_lint::{lint_source, Options};
//! let src = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NoSuchGate: true\n";
//! let report = lint_source("kubelet.yaml", src, &Options::new("1.33".parse().unwrap())).unwrap();
//! assert_eq!(report.findings[0].kind.code(), "GC001");
//! // A target newer than the data is refused, never passed.
//! assert!(lint_source("kubelet.yaml", src, &Options::new("1.99".parse().unwrap())).is_err());
//! ```

mod check;
mod embed;
pub mod findings;
pub mod fix;
#[cfg(test)]
mod fixtures;
mod flags;
mod formats;
mod merge;
mod mime;
mod prefilter;
mod template;

pub use check::{
    kubelet_settings, lint_each, lint_source, settings, Finding, Options, Report, Value,
};
pub use findings::{FindingKind, Severity};
pub use fix::{Applicability, Edit, Fix};
pub use formats::{GateName, Setting};
pub use prefilter::may_hold_settings;

#[doc(hidden)]
pub use check::lint_source_read_in_full;
#[doc(hidden)]
pub use prefilter::NEEDLES as PREFILTER_NEEDLES;

/// A file gatecheck could not read as configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// What is wrong with the input, for people.
    pub message: String,
    /// 1-based line, when the problem has a position.
    pub line: Option<usize>,
    /// 1-based column, counted in characters, when the problem has a position.
    pub column: Option<usize>,
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{} (line {l}, column {c})", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// A message made of its pieces in one allocation of its exact length: no formatting machinery
/// and no regrowth, for the messages most settings get.
pub(crate) fn cat(pieces: &[&str]) -> String {
    let mut text = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for p in pieces {
        text.push_str(p);
    }
    text
}
