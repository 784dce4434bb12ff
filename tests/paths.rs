//! Paths that match: `--exclude` globs are relative to the directory searched, the config's
//! `exclude` and `accept` to the directory of the `.gatecheck.yaml` that holds them (so a run
//! from any working directory judges the same), and no output format names a file with `./`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const FORMATS: [&str; 7] = [
    "human", "json", "github", "sarif", "markdown", "junit", "gitlab",
];

/// A repository: charts/x.yaml, clusters/kubelet.yaml and clusters/sub/k.yaml, each the bad
/// kubelet config (SidecarContainers locked, DynamicKubeletConfig removed, ...).
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Repo {
        let dir =
            std::env::temp_dir().join(format!("gatecheck-paths-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad/kubelet-config.yaml");
        for f in [
            "charts/x.yaml",
            "clusters/kubelet.yaml",
            "clusters/sub/k.yaml",
        ] {
            let path = dir.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::copy(&src, path).unwrap();
        }
        // A config is found by walking up from the first input: one at the temporary
        // directory's root (there is none) must not be picked up instead.
        Repo(dir)
    }

    fn config(&self, text: &str) {
        std::fs::write(self.0.join(".gatecheck.yaml"), text).unwrap();
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Runs gatecheck in `dir`; its JSON report and standard error.
fn run(dir: &Path, args: &[&str]) -> (Value, String) {
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(dir)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, String::from_utf8(out.stderr).unwrap())
}

/// The files with findings, in order, once each.
fn files(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in v["findings"].as_array().unwrap() {
        let file = f["file"].as_str().unwrap().to_string();
        if out.last() != Some(&file) {
            out.push(file);
        }
    }
    out
}

/// Each finding as (file resolved from `dir`, code, gate): what a run found, wherever it ran.
fn findings(dir: &Path, v: &Value) -> Vec<(PathBuf, String, String)> {
    let mut out: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                std::fs::canonicalize(dir.join(f["file"].as_str().unwrap())).unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["gate"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn exclude_globs_are_relative_to_the_searched_directory() {
    let repo = Repo::new("cli");
    let (v, _) = run(
        &repo.0,
        &[
            "--no-config",
            "--target",
            "1.33",
            "--exclude",
            "charts/*",
            ".",
        ],
    );
    assert_eq!(files(&v), ["clusters/kubelet.yaml", "clusters/sub/k.yaml"]);
    // The same glob, searching the repository from its parent: relative to the directory
    // searched, not to the working directory.
    let parent = repo.0.parent().unwrap();
    let name = repo.0.file_name().unwrap().to_str().unwrap();
    let (v, _) = run(
        parent,
        &[
            "--no-config",
            "--target",
            "1.33",
            "--exclude",
            "charts/*",
            name,
        ],
    );
    assert_eq!(
        files(&v),
        [
            format!("{name}/clusters/kubelet.yaml"),
            format!("{name}/clusters/sub/k.yaml")
        ]
    );
    // `./` in the glob or the search path changes nothing; a glob on the path as given still
    // works; a name matches at any depth.
    for (glob, path, gone) in [
        ("./charts/*", ".", "charts/x.yaml"),
        ("charts/*", "./", "charts/x.yaml"),
        ("sub/*", "./clusters", "clusters/sub/k.yaml"),
        ("clusters/sub/*", "./clusters", "clusters/sub/k.yaml"),
        ("k.yaml", ".", "clusters/sub/k.yaml"),
    ] {
        let (v, _) = run(
            &repo.0,
            &["--no-config", "--target", "1.33", "--exclude", glob, path],
        );
        let got = files(&v);
        assert!(
            !got.is_empty() && !got.iter().any(|f| f == gone),
            "--exclude {glob} {path}: {got:?}"
        );
    }
    // A file named on the command line as ./charts/x.yaml is excluded by charts/*.
    let out = Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(&repo.0)
        .args(["--no-config", "--target", "1.33", "--exclude", "charts/*"])
        .args([
            "./charts/x.yaml",
            "clusters/kubelet.yaml",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(files(&v), ["clusters/kubelet.yaml"]);
}

#[test]
fn no_format_writes_a_leading_dot_slash() {
    let repo = Repo::new("formats");
    std::fs::write(
        repo.0.join("clusters/broken.yaml"),
        "featureGates: [unclosed\n",
    )
    .unwrap();
    for format in FORMATS {
        for paths in [&["."][..], &["./"], &["./clusters", "./charts/x.yaml"]] {
            let out = Command::cargo_bin("gatecheck")
                .unwrap()
                .current_dir(&repo.0)
                .args(["--no-config", "--target", "1.33", "--color", "never"])
                .args(["--format", format])
                .args(paths)
                .output()
                .unwrap();
            let text =
                String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
            assert!(text.contains("clusters/kubelet.yaml"), "{format}: {text}");
            assert!(text.contains("clusters/broken.yaml"), "{format}: {text}");
            for name in ["clusters/", "charts/"] {
                assert!(
                    !text.contains(&format!("./{name}")) && !text.contains(&format!(".\\{name}")),
                    "{format} {paths:?}: {text}"
                );
            }
        }
    }
}

#[test]
fn config_paths_are_relative_to_the_config() {
    let repo = Repo::new("config");
    repo.config(
        "target: \"1.33\"\nexclude: [\"charts/*\"]\naccept:\n  - {file: clusters/kubelet.yaml, code: GC003, gate: DynamicKubeletConfig, reason: tracked in OPS-1}\n",
    );
    let clusters = repo.0.join("clusters");
    let sub = clusters.join("sub");
    // The same files judged from the root, a subdirectory and a subdirectory below that.
    let runs = [
        (repo.0.clone(), vec!["."]),
        (repo.0.clone(), vec!["./clusters", "charts"]),
        (clusters.clone(), vec![".", "../charts"]),
        (clusters.clone(), vec![".."]),
        (sub.clone(), vec!["..", "../../charts/x.yaml"]),
    ];
    let mut first = None;
    for (dir, paths) in &runs {
        let (v, stderr) = run(dir, paths);
        let got = findings(dir, &v);
        // charts/ is excluded from anywhere, and the accepted finding is accepted (and said to
        // be used) from anywhere.
        assert!(
            got.iter()
                .all(|(f, _, _)| !f.to_string_lossy().contains("/charts/")),
            "{dir:?} {paths:?}: {got:?}"
        );
        assert!(
            !got.iter()
                .any(|(f, c, g)| f.ends_with("clusters/kubelet.yaml")
                    && c == "GC003"
                    && g == "DynamicKubeletConfig"),
            "{dir:?} {paths:?}: {got:?}"
        );
        assert!(
            got.iter()
                .any(|(f, c, _)| f.ends_with("clusters/sub/k.yaml") && c == "GC003"),
            "only the named file is accepted: {got:?}"
        );
        assert!(
            !stderr.contains("did not find"),
            "{dir:?} {paths:?}: {stderr}"
        );
        match &first {
            None => first = Some(got),
            Some(f) => assert_eq!(f, &got, "{dir:?} {paths:?}"),
        }
    }
    // An entry naming the file from where gatecheck runs, not from the config, accepts nothing
    // (and is said to be unused).
    repo.config(
        "target: \"1.33\"\naccept:\n  - {file: kubelet.yaml, code: GC003, gate: DynamicKubeletConfig, reason: tracked}\n",
    );
    let (v, stderr) = run(&clusters, &["."]);
    assert!(findings(&clusters, &v)
        .iter()
        .any(|(f, c, _)| f.ends_with("clusters/kubelet.yaml") && c == "GC003"));
    assert!(stderr.contains("did not find"), "{stderr}");
    // A glob without a slash matches a name at any depth, wherever the config is.
    repo.config("target: \"1.33\"\nexclude: [\"k.yaml\", \"/charts\"]\n");
    let (v, _) = run(&sub, &["../.."]);
    let got = files(&v);
    assert_eq!(got, ["../../clusters/kubelet.yaml"], "{got:?}");
}

/// A baseline written when reports named files with `./` still accepts them.
#[test]
fn baselines_with_dot_slash_paths_still_match() {
    let repo = Repo::new("baseline");
    let (v, _) = run(&repo.0, &["--no-config", "--target", "1.33", "clusters"]);
    let mut old = v.clone();
    for f in old["findings"].as_array_mut().unwrap() {
        let file = format!("./{}", f["file"].as_str().unwrap());
        f["file"] = Value::String(file);
    }
    std::fs::write(repo.0.join("baseline.json"), old.to_string()).unwrap();
    let (v, _) = run(
        &repo.0,
        &[
            "--no-config",
            "--target",
            "1.33",
            "--baseline",
            "baseline.json",
            "./clusters",
        ],
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v}");
}
