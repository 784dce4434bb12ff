//! What the importer produces for each gate ([`GateRecord`]) and the ids of the sources a record
//! cites ([`SOURCES`]).

use crate::sources::Timeline;
use gatecheck_rules::{Component, Registry, StageSpec, Version};

/// A gate as the importer produces it.
#[derive(Clone, Debug, PartialEq)]
pub struct GateRecord {
    pub name: String,
    pub registry: Registry,
    pub components: Vec<Component>,
    pub kep: Option<u32>,
    pub removed_in: Option<Version>,
    pub stages: Timeline,
    pub note: Option<String>,
    /// From each release on, the gates this one depends on (empty: none; checked from 1.35).
    pub depends_on: Vec<(Version, Vec<String>)>,
    /// The Go package that declares the gate, where a source says.
    pub package: Option<gatecheck_rules::Package>,
    /// Ids of the sources this record was built from (see `SOURCES`; `registry`, `registry-pre`
    /// or `registry-dev` for the per-release registries).
    pub sources: Vec<String>,
    /// From each release on, the id of the source that settles the gate's facts.
    pub evidence: Vec<(Version, String)>,
    /// Changes inside a minor: (minor, last patch with the old state, first patch with the new
    /// one, the new spec or None for "not registered").
    pub patches: Vec<(Version, u16, u16, Option<StageSpec>)>,
}

impl GateRecord {
    /// A record with only a name, a registry and components; the rest is filled in later.
    pub fn new(name: String, registry: Registry, components: Vec<Component>) -> GateRecord {
        GateRecord {
            name,
            registry,
            components,
            kep: None,
            removed_in: None,
            stages: Vec::new(),
            note: None,
            depends_on: Vec::new(),
            package: None,
            sources: Vec::new(),
            evidence: Vec::new(),
            patches: Vec::new(),
        }
    }

    /// The id of the source that settles the gate's facts at `v` (`None` before the first).
    pub fn evidence_at(&self, v: Version) -> Option<&str> {
        self.evidence
            .iter()
            .rev()
            .find(|(s, _)| *s <= v)
            .map(|(_, s)| s.as_str())
    }
}

/// Where the importer's facts come from; ids are used in gates.yaml.
pub const SOURCES: &[(&str, &str)] = &[
    ("registry", "data/upstream/registries/v1.<N>.yaml: the gates release 1.N's own features packages register, with Default, PreRelease and LockToDefault (see `registries`)"),
    ("registry-dev", "data/upstream/registries/v1.<N>.yaml read from a development tree late in 1.N's cycle, not from the release (see `registries`)"),
    ("registry-pre", "data/upstream/registries/v1.<N>.0-<pre>-go.yaml dumped from a pre-release of 1.N (alpha, beta or rc), not from the release: its facts may still change (see `registries`)"),
    ("k8s-list-1.36dev", "data/upstream/kubernetes/versioned_feature_list.newest.yaml (kubernetes/kubernetes@00623539)"),
    ("k8s-list-1.34dev", "data/upstream/kubernetes/versioned_feature_list.yaml (kubernetes/kubernetes@002acc1a)"),
    ("k8s-feature-list-md", "data/upstream/kubernetes/feature_list.md (kubernetes/kubernetes@00623539)"),
    ("website-removed-table", "data/upstream/website/feature-gates-removed.md (kubernetes/website@27b6d148)"),
    ("website-1.27-table", "data/upstream/website/feature-gates.md (kubernetes/website@0008cd26)"),
    ("website-gate-page", "data/upstream/website/feature-gates/<Name>.md (kubernetes/website, commit per PROVENANCE.tsv)"),
    ("kubeadm-docs-1.31", "data/upstream/kubeadm/kubeadm_feature_gates.yaml (kubernetes/website kubeadm-init, v1.31)"),
    ("keps", "data/upstream/enhancements/kep_feature_gates.yaml (kubernetes/enhancements@64765b4b)"),
    ("k8s-dependencies", "data/upstream/kubernetes/feature_dependencies.yaml (defaultKubernetesFeatureGateDependencies, kubernetes v1.36 trees)"),
    ("override", "data/overrides.yaml (hand corrections, each with its own source)"),
];

/// The position of a source id in [`SOURCES`], the order a record lists its sources in.
pub fn source_rank(id: &str) -> Option<usize> {
    SOURCES.iter().position(|(s, _)| *s == id)
}
