//! The release path, end to end on this machine: scripts/package.sh packages the host build as
//! the release workflow packages every target, a local HTTP server (Python's http.server, bound
//! to 127.0.0.1 only) serves what it made in a release's layout, scripts/install.sh installs from
//! it and the installed binary runs; a tampered checksum or archive, or a missing checksum, is
//! refused and installs nothing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gatecheck-pkg-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The workspace version, as package.sh reads it.
fn version() -> String {
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let section = toml.split("[workspace.package]").nth(1).unwrap();
    let line = section.lines().find(|l| l.starts_with("version")).unwrap();
    line.split('"').nth(1).unwrap().to_string()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn package(triple: &str, out: &Path) -> PathBuf {
    let run = Command::new("bash")
        .arg(root().join("scripts/package.sh"))
        .args([triple, env!("CARGO_BIN_EXE_gatecheck")])
        .arg(out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", said(&run));
    let printed = String::from_utf8(run.stdout).unwrap();
    PathBuf::from(printed.trim())
}

/// `python3 -m http.server` on a free port of 127.0.0.1, serving `dir`; killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(dir: &Path) -> Server {
        for _ in 0..5 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let mut child = Command::new("python3")
                .args([
                    "-m",
                    "http.server",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                ])
                .arg("--directory")
                .arg(dir)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("python3");
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Server { child, port };
                }
                if child.try_wait().unwrap().is_some() {
                    break; // the port was taken in between: another one
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            child.kill().ok();
            child.wait().ok();
        }
        panic!("no HTTP server could be started on 127.0.0.1");
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn install(server: &Server, dir: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg(root().join("scripts/install.sh"))
        .args(args)
        .env("GATECHECK_RELEASES_URL", server.url())
        .env("GATECHECK_INSTALL_DIR", dir)
        .env_remove("GATECHECK_VERSION")
        .env_remove("GATECHECK_TARGET")
        .output()
        .unwrap()
}

/// The triple install.sh picks for this machine.
fn detected() -> String {
    let out = Command::new("sh")
        .arg(root().join("scripts/install.sh"))
        .arg("--print-target")
        .env_remove("GATECHECK_TARGET")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", said(&out));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn archives_hold_the_binary_readme_and_licences() {
    let out = temp("layout");
    let v = version();
    let triple = "x86_64-unknown-linux-musl";
    let archive = package(triple, &out);
    let name = format!("gatecheck-{v}-{triple}");
    assert_eq!(archive, out.join(format!("{name}.tar.gz")));
    let list = Command::new("tar")
        .arg("-tzvf")
        .arg(&archive)
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    let mut files: Vec<&str> = list
        .lines()
        .map(|l| l.split_whitespace().last().unwrap())
        .filter(|f| !f.ends_with('/'))
        .collect();
    files.sort_unstable();
    let want: Vec<String> = ["LICENSE-APACHE", "LICENSE-MIT", "README.md", "gatecheck"]
        .iter()
        .map(|f| format!("{name}/{f}"))
        .collect();
    assert_eq!(files, want, "{list}");
    assert!(
        list.lines()
            .any(|l| l.starts_with("-rwxr-xr-x") && l.ends_with("/gatecheck")),
        "the binary is executable: {list}"
    );
    // The checksum file is in sha256sum's format and checks.
    let sum = std::fs::read_to_string(out.join(format!("{name}.tar.gz.sha256"))).unwrap();
    assert_eq!(
        sum.trim_end().split("  ").nth(1),
        Some(&*format!("{name}.tar.gz"))
    );
    let check = Command::new("sha256sum")
        .arg("-c")
        .arg(format!("{name}.tar.gz.sha256"))
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", said(&check));
    // Windows gets a .zip with gatecheck.exe.
    let triple = "x86_64-pc-windows-msvc";
    let zip = package(triple, &out);
    let name = format!("gatecheck-{v}-{triple}");
    assert_eq!(zip, out.join(format!("{name}.zip")));
    assert!(out.join(format!("{name}.zip.sha256")).is_file());
    let list = Command::new("python3")
        .args(["-m", "zipfile", "-l"])
        .arg(&zip)
        .output()
        .unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    for f in [
        "gatecheck.exe",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
    ] {
        assert!(list.contains(&format!("{name}/{f}")), "{f}: {list}");
    }
    // Usage errors.
    let bad = Command::new("bash")
        .arg(root().join("scripts/package.sh"))
        .args(["x86_64-unknown-linux-musl", "/no/such/binary"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", said(&bad));
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn install_from_a_local_server_verifies_and_runs() {
    let v = version();
    let target = detected();
    if cfg!(target_os = "linux") && cfg!(target_arch = "x86_64") {
        assert_eq!(target, "x86_64-unknown-linux-musl");
    }
    // The release's layout: download/vV/ holds the archives, latest/download/VERSION names the
    // newest. The host build stands in for the release build of the detected target.
    let srv = temp("srv");
    let release = srv.join(format!("download/v{v}"));
    let archive = package(&target, &release);
    // cargo binstall's templates in Cargo.toml name this archive and the binary in it.
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let binstall = toml.split("[package.metadata.binstall]").nth(1).unwrap();
    let template = |key: &str| -> String {
        let line = binstall
            .lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap();
        line.split('"')
            .nth(1)
            .unwrap()
            .replace("{ repo }/releases", "")
            .replace("{ version }", &v)
            .replace("{ target }", &target)
            .replace("{ bin }", "gatecheck")
            .replace("{ binary-ext }", "")
    };
    assert_eq!(srv.join(&template("pkg-url")[1..]), archive);
    let list = Command::new("tar")
        .arg("-tzf")
        .arg(&archive)
        .output()
        .unwrap();
    let bin_dir = template("bin-dir");
    assert!(
        String::from_utf8_lossy(&list.stdout)
            .lines()
            .any(|l| l == bin_dir),
        "{bin_dir}"
    );
    std::fs::create_dir_all(srv.join("latest/download")).unwrap();
    std::fs::write(srv.join("latest/download/VERSION"), format!("v{v}\n")).unwrap();
    let server = Server::start(&srv);

    // The latest release, and a named one.
    for args in [&[][..], &["--version", &v]] {
        let bin = temp("bin");
        let out = install(&server, &bin, args);
        assert!(out.status.success(), "{args:?}: {}", said(&out));
        assert!(said(&out).contains("checksum verified"), "{}", said(&out));
        let run = Command::new(bin.join("gatecheck"))
            .arg("--version")
            .output()
            .unwrap();
        assert!(run.status.success());
        assert!(
            String::from_utf8_lossy(&run.stdout).starts_with(&format!("gatecheck {v} ")),
            "{}",
            said(&run)
        );
        // The installed binary works on a shipped fixture.
        let lint = Command::new(bin.join("gatecheck"))
            .args(["--target", "1.33", "--format", "gitlab"])
            .arg(root().join("fixtures/bad/kubelet-config.yaml"))
            .output()
            .unwrap();
        assert_eq!(lint.status.code(), Some(1), "{}", said(&lint));
        std::fs::remove_dir_all(&bin).ok();
    }

    // A checksum that is not the archive's: refused, nothing installed.
    let sum_path = PathBuf::from(format!("{}.sha256", archive.display()));
    let sum = std::fs::read_to_string(&sum_path).unwrap();
    let wrong = format!("{}{}", "0".repeat(64), &sum[64..]);
    std::fs::write(&sum_path, &wrong).unwrap();
    let bin = temp("bin-tampered");
    let out = install(&server, &bin, &["--version", &v]);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("checksum mismatch"), "{}", said(&out));
    assert!(!bin.join("gatecheck").exists());
    // An archive changed after its checksum was made: refused.
    std::fs::write(&sum_path, &sum).unwrap();
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, &bytes).unwrap();
    let out = install(&server, &bin, &["--version", &v]);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(said(&out).contains("checksum mismatch"), "{}", said(&out));
    assert!(!bin.join("gatecheck").exists());
    // No checksum at all, or one that is not a checksum: refused.
    for text in [None, Some("not a checksum\n")] {
        match text {
            None => std::fs::remove_file(&sum_path).unwrap(),
            Some(t) => std::fs::write(&sum_path, t).unwrap(),
        }
        let out = install(&server, &bin, &["--version", &v]);
        assert_eq!(out.status.code(), Some(1), "{}", said(&out));
        assert!(said(&out).contains("not install"), "{}", said(&out));
        assert!(!bin.join("gatecheck").exists());
    }
    // A release that does not exist.
    let out = install(&server, &bin, &["--version", "9.9.9"]);
    assert_eq!(out.status.code(), Some(1), "{}", said(&out));
    assert!(!bin.join("gatecheck").exists());
    std::fs::remove_dir_all(&bin).ok();
    drop(server);
    std::fs::remove_dir_all(&srv).ok();
}

/// A composite action's step, as the runner would run it: its script and its environment with
/// the `${{ … }}` expressions resolved.
struct Step {
    id: Option<String>,
    run: String,
    env: Vec<(String, String)>,
}

/// action.yml's steps, with `inputs.*` from `inputs` (else the input's default) and the github
/// context from `github`.
fn action_steps(inputs: &[(&str, &str)], github: &[(&str, &str)]) -> Vec<Step> {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let docs = gatecheck_yaml::parse(&text).unwrap();
    let action = &docs[0].root;
    let resolve = |expr: &str| -> String {
        let expr = expr.trim();
        if let Some(name) = expr.strip_prefix("inputs.") {
            if let Some((_, v)) = inputs.iter().find(|(k, _)| *k == name) {
                return v.to_string();
            }
            let input = action
                .path(&["inputs", name])
                .unwrap_or_else(|| panic!("action.yml has no input {name}"));
            return input
                .get("default")
                .and_then(|d| d.as_str())
                .unwrap_or("")
                .to_string();
        }
        if let Some(name) = expr.strip_prefix("github.") {
            if let Some((_, v)) = github.iter().find(|(k, _)| *k == name) {
                return v.to_string();
            }
        }
        panic!("the test does not resolve ${{{{ {expr} }}}}");
    };
    let substitute = |s: &str| -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(at) = rest.find("${{") {
            out.push_str(&rest[..at]);
            let end = rest[at..].find("}}").expect("closed expression") + at;
            out.push_str(&resolve(&rest[at + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    };
    let runs = action.get("runs").unwrap();
    assert_eq!(
        runs.get("using").and_then(|u| u.as_str()),
        Some("composite")
    );
    runs.get("steps")
        .and_then(|s| s.as_seq())
        .unwrap()
        .iter()
        .map(|step| {
            assert_eq!(step.get("shell").and_then(|s| s.as_str()), Some("bash"));
            let run = step.get("run").and_then(|r| r.as_str()).unwrap();
            assert!(
                !run.contains("${{"),
                "inputs reach scripts through env, never spliced into them"
            );
            Step {
                id: step.get("id").and_then(|i| i.as_str()).map(str::to_string),
                run: run.to_string(),
                env: step
                    .get("env")
                    .and_then(|e| e.as_map())
                    .unwrap_or_default()
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().unwrap().to_string(),
                            substitute(v.as_str().unwrap_or("")),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// What a run of the action did: each step's exit code and output, the outputs it set, and the
/// directories it added to PATH.
struct ActionRun {
    codes: Vec<i32>,
    log: String,
    outputs: String,
    path: Vec<PathBuf>,
}

/// Runs action.yml's steps in order as the runner does (bash -eo pipefail, GITHUB_OUTPUT,
/// GITHUB_PATH prepended to PATH for the steps after), in the repository root, stopping at the
/// first that fails.
fn run_action(server: &Server, work: &Path, ref_: &str, inputs: &[(&str, &str)]) -> ActionRun {
    let url = server.url();
    let github = [
        ("action_ref", ref_),
        ("action_repository", "o/r"),
        ("server_url", url.as_str()),
    ];
    let steps = action_steps(inputs, &github);
    let output = work.join("github-output");
    let path_file = work.join("github-path");
    std::fs::write(&output, "").unwrap();
    std::fs::write(&path_file, "").unwrap();
    let mut run = ActionRun {
        codes: Vec::new(),
        log: String::new(),
        outputs: String::new(),
        path: Vec::new(),
    };
    for step in steps {
        let script = work.join("step.sh");
        std::fs::write(&script, &step.run).unwrap();
        let added: Vec<PathBuf> = std::fs::read_to_string(&path_file)
            .unwrap()
            .lines()
            .map(PathBuf::from)
            .collect();
        let path = std::env::join_paths(
            added
                .iter()
                .rev()
                .cloned()
                .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap();
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(root())
            .env_clear()
            .env("PATH", path)
            .env("HOME", work)
            .env("GITHUB_ACTION_PATH", root())
            .env("RUNNER_TEMP", work)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_PATH", &path_file)
            .envs(step.env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap();
        run.log.push_str(&format!(
            "--- step {}\n{}",
            step.id.as_deref().unwrap_or("-"),
            said(&out)
        ));
        run.codes.push(out.status.code().unwrap_or(-1));
        if !out.status.success() {
            break;
        }
    }
    run.outputs = std::fs::read_to_string(&output).unwrap();
    run.path = std::fs::read_to_string(&path_file)
        .unwrap()
        .lines()
        .map(PathBuf::from)
        .collect();
    run
}

/// action.yml end to end, without GitHub: its steps run as a runner runs them, install the
/// release from a local server (the one the action's ref names, or the latest), put gatecheck on
/// PATH, write SARIF whatever the findings, pass the exit code on, and refuse a bad input.
#[test]
fn the_action_installs_and_runs() {
    let v = version();
    let target = detected();
    let srv = temp("action-srv");
    let releases = srv.join("o/r/releases");
    package(&target, &releases.join(format!("download/v{v}")));
    std::fs::create_dir_all(releases.join("latest/download")).unwrap();
    std::fs::write(releases.join("latest/download/VERSION"), format!("v{v}\n")).unwrap();
    let server = Server::start(&srv);
    let work = temp("action-work");
    let sarif = work.join("gatecheck.sarif");
    let sarif_text = sarif.to_str().unwrap();

    // Findings: the step fails with gatecheck's exit code, and the SARIF is written anyway.
    let run = run_action(
        &server,
        &work,
        &format!("v{v}"),
        &[
            ("target", "1.33"),
            ("paths", "fixtures/bad/kubelet-config.yaml\n  fixtures/good"),
            ("sarif", sarif_text),
        ],
    );
    assert_eq!(run.codes, [0, 1], "{}", run.log);
    assert!(
        run.log.contains(&format!("installed gatecheck {v}")),
        "{}",
        run.log
    );
    assert!(
        run.log
            .contains("::error file=fixtures/bad/kubelet-config.yaml,line=5"),
        "{}",
        run.log
    );
    assert!(run.outputs.contains("exit-code=1\n"), "{}", run.outputs);
    assert!(
        run.outputs.contains(&format!("sarif={sarif_text}\n")),
        "{}",
        run.outputs
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert!(!report["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_eq!(run.path.len(), 1);
    assert!(run.path[0].join("gatecheck").is_file());

    // No findings at fail-on: success; from a branch (no version in the ref), the latest
    // release; --from and config: false are passed on.
    std::fs::remove_file(&sarif).unwrap();
    let run = run_action(
        &server,
        &work,
        "main",
        &[
            ("target", "1.33"),
            ("from", "1.32"),
            ("paths", "fixtures/good"),
            ("config", "false"),
            ("format", "json"),
        ],
    );
    assert_eq!(run.codes, [0, 0], "{}", run.log);
    assert!(
        run.log.contains(&format!("installed gatecheck {v}")),
        "{}",
        run.log
    );
    assert!(
        run.log.contains("\"upgrade\":{\"from\":\"1.32\""),
        "{}",
        run.log
    );
    assert!(run.outputs.contains("exit-code=0\n"), "{}", run.outputs);
    assert!(!run.outputs.contains("sarif="), "{}", run.outputs);
    assert!(!sarif.exists());

    // fail-on info turns the notices of the good fixtures (a pass above) into a failure; a bad
    // config input and a release that does not exist are errors.
    let run = run_action(
        &server,
        &work,
        "main",
        &[
            ("target", "1.33"),
            ("paths", "fixtures/good"),
            ("fail-on", "info"),
        ],
    );
    assert_eq!(run.codes, [0, 1], "{}", run.log);
    let run = run_action(
        &server,
        &work,
        "main",
        &[("target", "1.33"), ("config", "maybe")],
    );
    assert_eq!(run.codes, [0, 2], "{}", run.log);
    let run = run_action(&server, &work, "v9.9.9", &[("target", "1.33")]);
    assert_eq!(run.codes, [1], "{}", run.log);
    drop(server);
    std::fs::remove_dir_all(&srv).ok();
    std::fs::remove_dir_all(&work).ok();
}

/// Where the README and the docs send people: this repository (Cargo.toml's `repository`, which
/// cargo binstall's templates use too) at the release of this version, never another project's.
#[test]
fn references_name_this_repository_and_version() {
    let toml = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let repo = toml
        .lines()
        .find_map(|l| l.strip_prefix("repository = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap();
    let slug = repo.strip_prefix("https://github.com/").unwrap();
    let v = version();
    let mut files = vec![
        "README.md".to_string(),
        "docs/ci.md".into(),
        "action.yml".into(),
        "scripts/install.sh".into(),
        "crates/cli/src/render/sarif.rs".into(),
    ];
    for e in std::fs::read_dir(root().join(".github/workflows")).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        files.push(format!(".github/workflows/{name}"));
    }
    let mut seen = 0;
    for file in &files {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for (at, _) in text.match_indices("github.com/") {
            let rest = &text[at + "github.com/".len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || "-_./".contains(c)))
                .unwrap_or(rest.len());
            let path = &rest[..end];
            let owner_repo: Vec<&str> = path.splitn(3, '/').take(2).collect();
            let named = owner_repo.join("/");
            if named.contains("gatecheck") {
                assert_eq!(named, slug, "{file}: github.com/{path}");
                seen += 1;
            }
        }
        // The action and the pre-commit hook at the release of this version.
        for (at, _) in text.match_indices(&format!("{slug}@")) {
            let tag: String = text[at + slug.len() + 1..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            assert_eq!(tag, format!("v{v}"), "{file}");
            seen += 1;
        }
        for line in text.lines().filter(|l| l.trim_start().starts_with("rev: ")) {
            assert_eq!(line.trim(), format!("rev: v{v}"), "{file}");
            seen += 1;
        }
    }
    assert!(seen >= 10, "{seen} references checked");
    assert!(!toml.contains("name = \"gatecheck\"\nversion"));
    assert!(toml.contains("[package]\nname = \"gatecheck-k8s\""));
}

/// The README's first run works as written from a clone, with the exit codes it says.
#[test]
fn readme_first_run_runs_as_written() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let install = readme
        .split("\n## Install\n")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("an Install section");
    let block = install
        .split("A first run")
        .nth(1)
        .and_then(|s| s.split("```sh\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the first run's commands");
    let mut ran = 0;
    for line in block.lines() {
        let (command, comment) = line.split_once('#').unwrap_or((line, ""));
        let words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(words[0], "gatecheck", "{line}");
        let want = comment
            .trim()
            .strip_prefix("exits ")
            .and_then(|r| r.chars().next())
            .and_then(|c| c.to_digit(10))
            .unwrap_or(0) as i32;
        let out = Command::new(env!("CARGO_BIN_EXE_gatecheck"))
            .args(&words[1..])
            .current_dir(root())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(want), "{line}\n{}", said(&out));
        ran += 1;
    }
    assert!(ran >= 3);
}
