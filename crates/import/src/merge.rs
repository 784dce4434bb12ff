//! Decides, gate by gate, which source to believe, and applies the hand corrections.
//!
//! Precedence for the core registry (newest evidence first):
//! 1. Kubernetes' generated lists, newest snapshot first (v1.37 dev, v1.36 dev, v1.34 dev).
//!    A gate missing from a newer snapshot than one that has it was removed from the code: its
//!    removal release comes from its website page (`removed: true`) or from an override.
//! 2. `feature_list.md`, for the client-go gates the YAML lists leave out.
//! 3. The website's removed-gates table (removals up to 1.28).
//! 4. Per-gate website pages (gates removed about 1.29–1.37), then the 1.27 website table.
//!
//! Kubernetes' lists give some gates a first spec at "1.0": a placeholder, not a release. When
//! an older website table knows the gate, its history replaces the placeholder; otherwise the
//! gate was created later (to deprecate old behaviour) and was first recognised at its next spec.

use crate::sources::{self, same_state, Page, TableGate, Timeline};
use crate::{registry, Error, Inputs, Result};
use gatecheck_rules::{Component, Registry, Stage, StageSpec, Version};
use gatecheck_yaml::Node;
use std::collections::{BTreeMap, BTreeSet};

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
    /// Ids of the sources this record was built from (see `SOURCES`; `registry-1.NN` for the
    /// per-release registries).
    pub sources: Vec<String>,
    /// From each release on, the id of the source that settles the gate's facts.
    pub evidence: Vec<(Version, String)>,
    /// Changes inside a minor: (minor, last patch with the old state, first patch with the new
    /// one, the new spec or None for "not registered").
    pub patches: Vec<(Version, u16, u16, Option<StageSpec>)>,
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

/// One hand correction from `data/overrides.yaml`.
#[derive(Clone, Debug, Default)]
struct Override {
    introduced: Option<Version>,
    removed_in: Option<Version>,
    stages: Option<Timeline>,
    add_stages: Timeline,
    components: Option<Vec<Component>>,
    note: Option<String>,
    /// Recognised today although no list carries it (the AllAlpha/AllBeta meta-gates).
    still_recognised: bool,
}

struct Overrides {
    newest: Version,
    renames: BTreeMap<String, String>,
    gates: BTreeMap<(Registry, String), Override>,
}

fn spec_strings(node: Option<&Node>, name: &str) -> Result<Timeline> {
    let mut out = Vec::new();
    for s in node.and_then(Node::as_seq).unwrap_or_default() {
        let text = s.as_str().unwrap_or_default();
        let f: Vec<&str> = text.split_whitespace().collect();
        let [v, stage, default, locked] = f[..] else {
            return Err(Error(format!("override {name}: malformed stage {text:?}")));
        };
        out.push(StageSpec {
            since: sources::version(v)?,
            stage: Stage::parse(stage)
                .ok_or_else(|| Error(format!("override {name}: stage {stage:?}")))?,
            default: default == "true",
            locked: locked == "true",
            // An override states a lock only where its source does ("true"); "false" on a GA
            // stage means the source does not say.
            lock_known: locked == "true" || !matches!(stage, "ga" | "GA" | "deprecated"),
        });
    }
    Ok(out)
}

fn overrides(text: &str) -> Result<Overrides> {
    let docs = gatecheck_yaml::parse(text).map_err(|e| Error(format!("overrides.yaml: {e}")))?;
    let root = &docs
        .first()
        .ok_or_else(|| Error("overrides.yaml is empty".into()))?
        .root;
    let newest = sources::version(root.get("newest").and_then(Node::as_str).unwrap_or(""))?;
    let mut renames = BTreeMap::new();
    for r in root
        .get("renames")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let (Some(from), Some(to)) = (
            r.get("list_name").and_then(Node::as_str),
            r.get("flag_key").and_then(Node::as_str),
        ) else {
            return Err(Error(
                "overrides.yaml: a rename needs list_name and flag_key".into(),
            ));
        };
        renames.insert(from.to_string(), to.to_string());
    }
    let mut gates = BTreeMap::new();
    for g in root.get("gates").and_then(Node::as_seq).unwrap_or_default() {
        let name = g
            .get("name")
            .and_then(Node::as_str)
            .ok_or_else(|| Error("overrides.yaml: a gate without a name".into()))?;
        if g.get("source")
            .and_then(Node::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(Error(format!("overrides.yaml: {name} has no source")));
        }
        let registry = match g.get("registry").and_then(Node::as_str) {
            None => Registry::Kubernetes,
            Some(r) => Registry::parse(r)
                .ok_or_else(|| Error(format!("overrides.yaml: {name}: registry {r:?}")))?,
        };
        let opt_version = |key: &str| -> Result<Option<Version>> {
            g.get(key)
                .and_then(Node::as_str)
                .map(sources::version)
                .transpose()
        };
        let components = match g.get("components").and_then(Node::as_seq) {
            None => None,
            Some(list) => Some(
                list.iter()
                    .map(|c| {
                        let s = c.as_str().unwrap_or_default();
                        Component::parse(s).ok_or_else(|| {
                            Error(format!("overrides.yaml: {name}: component {s:?}"))
                        })
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        let o = Override {
            introduced: opt_version("introduced")?,
            removed_in: opt_version("removed_in")?,
            stages: g
                .get("stages")
                .map(|n| spec_strings(Some(n), name))
                .transpose()?,
            add_stages: spec_strings(g.get("add_stages"), name)?,
            components,
            note: g.get("note").and_then(Node::as_str).map(str::to_string),
            still_recognised: g
                .get("still_recognised")
                .and_then(Node::as_yaml11_bool)
                .unwrap_or(false),
        };
        if gates.insert((registry, name.to_string()), o).is_some() {
            return Err(Error(format!("overrides.yaml: {name} appears twice")));
        }
    }
    Ok(Overrides {
        newest,
        renames,
        gates,
    })
}

/// Replaces a "1.0" placeholder first spec, as described in the module documentation.
fn resolve_placeholder(mut timeline: Timeline, older: Option<&Timeline>) -> Timeline {
    if timeline
        .first()
        .is_none_or(|s| s.since != Version::new(1, 0))
    {
        return timeline;
    }
    let next = timeline.get(1).map(|s| s.since);
    if let Some(older) = older.filter(|o| !o.is_empty()) {
        let mut merged: Timeline = older
            .iter()
            .filter(|s| next.is_none_or(|n| s.since < n))
            .copied()
            .collect();
        merged.extend(timeline.drain(1..));
        return merged;
    }
    if next.is_some() {
        timeline.remove(0);
    }
    timeline
}

/// Drops entries that change nothing and entries beyond the data's newest release.
fn normalise(timeline: Timeline, newest: Version) -> Timeline {
    let mut out: Timeline = Vec::new();
    let mut sorted = timeline;
    sorted.sort_by_key(|s| s.since);
    for s in sorted.into_iter().filter(|s| s.since <= newest) {
        match out.last_mut() {
            Some(last) if last.since == s.since => *last = s,
            Some(last) if same_state(last, &s) => {}
            _ => out.push(s),
        }
    }
    out
}

fn removal_from_page(page: Option<&Page>) -> Option<Version> {
    let page = page?;
    if !page.removed {
        return None;
    }
    page.last_release
        .or(page.stages.last().map(|s| s.since))
        .map(Version::next)
}

/// Builds every gate record from the inputs.
pub fn merge(inputs: &Inputs) -> Result<(Version, Vec<GateRecord>)> {
    let ov = overrides(&inputs.overrides)?;
    let all_registries = registry::read_all(&inputs.registries)?;
    // The newest release is the data's: the newest release (or pre-release) a registry covers,
    // unless data/overrides.yaml names a newer one.
    let newest = all_registries
        .iter()
        .map(|r| r.release)
        .chain(std::iter::once(ov.newest))
        .max()
        .unwrap_or(ov.newest);
    let rename = |name: &str| {
        ov.renames
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    };
    let renamed = |list: BTreeMap<String, Timeline>| -> BTreeMap<String, Timeline> {
        list.into_iter().map(|(k, v)| (rename(&k), v)).collect()
    };
    // Kubernetes' generated lists from kubernetes/kubernetes itself. (A v1.37 development list
    // carried by openshift/kubernetes was used once; a downstream fork is no evidence of
    // upstream, and the per-release registries replaced it.)
    let lists: [(&'static str, BTreeMap<String, Timeline>); 2] = [
        (
            "k8s-list-1.36dev",
            renamed(sources::versioned_list(&inputs.list_136dev)?),
        ),
        (
            "k8s-list-1.34dev",
            renamed(sources::versioned_list(&inputs.list_134dev)?),
        ),
    ];
    let md = sources::feature_list_md(&inputs.feature_list_md)?;
    let removed_table = sources::website_table(&inputs.removed_table)?;
    let table_127 = sources::website_table(&inputs.table_127)?;
    let mut pages = BTreeMap::new();
    for (name, text) in &inputs.pages {
        pages.insert(name.clone(), sources::page(text, name)?);
    }
    let keps = sources::keps(&inputs.keps)?;

    let mut names: BTreeSet<String> = BTreeSet::new();
    for (_, list) in &lists {
        names.extend(list.keys().cloned());
    }
    names.extend(md.keys().cloned());
    names.extend(removed_table.keys().cloned());
    names.extend(table_127.keys().cloned());
    names.extend(pages.keys().cloned());
    // Each minor's facts come from its lowest patch release; later patches are patch changes.
    let registries: Vec<registry::Registry> = registry::bases(&all_registries)
        .into_iter()
        .cloned()
        .collect();
    for r in &registries {
        names.extend(r.gates.keys().map(|n| rename(n)));
    }
    // Gates whose removal no source but the registries gives; checked once they are applied.
    let mut removal_needed: BTreeSet<String> = BTreeSet::new();
    // AllAlpha and AllBeta are meta-gates registered in every component; they are real keys.

    let mut records = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let page = pages.get(&name);
        let older: Option<&TableGate> = removed_table.get(&name).or(table_127.get(&name));
        let mut sources_used: Vec<&'static str> = Vec::new();
        let mut removed_in = None;
        let mut stages: Timeline;
        // (from release, source id): which source gives the facts, before the registries.
        let mut evidence: Vec<(Version, &'static str)> = Vec::new();
        let mut removal_source = None;

        if let Some(i) = lists.iter().position(|(_, l)| l.contains_key(&name)) {
            let (id, list) = &lists[i];
            sources_used.push(id);
            let older_stages = older.map(|t| &t.stages).or(page.map(|p| &p.stages));
            stages = resolve_placeholder(list[&name].clone(), older_stages);
            if i > 0 {
                // Missing from a newer snapshot: removed from the code since.
                removed_in = removal_from_page(page);
                if removed_in.is_some() {
                    sources_used.push("website-gate-page");
                    removal_source = Some("website-gate-page");
                }
            } else if let Some(p) = page {
                // The list is an early 1.37 development snapshot; a page may know later stages.
                let last = stages.last().map(|s| s.since);
                let later: Vec<StageSpec> = p
                    .stages
                    .iter()
                    .filter(|s| last.is_some_and(|l| s.since > l))
                    .copied()
                    .collect();
                if let Some(first) = later.first() {
                    evidence.push((first.since, "website-gate-page"));
                    stages.extend(later);
                    sources_used.push("website-gate-page");
                }
                if let Some(r) = removal_from_page(page) {
                    removed_in = Some(r);
                    sources_used.push("website-gate-page");
                    removal_source = Some("website-gate-page");
                }
            }
        } else if let Some(t) = md.get(&name) {
            sources_used.push("k8s-feature-list-md");
            stages = resolve_placeholder(t.clone(), None);
        } else if let Some(t) = removed_table.get(&name) {
            sources_used.push("website-removed-table");
            stages = t.stages.clone();
            // The page's legend calls "To" of a GA or deprecated row the removal release, but the
            // rows follow the per-gate pages' convention: "To" is the last release that still
            // has the gate. Cross-checked against siderolabs/go-kubernetes' per-upgrade removal
            // lists: DynamicKubeletConfig (To 1.25) is removed in "1.25->1.26", AdvancedAuditing
            // (To 1.27) in "1.27->1.28", ExpandPersistentVolumes (To 1.26) in "1.26->1.27".
            removed_in = t.last_release.map(Version::next);
        } else if let Some(p) = page {
            sources_used.push("website-gate-page");
            stages = p.stages.clone();
            removed_in = removal_from_page(Some(p));
        } else if let Some(t) = table_127.get(&name) {
            sources_used.push("website-1.27-table");
            stages = t.stages.clone();
        } else {
            // Only the per-release registries know it; they give everything below.
            stages = Vec::new();
        }
        if let Some(first) = sources_used.first() {
            evidence.insert(0, (Version::new(1, 0), first));
        }

        let o = ov.gates.get(&(Registry::Kubernetes, name.clone()));
        if let Some(o) = o {
            sources_used.push("override");
            if let Some(s) = &o.stages {
                stages = s.clone();
                evidence = vec![(Version::new(1, 0), "override")];
            }
            stages.extend(o.add_stages.iter().copied());
            evidence.extend(o.add_stages.iter().map(|s| (s.since, "override")));
            if let Some(intro) = o.introduced {
                stages.retain(|s| s.since >= intro || s.since == Version::new(1, 0));
                if let Some(first) = stages.first_mut() {
                    first.since = first.since.max(intro);
                }
            }
            if o.removed_in.is_some() {
                removed_in = o.removed_in;
                removal_source = Some("override");
            }
        }
        let stages = normalise(stages, newest);
        let in_registries = registries.iter().any(|r| r.gates.contains_key(&name));
        if stages.is_empty() && !in_registries {
            // Every stage is after the newest release: not a gate of any release yet.
            continue;
        }
        let in_newest_list = lists[0].1.contains_key(&name)
            || md.contains_key(&name)
            || o.is_some_and(|o| o.still_recognised);
        // A stage at the newest release (from a page or an override) says it is still there.
        let at_newest = stages.last().is_some_and(|s| s.since == newest);
        if removed_in.is_none()
            && !in_newest_list
            && !at_newest
            && stages.first().is_some_and(|s| s.since < newest)
        {
            removal_needed.insert(name.clone());
        }
        if let (Some(r), Some(src)) = (removed_in, removal_source) {
            evidence.push((r, src));
        }
        let kep = keps.get(&name);
        if kep.is_some() {
            sources_used.push("keps");
        }
        sources_used.sort_by_key(|id| SOURCES.iter().position(|(s, _)| s == id));
        sources_used.dedup();
        evidence.sort_by_key(|(v, _)| *v);
        records.push(GateRecord {
            evidence: evidence
                .into_iter()
                .map(|(v, s)| (v, s.to_string()))
                .collect(),
            patches: Vec::new(),
            components: o
                .and_then(|o| o.components.clone())
                .or_else(|| kep.map(|k| k.components.clone()))
                .unwrap_or_default(),
            kep: kep.and_then(|k| k.kep),
            note: o.and_then(|o| o.note.clone()),
            name,
            registry: Registry::Kubernetes,
            removed_in,
            stages,
            depends_on: Vec::new(),
            package: None,
            sources: sources_used.into_iter().map(str::to_string).collect(),
        });
    }
    for (name, (timeline, removed)) in sources::kubeadm(&inputs.kubeadm)? {
        let o = ov.gates.get(&(Registry::Kubeadm, name.clone()));
        let mut stages = timeline;
        let mut removed_in = removed;
        let mut sources_used = vec!["kubeadm-docs-1.31"];
        if let Some(o) = o {
            sources_used.push("override");
            if let Some(s) = &o.stages {
                stages = s.clone();
            }
            stages.extend(o.add_stages.iter().copied());
            if o.removed_in.is_some() {
                removed_in = o.removed_in;
            }
        }
        records.push(GateRecord {
            components: vec![Component::Kubeadm],
            kep: None,
            note: o.and_then(|o| o.note.clone()),
            name,
            registry: Registry::Kubeadm,
            removed_in,
            stages: normalise(stages, newest),
            depends_on: Vec::new(),
            package: None,
            patches: Vec::new(),
            evidence: vec![(
                Version::new(1, 0),
                if o.is_some_and(|o| o.stages.is_some()) {
                    "override"
                } else {
                    "kubeadm-docs-1.31"
                }
                .to_string(),
            )],
            sources: sources_used.into_iter().map(str::to_string).collect(),
        });
    }
    // Gates that only the overrides know: kubeadm gates added after the v1.31 documentation,
    // and core gates newer than the newest list (with their stages and a source).
    for ((registry, name), o) in &ov.gates {
        if (*registry == Registry::Kubeadm || o.stages.is_some())
            && !records
                .iter()
                .any(|r| r.registry == *registry && &r.name == name)
        {
            let kep = keps.get(name).filter(|_| *registry == Registry::Kubernetes);
            records.push(GateRecord {
                name: name.clone(),
                registry: *registry,
                components: match registry {
                    Registry::Kubeadm => vec![Component::Kubeadm],
                    Registry::Kubernetes => o
                        .components
                        .clone()
                        .or_else(|| kep.map(|k| k.components.clone()))
                        .unwrap_or_default(),
                },
                kep: kep.and_then(|k| k.kep),
                removed_in: o.removed_in,
                stages: normalise(o.stages.clone().unwrap_or_default(), newest),
                note: o.note.clone(),
                depends_on: Vec::new(),
                package: None,
                evidence: vec![(Version::new(1, 0), "override".to_string())],
                patches: Vec::new(),
                sources: vec!["override".to_string()],
            });
        }
    }
    crate::timeline::apply(
        &mut records,
        &all_registries,
        newest,
        &rename,
        &mut problems,
        Registry::Kubernetes,
    );
    crate::timeline::attach_patches(&mut records, &all_registries, &rename, Registry::Kubernetes);
    // kubeadm's own registry, where a dumped registry records it (its InitFeatureGates): the
    // same rules as for the core gates. A gate only the registries know gets its record here.
    let kubeadm_regs = registry::kubeadm_view(&all_registries);
    for r in kubeadm_regs.iter().filter(|r| r.release <= newest) {
        for name in r.gates.keys() {
            if !records
                .iter()
                .any(|g| g.registry == Registry::Kubeadm && &g.name == name)
            {
                records.push(GateRecord {
                    name: name.clone(),
                    registry: Registry::Kubeadm,
                    components: vec![Component::Kubeadm],
                    kep: None,
                    removed_in: None,
                    stages: Vec::new(),
                    note: None,
                    depends_on: Vec::new(),
                    package: None,
                    evidence: Vec::new(),
                    patches: Vec::new(),
                    sources: Vec::new(),
                });
            }
        }
    }
    let same = |n: &str| n.to_string();
    crate::timeline::apply(
        &mut records,
        &kubeadm_regs,
        newest,
        &same,
        &mut problems,
        Registry::Kubeadm,
    );
    crate::timeline::attach_patches(&mut records, &kubeadm_regs, &same, Registry::Kubeadm);
    // A hand correction must not restate what a release's own registry settles: it would be
    // dead at best, and wrong where the registry disagrees.
    for r in &records {
        let Some(o) = ov.gates.get(&(r.registry, r.name.clone())) else {
            continue;
        };
        let settled = |v: Version| {
            r.evidence
                .iter()
                .rev()
                .find(|(s, _)| *s <= v)
                .is_some_and(|(_, s)| s.starts_with("registry"))
        };
        let specs = o.stages.iter().flatten().chain(o.add_stages.iter());
        for s in specs.filter(|s| s.since <= newest && settled(s.since)) {
            problems.push(format!(
                "overrides.yaml: {}'s {} stage is settled by that release's registry; remove it",
                r.name, s.since
            ));
        }
        if let Some(rm) = o.removed_in.filter(|rm| *rm <= newest && settled(*rm)) {
            problems.push(format!(
                "overrides.yaml: {}'s removal in {rm} is settled by the registries; remove it",
                r.name
            ));
        }
    }
    for r in &records {
        if r.stages
            .first()
            .is_some_and(|s| s.since == Version::new(1, 0))
        {
            problems.push(format!(
                "{}: only a \"1.0\" placeholder says when it appeared; add introduced to data/overrides.yaml",
                r.name
            ));
        }
    }
    for r in &records {
        let kept = registries.last().is_some_and(|reg| {
            reg.release == newest && reg.gates.keys().any(|n| rename(n) == r.name)
        });
        if removal_needed.contains(&r.name) && r.removed_in.is_none() && !kept {
            problems.push(format!(
                "{}: absent from the newest Kubernetes list but no source gives its removal release; add removed_in to data/overrides.yaml",
                r.name
            ));
        }
    }

    for (registry, name) in ov.gates.keys() {
        if !records
            .iter()
            .any(|r| r.registry == *registry && &r.name == name)
        {
            problems.push(format!(
                "overrides.yaml names {name}, which no source knows"
            ));
        }
    }
    let tables = sources::dependencies(&inputs.dependencies)?;
    attach_dependencies(&mut records, &tables, &registries, &rename, &mut problems);
    for (name, package) in sources::packages(&inputs.dependencies)? {
        let name = rename(&name);
        match records
            .iter_mut()
            .find(|r| r.registry == Registry::Kubernetes && r.name == name)
        {
            Some(r) => r.package = Some(package),
            None => problems.push(format!(
                "feature_dependencies.yaml's packages name {name}, which no other source knows"
            )),
        }
    }
    // The package from the registries (the newest released registry that has the gate) wins over
    // feature_dependencies.yaml's: the dumped registries name every package whose own
    // registration declares a gate and attribute it the same way for every release (see
    // registry::attribute). A package outside gatecheck's list (component-base logs, metrics)
    // leaves the gate without one.
    for r in records
        .iter_mut()
        .filter(|r| r.registry == Registry::Kubernetes)
    {
        let seen = all_registries
            .iter()
            .filter(|reg| !reg.is_provisional())
            .rev()
            .find_map(|reg| {
                reg.gates
                    .values()
                    .find(|g| rename(&g.name) == r.name)
                    .map(|g| g.package.clone())
            });
        if let Some(p) = seen {
            r.package = gatecheck_rules::Package::parse(&p);
        }
    }
    if !problems.is_empty() {
        return Err(Error(problems.join("\n")));
    }
    records.sort_by(|a, b| (a.registry, &a.name).cmp(&(b.registry, &b.name)));
    Ok((newest, records))
}

/// Gives each core gate its dependency timeline from the copies of Kubernetes' table, and
/// reports names in the table that no other source knows (a misspelt or missed gate).
fn attach_dependencies(
    records: &mut [GateRecord],
    tables: &[sources::DependencyTable],
    registries: &[registry::Registry],
    rename: &dyn Fn(&str) -> String,
    problems: &mut Vec<String>,
) {
    let renamed = |m: &BTreeMap<String, Vec<String>>| -> BTreeMap<String, Vec<String>> {
        m.iter()
            .map(|(k, v)| (rename(k), v.iter().map(|d| rename(d)).collect()))
            .collect()
    };
    let known: BTreeSet<String> = records
        .iter()
        .filter(|r| r.registry == Registry::Kubernetes)
        .map(|r| r.name.clone())
        .collect();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for t in tables {
        for m in [&t.depends_on, &t.first_release_differs] {
            for (gate, deps) in renamed(m) {
                unknown.extend(
                    std::iter::once(gate)
                        .chain(deps)
                        .filter(|n| !known.contains(n)),
                );
            }
        }
        unknown.extend(
            t.new_gates
                .iter()
                .map(|n| rename(n))
                .filter(|n| !known.contains(n)),
        );
    }
    for name in unknown {
        problems.push(format!(
            "feature_dependencies.yaml names {name}, which no other source knows"
        ));
    }
    let checked_from = gatecheck_rules::DEPENDENCIES_CHECKED_FROM;
    for r in records
        .iter_mut()
        .filter(|r| r.registry == Registry::Kubernetes)
    {
        // (release, dependencies) from each table, then sorted; a later table wins a release.
        let mut entries: Vec<(Version, Vec<String>)> = Vec::new();
        for t in tables {
            let full = renamed(&t.depends_on).remove(&r.name).unwrap_or_default();
            let new_gate = t.new_gates.iter().any(|n| rename(n) == r.name);
            let since = match r.stages.first() {
                Some(first) if new_gate => first.since.max(checked_from),
                _ => t.applies_from,
            };
            match renamed(&t.first_release_differs).remove(&r.name) {
                Some(first) => {
                    entries.push((since, first));
                    entries.push((since.next(), full));
                }
                None => entries.push((since, full)),
            }
        }
        // Each release's own table (in its registry) wins over the hand-transcribed snapshots.
        for reg in registries.iter().filter(|g| g.release >= checked_from) {
            if let Some(g) = reg.gates.values().find(|g| rename(&g.name) == r.name) {
                entries.push((
                    reg.release,
                    g.depends_on.iter().map(|d| rename(d)).collect(),
                ));
            }
        }
        entries.sort_by_key(|(since, _)| *since);
        let mut timeline: Vec<(Version, Vec<String>)> = Vec::new();
        for (since, deps) in entries {
            match timeline.last_mut() {
                Some(last) if last.0 == since => last.1 = deps,
                _ => timeline.push((since, deps)),
            }
        }
        // The same gates in another order is no change: transcribed tables keep the source's
        // order, dumped registries the order Kubernetes' feature gate gives back (sorted).
        timeline.dedup_by(|later, earlier| {
            let mut a = later.1.clone();
            let mut b = earlier.1.clone();
            a.sort();
            b.sort();
            a == b
        });
        if timeline.first().is_some_and(|(_, d)| d.is_empty()) {
            timeline.remove(0);
        }
        if !timeline.is_empty() {
            r.sources.push("k8s-dependencies".to_string());
            r.sources
                .sort_by_key(|id| SOURCES.iter().position(|(s, _)| s == id));
        }
        r.depends_on = timeline;
    }
}
