//! Properties every gate in the embedded data must have, whatever its sources said.

use gatecheck_rules::{Registry, Rules, Stage, Version};

#[test]
fn names_are_unique_and_sorted_within_each_registry() {
    let gates = Rules::embedded().gates();
    for pair in gates.windows(2) {
        assert!(
            (pair[0].registry, pair[0].name) < (pair[1].registry, pair[1].name),
            "{} / {} out of order or repeated",
            pair[0].name,
            pair[1].name
        );
    }
}

#[test]
fn timelines_are_ordered_non_empty_and_change_something() {
    for g in Rules::embedded().gates() {
        assert!(!g.stages.is_empty(), "{} has no stages", g.name);
        for pair in g.stages.windows(2) {
            assert!(
                pair[0].since < pair[1].since,
                "{}: versions not increasing",
                g.name
            );
            let same = pair[0].stage == pair[1].stage
                && pair[0].default == pair[1].default
                && pair[0].lock == pair[1].lock;
            assert!(
                !same,
                "{}: an entry at {} changes nothing",
                g.name, pair[1].since
            );
        }
    }
}

#[test]
fn no_placeholder_versions_survive() {
    for g in Rules::embedded().gates() {
        assert!(
            g.introduced() > Version::new(1, 0),
            "{} claims to exist since the 1.0 placeholder",
            g.name
        );
    }
}

#[test]
fn locked_means_ga_or_deprecated() {
    for g in Rules::embedded().gates() {
        for s in g.stages {
            assert!(
                !s.lock.is_locked() || matches!(s.stage, Stage::Ga | Stage::Deprecated),
                "{} locked while {} at {}",
                g.name,
                s.stage,
                s.since
            );
        }
    }
}

#[test]
fn nothing_happens_after_removal_or_past_the_newest_release() {
    let rules = Rules::embedded();
    for g in rules.gates() {
        let last = g.last_spec().since;
        assert!(
            last <= rules.newest(),
            "{}: stage after the newest release",
            g.name
        );
        if let Some(r) = g.removed_in {
            assert!(
                r > last,
                "{}: a stage at {} but removed in {}",
                g.name,
                last,
                r
            );
        }
    }
}

#[test]
fn graduation_never_goes_backwards() {
    for g in Rules::embedded().gates() {
        let mut seen_ga = false;
        for s in g.stages {
            if seen_ga {
                assert!(
                    matches!(s.stage, Stage::Ga | Stage::Deprecated),
                    "{}: back to {} at {} after GA",
                    g.name,
                    s.stage,
                    s.since
                );
            }
            seen_ga |= s.stage == Stage::Ga;
        }
    }
}

#[test]
fn kubeadm_gates_are_a_separate_registry() {
    let rules = Rules::embedded();
    assert!(rules
        .gate(Registry::Kubeadm, "RootlessControlPlane")
        .is_some());
    assert!(rules
        .gate(Registry::Kubernetes, "RootlessControlPlane")
        .is_none());
    assert!(rules.gate(Registry::Kubeadm, "SidecarContainers").is_none());
}

/// Kubernetes refuses to register a dependency that its own defaults would break
/// (component-base `AddDependencies`): a gate may not depend on a less stable one, a default-on
/// gate on a default-off one, or a locked gate on an unlocked one. Our stage data and the
/// dependency tables come from different sources, so this cross-checks both.
#[test]
fn dependencies_are_consistent_with_the_stages_kubernetes_registers() {
    let rules = Rules::embedded();
    let rank = |s: Stage| match s {
        Stage::Alpha => 0,
        Stage::Beta => 1,
        Stage::Ga | Stage::Deprecated => 2,
    };
    let mut problems = Vec::new();
    for minor in 35..=rules.newest().minor {
        let v = Version::new(1, minor);
        for g in rules.gates() {
            let Some(spec) = g.spec_at(v) else { continue };
            for dep in g.dependencies_at(v) {
                let Some(d) = rules
                    .gate(Registry::Kubernetes, dep)
                    .and_then(|d| d.spec_at(v))
                else {
                    problems.push(format!("{v}: {} depends on {dep}, not a gate then", g.name));
                    continue;
                };
                if rank(spec.stage) > rank(d.stage) && spec.stage != Stage::Deprecated {
                    problems.push(format!(
                        "{v}: {} ({}) depends on less stable {dep} ({})",
                        g.name, spec.stage, d.stage
                    ));
                }
                if spec.default && !d.default {
                    problems.push(format!("{v}: {} is on by default but {dep} is off", g.name));
                }
                if spec.lock.is_locked() && !d.lock.is_locked() {
                    problems.push(format!("{v}: {} is locked but {dep} is not", g.name));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn dependencies_are_not_checked_before_1_35() {
    let rules = Rules::embedded();
    let g = rules
        .gate(
            Registry::Kubernetes,
            "GracefulNodeShutdownBasedOnPodPriority",
        )
        .unwrap();
    assert!(g.dependencies_at(Version::new(1, 34)).is_empty());
    assert_eq!(
        g.dependencies_at(Version::new(1, 35)),
        ["GracefulNodeShutdown"]
    );
    let userns = rules
        .gate(Registry::Kubernetes, "UserNamespacesHostNetworkSupport")
        .unwrap();
    assert_eq!(
        userns.dependencies_at(Version::new(1, 35)),
        ["UserNamespacesSupport"]
    );
    // v1.36.0's own table (its registry) adds NodeDeclaredFeatures, which a v1.36 development
    // snapshot did not have yet. In the order the release's featuregate holds them (its
    // Dependencies(), as the dumped registries record it: sorted), not the source table's.
    assert_eq!(
        userns.dependencies_at(Version::new(1, 36)),
        ["NodeDeclaredFeatures", "UserNamespacesSupport"]
    );
    assert_eq!(
        userns.dependencies_at(Version::new(1, 37)),
        ["NodeDeclaredFeatures", "UserNamespacesSupport"]
    );
}

/// From the first per-release registry (1.18) on, every GA or deprecated stage has a settled
/// lock: no "unknown" becomes "unlocked".
#[test]
fn every_ga_lock_from_1_18_on_is_settled() {
    let rules = Rules::embedded();
    let mut checked = 0;
    for gate in rules.gates() {
        for minor in 18..=rules.newest().minor {
            let v = Version::new(1, minor);
            if let Some(spec) = gate.spec_at(v) {
                if matches!(spec.stage, Stage::Ga | Stage::Deprecated) {
                    assert!(spec.lock.is_known(), "{} at {v}: lock unknown", gate.name);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 800, "only {checked} GA gate-releases");
}
