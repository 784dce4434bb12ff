//! How settings are judged once read: components and their registries, flags merged over config
//! files (and across a node's files), dependencies between gates, locks no source settles, one
//! finding per setting.

#[path = "support/cli.rs"]
mod cli;
use cli::{has, json, json_stdin, summary};

#[test]
fn not_yet_introduced_names_the_version() {
    let (code, v) = json(&["--target", "1.28", "fixtures/bad/kind-cluster.yaml"]);
    assert_eq!(code, 1);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["gate"] == "GangScheduling")
        .unwrap();
    assert_eq!(f["kind"], "not-yet-introduced");
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("introduced in 1.35"));
}

#[test]
fn dependencies_are_checked_from_1_35() {
    let file = "fixtures/bad/kubelet-dependencies.yaml";
    let (code, v134) = json(&["--target", "1.34", file]);
    assert!(
        !summary(&v134).iter().any(|f| f.2 == "GC016"),
        "1.34 does not check dependencies"
    );
    assert_eq!(
        code, 1,
        "UserNamespacesHostNetworkSupport does not exist yet in 1.34"
    );

    let (code, v) = json(&["--target", "1.35", file]);
    assert_eq!(code, 1);
    // Turning off a gate that a default-on gate needs: reported where it is turned off.
    assert!(has(&v, 7, 3, "GC016", "GracefulNodeShutdown"));
    // Enabling a gate whose dependency is off: reported at the gate.
    assert!(has(&v, 9, 3, "GC016", "UserNamespacesHostNetworkSupport"));
    // AllAlpha enables GangScheduling, whose dependency is explicitly off.
    assert!(has(&v, 15, 3, "GC016", "AllAlpha"));
    assert!(has(&v, 15, 3, "GC017", "AllAlpha"));
    // An explicit opt-out from AllAlpha is not redundant, although it equals the default.
    assert!(!has(&v, 16, 3, "GC010", "GenericWorkload"));
    let dep = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["gate"] == "UserNamespacesHostNetworkSupport" && f["code"] == "GC016")
        .unwrap();
    assert_eq!(dep["kind"], "dependency");
    assert!(dep["message"].as_str().unwrap().contains(
        "`UserNamespacesHostNetworkSupport is enabled, but depends on features that are disabled: [UserNamespacesSupport]`"
    ));
}

#[test]
fn dependencies_apply_to_flags_and_ignore_locked_mistakes() {
    // Flags merge like the file: the later UserNamespacesSupport=true repairs the dependency.
    let args = "KUBELET_EXTRA_ARGS=--feature-gates=UserNamespacesSupport=false,UserNamespacesHostNetworkSupport=true --feature-gates=UserNamespacesSupport=true\n";
    let (_, v) = json_stdin(&["--target", "1.35", "--component", "kubelet"], args);
    assert!(!summary(&v).iter().any(|f| f.2 == "GC016"), "{v}");

    // A locked gate set the wrong way is one error (GC004), not also a dependency failure.
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  DynamicResourceAllocation: false\n";
    let (code, v) = json_stdin(&["--target", "1.35"], cfg);
    assert_eq!(code, 1);
    let codes: Vec<String> = summary(&v).into_iter().map(|f| f.2).collect();
    assert_eq!(codes, ["GC004"], "{v}");
}

#[test]
fn kubelet_flags_override_its_config_file_key_by_key() {
    let (code, v) = json(&[
        "--target",
        "1.33",
        "fixtures/bad/kubeadm-node-flags-and-config.yaml",
    ]);
    assert_eq!(code, 1);
    let got = summary(&v);
    // The flag's SidecarContainers=true is what the kubelet uses: locked to true, so a warning.
    assert!(has(&v, 8, 14, "GC005", "SidecarContainers"));
    // The file's SidecarContainers: false is overridden: a conflict, and not a locked error.
    assert!(has(&v, 13, 3, "GC012", "SidecarContainers"));
    assert!(
        !got.iter().any(|f| f.0 == 13 && f.2 == "GC004"),
        "an overridden setting is not judged on its own: {got:?}"
    );
    // The same value in both places: the file's copy is redundant.
    assert!(has(&v, 14, 3, "GC010", "NodeSwap"));
}

#[test]
fn cloud_controller_manager_accepts_only_the_packages_it_registers() {
    // APIServerTracing is k8s.io/apiserver's (registered by CCM); CloudControllerManagerWebhook is
    // k8s.io/controller-manager's; AuthorizeNodeWithSelectors is kubernetes' own, although its
    // KEP names kube-apiserver.
    let cfg = "kube-cloud-controller-manager-arg:\n  - feature-gates=APIServerTracing=true,CloudControllerManagerWebhook=true,AuthorizeNodeWithSelectors=true\n";
    let (code, v) = json_stdin(&["--target", "1.34"], cfg);
    assert_eq!(code, 1);
    let misplaced: Vec<String> = summary(&v)
        .into_iter()
        .filter(|f| f.2 == "GC013")
        .map(|f| f.3)
        .collect();
    assert_eq!(misplaced, ["AuthorizeNodeWithSelectors"], "{v}");
}

#[test]
fn node_mode_merges_the_kubelet_flags_file_into_its_config_file() {
    // Each file alone: the config file's GracefulNodeShutdown=false breaks 1.35.
    let (_, alone) = json(&["--target", "1.35", "fixtures/node"]);
    let alone = summary(&alone);
    assert!(alone.contains(&(5, 3, "GC016".into(), "GracefulNodeShutdown".into())));
    assert!(!alone
        .iter()
        .any(|f| f.3 == "UserNamespacesHostNetworkSupport" && f.2 == "GC016"));

    // As one node: the flag's GracefulNodeShutdown=true wins (the file's value is a conflict,
    // not a failure), and the flag's UserNamespacesHostNetworkSupport=true now meets the file's
    // UserNamespacesSupport=false.
    let (code, v) = json(&["--target", "1.35", "--node", "fixtures/node"]);
    assert_eq!(code, 1);
    let files: Vec<(String, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                f["line"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has_in = |file: &str, line: u64, code: &str| {
        files.contains(&(file.to_string(), line, code.to_string()))
    };
    assert!(has_in("kubelet-config.yaml", 5, "GC012"), "{files:?}");
    assert!(!has_in("kubelet-config.yaml", 5, "GC016"), "{files:?}");
    assert!(has_in("kubelet.env", 2, "GC016"), "{files:?}");
    assert!(
        !has_in("kubelet.env", 2, "GC010"),
        "the flag replaces the file's value, so it is not redundant: {files:?}"
    );
    let conflict = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "GC012")
        .unwrap();
    assert!(conflict["message"]
        .as_str()
        .unwrap()
        .contains("kubelet.env:2:36"));
}

/// Where no source settles whether a GA gate is locked, setting it against its default is a
/// warning, never silence.
#[test]
fn an_unsettled_lock_is_a_warning() {
    // A GA or deprecated stage whose lock no source settles, asked of the data (the registries
    // settle more of them with every release they reach back to).
    let rules = gatecheck_rules::Rules::embedded();
    let (gate, spec) = rules
        .gates()
        .iter()
        .filter(|g| g.registry == gatecheck_rules::Registry::Kubernetes)
        .find_map(|g| {
            g.stages
                .iter()
                .find(|s| {
                    !s.lock.is_known()
                        && matches!(
                            s.stage,
                            gatecheck_rules::Stage::Ga | gatecheck_rules::Stage::Deprecated
                        )
                        && g.removed_in.is_none_or(|r| r > s.since.next())
                })
                .map(|s| (g, *s))
        })
        .expect("the data has a GA stage whose lock is unknown");
    let at = spec.since.to_string();
    let cfg = |value: bool| {
        format!(
            "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  {}: {value}\n",
            gate.name
        )
    };
    // Against its default: the component may refuse it, and no source says: a warning.
    let (rc, v) = json_stdin(
        &["--target", &at, "--fail-on", "warning"],
        &cfg(!spec.default),
    );
    assert_eq!(rc, 1, "{v}");
    assert!(has(&v, 4, 3, "GC018", gate.name), "{v}");
    let lock = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "GC018")
        .unwrap();
    assert!(
        lock["message"]
            .as_str()
            .unwrap()
            .contains("gatecheck has no record for this release"),
        "{lock}"
    );
    // Set to its default: not a lock question.
    let (_, v) = json_stdin(&["--target", &at], &cfg(spec.default));
    assert!(!v.to_string().contains("GC018"), "{v}");
    // Where a later stage's lock is known, no warning there.
    if let Some(known) = gate
        .stages
        .iter()
        .find(|s| s.since > spec.since && s.lock.is_known())
    {
        let (_, v) = json_stdin(&["--target", &known.since.to_string()], &cfg(!spec.default));
        assert!(!v.to_string().contains("GC018"), "{v}");
    }
}

/// One setting, one finding; kind's featureGates names every component it reaches; old kubeadm
/// config APIs are reported at every target that no longer reads them.
#[test]
fn one_finding_per_setting_kind_components_and_old_kubeadm_apis() {
    // `a=b`: the component refuses the value before it looks the name up.
    let cfg = "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: kube-apiserver\n    command: [kube-apiserver, --feature-gates=a=b]\n";
    let (_, v) = json_stdin(&["--target", "1.33"], cfg);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["code"], "GC011");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("also: kube-apiserver does not recognise feature gate a"),
        "{v}"
    );
    // A GA gate removed in the next release: one warning, removed-next, with the GA fact folded.
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  KubeletCredentialProviders: true\n";
    let (_, v) = json_stdin(&["--target", "1.27"], cfg);
    let f = v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["code"], "GC008");
    assert!(
        f[0]["message"]
            .as_str()
            .unwrap()
            .contains("locked to true in 1.27"),
        "{v}"
    );

    // kind: the map reaches every component, and the finding says so.
    let (_, v) = json(&["--target", "1.33", "fixtures/bad/kind-cluster.yaml"]);
    let first = &v["findings"][0];
    assert_eq!(first["component"], serde_json::Value::Null);
    assert!(first["message"].as_str().unwrap().contains(
        "each of kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kube-proxy"
    ), "{first}");

    // kubeadm v1beta2 is gone from 1.27 (kubernetes/kubernetes#114540), v1beta1 from 1.22.
    let cfg = "apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    feature-gates: \"NodeSwap=true\"\n";
    let (_, v) = json_stdin(&["--target", "1.27"], cfg);
    assert!(has(&v, 1, 13, "GC015", ""), "{v}");
    let (_, v) = json_stdin(&["--target", "1.26"], cfg);
    assert!(!has(&v, 1, 13, "GC015", ""), "{v}");
    let (_, v) = json_stdin(&["--target", "1.22"], &cfg.replace("v1beta2", "v1beta1"));
    assert!(has(&v, 1, 13, "GC015", ""), "{v}");
}
