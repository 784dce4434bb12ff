//! Readers for each upstream source under `data/upstream/`. Each returns plain facts: a gate
//! name and the stages that source gives it. Deciding between sources is `merge.rs`'s job.

use crate::error::{Error, Result};
use gatecheck_rules::{Lock, Stage, StageSpec, Version};
use gatecheck_yaml::Node;
use std::collections::BTreeMap;

/// Stages one source gives one gate, oldest first.
pub type Timeline = Vec<StageSpec>;

pub fn version(s: &str) -> Result<Version> {
    let s = s.trim().trim_matches(['"', '`', '|', ' ']);
    // "0.0" (AllAlpha, AllBeta pages) is a placeholder like "1.0": "since before versions".
    if s == "0.0" {
        return Ok(Version::new(1, 0));
    }
    s.parse::<Version>().map_err(|e| Error(format!("{e}")))
}

fn yaml<'a>(text: &'a str, what: &str) -> Result<Vec<gatecheck_yaml::Document<'a>>> {
    gatecheck_yaml::parse(text).map_err(|e| Error(format!("{what}: {e}")))
}

fn str_of<'a>(node: &'a Node, key: &str, what: &str) -> Result<&'a str> {
    node.get(key)
        .and_then(Node::as_str)
        .ok_or_else(|| Error(format!("{what}: missing {key}")))
}

fn bool_of(node: &Node, key: &str, what: &str) -> Result<bool> {
    node.get(key)
        .and_then(Node::as_yaml11_bool)
        .ok_or_else(|| Error(format!("{what}: missing or non-boolean {key}")))
}

fn stage_of(s: &str, what: &str) -> Result<Stage> {
    Stage::parse(s.trim()).ok_or_else(|| Error(format!("{what}: unknown stage {s:?}")))
}

/// `test/compatibility_lifecycle/reference/versioned_feature_list.yaml`: a list of
/// `{name, versionedSpecs: [{default, lockToDefault, preRelease, version}]}`.
pub fn versioned_list(text: &str) -> Result<BTreeMap<String, Timeline>> {
    let docs = yaml(text, "versioned feature list")?;
    let mut out = BTreeMap::new();
    let Some(doc) = docs.first() else {
        return Ok(out);
    };
    for item in doc.root.as_seq().unwrap_or_default() {
        let name = str_of(item, "name", "versioned feature list")?;
        let specs = item
            .get("versionedSpecs")
            .and_then(Node::as_seq)
            .ok_or_else(|| Error(format!("{name}: no versionedSpecs")))?;
        let mut timeline = Vec::new();
        for spec in specs {
            timeline.push(StageSpec {
                since: version(str_of(spec, "version", name)?)?,
                stage: stage_of(str_of(spec, "preRelease", name)?, name)?,
                default: bool_of(spec, "default", name)?,
                lock: Lock::from_bool(bool_of(spec, "lockToDefault", name)?),
            });
        }
        out.insert(name.to_string(), timeline);
    }
    Ok(out)
}

/// A range cell of `feature_list.md`: `1.8–1.15`, `1.16–` or `1.31`.
fn md_range(cell: &str) -> Result<Option<(Version, Option<Version>)>> {
    let cell = cell.trim();
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.split_once('–') {
        Some((from, "")) => Ok(Some((version(from)?, None))),
        Some((from, to)) => Ok(Some((version(from)?, Some(version(to)?)))),
        None => {
            let v = version(cell)?;
            Ok(Some((v, Some(v))))
        }
    }
}

/// A `:emoji:&nbsp;1.16+` cell: the version from which the property holds.
fn md_since(cell: &str) -> Result<Option<Version>> {
    match cell.trim().rsplit_once(";") {
        Some((_, v)) => Ok(Some(version(v.trim_end_matches('+'))?)),
        None => Ok(None),
    }
}

/// `test/compatibility_lifecycle/reference/feature_list.md`: columns Feature, Enabled, Locked,
/// Alpha, Beta, GA, Deprecated (ranges), Dependencies, Links.
pub fn feature_list_md(text: &str) -> Result<BTreeMap<String, Timeline>> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 9 || cells[1] == "Feature" || cells[1].starts_with('-') {
            continue;
        }
        let name = cells[1];
        let enabled = md_since(cells[2])?;
        let locked = md_since(cells[3])?;
        let mut ranges = Vec::new();
        for (stage, cell) in Stage::ALL.iter().zip(&cells[4..8]) {
            if let Some((from, to)) = md_range(cell)? {
                ranges.push((from, to, *stage));
            }
        }
        let mut points: Vec<Version> = ranges.iter().map(|r| r.0).collect();
        points.extend(enabled);
        points.extend(locked);
        points.sort();
        points.dedup();
        let mut timeline: Timeline = Vec::new();
        for v in points {
            let Some(&(_, _, stage)) = ranges
                .iter()
                .rev()
                .find(|(from, to, _)| *from <= v && to.is_none_or(|t| v <= t))
            else {
                continue;
            };
            let spec = StageSpec {
                since: v,
                stage,
                default: enabled.is_some_and(|e| e <= v),
                lock: Lock::from_bool(locked.is_some_and(|l| l <= v)),
            };
            if timeline.last().is_none_or(|l| !same_state(l, &spec)) {
                timeline.push(spec);
            }
        }
        if !timeline.is_empty() {
            out.insert(name.to_string(), timeline);
        }
    }
    Ok(out)
}

pub fn same_state(a: &StageSpec, b: &StageSpec) -> bool {
    a.stage == b.stage && a.default == b.default && a.lock == b.lock
}

/// A gate as one of the website's tables describes it.
#[derive(Clone, Debug, Default)]
pub struct TableGate {
    pub stages: Timeline,
    /// The last release of the last row ("To" / "Until").
    pub last_release: Option<Version>,
}

/// The website's tables (`feature-gates.md` as of 1.27, `feature-gates-removed.md`):
/// `| Feature | Default | Stage | From | To |`. The cells are irregular upstream (missing
/// backticks, stray `|`, `-` for an unknown default), so cells are cleaned before use. A `-`
/// default keeps the previous row's default.
pub fn website_table(text: &str) -> Result<BTreeMap<String, TableGate>> {
    let mut out: BTreeMap<String, TableGate> = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = line
            .split('|')
            .map(|c| c.trim().trim_matches('`').trim())
            .filter(|c| !c.is_empty())
            .collect();
        if cells.len() < 4 || cells[0] == "Feature" || cells[0].starts_with('-') {
            continue;
        }
        let name = cells[0];
        let Some(stage) = Stage::parse(cells[2]) else {
            continue;
        };
        let since = version(cells[3])?;
        let until = match cells.get(4) {
            Some(c) if *c != "-" => Some(version(c)?),
            _ => None,
        };
        let entry = out.entry(name.to_string()).or_default();
        let default = match cells[1] {
            "true" => true,
            "false" => false,
            _ => entry.stages.last().is_some_and(|s| s.default),
        };
        entry.stages.push(StageSpec {
            since,
            stage,
            default,
            // The website's tables never say whether a GA gate was locked.
            lock: Lock::Unknown,
        });
        entry.last_release = until.or(Some(since));
    }
    for gate in out.values_mut() {
        gate.stages.sort_by_key(|s| s.since);
    }
    Ok(out)
}

/// A per-gate website page's front matter.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub stages: Timeline,
    pub last_release: Option<Version>,
    pub removed: bool,
}

/// `content/en/docs/reference/command-line-tools-reference/feature-gates/<Name>.md` front
/// matter: `stages: [{stage, defaultValue, locked?, fromVersion, toVersion?}]`, `removed`.
pub fn page(text: &str, name: &str) -> Result<Page> {
    let mut parts = text.splitn(3, "\n---");
    let front = parts.next().unwrap_or("").trim_start_matches("---");
    let docs = yaml(front, name)?;
    let Some(doc) = docs.first() else {
        return Ok(Page::default());
    };
    let mut page = Page {
        removed: doc
            .root
            .get("removed")
            .and_then(Node::as_yaml11_bool)
            .unwrap_or(false),
        ..Page::default()
    };
    for s in doc
        .root
        .get("stages")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let since = version(str_of(s, "fromVersion", name)?)?;
        page.stages.push(StageSpec {
            since,
            stage: stage_of(str_of(s, "stage", name)?, name)?,
            default: bool_of(s, "defaultValue", name)?,
            // Only newer pages have the field; where it is missing, the page does not say.
            lock: match s.get("locked") {
                Some(l) => Lock::from_bool(l.as_yaml11_bool().unwrap_or(false)),
                None => Lock::Unknown,
            },
        });
        page.last_release = match s.get("toVersion").and_then(Node::as_str) {
            Some(to) => Some(version(to)?),
            None => None,
        };
    }
    page.stages.sort_by_key(|s| s.since);
    Ok(page)
}

/// What the KEPs say about a gate.
#[derive(Clone, Debug, Default)]
pub struct KepFacts {
    pub kep: Option<u32>,
    pub components: Vec<gatecheck_rules::Component>,
}

/// The KEP component names that map onto a component gatecheck knows.
fn kep_component(s: &str) -> Vec<gatecheck_rules::Component> {
    use gatecheck_rules::Component as C;
    s.split(',')
        .filter_map(|part| {
            let part = part.trim();
            let head = part.split_whitespace().next().unwrap_or("");
            match head {
                "kube-apiserver" => Some(C::KubeApiserver),
                "kube-controller-manager" | "controller-manager" => Some(C::KubeControllerManager),
                "kube-scheduler" | "scheduler" => Some(C::KubeScheduler),
                "kubelet" => Some(C::Kubelet),
                "kube-proxy" => Some(C::KubeProxy),
                "cloud-controller-manager" => Some(C::CloudControllerManager),
                "kubectl" => Some(C::Kubectl),
                "kubeadm" => Some(C::Kubeadm),
                _ => None,
            }
        })
        .collect()
}

/// `enhancements/kep_feature_gates.yaml`: components are the union over every KEP naming the
/// gate; the KEP number is the lowest (the proposal that introduced it).
pub fn keps(text: &str) -> Result<BTreeMap<String, KepFacts>> {
    let docs = yaml(text, "kep_feature_gates.yaml")?;
    let mut out: BTreeMap<String, KepFacts> = BTreeMap::new();
    let Some(doc) = docs.first() else {
        return Ok(out);
    };
    for item in doc.root.as_seq().unwrap_or_default() {
        let gate = str_of(item, "gate", "kep entry")?;
        let facts = out.entry(gate.to_string()).or_default();
        if let Some(n) = item
            .get("kep")
            .and_then(Node::as_str)
            .and_then(|k| k.parse().ok())
        {
            facts.kep = Some(facts.kep.map_or(n, |k: u32| k.min(n)));
        }
        for c in item
            .get("components")
            .and_then(Node::as_seq)
            .unwrap_or_default()
        {
            facts
                .components
                .extend(kep_component(c.as_str().unwrap_or_default()));
        }
        facts.components.sort();
        facts.components.dedup();
    }
    Ok(out)
}

/// kubeadm's gates from `kubeadm/kubeadm_feature_gates.yaml`: the v1.31 documentation tables
/// (current, deprecated, removed). Returns each gate's timeline and removal release.
pub fn kubeadm(text: &str) -> Result<BTreeMap<String, (Timeline, Option<Version>)>> {
    let docs = yaml(text, "kubeadm_feature_gates.yaml")?;
    let mut out = BTreeMap::new();
    let Some(doc) = docs.first() else {
        return Ok(out);
    };
    let site = doc
        .root
        .get("website_v1_31")
        .ok_or_else(|| Error("kubeadm: no website_v1_31".into()))?;
    let opt_version = |n: &Node, key: &str| -> Result<Option<Version>> {
        match n.get(key) {
            Some(v) if !v.is_null() => Ok(Some(version(v.as_str().unwrap_or_default())?)),
            _ => Ok(None),
        }
    };
    for table in [
        "feature_gates",
        "deprecated_feature_gates",
        "removed_feature_gates",
    ] {
        for g in site.get(table).and_then(Node::as_seq).unwrap_or_default() {
            let name = str_of(g, "name", "kubeadm")?;
            let default = g.get("default").and_then(Node::as_yaml11_bool);
            let mut timeline = Vec::new();
            let stages = [
                ("alpha", Stage::Alpha, false),
                ("beta", Stage::Beta, true),
                ("ga", Stage::Ga, true),
                ("deprecated", Stage::Deprecated, false),
            ];
            for (key, stage, usual_default) in stages {
                if let Some(since) = opt_version(g, key)? {
                    timeline.push(StageSpec {
                        since,
                        stage,
                        // The tables give one default (the current one); earlier stages take the
                        // stage's usual default. GA kubeadm gates are locked to true.
                        default: usual_default,
                        lock: Lock::from_bool(stage == Stage::Ga),
                    });
                }
            }
            if let (Some(d), Some(last)) = (default, timeline.last_mut()) {
                last.default = d;
            }
            out.insert(name.to_string(), (timeline, opt_version(g, "removed")?));
        }
    }
    Ok(out)
}

/// One copy of Kubernetes' dependency table (`feature_dependencies.yaml`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyTable {
    /// The first release the importer uses this table for.
    pub applies_from: Version,
    /// Gate → the gates it depends on (only non-empty entries).
    pub depends_on: BTreeMap<String, Vec<String>>,
    /// Entries that replace `depends_on` for the `applies_from` release only.
    pub first_release_differs: BTreeMap<String, Vec<String>>,
    /// Gates the previous table did not register: their entries apply from their first release.
    pub new_gates: Vec<String>,
}

fn dependency_map(node: Option<&Node>, what: &str) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for (k, v) in node.and_then(Node::as_map).unwrap_or_default() {
        let gate = k
            .as_str()
            .ok_or_else(|| Error(format!("{what}: a key is not a gate name")))?;
        let deps = v
            .as_seq()
            .ok_or_else(|| Error(format!("{what}: {gate} is not a list")))?
            .iter()
            .map(|d| d.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error(format!("{what}: {gate} lists a non-name")))?;
        out.insert(gate.to_string(), deps);
    }
    Ok(out)
}

/// The `packages` section of `feature_dependencies.yaml`: Go identifier → declaring package.
pub fn packages(text: &str) -> Result<BTreeMap<String, gatecheck_rules::Package>> {
    let what = "feature_dependencies.yaml packages";
    let docs = yaml(text, what)?;
    let mut out = BTreeMap::new();
    let map = docs
        .first()
        .and_then(|d| d.root.get("packages"))
        .and_then(Node::as_map)
        .unwrap_or_default();
    for (k, v) in map {
        let path = k.as_str().unwrap_or_default();
        let package = gatecheck_rules::Package::parse(path)
            .ok_or_else(|| Error(format!("{what}: unknown package {path}")))?;
        for name in v.as_seq().unwrap_or_default() {
            let name = name.as_str().unwrap_or_default().to_string();
            if out.insert(name.clone(), package).is_some() {
                return Err(Error(format!("{what}: {name} is listed twice")));
            }
        }
    }
    Ok(out)
}

/// `data/upstream/kubernetes/feature_dependencies.yaml`: copies of
/// `defaultKubernetesFeatureGateDependencies`, oldest first.
pub fn dependencies(text: &str) -> Result<Vec<DependencyTable>> {
    let what = "feature_dependencies.yaml";
    let docs = yaml(text, what)?;
    let snapshots = docs
        .first()
        .and_then(|d| d.root.get("snapshots"))
        .and_then(Node::as_seq)
        .ok_or_else(|| Error(format!("{what}: no snapshots")))?;
    let mut out: Vec<DependencyTable> = Vec::new();
    for s in snapshots {
        let applies_from = version(str_of(s, "applies_from", what)?)?;
        if out.last().is_some_and(|t| t.applies_from >= applies_from) {
            return Err(Error(format!("{what}: snapshots must be oldest first")));
        }
        out.push(DependencyTable {
            applies_from,
            depends_on: dependency_map(s.get("depends_on"), what)?,
            first_release_differs: dependency_map(s.get("v1_35_table_differs"), what)?,
            new_gates: s
                .get("new_gates")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect(),
        });
    }
    Ok(out)
}
