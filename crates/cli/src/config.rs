//! Adoption: `.gatecheck.yaml` (found by walking up from the first input) and `--baseline`.
//!
//! ```yaml
//! target: "1.33"                 # used when --target is not given
//! exclude: ["charts/*", "*.tmpl"]
//! severity: {GC014: off, GC010: warning}   # per code or name: error, warning, info, off
//! accept:                        # findings the team has accepted, each with its reason
//!   - {file: clusters/prod/kubelet.yaml, code: GC005, gate: SidecarContainers, reason: "..."}
//! ```
//!
//! Paths in the file are relative to the directory that holds it, wherever gatecheck runs
//! from: an `exclude` glob with a `/` in it is anchored there (as in a .gitignore; one without,
//! such as `*.tmpl`, matches a name at any depth), and an `accept` entry's `file` is the file's
//! path from there.

use gatecheck_lint::{Finding, FindingKind, Severity};
use gatecheck_yaml::Node;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".gatecheck.yaml";

/// One accepted finding: a file (its path from the config's directory), a code, and optionally
/// a gate.
pub struct Accept {
    pub file: String,
    pub code: String,
    pub gate: Option<String>,
    pub used: bool,
}

#[derive(Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    /// The directory that holds the config, resolved: its paths are relative to it.
    pub dir: Option<PathBuf>,
    /// The last file asked about and its path from `dir`, if it is there (findings come file
    /// by file).
    relative: Option<(String, Option<String>)>,
    pub target: Option<String>,
    pub exclude: Vec<String>,
    /// Code or name → severity (`None`: the finding is dropped).
    pub severity: Vec<(String, Option<Severity>)>,
    pub accept: Vec<Accept>,
}

/// The `.gatecheck.yaml` nearest to `start` (a file or a directory), walking up.
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    loop {
        let candidate = dir.join(FILE_NAME);
        // Anything by that name is the config: one that is not a regular file is refused when
        // it is read, not passed over.
        if std::fs::symlink_metadata(&candidate).is_ok() {
            return Some(candidate);
        }
        dir = dir.parent()?.to_path_buf();
    }
}

/// The most a config holds: a real one has a few dozen entries.
const MAX_CONFIG_BYTES: u64 = 1 << 20;
const MAX_ENTRIES: usize = 10_000;
/// The most a baseline holds: a report of a whole repository's findings.
const MAX_BASELINE_BYTES: u64 = 256 << 20;
const MAX_BASELINE_ENTRIES: usize = 2_000_000;

pub fn load(path: &Path) -> Result<Config, String> {
    let text = crate::input::read_aux(path, MAX_CONFIG_BYTES, "gatecheck config")?;
    let docs = gatecheck_yaml::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = path
        .parent()
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .and_then(|d| std::fs::canonicalize(d).ok());
    let mut config = Config {
        path: Some(path.to_path_buf()),
        dir,
        ..Config::default()
    };
    let Some(root) = docs.first().map(|d| &d.root) else {
        return Ok(config);
    };
    let err = |what: &str| format!("{}: {what}", path.display());
    for (key, value) in root.as_map().unwrap_or_default() {
        match key.as_str().unwrap_or_default() {
            "target" => {
                let t = value
                    .as_str()
                    .ok_or_else(|| err("target must be a version, such as 1.33"))?;
                config.target = Some(t.to_string());
            }
            "exclude" => config.read_exclude(value).map_err(|e| err(&e))?,
            "severity" => config.read_severity(value).map_err(|e| err(&e))?,
            "accept" => config.read_accept(value).map_err(|e| err(&e))?,
            other => return Err(err(&format!("unknown key {other:?}"))),
        }
    }
    Ok(config)
}

impl Config {
    /// `exclude`: a list of globs, anchored at the config's directory (see [`anchored`]).
    fn read_exclude(&mut self, value: &Node) -> Result<(), String> {
        let globs = value.as_seq().ok_or("exclude must be a list")?;
        if globs.len() > MAX_ENTRIES {
            return Err(format!(
                "exclude has {} globs; gatecheck takes at most {MAX_ENTRIES}",
                globs.len()
            ));
        }
        for g in globs {
            let glob = g
                .as_str()
                .ok_or("each exclude entry must be a string (a glob)")?;
            self.exclude.push(anchored(self.dir.as_deref(), glob));
        }
        Ok(())
    }

    /// `severity`: a map of finding code or name to error, warning, info or off.
    fn read_severity(&mut self, value: &Node) -> Result<(), String> {
        for (code, level) in value.as_map().ok_or("severity must be a map")? {
            let code = code.as_str().unwrap_or_default().to_string();
            if FindingKind::from_code(&code).is_none() {
                return Err(format!("severity: no finding is called {code:?}"));
            }
            let level = match level.as_str().unwrap_or_default() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "info" => Some(Severity::Info),
                "off" => None,
                other => {
                    return Err(format!(
                        "severity of {code}: {other:?} is not error, warning, info or off"
                    ))
                }
            };
            self.severity.push((code, level));
        }
        Ok(())
    }

    /// `accept`: a list of accepted findings, each with a file, a code, optionally a gate, and
    /// a reason.
    fn read_accept(&mut self, value: &Node) -> Result<(), String> {
        let items = value.as_seq().ok_or("accept must be a list")?;
        if items.len() > MAX_ENTRIES {
            return Err(format!(
                "accept has {} entries; gatecheck takes at most {MAX_ENTRIES}",
                items.len()
            ));
        }
        for item in items {
            // A field of another type (a list of gates) is refused, never read as absent: an
            // absent gate accepts the finding whatever its gate.
            for k in ["file", "code", "gate", "reason"] {
                if item.get(k).is_some_and(|v| v.as_str().is_none()) {
                    return Err(format!("accept: {k} must be a string"));
                }
            }
            let s = |k: &str| item.get(k).and_then(Node::as_str).map(str::to_string);
            let (Some(file), Some(code)) = (s("file"), s("code")) else {
                return Err("each accept entry needs file and code".into());
            };
            if s("reason").is_none_or(|r| r.trim().is_empty()) {
                return Err(format!(
                    "accept entry for {file} {code} has no reason: say why it is accepted"
                ));
            }
            self.accept.push(Accept {
                file: slashed(&crate::discover::clean(Path::new(&file))),
                code,
                gate: s("gate"),
                used: false,
            });
        }
        Ok(())
    }
}

/// A path written with `/` between its parts, as the config writes them.
fn slashed(path: &Path) -> String {
    let s = path.to_string_lossy();
    if cfg!(windows) {
        s.replace('\\', "/")
    } else {
        s.into_owned()
    }
}

/// A config `exclude` glob as the glob matched against absolute paths: one with a `/` in it
/// (other than at its end) is anchored at the config's directory, as a .gitignore's patterns
/// are; one without is kept, and matches a name at any depth.
fn anchored(dir: Option<&Path>, glob: &str) -> String {
    let Some(dir) = dir else {
        return glob.to_string();
    };
    let inner = glob.trim_end_matches('/');
    if !inner.contains('/') {
        return inner.to_string();
    }
    let mut rest = inner.trim_start_matches('/');
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    let mut dir = slashed(dir);
    // A resolved Windows path starts with \\?\, which a glob does not match.
    if let Some(d) = dir.strip_prefix("//?/") {
        dir = d.to_string();
    }
    format!("{}/{rest}", globset::escape(dir.trim_end_matches('/')))
}

impl Config {
    /// The path of `file` (as the run names it) from the config's directory, when it is there:
    /// as typed from the working directory (a symlinked directory keeps its name), else
    /// resolved. Worked out once per file.
    fn relative(&mut self, file: &str) -> Option<&str> {
        let dir = self.dir.as_ref()?;
        if self.relative.as_ref().is_none_or(|(f, _)| f != file) {
            let path = Path::new(file);
            let from = |abs: PathBuf| abs.strip_prefix(dir).ok().map(slashed);
            let rel = crate::discover::absolute(path)
                .and_then(from)
                .or_else(|| std::fs::canonicalize(path).ok().and_then(from));
            self.relative = Some((file.to_string(), rel));
        }
        self.relative.as_ref().and_then(|(_, r)| r.as_deref())
    }

    /// Applies severities and accepted findings; returns whether the finding stays.
    pub fn keep(&mut self, file: &str, f: &mut Finding) -> bool {
        let named = |c: &str| c.eq_ignore_ascii_case(f.kind.code()) || c == f.kind.name();
        if let Some((_, level)) = self.severity.iter().find(|(c, _)| named(c)) {
            match level {
                Some(l) => f.severity = *l,
                None => return false,
            }
        }
        if self.accept.is_empty() {
            return true;
        }
        // Accepted files are named from the config's directory; standard input, or a file
        // outside it, by its name as given.
        let name = match self.relative(file) {
            Some(rel) => rel.to_string(),
            None => slashed(&crate::discover::clean(Path::new(file))),
        };
        let accepted = self.accept.iter_mut().find(|a| {
            a.file == name
                && (a.code.eq_ignore_ascii_case(f.kind.code()) || a.code == f.kind.name())
                && a.gate
                    .as_deref()
                    .is_none_or(|g| f.gate.as_deref() == Some(g))
        });
        match accepted {
            Some(a) => {
                a.used = true;
                false
            }
            None => true,
        }
    }
}

/// `--baseline FILE`: a previous `--format json` report; its findings (by file, code and gate)
/// are accepted, so that only new ones fail the run. Each entry accepts one finding: the same
/// gate found twice more than the baseline had is new.
pub struct Baseline {
    /// How many findings each (file, code, gate) may still accept.
    entries: std::collections::HashMap<(String, String, String), usize>,
}

/// The parts of a JSON report a baseline reads (anything else in it is ignored).
#[derive(serde::Deserialize)]
struct Report {
    findings: Vec<Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    #[serde(default)]
    file: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    gate: Option<String>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::input::read_aux(path, MAX_BASELINE_BYTES, "baseline")?;
        let report: Report = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a gatecheck JSON report: {e}", path.display()))?;
        if report.findings.len() > MAX_BASELINE_ENTRIES {
            return Err(format!(
                "{}: a baseline of {} findings; gatecheck takes at most {MAX_BASELINE_ENTRIES}",
                path.display(),
                report.findings.len()
            ));
        }
        let mut entries = std::collections::HashMap::new();
        for f in report.findings {
            // Reports written before paths lost their `./` still match.
            let file = crate::discover::clean(Path::new(&f.file))
                .display()
                .to_string();
            *entries
                .entry((file, f.code, f.gate.unwrap_or_default()))
                .or_insert(0) += 1;
        }
        Ok(Baseline { entries })
    }

    /// Whether the finding was already in the baseline (each baseline entry accepts one).
    pub fn accepts(&mut self, file: &str, f: &Finding) -> bool {
        let key = (
            file.to_string(),
            f.kind.code().to_string(),
            f.gate.as_deref().unwrap_or_default().to_string(),
        );
        match self.entries.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::anchored;
    use std::path::Path;

    #[test]
    #[cfg(unix)]
    fn excludes_with_a_slash_are_anchored_at_the_config() {
        let dir = Some(Path::new("/repo/a[1]"));
        assert_eq!(anchored(dir, "charts/*"), "/repo/a[[]1[]]/charts/*");
        assert_eq!(anchored(dir, "./charts/**"), "/repo/a[[]1[]]/charts/**");
        assert_eq!(anchored(dir, "/charts"), "/repo/a[[]1[]]/charts");
        assert_eq!(anchored(dir, "*.tmpl"), "*.tmpl");
        assert_eq!(anchored(dir, "charts/"), "charts");
        assert_eq!(anchored(None, "charts/*"), "charts/*");
        let glob = globset::Glob::new(&anchored(dir, "charts/*")).unwrap();
        assert!(glob.compile_matcher().is_match("/repo/a[1]/charts/x.yaml"));
    }
}
