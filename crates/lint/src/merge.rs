//! How one component's settings combine before they are judged, as the components combine
//! them: repeated flags accumulate (the later key wins); the kubelet's flags override its config
//! file key by key (`kubeletConfigFlagPrecedence`, cmd/kubelet/app/server.go), within a file and,
//! with `--node`, across a node's files; AllAlpha / AllBeta switch the gates at their stage that
//! are not set by name. Findings are made in `check/`; this module only computes.

use crate::formats::{Setting, Value};
use foldhash::{HashMap, HashMapExt};
use gatecheck_rules::{Component, MetaGate, Registry, Rules, Version};

/// A kubelet config-file setting that a kubelet flag overrides.
pub(crate) struct Override<'s> {
    /// Index of the file setting in the file's settings.
    pub file: usize,
    pub flag: &'s Setting,
    /// The setting applies to the kubelet only (kind's `featureGates` also feed other components,
    /// which keep using it).
    pub kubelet_only: bool,
}

/// The kubelet's flag-over-file layering for one file.
pub(crate) struct KubeletLayers<'s> {
    /// Settings with no effect, by index: overridden kubelet file settings, and groups the
    /// component ignores (kube-proxy flags beside `--config`).
    pub shadowed: Vec<bool>,
    pub overridden: Vec<Override<'s>>,
    /// The kubelet config files' values, which a kubelet flag replaces.
    pub file_values: HashMap<&'s str, bool>,
}

pub(crate) fn kubelet_layers<'s>(
    settings: &'s [Setting],
    node: &'s [Setting],
    ignored_groups: &[usize],
) -> KubeletLayers<'s> {
    let kubelet_only = |s: &Setting| s.components == [Component::Kubelet];
    let mut shadowed: Vec<bool> = settings
        .iter()
        .map(|s| ignored_groups.contains(&s.group))
        .collect();
    // Without a kubelet flag here or in the node's other files, nothing is layered.
    if node.is_empty() && !settings.iter().any(|s| s.from_flag && kubelet_only(s)) {
        return KubeletLayers {
            shadowed,
            overridden: Vec::new(),
            file_values: HashMap::new(),
        };
    }
    let flags: HashMap<&str, &Setting> = node
        .iter()
        .chain(settings)
        .filter(|s| s.from_flag && kubelet_only(s))
        .map(|s| (&*s.gate, s))
        .collect();
    let mut overridden = Vec::new();
    for (i, s) in settings.iter().enumerate() {
        if s.from_flag || !s.components.contains(&Component::Kubelet) {
            continue;
        }
        if let Some(flag) = flags.get(&*s.gate) {
            shadowed[i] |= kubelet_only(s);
            overridden.push(Override {
                file: i,
                flag,
                kubelet_only: kubelet_only(s),
            });
        }
    }
    let file_values = node
        .iter()
        .chain(settings)
        .filter(|s| !s.from_flag && kubelet_only(s))
        .filter_map(|s| match s.value {
            Value::Bool(b) => Some((&*s.gate, b)),
            Value::Invalid(_) => None,
        })
        .collect();
    KubeletLayers {
        shadowed,
        overridden,
        file_values,
    }
}

/// The AllAlpha / AllBeta values set in each group.
pub(crate) fn meta_values(settings: &[Setting]) -> HashMap<usize, MetaValues> {
    // Only groups that set one are entered: most files have none.
    let mut out: HashMap<usize, MetaValues> = HashMap::new();
    for s in settings {
        match (MetaGate::parse(&s.gate), &s.value) {
            (Some(MetaGate::AllAlpha), Value::Bool(b)) => {
                out.entry(s.group).or_default().all_alpha = Some(*b)
            }
            (Some(MetaGate::AllBeta), Value::Bool(b)) => {
                out.entry(s.group).or_default().all_beta = Some(*b)
            }
            _ => {}
        }
    }
    out
}

/// What a setting's value replaces, besides the default: AllAlpha / AllBeta set in its group,
/// or (for a kubelet flag) the kubelet config file's value for the same gate.
#[derive(Clone, Copy, Default)]
pub(crate) struct MetaValues {
    pub all_alpha: Option<bool>,
    pub all_beta: Option<bool>,
    pub replaced: Option<bool>,
}

/// The settings of each merge group, in file order. The kubelet's config-file settings and its
/// flags form one group when a file has both (or `--node` brings the node's other files in):
/// other files' config settings, this file's, other files' flags, this file's flags; the later
/// wins. Shadowed settings are left out.
pub(crate) fn groups<'s>(
    settings: &'s [Setting],
    shadowed: &[bool],
    node: &'s [Setting],
) -> Vec<Vec<&'s Setting>> {
    let kubelet_only = |s: &Setting| s.components == [Component::Kubelet];
    let merge_kubelet = !node.is_empty() || settings.iter().any(|s| s.from_flag && kubelet_only(s));
    let mut order: Vec<usize> = Vec::new();
    let mut by_group: HashMap<usize, Vec<&Setting>> = HashMap::new();
    let mut kubelet: [Vec<&Setting>; 4] = Default::default();
    for (s, _) in settings.iter().zip(shadowed).filter(|(_, sh)| !**sh) {
        if merge_kubelet && kubelet_only(s) {
            kubelet[if s.from_flag { 3 } else { 1 }].push(s);
            continue;
        }
        by_group
            .entry(s.group)
            .or_insert_with(|| {
                order.push(s.group);
                Vec::new()
            })
            .push(s);
    }
    if kubelet.iter().any(|k| !k.is_empty()) {
        for s in node {
            kubelet[if s.from_flag { 2 } else { 0 }].push(s);
        }
    }
    let mut out: Vec<Vec<&Setting>> = order.iter().filter_map(|k| by_group.remove(k)).collect();
    let kubelet: Vec<&Setting> = kubelet.into_iter().flatten().collect();
    if !kubelet.is_empty() {
        out.push(kubelet);
    }
    out
}

/// Why a gate has the value it has in one component's merged settings.
#[derive(Clone, Copy)]
pub(crate) enum Cause<'s> {
    Default,
    /// Set by name.
    Explicit(&'s Setting),
    /// Switched by AllAlpha or AllBeta.
    Meta(&'s Setting),
}

impl<'s> Cause<'s> {
    pub fn setting(self) -> Option<&'s Setting> {
        match self {
            Cause::Default => None,
            Cause::Explicit(s) | Cause::Meta(s) => Some(s),
        }
    }
}

/// One component's gate values after merging, as component-base computes them: explicit
/// settings win (the later of two), then AllAlpha / AllBeta for gates at that stage, then the
/// default at the target.
pub(crate) struct Merged<'s> {
    pub explicit: HashMap<&'s str, (bool, &'s Setting)>,
    pub all_alpha: Option<(bool, &'s Setting)>,
    pub all_beta: Option<(bool, &'s Setting)>,
}

impl<'s> Merged<'s> {
    pub fn new(group: &[&'s Setting]) -> Self {
        let mut explicit = HashMap::with_capacity(group.len());
        for s in group {
            if let Value::Bool(v) = s.value {
                explicit.insert(&*s.gate, (v, *s));
            }
        }
        Merged {
            all_alpha: explicit.get(MetaGate::AllAlpha.name()).copied(),
            all_beta: explicit.get(MetaGate::AllBeta.name()).copied(),
            explicit,
        }
    }

    /// The value of a core gate at `target`, or `None` when the target does not know it.
    pub fn value(&self, rules: &Rules, target: Version, name: &str) -> Option<(bool, Cause<'s>)> {
        let spec = rules.gate(Registry::Kubernetes, name)?.spec_at(target)?;
        if let Some((v, s)) = self.explicit.get(name) {
            // A locked gate set the other way is its own error (GC004); the component stops
            // there, so it is judged here at the value it is locked to.
            if !spec.lock.is_locked() || *v == spec.default {
                return Some((*v, Cause::Explicit(s)));
            }
            return Some((spec.default, Cause::Default));
        }
        let meta = match MetaGate::switching(&spec) {
            Some(MetaGate::AllAlpha) => self.all_alpha,
            Some(MetaGate::AllBeta) => self.all_beta,
            None => None,
        };
        Some(match meta {
            Some((v, s)) => (v, Cause::Meta(s)),
            None => (spec.default, Cause::Default),
        })
    }
}
