//! Each core gate's dependencies, release by release: from the hand-transcribed copies of
//! Kubernetes' table (`feature_dependencies.yaml`), overruled by each release's own table in its
//! registry.

use crate::record::{source_rank, GateRecord};
use crate::registry;
use crate::sources::DependencyTable;
use gatecheck_rules::{Registry, Version, DEPENDENCIES_CHECKED_FROM};
use std::collections::{BTreeMap, BTreeSet};

type Renamer<'a> = &'a dyn Fn(&str) -> String;

fn renamed(m: &BTreeMap<String, Vec<String>>, rename: Renamer) -> BTreeMap<String, Vec<String>> {
    m.iter()
        .map(|(k, v)| (rename(k), v.iter().map(|d| rename(d)).collect()))
        .collect()
}

/// Gives each core gate its dependency timeline, and reports names in the tables that no other
/// source knows (a misspelt or missed gate).
pub(super) fn attach(
    records: &mut [GateRecord],
    tables: &[DependencyTable],
    registries: &[&registry::Registry],
    rename: Renamer,
    problems: &mut Vec<String>,
) {
    for name in unknown_names(records, tables, rename) {
        problems.push(format!(
            "feature_dependencies.yaml names {name}, which no other source knows"
        ));
    }
    for r in records
        .iter_mut()
        .filter(|r| r.registry == Registry::Kubernetes)
    {
        let timeline = timeline(r, tables, registries, rename);
        if !timeline.is_empty() {
            r.sources.push("k8s-dependencies".to_string());
            r.sources.sort_by_key(|id| source_rank(id));
        }
        r.depends_on = timeline;
    }
}

/// The names in the tables that are not core gates of any other source.
fn unknown_names(
    records: &[GateRecord],
    tables: &[DependencyTable],
    rename: Renamer,
) -> BTreeSet<String> {
    let known: BTreeSet<&str> = records
        .iter()
        .filter(|r| r.registry == Registry::Kubernetes)
        .map(|r| r.name.as_str())
        .collect();
    let mut unknown: BTreeSet<String> = BTreeSet::new();
    for t in tables {
        for m in [&t.depends_on, &t.first_release_differs] {
            for (gate, deps) in renamed(m, rename) {
                unknown.extend(
                    std::iter::once(gate)
                        .chain(deps)
                        .filter(|n| !known.contains(n.as_str())),
                );
            }
        }
        unknown.extend(
            t.new_gates
                .iter()
                .map(|n| rename(n))
                .filter(|n| !known.contains(n.as_str())),
        );
    }
    unknown
}

/// The gate's dependencies from each release on, a release's registry winning over the tables
/// and a later table over an earlier one; a change of order only is no change.
fn timeline(
    r: &GateRecord,
    tables: &[DependencyTable],
    registries: &[&registry::Registry],
    rename: Renamer,
) -> Vec<(Version, Vec<String>)> {
    let mut entries = from_tables(r, tables, rename);
    // Each release's own table (in its registry) wins over the hand-transcribed snapshots.
    for reg in registries
        .iter()
        .filter(|g| g.release >= DEPENDENCIES_CHECKED_FROM)
    {
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
    timeline
}

/// (release, dependencies) from each hand-transcribed table, in the tables' order.
fn from_tables(
    r: &GateRecord,
    tables: &[DependencyTable],
    rename: Renamer,
) -> Vec<(Version, Vec<String>)> {
    let mut entries = Vec::new();
    for t in tables {
        let full = renamed(&t.depends_on, rename)
            .remove(&r.name)
            .unwrap_or_default();
        let new_gate = t.new_gates.iter().any(|n| rename(n) == r.name);
        let since = match r.stages.first() {
            Some(first) if new_gate => first.since.max(DEPENDENCIES_CHECKED_FROM),
            _ => t.applies_from,
        };
        match renamed(&t.first_release_differs, rename).remove(&r.name) {
            Some(first) => {
                entries.push((since, first));
                entries.push((since.next(), full));
            }
            None => entries.push((since, full)),
        }
    }
    entries
}
