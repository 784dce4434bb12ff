//! The rules answer as Kubernetes' own data says. Each expectation below was checked against
//! data/upstream (the file is named in the comment), not against the code under test.

use gatecheck_rules::{ChangeKind, QueryError, Registry, Rules, Stage, StageSpec, Status, Version};

fn v(s: &str) -> Version {
    s.parse().unwrap()
}

fn known(name: &str, at: &str) -> StageSpec {
    match Rules::embedded()
        .status(Registry::Kubernetes, name, v(at))
        .unwrap()
    {
        Status::Known { spec, .. } => spec,
        other => panic!("{name} at {at}: {other:?}"),
    }
}

#[test]
fn sidecar_containers_alpha_beta_then_locked_ga() {
    // registries v1.28.0, v1.29.0, v1.33.0: Alpha, Beta true, GA locked.
    assert_eq!(
        (
            known("SidecarContainers", "1.28").stage,
            known("SidecarContainers", "1.28").default
        ),
        (Stage::Alpha, false)
    );
    assert_eq!(known("SidecarContainers", "1.29").stage, Stage::Beta);
    let ga = known("SidecarContainers", "1.33");
    assert_eq!(
        (ga.stage, ga.default, ga.lock.is_locked()),
        (Stage::Ga, true, true)
    );
}

#[test]
fn in_place_pod_vertical_scaling_beta_on_in_1_33() {
    let s = known("InPlacePodVerticalScaling", "1.33");
    assert_eq!(
        (s.stage, s.default, s.lock.is_locked()),
        (Stage::Beta, true, false)
    );
}

#[test]
fn any_volume_data_source_ga_locked_in_1_33() {
    let s = known("AnyVolumeDataSource", "1.33");
    assert_eq!(
        (s.stage, s.default, s.lock.is_locked()),
        (Stage::Ga, true, true)
    );
}

#[test]
fn kmsv1_deprecated_in_1_28_and_off_from_1_29() {
    // The list's "1.0" GA spec is a placeholder: KMSv1 was created in 1.28 to deprecate KMS v1.
    let rules = Rules::embedded();
    assert!(matches!(
        rules.status(Registry::Kubernetes, "KMSv1", v("1.27")).unwrap(),
        Status::NotYetIntroduced { introduced, .. } if introduced == v("1.28")
    ));
    let s = known("KMSv1", "1.28");
    assert_eq!((s.stage, s.default), (Stage::Deprecated, true));
    assert!(!known("KMSv1", "1.29").default);
}

#[test]
fn validating_admission_policy_and_node_swap_beta_but_off_in_1_28() {
    // website/feature-gates/ValidatingAdmissionPolicy.md; versioned lists for NodeSwap.
    for gate in ["ValidatingAdmissionPolicy", "NodeSwap"] {
        let s = known(gate, "1.28");
        assert_eq!((s.stage, s.default), (Stage::Beta, false), "{gate}");
    }
}

#[test]
fn cron_job_creation_annotation_is_not_a_gate() {
    let rules = Rules::embedded();
    match rules
        .status(Registry::Kubernetes, "CronJobCreationAnnotation", v("1.30"))
        .unwrap()
    {
        Status::Unknown { suggestions } => {
            assert!(suggestions.contains(&"CronJobsScheduledAnnotation") || suggestions.is_empty())
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        known("CronJobsScheduledAnnotation", "1.28").stage,
        Stage::Beta
    );
}

#[test]
fn removed_gates_say_when_and_what_they_were() {
    // website/feature-gates-removed.md: DynamicKubeletConfig deprecated 1.22-1.25 (last release 1.25).
    let rules = Rules::embedded();
    match rules
        .status(Registry::Kubernetes, "DynamicKubeletConfig", v("1.26"))
        .unwrap()
    {
        Status::Removed {
            removed_in, last, ..
        } => {
            assert_eq!(removed_in, v("1.26"));
            assert_eq!(last.stage, Stage::Deprecated);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        rules
            .status(Registry::Kubernetes, "DynamicKubeletConfig", v("1.25"))
            .unwrap(),
        Status::Known { .. }
    ));
    // website/feature-gates/UserNamespacesPodSecurityStandards.md: alpha to 1.34, removed.
    assert!(matches!(
        rules.status(Registry::Kubernetes, "UserNamespacesPodSecurityStandards", v("1.35")).unwrap(),
        Status::Removed { removed_in, .. } if removed_in == v("1.35")
    ));
}

#[test]
fn flag_keys_not_go_identifiers() {
    let rules = Rules::embedded();
    assert!(rules.find("CustomCPUCFSQuotaPeriod").is_some());
    assert!(rules.find("CPUCFSQuotaPeriod").is_none());
    assert!(rules.find("RuntimeClassInImageCriApi").is_some());
}

#[test]
fn case_only_differences_are_suggested_first() {
    let s = Rules::embedded().suggest(Registry::Kubernetes, "sidecarcontainers");
    assert_eq!(s.first(), Some(&"SidecarContainers"));
}

#[test]
fn versions_newer_than_the_data_are_an_error_naming_the_newest() {
    let rules = Rules::embedded();
    let too_new = rules.newest().next();
    let err = rules
        .status(Registry::Kubernetes, "NodeSwap", too_new)
        .unwrap_err();
    assert_eq!(
        err,
        QueryError::TooNew {
            asked: too_new,
            newest: rules.newest()
        }
    );
    assert!(err.to_string().contains(&rules.newest().to_string()));
}

#[test]
fn diff_reports_lock_and_removal() {
    let rules = Rules::embedded();
    let changes = rules
        .diff(Registry::Kubernetes, v("1.32"), v("1.33"))
        .unwrap();
    let sidecar = changes
        .iter()
        .find(|c| c.gate.name == "SidecarContainers")
        .unwrap();
    assert!(sidecar.kinds.contains(&ChangeKind::Promoted));
    assert!(sidecar.kinds.contains(&ChangeKind::Locked));
    let removed = rules
        .diff(Registry::Kubernetes, v("1.34"), v("1.35"))
        .unwrap();
    assert!(removed
        .iter()
        .any(|c| c.gate.name == "UserNamespacesPodSecurityStandards"
            && c.kinds == [ChangeKind::Removed]));
}

#[test]
fn known_at_lists_only_recognised_gates() {
    let rules = Rules::embedded();
    let at = rules.known_at(Registry::Kubernetes, v("1.33")).unwrap();
    assert!(at.iter().any(|(g, _)| g.name == "SidecarContainers"));
    assert!(!at.iter().any(|(g, _)| g.name == "DynamicKubeletConfig"));
    assert!(!at
        .iter()
        .any(|(g, _)| g.name == "ServiceCIDRStatusFieldWiping"));
}

/// The release a gate stops being recognised in, or `None` while it still is at `newest`.
fn removed_in(registry: Registry, name: &str) -> Option<Version> {
    Rules::embedded().gate(registry, name).unwrap().removed_in
}

#[test]
fn removals_dated_by_the_pull_requests_that_made_them() {
    // Each release below is the cycle in which the removal merged (data/overrides.yaml cites the PR).
    let core = [
        ("SidecarContainers", "1.37"), // kubernetes/kubernetes#137755
        ("StructuredAuthenticationConfiguration", "1.37"), // #138583, milestone v1.37
        ("CronJobsScheduledAnnotation", "1.35"), // #133686
        ("StrictCostEnforcementForVAP", "1.35"), // #134994
        ("TopologyAwareHints", "1.36"), // #136112
        ("EfficientWatchResumption", "1.33"), // #129751
        ("CustomResourceFieldSelectors", "1.38"), // #141207, merged after v1.37.0
    ];
    for (gate, release) in core {
        assert_eq!(
            removed_in(Registry::Kubernetes, gate),
            Some(v(release)),
            "{gate}"
        );
    }
    // SidecarContainers is still accepted (locked) by 1.36 and unknown to 1.37.
    assert!(known("SidecarContainers", "1.36").lock.is_locked());
    assert!(matches!(
        Rules::embedded()
            .status(Registry::Kubernetes, "SidecarContainers", v("1.37"))
            .unwrap(),
        Status::Removed { .. }
    ));
}

#[test]
fn kubeadm_registry_after_1_31() {
    let rules = Rules::embedded();
    // kubernetes/kubernetes#131981: NodeLocalCRISocket beta, on by default, in 1.34.
    let spec = rules
        .gate(Registry::Kubeadm, "NodeLocalCRISocket")
        .unwrap()
        .spec_at(v("1.34"))
        .unwrap();
    assert_eq!(
        (spec.stage, spec.default, spec.lock.is_locked()),
        (Stage::Beta, true, false)
    );
    // #138645 removed it in 1.37; #129589 removed EtcdLearnerMode in 1.33.
    assert_eq!(
        removed_in(Registry::Kubeadm, "NodeLocalCRISocket"),
        Some(v("1.37"))
    );
    assert_eq!(
        removed_in(Registry::Kubeadm, "EtcdLearnerMode"),
        Some(v("1.33"))
    );
    // kubeadm's gates are not core gates.
    assert!(rules
        .gate(Registry::Kubernetes, "NodeLocalCRISocket")
        .is_none());
}

/// Changes made in patch releases, each bracketed by two transcribed patch registries
/// (data/upstream/registries/v1.N.P-*.yaml): (gate, minor, last patch with the old state, first
/// patch with the new, new stage/default or None for "not registered").
/// (gate, minor, last patch with the old state, first patch with the new, new state).
type PatchCase = (&'static str, &'static str, u16, u16, Option<(Stage, bool)>);

#[test]
fn patch_release_changes_are_recorded_with_the_releases_that_bracket_them() {
    let rules = Rules::embedded();
    let cases: &[PatchCase] = &[
        // Backported in patch releases (v1.28.2 lacks it, v1.28.3 has it).
        (
            "UnauthenticatedHTTP2DOSMitigation",
            "1.28",
            2,
            3,
            Some((Stage::Beta, false)),
        ),
        (
            "UnauthenticatedHTTP2DOSMitigation",
            "1.27",
            6,
            7,
            Some((Stage::Beta, false)),
        ),
        (
            "UnauthenticatedHTTP2DOSMitigation",
            "1.26",
            9,
            10,
            Some((Stage::Beta, false)),
        ),
        (
            "WatchFromStorageWithoutResourceVersion",
            "1.27",
            8,
            13,
            Some((Stage::Beta, false)),
        ),
        // Turned off by default in a patch release.
        (
            "SchedulerQueueingHints",
            "1.28",
            4,
            8,
            Some((Stage::Beta, false)),
        ),
        (
            "ServiceAccountNodeAudienceRestriction",
            "1.32",
            1,
            2,
            Some((Stage::Beta, false)),
        ),
        // Moved back to alpha.
        ("EventedPLEG", "1.29", 0, 1, Some((Stage::Alpha, false))),
    ];
    for (name, minor, after, from, spec) in cases {
        let gate = rules.gate(Registry::Kubernetes, name).unwrap();
        let change = gate
            .patches_in(v(minor))
            .find(|c| c.from == *from)
            .unwrap_or_else(|| panic!("{name}: no change at {minor}.{from}: {:?}", gate.patches));
        assert_eq!(change.after, *after, "{name} {minor}");
        assert_eq!(
            change.spec.map(|s| (s.stage, s.default)),
            *spec,
            "{name} {minor}"
        );
        // The patch state follows: before `after` the old state, from `from` the new one, and
        // between them unknown.
        assert!(gate
            .patch_state(v(minor), *after)
            .0
            .is_none_or(|c| c.from <= *after));
        assert_eq!(gate.patch_state(v(minor), *from).0, Some(change));
        if from - after > 1 {
            assert_eq!(gate.patch_state(v(minor), after + 1).1, Some(change));
        }
    }
    // The minor's own timeline is its first patch release: UnauthenticatedHTTP2DOSMitigation is
    // not a gate of 1.28.0, whatever later patches added.
    assert!(matches!(
        rules
            .status(
                Registry::Kubernetes,
                "UnauthenticatedHTTP2DOSMitigation",
                v("1.28")
            )
            .unwrap(),
        Status::NotYetIntroduced { .. }
    ));
}
