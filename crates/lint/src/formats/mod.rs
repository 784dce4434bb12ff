//! One module per configuration format. Each implements [`Format`]: recognise a YAML document,
//! and report every feature-gate setting in it to a [`Sink`]. Adding a format means adding a
//! module here, a line in [`ALL`], a fixture and a test.

use crate::findings::FindingKind;
use crate::{flags, template};
use gatecheck_rules::{Component, Registry, Version};
use gatecheck_yaml::{Node, Style};

mod ansible;
mod capi;
mod configz;
mod eks_nodeconfig;
mod eksctl;
mod gardener;
pub mod generic;
pub mod heredoc;
mod json_patch;
mod k0s;
mod k3s;
mod kind;
mod kops;
mod kops_nodeup;
pub mod kubeadm;
mod kubelet;
mod kubespray;
pub mod metrics;
mod minikube;
mod pod;
mod rke1;
mod scheduler;
mod talos;

/// A gate setting's value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    /// Not a boolean the component would accept; the text as written.
    Invalid(String),
}

/// One feature-gate setting found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The components the setting applies to (kind's `featureGates` applies to several).
    pub components: Vec<Component>,
    pub registry: Registry,
    pub gate: String,
    pub value: Value,
    /// Byte range of the gate name in the file.
    pub offset: usize,
    pub len: usize,
    /// Settings in one group (one flag list, one map) merge; conflicts are checked per group.
    pub group: usize,
    /// The key carried the `kube:` prefix.
    pub prefixed: bool,
    /// Set by a `--feature-gates` flag rather than a config file's `featureGates` map: the
    /// kubelet lets a flag override its config file, key by key.
    pub from_flag: bool,
    /// For a kubelet setting taken from another file of the same node (`--node`): where it is,
    /// as `file:line:column`. Such settings take part in merging but are reported in their file.
    pub elsewhere: Option<String>,
    /// The `--emulated-version` on the same command line (control-plane components, 1.31+):
    /// stages, defaults and locks are those of that version, not of the binary's.
    pub emulated: Option<Version>,
    /// Where the content fallback found the setting in a document of a kind gatecheck does not
    /// know (`spec.kubelet.featureGates`); `None` for the formats gatecheck reads.
    pub via: Option<String>,
}

/// A problem a reader found that is not a gate setting (a misplaced field, an old API version).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub kind: FindingKind,
    pub component: Option<Component>,
    pub gate: Option<String>,
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub help: String,
}

/// A fact whose problem depends on the release the file is judged at: the reader records it, and
/// judging decides at each target (so that `--from` reads a file once for every step).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deferred {
    /// A command line's `--emulated-version` (merge group `group`), written at `offset..+len`:
    /// the group's settings are judged at that version, and component-base refuses a version
    /// newer than the binary.
    Emulated {
        group: usize,
        version: Version,
        offset: usize,
        len: usize,
    },
    /// A kubeadm API version that kubeadm stops reading at `removed`, written at `offset..+len`.
    KubeadmApi {
        api: String,
        removed: Version,
        offset: usize,
        len: usize,
    },
}

/// Where readers put what they find. Nothing here depends on the target release.
#[derive(Clone)]
pub struct Sink<'a> {
    pub src: &'a str,
    pub settings: Vec<Setting>,
    /// Facts whose problems depend on the target (see [`Deferred`]).
    pub deferred: Vec<Deferred>,
    pub problems: Vec<Problem>,
    /// Groups whose settings the component ignores (kube-proxy flags next to `--config`): they
    /// are reported once as such and not judged.
    pub ignored_groups: Vec<usize>,
    /// Whether a format read some part of the file (a document, or a flags file's flags).
    pub recognised: bool,
    /// The text is a template read around its markup: both branches of a conditional are in
    /// it, so a key written in each is no repeated key.
    pub template: bool,
    /// Byte ranges of a template's conditional blocks: findings there say so.
    pub conditionals: Vec<(usize, usize)>,
    /// The version the components run, where the input says so for certain (a metrics
    /// scrape's build info, a mirror Pod's image, a cluster's kubeadm-config), and where.
    pub running: Vec<(Version, String)>,
    /// What the content fallback found in documents no format claims.
    pub fallback: generic::Found,
    /// The parse budget that YAML embedded in this file's strings shares (kind's patches).
    pub yaml_budget: gatecheck_yaml::Budget,
    /// Settings past [`MAX_SETTINGS_PER_FILE`], counted but not kept.
    pub overflow: Overflow,
    next_group: usize,
}

/// Most gate settings of one file that are kept and judged. A real configuration sets a few
/// dozen; the rest of a larger (generated or hostile) file is counted and reported as not
/// checked, never passed, and costs no memory.
pub const MAX_SETTINGS_PER_FILE: usize = 10_000;

impl Problem {
    /// A problem at a byte range (at least one byte long), about no gate in particular.
    pub fn span(
        kind: FindingKind,
        component: Option<Component>,
        offset: usize,
        len: usize,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Problem {
        Problem {
            kind,
            component,
            gate: None,
            offset,
            len: len.max(1),
            message: message.into(),
            help: help.into(),
        }
    }

    /// A problem at a node.
    pub fn at(
        kind: FindingKind,
        component: Option<Component>,
        node: &Node<'_>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Problem {
        let span = node.span;
        Problem::span(
            kind,
            component,
            span.start.offset,
            span.len(),
            message,
            help,
        )
    }
}

/// A value that is not a boolean, kept as written for messages: at most its first
/// [`INVALID_KEPT`] characters, so a huge value is not copied into every finding.
fn invalid(raw: &str) -> Value {
    match raw.char_indices().nth(INVALID_KEPT) {
        None => Value::Invalid(raw.to_string()),
        Some((end, _)) => Value::Invalid(format!("{}…", &raw[..end])),
    }
}

/// How many characters of a value that is not a boolean are kept.
pub const INVALID_KEPT: usize = 120;

/// The settings of a file past [`MAX_SETTINGS_PER_FILE`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overflow {
    pub count: usize,
    /// Offset and length of the first one.
    pub first: Option<(usize, usize)>,
}

impl<'a> Sink<'a> {
    pub fn new(src: &'a str) -> Self {
        Sink {
            src,
            settings: Vec::new(),
            deferred: Vec::new(),
            problems: Vec::new(),
            ignored_groups: Vec::new(),
            recognised: false,
            template: false,
            conditionals: Vec::new(),
            running: Vec::new(),
            fallback: generic::Found::default(),
            yaml_budget: gatecheck_yaml::Budget::default(),
            overflow: Overflow::default(),
            next_group: 0,
        }
    }

    /// A sink for YAML embedded in a string of this file (kind's `kubeadmConfigPatches`).
    pub fn nested<'b>(&self, src: &'b str) -> Sink<'b> {
        Sink {
            src,
            settings: Vec::new(),
            deferred: Vec::new(),
            problems: Vec::new(),
            ignored_groups: Vec::new(),
            recognised: false,
            template: self.template,
            conditionals: Vec::new(),
            running: Vec::new(),
            fallback: generic::Found::default(),
            yaml_budget: gatecheck_yaml::Budget::default(),
            overflow: Overflow::default(),
            next_group: self.next_group,
        }
    }

    /// Takes what a nested sink found, moving its positions into this file with `remap`.
    pub fn absorb(&mut self, nested: Sink<'_>, remap: impl Fn(usize) -> usize) {
        self.next_group = nested.next_group;
        for mut s in nested.settings {
            s.offset = remap(s.offset);
            if !self.full(s.offset, s.len) {
                self.settings.push(s);
            }
        }
        if let Some((offset, len)) = nested.overflow.first {
            self.full(remap(offset), len);
            self.overflow.count += nested.overflow.count - 1;
        }
        self.ignored_groups.extend(nested.ignored_groups);
        self.running.extend(nested.running);
        self.conditionals.extend(
            nested
                .conditionals
                .iter()
                .map(|&(s, e)| (remap(s), remap(e))),
        );
        for mut p in nested.problems {
            p.offset = remap(p.offset);
            self.problems.push(p);
        }
        for mut d in nested.deferred {
            match &mut d {
                Deferred::Emulated { offset, .. } | Deferred::KubeadmApi { offset, .. } => {
                    *offset = remap(*offset);
                }
            }
            self.deferred.push(d);
        }
    }

    /// Starts a new merge group (one map, one component's flags).
    pub fn group(&mut self) -> usize {
        self.next_group += 1;
        self.next_group
    }

    /// Whether the file already has [`MAX_SETTINGS_PER_FILE`] settings; if so, the setting at
    /// `offset` is counted instead of kept.
    fn full(&mut self, offset: usize, len: usize) -> bool {
        if self.settings.len() < MAX_SETTINGS_PER_FILE {
            return false;
        }
        self.overflow.count += 1;
        self.overflow.first.get_or_insert((offset, len));
        true
    }

    pub fn problem(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// A YAML map of gate name to boolean (`featureGates:` of most config kinds).
    /// `strings` is for formats that store values as strings (kOps).
    pub fn gate_map(
        &mut self,
        map: &Node,
        components: &[Component],
        registry: Registry,
        strings: bool,
    ) {
        // A placeholder the template renders into the map.
        if let Some(text) = map.as_str().filter(|t| !template::find(t).is_empty()) {
            let (offset, len) = (map.span.start.offset, map.span.len());
            self.template_notice(&format!("featureGates: {text}"), offset, len, false);
            return;
        }
        // The components decode featureGates as map[string]bool: a list or a string is refused.
        if map.as_map().is_none() {
            if map.as_seq().is_some() || map.as_str().is_some_and(|s| !s.is_empty()) {
                let what = if map.as_seq().is_some() {
                    "a list"
                } else {
                    "a string"
                };
                self.problem(Problem::at(
                    FindingKind::InvalidValue,
                    components.first().copied(),
                    map,
                    format!("featureGates is {what}, but it must be a map of gate names to booleans: the component fails to decode the file and does not start"),
                    "write one `GateName: true` entry per line under featureGates",
                ));
            }
            return;
        }
        let group = self.group();
        for (key, value) in map.as_map().unwrap_or_default() {
            let Some(gate) = key.as_str() else { continue };
            let value_text = self
                .src
                .get(value.span.start.offset..value.span.end.offset)
                .unwrap_or("");
            if !template::find(gate).is_empty() || !template::find(value_text).is_empty() {
                let (offset, len) = (key.span.start.offset, key.span.len());
                self.template_notice(&format!("{gate}: {value_text}"), offset, len, false);
                continue;
            }
            let parsed = if strings {
                value.as_str().and_then(|s| match s {
                    "true" => Some(true),
                    "false" => Some(false),
                    _ => None,
                })
            } else {
                value.as_yaml11_bool()
            };
            self.push_gate(key, value, parsed, components, registry, group);
        }
    }

    /// One gate given as a name node and a boolean node (k0s `{name, enabled}` items).
    pub fn gate(
        &mut self,
        name: &Node,
        value: &Node,
        components: &[Component],
        registry: Registry,
        group: usize,
    ) {
        self.push_gate(
            name,
            value,
            value.as_yaml11_bool(),
            components,
            registry,
            group,
        );
    }

    /// A gate named by a node alone, turned on (a bare name in a chart's list of gates).
    pub fn gate_on(
        &mut self,
        name: &Node,
        components: &[Component],
        registry: Registry,
        group: usize,
    ) {
        self.push_gate(name, name, Some(true), components, registry, group);
    }

    /// A setting whose name and value are YAML nodes; `parsed` is the value as the format reads
    /// it (`None`: not a boolean it accepts, kept as written).
    fn push_gate(
        &mut self,
        name: &Node,
        value: &Node,
        parsed: Option<bool>,
        components: &[Component],
        registry: Registry,
        group: usize,
    ) {
        let gate = name.as_str().unwrap_or_default();
        // A quoted name (JSON) is pointed at from its first character.
        let quoted = matches!(
            name.as_scalar().map(|s| s.style),
            Some(Style::SingleQuoted | Style::DoubleQuoted)
        );
        let (offset, len) = if quoted {
            (name.span.start.offset + 1, gate.len().max(1))
        } else {
            (name.span.start.offset, name.span.len().max(gate.len()))
        };
        if self.full(offset, len) {
            return;
        }
        let raw = || {
            invalid(
                self.src
                    .get(value.span.start.offset..value.span.end.offset)
                    .unwrap_or(""),
            )
        };
        self.settings.push(Setting {
            components: components.to_vec(),
            registry,
            gate: gate.to_string(),
            value: parsed.map(Value::Bool).unwrap_or_else(raw),
            offset,
            len,
            group,
            prefixed: false,
            from_flag: false,
            elsewhere: None,
            emulated: None,
            via: None,
        });
    }

    /// A setting read from text that is not YAML (a metrics scrape), at `offset..+len`.
    pub fn push_setting(
        &mut self,
        gate: &str,
        value: Value,
        offset: usize,
        len: usize,
        components: &[Component],
        group: usize,
    ) {
        if self.full(offset, len) {
            return;
        }
        self.settings.push(Setting {
            components: components.to_vec(),
            registry: Registry::Kubernetes,
            gate: gate.to_string(),
            value,
            offset,
            len,
            group,
            prefixed: false,
            from_flag: true,
            elsewhere: None,
            emulated: None,
            via: None,
        });
    }

    /// A `--feature-gates` value held in a YAML scalar. Positions point into the scalar when
    /// its text appears verbatim in the source (plain or simply quoted), else at the scalar.
    pub fn flag_scalar(
        &mut self,
        node: &Node,
        inner: usize,
        components: &[Component],
        group: usize,
    ) {
        let Some(text) = node.as_str() else { return };
        let start = node.span.start.offset;
        let quote = match node.as_scalar().map(|s| s.style) {
            Some(Style::SingleQuoted | Style::DoubleQuoted) => 1,
            _ => 0,
        };
        let verbatim = self
            .src
            .get(start + quote..)
            .is_some_and(|s| s.starts_with(text));
        let base = if verbatim { Some(start + quote) } else { None };
        self.flag_value(
            &text[inner.min(text.len())..],
            base.map(|b| b + inner),
            start,
            components,
            group,
        );
    }

    /// A template placeholder where a gate setting was expected.
    fn template_notice(&mut self, text: &str, offset: usize, len: usize, judged_default: bool) {
        let text: String = text.chars().take(80).collect();
        self.problem(Problem::span(
            FindingKind::Template,
            None,
            offset,
            len,
            if judged_default {
                format!("`{text}` is decided when the template is rendered; gatecheck judged its default")
            } else {
                format!("`{text}` is decided when the template is rendered: gatecheck cannot judge the gates it will hold")
            },
            "render the template and check the result too (for example `helm template ... | gatecheck --target X -`)",
        ));
    }

    /// Parses a `--feature-gates` value whose first byte is at `base` in the source (if known).
    pub fn flag_value(
        &mut self,
        value: &str,
        base: Option<usize>,
        fallback: usize,
        components: &[Component],
        group: usize,
    ) {
        let placeholders = template::find(value);
        if !placeholders.is_empty() {
            let at = |i: usize| base.map_or(fallback, |b| b + i);
            let whole = placeholders.len() == 1
                && placeholders[0].start == value.len() - value.trim_start().len()
                && placeholders[0].end == value.trim_end().len();
            if let (true, Some((s, e))) = (whole, placeholders[0].default) {
                // `${GATES:-A=true}`: the default is what an unset variable renders to.
                self.template_notice(value, at(0), value.len(), true);
                self.flag_value(
                    &value[s..e],
                    base.map(|b| b + s),
                    fallback,
                    components,
                    group,
                );
                return;
            }
            // Items that a placeholder touches are unknown; the others are judged. A
            // placeholder that spans a comma makes the whole value unknown.
            let spans_comma = placeholders
                .iter()
                .any(|p| value[p.start..p.end].contains(','));
            let mut noted = false;
            let mut pos = 0;
            for part in value.split(',') {
                let (start, end) = (pos, pos + part.len());
                pos = end + 1;
                let touched =
                    spans_comma || placeholders.iter().any(|p| p.start < end && start < p.end);
                if touched {
                    if !noted {
                        self.template_notice(value, at(0), value.len(), false);
                        noted = true;
                    }
                    continue;
                }
                self.flag_value(part, base.map(|b| b + start), fallback, components, group);
            }
            return;
        }
        for item in flags::parse(value) {
            let (offset, len) = match base {
                Some(b) => (b + item.key_start, item.key.len().max(1)),
                None => (fallback, 1),
            };
            if self.full(offset, len) {
                continue;
            }
            let value = match item.value {
                None => Value::Invalid(String::new()),
                Some(v) => flags::parse_bool(v)
                    .map(Value::Bool)
                    .unwrap_or_else(|| invalid(v)),
            };
            self.settings.push(Setting {
                components: components.to_vec(),
                registry: Registry::Kubernetes,
                gate: item.key.to_string(),
                value,
                offset,
                len,
                group,
                prefixed: item.prefixed,
                from_flag: true,
                elsewhere: None,
                emulated: None,
                via: None,
            });
        }
    }

    /// kube-proxy reads `--feature-gates` only without `--config` (cmd/kube-proxy/app/options.go:
    /// "ignored if a config file is specified by --config"): reports the settings of `group`.
    pub fn kube_proxy_flags_ignored(&mut self, group: usize) {
        // The group's settings are the last ones read: found from the end, not by a search of
        // every setting of the file per command line.
        let Some(first) = self
            .settings
            .iter()
            .rev()
            .take_while(|s| s.group == group)
            .last()
        else {
            return;
        };
        let (offset, len) = (first.offset, first.len);
        self.ignored_groups.push(group);
        self.problem(Problem::span(
            FindingKind::Misplaced,
            Some(Component::KubeProxy),
            offset,
            len,
            "kube-proxy ignores --feature-gates when --config is given: these settings have no effect and are not checked",
            "move the gates to featureGates in the KubeProxyConfiguration file",
        ));
    }

    /// A list of command-line arguments (a container's command and args).
    pub fn arg_list(&mut self, args: &[&Node], components: &[Component]) {
        let texts: Vec<&str> = args.iter().map(|a| a.as_str().unwrap_or("")).collect();
        let group = self.group();
        for flag in flags::find(&texts, "feature-gates") {
            self.flag_scalar(args[flag.arg], flag.value_offset, components, group);
        }
        if let Some(flag) = flags::find(&texts, "emulated-version").pop() {
            self.emulate(group, flag.value, args[flag.arg]);
        }
        if components == [Component::KubeProxy] && !flags::find(&texts, "config").is_empty() {
            self.kube_proxy_flags_ignored(group);
        }
    }

    /// Records a command line's `--emulated-version` for the settings of its group (all of them
    /// are read by then), applied when judging at a target. A version the flag cannot hold is
    /// reported where it is written.
    fn emulate(&mut self, group: usize, value: &str, at: &Node) {
        let parsed = flags::emulated_kube_version(value)
            .map(|v| v.parse::<Version>().map_err(|_| v.to_string()));
        match parsed {
            // Whether the binary is older than this is for judging, at each target.
            Some(Ok(version)) => {
                self.deferred.push(Deferred::Emulated {
                    group,
                    version,
                    offset: at.span.start.offset,
                    len: at.span.len(),
                });
            }
            Some(Err(text)) => self.problem(Problem::at(
                FindingKind::InvalidValue,
                None,
                at,
                format!("`{text}` is not a Kubernetes minor version: the component fails to parse --emulated-version"),
                "write the version as major.minor, for example 1.35",
            )),
            None => {}
        }
    }

    /// A map of flag name to value (kubeadm v1beta3 `extraArgs`, Talos `extraArgs`).
    /// A value may also be a list of strings (Talos).
    pub fn extra_args_map(&mut self, map: &Node, components: &[Component]) {
        let group = self.group();
        let mut emulated: Option<&Node> = None;
        for (key, value) in map.as_map().unwrap_or_default() {
            match key.as_str() {
                Some("emulated-version") => emulated = Some(value),
                Some("feature-gates") => match value.as_seq() {
                    Some(items) => items
                        .iter()
                        .for_each(|i| self.flag_scalar(i, 0, components, group)),
                    None => self.flag_scalar(value, 0, components, group),
                },
                _ => {}
            }
        }
        if let Some(node) = emulated {
            self.emulate(group, node.as_str().unwrap_or_default(), node);
        }
    }

    /// A list of `{name, value}` (kubeadm v1beta4 `extraArgs`); duplicates are repeated flags.
    pub fn extra_args_list(&mut self, list: &Node, components: &[Component]) {
        let group = self.group();
        let mut emulated: Option<&Node> = None;
        for item in list.as_seq().unwrap_or_default() {
            let Some(value) = item.get("value") else {
                continue;
            };
            match item.get("name").and_then(Node::as_str) {
                Some("feature-gates") => self.flag_scalar(value, 0, components, group),
                // Repeated entries become repeated flags; the last one wins.
                Some("emulated-version") => emulated = Some(value),
                _ => {}
            }
        }
        if let Some(node) = emulated {
            self.emulate(group, node.as_str().unwrap_or_default(), node);
        }
    }

    /// `extraArgs` in either kubeadm shape.
    pub fn extra_args(&mut self, node: Option<&Node>, components: &[Component]) {
        match node {
            Some(n) if n.as_map().is_some() => self.extra_args_map(n, components),
            Some(n) if n.as_seq().is_some() => self.extra_args_list(n, components),
            _ => {}
        }
    }
}

/// A configuration format gatecheck reads.
pub trait Format: Sync {
    /// A short name for messages (`KubeletConfiguration`).
    fn name(&self) -> &'static str;
    /// Whether this format claims the document.
    fn detect(&self, doc: &Node) -> bool;
    /// Reports every setting and problem in the document.
    fn extract(&self, doc: &Node, sink: &mut Sink<'_>);
}

/// Every format, in the order they are tried; the first that detects a document reads it.
pub static ALL: &[&dyn Format] = &[
    &kubelet::KUBELET,
    &kubelet::KUBE_PROXY,
    &scheduler::Scheduler,
    &kubeadm::Kubeadm,
    &pod::StaticPod,
    &kind::Kind,
    &kops::Kops,
    &capi::ClusterApi,
    &talos::Talos,
    &eksctl::Eksctl,
    &eks_nodeconfig::EksNodeConfig,
    &k0s::K0s,
    &gardener::Gardener,
    &kops_nodeup::KopsNodeup,
    &minikube::Minikube,
    &rke1::Rke1,
    &kubespray::Kubespray,
    &ansible::Ansible,
    &k3s::K3s,
    &json_patch::JsonPatch,
    &configz::Configz,
];

/// `apiVersion` and `kind` of a document.
pub fn type_of<'a>(doc: &'a Node<'_>) -> (&'a str, &'a str) {
    (
        doc.get("apiVersion").and_then(Node::as_str).unwrap_or(""),
        doc.get("kind").and_then(Node::as_str).unwrap_or(""),
    )
}

/// The component a hyperkube command names (`/hyperkube apiserver`, `hyperkube kube-proxy`).
pub fn hyperkube_component(word: &str) -> Option<Component> {
    match word.trim_start_matches("kube-") {
        "apiserver" => Some(Component::KubeApiserver),
        "controller-manager" => Some(Component::KubeControllerManager),
        "scheduler" => Some(Component::KubeScheduler),
        "proxy" => Some(Component::KubeProxy),
        "kubelet" => Some(Component::Kubelet),
        _ => None,
    }
}

/// The component a command line runs, from the program name.
pub fn component_of_program(program: &str) -> Option<Component> {
    let base = program.rsplit('/').next().unwrap_or(program);
    let base = base.split(':').next().unwrap_or(base);
    Component::ALL.into_iter().find(|c| base == c.as_str())
}
