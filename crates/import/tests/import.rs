//! The committed outputs are exactly what the importer produces, and they agree with the
//! Kubernetes lists they come from.

use gatecheck_import::{import, repo_root, sources, GATES_YAML, GENERATED_RS};
use gatecheck_rules::{Lock, MetaGate, Registry, Rules, Status};

#[test]
fn committed_outputs_match_a_fresh_import() {
    let root = repo_root();
    let out = import(&root).expect("import succeeds");
    let yaml = std::fs::read_to_string(root.join(GATES_YAML)).unwrap();
    let rs = std::fs::read_to_string(root.join(GENERATED_RS)).unwrap();
    assert!(
        yaml == out.gates_yaml,
        "gates.yaml is stale: run `cargo run -p gatecheck-import`"
    );
    assert!(
        rs == out.generated_rs,
        "generated.rs is stale: run `cargo run -p gatecheck-import`"
    );
    let cov = std::fs::read_to_string(root.join(gatecheck_import::COVERAGE_MD)).unwrap_or_default();
    assert!(
        cov == out.coverage_md,
        "docs/coverage.md is stale: run `cargo run -p gatecheck-import`"
    );
}

#[test]
fn import_is_deterministic() {
    let a = import(&repo_root()).unwrap();
    let b = import(&repo_root()).unwrap();
    assert_eq!(a.gates_yaml, b.gates_yaml);
}

/// Each release's own registry is the authority for that release: every gate it registers has
/// exactly the registered stage, default and lock in the embedded rules, and every gate of a
/// package it read but does not register is not a gate of that release.
#[test]
fn rules_agree_with_every_release_registry() {
    let root = repo_root();
    let inputs = gatecheck_import::Inputs::load(&root).unwrap();
    let all = gatecheck_import::registry::read_all(&inputs.registries).unwrap();
    let regs = gatecheck_import::registry::bases(&all);
    assert!(regs.len() >= 20, "registries 1.18-1.37 are recorded");
    let rules = Rules::embedded();
    let rename = |n: &str| match n {
        "CPUCFSQuotaPeriod" => "CustomCPUCFSQuotaPeriod".to_string(),
        n => n.to_string(),
    };
    let (mut present, mut absent) = (0, 0);
    for reg in &regs {
        let at = reg.release;
        for g in reg.gates.values() {
            let name = rename(&g.name);
            match rules.status(Registry::Kubernetes, &name, at).unwrap() {
                Status::Known { spec, gate } => {
                    assert_eq!(
                        (spec.stage.as_str(), spec.default, spec.lock),
                        (g.stage.as_str(), g.default, Lock::from_bool(g.locked)),
                        "{name} at {at}"
                    );
                    assert_eq!(
                        gate.evidence_at(at),
                        Some(reg.source_id()),
                        "{name} at {at}: the registry is named as the evidence"
                    );
                    present += 1;
                }
                other => panic!("{name} at {at}: registered, but the rules say {other:?}"),
            }
        }
        for gate in rules.gates() {
            // The declaring package: as the registries saw it, else as recorded.
            let package = regs
                .iter()
                .rev()
                .find_map(|r| {
                    r.gates
                        .values()
                        .find(|g| rename(&g.name) == gate.name)
                        .map(|g| g.package.as_str())
                })
                .or(gate.package.map(|p| p.path()))
                .unwrap_or("k8s.io/kubernetes/pkg/features");
            let package = if regs
                .iter()
                .any(|r| r.gates.values().any(|g| rename(&g.name) == gate.name))
                || gate.package.is_some()
                || gate.introduced().minor < 18
            {
                package
            } else {
                ""
            };
            if gate.registry != Registry::Kubernetes
                || MetaGate::parse(gate.name).is_some()
                || !reg.packages.iter().any(|p| p == package)
                || reg.gates.keys().any(|n| rename(n) == gate.name)
            {
                continue;
            }
            assert!(
                gate.spec_at(at).is_none(),
                "{} at {at}: {package} does not register it, yet the rules know it",
                gate.name
            );
            absent += 1;
        }
    }
    assert!(
        present > 2500,
        "only {present} registered gate-releases checked"
    );
    assert!(absent > 1000, "only {absent} absences checked");
}

#[test]
fn removed_table_rows_become_removals_one_release_after_to() {
    let text =
        "| `Foo` | `false` | Alpha | 1.6 | 1.10 |\n| `Foo` | - | Deprecated | 1.11 | 1.11 |\n";
    let t = sources::website_table(text).unwrap();
    let foo = &t["Foo"];
    assert_eq!(foo.stages.len(), 2);
    assert!(
        !foo.stages[1].default,
        "a '-' default keeps the previous one"
    );
    assert_eq!(foo.last_release.unwrap().to_string(), "1.11");
    let rules = Rules::embedded();
    // Accelerators: the same two rows upstream, which would remove it in 1.12; but v1.11.0's own
    // registry (dumped) no longer has it, and a release's registry wins over the table.
    assert_eq!(
        rules
            .find("Accelerators")
            .unwrap()
            .removed_in
            .unwrap()
            .to_string(),
        "1.11"
    );
}

#[test]
fn feature_list_md_ranges_become_stages() {
    let row = "| X | :ballot_box_with_check:&nbsp;1.16+ | :closed_lock_with_key:&nbsp;1.34+ | 1.8–1.15 | 1.16–1.33 | 1.34– |  |  | links |\n";
    let t = sources::feature_list_md(row).unwrap();
    let specs: Vec<String> = t["X"]
        .iter()
        .map(|s| {
            format!(
                "{} {} {} {}",
                s.since,
                s.stage,
                s.default,
                s.lock.is_locked()
            )
        })
        .collect();
    assert_eq!(
        specs,
        [
            "1.8 alpha false false",
            "1.16 beta true false",
            "1.34 ga true true"
        ]
    );
}

#[test]
fn dependency_tables_read_in_order_with_first_release_differences() {
    let text = r#"
snapshots:
  - applies_from: "1.35"
    depends_on:
      B: [A]
      C: [A, B]
    v1_35_table_differs:
      C: [A]
  - applies_from: "1.36"
    depends_on:
      B: [A]
"#;
    let tables = sources::dependencies(text).unwrap();
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0].depends_on["C"], ["A", "B"]);
    assert_eq!(tables[0].first_release_differs["C"], ["A"]);
    assert!(!tables[1].depends_on.contains_key("C"));

    let reversed = "snapshots:\n  - applies_from: \"1.36\"\n  - applies_from: \"1.35\"\n";
    assert!(sources::dependencies(reversed).is_err());
    let not_a_list = "snapshots:\n  - applies_from: \"1.35\"\n    depends_on:\n      B: A\n";
    assert!(sources::dependencies(not_a_list).is_err());
}

#[test]
fn the_upstream_dependency_table_reaches_the_rules() {
    // A v1.35 fact from the table, and one that only the later v1.36 tree has.
    let rules = Rules::embedded();
    let dra = rules.gate(Registry::Kubernetes, "DRAAdminAccess").unwrap();
    assert_eq!(
        dra.dependencies_at("1.35".parse().unwrap()),
        ["DynamicResourceAllocation"]
    );
    let ws = rules
        .gate(Registry::Kubernetes, "ExtendWebSocketsToKubelet")
        .unwrap();
    assert_eq!(
        ws.dependencies_at("1.36".parse().unwrap()),
        ["NodeDeclaredFeatures"]
    );
    // Removed with MemoryManager: the 1.35 table still has the edge, 1.36 does not.
    let mem = rules
        .gate(
            Registry::Kubernetes,
            "InPlacePodVerticalScalingExclusiveMemory",
        )
        .unwrap();
    assert_eq!(
        mem.dependencies_at("1.35".parse().unwrap()),
        ["InPlacePodVerticalScaling", "MemoryManager"]
    );
    assert_eq!(
        mem.dependencies_at("1.36".parse().unwrap()),
        ["InPlacePodVerticalScaling"]
    );
}

/// Kubernetes' own release notes for 1.37 (CHANGELOG-1.37.md, v1.37.0-alpha.1: the only section
/// stored) are a second witness: every gate change they state holds in the rules.
#[test]
fn the_1_37_release_notes_agree_with_the_rules() {
    use gatecheck_rules::{Stage, Version};
    let root = repo_root();
    let text =
        std::fs::read_to_string(root.join("data/upstream/kubernetes/changelog_1_37.yaml")).unwrap();
    let docs = gatecheck_yaml::parse(&text).unwrap();
    let facts = docs[0].root.get("facts").and_then(|f| f.as_seq()).unwrap();
    let rules = Rules::embedded();
    let v137 = Version::new(1, 37);
    let mut checked = 0;
    for f in facts {
        let s = |k: &str| f.get(k).and_then(|n| n.as_str()).unwrap_or_default();
        let registry = match s("component") {
            "kubeadm" => Registry::Kubeadm,
            _ => Registry::Kubernetes,
        };
        let gate = rules
            .gate(registry, s("gate"))
            .unwrap_or_else(|| panic!("{} is unknown to the rules", s("gate")));
        let spec = gate.spec_at(v137);
        match s("change") {
            "removed" => assert_eq!(gate.removed_in, Some(v137), "{}", gate.name),
            "locked" => assert!(spec.is_some_and(|x| x.lock.is_locked()), "{}", gate.name),
            "added" => assert_eq!(gate.introduced(), v137, "{}", gate.name),
            "ga" => assert_eq!(spec.map(|x| x.stage), Some(Stage::Ga), "{}", gate.name),
            "default-on" => assert!(spec.is_some_and(|x| x.default), "{}", gate.name),
            other => panic!("{}: change {other:?} is not checked", gate.name),
        }
        checked += 1;
    }
    assert!(checked >= 19, "only {checked} facts");
}

/// A hand correction that restates what a release's registry settles is refused, so that
/// overrides cannot drift from (or silently contradict) Kubernetes' own code.
#[test]
fn overrides_that_registries_settle_are_refused() {
    let mut inputs = gatecheck_import::Inputs::load(&repo_root()).unwrap();
    inputs.overrides.push_str(
        "\n  - name: SidecarContainers\n    removed_in: \"1.36\"\n    source: \"a blog post\"\n  - name: PLEGOnDemandRelist\n    add_stages: [\"1.37 ga true false\"]\n    source: \"a blog post\"\n",
    );
    let registries = gatecheck_import::registry::read_all(&inputs.registries).unwrap();
    let err = gatecheck_import::merge::merge(&inputs, &registries)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("SidecarContainers's removal in 1.36 is settled by the registries"),
        "{err}"
    );
    assert!(
        err.contains("PLEGOnDemandRelist's 1.37 stage is settled by that release's registry"),
        "{err}"
    );
}
