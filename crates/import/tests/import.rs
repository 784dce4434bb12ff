//! The committed outputs are exactly what the importer produces, and they agree with the
//! Kubernetes lists they come from.

use gatecheck_import::{import, repo_root, sources, GATES_YAML, GENERATED_RS};
use gatecheck_rules::{Registry, Rules, Status};

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
}

#[test]
fn import_is_deterministic() {
    let a = import(&repo_root()).unwrap();
    let b = import(&repo_root()).unwrap();
    assert_eq!(a.gates_yaml, b.gates_yaml);
}

/// Every spec of the newest Kubernetes list holds in the embedded rules, from the version it
/// names until the next spec (placeholders and hand-corrected gates aside).
#[test]
fn rules_agree_with_the_newest_kubernetes_list() {
    let root = repo_root();
    let text = std::fs::read_to_string(
        root.join("data/upstream/kubernetes/versioned_feature_list.v1_37dev.yaml"),
    )
    .unwrap();
    let list = sources::compact_list(&text).unwrap();
    let rules = Rules::embedded();
    let overridden = std::fs::read_to_string(root.join("data/overrides.yaml")).unwrap();
    let mut checked = 0;
    for (name, specs) in &list {
        let name = match name.as_str() {
            "CPUCFSQuotaPeriod" => "CustomCPUCFSQuotaPeriod",
            "RuntimeClassInImageCriAPI" => "RuntimeClassInImageCriApi",
            n => n,
        };
        if overridden.contains(&format!("name: {name}\n")) {
            continue;
        }
        for (i, spec) in specs.iter().enumerate() {
            if spec.since.minor == 0 {
                continue; // the "1.0" placeholder
            }
            let end = specs.get(i + 1).map_or(36, |n| n.since.minor - 1);
            for minor in spec.since.minor..=end {
                let at = gatecheck_rules::Version::new(1, minor);
                match rules.status(Registry::Kubernetes, name, at).unwrap() {
                    Status::Known { spec: got, .. } => {
                        assert_eq!(
                            (got.stage, got.default, got.locked),
                            (spec.stage, spec.default, spec.locked),
                            "{name} at {at}"
                        );
                        checked += 1;
                    }
                    other => panic!("{name} at {at}: {other:?}"),
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} gate-versions checked");
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
    // Accelerators: the same two rows upstream; removed in 1.12.
    assert_eq!(
        rules
            .find("Accelerators")
            .unwrap()
            .removed_in
            .unwrap()
            .to_string(),
        "1.12"
    );
}

#[test]
fn feature_list_md_ranges_become_stages() {
    let row = "| X | :ballot_box_with_check:&nbsp;1.16+ | :closed_lock_with_key:&nbsp;1.34+ | 1.8–1.15 | 1.16–1.33 | 1.34– |  |  | links |\n";
    let t = sources::feature_list_md(row).unwrap();
    let specs: Vec<String> = t["X"]
        .iter()
        .map(|s| format!("{} {} {} {}", s.since, s.stage, s.default, s.locked))
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
