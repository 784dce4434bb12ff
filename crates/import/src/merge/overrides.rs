//! `data/overrides.yaml`: the hand corrections, read; and the rules they must keep (a correction
//! names a gate some source knows, and never restates what a release's registry settles).

use super::stages;
use crate::error::{Error, Result};
use crate::record::GateRecord;
use crate::sources::{self, Timeline};
use gatecheck_rules::{Component, EvidenceKind, Lock, Registry, Stage, StageSpec, Version};
use gatecheck_yaml::Node;
use std::collections::BTreeMap;

/// One hand correction from `data/overrides.yaml`.
#[derive(Clone, Debug, Default)]
pub(super) struct Override {
    pub introduced: Option<Version>,
    pub removed_in: Option<Version>,
    pub stages: Option<Timeline>,
    pub add_stages: Timeline,
    pub components: Option<Vec<Component>>,
    pub note: Option<String>,
    /// Recognised today although no list carries it (the AllAlpha/AllBeta meta-gates).
    pub still_recognised: bool,
}

pub(super) struct Overrides {
    pub newest: Version,
    pub renames: BTreeMap<String, String>,
    pub gates: BTreeMap<(Registry, String), Override>,
}

impl Overrides {
    /// The name users type for a gate some source lists under `name`.
    pub fn rename(&self, name: &str) -> String {
        self.renames
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_string())
    }

    /// The correction of one gate, if any.
    pub fn of(&self, registry: Registry, name: &str) -> Option<&Override> {
        self.gates.get(&(registry, name.to_string()))
    }
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
            // An override states a lock only where its source does ("true"); "false" on a GA
            // stage means the source does not say.
            lock: match (locked, stage) {
                ("true", _) => Lock::Locked,
                (_, "ga" | "GA" | "deprecated") => Lock::Unknown,
                _ => Lock::Unlocked,
            },
        });
    }
    Ok(out)
}

/// Reads `data/overrides.yaml`.
pub(super) fn read(text: &str) -> Result<Overrides> {
    let docs = gatecheck_yaml::parse(text).map_err(|e| Error(format!("overrides.yaml: {e}")))?;
    let root = &docs
        .first()
        .ok_or_else(|| Error("overrides.yaml is empty".into()))?
        .root;
    let newest = sources::version(root.get("newest").and_then(Node::as_str).unwrap_or(""))?;
    let mut gates = BTreeMap::new();
    for g in root.get("gates").and_then(Node::as_seq).unwrap_or_default() {
        let (key, o) = gate(g)?;
        if gates.insert(key.clone(), o).is_some() {
            return Err(Error(format!("overrides.yaml: {} appears twice", key.1)));
        }
    }
    Ok(Overrides {
        newest,
        renames: renames(root)?,
        gates,
    })
}

/// `renames`: the name a list gives a gate, to the key users type.
fn renames(root: &Node) -> Result<BTreeMap<String, String>> {
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
    Ok(renames)
}

/// One entry of `gates`: which gate it corrects, and how.
fn gate(g: &Node) -> Result<((Registry, String), Override)> {
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
    let o = Override {
        introduced: opt_version("introduced")?,
        removed_in: opt_version("removed_in")?,
        stages: g
            .get("stages")
            .map(|n| spec_strings(Some(n), name))
            .transpose()?,
        add_stages: spec_strings(g.get("add_stages"), name)?,
        components: components(g, name)?,
        note: g.get("note").and_then(Node::as_str).map(str::to_string),
        still_recognised: g
            .get("still_recognised")
            .and_then(Node::as_yaml11_bool)
            .unwrap_or(false),
    };
    Ok(((registry, name.to_string()), o))
}

fn components(g: &Node, name: &str) -> Result<Option<Vec<Component>>> {
    let Some(list) = g.get("components").and_then(Node::as_seq) else {
        return Ok(None);
    };
    list.iter()
        .map(|c| {
            let s = c.as_str().unwrap_or_default();
            Component::parse(s)
                .ok_or_else(|| Error(format!("overrides.yaml: {name}: component {s:?}")))
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Gates that only the overrides know: kubeadm gates added after the v1.31 documentation, and
/// core gates newer than the newest list (with their stages and a source).
pub(super) fn only_they_know(
    ov: &Overrides,
    records: &[GateRecord],
    keps: &BTreeMap<String, sources::KepFacts>,
    newest: Version,
) -> Vec<GateRecord> {
    let mut out = Vec::new();
    for ((registry, name), o) in &ov.gates {
        if (*registry == Registry::Kubeadm || o.stages.is_some())
            && !records
                .iter()
                .any(|r| r.registry == *registry && &r.name == name)
        {
            let kep = keps.get(name).filter(|_| *registry == Registry::Kubernetes);
            let components = match registry {
                Registry::Kubeadm => vec![Component::Kubeadm],
                Registry::Kubernetes => o
                    .components
                    .clone()
                    .or_else(|| kep.map(|k| k.components.clone()))
                    .unwrap_or_default(),
            };
            out.push(GateRecord {
                kep: kep.and_then(|k| k.kep),
                removed_in: o.removed_in,
                stages: stages::normalise(o.stages.clone().unwrap_or_default(), newest),
                note: o.note.clone(),
                evidence: vec![(Version::new(1, 0), "override".to_string())],
                sources: vec!["override".to_string()],
                ..GateRecord::new(name.clone(), *registry, components)
            });
        }
    }
    out
}

/// A hand correction must not restate what a release's own registry settles: it would be dead
/// at best, and wrong where the registry disagrees.
pub(super) fn settled_by_registries(
    ov: &Overrides,
    records: &[GateRecord],
    newest: Version,
    problems: &mut Vec<String>,
) {
    for r in records {
        let Some(o) = ov.of(r.registry, &r.name) else {
            continue;
        };
        let settled = |v: Version| {
            r.evidence_at(v)
                .is_some_and(|s| EvidenceKind::of(s).is_registry())
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
}

/// Corrections of gates no source knows (a misspelt name, or a gate since dropped).
pub(super) fn unknown_gates(ov: &Overrides, records: &[GateRecord], problems: &mut Vec<String>) {
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
}
