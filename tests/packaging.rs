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
