//! Registries from Kubernetes' own code: `tools/registry-dump` is built against Kubernetes'
//! modules at one release and prints, as JSON, every gate the release's features packages
//! register, read back through the release's own featuregate API. [`to_registry`] turns that
//! JSON into a `data/upstream/registries/` file (`v<version>-go.yaml`), in the format
//! [`crate::registry::read`] reads, with each gate's full versioned spec list kept beside the
//! spec in force at the release.

use crate::error::{Error, Result};
use crate::registry::strings;
use gatecheck_yaml::Node;

/// One gate as the dumper reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DumpedGate {
    pub name: String,
    /// The attribution ([`crate::registry::attribute`]) among `declared_by`.
    pub package: String,
    /// Every features package whose own registration declares the gate (the dumper registers
    /// each package into a fresh gate of its own); empty in dumps made before it said.
    pub declared_by: Vec<String>,
    /// Every spec, as `"<version> <stage> <default> <locked>"` (plus ` min-compat <v>`); the
    /// version is empty before 1.31 (one unversioned spec).
    pub specs: Vec<String>,
    /// The spec in force at the release: (stage, default, locked); `None` when every spec is
    /// for a later release (pre-alpha: not a gate of this release).
    pub at_release: Option<(String, bool, bool)>,
    pub depends_on: Vec<String>,
}

/// A kubeadm gate: (name, stage, default, locked, deprecation message).
pub type KubeadmGate = (String, String, bool, bool, String);

/// The dumper's output, read.
#[derive(Clone, Debug)]
pub struct Dump {
    /// `v1.37.0`, `v1.38.0-beta.0`.
    pub kubernetes: String,
    pub go: String,
    /// (module, version), sorted.
    pub modules: Vec<(String, String)>,
    pub emulation_version: String,
    pub packages: Vec<String>,
    pub gates: Vec<DumpedGate>,
    pub kubeadm: Vec<KubeadmGate>,
}

/// featuregate's `prerelease` strings, as gatecheck names stages.
fn stage(pre: &str) -> Result<&'static str> {
    Ok(match pre {
        "ALPHA" => "alpha",
        "BETA" => "beta",
        "" => "ga",
        "DEPRECATED" => "deprecated",
        "PRE-ALPHA" => "prealpha",
        other => return Err(Error(format!("unknown PreRelease {other:?}"))),
    })
}

/// Fields of the dumper's JSON objects.
fn str_field(n: &Node, k: &str) -> Result<String> {
    n.get(k)
        .and_then(Node::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error(format!("dump: missing {k}")))
}

fn opt_field(n: &Node, k: &str) -> String {
    n.get(k)
        .and_then(Node::as_str)
        .map(str::to_string)
        .unwrap_or_default()
}

fn bool_field(n: &Node, k: &str) -> Result<bool> {
    n.get(k)
        .and_then(Node::as_yaml11_bool)
        .ok_or_else(|| Error(format!("dump: missing {k}")))
}

/// Reads the dumper's JSON (JSON is YAML, so the workspace's YAML reader reads it).
pub fn read(text: &str) -> Result<Dump> {
    let docs = gatecheck_yaml::parse(text).map_err(|e| Error(format!("dump: {e}")))?;
    let root = &docs
        .first()
        .ok_or_else(|| Error("dump: empty".into()))?
        .root;
    let mut modules: Vec<(String, String)> = root
        .get("modules")
        .and_then(Node::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
        .collect();
    modules.sort();
    let mut gates = Vec::new();
    for g in root.get("gates").and_then(Node::as_seq).unwrap_or_default() {
        gates.push(read_gate(g)?);
    }
    let mut kubeadm = Vec::new();
    for k in root
        .get("kubeadm")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        kubeadm.push((
            str_field(k, "name")?,
            stage(&opt_field(k, "preRelease"))?.to_string(),
            bool_field(k, "default")?,
            bool_field(k, "lockToDefault")?,
            opt_field(k, "deprecationMessage"),
        ));
    }
    Ok(Dump {
        kubernetes: str_field(root, "kubernetes")?,
        go: str_field(root, "go")?,
        modules,
        emulation_version: opt_field(root, "emulationVersion"),
        packages: strings(root.get("packages")),
        gates,
        kubeadm,
    })
}

/// One versioned spec: (version, stage, default, locked, minimum compatibility version).
fn read_spec(sp: &Node, name: &str) -> Result<(String, String, bool, bool, String)> {
    Ok((
        opt_field(sp, "version"),
        stage(&opt_field(sp, "preRelease"))
            .map_err(|e| Error(format!("{name}: {e}")))?
            .to_string(),
        bool_field(sp, "default")?,
        bool_field(sp, "lockToDefault")?,
        opt_field(sp, "minCompatibilityVersion"),
    ))
}

/// One entry of the dump's `gates`, whose attribution must be the importer's.
fn read_gate(g: &Node) -> Result<DumpedGate> {
    let name = str_field(g, "name")?;
    let mut specs = Vec::new();
    for sp in g.get("specs").and_then(Node::as_seq).unwrap_or_default() {
        let (v, st, d, l, mc) = read_spec(sp, &name)?;
        let mut text = format!("{v} {st} {d} {l}").trim_start().to_string();
        if !mc.is_empty() {
            text.push_str(&format!(" min-compat {mc}"));
        }
        specs.push(text);
    }
    let at_release = match g.get("atRelease") {
        Some(n) if !n.is_null() => {
            let (_, st, d, l, _) = read_spec(n, &name)?;
            (st != "prealpha").then_some((st, d, l))
        }
        _ => None,
    };
    let package = str_field(g, "package")?;
    let declared_by = strings(g.get("declaredBy"));
    if !declared_by.is_empty()
        && crate::registry::attribute(&declared_by).as_deref() != Some(package.as_str())
    {
        return Err(Error(format!(
            "dump: {name} is attributed to {package}, but declared by {declared_by:?}, which the importer attributes to {:?}",
            crate::registry::attribute(&declared_by)
        )));
    }
    Ok(DumpedGate {
        name,
        package,
        declared_by,
        specs,
        at_release,
        depends_on: strings(g.get("dependsOn")),
    })
}

impl Dump {
    /// `1.37.0`, `1.38.0-beta.0`.
    pub fn version(&self) -> &str {
        self.kubernetes.trim_start_matches('v')
    }

    /// The minor release (`1.37`).
    pub fn release(&self) -> Result<gatecheck_rules::Version> {
        let v = self.version();
        let mut parts = v.split(['.', '-']);
        let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
            return Err(Error(format!("dump: version {v:?}")));
        };
        format!("{major}.{minor}")
            .parse()
            .map_err(|e| Error(format!("dump: version {v:?}: {e}")))
    }

    /// Whether the release is a pre-release (`-alpha.N`, `-beta.N`, `-rc.N`).
    pub fn is_prerelease(&self) -> bool {
        self.version().contains('-')
    }

    /// The registry file's name under `data/upstream/registries/`.
    pub fn file_name(&self) -> String {
        format!("v{}-go.yaml", self.version())
    }
}

fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The registry file's opening comment: where its facts come from.
fn header(d: &Dump) -> String {
    let version = d.version();
    let mut s = String::new();
    s.push_str(&format!(
        "# The feature gates Kubernetes v{version} registers, as its own featuregate code evaluates them.\n\
         # Dumped by tools/registry-dump ({}), built against Kubernetes' published modules at this release\n\
         # (listed under `source`) and run: each gate is read back from the feature gate the features packages\n\
         # register into (GetAllVersioned from 1.31, GetAll 1.22-1.30; before 1.22, where the gate has neither,\n\
         # the maps the packages registered, as recorded when they did). Nothing is transcribed from\n\
         # source files. Before 1.15 the staging modules are the release's own staging/src copies.\n\
         # stage/default/locked: the spec in force at {}{}; `specs`: every spec the gate\n\
         # carries (\"<version> <stage> <default> <locked>\"). `declared_by`: every features package whose own\n\
         # registration, run into a fresh gate of its own, declares the gate (where more than one); `package`:\n\
         # the one it is attributed to (k8s.io/kubernetes/pkg/features only when no other package declares\n\
         # it; see tools/registry-dump/main.go). `kubeadm`: kubeadm's InitFeatureGates.\n",
        d.go,
        if d.emulation_version.is_empty() {
            "the release".to_string()
        } else {
            format!("emulation version {}", d.emulation_version)
        },
        if d.is_prerelease() {
            " (a pre-release: facts may still change before the release)"
        } else {
            ""
        },
    ));
    s
}

/// The registry file for a dump.
pub fn to_registry(d: &Dump) -> Result<String> {
    let release = d.release()?;
    if let Some(k) = d.modules.iter().find(|(m, _)| m == "k8s.io/kubernetes") {
        if k.1 != d.kubernetes {
            return Err(Error(format!(
                "dump: built against k8s.io/kubernetes {}, labelled {}",
                k.1, d.kubernetes
            )));
        }
    } else {
        return Err(Error("dump: no k8s.io/kubernetes module".into()));
    }
    let version = d.version();
    let modules: Vec<String> = std::iter::once("k8s.io/kubernetes")
        .chain(
            d.modules
                .iter()
                .map(|(m, _)| m.as_str())
                .filter(|m| *m != "k8s.io/kubernetes"),
        )
        .filter_map(|m| d.modules.iter().find(|(n, _)| n == m))
        .map(|(m, v)| format!("{m} {v}"))
        .collect();
    let mut s = header(d);
    s.push_str(&format!("release: \"{release}\"\nversion: \"{version}\"\n"));
    s.push_str(&format!(
        "source: {{dumper: tools/registry-dump, go: {}, modules: \"{}\"}}\n",
        d.go,
        modules.join(", ")
    ));
    s.push_str("packages:\n");
    for p in &d.packages {
        s.push_str(&format!("  - {{package: {p}}}\n"));
    }
    s.push_str("gates:\n");
    for g in &d.gates {
        // A gate pre-alpha at this release has no line: the binary knows the name but refuses
        // to set it.
        if let Some(line) = gate_line(g) {
            s.push_str(&line);
        }
    }
    s.push_str("kubeadm:\n");
    for (name, stage, default, locked, deprecation) in &d.kubeadm {
        let dep = match deprecation.is_empty() {
            true => String::new(),
            false => format!(", deprecation: {}", quote(deprecation)),
        };
        s.push_str(&format!(
            "  - {{name: {name}, stage: {stage}, default: {default}, locked: {locked}{dep}}}\n"
        ));
    }
    Ok(s)
}

/// A gate's line in the registry file; `None` for a gate pre-alpha at the release.
fn gate_line(g: &DumpedGate) -> Option<String> {
    let (stage, default, locked) = g.at_release.as_ref()?;
    let deps = match g.depends_on.is_empty() {
        true => String::new(),
        false => format!(", depends_on: [{}]", g.depends_on.join(", ")),
    };
    let specs = match g.specs.len() > 1 || g.specs.iter().any(|s| s.contains('.')) {
        true => format!(
            ", specs: [{}]",
            g.specs
                .iter()
                .map(|s| quote(s))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        false => String::new(),
    };
    Some(format!(
        "  - {{name: {}, stage: {stage}, default: {default}, locked: {locked}, package: {}{by}{deps}{specs}}}\n",
        g.name,
        g.package,
        by = match g.declared_by.len() > 1 {
            true => format!(", declared_by: [{}]", g.declared_by.join(", ")),
            false => String::new(),
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DUMP: &str = r#"{
  "kubernetes": "v1.38.0-beta.0",
  "dumper": "gatecheck.dev/registry-dump",
  "go": "go1.27.0",
  "modules": {
    "k8s.io/apiserver": "v0.38.0-beta.0",
    "k8s.io/kubernetes": "v1.38.0-beta.0"
  },
  "emulationVersion": "1.38",
  "minCompatibilityVersion": "1.37",
  "packages": ["k8s.io/apiserver/pkg/features", "k8s.io/kubernetes/pkg/features"],
  "gates": [
    {"name": "A", "package": "k8s.io/apiserver/pkg/features",
     "specs": [{"version": "1.30", "default": false, "lockToDefault": false, "preRelease": "ALPHA"},
               {"version": "1.33", "default": true, "lockToDefault": true, "preRelease": ""}],
     "atRelease": {"version": "1.33", "default": true, "lockToDefault": true, "preRelease": ""},
     "enabled": true, "dependsOn": ["B"], "inSharedGate": true},
    {"name": "B", "package": "k8s.io/kubernetes/pkg/features",
     "specs": [{"version": "1.40", "default": false, "lockToDefault": false, "preRelease": "ALPHA"}],
     "atRelease": null, "enabled": false, "inSharedGate": true}
  ],
  "kubeadm": [{"name": "K", "default": false, "lockToDefault": false, "preRelease": "DEPRECATED", "deprecationMessage": "gone \"soon\""}]
}"#;

    #[test]
    fn a_dump_becomes_a_registry_file_the_importer_reads() {
        let d = read(DUMP).unwrap();
        assert!(d.is_prerelease());
        assert_eq!(d.file_name(), "v1.38.0-beta.0-go.yaml");
        assert_eq!(
            d.gates[0].specs,
            ["1.30 alpha false false", "1.33 ga true true"]
        );
        assert_eq!(d.gates[1].at_release, None);
        let text = to_registry(&d).unwrap();
        assert!(text.contains("pre-release"), "{text}");
        let r = crate::registry::read(&text, "test").unwrap();
        assert_eq!(r.version, "1.38.0-beta.0");
        assert!(r.is_prerelease() && r.dumper.is_some());
        assert_eq!(r.gates.len(), 1, "B is pre-alpha at 1.38");
        let a = &r.gates["A"];
        assert!(a.locked && a.default && a.stage == "ga");
        assert_eq!(a.depends_on, ["B"]);
        assert_eq!(r.packages.len(), 2);
        assert!(
            text.contains("deprecation: \"gone \\\"soon\\\"\""),
            "{text}"
        );
    }

    #[test]
    fn a_dump_labelled_with_another_release_is_refused() {
        let bad = DUMP.replacen(
            "\"k8s.io/kubernetes\": \"v1.38.0-beta.0\"",
            "\"k8s.io/kubernetes\": \"v1.37.0\"",
            1,
        );
        assert!(to_registry(&read(&bad).unwrap()).is_err());
    }
}
