//! End-to-end tests of the `gatecheck` binary on the shipped fixtures.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn gatecheck() -> Command {
    let mut cmd = Command::cargo_bin("gatecheck").unwrap();
    cmd.current_dir(root()).env("NO_COLOR", "1");
    cmd
}

/// The `field` of every object in a JSON array, as text.
fn strings<'a>(array: &'a Value, field: &str) -> Vec<&'a str> {
    array
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[field].as_str().unwrap())
        .collect()
}

/// Runs with `--format json` and returns (exit code, parsed output).
fn json(args: &[&str]) -> (i32, Value) {
    let out = gatecheck()
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (out.status.code().unwrap(), v)
}

/// Runs with `--format json`, `input` on stdin, and returns (exit code, parsed output).
fn json_stdin(args: &[&str], input: &str) -> (i32, Value) {
    let out = gatecheck()
        .args(["--format", "json"])
        .args(args)
        .arg("-")
        .write_stdin(input)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (out.status.code().unwrap(), v)
}

/// (line, column, code, gate) of every finding.
fn summary(v: &Value) -> Vec<(u64, u64, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["gate"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn has(v: &Value, line: u64, column: u64, code: &str, gate: &str) -> bool {
    summary(v).contains(&(line, column, code.to_string(), gate.to_string()))
}

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
fn case_only_mistakes_say_names_are_case_sensitive() {
    gatecheck()
        .args(["--target", "1.33", "fixtures/bad/kubelet-config.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "gate names are case-sensitive: write `SidecarContainers`",
        ));
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
fn fail_on_lowers_the_threshold() {
    // KubeletCrashLoopBackOffMax: false is the default: an info finding only.
    gatecheck()
        .args(["--target", "1.33", "fixtures/good/kubelet-config.yaml"])
        .assert()
        .code(0);
    gatecheck()
        .args([
            "--target",
            "1.33",
            "--fail-on",
            "info",
            "fixtures/good/kubelet-config.yaml",
        ])
        .assert()
        .code(1);
}

#[test]
fn stdin_is_read() {
    gatecheck()
        .args(["--target", "1.33", "-"])
        .write_stdin("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NoSuchGate: true\n")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("<stdin>:4:3"));
}

#[test]
fn bad_input_is_one_error_per_file_and_the_rest_is_checked() {
    let dir = std::env::temp_dir().join(format!("gatecheck-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Each names feature gates, so that it is parsed (a file that names no gate and configures no
    // component is passed over unread).
    let deep = "featureGates: ".to_string() + &"[".repeat(10_000);
    let mut bomb = String::from("featureGates: {}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("binary.yaml", b"\x7fELF\x00\x01".to_vec()),
        ("latin1.yaml", b"featureGates:\n  Caf\xe9: true\n".to_vec()),
        ("empty.yaml", Vec::new()),
        ("deep.yaml", deep.into_bytes()),
        ("bomb.yaml", bomb.into_bytes()),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let mut args: Vec<String> = vec!["--target".into(), "1.33".into()];
    args.extend(files.iter().map(|(n, _)| dir.join(n).display().to_string()));
    args.push("fixtures/bad/malformed.yaml".into());
    args.push("does/not/exist.yaml".into());
    args.push("fixtures/bad/kubelet-config.yaml".into());
    let (code, v) = json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 2);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), files.len() + 2, "{errors:?}");
    for e in errors {
        assert!(!e["file"].as_str().unwrap().is_empty());
    }
    let text = serde_json::to_string(errors).unwrap();
    for needle in [
        "binary file",
        "not valid UTF-8",
        "empty",
        "recursion limit",
        "alias bomb",
        "invalid YAML",
        "cannot read file",
    ] {
        assert!(text.contains(needle), "no error mentions {needle}: {text}");
    }
    let latin = errors
        .iter()
        .find(|e| e["file"].as_str().unwrap().ends_with("latin1.yaml"))
        .unwrap();
    assert_eq!(
        (latin["line"].as_u64(), latin["column"].as_u64()),
        (Some(2), Some(6))
    );
    assert!(
        has(&v, 6, 3, "GC003", "DynamicKubeletConfig"),
        "the good file is still checked"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn exclude_skips_matching_files() {
    let (_, v) = json(&[
        "--target",
        "1.33",
        "--exclude",
        "kubelet*",
        "--exclude",
        "malformed.yaml",
        "fixtures/bad",
    ]);
    assert!(!v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["file"].as_str().unwrap().contains("kubelet")));
    assert!(v["errors"].as_array().unwrap().is_empty());
}

#[test]
fn usage_errors_exit_2() {
    // The newest release is the data's, never pinned here.
    let newest = gatecheck_rules::Rules::embedded().newest();
    gatecheck()
        .args(["--target", "1.99", "x.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "newest release gatecheck knows ({newest})"
        )));
    gatecheck()
        .args(["--target", "banana", "x.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid Kubernetes version"));
    gatecheck()
        .args(["fixtures/good"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--target is required"));
}

#[test]
fn explain_shows_the_timeline_and_json() {
    gatecheck()
        .args(["explain", "SidecarContainers"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("1.33–1.36")
                .and(predicate::str::contains("locked"))
                .and(predicate::str::contains("1.37        removed"))
                .and(predicate::str::contains("KEP:        753")),
        );
    let out = gatecheck()
        .args(["explain", "KMSv1", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["name"], "KMSv1");
    assert_eq!(v["registry"], "kubernetes");
    assert_eq!(
        v["stages"][0],
        serde_json::json!({"since": "1.28", "stage": "deprecated", "default": true, "locked": false})
    );
    assert!(
        v.get("removed_in").is_some() && v.get("components").is_some() && v.get("kep").is_some()
    );
    gatecheck()
        .args(["explain", "CronJobCreationAnnotation"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CronJobsScheduledAnnotation"));
}

#[test]
fn list_and_diff() {
    let out = gatecheck()
        .args([
            "list",
            "--version",
            "1.33",
            "--stage",
            "ga",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = strings(&v["gates"], "name");
    assert!(names.contains(&"SidecarContainers"));
    assert!(!names.contains(&"NodeSwap"), "NodeSwap is beta in 1.33");
    let out = gatecheck()
        .args(["diff", "1.32", "1.33", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sidecar = v["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "SidecarContainers")
        .unwrap();
    assert_eq!(
        sidecar["changes"],
        serde_json::json!(["promoted", "locked"])
    );
    gatecheck()
        .args(["diff", "1.34", "1.35"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "UserNamespacesPodSecurityStandards",
        ));
}

/// The human rendering, compared with a reviewed snapshot. After an intended change, regenerate
/// with `GATECHECK_UPDATE_SNAPSHOTS=1 cargo test --test cli human_output` and review the diff.
#[test]
fn human_output_snapshot() {
    for (name, target, file) in [
        ("kubelet-config", "1.33", "fixtures/bad/kubelet-config.yaml"),
        ("kube-apiserver", "1.36", "fixtures/bad/kube-apiserver.yaml"),
    ] {
        let out = gatecheck()
            .env_remove("TERM")
            .env_remove("LANG")
            .args(["--target", target, file])
            .output()
            .unwrap();
        let text = format!(
            "{}---\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let path = root().join("tests/snapshots").join(format!("{name}.txt"));
        if std::env::var_os("GATECHECK_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            want == text,
            "{name}: rendered output differs from {}:\n{text}",
            path.display()
        );
    }
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
fn a_closed_pipe_ends_quietly_instead_of_panicking() {
    use std::process::Stdio;
    // Like `gatecheck list --version 1.35 | head -0`: the reader is gone before the first write.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gatecheck"))
        .args(["list", "--version", "1.35"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn k3s_append_keys_merge_with_the_plain_key() {
    // `kubelet-arg+` appends to the same kubelet command line as `kubelet-arg`.
    let cfg = "kubelet-arg:\n  - feature-gates=NodeSwap=true\nkubelet-arg+:\n  - feature-gates=NodeSwap=false\n";
    let (code, v) = json_stdin(&["--target", "1.33"], cfg);
    assert_eq!(code, 1);
    assert!(has(&v, 4, 19, "GC012", "NodeSwap"), "{v}");
}

#[test]
fn explain_json_gives_dependencies_and_the_declaring_package() {
    let out = gatecheck()
        .args([
            "explain",
            "GracefulNodeShutdownBasedOnPodPriority",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["package"], "k8s.io/kubernetes/pkg/features");
    assert_eq!(
        v["depends_on"][0],
        serde_json::json!({"since": "1.35", "gates": ["GracefulNodeShutdown"]})
    );
    // A kubeadm gate has no package and no dependencies.
    let out = gatecheck()
        .args(["explain", "NodeLocalCRISocket", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["registry"], "kubeadm");
    assert!(v["package"].is_null());
    assert_eq!(v["depends_on"], serde_json::json!([]));
}

#[test]
fn github_format_writes_one_annotation_per_finding_and_error() {
    let out = gatecheck()
        .args([
            "--target",
            "1.33",
            "--format",
            "github",
            "fixtures/bad/kubelet-config.yaml",
            "fixtures/bad/malformed.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unreadable input still means 2"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.contains(
        &"::error file=fixtures/bad/kubelet-config.yaml,line=5,col=3,endLine=5,endColumn=20,title=GC004 locked::kubelet fails with `cannot set feature gate SidecarContainers to false, feature is locked to true` (delete this setting: in 1.33 the feature is always on)"
    ), "{stdout}");
    assert!(
        lines.iter().any(|l| l.starts_with(
            "::notice file=fixtures/bad/kubelet-config.yaml,line=9,col=3,endLine=9,endColumn=28,title=GC010 redundant::"
        )),
        "info findings are notices: {stdout}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "::error file=fixtures/bad/malformed.yaml,line=4,col=1,title=gatecheck::invalid YAML"
        )),
        "{stdout}"
    );
    // Every line is a workflow command: nothing else goes to stdout.
    assert!(lines.iter().all(|l| l.starts_with("::")), "{stdout}");
}

#[test]
fn emulated_version_judges_stages_at_the_emulated_release() {
    let file = "fixtures/bad/kube-apiserver-emulated.yaml";
    let (code, v) = json(&["--target", "1.36", file]);
    assert_eq!(code, 1);
    let got = summary(&v);
    // DynamicResourceAllocation is locked in 1.36 but not in 1.34: no locked error...
    assert!(!got.iter().any(|f| f.2 == "GC004"), "{got:?}");
    assert!(has(&v, 14, 23, "GC006", "DynamicResourceAllocation"));
    // ...but DRAAdminAccess, on by default in 1.34, needs it (dependencies are the binary's check).
    assert!(has(&v, 14, 23, "GC016", "DynamicResourceAllocation"));
    // A gate newer than the emulated release is PreAlpha there.
    assert!(has(&v, 14, 55, "GC002", "DRAListTypeAttributes"));

    // Without the flag, 1.36's rules apply.
    let text = std::fs::read_to_string(root().join(file))
        .unwrap()
        .replace("    - --emulated-version=1.34\n", "");
    let (_, v) = json_stdin(&["--target", "1.36"], &text);
    assert!(has(&v, 13, 23, "GC004", "DynamicResourceAllocation"), "{v}");

    // An emulated version newer than the binary stops the component.
    let text = std::fs::read_to_string(root().join(file)).unwrap().replace(
        "--emulated-version=1.34",
        "--emulated-version=wardle=1.2,kube=1.38",
    );
    let (_, v) = json_stdin(&["--target", "1.36"], &text);
    assert!(has(&v, 13, 7, "GC011", ""), "{v}");
}

/// The upgrade incidents that per-release registries fixed, with the components' own messages:
/// each is reported at the exact setting, and the release before or after behaves as Kubernetes
/// did then.
#[test]
fn incident_shapes_reproduce_with_the_components_messages() {
    let cases: &[(&str, &str, u64, &str, &str, &str)] = &[
        (
            "1.28",
            "fixtures/incidents/kubelet-credential-providers.yaml",
            7,
            "GC003",
            "KubeletCredentialProviders",
            "kubelet 1.28 fails to start with `unrecognized feature gate: KubeletCredentialProviders`",
        ),
        (
            "1.23",
            "fixtures/incidents/kube-proxy-ipv6dualstack.yaml",
            6,
            "GC004",
            "IPv6DualStack",
            "kube-proxy fails with `cannot set feature gate IPv6DualStack to false, feature is locked to true`",
        ),
        (
            "1.26",
            "fixtures/incidents/kube-apiserver-csi-migration.yaml",
            14,
            "GC004",
            "CSIMigrationAWS",
            "kube-apiserver fails with `cannot set feature gate CSIMigrationAWS to false, feature is locked to true`",
        ),
        (
            "1.25",
            "fixtures/incidents/kube-apiserver-csi-migration.yaml",
            14,
            "GC004",
            "CSIMigrationGCE",
            "`cannot set feature gate CSIMigrationGCE to false, feature is locked to true`",
        ),
        (
            "1.27",
            "fixtures/incidents/kubelet-user-namespaces.yaml",
            6,
            "GC002",
            "UserNamespacesSupport",
            "it is introduced in 1.28",
        ),
        (
            "1.37",
            "fixtures/incidents/kubelet-1.37.yaml",
            5,
            "GC004",
            "PLEGOnDemandRelist",
            "`cannot set feature gate PLEGOnDemandRelist to false, feature is locked to true`",
        ),
    ];
    for (target, file, line, code, gate, message) in cases {
        let (rc, v) = json(&["--target", target, file]);
        assert_eq!(rc, 1, "{file} at {target}");
        let found = v["findings"].as_array().unwrap().iter().any(|f| {
            f["line"] == *line
                && f["code"] == *code
                && f["gate"] == *gate
                && f["message"].as_str().unwrap().contains(message)
        });
        assert!(found, "{file} at {target}: no {code} for {gate}: {v}");
    }
    // The release before each edge still starts: 1.27 knows KubeletCredentialProviders
    // (locked, a warning), 1.22 lets kube-proxy turn IPv6DualStack off, 1.28 knows the
    // user-namespaces gate, and 1.37 keeps ResourceHealthStatus in beta (on by default).
    for (target, file) in [
        (
            "1.27",
            "fixtures/incidents/kubelet-credential-providers.yaml",
        ),
        ("1.22", "fixtures/incidents/kube-proxy-ipv6dualstack.yaml"),
        ("1.28", "fixtures/incidents/kubelet-user-namespaces.yaml"),
    ] {
        let (rc, v) = json(&["--target", target, file]);
        assert_eq!(rc, 0, "{file} at {target}: {v}");
    }
    let (_, v) = json(&["--target", "1.37", "fixtures/incidents/kubelet-1.37.yaml"]);
    assert!(has(&v, 6, 3, "GC010", "ResourceHealthStatus"), "{v}");
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
                    !s.lock_known
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
        .find(|s| s.since > spec.since && s.lock_known)
    {
        let (_, v) = json_stdin(&["--target", &known.since.to_string()], &cfg(!spec.default));
        assert!(!v.to_string().contains("GC018"), "{v}");
    }
}

/// A patch release is judged as that patch release; a bare minor as its first patch release,
/// with a note where later patches differ.
#[test]
fn patch_releases_are_judged_as_themselves() {
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  UnauthenticatedHTTP2DOSMitigation: true\n";
    let (rc, v) = json_stdin(&["--target", "1.28.2"], cfg);
    assert_eq!(rc, 1);
    assert_eq!(v["target"], "1.28.2");
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("does not exist in 1.28.2; it is introduced in 1.28.3"),
        "{msg}"
    );
    let (rc, v) = json_stdin(&["--target", "1.28.3"], cfg);
    assert_eq!(rc, 0, "1.28.3 added it: {v}");
    let (rc, v) = json_stdin(&["--target", "1.28"], cfg);
    assert_eq!(rc, 1, "a bare minor is its first patch release");
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("pass --target 1.28.N"), "{msg}");

    // Between two transcribed patch releases the state is not known, and the finding says so.
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  SchedulerQueueingHints: true\n";
    let (_, v) = json_stdin(&["--target", "1.28.5"], cfg);
    let msg = v["findings"][0]["message"].as_str().unwrap();
    assert!(msg.contains("gatecheck has no record of 1.28.5"), "{msg}");
    // From 1.28.8 the gate is off by default, so enabling it is not redundant.
    let (_, v) = json_stdin(&["--target", "1.28.8"], cfg);
    assert!(!has(&v, 4, 3, "GC010", "SchedulerQueueingHints"), "{v}");
    let (_, v) = json_stdin(&["--target", "1.28.4"], cfg);
    assert!(has(&v, 4, 3, "GC010", "SchedulerQueueingHints"), "{v}");
}

/// A release whose facts come from a development tree or a pre-release (the data says which):
/// every report at it says so, and a released one's says nothing.
#[test]
fn development_data_is_announced() {
    let rules = gatecheck_rules::Rules::embedded();
    let newest = rules.newest();
    let (dev, what) = (20..=newest.minor)
        .map(|m| gatecheck_rules::Version::new(1, m))
        .find_map(|v| rules.development(v).map(|w| (v, w)))
        .expect("the data has a release from a development tree or a pre-release");
    let (_, v) = json(&[
        "--target",
        &dev.to_string(),
        "fixtures/good/kubelet-config.yaml",
    ]);
    let note = v["notes"][0].as_str().unwrap();
    assert!(note.starts_with("development data:"), "{note}");
    assert!(note.contains(what), "{note}");
    let out = gatecheck()
        .args([
            "--target",
            &dev.to_string(),
            "fixtures/good/kubelet-config.yaml",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: development data:"));
    let (_, v) = json(&["--target", "1.36", "fixtures/good/kubelet-config.yaml"]);
    assert_eq!(v["notes"], serde_json::json!([]));
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

/// Coverage is reported: how many files were read and held gates, which were not read; a file
/// that mentions feature gates in an unknown shape is never a silent pass, and --strict fails on
/// it; no input at all is a usage error.
#[test]
fn coverage_is_reported_and_unread_gates_are_never_silent() {
    let dir = std::env::temp_dir().join(format!("gatecheck-coverage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A tool's config whose shape gatecheck does not know, naming feature gates it cannot place.
    std::fs::write(
        dir.join("tool.yaml"),
        "tool:\n  notes: \"set featureGates on the nodes by hand\"\n",
    )
    .unwrap();
    // Kubernetes gates in an unknown structure: judged by the content fallback, path shown.
    std::fs::write(
        dir.join("crd.yaml"),
        "apiVersion: example.com/v1\nkind: NodePool\nspec:\n  kubelet:\n    featureGates:\n      ServerSideApply: true\n      NodeSwap: true\n",
    )
    .unwrap();
    // Another project's gates: silent.
    std::fs::write(
        dir.join("cert-manager.yaml"),
        "apiVersion: controller.config.cert-manager.io/v1alpha1\nkind: ControllerConfiguration\nfeatureGates:\n  ExperimentalGatewayAPISupport: true\n  AdditionalCertificateOutputFormats: true\n",
    )
    .unwrap();
    let (rc, v) = json(&["--target", "1.33", dir.to_str().unwrap()]);
    assert_eq!(rc, 1, "{v}");
    assert_eq!(v["files"]["checked"], 3);
    // Read: the fallback placed both files' gate lists (another project's is read, and silent).
    assert_eq!(v["files"]["recognised"], 2, "{v}");
    let unread: Vec<&str> = v["files"]["unrecognised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(unread, ["tool.yaml"]);
    let by_file = |name: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with(name))
            .map(|f| {
                format!(
                    "{} {}",
                    f["code"].as_str().unwrap(),
                    f["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    let crd = by_file("crd.yaml");
    assert!(
        crd[0].starts_with("GC003 ServerSideApply was removed"),
        "{crd:?}"
    );
    // The path names the component: `spec.kubelet.featureGates` are the kubelet's.
    assert!(crd[0].contains("kubelet 1.33 fails to start"), "{crd:?}");
    assert!(by_file("cert-manager.yaml").is_empty());
    let tool = by_file("tool.yaml");
    assert!(tool.len() == 1 && tool[0].starts_with("GC020"), "{tool:?}");
    // Not an error by default; --strict makes it one.
    let (_, v) = json(&[
        "--target",
        "1.33",
        "--strict",
        dir.join("tool.yaml").to_str().unwrap(),
    ]);
    assert_eq!(v["findings"][0]["severity"], "error");
    let (rc, _) = json(&["--target", "1.33", dir.join("tool.yaml").to_str().unwrap()]);
    assert_eq!(rc, 0);
    let (rc, _) = json(&[
        "--target",
        "1.33",
        "--strict",
        dir.join("tool.yaml").to_str().unwrap(),
    ]);
    assert_eq!(rc, 1);
    // Nothing to read at all: a usage error.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    gatecheck()
        .args(["--target", "1.33", empty.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no configuration files found"));
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

/// Hostile input in human output: a 200 KB line renders a window, not the line (and no panic);
/// a file with thousands of findings shows the first ones and a count; control characters from
/// the file never reach the terminal raw.
#[test]
fn human_output_is_bounded_and_escaped() {
    let dir = std::env::temp_dir().join(format!("gatecheck-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gates: Vec<String> = (0..9_000).map(|i| format!("Gate{i}=true")).collect();
    let long = dir.join("kubelet.env");
    std::fs::write(
        &long,
        format!(
            "KUBELET_EXTRA_ARGS=--feature-gates={},ServerSideApply=true\n",
            gates.join(",")
        ),
    )
    .unwrap();
    let out = gatecheck()
        .args(["--target", "1.33"])
        .arg(&long)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("… and 8801 more findings in"),
        "{}",
        &stdout[stdout.len().saturating_sub(300)..]
    );
    assert!(stdout.len() < 400_000, "{} bytes", stdout.len());
    assert!(
        stdout.lines().all(|l| l.chars().count() < 400),
        "a line of the excerpt is too long"
    );

    let evil = dir.join("evil.yaml");
    std::fs::write(
        &evil,
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  \"Evil\\u001b]0;owned\\u0007\\u001b[2J\": true\n",
    )
    .unwrap();
    for format in ["human", "github"] {
        let out = gatecheck()
            .args(["--target", "1.33", "--format", format])
            .arg(&evil)
            .output()
            .unwrap();
        let all = [out.stdout, out.stderr].concat();
        assert!(
            !all.contains(&0x1b) && !all.contains(&0x07),
            "{format}: raw control characters"
        );
        assert!(
            String::from_utf8_lossy(&all).contains("Evil\\u{1b}]0;owned"),
            "{format}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Scanning never hangs: symlinks back up the tree are entered once, a FIFO named *.yaml is an
/// error (not a blocked open), and an adversarial --exclude glob is matched in linear time.
#[cfg(unix)]
#[test]
fn scanning_survives_loops_fifos_and_hostile_globs() {
    let dir = std::env::temp_dir().join(format!("gatecheck-scan-{}", std::process::id()));
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::copy(
        "fixtures/bad/kubelet-config.yaml",
        sub.join("kubelet-config.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("..", sub.join("up")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("self")).unwrap();
    let fifo = dir.join("pipe.yaml");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let (rc, v) = json(&["--target", "1.33", dir.to_str().unwrap()]);
    assert_eq!(rc, 2, "the FIFO is an input error: {v}");
    assert_eq!(
        v["files"]["checked"], 2,
        "the config once, and the FIFO: {v}"
    );
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("not a regular file"));
    assert!(
        has(&v, 5, 3, "GC004", "SidecarContainers"),
        "the other file is still checked: {v}"
    );
    let glob = format!("{}b", "*a".repeat(40));
    let (rc, _) = json(&[
        "--target",
        "1.33",
        "--exclude",
        &glob,
        "fixtures/good/kubelet-config.yaml",
    ]);
    assert_eq!(rc, 0);
    std::fs::remove_dir_all(&dir).ok();
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

/// CLI conventions: subcommand typos, explain of a code as JSON, honest labels for kubeadm
/// lists and downgrades, colour choices, completions, a man page, and a version that says
/// which releases the data covers.
#[test]
fn cli_conventions() {
    gatecheck()
        .args(["explian", "SidecarContainers"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a similar subcommand exists: 'explain'",
        ));
    let out = gatecheck()
        .args(["explain", "GC003", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["code"].as_str(), v["name"].as_str()),
        (Some("GC003"), Some("removed"))
    );
    gatecheck()
        .args(["list", "--version", "1.33", "--kubeadm"])
        .assert()
        .success()
        .stderr(predicate::str::contains("gates recognised by kubeadm 1.33"));
    let out = gatecheck().args(["diff", "1.33", "1.32"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a downgrade"));
    let chunking = stdout
        .lines()
        .find(|l| l.starts_with("APIListChunking"))
        .unwrap();
    assert!(
        chunking.contains("removed-in-newer") && !chunking.contains("introduced"),
        "{chunking}"
    );
    // Colour: never by default off a terminal, always on request or with FORCE_COLOR.
    let plain = gatecheck()
        .args(["--target", "1.33", "fixtures/bad/kubelet-config.yaml"])
        .output()
        .unwrap();
    assert!(!plain.stdout.contains(&0x1b));
    let coloured = gatecheck()
        .args([
            "--target",
            "1.33",
            "--color",
            "always",
            "fixtures/bad/kubelet-config.yaml",
        ])
        .output()
        .unwrap();
    assert!(coloured.stdout.contains(&0x1b));
    let forced = gatecheck()
        .env("FORCE_COLOR", "1")
        .args(["--target", "1.33", "fixtures/bad/kubelet-config.yaml"])
        .output()
        .unwrap();
    assert!(forced.stdout.contains(&0x1b));
    gatecheck()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_gatecheck()"));
    gatecheck()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH gatecheck 1"));
    gatecheck()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "rules for Kubernetes up to {}",
            gatecheck_rules::Rules::embedded().newest()
        )));
}

/// Upgrade mode: every minor step is judged, the step that breaks is named, and the notes list
/// what changes for the components in the files.
#[test]
fn upgrade_mode_judges_every_step() {
    let file = "fixtures/upgrade/kubeadm-1.30.yaml";
    let (rc, v) = json(&["--from", "1.30", "--target", "1.33", file]);
    assert_eq!(rc, 1);
    let at = |line: u64, code: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["line"] == line && f["code"] == code)
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    // AppArmor=false breaks the first step (locked in 1.31), then the gate is removed in 1.33.
    assert!(
        at(16, "GC004")[0].starts_with("upgrading to 1.31: kubelet fails"),
        "{v}"
    );
    assert!(at(16, "GC003")[0].starts_with("upgrading to 1.33:"), "{v}");
    // ValidatingAdmissionPolicy: warned at 1.31, fatal at 1.32 — a 1.33-only report says neither.
    assert!(at(7, "GC008")[0].starts_with("upgrading to 1.31:"), "{v}");
    assert!(at(7, "GC003")[0].starts_with("upgrading to 1.32:"), "{v}");
    let steps = v["upgrade"]["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 3);
    assert_eq!(steps[0]["version"], "1.31");
    assert!(
        steps[0]["locked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "AppArmor"),
        "{v}"
    );
    assert!(
        steps[2]["removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g == "AppArmor"),
        "{v}"
    );
    // Only a 1.33 report: the 1.31 lock never shows.
    let (_, only) = json(&["--target", "1.33", file]);
    assert!(!only.to_string().contains("GC004"));
    // --from must be older.
    gatecheck()
        .args(["--from", "1.33", "--target", "1.32", file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not older than --target"));
}

/// SARIF, Markdown and JUnit outputs, checked for the structure their consumers need.
#[test]
fn sarif_markdown_and_junit() {
    let file = "fixtures/bad/kubelet-config.yaml";
    let out = gatecheck()
        .args(["--target", "1.33", "--format", "sarif", file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules
        .iter()
        .all(|r| r["id"].is_string() && r["helpUri"].is_string() && r["help"]["text"].is_string()));
    let first = &run["results"][0];
    assert_eq!(first["ruleId"], "GC004");
    assert_eq!(
        rules[first["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "GC004"
    );
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(
        (region["endLine"].as_u64(), region["endColumn"].as_u64()),
        (Some(5), Some(20))
    );
    assert_eq!(first["level"], "error");

    let out = gatecheck()
        .args([
            "--from",
            "1.30",
            "--target",
            "1.33",
            "--format",
            "markdown",
            "fixtures/upgrade/kubeadm-1.30.yaml",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("## ❌ gatecheck 1.33: 5 errors"), "{md}");
    // An upgrade's comment is a plan: by step, then component, a checklist item per finding.
    assert!(
        md.contains("#### Upgrading to 1.31\n\n**kube-apiserver**\n\n- [ ] ⚠️ `fixtures/upgrade/kubeadm-1.30.yaml:7:21` GC008:"),
        "{md}"
    );
    assert!(
        md.contains("- [ ] ❌ `fixtures/upgrade/kubeadm-1.30.yaml:16:3` GC004: kubelet fails"),
        "{md}"
    );
    assert!(md.find("Upgrading to 1.31") < md.find("Upgrading to 1.32"));
    assert!(md.contains("### Upgrade notes 1.30 → 1.33"), "{md}");
    assert!(md.contains("- **1.31**:"), "{md}");

    let out = gatecheck()
        .args([
            "--target",
            "1.33",
            "--format",
            "junit",
            file,
            "fixtures/good/kubelet-config.yaml",
        ])
        .output()
        .unwrap();
    let xml = String::from_utf8_lossy(&out.stdout);
    // One suite per file, each with its own counts (written as the file is done).
    assert!(xml.contains("<testsuite name=\"fixtures/bad/kubelet-config.yaml\" tests=\"1\" failures=\"1\" errors=\"0\">\n  <testcase classname=\"gatecheck\" name=\"fixtures/bad/kubelet-config.yaml\">\n    <failure"), "{xml}");
    assert!(
        xml.contains(
            "<testsuite name=\"fixtures/good/kubelet-config.yaml\" tests=\"1\" failures=\"0\""
        ),
        "{xml}"
    );
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
    assert!(
        xml.contains("cannot set feature gate SidecarContainers to false"),
        "{xml}"
    );
}

/// A multi-byte character where the MIME sniffer cuts its header window: no panic (found by the
/// corpus benchmark: a real RKE1 file with Chinese comments).
#[test]
fn multibyte_text_at_the_mime_window_edge() {
    let src = format!("# {}群\nnodes: []\nservices:\n  kubelet:\n    extra_args:\n      feature-gates: ServerSideApply=true\n", "a".repeat(2044));
    let (rc, v) = json_stdin(&["--target", "1.33"], &src);
    assert_eq!(rc, 1, "{v}");
    assert!(has(&v, 6, 22, "GC003", "ServerSideApply"), "{v}");
}

/// Adoption: inline ignores (and unused ones reported), .gatecheck.yaml (default target,
/// severities, accepted findings with a reason), and a baseline report.
#[test]
fn adoption_config_inline_ignores_and_baseline() {
    let cfg = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  # gatecheck: ignore[GC003] tracked in OPS-12\n  DynamicKubeletConfig: true\n  SidecarContainers: false # gatecheck: ignore[redundant] wrong code\n";
    let (_, v) = json_stdin(&["--target", "1.33", "--no-config"], cfg);
    let codes: Vec<&str> = strings(&v["findings"], "code");
    assert_eq!(codes, ["GC004", "GC021"], "{v}");

    let dir = std::env::temp_dir().join(format!("gatecheck-adopt-{}", std::process::id()));
    let clusters = dir.join("clusters");
    std::fs::create_dir_all(&clusters).unwrap();
    std::fs::copy(
        "fixtures/bad/kubelet-config.yaml",
        clusters.join("kubelet.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.join(".gatecheck.yaml"),
        "target: \"1.33\"\nseverity:\n  GC011: warning\naccept:\n  - file: clusters/kubelet.yaml\n    code: GC004\n    gate: SidecarContainers\n    reason: rolled out with the 1.33 node pool\n",
    )
    .unwrap();
    let out = gatecheck()
        .current_dir(&dir)
        .args(["--format", "json", "clusters"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["target"], "1.33", "the target comes from .gatecheck.yaml");
    let f = v["findings"].as_array().unwrap();
    assert!(!f.iter().any(|f| f["code"] == "GC004"), "accepted: {v}");
    assert!(
        f.iter()
            .any(|f| f["code"] == "GC011" && f["severity"] == "warning"),
        "{v}"
    );
    // An accept entry without a reason is refused.
    std::fs::write(
        dir.join(".gatecheck.yaml"),
        "accept:\n  - {file: x.yaml, code: GC004}\n",
    )
    .unwrap();
    gatecheck()
        .current_dir(&dir)
        .args(["--target", "1.33", "clusters"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no reason"));
    std::fs::remove_file(dir.join(".gatecheck.yaml")).unwrap();

    // Baseline: today's findings are accepted; a new one fails the run.
    let base = dir.join("baseline.json");
    let out = gatecheck()
        .current_dir(&dir)
        .args(["--target", "1.33", "--format", "json", "clusters"])
        .output()
        .unwrap();
    std::fs::write(&base, &out.stdout).unwrap();
    gatecheck()
        .current_dir(&dir)
        .args(["--target", "1.33", "--baseline"])
        .arg(&base)
        .arg("clusters")
        .assert()
        .code(0);
    let mut text = std::fs::read_to_string(clusters.join("kubelet.yaml")).unwrap();
    text.push_str("  ServerSideApply: true\n");
    std::fs::write(clusters.join("kubelet.yaml"), text).unwrap();
    let out = gatecheck()
        .current_dir(&dir)
        .args(["--target", "1.33", "--format", "json", "--baseline"])
        .arg(&base)
        .arg("clusters")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gates: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["gate"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(gates, ["ServerSideApply"], "only the new finding: {v}");
    std::fs::remove_dir_all(&dir).ok();
}

/// The versions the files declare: a note when the upgrade skips minors (pointing at --from), and
/// when the files disagree (no guess).
#[test]
fn declared_versions_are_noted() {
    let (_, v) = json(&["--target", "1.33", "fixtures/upgrade/kubeadm-1.30.yaml"]);
    let note = v["notes"][0].as_str().unwrap();
    assert!(
        note.contains("declare Kubernetes 1.30")
            && note.contains("kubernetesVersion at line 4")
            && note.contains("--from 1.30"),
        "{note}"
    );
    let (_, v) = json(&[
        "--target",
        "1.33",
        "fixtures/upgrade/kubeadm-1.30.yaml",
        "fixtures/real/corpus/kind-volcano-e2e.yaml",
    ]);
    let note = v["notes"][0].as_str().unwrap();
    assert!(
        note.contains("different Kubernetes versions") && note.contains("does not guess"),
        "{note}"
    );
    let (_, v) = json(&[
        "--from",
        "1.30",
        "--target",
        "1.33",
        "fixtures/upgrade/kubeadm-1.30.yaml",
    ]);
    assert_eq!(v["notes"], serde_json::json!([]));
}

/// `diff` narrowed to a component, or to the gates some files set.
#[test]
fn diff_filters() {
    let out = gatecheck()
        .args([
            "diff",
            "1.30",
            "1.33",
            "--only-affecting",
            "fixtures/upgrade/kubeadm-1.30.yaml",
        ])
        .output()
        .unwrap();
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        names,
        [
            "AppArmor",
            "CloudDualStackNodeIPs",
            "SidecarContainers",
            "ValidatingAdmissionPolicy"
        ]
    );
    let out = gatecheck()
        .args([
            "diff",
            "1.32",
            "1.33",
            "--component",
            "kube-proxy",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gates = v["gates"].as_array().unwrap();
    assert!(!gates.is_empty());
    assert!(
        gates.iter().any(|g| g["name"] == "NFTablesProxyMode"),
        "{v}"
    );
    assert!(
        !gates.iter().any(|g| g["name"] == "SidecarContainers"),
        "kubelet's, not kube-proxy's: {v}"
    );
}

/// Bounded parsing: the kubeadmConfigPatches of one kind file share one alias budget (200 patches
/// of 10,000 alias copies each are refused, not expanded one by one), and a long flow map on one
/// line parses in linear time.
#[test]
fn parsing_is_bounded_across_patches_and_long_lines() {
    let patch = "  - |\n    a: &a [x,x,x,x,x,x,x,x,x,x]\n    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n    d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n";
    let src = format!(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches:\n{}",
        patch.repeat(200)
    );
    let (rc, v) = json_stdin(&["--target", "1.33"], &src);
    assert_eq!(rc, 1);
    let refused = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("alias bomb"))
        .count();
    assert!(
        refused > 150,
        "the shared budget runs out early: {refused} refused"
    );
    let flow = format!(
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates: {{{}}}\n",
        (0..9_000).map(|i| format!("Gate{i}: true")).collect::<Vec<_>>().join(", ")
    );
    let (rc, v) = json_stdin(&["--target", "1.33"], &flow);
    assert_eq!(rc, 1);
    assert_eq!(v["findings"].as_array().unwrap().len(), 9_000);
    let last = &v["findings"][8_999];
    assert_eq!(last["line"], 3);
    assert_eq!(
        last["column"].as_u64().unwrap() as usize,
        flow.lines().nth(2).unwrap().find("Gate8999").unwrap() + 1
    );
}

/// Findings carry their end position: JSON, SARIF regions and GitHub annotations (endLine,
/// endColumn) agree with the span.
#[test]
fn end_positions_everywhere() {
    let file = "fixtures/bad/kubelet-config.yaml";
    let (_, v) = json(&["--target", "1.33", file]);
    let f = &v["findings"][0];
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(
        (f["end_line"].as_u64(), f["end_column"].as_u64()),
        (Some(5), Some(20)),
        "{f}"
    );
    let out = gatecheck()
        .args(["--target", "1.33", "--format", "github", file])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        first.contains("line=5,col=3,endLine=5,endColumn=20"),
        "{first}"
    );
}

/// --gitignore: files git ignores are skipped when a directory is searched (git decides), files
/// named on the command line are still read.
#[test]
fn gitignore_is_respected_on_request() {
    let dir = std::env::temp_dir().join(format!("gatecheck-git-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("build")).unwrap();
    let git = |args: &[&str]| {
        assert!(std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .status()
            .unwrap()
            .success());
    };
    git(&["init", "-q"]);
    std::fs::write(dir.join(".gitignore"), "build/\n").unwrap();
    std::fs::copy("fixtures/bad/kubelet-config.yaml", dir.join("kubelet.yaml")).unwrap();
    std::fs::copy(
        "fixtures/bad/kubelet-config.yaml",
        dir.join("build/kubelet.yaml"),
    )
    .unwrap();
    let run = |extra: &[&str]| -> Value {
        let out = gatecheck()
            .current_dir(&dir)
            .args(["--target", "1.33", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    assert_eq!(run(&["."])["files"]["checked"], 2);
    assert_eq!(run(&["--gitignore", "."])["files"]["checked"], 1);
    assert_eq!(
        run(&["--gitignore", "build/kubelet.yaml"])["files"]["checked"],
        1,
        "named files are read"
    );
    // A nested .gitignore with a negation, as git reads it.
    std::fs::create_dir_all(dir.join("env")).unwrap();
    std::fs::write(dir.join("env/.gitignore"), "*.yaml\n!keep.yaml\n").unwrap();
    for name in ["drop.yaml", "keep.yaml"] {
        std::fs::copy(
            "fixtures/bad/kubelet-config.yaml",
            dir.join("env").join(name),
        )
        .unwrap();
    }
    let v = run(&["--gitignore", "."]);
    let files: Vec<&str> = strings(&v["findings"], "file");
    assert!(
        files.contains(&"env/keep.yaml") && !files.contains(&"env/drop.yaml"),
        "{files:?}"
    );
    // The same tree outside any git work tree: the .gitignore files still apply (gatecheck reads
    // them itself; git is not needed).
    std::fs::remove_dir_all(dir.join(".git")).unwrap();
    assert_eq!(run(&["--gitignore", "."])["files"]["checked"], 2);
    std::fs::remove_dir_all(&dir).ok();
}

/// --exclude takes full globs (`**`, `{a,b}`, classes); a glob that does not parse is a usage
/// error naming it, not a silently empty exclusion.
#[test]
fn exclude_globs() {
    let (_, v) = json(&[
        "--target",
        "1.33",
        "--exclude",
        "*.{conf,env}",
        "--exclude",
        "fixtures/[bgr]*/**",
        "fixtures",
    ]);
    let files: Vec<&str> = strings(&v["findings"], "file");
    assert!(!files.is_empty());
    assert!(
        files
            .iter()
            .all(|f| !f.ends_with(".conf") && !f.ends_with(".env")),
        "{files:?}"
    );
    assert!(
        files
            .iter()
            .all(|f| !f.starts_with("fixtures/bad/") && !f.starts_with("fixtures/real/")),
        "{files:?}"
    );
    gatecheck()
        .args(["--target", "1.33", "--exclude", "a[", "fixtures/good"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exclude glob \"a[\""));
}

/// A file that sets more gates than any real configuration: the first 10,000 are checked and the
/// rest are reported as not checked (GC020 at the first of them), never passed in silence.
#[test]
fn settings_past_the_per_file_limit_are_reported_not_passed() {
    let mut gates: Vec<String> = (0..10_000).map(|i| format!("Gate{i}=true")).collect();
    gates.push("ServerSideApply=true".into());
    gates.extend((0..9).map(|i| format!("Late{i}=true")));
    let src = format!("KUBELET_EXTRA_ARGS=--feature-gates={}\n", gates.join(","));
    let (rc, v) = json_stdin(&["--target", "1.33"], &src);
    assert_eq!(rc, 1);
    let findings = v["findings"].as_array().unwrap();
    let not_read: Vec<&Value> = findings.iter().filter(|f| f["code"] == "GC020").collect();
    assert_eq!(not_read.len(), 1, "{not_read:?}");
    let msg = not_read[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("sets 10010 feature gates") && msg.contains("not the 10 from here on"),
        "{msg}"
    );
    let column = not_read[0]["column"].as_u64().unwrap() as usize;
    assert_eq!(
        &src[column - 1..column - 1 + "ServerSideApply".len()],
        "ServerSideApply"
    );
    assert!(!findings
        .iter()
        .any(|f| f["gate"] == "ServerSideApply" || f["gate"] == "Late0"));
    assert!(findings.iter().any(|f| f["gate"] == "Gate9999"));
}

/// A value that is not a boolean is quoted in the message, but only its start: a 1 MB value
/// gives a message of a few hundred bytes, not a copy of the value in every finding.
#[test]
fn a_huge_invalid_value_is_quoted_short() {
    let value = "x".repeat(1 << 20);
    let src = format!(
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NodeSwap: \"{value}\"\n"
    );
    let (rc, v) = json_stdin(&["--target", "1.33"], &src);
    assert_eq!(rc, 1);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "GC011");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.len() < 400 && msg.contains("xxxx…`"), "{}", msg.len());
    assert!(f["value"].as_str().unwrap().len() < 200);
}

/// The per-file settings limit holds for YAML maps too, and settings past it are counted.
#[test]
fn yaml_settings_past_the_limit_are_counted() {
    let mut src = String::from(
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n",
    );
    for i in 0..10_005 {
        src.push_str(&format!("  Gate{i}: true\n"));
    }
    let (rc, v) = json_stdin(&["--target", "1.33"], &src);
    assert_eq!(rc, 1);
    let findings = v["findings"].as_array().unwrap();
    let not_read: Vec<&Value> = findings.iter().filter(|f| f["code"] == "GC020").collect();
    assert_eq!(not_read.len(), 1);
    assert!(not_read[0]["message"]
        .as_str()
        .unwrap()
        .contains("sets 10005 feature gates"));
    assert_eq!(not_read[0]["gate"], Value::Null);
    assert_eq!(not_read[0]["line"], 10_004);
}

/// An input that cannot be read is named in every output format, not only in the exit code: a
/// code-scanning upload or a CI test tab must not look clean because a file was skipped.
#[test]
fn unreadable_inputs_are_named_in_every_format() {
    let files = [
        "fixtures/bad/malformed.yaml",
        "fixtures/good/kubelet-config.yaml",
    ];
    let run = |format: &str| {
        let out = gatecheck()
            .args(["--target", "1.33", "--format", format])
            .args(files)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let sarif: Value = serde_json::from_str(&run("sarif")).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{invocation}");
    assert_eq!(notes[0]["level"], "error");
    let location = &notes[0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], files[0]);
    assert_eq!(location["region"]["startLine"], 4);
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["errors"][0]["file"], files[0]);
    assert_eq!(json["files"]["checked"], 2);
    let junit = run("junit");
    assert!(
        junit.contains(&format!(
            "<testsuite name=\"{}\" tests=\"1\" failures=\"1\"",
            files[0]
        )),
        "{junit}"
    );
    assert!(junit.contains("type=\"input\""), "{junit}");
    assert!(run("markdown").contains(&format!("`{}` could not be read", files[0])));
    assert!(run("github").contains(&format!("::error file={},line=4", files[0])));
}

/// A report that cannot be written (a full disk) is an error, exit 2, not a green run with half a
/// report.
#[test]
#[cfg(target_os = "linux")]
fn a_report_that_cannot_be_written_is_an_error() {
    for format in ["human", "json", "sarif", "junit"] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("gatecheck"))
            .current_dir(root())
            .args(["--target", "1.33", "--format", format, "fixtures/good"])
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("error: cannot write the report"),
            "{format}: {stderr}"
        );
    }
}

/// The Markdown comment counts every finding but shows at most 200 rows (a pull-request comment
/// has a size limit), and says how many more there are.
#[test]
fn markdown_table_is_capped_with_a_count() {
    let gates: Vec<String> = (0..250).map(|i| format!("Gate{i}=true")).collect();
    let out = gatecheck()
        .args([
            "--target",
            "1.33",
            "--format",
            "markdown",
            "--component",
            "kubelet",
            "-",
        ])
        .write_stdin(format!(
            "KUBELET_EXTRA_ARGS=--feature-gates={}\n",
            gates.join(",")
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.starts_with("## ❌ gatecheck 1.33: 250 errors, 0 warnings, 0 notices"),
        "{md}"
    );
    assert_eq!(md.lines().filter(|l| l.starts_with("| ❌ |")).count(), 200);
    assert!(
        md.contains("… and 50 more findings (all of them: `--format json`)"),
        "{md}"
    );
}

/// File names reach standard error in notes (the declared-versions note names the files): a name
/// with terminal escapes in it is written escaped, never raw.
#[cfg(unix)]
#[test]
fn file_names_in_notes_are_escaped() {
    let dir = std::env::temp_dir().join(format!("gatecheck-esc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        "fixtures/upgrade/kubeadm-1.30.yaml",
        dir.join("a\u{1b}]0;owned\u{7}.yaml"),
    )
    .unwrap();
    std::fs::copy("fixtures/bad/kubeadm-v1beta3.yaml", dir.join("b.yaml")).unwrap();
    let out = gatecheck()
        .args(["--target", "1.36"])
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("declare different Kubernetes versions"),
        "{stderr}"
    );
    assert!(stderr.contains("a\\u{1b}]0;owned\\u{7}.yaml"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A broken symlink named like a configuration file is an unreadable input (exit 2, named); one
/// with any other name is none of gatecheck's business, as any other file of that name would be.
#[cfg(unix)]
#[test]
fn broken_symlinks_are_errors_only_where_a_file_would_be_read() {
    let dir = std::env::temp_dir().join(format!("gatecheck-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("fixtures/good/kubelet-config.yaml", dir.join("a.yaml")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", dir.join("gone.yaml")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", dir.join("gone-binary")).unwrap();
    let (rc, v) = json(&["--target", "1.33", dir.to_str().unwrap()]);
    assert_eq!(rc, 2, "{v}");
    assert_eq!(
        strings(&v["errors"], "file"),
        [dir.join("gone.yaml").to_str().unwrap()]
    );
    assert_eq!(v["files"]["checked"], 1, "{v}");
    std::fs::remove_dir_all(&dir).ok();
}

/// A directory reached both directly and through a symlink (`current -> v2`) is read once, under
/// the name that sorts first, whichever thread finds which first.
#[cfg(unix)]
#[test]
fn a_directory_behind_a_symlink_is_read_once() {
    let dir = std::env::temp_dir().join(format!("gatecheck-linked-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("v2")).unwrap();
    std::fs::copy(
        "fixtures/bad/kubelet-config.yaml",
        dir.join("v2/kubelet.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("v2", dir.join("current")).unwrap();
    for _ in 0..5 {
        let (rc, v) = json(&["--target", "1.33", dir.to_str().unwrap()]);
        assert_eq!(rc, 1, "{v}");
        assert_eq!(v["files"]["checked"], 1, "{v}");
        let files = strings(&v["findings"], "file");
        assert!(
            files.iter().all(|f| f.ends_with("current/kubelet.yaml")),
            "{files:?}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
