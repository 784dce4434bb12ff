//! The importer: reads Kubernetes' own feature-gate sources under `data/upstream/` and the hand
//! corrections in `data/overrides.yaml`, and writes `gates.yaml` and the rules crate's
//! `src/generated.rs`. Run it with `cargo run -p gatecheck-import`; `--check` only compares.
//!
//! * `sources.rs` reads each upstream format.
//! * `registry.rs` reads the per-release registries; `timeline.rs` makes them the authority.
//! * `merge.rs` decides between sources, gate by gate (`merge/weaker.rs` gives the precedence
//!   among the sources weaker than the registries); `record.rs` is what it produces.
//! * `render.rs` writes the outputs.

pub mod dump;
pub mod gosource;
pub mod merge;
pub mod record;
pub mod registry;
pub mod render;
pub mod sources;
pub mod timeline;

use std::fmt;
use std::path::{Path, PathBuf};

/// An importer failure: a source that does not read, or a fact no source gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// The text of every input file.
pub struct Inputs {
    pub list_136dev: String,
    pub list_134dev: String,
    pub feature_list_md: String,
    pub removed_table: String,
    pub table_127: String,
    /// (gate name, page text) for each per-gate website page.
    pub pages: Vec<(String, String)>,
    pub keps: String,
    pub kubeadm: String,
    pub dependencies: String,
    pub overrides: String,
    /// (file name, text) of each per-release registry under `data/upstream/registries/`.
    pub registries: Vec<(String, String)>,
}

/// The files the importer writes, relative to the repository root.
pub const GATES_YAML: &str = "gates.yaml";
pub const GENERATED_RS: &str = "crates/rules/src/generated.rs";
pub const COVERAGE_MD: &str = "docs/coverage.md";

/// The repository root, as seen from this crate's manifest.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(root: &Path, rel: &str) -> Result<String> {
    std::fs::read_to_string(root.join(rel)).map_err(|e| Error(format!("{rel}: {e}")))
}

impl Inputs {
    pub fn load(root: &Path) -> Result<Inputs> {
        let up = "data/upstream";
        let pages_dir = root.join(up).join("website/feature-gates");
        let mut pages = Vec::new();
        let entries = std::fs::read_dir(&pages_dir)
            .map_err(|e| Error(format!("{}: {e}", pages_dir.display())))?;
        for entry in entries {
            let path = entry.map_err(|e| Error(e.to_string()))?.path();
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if path.extension().is_some_and(|e| e == "md") && name != "README" {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| Error(format!("{}: {e}", path.display())))?;
                pages.push((name.to_string(), text));
            }
        }
        pages.sort();
        let reg_dir = root.join(up).join("registries");
        let mut registries = Vec::new();
        if let Ok(entries) = std::fs::read_dir(&reg_dir) {
            for entry in entries {
                let path = entry.map_err(|e| Error(e.to_string()))?.path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| Error(format!("{}: {e}", path.display())))?;
                    let file = path.file_name().unwrap_or_default().to_string_lossy();
                    registries.push((format!("{up}/registries/{file}"), text));
                }
            }
        }
        Ok(Inputs {
            registries,
            list_136dev: read(
                root,
                &format!("{up}/kubernetes/versioned_feature_list.newest.yaml"),
            )?,
            list_134dev: read(
                root,
                &format!("{up}/kubernetes/versioned_feature_list.yaml"),
            )?,
            feature_list_md: read(root, &format!("{up}/kubernetes/feature_list.md"))?,
            removed_table: read(root, &format!("{up}/website/feature-gates-removed.md"))?,
            table_127: read(root, &format!("{up}/website/feature-gates.md"))?,
            pages,
            keps: read(root, &format!("{up}/enhancements/kep_feature_gates.yaml"))?,
            kubeadm: read(root, &format!("{up}/kubeadm/kubeadm_feature_gates.yaml"))?,
            dependencies: read(root, &format!("{up}/kubernetes/feature_dependencies.yaml"))?,
            overrides: read(root, "data/overrides.yaml")?,
        })
    }
}

/// What the importer produces.
pub struct Output {
    pub records: Vec<record::GateRecord>,
    pub gates_yaml: String,
    pub generated_rs: String,
    pub coverage_md: String,
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
