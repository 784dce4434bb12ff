//! Core gates as the sources weaker than the registries give them, with the hand corrections
//! applied. Precedence (newest evidence first):
//! 1. Kubernetes' generated lists, newest snapshot first (v1.36 dev, v1.34 dev). A gate missing
//!    from a newer snapshot than one that has it was removed from the code: its removal release
//!    comes from its website page (`removed: true`) or from an override.
//! 2. `feature_list.md`, for the client-go gates the YAML lists leave out.
//! 3. The website's removed-gates table (removals up to 1.28).
//! 4. Per-gate website pages (gates removed about 1.29–1.37), then the 1.27 website table.
//!
//! Kubernetes' lists give some gates a first spec at "1.0": a placeholder, not a release
//! (`stages::resolve_placeholder`).

use super::overrides::Override;
use super::stages::{normalise, resolve_placeholder};
use crate::error::Result;
use crate::inputs::Inputs;
use crate::record::{source_rank, GateRecord};
use crate::sources::{self, KepFacts, Page, TableGate, Timeline};
use gatecheck_rules::{Registry, StageSpec, Version};
use std::collections::{BTreeMap, BTreeSet};

const PAGE: &str = "website-gate-page";
const OVERRIDE: &str = "override";

/// Every source weaker than the registries, read.
pub(super) struct Weaker {
    /// Kubernetes' generated lists from kubernetes/kubernetes itself, newest first. (A v1.37
    /// development list carried by openshift/kubernetes was used once; a downstream fork is no
    /// evidence of upstream, and the per-release registries replaced it.)
    lists: [(&'static str, BTreeMap<String, Timeline>); 2],
    md: BTreeMap<String, Timeline>,
    removed_table: BTreeMap<String, TableGate>,
    table_127: BTreeMap<String, TableGate>,
    pages: BTreeMap<String, Page>,
    pub keps: BTreeMap<String, KepFacts>,
}

/// What the weaker sources (and a hand correction) say about one core gate.
#[derive(Default)]
struct Claims {
    sources_used: Vec<&'static str>,
    removed_in: Option<Version>,
    stages: Timeline,
    /// (from release, source id): which source gives the facts, before the registries.
    evidence: Vec<(Version, &'static str)>,
    removal_source: Option<&'static str>,
}

/// A core gate's record from the weaker sources, and whether a removal release is still needed
/// (no source but the registries gives it; checked once they are applied).
pub(super) struct Weak {
    pub record: GateRecord,
    pub removal_needed: bool,
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

impl Weaker {
    /// Reads each weaker source, with list names renamed to the keys users type.
    pub fn read(inputs: &Inputs, rename: &dyn Fn(&str) -> String) -> Result<Weaker> {
        let renamed = |list: BTreeMap<String, Timeline>| -> BTreeMap<String, Timeline> {
            list.into_iter().map(|(k, v)| (rename(&k), v)).collect()
        };
        let lists = [
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
        Ok(Weaker {
            lists,
            md,
            removed_table,
            table_127,
            pages,
            keps: sources::keps(&inputs.keps)?,
        })
    }

    /// Every gate name a weaker source knows.
    pub fn names(&self) -> BTreeSet<String> {
        let mut names: BTreeSet<String> = BTreeSet::new();
        for (_, list) in &self.lists {
            names.extend(list.keys().cloned());
        }
        names.extend(self.md.keys().cloned());
        names.extend(self.removed_table.keys().cloned());
        names.extend(self.table_127.keys().cloned());
        names.extend(self.pages.keys().cloned());
        names
    }

    /// What the strongest weaker source that knows the gate says.
    fn claims(&self, name: &str) -> Claims {
        let mut c = Claims::default();
        let page = self.pages.get(name);
        if let Some(i) = self.lists.iter().position(|(_, l)| l.contains_key(name)) {
            c = self.list_claims(i, name);
        } else if let Some(t) = self.md.get(name) {
            c.sources_used.push("k8s-feature-list-md");
            c.stages = resolve_placeholder(t.clone(), None);
        } else if let Some(t) = self.removed_table.get(name) {
            c.sources_used.push("website-removed-table");
            c.stages = t.stages.clone();
            // The page's legend calls "To" of a GA or deprecated row the removal release, but the
            // rows follow the per-gate pages' convention: "To" is the last release that still
            // has the gate. Cross-checked against siderolabs/go-kubernetes' per-upgrade removal
            // lists: DynamicKubeletConfig (To 1.25) is removed in "1.25->1.26", AdvancedAuditing
            // (To 1.27) in "1.27->1.28", ExpandPersistentVolumes (To 1.26) in "1.26->1.27".
            c.removed_in = t.last_release.map(Version::next);
        } else if let Some(p) = page {
            c.sources_used.push(PAGE);
            c.stages = p.stages.clone();
            c.removed_in = removal_from_page(Some(p));
        } else if let Some(t) = self.table_127.get(name) {
            c.sources_used.push("website-1.27-table");
            c.stages = t.stages.clone();
        }
        // Otherwise only the per-release registries know it; they give everything.
        if let Some(first) = c.sources_used.first() {
            c.evidence.insert(0, (Version::new(1, 0), first));
        }
        c
    }

    /// What generated list `i` says, completed by the gate's page.
    fn list_claims(&self, i: usize, name: &str) -> Claims {
        let mut c = Claims::default();
        let page = self.pages.get(name);
        let older: Option<&TableGate> = self.removed_table.get(name).or(self.table_127.get(name));
        let (id, list) = &self.lists[i];
        c.sources_used.push(id);
        let older_stages = older.map(|t| &t.stages).or(page.map(|p| &p.stages));
        c.stages = resolve_placeholder(list[name].clone(), older_stages);
        if i > 0 {
            // Missing from a newer snapshot: removed from the code since.
            c.removed_in = removal_from_page(page);
            if c.removed_in.is_some() {
                c.sources_used.push(PAGE);
                c.removal_source = Some(PAGE);
            }
        } else if let Some(p) = page {
            // The list is an early development snapshot; a page may know later stages.
            let last = c.stages.last().map(|s| s.since);
            let later: Vec<StageSpec> = p
                .stages
                .iter()
                .filter(|s| last.is_some_and(|l| s.since > l))
                .copied()
                .collect();
            if let Some(first) = later.first() {
                c.evidence.push((first.since, PAGE));
                c.stages.extend(later);
                c.sources_used.push(PAGE);
            }
            if let Some(r) = removal_from_page(page) {
                c.removed_in = Some(r);
                c.sources_used.push(PAGE);
                c.removal_source = Some(PAGE);
            }
        }
        c
    }

    /// Whether the newest sources still list the gate (or a correction says it is recognised).
    fn still_listed(&self, name: &str, o: Option<&Override>) -> bool {
        self.lists[0].1.contains_key(name)
            || self.md.contains_key(name)
            || o.is_some_and(|o| o.still_recognised)
    }

    /// The core gate `name` as the weaker sources and its correction `o` give it; `None` where
    /// every stage is after the newest release and no registry has it (not a gate of any
    /// release yet).
    pub fn record(
        &self,
        name: String,
        o: Option<&Override>,
        newest: Version,
        in_registries: bool,
    ) -> Option<Weak> {
        let mut c = self.claims(&name);
        if let Some(o) = o {
            c.correct(o);
        }
        let stages = normalise(c.stages, newest);
        if stages.is_empty() && !in_registries {
            return None;
        }
        // A stage at the newest release (from a page or an override) says it is still there.
        let at_newest = stages.last().is_some_and(|s| s.since == newest);
        let removal_needed = c.removed_in.is_none()
            && !self.still_listed(&name, o)
            && !at_newest
            && stages.first().is_some_and(|s| s.since < newest);
        if let (Some(r), Some(src)) = (c.removed_in, c.removal_source) {
            c.evidence.push((r, src));
        }
        let kep = self.keps.get(&name);
        if kep.is_some() {
            c.sources_used.push("keps");
        }
        c.sources_used.sort_by_key(|id| source_rank(id));
        c.sources_used.dedup();
        c.evidence.sort_by_key(|(v, _)| *v);
        let components = o
            .and_then(|o| o.components.clone())
            .or_else(|| kep.map(|k| k.components.clone()))
            .unwrap_or_default();
        let record = GateRecord {
            evidence: c
                .evidence
                .into_iter()
                .map(|(v, s)| (v, s.to_string()))
                .collect(),
            kep: kep.and_then(|k| k.kep),
            note: o.and_then(|o| o.note.clone()),
            removed_in: c.removed_in,
            stages,
            sources: c.sources_used.into_iter().map(str::to_string).collect(),
            ..GateRecord::new(name, Registry::Kubernetes, components)
        };
        Some(Weak {
            record,
            removal_needed,
        })
    }
}

impl Claims {
    /// Applies a hand correction: its stages replace or extend the sources', its introduction
    /// drops earlier stages, its removal wins.
    fn correct(&mut self, o: &Override) {
        self.sources_used.push(OVERRIDE);
        if let Some(s) = &o.stages {
            self.stages = s.clone();
            self.evidence = vec![(Version::new(1, 0), OVERRIDE)];
        }
        self.stages.extend(o.add_stages.iter().copied());
        self.evidence
            .extend(o.add_stages.iter().map(|s| (s.since, OVERRIDE)));
        if let Some(intro) = o.introduced {
            self.stages
                .retain(|s| s.since >= intro || s.since == Version::new(1, 0));
            if let Some(first) = self.stages.first_mut() {
                first.since = first.since.max(intro);
            }
        }
        if o.removed_in.is_some() {
            self.removed_in = o.removed_in;
            self.removal_source = Some(OVERRIDE);
        }
    }
}
