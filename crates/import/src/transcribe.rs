//! `gatecheck-import transcribe`: reads the features packages a public repository vendors at a
//! pinned Kubernetes release (from a local git directory, with `git show`) and prints the
//! registry data file for that release. The Go source itself is never written anywhere.

use gatecheck_import::gosource::{self, GoFile};
use gatecheck_import::registry::{self, Provenance};
use gatecheck_rules::Version;
use std::process::{Command, ExitCode};

fn git(dir: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("git {}: {e}", args.join(" ")))
}

/// Whether a vendored file belongs to a package that registers gates with the components.
fn features_file(path: &str) -> bool {
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let registers =
        dir.ends_with("/features") || path.ends_with("component-base/logs/api/v1/kube_features.go");
    registers
        && path.ends_with(".go")
        && !path.ends_with("_test.go")
        && !path.contains("/featuregate/")
        && !path.contains("/test/")
        // kubeadm's own registry (cmd/kubeadm/app/features) is not the components' one.
        && !path.contains("/cmd/")
}

/// The version `vendor/modules.txt` pins for `module`, refusing local or fork replacements.
fn pinned(modules: &str, module: &str) -> Option<String> {
    let prefix = format!("# {module} ");
    let line = modules.lines().find(|l| l.starts_with(&prefix))?;
    let rest = &line[prefix.len()..];
    match rest.split_once(" => ") {
        None => Some(rest.trim().to_string()),
        Some((_, to)) => {
            let mut w = to.split_whitespace();
            let target = w.next()?;
            // A replacement by the same module at a version is fine; a path or a fork is not.
            (target == module).then(|| w.next().map(str::to_string))?
        }
    }
}

pub fn run(args: Vec<String>) -> ExitCode {
    match transcribe(args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gatecheck-import transcribe: {e}");
            ExitCode::from(2)
        }
    }
}

/// The command line: `--git DIR --commit SHA --repo OWNER/NAME [--version 1.N.P [--dev WHAT]]`.
struct Args {
    dir: String,
    commit: String,
    repo: String,
    version: Option<String>,
    dev: Option<String>,
}

fn parse_args(args: Vec<String>) -> Result<Args, String> {
    let (mut dir, mut commit, mut repo, mut version, mut dev) = (None, None, None, None, None);
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let slot = match a.as_str() {
            "--git" => &mut dir,
            "--commit" => &mut commit,
            "--repo" => &mut repo,
            "--version" => &mut version,
            "--dev" => &mut dev,
            other => return Err(format!("unknown argument {other:?}")),
        };
        *slot = Some(it.next().ok_or_else(|| format!("{a} needs a value"))?);
    }
    Ok(Args {
        dir: dir.ok_or("--git DIR is required")?,
        commit: commit.ok_or("--commit SHA is required")?,
        repo: repo.ok_or("--repo OWNER/NAME is required")?,
        version,
        dev,
    })
}

fn transcribe(args: Vec<String>) -> Result<String, String> {
    let args = parse_args(args)?;
    let dir = &args.dir;
    let commit = git(dir, &["rev-parse", &format!("{}^{{commit}}", args.commit)])?
        .trim()
        .to_string();
    let modules = git(dir, &["show", &format!("{commit}:vendor/modules.txt")])?;
    let (patch, module_line) = pinned_release(&modules, &args)?;
    let release: Version = patch
        .split('-')
        .next()
        .unwrap_or_default()
        .parse()
        .map_err(|e| format!("{patch}: {e}"))?;
    let release = Version::new(release.major, release.minor);
    let mut prov = Provenance {
        repo: args.repo.clone(),
        commit: commit.clone(),
        modules: module_line,
        files: Vec::new(),
    };
    let files = features_files(&args, &modules, &patch, &mut prov)?;
    if !files
        .iter()
        .any(|f| f.package == "k8s.io/kubernetes/pkg/features")
    {
        return Err("the commit vendors no k8s.io/kubernetes/pkg/features".into());
    }
    let gates = gosource::transcribe(&files, release).map_err(|e| e.to_string())?;
    // A package whose file declares gates but registers none of them is listed all the same:
    // the packages list says what was read.
    Ok(registry::render(release, &patch, &prov, &gates))
}

/// The exact release the vendored tree is (`1.30.2`), and the module line that says so.
fn pinned_release(modules: &str, args: &Args) -> Result<(String, String), String> {
    let k8s = pinned(modules, "k8s.io/kubernetes");
    let apiserver = pinned(modules, "k8s.io/apiserver");
    Ok(match (&k8s, &apiserver, args.version.clone()) {
        // A development tree: the repository builds against Kubernetes' master branch (a path
        // replacement), so no module version pins it; the caller names the release it leads
        // to and says what it is.
        (_, _, Some(v)) if args.dev.is_some() => (
            v.clone(),
            format!(
                "development tree: {}",
                args.dev.clone().unwrap_or_default()
            ),
        ),
        (Some(v), _, _) if v.starts_with("v1.") => {
            (v[1..].to_string(), format!("k8s.io/kubernetes {v}"))
        }
        (_, Some(a), Some(v)) if a.starts_with("v0.") => {
            // k8s.io/kubernetes replaced by path: the staging module versions still pin it.
            if a[3..] != v[2..] {
                return Err(format!(
                    "k8s.io/apiserver is {a}, which is not the staging version of {v}"
                ));
            }
            (v, format!("k8s.io/apiserver {a}"))
        }
        _ => {
            return Err(format!(
                "vendor/modules.txt pins no usable release (k8s.io/kubernetes {k8s:?}, k8s.io/apiserver {apiserver:?}); pass --version only when the staging modules pin it"
            ))
        }
    })
}

/// Every Go file of the features packages the commit vendors, each recorded in `prov`: the
/// specs may sit in a file of their own (1.32's versioned_kube_features.go) beside the one that
/// declares the names.
fn features_files(
    args: &Args,
    modules: &str,
    patch: &str,
    prov: &mut Provenance,
) -> Result<Vec<GoFile>, String> {
    let (dir, commit) = (&args.dir, &prov.commit.clone());
    let listed = git(
        dir,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            commit,
            "--",
            "vendor/k8s.io",
        ],
    )?;
    let mut files = Vec::new();
    for path in listed.lines().filter(|p| features_file(p)) {
        let package = path
            .trim_start_matches("vendor/")
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        // Every staging module must be vendored at the same release as k8s.io/kubernetes
        // (some repositories mix versions, e.g. kubernetes v1.27.2 with apiserver v0.26.2).
        let module = package.splitn(3, '/').take(2).collect::<Vec<_>>().join("/");
        if module != "k8s.io/kubernetes" && args.dev.is_none() {
            let staged = pinned(modules, &module);
            if staged.as_deref().map(|v| v.trim_start_matches("v0.")) != Some(&patch[2..]) {
                return Err(format!(
                    "{module} is vendored at {staged:?}, not at the staging version of {patch}"
                ));
            }
        }
        let text = git(dir, &["show", &format!("{commit}:{path}")])?;
        let blob = git(dir, &["rev-parse", &format!("{commit}:{path}")])?;
        prov.files
            .push((package.clone(), path.to_string(), blob.trim().to_string()));
        files.push(GoFile {
            package,
            path: path.to_string(),
            text,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_pins() {
        let m = "# k8s.io/kubernetes v1.30.0\n## explicit\n# k8s.io/apiserver v0.30.0 => k8s.io/apiserver v0.30.0\n# k8s.io/client-go v0.0.0 => ../client-go\n# k8s.io/api v0.30.0 => github.com/fork/api v0.30.0\n";
        assert_eq!(pinned(m, "k8s.io/kubernetes").as_deref(), Some("v1.30.0"));
        assert_eq!(pinned(m, "k8s.io/apiserver").as_deref(), Some("v0.30.0"));
        assert_eq!(pinned(m, "k8s.io/client-go"), None);
        assert_eq!(pinned(m, "k8s.io/api"), None);
        assert!(features_file(
            "vendor/k8s.io/client-go/features/known_features.go"
        ));
        assert!(!features_file(
            "vendor/k8s.io/component-base/featuregate/feature_gate.go"
        ));
    }
}
