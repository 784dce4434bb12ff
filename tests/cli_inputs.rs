//! Finding and reading the inputs: directory search (--exclude, --gitignore, symlinks, FIFOs),
//! inputs that cannot be read, coverage of what was read, and the bounds that keep hostile or
//! generated files cheap.

use predicates::prelude::*;
use serde_json::Value;

#[path = "support/cli.rs"]
mod cli;
use cli::{gatecheck, has, json, json_stdin, strings};

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

/// A multi-byte character where the MIME sniffer cuts its header window: no panic (found by the
/// corpus benchmark: a real RKE1 file with Chinese comments).
#[test]
fn multibyte_text_at_the_mime_window_edge() {
    let src = format!("# {}群\nnodes: []\nservices:\n  kubelet:\n    extra_args:\n      feature-gates: ServerSideApply=true\n", "a".repeat(2044));
    let (rc, v) = json_stdin(&["--target", "1.33"], &src);
    assert_eq!(rc, 1, "{v}");
    assert!(has(&v, 6, 22, "GC003", "ServerSideApply"), "{v}");
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
