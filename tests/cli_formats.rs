//! Every configuration format the binary reads, on the shipped fixtures and small files written
//! from each format's documentation, with the exact positions of its findings.

use predicates::prelude::*;

#[path = "support/cli.rs"]
mod cli;
use cli::{gatecheck, has, json, json_stdin, root, summary};

#[test]
fn kubelet_config_reports_locked_removed_unknown_and_invalid() {
    let (code, v) = json(&["--target", "1.33", "fixtures/bad/kubelet-config.yaml"]);
    assert_eq!(code, 1);
    assert!(has(&v, 5, 3, "GC004", "SidecarContainers"));
    assert!(has(&v, 6, 3, "GC003", "DynamicKubeletConfig"));
    assert!(has(&v, 7, 3, "GC001", "sidecarContainers"));
    assert!(
        has(&v, 8, 3, "GC011", "NodeSwap"),
        "quoted \"true\" is a decode error"
    );
    let f = &v["findings"][0];
    for key in [
        "file",
        "line",
        "column",
        "component",
        "registry",
        "gate",
        "value",
        "kind",
        "severity",
        "code",
        "message",
    ] {
        assert!(f.get(key).is_some(), "JSON finding lacks {key}");
    }
    assert_eq!(f["kind"], "locked");
    assert_eq!(f["component"], "kubelet");
    assert_eq!(f["value"], false);
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("cannot set feature gate SidecarContainers to false, feature is locked to true"));
    assert_eq!(v["target"], "1.33");
}

#[test]
fn good_fixtures_pass() {
    // One good example per format: at most advice (info), even with --fail-on warning.
    gatecheck()
        .args(["--target", "1.33", "--fail-on", "warning", "fixtures/good"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "10 files checked (10 read, 10 with gate settings), 0 errors, 0 warnings",
        ));
    let (code, v) = json(&["--target", "1.33", "fixtures/good"]);
    assert_eq!(code, 0);
    assert!(v["errors"].as_array().unwrap().is_empty());
    for f in v["findings"].as_array().unwrap() {
        assert_eq!(f["severity"], "info", "{f}");
    }
}

#[test]
fn static_pod_flags_in_both_forms() {
    let (code, v) = json(&["--target", "1.36", "fixtures/bad/kube-apiserver.yaml"]);
    assert_eq!(code, 1);
    assert!(has(&v, 13, 23, "GC003", "ValidatingAdmissionPolicy"));
    assert!(has(
        &v,
        13,
        54,
        "GC003",
        "UserNamespacesPodSecurityStandards"
    ));
    assert!(
        has(&v, 15, 7, "GC004", "AnyVolumeDataSource"),
        "the `--feature-gates X` form"
    );
    assert_eq!(v["findings"][0]["component"], "kube-apiserver");
}

#[test]
fn kubeadm_registry_api_version_and_conflicts() {
    let (_, v) = json(&["--target", "1.37", "fixtures/bad/kubeadm-v1beta3.yaml"]);
    assert!(has(&v, 1, 13, "GC015", ""), "v1beta3 is gone in 1.37");
    assert!(
        has(&v, 5, 3, "GC007", "RootlessControlPlane"),
        "checked against kubeadm's registry"
    );
    assert!(
        has(&v, 6, 3, "GC013", "SidecarContainers"),
        "core gate in kubeadm featureGates"
    );
    assert!(has(&v, 9, 21, "GC003", "KMSv2"));
    assert!(has(&v, 15, 34, "GC012", "NodeSwap"));
    let (_, v135) = json(&["--target", "1.36", "fixtures/bad/kubeadm-v1beta3.yaml"]);
    assert!(
        !summary(&v135).iter().any(|f| f.2 == "GC015"),
        "1.36 still reads v1beta3"
    );
}

#[test]
fn every_other_format_is_read_with_positions() {
    let cases: &[(&str, &str, u64, u64, &str, &str)] = &[
        (
            "fixtures/bad/k3s-config.yaml",
            "1.36",
            3,
            47,
            "GC003",
            "CPUManager",
        ),
        (
            "fixtures/bad/kops-cluster.yaml",
            "1.33",
            9,
            7,
            "GC004",
            "SidecarContainers",
        ),
        (
            "fixtures/bad/kops-cluster.yaml",
            "1.33",
            12,
            7,
            "GC001",
            "NoSuchGate",
        ),
        (
            "fixtures/bad/talos-machine.yaml",
            "1.35",
            6,
            22,
            "GC003",
            "SizeMemoryBackedVolumes",
        ),
        (
            "fixtures/bad/talos-machine.yaml",
            "1.35",
            13,
            22,
            "GC003",
            "UserNamespacesPodSecurityStandards",
        ),
        (
            "fixtures/bad/capi-kubeadmcontrolplane.yaml",
            "1.33",
            12,
            18,
            "GC003",
            "JobPodFailurePolicy",
        ),
        (
            "fixtures/bad/kind-cluster.yaml",
            "1.36",
            4,
            3,
            "GC008",
            "GangScheduling",
        ),
        (
            "fixtures/bad/kube-proxy.yaml",
            "1.33",
            5,
            3,
            "GC004",
            "NFTablesProxyMode",
        ),
        ("fixtures/bad/kube-proxy.yaml", "1.33", 9, 1, "GC013", ""),
        (
            "fixtures/bad/kubelet.env",
            "1.33",
            2,
            57,
            "GC003",
            "InTreePluginvSphereUnregister",
        ),
        (
            "fixtures/bad/kubelet.env",
            "1.33",
            2,
            92,
            "GC011",
            "KubeletTracing",
        ),
    ];
    for (file, target, line, col, code, gate) in cases {
        let (_, v) = json(&["--target", target, file]);
        assert!(
            has(&v, *line, *col, code, gate),
            "{file}: expected {code} {gate} at {line}:{col}, got {:?}",
            summary(&v)
        );
    }
}

#[test]
fn a_pod_the_kubelet_cannot_decode_is_reported_where_it_breaks() {
    // `command` must be a list: k8s-openapi's Pod type refuses a string, as the kubelet does.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-apiserver\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.33.0\n    command: kube-apiserver --feature-gates=Foo=true\n";
    let (code, v) = json_stdin(&["--target", "1.33"], pod);
    assert_eq!(code, 1);
    assert_eq!(summary(&v), [(9, 14, "GC011".to_string(), String::new())]);
    assert!(v["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("spec.containers[0].command"));
}

#[test]
fn workloads_are_read_and_kube_proxy_flags_beside_config_are_not_judged() {
    let (code, v) = json(&["--target", "1.33", "fixtures/bad/kube-proxy-daemonset.yaml"]);
    assert_eq!(code, 1);
    // NFTablesProxyMode=false would be a locked error, but kube-proxy never reads the flag.
    assert_eq!(summary(&v), [(22, 27, "GC013".to_string(), String::new())]);

    // Without --config the same DaemonSet's flag is judged.
    let ds = std::fs::read_to_string(root().join("fixtures/bad/kube-proxy-daemonset.yaml"))
        .unwrap()
        .replace("        - --config=/var/lib/kube-proxy/config.conf\n", "");
    let (_, v) = json_stdin(&["--target", "1.33"], &ds);
    assert_eq!(
        summary(&v),
        [(21, 27, "GC004".to_string(), "NFTablesProxyMode".to_string())]
    );

    // A Deployment of a component that Kubernetes cannot decode is reported where it breaks;
    // an application's is not gatecheck's business.
    let bad = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  selector: {}\n  template:\n    spec:\n      containers:\n      - name: kube-scheduler\n        image: registry.k8s.io/kube-scheduler\n        args: [--v, 2]\n";
    let (_, v) = json_stdin(&["--target", "1.33"], bad);
    assert_eq!(
        summary(&v),
        [(12, 21, "GC011".to_string(), String::new())],
        "{v}"
    );
    let app = bad.replace("kube-scheduler", "web");
    let (code, v) = json_stdin(&["--target", "1.33"], &app);
    assert_eq!((code, summary(&v)), (0, vec![]), "{v}");
}

#[test]
fn k3s_append_keys_merge_with_the_plain_key() {
    // `kubelet-arg+` appends to the same kubelet command line as `kubelet-arg`.
    let cfg = "kubelet-arg:\n  - feature-gates=NodeSwap=true\nkubelet-arg+:\n  - feature-gates=NodeSwap=false\n";
    let (code, v) = json_stdin(&["--target", "1.33"], cfg);
    assert_eq!(code, 1);
    assert!(has(&v, 4, 19, "GC012", "NodeSwap"), "{v}");
}

/// A `.env`/`.conf` file that sets no feature gates is not gatecheck's business: it passes
/// quietly. A flags file whose command line names its program is read as that program's.
#[test]
fn flag_files_without_gates_pass_and_command_lines_name_their_component() {
    let dir = std::env::temp_dir().join(format!("gatecheck-flags-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let app = dir.join("app.env");
    std::fs::write(&app, "DATABASE_URL=postgres://db\nLOG_LEVEL=debug\n").unwrap();
    let cmd = dir.join("kube-apiserver.conf");
    std::fs::write(
        &cmd,
        "# the static command line\n/usr/local/bin/kube-apiserver --advertise-address=10.0.0.1 --feature-gates=ServerSideApply=true\n",
    )
    .unwrap();
    let (rc, v) = json(&["--target", "1.33", app.to_str().unwrap()]);
    assert_eq!(rc, 0, "{v}");
    assert_eq!(v["errors"], serde_json::json!([]));
    let (rc, v) = json(&["--target", "1.33", cmd.to_str().unwrap()]);
    assert_eq!(rc, 1, "{v}");
    assert!(has(&v, 2, 76, "GC003", "ServerSideApply"), "{v}");
    assert_eq!(v["findings"][0]["component"], "kube-apiserver");
    std::fs::remove_dir_all(&dir).ok();
}

/// Template placeholders are never read as gates: envsubst defaults are judged, other
/// placeholders are a notice, and an unrendered template that is not YAML is a notice too.
#[test]
fn templates_are_recognised() {
    // A Cluster API template (real, see its provenance line): `${K8S_FEATURE_GATES:-""}`.
    let (rc, v) = json(&[
        "--target",
        "1.33",
        "fixtures/templates/capz-cluster-template-ipv6.yaml",
    ]);
    assert_eq!(rc, 0, "{v}");
    let f = &v["findings"].as_array().unwrap();
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(
        (f[0]["line"].as_u64(), f[0]["code"].as_str()),
        (Some(78), Some("GC019"))
    );
    // A Helm template that is not YAML before rendering: one notice, not an input error.
    let (rc, v) = json(&[
        "--target",
        "1.33",
        "fixtures/templates/kubezero-kubelet-configuration.yaml",
    ]);
    assert_eq!(rc, 0, "{v}");
    assert_eq!(v["findings"][0]["code"], "GC019");
    assert_eq!(v["errors"], serde_json::json!([]));
    // Cluster API's own controller gates, with envsubst defaults: not Kubernetes', so silent.
    let (rc, v) = json(&[
        "--target",
        "1.33",
        "fixtures/templates/capi-core-manager.yaml",
    ]);
    assert_eq!((rc, v["findings"].as_array().unwrap().len()), (0, 0), "{v}");

    // An envsubst default holding Kubernetes gates is judged at its exact position; a
    // placeholder among items leaves the other items judged.
    let cfg = "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n  - name: feature-gates\n    value: ${GATES:-\"ServerSideApply=true\"}\ncontrollerManager:\n  extraArgs:\n  - name: feature-gates\n    value: \"{{ .Values.gates }},NodeSwap=maybe\"\n";
    let (rc, v) = json_stdin(&["--target", "1.33"], cfg);
    assert_eq!(rc, 1, "{v}");
    assert!(has(&v, 6, 12, "GC019", ""), "{v}");
    assert!(has(&v, 6, 22, "GC003", "ServerSideApply"), "{v}");
    assert!(has(&v, 10, 13, "GC019", ""), "{v}");
    assert!(has(&v, 10, 33, "GC011", "NodeSwap"), "{v}");
    assert!(!v.to_string().contains("GC001"), "{v}");
}

/// Talos: the 1.14 multi-document configuration and version-less patches are read (real files,
/// see their provenance lines), with the component each document configures.
#[test]
fn talos_documents_and_patches_are_read() {
    let (_, v) = json(&[
        "--target",
        "1.36",
        "fixtures/real/talos/onedr0p-controlplane-multidoc-patch.yaml",
    ]);
    assert!(has(&v, 39, 18, "GC009", "HPAScaleToZero"), "{v}");
    assert_eq!(v["findings"][0]["component"], "kube-apiserver");
    assert!(has(&v, 75, 18, "GC009", "HPAScaleToZero"), "{v}");
    assert_eq!(v["findings"][1]["component"], "kube-controller-manager");
    let (_, v) = json(&[
        "--target",
        "1.36",
        "fixtures/real/talos/aclerici38-controller-cluster-patch.yaml",
    ]);
    assert!(has(&v, 43, 22, "GC006", "MutatingAdmissionPolicy"), "{v}");
    let (_, v) = json(&[
        "--target",
        "1.36",
        "fixtures/real/talos/talos-testdata-kubeletconfig.yaml",
    ]);
    assert!(has(&v, 8, 20, "GC017", "AllBeta"), "{v}");
    // A removed gate in a KubeAPIServerConfig document is an error, not "0 errors".
    let cfg = "apiVersion: v1alpha1\nkind: KubeAPIServerConfig\nextraArgs:\n  feature-gates:\n    - ServerSideApply=true\n---\napiVersion: v1alpha1\nkind: KubeletConfig\nconfig:\n  featureGates:\n    SidecarContainers: false\n";
    let (rc, v) = json_stdin(&["--target", "1.33"], cfg);
    assert_eq!(rc, 1);
    assert!(has(&v, 5, 7, "GC003", "ServerSideApply"), "{v}");
    assert!(has(&v, 11, 5, "GC004", "SidecarContainers"), "{v}");
}

/// Formats whose public examples set no live gates, checked on small files written from their
/// documentation: kubespray's per-component lists replace kube_feature_gates, k0s gates without
/// components reach all five, Gardener worker pools carry their own kubelet gates, eksctl's
/// managed node groups have no kubeletExtraConfig.
#[test]
fn kubespray_k0s_gardener_and_eksctl_semantics() {
    let kubespray = "kube_feature_gates:\n  - \"ServerSideApply=true\"\nkubelet_feature_gates:\n  - \"NodeSwap=maybe\"\nkubeadm_feature_gates:\n  - \"PublicKeysECDSA=true\"\n";
    let (_, v) = json_stdin(&["--target", "1.33"], kubespray);
    let removed = &v["findings"][0];
    assert_eq!(removed["code"], "GC003", "{v}");
    let msg = removed["message"].as_str().unwrap();
    assert!(
        msg.contains("kube-proxy") && !msg.contains("kubelet"),
        "kubelet has its own list: {msg}"
    );
    assert!(has(&v, 4, 6, "GC011", "NodeSwap"), "{v}");
    assert_eq!(v["findings"][2]["registry"], "kubeadm", "{v}");

    let k0s = "apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\nspec:\n  featureGates:\n    - name: SidecarContainers\n      enabled: false\n    - name: NodeSwap\n      enabled: true\n      components: [kubelet]\n";
    let (rc, v) = json_stdin(&["--target", "1.33"], k0s);
    assert_eq!(rc, 1, "{v}");
    let locked = &v["findings"][0];
    assert_eq!(
        (locked["line"].as_u64(), locked["code"].as_str()),
        (Some(5), Some("GC004"))
    );
    assert!(
        locked["message"]
            .as_str()
            .unwrap()
            .contains("each of kube-apiserver"),
        "{locked}"
    );
    assert!(has(&v, 7, 13, "GC010", "NodeSwap"), "{v}");

    let shoot = "apiVersion: core.gardener.cloud/v1beta1\nkind: Shoot\nspec:\n  kubernetes:\n    version: 1.33.1\n    kubeAPIServer:\n      featureGates:\n        ServerSideApply: true\n  provider:\n    workers:\n      - name: pool\n        kubernetes:\n          kubelet:\n            featureGates:\n              SidecarContainers: false\n";
    let (_, v) = json_stdin(&["--target", "1.33"], shoot);
    assert!(has(&v, 8, 9, "GC003", "ServerSideApply"), "{v}");
    assert!(has(&v, 15, 15, "GC004", "SidecarContainers"), "{v}");
    assert_eq!(v["findings"][1]["component"], "kubelet");

    let eksctl = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmanagedNodeGroups:\n  - name: ng\n    kubeletExtraConfig:\n      featureGates:\n        NodeSwap: true\n";
    let (_, v) = json_stdin(&["--target", "1.33"], eksctl);
    assert!(has(&v, 5, 5, "GC013", ""), "{v}");
}

/// Real files of the newly read formats (see fixtures/real/PROVENANCE.tsv), with positions.
#[test]
fn new_formats_are_read_from_real_files() {
    let (_, v) = json(&["--target", "1.33", "fixtures/real/rke1/rke1-dualstack.yaml"]);
    assert!(has(&v, 31, 22, "GC003", "IPv6DualStack"), "{v}");
    assert!(has(&v, 57, 41, "GC003", "SupportIPVSProxyMode"), "{v}");
    let (_, v) = json(&[
        "--target",
        "1.33",
        "fixtures/real/ansible/k3s-role-server.yaml",
    ]);
    assert!(has(&v, 56, 22, "GC003", "MixedProtocolLBService"), "{v}");
    let (_, v) = json(&[
        "--target",
        "1.33",
        "fixtures/real/eks-nodeconfig/nodeconfig-tfawseks-mime.txt",
    ]);
    assert!(
        has(&v, 18, 9, "GC003", "DisableKubeletCloudCredentialProviders"),
        "{v}"
    );
    let (rc, v) = json(&[
        "--target",
        "1.33",
        "fixtures/real/eks-nodeconfig/nodeconfig-eksami-nodeadmgates.yaml",
    ]);
    assert_eq!(
        (rc, v["files"]["recognised"].as_u64()),
        (0, Some(1)),
        "nodeadm's own gates: {v}"
    );
    let (_, v) = json(&[
        "--target",
        "1.33",
        "fixtures/real/kops-nodeup/kops-nodeupconfig-publicjwks-master.yaml",
    ]);
    assert!(
        has(&v, 33, 7, "GC003", "ServiceAccountIssuerDiscovery"),
        "{v}"
    );
    let (_, v) = json(&[
        "--target",
        "1.33",
        "fixtures/real/eksctl/eksctl-cloudifytests.yaml",
    ]);
    assert!(
        has(&v, 30, 12, "GC010", "RotateKubeletServerCertificate"),
        "{v}"
    );
    let (rc, v) = json(&[
        "--target",
        "1.33",
        "fixtures/real/gardener/gardener-example90-commented.yaml",
    ]);
    assert_eq!((rc, v["files"]["recognised"].as_u64()), (0, Some(1)), "{v}");
}

/// Input the kubelet or kind would refuse is never a silent pass: featureGates as a list, a
/// repeated featureGates key, a kind patch that does not parse.
#[test]
fn shapes_the_components_refuse_are_reported() {
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NodeSwap: true\nfeatureGates:\n  - ServerSideApply=true\n";
    let (rc, v) = json_stdin(&["--target", "1.33"], cfg);
    assert_eq!(rc, 1);
    assert!(has(&v, 5, 1, "GC011", ""), "repeated key: {v}");
    assert!(has(&v, 6, 3, "GC011", ""), "a list: {v}");
    let kind = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches:\n- |\n  kind: ClusterConfiguration\n  apiServer: [unclosed\n";
    let (rc, v) = json_stdin(&["--target", "1.33"], kind);
    assert_eq!(rc, 1);
    assert!(has(&v, 5, 3, "GC011", ""), "{v}");
}
