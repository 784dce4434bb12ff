//! Decides, gate by gate, which source to believe, and applies the hand corrections.
//!
//! * `weaker`: core gates as Kubernetes' generated lists and the website give them (its module
//!   documentation gives their precedence), with the hand corrections (`overrides`) applied.
//! * `kubeadm`: kubeadm's gates from its documentation.
//! * `overrides`: reads `data/overrides.yaml`; gates only it knows; what a correction must not do.
//! * Then each release's registry is made the authority over every gate's timeline
//!   (`crate::timeline`), for the core gates and kubeadm's.
//! * `dependencies` and `packages` attach each core gate's dependencies and Go package.

mod dependencies;
mod kubeadm;
mod overrides;
mod packages;
mod stages;
mod weaker;

use crate::error::{Error, Result};
use crate::inputs::Inputs;
pub use crate::record::{GateRecord, SOURCES};
use crate::{registry, sources, timeline};
use gatecheck_rules::{Registry, Version};
use std::collections::BTreeSet;

/// Builds every gate record from the inputs and the registries read from them
/// ([`registry::read_all`]).
pub fn merge(
    inputs: &Inputs,
    all_registries: &[registry::Registry],
) -> Result<(Version, Vec<GateRecord>)> {
    let ov = overrides::read(&inputs.overrides)?;
    let newest = newest_release(all_registries, ov.newest);
    let rename = |name: &str| ov.rename(name);
    let weaker = weaker::Weaker::read(inputs, &rename)?;
    // Each minor's facts come from its lowest patch release; later patches are patch changes.
    let bases = registry::bases(all_registries);
    let mut names = weaker.names();
    for r in &bases {
        names.extend(r.gates.keys().map(|n| rename(n)));
    }
    // Gates whose removal no source but the registries gives; checked once they are applied.
    let mut removal_needed: BTreeSet<String> = BTreeSet::new();
    let mut records = Vec::new();
    for name in names {
        let o = ov.of(Registry::Kubernetes, &name);
        let in_registries = bases.iter().any(|r| r.gates.contains_key(&name));
        if let Some(weak) = weaker.record(name, o, newest, in_registries) {
            if weak.removal_needed {
                removal_needed.insert(weak.record.name.clone());
            }
            records.push(weak.record);
        }
    }
    records.extend(kubeadm::from_docs(&inputs.kubeadm, &ov, newest)?);
    let only_overrides = overrides::only_they_know(&ov, &records, &weaker.keps, newest);
    records.extend(only_overrides);

    let mut problems = Vec::new();
    let core = Registry::Kubernetes;
    timeline::apply(
        &mut records,
        all_registries,
        newest,
        &rename,
        &mut problems,
        core,
    );
    timeline::attach_patches(&mut records, all_registries, &rename, core);
    let kubeadm_regs = registry::kubeadm_view(all_registries);
    let only_registries = kubeadm::only_registries_know(&records, &kubeadm_regs, newest);
    records.extend(only_registries);
    let same = |n: &str| n.to_string();
    let kubeadm = Registry::Kubeadm;
    timeline::apply(
        &mut records,
        &kubeadm_regs,
        newest,
        &same,
        &mut problems,
        kubeadm,
    );
    timeline::attach_patches(&mut records, &kubeadm_regs, &same, kubeadm);

    overrides::settled_by_registries(&ov, &records, newest, &mut problems);
    placeholders_left(&records, &mut problems);
    let newest_registry = bases.last().filter(|reg| reg.release == newest);
    removals_missing(
        &records,
        &removal_needed,
        newest_registry,
        &rename,
        &mut problems,
    );
    overrides::unknown_gates(&ov, &records, &mut problems);
    let tables = sources::dependencies(&inputs.dependencies)?;
    dependencies::attach(&mut records, &tables, &bases, &rename, &mut problems);
    let listed = sources::packages(&inputs.dependencies)?;
    packages::attach(&mut records, listed, all_registries, &rename, &mut problems);
    if !problems.is_empty() {
        return Err(Error(problems.join("\n")));
    }
    records.sort_by(|a, b| (a.registry, &a.name).cmp(&(b.registry, &b.name)));
    Ok((newest, records))
}

/// The data's newest release: the newest release (or pre-release) a registry covers, unless
/// data/overrides.yaml names a newer one.
fn newest_release(registries: &[registry::Registry], floor: Version) -> Version {
    registries
        .iter()
        .map(|r| r.release)
        .chain(std::iter::once(floor))
        .max()
        .unwrap_or(floor)
}

/// Gates whose first spec is still a "1.0" placeholder: no source says when they appeared.
fn placeholders_left(records: &[GateRecord], problems: &mut Vec<String>) {
    for r in records {
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
}

/// Gates gone from the newest list whose removal release no source gives, unless the newest
/// release's registry still has them.
fn removals_missing(
    records: &[GateRecord],
    removal_needed: &BTreeSet<String>,
    newest_registry: Option<&&registry::Registry>,
    rename: &dyn Fn(&str) -> String,
    problems: &mut Vec<String>,
) {
    for r in records {
        let kept = newest_registry.is_some_and(|reg| reg.gates.keys().any(|n| rename(n) == r.name));
        if removal_needed.contains(&r.name) && r.removed_in.is_none() && !kept {
            problems.push(format!(
                "{}: absent from the newest Kubernetes list but no source gives its removal release; add removed_in to data/overrides.yaml",
                r.name
            ));
        }
    }
}
