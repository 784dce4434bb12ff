//! gatecheck's rules: every Kubernetes feature gate, what it was at each minor version, and the
//! questions gatecheck asks of that history.
//!
//! The data comes from `gates.yaml` at the top of the repository, which the importer
//! (`cargo run -p gatecheck-import`) builds from Kubernetes' own lists and documentation.
//! The importer also writes `src/generated.rs`, so the rules are plain static data in the
//! binary: nothing is parsed at start-up.
//!
//! ```
//! use gatecheck_rules::{Registry, Rules, Stage, Status, Version};
//!
//! let rules = Rules::embedded();
//! let v133: Version = "v1.33.2".parse().unwrap();
//! match rules.status(Registry::Kubernetes, "SidecarContainers", v133).unwrap() {
//!     Status::Known { spec, .. } => {
//!         assert_eq!(spec.stage, Stage::Ga);
//!         assert!(spec.default && spec.lock.is_locked());
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//! ```

#[rustfmt::skip]
mod generated;
mod index;
mod model;
mod query;
mod version;

pub use model::{
    Component, Dependency, Evidence, EvidenceKind, Gate, Lock, MetaGate, Package, PatchChange,
    Registry, Stage, StageSpec, DEPENDENCIES_CHECKED_FROM,
};
pub use query::{within_edits, Change, ChangeKind, QueryError, Rules, Status};
pub use version::{Target, Version, VersionError, VersionText};
