//! kubeadm's own gates: from its v1.31 documentation with the hand corrections, and, where a
//! dumped registry records them (its InitFeatureGates), from the registries.

use super::overrides::Overrides;
use super::stages::normalise;
use crate::error::Result;
use crate::record::GateRecord;
use crate::registry;
use crate::sources;
use gatecheck_rules::{Component, Registry, Version};

const DOCS: &str = "kubeadm-docs-1.31";

/// kubeadm's gates as its documentation gives them, each corrected by its override.
pub(super) fn from_docs(text: &str, ov: &Overrides, newest: Version) -> Result<Vec<GateRecord>> {
    let mut out = Vec::new();
    for (name, (timeline, removed)) in sources::kubeadm(text)? {
        let o = ov.of(Registry::Kubeadm, &name);
        let mut stages = timeline;
        let mut removed_in = removed;
        let mut sources_used = vec![DOCS];
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
        let settled_by = match o.is_some_and(|o| o.stages.is_some()) {
            true => "override",
            false => DOCS,
        };
        out.push(GateRecord {
            note: o.and_then(|o| o.note.clone()),
            removed_in,
            stages: normalise(stages, newest),
            evidence: vec![(Version::new(1, 0), settled_by.to_string())],
            sources: sources_used.into_iter().map(str::to_string).collect(),
            ..GateRecord::new(name, Registry::Kubeadm, vec![Component::Kubeadm])
        });
    }
    Ok(out)
}

/// An empty record for each kubeadm gate that only the registries (up to `newest`) know; the
/// registries then give it everything.
pub(super) fn only_registries_know(
    records: &[GateRecord],
    kubeadm_regs: &[registry::Registry],
    newest: Version,
) -> Vec<GateRecord> {
    let mut out: Vec<GateRecord> = Vec::new();
    for r in kubeadm_regs.iter().filter(|r| r.release <= newest) {
        for name in r.gates.keys() {
            if !records
                .iter()
                .chain(&out)
                .any(|g| g.registry == Registry::Kubeadm && &g.name == name)
            {
                out.push(GateRecord::new(
                    name.clone(),
                    Registry::Kubeadm,
                    vec![Component::Kubeadm],
                ));
            }
        }
    }
    out
}
