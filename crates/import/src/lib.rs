//! The importer: reads Kubernetes' own feature-gate sources under `data/upstream/` and the hand
//! corrections in `data/overrides.yaml`, and writes `gates.yaml` and the rules crate's
//! `src/generated.rs`. Run it with `cargo run -p gatecheck-import`; `--check` only compares.
//!
//! * `sources.rs` reads each upstream format.
//! * `registry.rs` reads the per-release registries; `timeline.rs` makes them the authority.
//! * `merge.rs` decides between sources, gate by gate (`merge/weaker.rs` gives the precedence
//!   among the sources weaker than the registries); `record.rs` is what it produces.
//! * `render.rs` renders the outputs; `Output::write` writes (or, with `--check`, compares) them.
//! * `inputs.rs` reads the input files; `error.rs` is the importer's error.

pub mod dump;
pub mod error;
pub mod gosource;
pub mod inputs;
pub mod merge;
pub mod record;
pub mod registry;
pub mod render;
pub mod sources;
pub mod timeline;

pub use error::{Error, Result};
pub use inputs::Inputs;
use std::path::{Path, PathBuf};

/// The files the importer writes, relative to the repository root.
pub const GATES_YAML: &str = "gates.yaml";
pub const GENERATED_RS: &str = "crates/rules/src/generated.rs";
pub const COVERAGE_MD: &str = "docs/coverage.md";

/// The repository root, as seen from this crate's manifest.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What the importer produces.
pub struct Output {
    pub records: Vec<record::GateRecord>,
    pub gates_yaml: String,
    pub generated_rs: String,
    pub coverage_md: String,
}

impl Output {
    /// Writes (or, with `check`, compares) the generated files; returns whether any was stale.
    /// Exits on a write error.
    pub fn write(&self, root: &Path, check: bool) -> bool {
        let mut stale = false;
        for (rel, text) in [
            (GATES_YAML, &self.gates_yaml),
            (GENERATED_RS, &self.generated_rs),
            (COVERAGE_MD, &self.coverage_md),
        ] {
            let path = root.join(rel);
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current == *text {
                continue;
            }
            if check {
                eprintln!(
                    "gatecheck-import: {rel} is out of date; run `cargo run -p gatecheck-import`"
                );
                stale = true;
                continue;
            }
            // Write beside the target and rename, so a failed run never leaves half a file.
            let tmp = path.with_extension("tmp");
            if let Err(e) = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, &path)) {
                eprintln!("gatecheck-import: writing {rel}: {e}");
                std::process::exit(2);
            }
            eprintln!("gatecheck-import: wrote {rel}");
        }
        stale
    }
}

/// Runs the whole import in memory.
pub fn import(root: &Path) -> Result<Output> {
    let inputs = Inputs::load(root)?;
    // Every registry file is parsed here, once; everything below reads the parsed registries.
    let registries = registry::read_all(&inputs.registries)?;
    build(&inputs, &registries)
}

/// The import from inputs whose registry files are already read ([`registry::read_all`]).
pub fn build(inputs: &Inputs, registries: &[registry::Registry]) -> Result<Output> {
    let (newest, records) = merge::merge(inputs, registries)?;
    Ok(Output {
        gates_yaml: render::gates_yaml(newest, &records, &registry::sources(registries)),
        generated_rs: render::generated_rs(newest, &records, &registry::development(registries)),
        coverage_md: render::coverage_md(newest, &records),
        records,
    })
}
