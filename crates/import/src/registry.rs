//! Per-release gate registries: what each Kubernetes release's own `features` packages register.
//!
//! Two halves:
//! * [`transcribe`] reads the Go source of a release's features packages (as vendored by some
//!   public repository at a pinned version) and extracts the facts only: each registered gate's
//!   name string, `Default`, `PreRelease` and `LockToDefault` at that release. No code is kept.
//! * [`read`] reads the resulting data file (`data/upstream/registries/v1.NN.yaml`) for the
//!   importer.
//!
//! The Go reader understands the two shapes Kubernetes has used: `map[Feature]FeatureSpec`
//! literals (`Name: {Default: true, PreRelease: featuregate.Beta, LockToDefault: true}`) and,
//! from 1.31, `map[Feature]VersionedSpecs` literals (`Name: {{Version: version.MustParse("1.30"),
//! Default: ...}, ...}`), where the spec in force at release N is the last one whose version is
//! not after N. Map keys are Go identifiers (`genericfeatures.APIListChunking`); the flag key is
//! the string each identifier is declared with (`CSIMigrationRBD featuregate.Feature =
//! "csiMigrationRBD"` in 1.23), so names are resolved through the constant declarations.

use crate::{Error, Result};
use gatecheck_rules::Version;
use gatecheck_yaml::Node;
use std::collections::BTreeMap;

/// One gate as a release registers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registered {
    pub name: String,
    /// The Go package that declares the gate's constant.
    pub package: String,
    /// `Alpha`, `Beta`, `GA`, `Deprecated` (or `PreAlpha`), lower-cased.
    pub stage: String,
    pub default: bool,
    pub locked: bool,
}

/// A features package's file, as read from the vendoring repository.
pub struct GoFile {
    /// The Go import path of the package (`k8s.io/apiserver/pkg/features`).
    pub package: String,
    /// The file's path in the vendoring repository.
    pub path: String,
    pub text: String,
}

/// Removes `//` and `/* */` comments, keeping string literals intact.
fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let mut start = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'`' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    if q == b'"' && b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                out.push_str(&src[start..i]);
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                start = i;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                out.push_str(&src[start..i]);
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i = (i + 2).min(b.len());
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push_str(&src[start.min(src.len())..]);
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `Ident featuregate.Feature = "Name"` (or `Ident Feature = "Name"` in client-go), and plain
/// boolean constants (`contextualLoggingDefault = true`) used as defaults.
fn declarations(src: &str) -> (BTreeMap<String, String>, BTreeMap<String, bool>) {
    let mut names = BTreeMap::new();
    let mut bools = BTreeMap::new();
    for line in src.lines() {
        let line = line.trim();
        let Some((lhs, rhs)) = line.split_once('=') else {
            continue;
        };
        if rhs.starts_with('=') || lhs.ends_with(['!', '<', '>', ':']) {
            continue;
        }
        let words: Vec<&str> = lhs.split_whitespace().collect();
        let rhs = rhs.trim();
        match words[..] {
            [ident, ty] | ["const", ident, ty] | ["var", ident, ty]
                if ty == "featuregate.Feature" || ty == "Feature" =>
            {
                if let Some(name) = rhs.strip_prefix('"').and_then(|r| r.split('"').next()) {
                    names.insert(ident.to_string(), name.to_string());
                }
            }
            [ident] | ["const", ident] | ["var", ident]
                if ident.bytes().all(is_ident) && (rhs == "true" || rhs == "false") =>
            {
                bools.insert(ident.to_string(), rhs == "true");
            }
            _ => {}
        }
    }
    (names, bools)
}

/// The balanced `{...}` starting at `open` (an index of `{`); returns the inside and the index
/// after the closing brace.
fn braced(src: &str, open: usize) -> Option<(&str, usize)> {
    let b = src.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&src[open + 1..i], i + 1));
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// One `{Version: ..., Default: ..., PreRelease: ..., LockToDefault: ...}`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Spec {
    version: Option<Version>,
    stage: String,
    default: bool,
    locked: bool,
}

fn spec(body: &str, bools: &BTreeMap<String, bool>, key: &str) -> Result<Spec> {
    let mut version = None;
    let mut stage = None;
    let mut default = None;
    let mut locked = false;
    for field in body.split(',') {
        let Some((k, v)) = field.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k.trim() {
            "Version" => {
                let inner = v
                    .split('"')
                    .nth(1)
                    .ok_or_else(|| Error(format!("{key}: version {v:?}")))?;
                version = Some(
                    inner
                        .parse::<Version>()
                        .map_err(|e| Error(format!("{key}: {e}")))?,
                );
            }
            "PreRelease" => {
                let s = v.rsplit('.').next().unwrap_or(v);
                stage = Some(match s {
                    "Alpha" | "Beta" | "GA" | "Deprecated" | "PreAlpha" => s.to_ascii_lowercase(),
                    _ => return Err(Error(format!("{key}: PreRelease {v:?}"))),
                });
            }
            "Default" => {
                default = Some(match v {
                    "true" => true,
                    "false" => false,
                    c => *bools
                        .get(c)
                        .ok_or_else(|| Error(format!("{key}: Default {c:?}")))?,
                });
            }
            "LockToDefault" => {
                locked = match v {
                    "true" => true,
                    "false" => false,
                    c => *bools
                        .get(c)
                        .ok_or_else(|| Error(format!("{key}: LockToDefault {c:?}")))?,
                }
            }
            other => return Err(Error(format!("{key}: unexpected field {other:?}"))),
        }
    }
    Ok(Spec {
        version,
        // An absent PreRelease is Go's zero value: "" (which Kubernetes treats as GA).
        stage: stage.unwrap_or_else(|| "ga".into()),
        default: default.unwrap_or(false),
        locked,
    })
}

/// Every `Key: {...}` entry whose braces hold a `PreRelease`/`Default` spec (or a list of them).
fn entries(src: &str, bools: &BTreeMap<String, bool>) -> Result<Vec<(String, Vec<Spec>)>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b':' || i == 0 {
            i += 1;
            continue;
        }
        // The key: an identifier, optionally package-qualified, just before the colon.
        let mut k = i;
        while k > 0 && (is_ident(b[k - 1]) || b[k - 1] == b'.') {
            k -= 1;
        }
        let key = &src[k..i];
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if key.is_empty() || b.get(j) != Some(&b'{') || !b[k].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let Some((body, end)) = braced(src, j) else {
            return Err(Error(format!("{key}: unbalanced braces")));
        };
        if !(body.contains("PreRelease") || body.contains("Default:")) {
            i += 1;
            continue;
        }
        let key_ident = key.rsplit('.').next().unwrap_or(key).to_string();
        let mut specs = Vec::new();
        if body.trim_start().starts_with('{') {
            let mut p = 0;
            while let Some(off) = body[p..].find('{') {
                let (inner, next) = braced(body, p + off)
                    .ok_or_else(|| Error(format!("{key}: unbalanced braces")))?;
                specs.push(spec(inner, bools, key)?);
                p = next;
            }
        } else {
            specs.push(spec(body, bools, key)?);
        }
        out.push((key_ident, specs));
        i = end;
    }
    Ok(out)
}

/// The gates a release registers, with the spec in force at `release`.
pub fn transcribe(files: &[GoFile], release: Version) -> Result<Vec<Registered>> {
    let mut idents: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut stripped = Vec::new();
    for f in files {
        let src = strip_comments(&f.text);
        let (names, bools) = declarations(&src);
        for (ident, name) in names {
            idents.insert(ident, (name, f.package.clone()));
        }
        stripped.push((f, src, bools));
    }
    let mut out: BTreeMap<String, Registered> = BTreeMap::new();
    for (f, src, bools) in &stripped {
        for (ident, specs) in entries(src, bools)? {
            let Some((name, package)) = idents.get(&ident) else {
                return Err(Error(format!(
                    "{}: no declaration for the gate identifier {ident}",
                    f.path
                )));
            };
            // The spec in force at the release: the last whose version is not after it.
            let current = specs
                .iter()
                .rfind(|s| s.version.is_none_or(|v| v <= release));
            let Some(s) = current else {
                // Every spec is for a later release: the binary knows the name only as PreAlpha.
                continue;
            };
            let reg = Registered {
                name: name.clone(),
                package: package.clone(),
                stage: s.stage.clone(),
                default: s.default,
                locked: s.locked,
            };
            if let Some(prev) = out.get(name) {
                if prev != &reg {
                    return Err(Error(format!(
                        "{name} is registered twice with different specs ({prev:?} and {reg:?})"
                    )));
                }
            }
            out.insert(name.clone(), reg);
        }
    }
    Ok(out.into_values().collect())
}

/// Provenance of one registry file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    pub repo: String,
    pub commit: String,
    /// The pinned module line(s) from the same commit's `vendor/modules.txt`.
    pub modules: String,
    /// (Go package, path in the repository, git blob id) of each features file read.
    pub files: Vec<(String, String, String)>,
}

/// Writes a registry data file.
pub fn render(release: Version, patch: &str, prov: &Provenance, gates: &[Registered]) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "# The feature gates Kubernetes v{patch} registers, with the spec each has at that release.\n\
         # Transcribed (facts only: name, default, stage, lock) by `cargo run -p gatecheck-import -- transcribe`\n\
         # from the features packages that {} vendors at commit {}\n\
         # (vendor/modules.txt: {}). Packages not listed under `packages` were not read: their gates\n\
         # are neither present nor absent here.\n",
        prov.repo, prov.commit, prov.modules
    ));
    s.push_str(&format!("release: \"{release}\"\nversion: \"{patch}\"\n"));
    s.push_str(&format!(
        "source: {{repo: {}, commit: {}, modules: \"{}\"}}\n",
        prov.repo, prov.commit, prov.modules
    ));
    s.push_str("packages:\n");
    for (pkg, path, blob) in &prov.files {
        s.push_str(&format!(
            "  - {{package: {pkg}, path: {path}, blob: {blob}}}\n"
        ));
    }
    s.push_str("gates:\n");
    for g in gates {
        s.push_str(&format!(
            "  - {{name: {}, stage: {}, default: {}, locked: {}, package: {}}}\n",
            g.name, g.stage, g.default, g.locked, g.package
        ));
    }
    s
}

/// A registry data file, read back.
#[derive(Clone, Debug)]
pub struct Registry {
    pub release: Version,
    /// The exact release the facts were read from (`1.21.2`).
    pub version: String,
    pub repo: String,
    pub commit: String,
    /// The Go packages whose files were read: only their gates can be absent.
    pub packages: Vec<String>,
    pub gates: BTreeMap<String, Registered>,
}

pub fn read(text: &str, what: &str) -> Result<Registry> {
    let docs = gatecheck_yaml::parse(text).map_err(|e| Error(format!("{what}: {e}")))?;
    let root = &docs
        .first()
        .ok_or_else(|| Error(format!("{what}: empty")))?
        .root;
    let s = |n: &Node, k: &str| -> Result<String> {
        n.get(k)
            .and_then(Node::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error(format!("{what}: missing {k}")))
    };
    let b = |n: &Node, k: &str| -> Result<bool> {
        n.get(k)
            .and_then(Node::as_yaml11_bool)
            .ok_or_else(|| Error(format!("{what}: missing {k}")))
    };
    let release = crate::sources::version(&s(root, "release")?)?;
    let source = root
        .get("source")
        .ok_or_else(|| Error(format!("{what}: missing source")))?;
    let mut packages = Vec::new();
    for p in root
        .get("packages")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        packages.push(s(p, "package")?);
    }
    let mut gates = BTreeMap::new();
    for g in root.get("gates").and_then(Node::as_seq).unwrap_or_default() {
        let r = Registered {
            name: s(g, "name")?,
            package: s(g, "package")?,
            stage: s(g, "stage")?,
            default: b(g, "default")?,
            locked: b(g, "locked")?,
        };
        if !packages.contains(&r.package) {
            return Err(Error(format!(
                "{what}: {} is declared in {}, which is not among the packages read",
                r.name, r.package
            )));
        }
        gates.insert(r.name.clone(), r);
    }
    Ok(Registry {
        release,
        version: s(root, "version")?,
        repo: s(source, "repo")?,
        commit: s(source, "commit")?,
        packages,
        gates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(pkg: &str, text: &str) -> GoFile {
        GoFile {
            package: pkg.into(),
            path: format!("vendor/{pkg}/kube_features.go"),
            text: text.into(),
        }
    }

    const OLD: &str = r#"
const (
	// owner: @someone
	// alpha: v1.19 // not a spec: {Default: true}
	AppArmor featuregate.Feature = "AppArmor"
	CSIMigrationRBD featuregate.Feature = "csiMigrationRBD"
	/* block comment: Fake featuregate.Feature = "Fake" */
)
var defaultKubernetesFeatureGates = map[featuregate.Feature]featuregate.FeatureSpec{
	AppArmor:        {Default: true, PreRelease: featuregate.Beta},
	CSIMigrationRBD: {Default: false, PreRelease: featuregate.Alpha}, // remove in 1.27
	genericfeatures.APIListChunking: {Default: true, PreRelease: featuregate.GA, LockToDefault: true},
}
"#;

    const GENERIC: &str = r#"
const (
	APIListChunking featuregate.Feature = "APIListChunking"
	contextualDefault = true
	Logging featuregate.Feature = "ContextualLogging"
)
var defaultKubernetesFeatureGates = map[featuregate.Feature]featuregate.FeatureSpec{
	APIListChunking: {Default: true, PreRelease: featuregate.GA, LockToDefault: true},
	Logging: {Default: contextualDefault, PreRelease: featuregate.Beta},
}
var deps = map[featuregate.Feature][]featuregate.Feature{
	APIListChunking: {},
}
"#;

    const VERSIONED: &str = r#"
const NewThing featuregate.Feature = "NewThing"
const Future featuregate.Feature = "Future"
var defaultVersionedKubernetesFeatureGates = map[featuregate.Feature]featuregate.VersionedSpecs{
	NewThing: {
		{Version: version.MustParse("1.30"), Default: false, PreRelease: featuregate.Alpha},
		{Version: version.MustParse("1.32"), Default: true, PreRelease: featuregate.Beta},
		{Version: version.MustParse("1.34"), Default: true, PreRelease: featuregate.GA, LockToDefault: true}, // remove in 1.36
	},
	Future: {
		{Version: version.MustParse("1.40"), Default: false, PreRelease: featuregate.Alpha},
	},
}
"#;

    #[test]
    fn unversioned_maps_resolve_names_through_declarations() {
        let files = [
            file("k8s.io/kubernetes/pkg/features", OLD),
            file("k8s.io/apiserver/pkg/features", GENERIC),
        ];
        let got = transcribe(&files, Version::new(1, 23)).unwrap();
        let names: Vec<&str> = got.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "APIListChunking",
                "AppArmor",
                "ContextualLogging",
                "csiMigrationRBD"
            ]
        );
        let chunk = &got[0];
        assert_eq!(chunk.package, "k8s.io/apiserver/pkg/features");
        assert!(chunk.locked && chunk.default && chunk.stage == "ga");
        assert!(got[2].default, "a boolean constant as Default");
        assert!(!got[3].default && got[3].stage == "alpha");
    }

    #[test]
    fn versioned_specs_give_the_spec_in_force_at_the_release() {
        let files = [file("k8s.io/kubernetes/pkg/features", VERSIONED)];
        let at = |minor| transcribe(&files, Version::new(1, minor)).unwrap();
        assert_eq!(at(31)[0].stage, "alpha");
        assert_eq!(at(33)[0].stage, "beta");
        let ga = &at(35)[0];
        assert!(ga.locked && ga.stage == "ga");
        // Future's only spec is for 1.40: not a gate of 1.35 yet.
        assert_eq!(at(35).len(), 1);
        // Before its first spec, NewThing is not registered either.
        assert!(at(29).is_empty());
    }

    #[test]
    fn conflicting_duplicates_and_unknown_identifiers_are_errors() {
        let dup = "const A featuregate.Feature = \"A\"\nvar m = map[featuregate.Feature]featuregate.FeatureSpec{\n A: {Default: true, PreRelease: featuregate.Beta},\n}\n";
        let other = "var n = map[featuregate.Feature]featuregate.FeatureSpec{\n A: {Default: false, PreRelease: featuregate.Beta},\n}\n";
        let e = transcribe(&[file("p", dup), file("q", other)], Version::new(1, 20)).unwrap_err();
        assert!(e.0.contains("registered twice"), "{e}");
        let e = transcribe(&[file("q", other)], Version::new(1, 20)).unwrap_err();
        assert!(e.0.contains("no declaration"), "{e}");
    }

    #[test]
    fn render_and_read_round_trip() {
        let files = [
            file("k8s.io/kubernetes/pkg/features", OLD),
            file("k8s.io/apiserver/pkg/features", GENERIC),
        ];
        let gates = transcribe(&files, Version::new(1, 23)).unwrap();
        let prov = Provenance {
            repo: "example/repo".into(),
            commit: "0".repeat(40),
            modules: "k8s.io/kubernetes v1.23.0".into(),
            files: vec![
                (
                    "k8s.io/kubernetes/pkg/features".into(),
                    "a".into(),
                    "1".into(),
                ),
                (
                    "k8s.io/apiserver/pkg/features".into(),
                    "b".into(),
                    "2".into(),
                ),
            ],
        };
        let text = render(Version::new(1, 23), "1.23.0", &prov, &gates);
        let back = read(&text, "test").unwrap();
        assert_eq!(back.release, Version::new(1, 23));
        assert_eq!(back.version, "1.23.0");
        assert_eq!(back.gates.len(), 4);
        assert_eq!(back.gates["csiMigrationRBD"], gates[3]);
        assert_eq!(back.packages.len(), 2);
    }
}
