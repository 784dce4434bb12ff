//! `gatecheck-import add-release vX.Y.Z [--from-file DUMP.json]`: adds one release (or patch
//! release, or pre-release) from Kubernetes' own code. Runs `tools/registry-dump/pin.sh` at that
//! version (or reads its JSON output from a file), writes
//! `data/upstream/registries/vX.Y.Z-go.yaml`, regenerates gates.yaml, the embedded table and
//! docs/coverage.md, and lists the hand corrections in data/overrides.yaml that the new registry
//! now settles (the importer refuses those until they are removed).
//!
//! `gatecheck-import compare`: every disagreement between a dumped release and a transcription
//! of the same release.

use gatecheck_import::{dump, registry, Inputs};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

pub fn add_release(args: Vec<String>, root: &Path) -> ExitCode {
    match add(args, root) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gatecheck-import add-release: {e}");
            ExitCode::from(2)
        }
    }
}

fn add(args: Vec<String>, root: &Path) -> Result<ExitCode, String> {
    let (mut versions, mut from, mut dir) = (Vec::new(), None, None);
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--from-file" => from = Some(it.next().ok_or("--from-file needs a file")?),
            "--from-dir" => dir = Some(it.next().ok_or("--from-dir needs a directory")?),
            v if v.starts_with("v1.") => versions.push(v.to_string()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if versions.is_empty() || (from.is_some() && versions.len() > 1) {
        return Err("usage: gatecheck-import add-release vX.Y.Z[-pre] [--from-file DUMP.json]\n       gatecheck-import add-release vX.Y.Z... [--from-dir DIR (DIR/vX.Y.Z.json)]".into());
    }
    // Every release's registry is written first; the data is regenerated once, at the end.
    let mut parsed = Parsed::default();
    let mut last = None;
    for version in &versions {
        let file = match (&from, &dir) {
            (Some(f), _) => Some(PathBuf::from(f)),
            (None, Some(d)) => Some(Path::new(d).join(format!("{version}.json"))),
            (None, None) => None,
        };
        last = Some(write_release(version, file.as_deref(), root, &mut parsed)?);
    }
    let d = last.expect("one version at least");
    let mut import = || -> gatecheck_import::Result<gatecheck_import::Output> {
        let inputs = Inputs::load(root)?;
        let files = inputs
            .registries
            .iter()
            .map(|(f, t)| Ok((f.clone(), parsed.read(f, t)?)))
            .collect::<gatecheck_import::Result<Vec<_>>>()?;
        gatecheck_import::build(&inputs, &registry::combine(files)?)
    };
    match import() {
        Ok(out) => {
            out.write(root, false);
            println!(
                "no override in data/overrides.yaml is settled by v{}{}",
                d.version(),
                if versions.len() > 1 {
                    " or the releases before it"
                } else {
                    ""
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let (settled, other): (Vec<&str>, Vec<&str>) =
                e.0.lines()
                    .partition(|l| l.starts_with("overrides.yaml:") && l.contains("settled"));
            for l in &settled {
                println!("settled now: {}", l.trim_start_matches("overrides.yaml: "));
            }
            for l in &other {
                eprintln!("gatecheck-import: {l}");
            }
            eprintln!(
                "gatecheck-import: data/upstream/registries/{} is written; gates.yaml is not regenerated until the above is resolved{}",
                d.file_name(),
                if settled.is_empty() { "" } else { " (remove the settled overrides from data/overrides.yaml, then run `cargo run -p gatecheck-import`)" }
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// Dumps one release (or reads its dump from `from`), writes its registry file and prints its
/// disagreements with a transcription of the same release.
fn write_release(
    version: &str,
    from: Option<&Path>,
    root: &Path,
    parsed: &mut Parsed,
) -> Result<dump::Dump, String> {
    let text = match from {
        Some(f) => std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?,
        None => {
            let script = root.join("tools/registry-dump/pin.sh");
            let out = std::env::temp_dir().join(format!("gatecheck-registry-dump-{version}.json"));
            eprintln!("gatecheck-import: running {} {version}", script.display());
            let status = Command::new(&script)
                .arg(version)
                .arg(&out)
                .status()
                .map_err(|e| format!("{}: {e}", script.display()))?;
            if !status.success() {
                return Err(format!("{} {version} failed ({status})", script.display()));
            }
            let text =
                std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            let _ = std::fs::remove_file(&out);
            text
        }
    };
    let d = dump::read(&text).map_err(|e| e.to_string())?;
    if d.kubernetes != version {
        return Err(format!("the dump is of {}, not {version}", d.kubernetes));
    }
    let yaml = dump::to_registry(&d).map_err(|e| e.to_string())?;
    let rel = PathBuf::from("data/upstream/registries").join(d.file_name());
    let path = root.join(&rel);
    let before = std::fs::read_to_string(&path).ok();
    std::fs::write(&path, &yaml).map_err(|e| format!("{}: {e}", path.display()))?;
    let gates = yaml
        .lines()
        .skip_while(|l| *l != "gates:")
        .take_while(|l| *l != "kubeadm:")
        .filter(|l| l.starts_with("  - {name:"))
        .count();
    eprintln!(
        "gatecheck-import: {} {rel:?} ({} gates{})",
        if before.is_none() {
            "wrote"
        } else if before.as_deref() == Some(&yaml) {
            "unchanged"
        } else {
            "rewrote"
        },
        gates,
        if d.is_prerelease() {
            ", a pre-release"
        } else {
            ""
        }
    );
    // What the new registry says against a transcription of the same release, if any.
    let inputs = Inputs::load(root).map_err(|e| e.to_string())?;
    let mut mine: Vec<(String, registry::Registry)> = Vec::new();
    for (f, t) in &inputs.registries {
        let written = f.ends_with(&format!("/{}", d.file_name()));
        match parsed.read(f, t) {
            Ok(r) if written || (r.version == d.version() && r.dumper.is_none()) => {
                mine.push((f.clone(), r))
            }
            Err(e) if written => return Err(e.to_string()),
            _ => {}
        }
    }
    for line in registry::compare(&mine) {
        println!("v{}: disagrees with a transcription: {line}", d.version());
    }
    Ok(d)
}

pub fn compare(root: &Path) -> ExitCode {
    let inputs = match Inputs::load(root) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("gatecheck-import compare: {e}");
            return ExitCode::from(2);
        }
    };
    match registry::read_files(&inputs.registries).map(|files| registry::compare(&files)) {
        Ok(lines) => {
            for l in &lines {
                println!("{l}");
            }
            eprintln!("gatecheck-import compare: {} disagreements", lines.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gatecheck-import compare: {e}");
            ExitCode::from(2)
        }
    }
}

/// The registry files read in this run: a file is parsed once, and again only if its text
/// changed (the file a release writes).
#[derive(Default)]
struct Parsed(BTreeMap<String, (String, gatecheck_import::Result<registry::Registry>)>);

impl Parsed {
    fn read(&mut self, file: &str, text: &str) -> gatecheck_import::Result<registry::Registry> {
        match self.0.get(file) {
            Some((seen, r)) if seen == text => r.clone(),
            _ => {
                let r = registry::read(text, file);
                self.0
                    .insert(file.to_string(), (text.to_string(), r.clone()));
                r
            }
        }
    }
}
