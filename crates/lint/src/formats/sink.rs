//! What readers produce: the settings model ([`Setting`], [`Value`], [`Problem`],
//! [`Deferred`]) and the [`Sink`] they put it in, with its limits and its nesting (documents read
//! out of strings are read into a nested sink and absorbed with their positions moved).

use super::generic;
use crate::findings::FindingKind;
use crate::template;
use gatecheck_rules::{Component, Registry, Version};
use gatecheck_yaml::{Node, Style};

/// A gate setting's value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A boolean the component accepts.
    Bool(bool),
    /// Not a boolean the component would accept; the text as written.
    Invalid(String),
}

/// A gate's name: borrowed from the embedded rules for a gate some release has (most settings:
/// no copy per setting or finding), owned for any other name.
pub type GateName = std::borrow::Cow<'static, str>;

/// The address and length of a gate name of the rules, which tell it apart from every other
/// (the rules hold one static text per name), or `None` for a name the rules do not have. Such
/// a name is held as owned text, and a name of the rules never is (see [`gate_name`]), so an
/// address and an owned text never name the same gate.
pub fn rules_name(name: &GateName) -> Option<(usize, usize)> {
    match name {
        GateName::Borrowed(n) => Some((n.as_ptr() as usize, n.len())),
        GateName::Owned(_) => None,
    }
}

/// One feature-gate setting found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The components the setting applies to (kind's `featureGates` applies to several).
    pub components: Vec<Component>,
    /// The list of gates the setting belongs to.
    pub registry: Registry,
    /// The gate's name as written (cut at 120 characters); borrowed from the rules where it is
    /// a known gate's name.
    pub gate: GateName,
    /// The value as written.
    pub value: Value,
    /// Byte offset of the gate name in the file.
    pub offset: usize,
    /// Length of the gate name in bytes.
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
    pub gate: Option<GateName>,
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub help: std::borrow::Cow<'static, str>,
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
        help: impl Into<std::borrow::Cow<'static, str>>,
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
        help: impl Into<std::borrow::Cow<'static, str>>,
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
pub(super) fn invalid(raw: &str) -> Value {
    match raw.char_indices().nth(INVALID_KEPT) {
        None => Value::Invalid(raw.to_string()),
        Some((end, _)) => Value::Invalid(format!("{}…", &raw[..end])),
    }
}

/// A gate name as kept: at most [`INVALID_KEPT`] characters. Kubernetes' names are a few dozen;
/// a longer "name" (a value of a million `{`) is no gate, and is not copied whole into its
/// setting and every finding about it.
pub(super) fn gate_name(raw: &str) -> GateName {
    if let Some(gate) = gatecheck_rules::Rules::embedded().find(raw) {
        return GateName::Borrowed(gate.name);
    }
    match raw.char_indices().nth(INVALID_KEPT) {
        None => raw.to_string().into(),
        Some((end, _)) => format!("{}…", &raw[..end]).into(),
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

    /// A sink for a document embedded in this file (a string, a heredoc, a List item's value):
    /// empty, but numbering its groups on from this one's and reading as a template if this is.
    pub fn nested<'b>(&self, src: &'b str) -> Sink<'b> {
        Sink {
            template: self.template,
            next_group: self.next_group,
            ..Sink::new(src)
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
            // A problem at the end of a string's text (YAML that ends too soon) may map past the
            // end of the file, where a block scalar's last line break is not written.
            p.offset = remap(p.offset).min(self.src.len());
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
    pub(super) fn full(&mut self, offset: usize, len: usize) -> bool {
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
    pub(super) fn push_gate(
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
            gate: gate_name(gate),
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
            gate: gate_name(gate),
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
}
