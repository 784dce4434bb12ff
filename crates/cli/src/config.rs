//! Adoption: `.gatecheck.yaml` (found by walking up from the first input) and `--baseline`.
//!
//! ```yaml
//! target: "1.33"                 # used when --target is not given
//! exclude: ["charts/*", "*.tmpl"]
//! severity: {GC014: off, GC010: warning}   # per code or name: error, warning, info, off
//! accept:                        # findings the team has accepted, each with its reason
//!   - {file: clusters/prod/kubelet.yaml, code: GC005, gate: SidecarContainers, reason: "..."}
//! ```

use gatecheck_lint::{Finding, FindingKind, Severity};
use gatecheck_yaml::Node;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".gatecheck.yaml";

/// One accepted finding: a file (matched as a path suffix), a code, and optionally a gate.
pub struct Accept {
    pub file: String,
    pub code: String,
    pub gate: Option<String>,
    pub used: bool,
}

#[derive(Default)]
pub struct Config {
    pub path: Option<PathBuf>,
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
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = dir.parent()?.to_path_buf();
    }
}

pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let docs = gatecheck_yaml::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut config = Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    };
    let Some(root) = docs.first().map(|d| &d.root) else {
        return Ok(config);
    };
    let err = |what: &str| format!("{}: {what}", path.display());
    for (key, value) in root.as_map().unwrap_or_default() {
        match key.as_str().unwrap_or_default() {
            "target" => config.target = value.as_str().map(str::to_string),
            "exclude" => {
                for g in value
                    .as_seq()
                    .ok_or_else(|| err("exclude must be a list"))?
                {
                    config
                        .exclude
                        .push(g.as_str().unwrap_or_default().to_string());
                }
            }
            "severity" => {
                for (code, level) in value
                    .as_map()
                    .ok_or_else(|| err("severity must be a map"))?
                {
                    let code = code.as_str().unwrap_or_default().to_string();
                    if FindingKind::from_code(&code).is_none() {
                        return Err(err(&format!("severity: no finding is called {code:?}")));
                    }
                    let level = match level.as_str().unwrap_or_default() {
                        "error" => Some(Severity::Error),
                        "warning" => Some(Severity::Warning),
                        "info" => Some(Severity::Info),
                        "off" => None,
                        other => {
                            return Err(err(&format!(
                                "severity of {code}: {other:?} is not error, warning, info or off"
                            )))
                        }
                    };
                    config.severity.push((code, level));
                }
            }
            "accept" => {
                for item in value.as_seq().ok_or_else(|| err("accept must be a list"))? {
                    let s = |k: &str| item.get(k).and_then(Node::as_str).map(str::to_string);
                    let (Some(file), Some(code)) = (s("file"), s("code")) else {
                        return Err(err("each accept entry needs file and code"));
                    };
                    if s("reason").is_none_or(|r| r.trim().is_empty()) {
                        return Err(err(&format!(
                            "accept entry for {file} {code} has no reason: say why it is accepted"
                        )));
                    }
                    config.accept.push(Accept {
                        file,
                        code,
                        gate: s("gate"),
                        used: false,
                    });
                }
            }
            other => return Err(err(&format!("unknown key {other:?}"))),
        }
    }
    Ok(config)
}

impl Config {
    /// Applies severities and accepted findings; returns whether the finding stays.
    pub fn keep(&mut self, file: &str, f: &mut Finding) -> bool {
        let named = |c: &str| c.eq_ignore_ascii_case(f.kind.code()) || c == f.kind.name();
        if let Some((_, level)) = self.severity.iter().find(|(c, _)| named(c)) {
            match level {
                Some(l) => f.severity = *l,
                None => return false,
            }
        }
        let accepted = self.accept.iter_mut().find(|a| {
            file.ends_with(a.file.as_str())
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
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let report: Report = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a gatecheck JSON report: {e}", path.display()))?;
        let mut entries = std::collections::HashMap::new();
        for f in report.findings {
            *entries
                .entry((f.file, f.code, f.gate.unwrap_or_default()))
                .or_insert(0) += 1;
        }
        Ok(Baseline { entries })
    }

    /// Whether the finding was already in the baseline (each baseline entry accepts one).
    pub fn accepts(&mut self, file: &str, f: &Finding) -> bool {
        let key = (
            file.to_string(),
            f.kind.code().to_string(),
            f.gate.clone().unwrap_or_default(),
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
