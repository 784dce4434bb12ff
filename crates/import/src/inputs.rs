//! Reading the importer's input files.

use crate::error::{Error, Result};
use std::path::Path;

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
