//! What the checks are given and what they give back: the options of a run, a finding, a
//! file's report.

use crate::findings::{FindingKind, Severity};
use crate::formats::{Setting, Value};
use gatecheck_rules::{Component, Registry, Version};

/// What to check against.
#[derive(Clone, Debug)]
pub struct Options {
    /// The Kubernetes minor release the files are judged for.
    pub target: Version,
    /// The patch release, when the user named one (`--target 1.28.3`).
    pub patch: Option<u16>,
    /// Whose flags a plain flags file holds, when the file cannot tell.
    pub component: Option<Component>,
    /// Read the input as a flags file rather than YAML.
    pub flags_file: bool,
    /// The kubelet settings of the node's other files (`--node`), merged with this file's as the
    /// kubelet merges its config file and flags.
    pub node: Vec<Setting>,
    /// The version the cluster runs now (`--from`), which decides whether removing a setting
    /// keeps what runs (a safe fix); `None`: the gate's last default before the target.
    pub running: Option<Version>,
    /// Whether findings carry the edit that settles them ([`Finding::fix`]): what `--fix`,
    /// `--diff` and the JSON and SARIF reports need. A report that shows no fix is spared
    /// finding them (reading each setting's line again to know its exact removal).
    pub fixes: bool,
}

impl Options {
    /// Options for one target, everything else left to the file.
    pub fn new(target: Version) -> Self {
        Options {
            target,
            patch: None,
            component: None,
            flags_file: false,
            node: Vec::new(),
            running: None,
            fixes: true,
        }
    }
}

/// One finding, with everything the renderers need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What was found (its stable code and name).
    pub kind: FindingKind,
    /// How serious it is (the kind's, or the config's override).
    pub severity: Severity,
    /// The component that reads the setting, where the file says.
    pub component: Option<Component>,
    /// The list of gates the setting belongs to.
    pub registry: Registry,
    /// The gate, for findings about one gate.
    pub gate: Option<crate::formats::GateName>,
    /// The value set, for findings about one setting.
    pub value: Option<Value>,
    /// Byte offset of the span in the file.
    pub offset: usize,
    /// Length of the span in bytes.
    pub len: usize,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column of the span's start, in characters.
    pub column: usize,
    /// 1-based line just past the span (its end, for SARIF and annotations).
    pub end_line: usize,
    /// 1-based column just past the span.
    pub end_column: usize,
    /// What the component will do. Shared by the findings of settings judged alike (see
    /// `check::memo`), so a report can tell them by its address.
    pub message: std::sync::Arc<str>,
    /// What to change.
    pub help: std::borrow::Cow<'static, str>,
    /// The edit that settles the finding, where a removal does, and whether it keeps what runs.
    /// Shared by the findings of one setting.
    pub fix: Option<std::sync::Arc<crate::fix::Fix>>,
    /// The step of an upgrade (`--from`) at which the finding appears; `None` for one target.
    pub step: Option<Version>,
}

impl Finding {
    /// Adds `tail` to the message (a note on where or when the finding holds).
    pub(crate) fn append_to_message(&mut self, tail: &str) {
        self.message = crate::cat(&[&self.message, tail]).into();
    }
}

/// The findings for one file, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The findings, in file order.
    pub findings: Vec<Finding>,
    /// How many settings were found (for the summary line).
    pub settings: usize,
    /// Whether a format gatecheck knows read the file (or part of it).
    pub recognised: bool,
    /// The components the file configures (from its gate settings).
    pub components: Vec<Component>,
    /// Kubernetes versions the file declares (kubeadm `kubernetesVersion`, component and kind
    /// node image tags, Cluster API / Gardener / eksctl version fields): the version, and where
    /// (`kubernetesVersion at line 4`).
    pub declared: Vec<(Version, String)>,
    /// The version the components run, where the file says so for certain: a metrics scrape's
    /// `kubernetes_build_info`, a mirror Pod's image (kubectl's dump of a static Pod), the
    /// `kubernetesVersion` of a cluster's `kubeadm-config` ConfigMap.
    pub running: Vec<(Version, String)>,
    /// The names of the gates the file sets (each once, in the order first set).
    pub gates: Vec<crate::formats::GateName>,
}

impl Report {
    /// The fixes of the report's findings that `allowed` permits (`Safe`: only those that keep
    /// what runs), as `--fix` applies them.
    pub fn fixes(&self, allowed: crate::fix::Applicability) -> Vec<crate::fix::Fix> {
        self.findings
            .iter()
            .filter_map(|f| f.fix.as_deref())
            .filter(|f| f.applicability <= allowed)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{Options, Version};
    use crate::lint_source;

    /// A report linted without fixes ([`Options::fixes`]) is the same report, findings and
    /// all, but for the fixes it does not carry; with them, the fixtures' findings carry fixes.
    #[test]
    fn without_fixes_only_the_fixes_differ() {
        let files = crate::fixtures::all();
        let mut fixed = 0;
        for minor in [29, 33, 37] {
            let with = Options::new(Version::new(1, minor));
            let without = Options {
                fixes: false,
                ..with.clone()
            };
            for (name, src) in &files {
                let a = lint_source(name, src, &with).map(|mut r| {
                    fixed += r.findings.iter().filter(|f| f.fix.is_some()).count();
                    r.findings.iter_mut().for_each(|f| f.fix = None);
                    r
                });
                let b = lint_source(name, src, &without);
                if let Ok(r) = &b {
                    assert!(r.findings.iter().all(|f| f.fix.is_none()), "{name}");
                }
                assert_eq!(a, b, "{name} at 1.{minor}");
            }
        }
        assert!(fixed > 100, "findings with fixes: {fixed}");
    }
}
