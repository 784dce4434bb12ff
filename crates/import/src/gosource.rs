//! Transcribing a release's registry from the Go source of its features packages, as public
//! repositories vendor them at pinned versions: comments stripped, constant declarations
//! resolved, and the spec maps (`map[Feature]FeatureSpec` before 1.31, `map[Feature]
//! VersionedSpecs` from 1.31) and dependency tables read for the facts only: name, default,
//! stage, lock, dependencies. Releases dumped from Kubernetes' own code (tools/registry-dump)
//! are preferred over these transcriptions where both exist.

use crate::error::{Error, Result};
use crate::registry::{attribute, Registered};
use gatecheck_rules::Version;
use std::collections::{BTreeMap, BTreeSet};

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
        // `Ident = featuregate.Feature("Name")` (1.32 on, for a few gates).
        if let (["const" | "var", ident] | [ident], Some(call)) = (
            &words[..],
            rhs.strip_prefix("featuregate.Feature(\"")
                .or_else(|| rhs.strip_prefix("Feature(\"")),
        ) {
            if let Some(name) = call.split('"').next() {
                names.insert(ident.to_string(), name.to_string());
            }
            continue;
        }
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
            // An untyped string constant (1.35's `ChangeContainerStatusOnKubeletRestart =
            // "..."`): a name only if it is used as a key of a spec map.
            [ident] | ["const", ident] if ident.bytes().all(is_ident) => {
                if let Some(name) = rhs.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                    names
                        .entry(ident.to_string())
                        .or_insert_with(|| name.to_string());
                }
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
            // 1.37: the oldest version a cluster may run alongside (for emulation); it does not
            // change what the release itself accepts.
            "MinCompatibilityVersion" => {}
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

/// The entries of every `map[featuregate.Feature][]featuregate.Feature{...}` literal (the
/// dependency tables): key identifier and the identifiers it lists.
fn dependency_entries(src: &str) -> Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::new();
    let marker = "map[featuregate.Feature][]featuregate.Feature{";
    let mut from = 0;
    while let Some(off) = src[from..].find(marker) {
        let open = from + off + marker.len() - 1;
        let (body, end) =
            braced(src, open).ok_or_else(|| Error("dependency table: unbalanced braces".into()))?;
        let b = body.as_bytes();
        let mut i = 0;
        while let Some(colon) = body[i..].find(':') {
            let c = i + colon;
            let mut k = c;
            while k > 0 && (is_ident(b[k - 1]) || b[k - 1] == b'.') {
                k -= 1;
            }
            let key = body[k..c]
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .to_string();
            let Some(lb) = body[c..].find('{').map(|o| c + o) else {
                break;
            };
            let (list, next) = braced(body, lb)
                .ok_or_else(|| Error(format!("dependency of {key}: unbalanced braces")))?;
            // Items are identifiers, package-qualified or converted
            // (`featuregate.Feature(clientfeatures.AtomicFIFO)`).
            let deps = list
                .split(',')
                .map(|d| {
                    let d = d.trim().trim_end_matches(')');
                    let d = d.rsplit('(').next().unwrap_or(d);
                    d.rsplit('.').next().unwrap_or_default().to_string()
                })
                .filter(|d| !d.is_empty())
                .collect();
            out.push((key, deps));
            i = next;
        }
        from = end;
    }
    Ok(out)
}

/// The gates a release registers, with the spec in force at `release`. A gate's package is the
/// attribution ([`attribute`]) among the packages whose spec maps list it (what each package's
/// own registration declares, as tools/registry-dump reports it).
pub fn transcribe(files: &[GoFile], release: Version) -> Result<Vec<Registered>> {
    let mut idents: Idents = BTreeMap::new();
    let mut stripped = Vec::new();
    for f in files {
        let src = strip_comments(&f.text);
        let (names, bools) = declarations(&src);
        for (ident, name) in names {
            idents.insert(ident, (name, f.package.clone()));
        }
        stripped.push((f, src, bools));
    }
    let (mut out, declared) = registered(&stripped, &idents, release)?;
    for (name, g) in out.iter_mut() {
        let by: Vec<&String> = declared[name].iter().collect();
        g.package =
            attribute(&by).ok_or_else(|| Error(format!("{name}: no attribution among {by:?}")))?;
        g.declared_by = by.into_iter().cloned().collect();
    }
    for (f, src, _) in &stripped {
        attach_dependencies(f, src, &idents, &mut out)?;
    }
    Ok(out.into_values().collect())
}

/// Gate identifiers to (gate name, package declaring the constant).
type Idents = BTreeMap<String, (String, String)>;

/// Gate names to the packages whose spec maps list the gate.
type Declared = BTreeMap<String, BTreeSet<String>>;

/// A file, its source without comments, and its boolean constants.
type Stripped<'a> = (&'a GoFile, String, BTreeMap<String, bool>);

/// Every gate the files' spec maps register at `release` (package not yet attributed), and the
/// packages whose spec maps list each.
fn registered(
    stripped: &[Stripped<'_>],
    idents: &Idents,
    release: Version,
) -> Result<(BTreeMap<String, Registered>, Declared)> {
    let mut out: BTreeMap<String, Registered> = BTreeMap::new();
    let mut declared: Declared = BTreeMap::new();
    for (f, src, bools) in stripped {
        for (ident, specs) in entries(src, bools)? {
            let Some((name, _)) = idents.get(&ident) else {
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
            // The packages whose spec maps list the gate (not the one declaring its constant:
            // a constant declared but not registered is not recognised by that package's users).
            declared
                .entry(name.clone())
                .or_default()
                .insert(f.package.clone());
            let reg = Registered {
                name: name.clone(),
                package: String::new(),
                declared_by: Vec::new(),
                stage: s.stage.clone(),
                default: s.default,
                locked: s.locked,
                depends_on: Vec::new(),
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
    Ok((out, declared))
}

/// Gives the registered gates the dependencies file `f`'s table declares.
fn attach_dependencies(
    f: &GoFile,
    src: &str,
    idents: &Idents,
    out: &mut BTreeMap<String, Registered>,
) -> Result<()> {
    for (ident, deps) in dependency_entries(src)? {
        let name_of = |i: &str| -> Result<String> {
            idents.get(i).map(|(n, _)| n.clone()).ok_or_else(|| {
                Error(format!(
                    "{}: dependency table names {i}, which is not declared",
                    f.path
                ))
            })
        };
        let name = name_of(&ident)?;
        let deps = deps
            .iter()
            .map(|d| name_of(d))
            .collect::<Result<Vec<_>>>()?;
        // A table may name a gate the release does not register at this version (a newer
        // gate's entry); only registered gates carry dependencies.
        if let Some(g) = out.get_mut(&name) {
            // In the table's order, which is the order the components' message lists.
            for d in deps {
                if !g.depends_on.contains(&d) {
                    g.depends_on.push(d);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::*;

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
	Logging: {APIListChunking, genericfeatures.APIListChunking},
}
"#;

    const VERSIONED: &str = r#"
const NewThing = featuregate.Feature("NewThing")
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
        assert_eq!(
            got[2].depends_on,
            ["APIListChunking"],
            "dependencies by name"
        );
        assert!(got[0].depends_on.is_empty());
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
