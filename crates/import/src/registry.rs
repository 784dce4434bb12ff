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
    /// The package the gate is attributed to ([`attribute`]).
    pub package: String,
    /// Every package whose own registration declares the gate (`declared_by` in a registry
    /// file; where a file does not say, `package` alone).
    pub declared_by: Vec<String>,
    /// `Alpha`, `Beta`, `GA`, `Deprecated` (or `PreAlpha`), lower-cased.
    pub stage: String,
    pub default: bool,
    pub locked: bool,
    /// The gates this one needs enabled (`defaultKubernetesFeatureGateDependencies`, 1.35 on).
    pub depends_on: Vec<String>,
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

/// The order in which a gate declared by several features packages is attributed to one of them
/// (tools/registry-dump applies the same order): k8s.io/kubernetes/pkg/features, which every core
/// component registers and which relists (or registers by calling) the other packages' gates,
/// comes last, so a gate is Kubernetes' own only when no other package declares it. The
/// attribution answers which components recognise the gate: cloud-controller-manager registers
/// the generic API-server and controller-manager packages, not Kubernetes' own.
pub const ATTRIBUTION: [&str; 8] = [
    "k8s.io/controller-manager/pkg/features",
    "k8s.io/apiserver/pkg/features",
    "k8s.io/apiextensions-apiserver/pkg/features",
    "k8s.io/component-base/logs/api/v1",
    "k8s.io/component-base/metrics/features",
    "k8s.io/component-base/zpages/features",
    "k8s.io/client-go/features",
    "k8s.io/kubernetes/pkg/features",
];

/// The package a gate declared by `packages` is attributed to (see [`ATTRIBUTION`]); `None`
/// when several packages declare it and none is in the list.
pub fn attribute<S: AsRef<str>>(packages: &[S]) -> Option<String> {
    ATTRIBUTION
        .iter()
        .find(|a| packages.iter().any(|p| p.as_ref() == **a))
        .map(|a| a.to_string())
        .or_else(|| match packages {
            [one] => Some(one.as_ref().to_string()),
            _ => None,
        })
}

/// The gates a release registers, with the spec in force at `release`. A gate's package is the
/// attribution ([`attribute`]) among the packages whose spec maps list it (what each package's
/// own registration declares, as tools/registry-dump reports it).
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
    let mut declared: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
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
            // The packages whose spec maps list the gate (not the one declaring its constant:
            // a constant declared but not registered is not recognised by that package's users).
            let _ = package;
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
    for (name, g) in out.iter_mut() {
        let by: Vec<&String> = declared[name].iter().collect();
        g.package =
            attribute(&by).ok_or_else(|| Error(format!("{name}: no attribution among {by:?}")))?;
        g.declared_by = by.into_iter().cloned().collect();
    }
    for (f, src, _) in &stripped {
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
        let deps = match g.depends_on.is_empty() {
            true => String::new(),
            false => format!(", depends_on: [{}]", g.depends_on.join(", ")),
        };
        s.push_str(&format!(
            "  - {{name: {}, stage: {}, default: {}, locked: {}, package: {}{by}{deps}}}\n",
            g.name,
            g.stage,
            g.default,
            g.locked,
            g.package,
            by = match g.declared_by.len() > 1 {
                true => format!(", declared_by: [{}]", g.declared_by.join(", ")),
                false => String::new(),
            }
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
    /// Other repositories vendoring the same release, merged in: "REPO@COMMIT".
    pub also: Vec<String>,
    /// The `vendor/modules.txt` line that pins the release (or what a development tree is); for
    /// a dumped registry, the modules the dumper was built against.
    pub modules: String,
    /// For a registry dumped from Kubernetes' own code by tools/registry-dump: the Go toolchain
    /// that built it. `None` for a transcription of vendored source.
    pub dumper: Option<String>,
    /// kubeadm's own gates (its `InitFeatureGates`), where the registry records them (dumped
    /// registries); `None` for a transcription, which did not read kubeadm's package.
    pub kubeadm: Option<BTreeMap<String, Registered>>,
}

/// The package kubeadm's gates are declared in.
pub const KUBEADM_PACKAGE: &str = "k8s.io/kubernetes/cmd/kubeadm/app/features";

/// Registries of kubeadm's own gates: each registry that records them, with `gates` holding
/// kubeadm's gates (for [`apply`] and [`attach_patches`] with `Registry::Kubeadm`).
pub fn kubeadm_view(regs: &[Registry]) -> Vec<Registry> {
    regs.iter()
        .filter_map(|r| {
            let k = r.kubeadm.clone()?;
            Some(Registry {
                packages: vec![KUBEADM_PACKAGE.to_string()],
                gates: k,
                kubeadm: None,
                ..r.clone()
            })
        })
        .collect()
}

impl Registry {
    /// The patch release (`None` for a development tree).
    pub fn patch(&self) -> Option<u16> {
        if self.is_provisional() {
            return None;
        }
        self.version.split('.').nth(2).and_then(|p| p.parse().ok())
    }

    /// Orders registries by minor, then patch, with a development tree after every release.
    fn sort_key(&self) -> (Version, u16, String) {
        (
            self.release,
            self.patch().unwrap_or(u16::MAX),
            self.version.clone(),
        )
    }
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
    let dumper = match source.get("dumper") {
        Some(_) => Some(s(source, "go")?),
        None => None,
    };
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
        let package = s(g, "package")?;
        let mut declared_by: Vec<String> = g
            .get("declared_by")
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|d| d.as_str().map(str::to_string))
            .collect();
        if declared_by.is_empty() {
            declared_by.push(package.clone());
        }
        let r = Registered {
            name: s(g, "name")?,
            package,
            declared_by,
            stage: s(g, "stage")?,
            default: b(g, "default")?,
            locked: b(g, "locked")?,
            depends_on: g
                .get("depends_on")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|d| d.as_str().map(str::to_string))
                .collect(),
        };
        if !packages.contains(&r.package) {
            return Err(Error(format!(
                "{what}: {} is declared in {}, which is not among the packages read",
                r.name, r.package
            )));
        }
        gates.insert(r.name.clone(), r);
    }
    let kubeadm = match (dumper.is_some(), root.get("kubeadm").and_then(Node::as_seq)) {
        (true, Some(list)) => {
            let mut out = BTreeMap::new();
            for g in list {
                // kubeadm deprecates a gate by giving it a DeprecationMessage (printed when the
                // gate is set), not always by its PreRelease (RootlessControlPlane stays Alpha
                // from 1.31): such a gate is deprecated.
                let mut stage = s(g, "stage")?;
                if g.get("deprecation")
                    .and_then(Node::as_str)
                    .is_some_and(|d| !d.is_empty())
                    && matches!(stage.as_str(), "alpha" | "beta")
                {
                    stage = "deprecated".to_string();
                }
                let r = Registered {
                    name: s(g, "name")?,
                    package: KUBEADM_PACKAGE.to_string(),
                    declared_by: vec![KUBEADM_PACKAGE.to_string()],
                    stage,
                    default: b(g, "default")?,
                    locked: b(g, "locked")?,
                    depends_on: Vec::new(),
                };
                out.insert(r.name.clone(), r);
            }
            Some(out)
        }
        _ => None,
    };
    Ok(Registry {
        kubeadm,
        release,
        version: s(root, "version")?,
        repo: match dumper {
            Some(_) => s(source, "dumper")?,
            None => s(source, "repo")?,
        },
        commit: match dumper {
            Some(_) => String::new(),
            None => s(source, "commit")?,
        },
        packages,
        gates,
        also: Vec::new(),
        modules: s(source, "modules")?,
        dumper,
    })
}

/// The source id, in gates.yaml, of a release's own registry: `registry` at release N means
/// `data/upstream/registries/v1.N.yaml`.
pub const SOURCE_ID: &str = "registry";
/// The id where the release's registry is a development tree, not the release itself.
pub const DEV_SOURCE_ID: &str = "registry-dev";
/// The id where the release's registry is a pre-release (`v1.38.0-rc.0`), not the release.
pub const PRE_SOURCE_ID: &str = "registry-pre";

/// Whether a source id is one of a release's own registries (released, pre-release or dev).
pub fn is_registry_id(id: &str) -> bool {
    id == SOURCE_ID || id == DEV_SOURCE_ID || id == PRE_SOURCE_ID
}

impl Registry {
    /// Whether this is a development tree leading to the release (`1.37.0-dev`).
    pub fn is_dev(&self) -> bool {
        self.version.contains("-dev")
    }

    /// Whether this is a published pre-release of the release (`1.38.0-beta.0`).
    pub fn is_prerelease(&self) -> bool {
        self.version.contains('-') && !self.is_dev()
    }

    /// A development tree or a pre-release: facts that may still change before the release.
    pub fn is_provisional(&self) -> bool {
        self.version.contains('-')
    }

    /// The source id facts from this registry carry in gates.yaml.
    pub fn source_id(&self) -> &'static str {
        if self.is_dev() {
            DEV_SOURCE_ID
        } else if self.is_prerelease() {
            PRE_SOURCE_ID
        } else {
            SOURCE_ID
        }
    }
}

/// Reads every registry among the inputs: one per exact release (files of the same release,
/// read from different repositories, are merged), oldest first.
///
/// Two repositories that vendor the same release are two witnesses: where both read a package
/// they must agree gate for gate; the merged registry keeps the first one's provenance and lists
/// the other in `also`, and has the packages either read.
///
/// Where a release was dumped from Kubernetes' own code (tools/registry-dump), the dump is the
/// release's registry and transcriptions of the same release are left out (`compare` checks
/// them against it).
pub fn read_all(inputs: &[(String, String)]) -> Result<Vec<Registry>> {
    let mut files = inputs
        .iter()
        .map(|(file, text)| Ok((file, read(text, file)?)))
        .collect::<Result<Vec<_>>>()?;
    let dumped: std::collections::BTreeSet<String> = files
        .iter()
        .filter(|(_, r)| r.dumper.is_some())
        .map(|(_, r)| r.version.clone())
        .collect();
    files.retain(|(_, r)| r.dumper.is_some() || !dumped.contains(&r.version));
    files.sort_by(|a, b| (a.1.sort_key(), a.0).cmp(&(b.1.sort_key(), b.0)));
    let mut regs: Vec<Registry> = Vec::new();
    for (file, r) in files {
        match regs.last_mut() {
            Some(prev) if prev.version == r.version => {
                for (name, g) in &r.gates {
                    match prev.gates.get(name) {
                        Some(p) if p != g => {
                            return Err(Error(format!(
                                "{file}: {name} is {g:?}, but another repository vendoring {} has {p:?}",
                                r.version
                            )))
                        }
                        Some(_) => {}
                        None if prev.packages.contains(&g.package) => {
                            return Err(Error(format!(
                                "{file}: {name} is registered, but another repository vendoring {} read {} without it",
                                r.version, g.package
                            )))
                        }
                        None => {
                            prev.gates.insert(name.clone(), g.clone());
                        }
                    }
                }
                for (name, g) in &prev.gates {
                    if r.packages.contains(&g.package) && !r.gates.contains_key(name) {
                        return Err(Error(format!(
                            "{file}: read {} without {name}, which another repository vendoring {} has",
                            g.package, r.version
                        )));
                    }
                }
                for p in r.packages {
                    if !prev.packages.contains(&p) {
                        prev.packages.push(p);
                    }
                }
                prev.also
                    .push(format!("{}@{}", r.repo, &r.commit[..8.min(r.commit.len())]));
            }
            _ => regs.push(r),
        }
    }
    Ok(regs)
}

/// Every disagreement between a release dumped from Kubernetes' own code and a transcription of
/// the same release: for each transcription, each gate of a package both read that only one of
/// them registers, or whose package, stage, default, lock or dependencies differ. One line each:
/// `version file: gate: field: transcribed X, dumped Y`.
pub fn compare(inputs: &[(String, String)]) -> Result<Vec<String>> {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    let files = inputs
        .iter()
        .map(|(file, text)| Ok((file.as_str(), read(text, file)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (_, dump) in files.iter().filter(|(_, r)| r.dumper.is_some()) {
        for (file, t) in files
            .iter()
            .filter(|(_, r)| r.dumper.is_none() && r.version == dump.version)
        {
            let file = file.rsplit('/').next().unwrap_or(file);
            let mut say = |gate: &str, what: String| {
                out.push(format!("v{} {file}: {gate}: {what}", dump.version));
            };
            for (name, g) in &t.gates {
                match dump.gates.get(name) {
                    None => say(name, "transcribed, but the dump has no such gate".into()),
                    Some(d) => {
                        let fields = [
                            ("package", g.package.clone(), d.package.clone()),
                            ("stage", g.stage.clone(), d.stage.clone()),
                            ("default", g.default.to_string(), d.default.to_string()),
                            ("locked", g.locked.to_string(), d.locked.to_string()),
                            // As sets: the transcriptions keep the table's order, the
                            // dumps the order the feature gate gives back.
                            (
                                "depends_on",
                                format!("{:?}", sorted(&g.depends_on)),
                                format!("{:?}", sorted(&d.depends_on)),
                            ),
                        ];
                        for (field, tv, dv) in fields {
                            // Dependencies are compared from 1.35, where both record them.
                            if tv != dv
                                && !(field == "depends_on"
                                    && g.depends_on.is_empty()
                                    && dump.release.minor < 35)
                            {
                                say(name, format!("{field}: transcribed {tv}, dumped {dv}"));
                            }
                        }
                    }
                }
            }
            for (name, d) in &dump.gates {
                if !t.gates.contains_key(name) && t.packages.contains(&d.package) {
                    say(
                        name,
                        format!(
                            "dumped ({} {} default {}), but the transcription read {} without it",
                            d.package, d.stage, d.default, d.package
                        ),
                    );
                }
            }
        }
    }
    Ok(out)
}

/// The registry of each minor release that settles its facts: the lowest patch release read
/// (a development tree where no release was read), oldest minor first.
pub fn bases(regs: &[Registry]) -> Vec<&Registry> {
    let mut out: Vec<&Registry> = Vec::new();
    for r in regs {
        if out.last().is_none_or(|l| l.release != r.release) {
            out.push(r);
        }
    }
    out
}

/// The releases whose newest registry is a development tree (no release registry read), with
/// what the tree is.
pub fn development(regs: &[Registry]) -> Vec<(Version, String)> {
    let mut out: Vec<(Version, String)> = Vec::new();
    for r in regs {
        if !r.is_provisional()
            || regs
                .iter()
                .any(|o| o.release == r.release && !o.is_provisional())
            || out.iter().any(|(v, _)| *v == r.release)
        {
            continue;
        }
        // The newest provisional registry of the release describes it.
        let Some(r) = regs
            .iter()
            .rev()
            .find(|o| o.release == r.release && o.is_provisional())
        else {
            continue;
        };
        if r.is_dev() {
            let what = r
                .modules
                .trim_start_matches("development tree: ")
                .to_string();
            out.push((r.release, format!("{what}, as vendored by {}", r.repo)));
        } else {
            out.push((
                r.release,
                format!(
                    "the v{} pre-release, not the v{}.0 release: its facts may still change",
                    r.version, r.release
                ),
            ));
        }
    }
    out
}

/// gates.yaml's `registries` entries: for each release, where its registry was read.
pub fn sources(regs: &[Registry]) -> Vec<(String, String)> {
    regs.iter()
        .map(|r| {
            if r.dumper.is_some() {
                let k8s = r.modules.split(", ").next().unwrap_or_default();
                return (
                    r.version.clone(),
                    format!(
                        "v{} from Kubernetes' own modules ({k8s} and its staging modules), run by tools/registry-dump",
                        r.version
                    ),
                );
            }
            (
                r.version.clone(),
                format!(
                    "v{} as vendored by {}@{}{}",
                    r.version,
                    r.repo,
                    &r.commit[..r.commit.len().min(8)],
                    r.also
                        .iter()
                        .map(|a| format!(" and {a}"))
                        .collect::<String>()
                ),
            )
        })
        .collect()
}

fn stage_of(s: &str) -> Option<gatecheck_rules::Stage> {
    gatecheck_rules::Stage::parse(s)
}

/// A registry with its gates keyed by the name users type.
type Named<'a> = (&'a Registry, BTreeMap<String, &'a Registered>);

/// Makes each release's registry the authority for that release: a gate it registers has the
/// registered spec there; a gate it lacks (while the package that declares it was read) is not a
/// gate of that release. Other releases keep what the weaker sources say. Introduction and
/// removal releases follow from the result; a gate that disappears and comes back is reported.
pub fn apply(
    records: &mut [crate::merge::GateRecord],
    regs: &[Registry],
    newest: Version,
    rename: &dyn Fn(&str) -> String,
    problems: &mut Vec<String>,
    which: gatecheck_rules::Registry,
) {
    use gatecheck_rules::{Registry as Reg, StageSpec};
    if regs.is_empty() {
        return;
    }
    // Each minor's registries, its first patch release first: the first that read a gate's
    // package decides the minor's facts for it (a later patch release fills in a package the
    // first one's vendoring repository did not import).
    let mut by_release: BTreeMap<u16, Vec<Named<'_>>> = BTreeMap::new();
    for r in regs
        .iter()
        .filter(|r| r.release.major == 1 && r.release <= newest)
    {
        let gates = r.gates.values().map(|g| (rename(&g.name), g)).collect();
        by_release
            .entry(r.release.minor)
            .or_default()
            .push((r, gates));
    }
    // AllAlpha and AllBeta are registered by component-base's featuregate itself, in every
    // release; no features package lists them.
    for rec in records.iter_mut().filter(|r| {
        r.registry == which
            && (which == Reg::Kubeadm || !matches!(r.name.as_str(), "AllAlpha" | "AllBeta"))
    }) {
        // The package that declares the gate: where a registry saw it, else the recorded one,
        // else, for a gate older than the registries (when kubernetes' own package relisted
        // every gate its components registered), kubernetes' own. A newer gate that no
        // registry has may live in a package the vendoring repositories do not import
        // (component-base/metrics): its absence proves nothing.
        let package = by_release
            .values()
            .flatten()
            .rev()
            .find_map(|(_, g)| g.get(&rec.name).map(|g| g.package.clone()))
            .or_else(|| (which == Reg::Kubeadm).then(|| KUBEADM_PACKAGE.to_string()))
            .or_else(|| rec.package.map(|p| p.path().to_string()))
            .or_else(|| {
                let first_registry = by_release.keys().next().copied().unwrap_or(0);
                rec.stages
                    .first()
                    .is_some_and(|s| s.since.minor < first_registry)
                    .then(|| "k8s.io/kubernetes/pkg/features".to_string())
            })
            .unwrap_or_default();
        // A registry proves the gate absent only if it read every package whose registration
        // declared it where it was last seen (Kubernetes' own package relists the others' gates,
        // but one may keep a gate the other dropped: IPv6DualStack in 1.25-1.26).
        let needed: Vec<String> = by_release
            .values()
            .flatten()
            .rev()
            .find_map(|(_, g)| g.get(&rec.name).map(|g| g.declared_by.clone()))
            .unwrap_or_else(|| vec![package.clone()]);
        let base_at = |v: Version| -> Option<StageSpec> {
            if rec.stages.first().is_none_or(|f| v < f.since)
                || rec.removed_in.is_some_and(|r| v >= r)
            {
                return None;
            }
            rec.stages.iter().rev().find(|s| s.since <= v).copied()
        };
        let base_source = |v: Version| -> String {
            rec.evidence
                .iter()
                .rev()
                .find(|(s, _)| *s <= v)
                .map(|(_, s)| s.clone())
                .unwrap_or_default()
        };
        // Release by release: the spec (None = not a gate of that release) and its source.
        let mut cells: Vec<(Version, Option<StageSpec>, String)> = Vec::new();
        let mut used = false;
        for minor in 0..=newest.minor {
            let v = Version::new(1, minor);
            let decider = by_release.get(&minor).and_then(|regs| {
                regs.iter().find(|(reg, gates)| {
                    gates.contains_key(&rec.name) || needed.iter().all(|p| reg.packages.contains(p))
                })
            });
            let cell = decider.map(|(reg, gates)| {
                let spec = gates.get(&rec.name).and_then(|g| {
                    stage_of(&g.stage).map(|stage| StageSpec {
                        since: v,
                        stage,
                        default: g.default,
                        locked: g.locked,
                        lock_known: true,
                    })
                });
                (spec, reg.source_id())
            });
            match cell {
                Some((spec, id)) => {
                    used = true;
                    cells.push((v, spec, id.to_string()));
                }
                None => cells.push((v, base_at(v), base_source(v))),
            }
        }
        if !used {
            continue;
        }
        // A gate does not leave and come back: where a registry says it is absent, the weaker
        // sources' claims beyond that (away from the registries that have it) are dropped.
        // (Later generated lists restate earlier releases: DRAControlPlaneController "from
        // 1.27" is the 1.27 DynamicResourceAllocation under a name 1.31 gave it.)
        let is_reg: Vec<bool> = cells.iter().map(|c| is_registry_id(&c.2)).collect();
        let reg_present: Vec<usize> = (0..cells.len())
            .filter(|&i| is_reg[i] && cells[i].1.is_some())
            .collect();
        let reg_absent: Vec<usize> = (0..cells.len())
            .filter(|&i| is_reg[i] && cells[i].1.is_none())
            .collect();
        let span = match (reg_present.first(), reg_present.last()) {
            (Some(&f), Some(&l)) => Some((f, l)),
            // Never registered: gone before the registries, or newer than all of them.
            _ => None,
        };
        for i in 0..cells.len() {
            if is_reg[i] || cells[i].1.is_none() {
                continue;
            }
            // The registry that rules the cell out: the nearest absent one towards lo/hi.
            let Some((lo, hi)) = span else {
                let (a0, a1) = (reg_absent[0], reg_absent[reg_absent.len() - 1]);
                if (a0..=a1).contains(&i) {
                    let a = reg_absent.iter().copied().rfind(|&a| a <= i).unwrap_or(a0);
                    cells[i].1 = None;
                    cells[i].2 = cells[a].2.clone();
                }
                continue;
            };
            let witness = if i < lo {
                reg_absent.iter().copied().find(|&a| i <= a && a < lo)
            } else if i > hi {
                reg_absent.iter().copied().rfind(|&a| hi < a && a <= i)
            } else {
                None
            };
            if let Some(a) = witness {
                cells[i].1 = None;
                cells[i].2 = cells[a].2.clone();
            }
        }
        let present: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].1.is_some()).collect();
        let (Some(&first), Some(&last)) = (present.first(), present.last()) else {
            problems.push(format!(
                "{}: the registries never register it, yet it is recorded as a gate",
                rec.name
            ));
            continue;
        };
        if let Some(gap) = (first..=last).find(|&i| cells[i].1.is_none()) {
            problems.push(format!(
                "{}: a gate of {} and {}, but not of {} (per {})",
                rec.name, cells[first].0, cells[last].0, cells[gap].0, cells[gap].2
            ));
            continue;
        }
        let mut stages: Vec<StageSpec> = Vec::new();
        for (v, spec, _) in &cells[first..=last] {
            let mut s = spec.expect("no gap");
            s.since = *v;
            if !matches!(
                s.stage,
                gatecheck_rules::Stage::Ga | gatecheck_rules::Stage::Deprecated
            ) {
                s.lock_known = true;
            }
            if stages
                .last()
                .is_none_or(|l| !crate::sources::same_state(l, &s))
            {
                stages.push(s);
            }
        }
        // The removal release is the first after the last present one, where a source says so.
        // Present in the newest release: a removal already dated beyond it (by the pull
        // request that made it) still stands.
        let removed_in = match last < cells.len() - 1 {
            true => Some(cells[last + 1].0),
            false => rec.removed_in.filter(|r| *r > newest),
        };
        let end = if last < cells.len() - 1 {
            last + 1
        } else {
            last
        };
        let mut evidence: Vec<(Version, String)> = Vec::new();
        for (v, _, src) in &cells[first..=end] {
            if evidence.last().is_none_or(|(_, s)| s != src) {
                evidence.push((*v, src.clone()));
            }
        }
        // Keep the weaker sources' pre-registry history as it was (with its real first release).
        if let Some(f) = rec.stages.first() {
            if f.since < cells[first].0 && cells[first].2 == base_source(f.since) {
                stages[0].since = f.since;
                evidence[0].0 = f.since;
            }
        }
        let mut ids: Vec<String> = Vec::new();
        for id in [SOURCE_ID, PRE_SOURCE_ID, DEV_SOURCE_ID] {
            if evidence.iter().any(|(_, e)| e == id) {
                ids.push(id.to_string());
            }
        }
        // Only the weaker sources still in use stay listed beside the registries.
        rec.sources
            .retain(|s| !s.starts_with("website") || evidence.iter().any(|(_, e)| e == s));
        rec.sources.splice(0..0, ids);
        rec.stages = stages;
        rec.removed_in = removed_in;
        rec.evidence = evidence;
    }
}

/// Records what changed inside each minor release: for each gate, where a later patch release's
/// registry disagrees with the previous one read (a spec, or presence), the change with the two
/// patch releases that bracket it. A gate whose package a release did not read is skipped there.
pub fn attach_patches(
    records: &mut [crate::merge::GateRecord],
    all: &[Registry],
    rename: &dyn Fn(&str) -> String,
    which: gatecheck_rules::Registry,
) {
    use gatecheck_rules::StageSpec;
    let mut by_minor: BTreeMap<Version, Vec<&Registry>> = BTreeMap::new();
    for r in all.iter().filter(|r| !r.is_provisional()) {
        by_minor.entry(r.release).or_default().push(r);
    }
    for rec in records.iter_mut().filter(|r| r.registry == which) {
        rec.patches.clear();
        let package = all
            .iter()
            .rev()
            .find_map(|r| {
                r.gates
                    .values()
                    .find(|g| rename(&g.name) == rec.name)
                    .map(|g| g.package.clone())
            })
            .or_else(|| rec.package.map(|p| p.path().to_string()));
        let Some(package) = package else {
            continue;
        };
        for (minor, regs) in &by_minor {
            let mut prev: Option<(u16, Option<StageSpec>)> = None;
            for r in regs {
                let Some(patch) = r.patch() else { continue };
                let state = match r.gates.values().find(|g| rename(&g.name) == rec.name) {
                    Some(g) => stage_of(&g.stage).map(|stage| StageSpec {
                        since: *minor,
                        stage,
                        default: g.default,
                        locked: g.locked,
                        lock_known: true,
                    }),
                    None if r.packages.contains(&package) => None,
                    None => continue,
                };
                if let Some((after, before)) = prev {
                    if before != state {
                        rec.patches.push((*minor, after, patch, state));
                    }
                }
                prev = Some((patch, state));
            }
        }
    }
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
