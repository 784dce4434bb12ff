//! Each release's registry made the authority over every gate's timeline: the spec a release
//! registers is the gate's spec there, a gate a release lacks (where the package that declares
//! it was read) is not a gate of that release, and patch releases' changes are attached.

use crate::registry::{
    is_registry_id, Registered, Registry, DEV_SOURCE_ID, KUBEADM_PACKAGE, PRE_SOURCE_ID, SOURCE_ID,
};
use gatecheck_rules::Version;
use std::collections::BTreeMap;

fn stage_of(s: &str) -> Option<gatecheck_rules::Stage> {
    gatecheck_rules::Stage::parse(s)
}

/// A registry with its gates keyed by the name users type.
type Named<'a> = (&'a Registry, BTreeMap<String, &'a Registered>);

/// Makes each release's registry the authority for that release: a gate it registers has the
/// registered spec there; a gate it lacks (while the package that declares it was read) is not a
/// gate of that release. Other releases keep what the weaker sources say. Introduction and
/// removal releases follow from the result; a gate that disappears and comes back is reported.
pub fn apply(
    records: &mut [crate::record::GateRecord],
    regs: &[Registry],
    newest: Version,
    rename: &dyn Fn(&str) -> String,
    problems: &mut Vec<String>,
    which: gatecheck_rules::Registry,
) {
    use gatecheck_rules::{Registry as Reg, StageSpec};
    if regs.is_empty() {
        return;
    }
    // Each minor's registries, its first patch release first: the first that read a gate's
    // package decides the minor's facts for it (a later patch release fills in a package the
    // first one's vendoring repository did not import).
    let mut by_release: BTreeMap<u16, Vec<Named<'_>>> = BTreeMap::new();
    for r in regs
        .iter()
        .filter(|r| r.release.major == 1 && r.release <= newest)
    {
        let gates = r.gates.values().map(|g| (rename(&g.name), g)).collect();
        by_release
            .entry(r.release.minor)
            .or_default()
            .push((r, gates));
    }
    // AllAlpha and AllBeta are registered by component-base's featuregate itself, in every
    // release; no features package lists them.
    for rec in records.iter_mut().filter(|r| {
        r.registry == which
            && (which == Reg::Kubeadm || !matches!(r.name.as_str(), "AllAlpha" | "AllBeta"))
    }) {
        // The package that declares the gate: where a registry saw it, else the recorded one,
        // else, for a gate older than the registries (when kubernetes' own package relisted
        // every gate its components registered), kubernetes' own. A newer gate that no
        // registry has may live in a package the vendoring repositories do not import
        // (component-base/metrics): its absence proves nothing.
        let package = by_release
            .values()
            .flatten()
            .rev()
            .find_map(|(_, g)| g.get(&rec.name).map(|g| g.package.clone()))
            .or_else(|| (which == Reg::Kubeadm).then(|| KUBEADM_PACKAGE.to_string()))
            .or_else(|| rec.package.map(|p| p.path().to_string()))
            .or_else(|| {
                let first_registry = by_release.keys().next().copied().unwrap_or(0);
                rec.stages
                    .first()
                    .is_some_and(|s| s.since.minor < first_registry)
                    .then(|| "k8s.io/kubernetes/pkg/features".to_string())
            })
            .unwrap_or_default();
        // A registry proves the gate absent only if it read every package whose registration
        // declared it where it was last seen (Kubernetes' own package relists the others' gates,
        // but one may keep a gate the other dropped: IPv6DualStack in 1.25-1.26).
        let needed: Vec<String> = by_release
            .values()
            .flatten()
            .rev()
            .find_map(|(_, g)| g.get(&rec.name).map(|g| g.declared_by.clone()))
            .unwrap_or_else(|| vec![package.clone()]);
        let base_at = |v: Version| -> Option<StageSpec> {
            if rec.stages.first().is_none_or(|f| v < f.since)
                || rec.removed_in.is_some_and(|r| v >= r)
            {
                return None;
            }
            rec.stages.iter().rev().find(|s| s.since <= v).copied()
        };
        let base_source = |v: Version| -> String {
            rec.evidence
                .iter()
                .rev()
                .find(|(s, _)| *s <= v)
                .map(|(_, s)| s.clone())
                .unwrap_or_default()
        };
        // Release by release: the spec (None = not a gate of that release) and its source.
        let mut cells: Vec<(Version, Option<StageSpec>, String)> = Vec::new();
        let mut used = false;
        for minor in 0..=newest.minor {
            let v = Version::new(1, minor);
            let decider = by_release.get(&minor).and_then(|regs| {
                regs.iter().find(|(reg, gates)| {
                    gates.contains_key(&rec.name) || needed.iter().all(|p| reg.packages.contains(p))
                })
            });
            let cell = decider.map(|(reg, gates)| {
                let spec = gates.get(&rec.name).and_then(|g| {
                    stage_of(&g.stage).map(|stage| StageSpec {
                        since: v,
                        stage,
                        default: g.default,
                        locked: g.locked,
                        lock_known: true,
                    })
                });
                (spec, reg.source_id())
            });
            match cell {
                Some((spec, id)) => {
                    used = true;
                    cells.push((v, spec, id.to_string()));
                }
                None => cells.push((v, base_at(v), base_source(v))),
            }
        }
        if !used {
            continue;
        }
        // A gate does not leave and come back: where a registry says it is absent, the weaker
        // sources' claims beyond that (away from the registries that have it) are dropped.
        // (Later generated lists restate earlier releases: DRAControlPlaneController "from
        // 1.27" is the 1.27 DynamicResourceAllocation under a name 1.31 gave it.)
        let is_reg: Vec<bool> = cells.iter().map(|c| is_registry_id(&c.2)).collect();
        let reg_present: Vec<usize> = (0..cells.len())
            .filter(|&i| is_reg[i] && cells[i].1.is_some())
            .collect();
        let reg_absent: Vec<usize> = (0..cells.len())
            .filter(|&i| is_reg[i] && cells[i].1.is_none())
            .collect();
        let span = match (reg_present.first(), reg_present.last()) {
            (Some(&f), Some(&l)) => Some((f, l)),
            // Never registered: gone before the registries, or newer than all of them.
            _ => None,
        };
        for i in 0..cells.len() {
            if is_reg[i] || cells[i].1.is_none() {
                continue;
            }
            // The registry that rules the cell out: the nearest absent one towards lo/hi.
            let Some((lo, hi)) = span else {
                let (a0, a1) = (reg_absent[0], reg_absent[reg_absent.len() - 1]);
                if (a0..=a1).contains(&i) {
                    let a = reg_absent.iter().copied().rfind(|&a| a <= i).unwrap_or(a0);
                    cells[i].1 = None;
                    cells[i].2 = cells[a].2.clone();
                }
                continue;
            };
            let witness = if i < lo {
                reg_absent.iter().copied().find(|&a| i <= a && a < lo)
            } else if i > hi {
                reg_absent.iter().copied().rfind(|&a| hi < a && a <= i)
            } else {
                None
            };
            if let Some(a) = witness {
                cells[i].1 = None;
                cells[i].2 = cells[a].2.clone();
            }
        }
        let present: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].1.is_some()).collect();
        let (Some(&first), Some(&last)) = (present.first(), present.last()) else {
            problems.push(format!(
                "{}: the registries never register it, yet it is recorded as a gate",
                rec.name
            ));
            continue;
        };
        if let Some(gap) = (first..=last).find(|&i| cells[i].1.is_none()) {
            problems.push(format!(
                "{}: a gate of {} and {}, but not of {} (per {})",
                rec.name, cells[first].0, cells[last].0, cells[gap].0, cells[gap].2
            ));
            continue;
        }
        let mut stages: Vec<StageSpec> = Vec::new();
        for (v, spec, _) in &cells[first..=last] {
            let mut s = spec.expect("no gap");
            s.since = *v;
            if !matches!(
                s.stage,
                gatecheck_rules::Stage::Ga | gatecheck_rules::Stage::Deprecated
            ) {
                s.lock_known = true;
            }
            if stages
                .last()
                .is_none_or(|l| !crate::sources::same_state(l, &s))
            {
                stages.push(s);
            }
        }
        // The removal release is the first after the last present one, where a source says so.
        // Present in the newest release: a removal already dated beyond it (by the pull
        // request that made it) still stands.
        let removed_in = match last < cells.len() - 1 {
            true => Some(cells[last + 1].0),
            false => rec.removed_in.filter(|r| *r > newest),
        };
        let end = if last < cells.len() - 1 {
            last + 1
        } else {
            last
        };
        let mut evidence: Vec<(Version, String)> = Vec::new();
        for (v, _, src) in &cells[first..=end] {
            if evidence.last().is_none_or(|(_, s)| s != src) {
                evidence.push((*v, src.clone()));
            }
        }
        // Keep the weaker sources' pre-registry history as it was (with its real first release).
        if let Some(f) = rec.stages.first() {
            if f.since < cells[first].0 && cells[first].2 == base_source(f.since) {
                stages[0].since = f.since;
                evidence[0].0 = f.since;
            }
        }
        let mut ids: Vec<String> = Vec::new();
        for id in [SOURCE_ID, PRE_SOURCE_ID, DEV_SOURCE_ID] {
            if evidence.iter().any(|(_, e)| e == id) {
                ids.push(id.to_string());
            }
        }
        // Only the weaker sources still in use stay listed beside the registries.
        rec.sources
            .retain(|s| !s.starts_with("website") || evidence.iter().any(|(_, e)| e == s));
        rec.sources.splice(0..0, ids);
        rec.stages = stages;
        rec.removed_in = removed_in;
        rec.evidence = evidence;
    }
}

/// Records what changed inside each minor release: for each gate, where a later patch release's
/// registry disagrees with the previous one read (a spec, or presence), the change with the two
/// patch releases that bracket it. A gate whose package a release did not read is skipped there.
pub fn attach_patches(
    records: &mut [crate::record::GateRecord],
    all: &[Registry],
    rename: &dyn Fn(&str) -> String,
    which: gatecheck_rules::Registry,
) {
    use gatecheck_rules::StageSpec;
    let mut by_minor: BTreeMap<Version, Vec<&Registry>> = BTreeMap::new();
    for r in all.iter().filter(|r| !r.is_provisional()) {
        by_minor.entry(r.release).or_default().push(r);
    }
    for rec in records.iter_mut().filter(|r| r.registry == which) {
        rec.patches.clear();
        let package = all
            .iter()
            .rev()
            .find_map(|r| {
                r.gates
                    .values()
                    .find(|g| rename(&g.name) == rec.name)
                    .map(|g| g.package.clone())
            })
            .or_else(|| rec.package.map(|p| p.path().to_string()));
        let Some(package) = package else {
            continue;
        };
        for (minor, regs) in &by_minor {
            let mut prev: Option<(u16, Option<StageSpec>)> = None;
            for r in regs {
                let Some(patch) = r.patch() else { continue };
                let state = match r.gates.values().find(|g| rename(&g.name) == rec.name) {
                    Some(g) => stage_of(&g.stage).map(|stage| StageSpec {
                        since: *minor,
                        stage,
                        default: g.default,
                        locked: g.locked,
                        lock_known: true,
                    }),
                    None if r.packages.contains(&package) => None,
                    None => continue,
                };
                if let Some((after, before)) = prev {
                    if before != state {
                        rec.patches.push((*minor, after, patch, state));
                    }
                }
                prev = Some((patch, state));
            }
        }
    }
}
