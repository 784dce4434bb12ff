//! Each release's registry made the authority over every gate's timeline: the spec a release
//! registers is the gate's spec there, a gate a release lacks (where the package that declares
//! it was read) is not a gate of that release, and patch releases' changes are attached.

use crate::record::GateRecord;
use crate::registry::{Registered, Registry, KUBEADM_PACKAGE};
use gatecheck_rules::{EvidenceKind, Lock, MetaGate, Registry as Reg, Stage, StageSpec, Version};
use std::collections::BTreeMap;

fn stage_of(s: &str) -> Option<gatecheck_rules::Stage> {
    gatecheck_rules::Stage::parse(s)
}

/// A registry with its gates keyed by the name users type.
type Named<'a> = (&'a Registry, BTreeMap<String, &'a Registered>);

/// Each minor's registries (up to `newest`), its first patch release first.
type ByMinor<'a> = BTreeMap<u16, Vec<Named<'a>>>;

/// One release of a gate's timeline: its spec there (`None`: not a gate of that release) and
/// the id of the source that says so.
struct Cell {
    release: Version,
    spec: Option<StageSpec>,
    source: String,
}

/// Makes each release's registry the authority for that release: a gate it registers has the
/// registered spec there; a gate it lacks (while the package that declares it was read) is not a
/// gate of that release. Other releases keep what the weaker sources say. Introduction and
/// removal releases follow from the result; a gate that disappears and comes back is reported.
pub fn apply(
    records: &mut [GateRecord],
    regs: &[Registry],
    newest: Version,
    rename: &dyn Fn(&str) -> String,
    problems: &mut Vec<String>,
    which: gatecheck_rules::Registry,
) {
    if regs.is_empty() {
        return;
    }
    let by_minor = by_minor(regs, newest, rename);
    for rec in records.iter_mut().filter(|r| r.registry == which) {
        // AllAlpha and AllBeta are registered by component-base's featuregate itself, in every
        // release; no features package lists them.
        if which == Reg::Kubernetes && MetaGate::parse(&rec.name).is_some() {
            continue;
        }
        let needed = packages_needed(rec, &by_minor, which);
        let Some(mut cells) = cells(rec, &by_minor, &needed, newest) else {
            continue;
        };
        drop_contradicted(&mut cells);
        let Some((first, last)) = present_span(rec, &cells, problems) else {
            continue;
        };
        rewrite(rec, &cells, first, last, newest);
    }
}

/// Each minor's registries, its first patch release first: the first that read a gate's
/// package decides the minor's facts for it (a later patch release fills in a package the
/// first one's vendoring repository did not import).
fn by_minor<'a>(
    regs: &'a [Registry],
    newest: Version,
    rename: &dyn Fn(&str) -> String,
) -> ByMinor<'a> {
    let mut by_minor: ByMinor<'a> = BTreeMap::new();
    for r in regs
        .iter()
        .filter(|r| r.release.major == 1 && r.release <= newest)
    {
        let gates = r.gates.values().map(|g| (rename(&g.name), g)).collect();
        by_minor
            .entry(r.release.minor)
            .or_default()
            .push((r, gates));
    }
    by_minor
}

/// The packages a registry must have read to prove the gate absent: every package whose
/// registration declared it where it was last seen (Kubernetes' own package relists the others'
/// gates, but one may keep a gate the other dropped: IPv6DualStack in 1.25-1.26); where no
/// registry saw it, the package that declares it.
fn packages_needed(rec: &GateRecord, by_minor: &ByMinor<'_>, which: Reg) -> Vec<String> {
    by_minor
        .values()
        .flatten()
        .rev()
        .find_map(|(_, g)| g.get(&rec.name).map(|g| g.declared_by.clone()))
        .unwrap_or_else(|| vec![declaring_package(rec, by_minor, which)])
}

/// The package that declares the gate: where a registry saw it, else the recorded one, else,
/// for a gate older than the registries (when kubernetes' own package relisted every gate its
/// components registered), kubernetes' own. A newer gate that no registry has may live in a
/// package the vendoring repositories do not import (component-base/metrics): its absence
/// proves nothing.
fn declaring_package(rec: &GateRecord, by_minor: &ByMinor<'_>, which: Reg) -> String {
    by_minor
        .values()
        .flatten()
        .rev()
        .find_map(|(_, g)| g.get(&rec.name).map(|g| g.package.clone()))
        .or_else(|| (which == Reg::Kubeadm).then(|| KUBEADM_PACKAGE.to_string()))
        .or_else(|| rec.package.map(|p| p.path().to_string()))
        .or_else(|| {
            let first_registry = by_minor.keys().next().copied().unwrap_or(0);
            rec.stages
                .first()
                .is_some_and(|s| s.since.minor < first_registry)
                .then(|| "k8s.io/kubernetes/pkg/features".to_string())
        })
        .unwrap_or_default()
}

/// The spec the weaker sources give the gate at `v`.
fn weaker_spec(rec: &GateRecord, v: Version) -> Option<StageSpec> {
    if rec.stages.first().is_none_or(|f| v < f.since) || rec.removed_in.is_some_and(|r| v >= r) {
        return None;
    }
    rec.stages.iter().rev().find(|s| s.since <= v).copied()
}

/// The source the weaker sources' facts at `v` come from (empty where none).
fn weaker_source(rec: &GateRecord, v: Version) -> String {
    rec.evidence_at(v).unwrap_or_default().to_string()
}

/// Release by release, the gate's spec and its source: a registry that has the gate or read
/// every package in `needed` decides its release; the weaker sources the others. `None` where
/// no registry decides any release.
fn cells(
    rec: &GateRecord,
    by_minor: &ByMinor<'_>,
    needed: &[String],
    newest: Version,
) -> Option<Vec<Cell>> {
    let mut cells = Vec::new();
    let mut used = false;
    for minor in 0..=newest.minor {
        let v = Version::new(1, minor);
        let decider = by_minor.get(&minor).and_then(|regs| {
            regs.iter().find(|(reg, gates)| {
                gates.contains_key(&rec.name) || needed.iter().all(|p| reg.packages.contains(p))
            })
        });
        let cell = match decider {
            Some((reg, gates)) => {
                used = true;
                Cell {
                    release: v,
                    spec: gates.get(&rec.name).and_then(|g| registered_spec(g, v)),
                    source: reg.source_id().to_string(),
                }
            }
            None => Cell {
                release: v,
                spec: weaker_spec(rec, v),
                source: weaker_source(rec, v),
            },
        };
        cells.push(cell);
    }
    used.then_some(cells)
}

/// The spec a registry gives a gate, from `since` on (`None` for a stage gatecheck does not
/// know, such as pre-alpha).
fn registered_spec(g: &Registered, since: Version) -> Option<StageSpec> {
    stage_of(&g.stage).map(|stage| StageSpec {
        since,
        stage,
        default: g.default,
        lock: Lock::from_bool(g.locked),
    })
}

/// A gate does not leave and come back: where a registry says it is absent, the weaker
/// sources' claims beyond that (away from the registries that have it) are dropped, with the
/// absent registry as their source. (Later generated lists restate earlier releases:
/// DRAControlPlaneController "from 1.27" is the 1.27 DynamicResourceAllocation under a name
/// 1.31 gave it.)
fn drop_contradicted(cells: &mut [Cell]) {
    let is_reg: Vec<bool> = cells
        .iter()
        .map(|c| EvidenceKind::of(&c.source).is_registry())
        .collect();
    let reg_present: Vec<usize> = (0..cells.len())
        .filter(|&i| is_reg[i] && cells[i].spec.is_some())
        .collect();
    let reg_absent: Vec<usize> = (0..cells.len())
        .filter(|&i| is_reg[i] && cells[i].spec.is_none())
        .collect();
    let span = match (reg_present.first(), reg_present.last()) {
        (Some(&f), Some(&l)) => Some((f, l)),
        // Never registered: gone before the registries, or newer than all of them.
        _ => None,
    };
    for i in 0..cells.len() {
        if is_reg[i] || cells[i].spec.is_none() {
            continue;
        }
        // The registry that rules the cell out: the nearest absent one towards lo/hi.
        let witness = match span {
            None => {
                let (a0, a1) = (reg_absent[0], reg_absent[reg_absent.len() - 1]);
                (a0..=a1)
                    .contains(&i)
                    .then(|| reg_absent.iter().copied().rfind(|&a| a <= i).unwrap_or(a0))
            }
            Some((lo, _)) if i < lo => reg_absent.iter().copied().find(|&a| i <= a && a < lo),
            Some((_, hi)) if i > hi => reg_absent.iter().copied().rfind(|&a| hi < a && a <= i),
            Some(_) => None,
        };
        if let Some(a) = witness {
            cells[i].spec = None;
            cells[i].source = cells[a].source.clone();
        }
    }
}

/// The first and last releases that have the gate; `None` (with the problem reported) where no
/// release has it, or where it is missing in between.
fn present_span(
    rec: &GateRecord,
    cells: &[Cell],
    problems: &mut Vec<String>,
) -> Option<(usize, usize)> {
    let present: Vec<usize> = (0..cells.len())
        .filter(|&i| cells[i].spec.is_some())
        .collect();
    let (Some(&first), Some(&last)) = (present.first(), present.last()) else {
        problems.push(format!(
            "{}: the registries never register it, yet it is recorded as a gate",
            rec.name
        ));
        return None;
    };
    if let Some(gap) = (first..=last).find(|&i| cells[i].spec.is_none()) {
        problems.push(format!(
            "{}: a gate of {} and {}, but not of {} (per {})",
            rec.name,
            cells[first].release,
            cells[last].release,
            cells[gap].release,
            cells[gap].source
        ));
        return None;
    }
    Some((first, last))
}

/// Gives the record the timeline, removal, evidence and sources the cells `first..=last` (the
/// releases that have it) say.
fn rewrite(rec: &mut GateRecord, cells: &[Cell], first: usize, last: usize, newest: Version) {
    let mut stages: Vec<StageSpec> = Vec::new();
    for c in &cells[first..=last] {
        let mut s = c.spec.expect("no gap");
        s.since = c.release;
        // Only a GA or deprecated gate can be locked: before, an unknown lock is no lock.
        if s.lock == Lock::Unknown && !matches!(s.stage, Stage::Ga | Stage::Deprecated) {
            s.lock = Lock::Unlocked;
        }
        if stages
            .last()
            .is_none_or(|l| !crate::sources::same_state(l, &s))
        {
            stages.push(s);
        }
    }
    // The removal release is the first after the last present one, where a source says so.
    // Present in the newest release: a removal already dated beyond it (by the pull request
    // that made it) still stands.
    let gone_after = last < cells.len() - 1;
    let removed_in = match gone_after {
        true => Some(cells[last + 1].release),
        false => rec.removed_in.filter(|r| *r > newest),
    };
    let end = if gone_after { last + 1 } else { last };
    let mut evidence: Vec<(Version, String)> = Vec::new();
    for c in &cells[first..=end] {
        if evidence.last().is_none_or(|(_, s)| *s != c.source) {
            evidence.push((c.release, c.source.clone()));
        }
    }
    // Keep the weaker sources' pre-registry history as it was (with its real first release).
    if let Some(f) = rec.stages.first() {
        if f.since < cells[first].release && cells[first].source == weaker_source(rec, f.since) {
            stages[0].since = f.since;
            evidence[0].0 = f.since;
        }
    }
    let mut ids: Vec<String> = Vec::new();
    for kind in [
        EvidenceKind::Registry,
        EvidenceKind::PreRelease,
        EvidenceKind::Development,
    ] {
        let id = kind.registry_id().expect("a registry kind has an id");
        if evidence.iter().any(|(_, e)| e == id) {
            ids.push(id.to_string());
        }
    }
    // Only the website sources still in use stay listed beside the registries.
    rec.sources.retain(|s| {
        EvidenceKind::of(s) != EvidenceKind::Website || evidence.iter().any(|(_, e)| e == s)
    });
    rec.sources.splice(0..0, ids);
    rec.stages = stages;
    rec.removed_in = removed_in;
    rec.evidence = evidence;
}

/// Records what changed inside each minor release: for each gate, where a later patch release's
/// registry disagrees with the previous one read (a spec, or presence), the change with the two
/// patch releases that bracket it. A gate whose package a release did not read is skipped there.
pub fn attach_patches(
    records: &mut [GateRecord],
    all: &[Registry],
    rename: &dyn Fn(&str) -> String,
    which: gatecheck_rules::Registry,
) {
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
                    Some(g) => registered_spec(g, *minor),
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
