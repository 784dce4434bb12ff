//! Per-release gate registries: what each Kubernetes release's own `features` packages register.
//!
//! The registry data files (`data/upstream/registries/`): their model ([`Registered`],
//! [`Registry`]), how a gate is attributed to a package ([`attribute`]), writing ([`render`]) and
//! reading ([`read`], [`read_all`]) them, comparing a dump with transcriptions ([`compare`]), and
//! which release settles which facts ([`bases`], [`development`], [`sources`]). Transcribing Go
//! source is `gosource`; making the registries the authority over each gate's timeline is
//! `timeline`.

use crate::error::{Error, Result};
use gatecheck_rules::{EvidenceKind, Version};
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

/// Reads one registry data file; `what` names it in errors.
pub fn read(text: &str, what: &str) -> Result<Registry> {
    let docs = gatecheck_yaml::parse(text).map_err(|e| Error(format!("{what}: {e}")))?;
    let root = &docs
        .first()
        .ok_or_else(|| Error(format!("{what}: empty")))?
        .root;
    let f = Fields(what);
    let release = crate::sources::version(&f.str(root, "release")?)?;
    let source = root
        .get("source")
        .ok_or_else(|| Error(format!("{what}: missing source")))?;
    let dumper = match source.get("dumper") {
        Some(_) => Some(f.str(source, "go")?),
        None => None,
    };
    let mut packages = Vec::new();
    for p in root
        .get("packages")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        packages.push(f.str(p, "package")?);
    }
    let gates = read_gates(root, &packages, f)?;
    let kubeadm = match (dumper.is_some(), root.get("kubeadm").and_then(Node::as_seq)) {
        (true, Some(list)) => Some(read_kubeadm(list, f)?),
        _ => None,
    };
    Ok(Registry {
        kubeadm,
        release,
        version: f.str(root, "version")?,
        repo: match dumper {
            Some(_) => f.str(source, "dumper")?,
            None => f.str(source, "repo")?,
        },
        commit: match dumper {
            Some(_) => String::new(),
            None => f.str(source, "commit")?,
        },
        packages,
        gates,
        also: Vec::new(),
        modules: f.str(source, "modules")?,
        dumper,
    })
}

/// Required fields of a registry file's mappings; the `&str` names the file in errors.
#[derive(Clone, Copy)]
struct Fields<'a>(&'a str);

impl Fields<'_> {
    fn str(self, n: &Node, k: &str) -> Result<String> {
        n.get(k)
            .and_then(Node::as_str)
            .map(str::to_string)
            .ok_or_else(|| Error(format!("{}: missing {k}", self.0)))
    }

    fn bool(self, n: &Node, k: &str) -> Result<bool> {
        n.get(k)
            .and_then(Node::as_yaml11_bool)
            .ok_or_else(|| Error(format!("{}: missing {k}", self.0)))
    }
}

/// A list of strings, empty where the node is missing or not a list.
pub(crate) fn strings(n: Option<&Node>) -> Vec<String> {
    n.and_then(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.as_str().map(str::to_string))
        .collect()
}

/// A registry file's `gates`; each must be declared in one of the `packages` read.
fn read_gates(
    root: &Node,
    packages: &[String],
    f: Fields<'_>,
) -> Result<BTreeMap<String, Registered>> {
    let mut gates = BTreeMap::new();
    for g in root.get("gates").and_then(Node::as_seq).unwrap_or_default() {
        let package = f.str(g, "package")?;
        let mut declared_by = strings(g.get("declared_by"));
        if declared_by.is_empty() {
            declared_by.push(package.clone());
        }
        let r = Registered {
            name: f.str(g, "name")?,
            package,
            declared_by,
            stage: f.str(g, "stage")?,
            default: f.bool(g, "default")?,
            locked: f.bool(g, "locked")?,
            depends_on: strings(g.get("depends_on")),
        };
        if !packages.contains(&r.package) {
            return Err(Error(format!(
                "{}: {} is declared in {}, which is not among the packages read",
                f.0, r.name, r.package
            )));
        }
        gates.insert(r.name.clone(), r);
    }
    Ok(gates)
}

/// A dumped registry's `kubeadm` list: kubeadm's own gates.
fn read_kubeadm(list: &[Node], f: Fields<'_>) -> Result<BTreeMap<String, Registered>> {
    let mut out = BTreeMap::new();
    for g in list {
        // kubeadm deprecates a gate by giving it a DeprecationMessage (printed when the gate is
        // set), not always by its PreRelease (RootlessControlPlane stays Alpha from 1.31): such
        // a gate is deprecated.
        let mut stage = f.str(g, "stage")?;
        if g.get("deprecation")
            .and_then(Node::as_str)
            .is_some_and(|d| !d.is_empty())
            && matches!(stage.as_str(), "alpha" | "beta")
        {
            stage = "deprecated".to_string();
        }
        let r = Registered {
            name: f.str(g, "name")?,
            package: KUBEADM_PACKAGE.to_string(),
            declared_by: vec![KUBEADM_PACKAGE.to_string()],
            stage,
            default: f.bool(g, "default")?,
            locked: f.bool(g, "locked")?,
            depends_on: Vec::new(),
        };
        out.insert(r.name.clone(), r);
    }
    Ok(out)
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

    /// The kind of evidence this registry is: the release's own, a pre-release's or a
    /// development tree's.
    pub fn evidence_kind(&self) -> EvidenceKind {
        if self.is_dev() {
            EvidenceKind::Development
        } else if self.is_prerelease() {
            EvidenceKind::PreRelease
        } else {
            EvidenceKind::Registry
        }
    }

    /// The source id facts from this registry carry in gates.yaml (`registry` at release N
    /// means `data/upstream/registries/v1.N...yaml`).
    pub fn source_id(&self) -> &'static str {
        self.evidence_kind()
            .registry_id()
            .expect("a registry kind has an id")
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
    combine(read_files(inputs)?)
}

/// Reads each registry file on its own: (file name, registry), in the inputs' order.
pub fn read_files(inputs: &[(String, String)]) -> Result<Vec<(String, Registry)>> {
    inputs
        .iter()
        .map(|(file, text)| Ok((file.clone(), read(text, file)?)))
        .collect()
}

/// The registries of [`read_all`] from files already read ([`read_files`]).
pub fn combine(mut files: Vec<(String, Registry)>) -> Result<Vec<Registry>> {
    let dumped: std::collections::BTreeSet<String> = files
        .iter()
        .filter(|(_, r)| r.dumper.is_some())
        .map(|(_, r)| r.version.clone())
        .collect();
    files.retain(|(_, r)| r.dumper.is_some() || !dumped.contains(&r.version));
    files.sort_by(|a, b| (a.1.sort_key(), &a.0).cmp(&(b.1.sort_key(), &b.0)));
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
/// `version file: gate: field: transcribed X, dumped Y`. `files` are (file name, registry), as
/// [`read_files`] gives them.
pub fn compare(files: &[(String, Registry)]) -> Vec<String> {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
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
    out
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
