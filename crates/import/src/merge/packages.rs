//! Which Go package declares each core gate: the newest released registry that has the gate,
//! else `feature_dependencies.yaml`'s `packages`.

use crate::record::GateRecord;
use crate::registry;
use gatecheck_rules::{Package, Registry};
use std::collections::BTreeMap;

/// Gives each core gate its package. A name in `listed` (feature_dependencies.yaml's packages)
/// that no other source knows is a problem.
pub(super) fn attach(
    records: &mut [GateRecord],
    listed: BTreeMap<String, Package>,
    all_registries: &[registry::Registry],
    rename: &dyn Fn(&str) -> String,
    problems: &mut Vec<String>,
) {
    for (name, package) in listed {
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
            r.package = Package::parse(&p);
        }
    }
}
