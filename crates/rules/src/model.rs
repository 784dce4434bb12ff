//! The data model: gates, their stages over time, registries and components.

use crate::Version;
use std::fmt;

/// A gate's maturity at some version, as Kubernetes' `featuregate.PreRelease` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Alpha,
    Beta,
    Ga,
    Deprecated,
}

impl Stage {
    /// The lower-case name used in gates.yaml and in JSON output.
    pub const fn as_str(self) -> &'static str {
        match self {
            Stage::Alpha => "alpha",
            Stage::Beta => "beta",
            Stage::Ga => "ga",
            Stage::Deprecated => "deprecated",
        }
    }

    /// The name Kubernetes' own documentation uses.
    pub const fn title(self) -> &'static str {
        match self {
            Stage::Alpha => "Alpha",
            Stage::Beta => "Beta",
            Stage::Ga => "GA",
            Stage::Deprecated => "Deprecated",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        match s.to_ascii_lowercase().as_str() {
            "alpha" => Some(Stage::Alpha),
            "beta" => Some(Stage::Beta),
            "ga" | "stable" => Some(Stage::Ga),
            "deprecated" => Some(Stage::Deprecated),
            _ => None,
        }
    }

    pub const ALL: [Stage; 4] = [Stage::Alpha, Stage::Beta, Stage::Ga, Stage::Deprecated];
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a gate can be set to anything but its default (Kubernetes' `LockToDefault`), as far
/// as the sources say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lock {
    /// Locked to the default: setting anything else fails.
    Locked,
    /// Can be set.
    Unlocked,
    /// No source settles it (the website's tables and pages rarely say). The checks must not take
    /// this as "unlocked".
    Unknown,
}

impl Lock {
    /// A lock a source states.
    pub const fn from_bool(locked: bool) -> Lock {
        if locked {
            Lock::Locked
        } else {
            Lock::Unlocked
        }
    }

    /// Whether the gate is known to be locked.
    pub const fn is_locked(self) -> bool {
        matches!(self, Lock::Locked)
    }

    /// Whether a source settles the lock.
    pub const fn is_known(self) -> bool {
        !matches!(self, Lock::Unknown)
    }

    /// The lock where a source settles it (`None`: unknown).
    pub const fn known(self) -> Option<bool> {
        match self {
            Lock::Locked => Some(true),
            Lock::Unlocked => Some(false),
            Lock::Unknown => None,
        }
    }
}

/// One entry of a gate's timeline: from `since` on (until the next entry), the gate has this
/// stage and default, and `lock` says whether it can be set to anything but the default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StageSpec {
    pub since: Version,
    pub stage: Stage,
    pub default: bool,
    pub lock: Lock,
}

/// A change inside a minor release: from patch release `release.from` on, the gate has `spec`
/// (`None`: the release no longer, or not yet, registers it) instead of what `release.0` had.
/// `after` is the last patch release known to have had the earlier state, so patches between
/// `after` and `from` are unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatchChange {
    pub release: Version,
    pub after: u16,
    pub from: u16,
    pub spec: Option<StageSpec>,
}

/// Where a gate's facts come from, release by release: from `since` on (until the next entry),
/// `source` (an id of gates.yaml's `sources`, such as `registry` or `website-gate-page`)
/// settles them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub since: Version,
    pub source: &'static str,
}

impl Evidence {
    /// The kind of source `source` is.
    pub fn kind(&self) -> EvidenceKind {
        EvidenceKind::of(self.source)
    }
}

/// The kind of source that settles a gate's facts. A source id (gates.yaml's `sources`) is
/// classified here and nowhere else ([`EvidenceKind::of`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvidenceKind {
    /// The release's own registry (`registry`): what its features packages register.
    Registry,
    /// The registry of a pre-release of the release (`registry-pre`): its facts may still change.
    PreRelease,
    /// The registry of a development tree late in the release's cycle (`registry-dev`).
    Development,
    /// Kubernetes' generated feature lists (`k8s-list-...`, `k8s-feature-list-md`): a later
    /// tree's view of earlier releases.
    GeneratedList,
    /// The website's tables and per-gate pages (`website-...`).
    Website,
    /// kubeadm's documentation (`kubeadm-docs-...`).
    KubeadmDocs,
    /// A hand correction in data/overrides.yaml (`override`).
    Override,
    /// Any other id.
    Other,
}

impl EvidenceKind {
    /// The kind of the source with this id.
    pub fn of(id: &str) -> EvidenceKind {
        match id {
            "registry" => EvidenceKind::Registry,
            "registry-pre" => EvidenceKind::PreRelease,
            "registry-dev" => EvidenceKind::Development,
            "override" => EvidenceKind::Override,
            "k8s-feature-list-md" => EvidenceKind::GeneratedList,
            _ if id.starts_with("k8s-list-") => EvidenceKind::GeneratedList,
            _ if id.starts_with("website-") => EvidenceKind::Website,
            _ if id.starts_with("kubeadm-docs-") => EvidenceKind::KubeadmDocs,
            _ => EvidenceKind::Other,
        }
    }

    /// The id a registry kind's facts carry in gates.yaml (what [`EvidenceKind::of`] reads
    /// back); `None` for the other kinds, whose ids name the exact source.
    pub const fn registry_id(self) -> Option<&'static str> {
        match self {
            EvidenceKind::Registry => Some("registry"),
            EvidenceKind::PreRelease => Some("registry-pre"),
            EvidenceKind::Development => Some("registry-dev"),
            _ => None,
        }
    }

    /// Whether the source is one of a release's own registries (released, pre-release or
    /// development tree): the strongest evidence, which hand corrections must not restate.
    pub const fn is_registry(self) -> bool {
        self.registry_id().is_some()
    }
}

/// The meta-gates component-base's featuregate registers in every component: each sets every
/// gate at its stage that is not locked and not set by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MetaGate {
    AllAlpha,
    AllBeta,
}

impl MetaGate {
    pub const ALL: [MetaGate; 2] = [MetaGate::AllAlpha, MetaGate::AllBeta];

    /// The gate's name, as users set it.
    pub const fn name(self) -> &'static str {
        match self {
            MetaGate::AllAlpha => "AllAlpha",
            MetaGate::AllBeta => "AllBeta",
        }
    }

    /// The meta-gate called `name`, if it is one.
    pub fn parse(name: &str) -> Option<MetaGate> {
        MetaGate::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The stage whose gates it switches.
    pub const fn stage(self) -> Stage {
        match self {
            MetaGate::AllAlpha => Stage::Alpha,
            MetaGate::AllBeta => Stage::Beta,
        }
    }

    /// The meta-gate that switches a gate with `spec`, if any: AllAlpha an alpha gate, AllBeta a
    /// beta gate, unless the gate is locked.
    pub fn switching(spec: &StageSpec) -> Option<MetaGate> {
        if spec.lock.is_locked() {
            return None;
        }
        MetaGate::ALL.into_iter().find(|m| m.stage() == spec.stage)
    }
}

/// Which list of gates a name belongs to. The core Kubernetes components share one list;
/// kubeadm keeps its own, set through `ClusterConfiguration.featureGates`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Registry {
    Kubernetes,
    Kubeadm,
}

impl Registry {
    pub const fn as_str(self) -> &'static str {
        match self {
            Registry::Kubernetes => "kubernetes",
            Registry::Kubeadm => "kubeadm",
        }
    }

    pub fn parse(s: &str) -> Option<Registry> {
        match s {
            "kubernetes" => Some(Registry::Kubernetes),
            "kubeadm" => Some(Registry::Kubeadm),
            _ => None,
        }
    }
}

impl fmt::Display for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A program that reads feature gates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    KubeApiserver,
    KubeControllerManager,
    KubeScheduler,
    Kubelet,
    KubeProxy,
    CloudControllerManager,
    Kubectl,
    Kubeadm,
}

impl Component {
    pub const ALL: [Component; 8] = [
        Component::KubeApiserver,
        Component::KubeControllerManager,
        Component::KubeScheduler,
        Component::Kubelet,
        Component::KubeProxy,
        Component::CloudControllerManager,
        Component::Kubectl,
        Component::Kubeadm,
    ];

    /// The binary's name, which is also how users and KEPs write it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Component::KubeApiserver => "kube-apiserver",
            Component::KubeControllerManager => "kube-controller-manager",
            Component::KubeScheduler => "kube-scheduler",
            Component::Kubelet => "kubelet",
            Component::KubeProxy => "kube-proxy",
            Component::CloudControllerManager => "cloud-controller-manager",
            Component::Kubectl => "kubectl",
            Component::Kubeadm => "kubeadm",
        }
    }

    pub fn parse(s: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether the component reads the shared core registry (`k8s.io/kubernetes/pkg/features`),
    /// and so accepts every core gate.
    pub const fn shares_core_registry(self) -> bool {
        matches!(
            self,
            Component::KubeApiserver
                | Component::KubeControllerManager
                | Component::KubeScheduler
                | Component::Kubelet
                | Component::KubeProxy
        )
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything known about one gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gate {
    /// The key users type (`--feature-gates=<name>=true`); case-sensitive.
    pub name: &'static str,
    pub registry: Registry,
    /// The components the gate concerns, from its KEP; empty when no source says.
    pub components: &'static [Component],
    /// The Kubernetes Enhancement Proposal number, where known.
    pub kep: Option<u32>,
    /// The first minor version that no longer recognises the gate.
    pub removed_in: Option<Version>,
    /// The timeline, oldest first; never empty.
    pub stages: &'static [StageSpec],
    /// What the sources leave uncertain about this gate, if anything.
    pub note: Option<&'static str>,
    /// From each release on, the gates that must be enabled whenever this one is; oldest first.
    pub depends_on: &'static [Dependency],
    /// The Go package that declares the gate, where known (which binaries register it).
    pub package: Option<Package>,
    /// Which source settles the gate's facts at each release, oldest first.
    pub evidence: &'static [Evidence],
    /// Changes made in patch releases (the timeline describes each minor's first patch release
    /// that was read, usually .0), oldest first.
    pub patches: &'static [PatchChange],
}

/// The Go package that declares a gate. Every core binary registers all of them; other binaries
/// (cloud-controller-manager) register only some.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Package {
    /// `k8s.io/kubernetes/pkg/features`: the kube gates proper.
    Kubernetes,
    /// `k8s.io/apiserver/pkg/features`: generic API-server gates.
    ApiServer,
    /// `k8s.io/apiextensions-apiserver/pkg/features`.
    ApiExtensions,
    /// `k8s.io/controller-manager/pkg/features`.
    ControllerManager,
    /// `k8s.io/component-base/zpages/features`.
    ZPages,
    /// `k8s.io/client-go/features`.
    ClientGo,
}

impl Package {
    pub const ALL: [Package; 6] = [
        Package::Kubernetes,
        Package::ApiServer,
        Package::ApiExtensions,
        Package::ControllerManager,
        Package::ZPages,
        Package::ClientGo,
    ];

    pub const fn path(self) -> &'static str {
        match self {
            Package::Kubernetes => "k8s.io/kubernetes/pkg/features",
            Package::ApiServer => "k8s.io/apiserver/pkg/features",
            Package::ApiExtensions => "k8s.io/apiextensions-apiserver/pkg/features",
            Package::ControllerManager => "k8s.io/controller-manager/pkg/features",
            Package::ZPages => "k8s.io/component-base/zpages/features",
            Package::ClientGo => "k8s.io/client-go/features",
        }
    }

    pub fn parse(path: &str) -> Option<Package> {
        Package::ALL.into_iter().find(|p| p.path() == path)
    }

    /// Whether cloud-controller-manager (`k8s.io/cloud-provider`) registers this package's gates:
    /// it imports the generic API-server and controller-manager gates, not kubernetes' own or
    /// apiextensions'. `None` where that is not known.
    pub const fn registered_by_ccm(self) -> Option<bool> {
        match self {
            Package::ApiServer | Package::ControllerManager => Some(true),
            Package::Kubernetes | Package::ApiExtensions => Some(false),
            Package::ZPages | Package::ClientGo => None,
        }
    }
}

/// Kubernetes refuses to start when an enabled gate depends on a disabled one (from 1.35).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dependency {
    pub since: Version,
    pub gates: &'static [&'static str],
}

/// The first release whose components check dependencies (component-base, k/k PR #133697).
pub const DEPENDENCIES_CHECKED_FROM: Version = Version::new(1, 35);

impl Gate {
    /// The first minor version that recognises the gate.
    pub fn introduced(&self) -> Version {
        self.stages[0].since
    }

    /// The spec in force at `v`, or `None` before introduction or from removal on.
    pub fn spec_at(&self, v: Version) -> Option<StageSpec> {
        if v < self.introduced() || self.removed_in.is_some_and(|r| v >= r) {
            return None;
        }
        self.stages.iter().rev().find(|s| s.since <= v).copied()
    }

    /// The gates that must be enabled when this one is, in release `v` (none before 1.35,
    /// when Kubernetes began to check).
    pub fn dependencies_at(&self, v: Version) -> &'static [&'static str] {
        if v < DEPENDENCIES_CHECKED_FROM || self.spec_at(v).is_none() {
            return &[];
        }
        self.depends_on
            .iter()
            .rev()
            .find(|d| d.since <= v)
            .map_or(&[], |d| d.gates)
    }

    /// The patch changes made inside minor release `v`, oldest first.
    pub fn patches_in(&self, v: Version) -> impl Iterator<Item = &'static PatchChange> {
        self.patches.iter().filter(move |p| p.release == v)
    }

    /// The latest patch change in force at `v.patch` (`patch` at or after its `from`), if any,
    /// and whether `patch` falls where no release was read (after `after`, before `from`) of a
    /// later change, so that its state is not known.
    pub fn patch_state(
        &self,
        v: Version,
        patch: u16,
    ) -> (Option<&'static PatchChange>, Option<&'static PatchChange>) {
        let applied = self.patches_in(v).filter(|p| p.from <= patch).last();
        let unsure = self
            .patches_in(v)
            .find(|p| p.after < patch && patch < p.from);
        (applied, unsure)
    }

    /// The source that settles the gate's facts at `v` (`None` where none is recorded).
    pub fn evidence_at(&self, v: Version) -> Option<&'static str> {
        self.evidence
            .iter()
            .rev()
            .find(|e| e.since <= v)
            .map(|e| e.source)
    }

    /// The last spec the gate had before it was removed (or its current one).
    pub fn last_spec(&self) -> StageSpec {
        self.stages[self.stages.len() - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_registry_kind_reads_back_from_its_id() {
        for kind in [
            EvidenceKind::Registry,
            EvidenceKind::PreRelease,
            EvidenceKind::Development,
        ] {
            let id = kind.registry_id().unwrap();
            assert_eq!(EvidenceKind::of(id), kind);
            assert!(kind.is_registry());
        }
        assert_eq!(EvidenceKind::of("website-gate-page"), EvidenceKind::Website);
        assert_eq!(
            EvidenceKind::of("k8s-list-1.36dev"),
            EvidenceKind::GeneratedList
        );
        assert!(!EvidenceKind::of("override").is_registry());
        assert_eq!(EvidenceKind::of(""), EvidenceKind::Other);
    }

    #[test]
    fn a_meta_gate_switches_unlocked_gates_at_its_stage() {
        let spec = |stage, lock| StageSpec {
            since: Version::new(1, 30),
            stage,
            default: false,
            lock,
        };
        assert_eq!(
            MetaGate::switching(&spec(Stage::Alpha, Lock::Unlocked)),
            Some(MetaGate::AllAlpha)
        );
        assert_eq!(
            MetaGate::switching(&spec(Stage::Beta, Lock::Unknown)),
            Some(MetaGate::AllBeta)
        );
        assert_eq!(MetaGate::switching(&spec(Stage::Beta, Lock::Locked)), None);
        assert_eq!(MetaGate::switching(&spec(Stage::Ga, Lock::Unlocked)), None);
        assert_eq!(MetaGate::parse("AllBeta"), Some(MetaGate::AllBeta));
        assert_eq!(MetaGate::parse("AllowDNSOnlyNodeCSR"), None);
    }
}
