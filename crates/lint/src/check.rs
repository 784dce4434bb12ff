//! Turns gate settings into findings for a target version: the only place findings are made.

use crate::findings::{FindingKind, Severity};
pub use crate::formats::Value;
use crate::formats::{self, Setting, Sink};
use crate::merge::{self, Cause, Merged, MetaValues};
use crate::{flags, InputError};
use gatecheck_rules::{Component, PatchChange, Registry, Rules, Stage, Status, Target, Version};
use std::collections::HashMap;

/// What to check against.
#[derive(Clone, Debug)]
pub struct Options {
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
}

impl Options {
    pub fn new(target: Version) -> Self {
        Options {
            target,
            patch: None,
            component: None,
            flags_file: false,
            node: Vec::new(),
        }
    }
}

/// One finding, with everything the renderers need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    pub component: Option<Component>,
    pub registry: Registry,
    pub gate: Option<String>,
    pub value: Option<Value>,
    /// Byte range in the file, and the 1-based line and column of its start.
    pub offset: usize,
    pub len: usize,
    pub line: usize,
    pub column: usize,
    /// 1-based line and column just past the span (its end, for SARIF and annotations).
    pub end_line: usize,
    pub end_column: usize,
    /// What the component will do.
    pub message: String,
    /// What to change.
    pub help: String,
}

/// The findings for one file, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
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
}

/// Where each line starts, so that many findings in one file each find their line and column
/// without rescanning the file from the top.
struct Lines<'a> {
    src: &'a str,
    starts: Vec<usize>,
    /// The last position converted (byte offset, column): the next one on the same line counts
    /// characters from there, so many findings on one long line cost its length once, not each.
    cursor: std::cell::Cell<(usize, usize)>,
}

impl<'a> Lines<'a> {
    fn new(src: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines {
            src,
            starts,
            cursor: std::cell::Cell::new((0, 1)),
        }
    }

    /// Line and column just past `len` bytes from `offset`, given the start's line and column:
    /// counts only the span's own characters (spans are short; no rescan of the line).
    fn end(&self, offset: usize, len: usize, line: usize, column: usize) -> (usize, usize) {
        let start = offset.min(self.src.len());
        let mut stop = (offset + len).min(self.src.len());
        while !self.src.is_char_boundary(stop) {
            stop -= 1;
        }
        let span = self.src.get(start..stop).unwrap_or("");
        match span.rfind('\n') {
            None => (line, column + span.chars().count()),
            Some(nl) => (
                line + span.matches('\n').count(),
                span[nl + 1..].chars().count() + 1,
            ),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let (at, col) = self.cursor.get();
        let column = if at >= start && at <= offset && self.src.is_char_boundary(at) {
            col + self.src.get(at..offset).map_or(0, |t| t.chars().count())
        } else {
            self.src.get(start..offset).map_or(0, |t| t.chars().count()) + 1
        };
        if self.src.is_char_boundary(offset) {
            self.cursor.set((offset, column));
        }
        (line, column)
    }
}

/// Lints one file's text. `name` is only used in messages.
pub fn lint_source(name: &str, src: &str, options: &Options) -> Result<Report, InputError> {
    let sink = read(name, src, options)?;
    Ok(judge(src, options, sink))
}

/// Every gate setting of one file, without judging them (`gatecheck diff --only-affecting`).
pub fn settings(name: &str, src: &str, options: &Options) -> Result<Vec<Setting>, InputError> {
    Ok(read(name, src, options)?.settings)
}

/// The kubelet settings of one file, located as `file:line:column`, to merge into the node's
/// other files (`Options::node`). Reads the file without judging it.
pub fn kubelet_settings(
    name: &str,
    src: &str,
    options: &Options,
) -> Result<Vec<Setting>, InputError> {
    let sink = read(name, src, options)?;
    let lines = Lines::new(src);
    Ok(sink
        .settings
        .into_iter()
        .filter(|s| s.components == [Component::Kubelet] && s.registry == Registry::Kubernetes)
        .map(|s| {
            let (line, column) = lines.line_col(s.offset);
            Setting {
                elsewhere: Some(format!("{name}:{line}:{column}")),
                ..s
            }
        })
        .collect())
}

/// Every setting and problem the readers find in one file.
fn read<'a>(name: &str, src: &'a str, options: &Options) -> Result<Sink<'a>, InputError> {
    let mut sink = Sink::new(src, options.target);
    if let Some(parts) = crate::mime::yaml_parts(src) {
        // MIME multipart user data: each YAML part is read where it is in the file.
        for (start, end) in parts {
            let body = &src[start..end];
            let Ok(docs) = gatecheck_yaml::parse(body) else {
                continue;
            };
            let mut nested = sink.nested(body);
            for doc in &docs {
                if let Some(format) = formats::ALL.iter().find(|f| f.detect(&doc.root)) {
                    nested.recognised = true;
                    format.extract(&doc.root, &mut nested);
                }
            }
            sink.recognised |= nested.recognised;
            sink.absorb(nested, |o| o + start);
        }
    } else if options.flags_file {
        read_flags_file(name, src, options, &mut sink)?;
    } else {
        let docs = match gatecheck_yaml::parse(src) {
            Ok(docs) => docs,
            // An unrendered template (a Helm chart's templates/, a Jinja .yaml.j2) is often not
            // YAML until it is rendered: say so, once, where parsing stopped.
            Err(e) if crate::template::has_markup(src) => {
                sink.problem(formats::Problem {
                    kind: FindingKind::Template,
                    component: None,
                    gate: None,
                    offset: e.pos.offset.min(src.len()),
                    len: 1,
                    message: format!("{name} is a template that is not YAML until it is rendered ({}): gatecheck cannot read its feature gates", e.message),
                    help: "render it and check the result (for example `helm template ... | gatecheck --target X -`)".into(),
                });
                return Ok(sink);
            }
            Err(e) => {
                return Err(InputError {
                    message: format!("invalid YAML: {}", e.message),
                    line: Some(e.pos.line),
                    column: Some(e.pos.column),
                })
            }
        };
        for doc in &docs {
            repeated_gate_keys(&doc.root, &mut sink, 0);
            match formats::ALL.iter().find(|f| f.detect(&doc.root)) {
                Some(format) => {
                    sink.recognised = true;
                    format.extract(&doc.root, &mut sink);
                }
                None => {
                    let found = formats::generic::extract(&doc.root, &mut sink);
                    sink.fallback.kubernetes += found.kubernetes;
                    sink.fallback.foreign += found.foreign;
                }
            }
        }
    }
    not_read(src, &mut sink);
    Ok(sink)
}

/// A feature-gate key written twice in one map: the components' strict decoding refuses the
/// file (`key "featureGates" already set in map`), and tools that do not keep only one of them.
fn repeated_gate_keys(node: &gatecheck_yaml::Node, sink: &mut Sink<'_>, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some(map) = node.as_map() {
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in map {
            if let Some(k) = key.as_str() {
                let gate_key = matches!(k, "featureGates" | "feature-gates" | "--feature-gates");
                if gate_key && seen.contains(&k) {
                    sink.problem(formats::Problem {
                        kind: FindingKind::InvalidValue,
                        component: None,
                        gate: None,
                        offset: key.span.start.offset,
                        len: key.span.len().max(1),
                        message: format!("`{k}` is set a second time in this map: the component's strict decoding refuses the file (`key \"{k}\" already set in map`), and lenient readers keep only one of the two"),
                        help: "merge the two into one".into(),
                    });
                }
                seen.push(k);
            }
            repeated_gate_keys(value, sink, depth + 1);
        }
    } else if let Some(items) = node.as_seq() {
        for item in items {
            repeated_gate_keys(item, sink, depth + 1);
        }
    }
}

/// Where the file mentions feature gates although nothing in it was read: no format claimed
/// it, and the content fallback placed no gate structure (neither Kubernetes' nor another
/// project's). Never a silent pass.
/// A GC020 problem: part of the file holds gates that were not checked.
fn not_read_problem(offset: usize, len: usize, message: String, help: &str) -> formats::Problem {
    formats::Problem {
        kind: FindingKind::NotRead,
        component: None,
        gate: None,
        offset,
        len,
        message,
        help: help.into(),
    }
}

fn not_read(src: &str, sink: &mut Sink<'_>) {
    if sink.recognised
        || sink.fallback.kubernetes + sink.fallback.foreign > 0
        || sink
            .problems
            .iter()
            .any(|p| p.kind == FindingKind::Template)
    {
        return;
    }
    let mention = [
        "featureGates",
        "feature-gates",
        "feature_gates",
        "FeatureGates",
    ]
    .iter()
    .filter_map(|m| src.find(m).map(|at| (at, m.len())))
    .min();
    if let Some((offset, len)) = mention {
        sink.problem(not_read_problem(
            offset,
            len,
            "this file mentions feature gates, but gatecheck does not know its kind and found no gate setting it could place: its gates were not checked".into(),
            "check them by hand, or use --strict to fail on files gatecheck cannot read",
        ));
    }
}

/// A systemd drop-in, environment file or list of flags.
fn read_flags_file(
    name: &str,
    src: &str,
    options: &Options,
    sink: &mut Sink<'_>,
) -> Result<(), InputError> {
    let live = |line: &&str| !line.trim_start().starts_with('#');
    // A file picked up by its extension (.env, .conf) that sets no feature gates has nothing to
    // judge, whoever it belongs to.
    if !src
        .lines()
        .filter(live)
        .any(|l| !flags::scan_line(l).is_empty())
    {
        return Ok(());
    }
    // A command line names its program: `kube-apiserver --feature-gates=...`,
    // `/usr/local/bin/kubelet \`.
    let program = src.lines().filter(live).find_map(|l| {
        let first = l.split_whitespace().next()?;
        let base = first.rsplit('/').next().unwrap_or(first);
        Component::ALL.into_iter().find(|c| c.as_str() == base)
    });
    // The file's name may say whose flags it holds (microk8s `args/kube-apiserver`,
    // `kube-proxy.env`); the longest component name it contains wins.
    let base = name.rsplit('/').next().unwrap_or(name);
    let named = Component::ALL
        .into_iter()
        .filter(|c| base.contains(c.as_str()))
        .max_by_key(|c| c.as_str().len());
    let component = options
        .component
        .or(program)
        .or(named)
        .or_else(|| {
            if src.contains("KUBELET_") || src.contains("/kubelet ") || src.contains("bin/kubelet") {
                return Some(Component::Kubelet);
            }
            Component::ALL
                .into_iter()
                .find(|c| src.contains(&format!("bin/{} ", c.as_str())) || src.contains(&format!("bin/{}\n", c.as_str())))
        })
        .ok_or_else(|| InputError {
            message: format!("cannot tell whose flags {name} holds; pass --component (for example --component kubelet)"),
            line: None,
            column: None,
        })?;
    let group = sink.group();
    let mut line_start = 0;
    for line in src.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            for (at, value) in flags::scan_line(line) {
                let base = line_start + at;
                sink.recognised = true;
                sink.flag_value(value, Some(base), base, &[component], group);
            }
        }
        line_start += line.len();
    }
    if component == Component::KubeProxy && src.contains("--config") {
        sink.kube_proxy_flags_ignored(group);
    }
    Ok(())
}

/// The Kubernetes versions a file declares, read from its text: `kubernetesVersion:` (kubeadm,
/// kOps), `version:` next to a Cluster API control plane / Gardener / eksctl kind, and the tags of
/// component and kind node images (`registry.k8s.io/kube-apiserver:v1.30.4`, `kindest/node:v1.30.0`).
fn declared_versions(src: &str, lines: &Lines<'_>) -> Vec<(Version, String)> {
    const IMAGES: &[&str] = &[
        "kube-apiserver:",
        "kube-controller-manager:",
        "kube-scheduler:",
        "kube-proxy:",
        "kubelet:",
        "kindest/node:",
        "hyperkube:",
    ];
    let kinds_with_version = ["KubeadmControlPlane", "Shoot", "ClusterConfig"]
        .iter()
        .any(|k| src.contains(&format!("kind: {k}")));
    let mut out = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let t = line.trim_start();
        let at = offset + (line.len() - t.len());
        offset += line.len();
        if t.starts_with('#') {
            continue;
        }
        let value = |rest: &str| -> Option<Version> {
            let v = rest.trim().trim_matches(['"', '\'']);
            let v = v.strip_prefix('v').unwrap_or(v);
            v.starts_with("1.").then(|| v.parse().ok()).flatten()
        };
        let (line_no, _) = lines.line_col(at);
        if let Some(rest) = t.strip_prefix("kubernetesVersion:") {
            if let Some(v) = value(rest) {
                out.push((v, format!("kubernetesVersion at line {line_no}")));
            }
        } else if let (true, Some(rest)) = (kinds_with_version, t.strip_prefix("version:")) {
            if let Some(v) = value(rest) {
                out.push((v, format!("version at line {line_no}")));
            }
        } else if t.starts_with("image:") || t.starts_with("- image:") || t.contains("image: ") {
            for img in IMAGES {
                if let Some(i) = t.find(img) {
                    let tag = t[i + img.len()..].split_whitespace().next().unwrap_or("");
                    if let Some(v) = value(tag.split('@').next().unwrap_or(tag)) {
                        out.push((
                            v,
                            format!(
                                "{}image tag at line {line_no}",
                                img.trim_end_matches(':').to_string() + " "
                            ),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// `# gatecheck: ignore[GC003,GC008] reason` comments: each suppresses the findings with those
/// codes (or names) on its own line and on the next line. One that suppresses nothing is a
/// finding itself (GC021).
fn apply_inline_ignores(src: &str, lines: &Lines<'_>, findings: &mut Vec<Finding>) {
    const MARK: &str = "gatecheck: ignore[";
    if !src.contains(MARK) {
        return;
    }
    struct Ignore {
        line: usize,
        codes: Vec<String>,
        offset: usize,
        len: usize,
        used: bool,
    }
    let mut ignores: Vec<Ignore> = Vec::new();
    let mut start = 0;
    for (i, text) in src.split_inclusive('\n').enumerate() {
        if let Some(at) = text.find(MARK) {
            let before = &text[..at];
            if before.trim_end().ends_with('#') {
                let rest = &text[at + MARK.len()..];
                if let Some(close) = rest.find(']') {
                    ignores.push(Ignore {
                        line: i + 1,
                        codes: rest[..close]
                            .split(',')
                            .map(|c| c.trim().to_ascii_uppercase())
                            .filter(|c| !c.is_empty())
                            .collect(),
                        offset: start + before.trim_end().len() - 1,
                        len: text.trim_end().len() - (before.trim_end().len() - 1),
                        used: false,
                    });
                }
            }
        }
        start += text.len();
    }
    findings.retain(|f| {
        let hit = ignores.iter_mut().find(|ig| {
            (ig.line == f.line || ig.line + 1 == f.line)
                && ig.codes.iter().any(|c| {
                    c.eq_ignore_ascii_case(f.kind.code()) || c.eq_ignore_ascii_case(f.kind.name())
                })
        });
        match hit {
            Some(ig) => {
                ig.used = true;
                false
            }
            None => true,
        }
    });
    for ig in ignores.iter().filter(|ig| !ig.used) {
        let (line, column) = lines.line_col(ig.offset);
        let (end_line, end_column) = lines.end(ig.offset, ig.len.max(1), line, column);
        findings.push(Finding {
            kind: FindingKind::UnusedIgnore,
            severity: FindingKind::UnusedIgnore.severity(),
            component: None,
            registry: Registry::Kubernetes,
            gate: None,
            value: None,
            offset: ig.offset,
            len: ig.len.max(1),
            line,
            column,
            end_line,
            end_column,
            message: format!(
                "this ignore comment ({}) suppresses no finding on its line or the next",
                ig.codes.join(", ")
            ),
            help: "remove it".into(),
        });
    }
    findings.sort_by_key(|f| (f.offset, f.kind));
}

/// What a setting's value and status say, most decisive first: the component stops at the
/// first of these it meets (a value that is not a boolean is refused before the name is
/// looked up), and the rest are facts about the same setting.
const STATUS_ORDER: &[FindingKind] = &[
    FindingKind::InvalidValue,
    FindingKind::Unknown,
    FindingKind::NotYetIntroduced,
    FindingKind::Removed,
    FindingKind::Locked,
    FindingKind::RemovedNext,
    FindingKind::LockUnknown,
    FindingKind::LockedDefault,
    FindingKind::Deprecated,
    FindingKind::Ga,
    FindingKind::Alpha,
    FindingKind::Redundant,
];

/// One setting, one finding: the status findings of one gate setting (same position and gate)
/// become the most decisive one, with the others' facts folded into its message. Findings about
/// the setting's place or its group (conflicts, dependencies, meta-gates, misplacement, a gate
/// set on a component it does not concern) stay.
fn one_finding_per_setting(findings: Vec<Finding>) -> Vec<Finding> {
    let rank = |k: FindingKind| STATUS_ORDER.iter().position(|s| *s == k);
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut i = 0;
    while i < findings.len() {
        let f = &findings[i];
        let same = |g: &Finding| g.offset == f.offset && g.gate == f.gate;
        let mut j = i;
        while j < findings.len() && same(&findings[j]) {
            j += 1;
        }
        let (status, other): (Vec<&Finding>, Vec<&Finding>) =
            findings[i..j].iter().partition(|g| rank(g.kind).is_some());
        if let Some(main) = status
            .iter()
            .max_by_key(|g| (g.severity, std::cmp::Reverse(rank(g.kind))))
        {
            let mut main = (*main).clone();
            let folded: Vec<&str> = status
                .iter()
                .filter(|g| g.kind != main.kind)
                .map(|g| g.message.as_str())
                .collect();
            if !folded.is_empty() {
                main.message = format!("{} (also: {})", main.message, folded.join("; "));
            }
            out.push(main);
        }
        out.extend(other.into_iter().cloned());
        i = j;
    }
    out.sort_by_key(|f| (f.offset, f.kind));
    out
}

/// Who reads a setting, for messages: one component, every component a shared map reaches
/// (kind's `featureGates`), or "the component" where the file does not say.
fn who(s: &Setting) -> String {
    match s.components.as_slice() {
        [] => "the component".to_string(),
        [c] => c.as_str().to_string(),
        [rest @ .., last] => {
            let names: Vec<&str> = rest.iter().map(|c| c.as_str()).collect();
            format!("each of {} and {}", names.join(", "), last.as_str())
        }
    }
}

fn on_off(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Most gate settings of one file that are checked. A real configuration sets a few dozen; the
/// rest of a larger (generated or hostile) file is reported as not checked, never passed.
pub const MAX_SETTINGS_PER_FILE: usize = 50_000;

fn judge(src: &str, options: &Options, mut sink: Sink<'_>) -> Report {
    let rules = Rules::embedded();
    UNKNOWN_SEEN.with(|n| n.set(0));
    let lines = Lines::new(src);
    let target = options.target;
    let mut out: Vec<Finding> = Vec::new();
    let settings = sink.settings.len();
    if settings > MAX_SETTINGS_PER_FILE {
        let first = &sink.settings[MAX_SETTINGS_PER_FILE];
        let (offset, len) = (first.offset, first.len);
        sink.settings.truncate(MAX_SETTINGS_PER_FILE);
        sink.problem(not_read_problem(
            offset,
            len,
            format!(
                "this file sets {settings} feature gates: gatecheck checked the first {MAX_SETTINGS_PER_FILE} and not the {} from here on",
                settings - MAX_SETTINGS_PER_FILE
            ),
            "split the file, or check the rest by hand; a real configuration sets a few dozen gates",
        ));
    }
    let recognised = sink.recognised || sink.fallback.kubernetes > 0;
    let mut components: Vec<Component> = sink
        .settings
        .iter()
        .flat_map(|s| s.components.iter().copied())
        .collect();
    components.sort();
    components.dedup();
    let make = |kind: FindingKind, s: &Setting, message: String, help: String| {
        let (line, column) = lines.line_col(s.offset);
        let (end_line, end_column) = lines.end(s.offset, s.len, line, column);
        Finding {
            kind,
            severity: kind.severity(),
            // A setting several components read (kind's featureGates) names them all in the
            // message instead.
            component: match s.components.as_slice() {
                [c] => Some(*c),
                _ => None,
            },
            registry: s.registry,
            gate: Some(s.gate.clone()),
            value: Some(s.value.clone()),
            offset: s.offset,
            len: s.len,
            line,
            column,
            end_line,
            end_column,
            message,
            help,
        }
    };
    for p in sink.problems {
        let (line, column) = lines.line_col(p.offset);
        let (end_line, end_column) = lines.end(p.offset, p.len, line, column);
        out.push(Finding {
            kind: p.kind,
            severity: p.kind.severity(),
            component: p.component,
            registry: Registry::Kubernetes,
            gate: p.gate,
            value: None,
            offset: p.offset,
            len: p.len,
            line,
            column,
            end_line,
            end_column,
            message: p.message,
            help: p.help,
        });
    }

    // AllAlpha / AllBeta per group: they change what "the default" is for the other settings.
    let meta_values = merge::meta_values(&sink.settings);

    // The kubelet merges its config file with its flags key by key, the flag winning: an
    // overridden file setting is reported as such and not judged on its own.
    let layers = merge::kubelet_layers(&sink.settings, &options.node, &sink.ignored_groups);
    for o in &layers.overridden {
        let s = &sink.settings[o.file];
        let at = match &o.flag.elsewhere {
            Some(location) => location.clone(),
            None => {
                let (line, column) = lines.line_col(o.flag.offset);
                format!("line {line}, column {column}")
            }
        };
        let (kind, message, help) = if o.flag.value == s.value {
            (
                FindingKind::Redundant,
                format!(
                    "the kubelet's --feature-gates flag ({at}) also sets {}, and the flag wins",
                    s.gate
                ),
                "set each kubelet gate in one place".to_string(),
            )
        } else {
            (
                FindingKind::Conflict,
                format!(
                    "the kubelet's --feature-gates flag ({at}) sets {} to another value and wins over the config file: {}",
                    s.gate,
                    if o.kubelet_only { "this setting has no effect" } else { "the kubelet ignores this value, the other components use it" }
                ),
                "set each kubelet gate in one place: the flag or the config file".to_string(),
            )
        };
        out.push(make(kind, s, message, help));
    }
    let shadowed = &layers.shadowed;

    // Repeated settings within one group merge, the later winning.
    let mut seen: HashMap<(usize, &str), &Value> = HashMap::new();
    let mut prefix_use: HashMap<usize, (bool, bool)> = HashMap::new();
    for (s, _) in sink.settings.iter().zip(shadowed).filter(|(_, sh)| !**sh) {
        let who = who(s);
        if let Some(previous) = seen.insert((s.group, s.gate.as_str()), &s.value) {
            if *previous != s.value {
                out.push(make(
                    FindingKind::Conflict,
                    s,
                    format!(
                        "{} is set again with a different value; {who} uses this later one",
                        s.gate
                    ),
                    "keep one setting for this gate".into(),
                ));
            }
        }
        let use_ = prefix_use.entry(s.group).or_default();
        if s.prefixed {
            use_.0 = true;
        } else {
            use_.1 = true;
        }
        if s.prefixed && target < Version::new(1, 31) {
            out.push(make(
                FindingKind::InvalidValue,
                s,
                format!("the `kube:` prefix is accepted from 1.31; {who} {target} reads `kube:{}` as an unknown gate", s.gate),
                format!("write `{}` without the prefix", s.gate),
            ));
        } else if s.prefixed && use_.0 && use_.1 {
            out.push(make(
                FindingKind::InvalidValue,
                s,
                format!("{who} fails with `set kube feature gates with default empty prefix or kube: prefix consistently, do not mix use`"),
                "use the `kube:` prefix on every gate of this flag, or on none".into(),
            ));
        }
        if let Value::Invalid(raw) = &s.value {
            let message = if raw.is_empty() {
                format!(
                    "`{}` has no value: {who} fails with `missing bool value for {}`",
                    s.gate, s.gate
                )
            } else {
                format!("`{raw}` is not a boolean {who} accepts for {}", s.gate)
            };
            let help = if raw.starts_with('"') || raw.starts_with('\'') {
                "write an unquoted true or false: Kubernetes rejects a quoted string where a boolean is required".to_string()
            } else {
                "use true or false".to_string()
            };
            out.push(make(FindingKind::InvalidValue, s, message, help));
        }
        let switched = meta_values.get(&s.group).copied().unwrap_or_default();
        // A kubelet flag replaces the config file's value, not the default.
        let switched = MetaValues {
            replaced: layers
                .file_values
                .get(s.gate.as_str())
                .copied()
                .filter(|_| s.from_flag && s.components == [Component::Kubelet]),
            ..switched
        };
        judge_gate(&rules, target, options.patch, s, switched, &make, &mut out);
    }
    for group in merge::groups(&sink.settings, shadowed, &options.node) {
        check_group(&rules, target, &group, &make, &mut out);
    }
    out.sort_by_key(|f| (f.offset, f.kind));
    out.dedup_by(|a, b| a.offset == b.offset && a.kind == b.kind);
    let mut out = one_finding_per_setting(out);
    apply_inline_ignores(src, &lines, &mut out);
    Report {
        findings: out,
        settings,
        recognised,
        components,
        declared: declared_versions(src, &lines),
    }
}

/// How many unknown names per file get "did you mean" suggestions.
const SUGGEST_FOR: usize = 200;

thread_local! {
    /// Unknown names met so far in the file being judged (reset per file in `judge`).
    static UNKNOWN_SEEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn judge_gate(
    rules: &Rules,
    at: Version,
    patch: Option<u16>,
    s: &Setting,
    switched: MetaValues,
    make: &dyn Fn(FindingKind, &Setting, String, String) -> Finding,
    out: &mut Vec<Finding>,
) {
    let who = who(s);
    let who = who.as_str();
    // Suggestions for the first unknown names of a file; past that, none (a generated list of
    // thousands of unknown gates would otherwise cost a second or more).
    let suggest = UNKNOWN_SEEN.with(|n| {
        let seen = n.get();
        if rules.gate(s.registry, &s.gate).is_none() {
            n.set(seen + 1);
        }
        seen < SUGGEST_FOR
    });
    let status = match rules.status_with(s.registry, &s.gate, at, suggest) {
        Ok(st) => st,
        Err(_) => return, // the CLI refuses targets newer than the data before reading files
    };
    let target = Target { version: at, patch };
    let (status, patch_note) = patch_status(rules, s, target, status);
    let start = out.len();
    judge_status(rules, target, s, who, status, switched, make, out);
    if let (Some(via), Some(f)) = (&s.via, out.get_mut(start)) {
        f.message.push_str(&format!(
            " (found at {via}, in a file whose kind gatecheck does not know: the component is not known)"
        ));
    }
    // What changes inside the minor release is said once, on the gate's main finding.
    if let (Some(note), Some(f)) = (patch_note, out.get_mut(start)) {
        f.message.push_str(&note);
    }
}

/// The gate's state at the target's patch release (a minor's timeline describes its first
/// patch release read), and a note for the findings where patch releases differ.
fn patch_status(
    rules: &Rules,
    s: &Setting,
    target: Target,
    status: Status,
) -> (Status, Option<String>) {
    let Some(gate) = rules.gate(s.registry, &s.gate) else {
        return (status, None);
    };
    let at = target.version;
    let changes: Vec<&PatchChange> = gate.patches_in(at).collect();
    if changes.is_empty() {
        return (status, None);
    }
    let describe = |c: &PatchChange| match c.spec {
        Some(spec) => format!(
            "from {at}.{} on {}, default {}{}",
            c.from,
            spec.stage.title(),
            on_off(spec.default),
            if spec.locked { ", locked" } else { "" }
        ),
        None => format!("from {at}.{} on not registered", c.from),
    };
    let Some(patch) = target.patch else {
        let list: Vec<String> = changes.iter().map(|c| describe(c)).collect();
        let base = gate.spec_at(at).map_or_else(
            || "not registered".to_string(),
            |b| format!("{}, default {}", b.stage.title(), on_off(b.default)),
        );
        return (
            status,
            Some(format!(
                " (note: judged as {at}'s first patch release, where it is {base}; {}: pass --target {at}.N to judge your patch release)",
                list.join("; ")
            )),
        );
    };
    let (applied, unsure) = gate.patch_state(at, patch);
    let later = changes.iter().find(|c| c.from > patch && c.after >= patch);
    let note = match (unsure, later) {
        (Some(u), _) => Some(format!(
            " (note: it changed between {at}.{} and {at}.{} ({}), and gatecheck has no record of {target})",
            u.after,
            u.from,
            describe(u)
        )),
        (None, Some(l)) => Some(format!(" (note: {})", describe(l))),
        (None, None) => None,
    };
    let status = match applied.map(|c| c.spec) {
        Some(Some(spec)) => Status::Known { gate, spec },
        Some(None) => Status::NotYetIntroduced {
            gate,
            introduced: at.next(),
        },
        None => status,
    };
    (status, note)
}

#[allow(clippy::too_many_arguments)]
fn judge_status(
    rules: &Rules,
    target: Target,
    s: &Setting,
    who: &str,
    status: Status,
    switched: MetaValues,
    make: &dyn Fn(FindingKind, &Setting, String, String) -> Finding,
    out: &mut Vec<Finding>,
) {
    let at = target.version;
    let value = match s.value {
        Value::Bool(b) => Some(b),
        Value::Invalid(_) => None,
    };
    match status {
        Status::Unknown { suggestions } => {
            if s.registry == Registry::Kubeadm && rules.gate(Registry::Kubernetes, &s.gate).is_some() {
                out.push(make(
                    FindingKind::Misplaced,
                    s,
                    format!("{} is a Kubernetes component gate, not a kubeadm gate: kubeadm fails with `{} is not a valid feature name.`", s.gate, s.gate),
                    "set component gates in extraArgs (feature-gates) or in a KubeletConfiguration, not in kubeadm's featureGates".into(),
                ));
                return;
            }
            let case_only = suggestions.first().is_some_and(|c| c.eq_ignore_ascii_case(&s.gate));
            let help = match suggestions.first() {
                Some(first) if case_only => format!("gate names are case-sensitive: write `{first}`"),
                Some(_) => format!("did you mean {}?", suggestions.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
                None => "remove this setting; check the gate's name in the Kubernetes documentation".into(),
            };
            let registry = if s.registry == Registry::Kubeadm { "kubeadm" } else { who };
            out.push(make(
                FindingKind::Unknown,
                s,
                format!("{registry} does not recognise feature gate {}: it fails to start with `unrecognized feature gate: {}`", s.gate, s.gate),
                help,
            ));
        }
        Status::NotYetIntroduced { introduced, gate } => {
            // A gate added by a later patch release of the same minor (backported).
            let introduced = gate
                .patches_in(at)
                .find(|c| c.spec.is_some() && target.patch.is_none_or(|p| c.from > p))
                .map_or(introduced.to_string(), |c| format!("{at}.{}", c.from));
            out.push(make(
                FindingKind::NotYetIntroduced,
                s,
                format!("{} does not exist in {target}; it is introduced in {introduced}, so {who} {target} fails with `unrecognized feature gate: {}`", s.gate, s.gate),
                format!("remove this setting, or add it after upgrading to {introduced}"),
            ))
        }
        Status::Removed { removed_in, last, gate } => {
            let mut msg = format!(
                "{} was removed in {removed_in} (in {} it was {}, default {}{}); {who} {target} fails to start with `unrecognized feature gate: {}`",
                s.gate,
                removed_in.prev().unwrap_or(removed_in),
                last.stage.title(),
                on_off(last.default),
                if last.locked { ", locked" } else { "" },
                s.gate
            );
            if let Some(note) = gate.note {
                msg.push_str(&format!(" (note: {note})"));
            }
            out.push(make(FindingKind::Removed, s, msg, "delete this setting".into()));
        }
        Status::Known { gate, .. } if rejected_by_ccm(s, gate) => out.push(make(
            FindingKind::Misplaced,
            s,
            format!(
                "cloud-controller-manager has its own feature-gate registry and rejects {}{}: it exits with `unrecognized feature gate: {}`",
                s.gate,
                gate.package.map(|p| format!(" (declared in {}, which it does not register)", p.path())).unwrap_or_default(),
                s.gate
            ),
            "set this gate on the components it concerns, not on cloud-controller-manager".into(),
        )),
        Status::Known { gate, spec } => {
            // With --emulated-version, stages, defaults and locks are the emulated version's
            // (the binary still decides which gates exist).
            let (spec, shown) = match s.emulated.filter(|e| *e < at) {
                None => (spec, target.to_string()),
                Some(e) => match gate.spec_at(e) {
                    Some(emulated) => (emulated, format!("{e} (emulated by {target})")),
                    None => {
                        let v = match s.value {
                            Value::Bool(b) => on_off(b),
                            Value::Invalid(_) => "?",
                        };
                        out.push(make(
                            FindingKind::NotYetIntroduced,
                            s,
                            format!("{} is not yet a gate of {e}, the version {who} emulates: it fails with `cannot set feature gate {} to {v}, feature is PreAlpha at emulated version {e}`", s.gate, s.gate),
                            format!("remove this setting while emulating {e}, or emulate {} or later", gate.introduced()),
                        ));
                        return;
                    }
                },
            };
            let removal = gate
                .removed_in
                .map(|r| format!("remove this before upgrading to {r}"))
                .unwrap_or_else(|| "remove this setting before the gate is removed in a later release".into());
            if gate.removed_in == Some(at.next()) {
                out.push(make(
                    FindingKind::RemovedNext,
                    s,
                    format!(
                        "{} is removed in {}: the next upgrade will fail while this setting is here{}",
                        s.gate,
                        at.next(),
                        // Where the removal release is only an upper bound, say so.
                        gate.note.map(|n| format!(" (note: {n})")).unwrap_or_default()
                    ),
                    format!("remove this before upgrading to {}", at.next()),
                ));
            }
            // AllAlpha / AllBeta are judged with the whole group (`check_group`).
            let meta = matches!(gate.name, "AllAlpha" | "AllBeta");
            // The value the gate would have without this setting.
            let implicit = match spec.stage {
                _ if switched.replaced.is_some() => switched.replaced.unwrap_or(spec.default),
                Stage::Alpha if !spec.locked => switched.all_alpha.unwrap_or(spec.default),
                Stage::Beta if !spec.locked => switched.all_beta.unwrap_or(spec.default),
                _ => spec.default,
            };
            match value {
                _ if meta => {}
                Some(v) if spec.locked && v != spec.default => out.push(make(
                    FindingKind::Locked,
                    s,
                    format!("{who} fails with `cannot set feature gate {} to {}, feature is locked to {}`", s.gate, on_off(v), on_off(spec.default)),
                    format!("delete this setting: in {shown} the feature is always {}", if spec.default { "on" } else { "off" }),
                )),
                Some(v)
                    if !spec.lock_known
                        && v != spec.default
                        && matches!(spec.stage, Stage::Ga | Stage::Deprecated) =>
                {
                    out.push(make(
                        FindingKind::LockUnknown,
                        s,
                        format!(
                            "{} is {} in {shown} (default {}); GA gates are normally locked, and gatecheck has no record for this release: if it is locked, {who} fails with `cannot set feature gate {} to {}, feature is locked to {}`",
                            s.gate,
                            spec.stage.title(),
                            on_off(spec.default),
                            s.gate,
                            on_off(v),
                            on_off(spec.default)
                        ),
                        format!("set it to {} or delete the setting", on_off(spec.default)),
                    ))
                }
                Some(_) if spec.locked => out.push(make(
                    FindingKind::LockedDefault,
                    s,
                    format!("{} is locked to {} in {shown}; setting it does nothing", s.gate, on_off(spec.default)),
                    removal,
                )),
                _ if spec.stage == Stage::Ga => out.push(make(
                    FindingKind::Ga,
                    s,
                    format!("{} is GA in {shown} (default {}); {who} logs that it will be removed in a future release", s.gate, on_off(spec.default)),
                    removal,
                )),
                _ if spec.stage == Stage::Deprecated => out.push(make(
                    FindingKind::Deprecated,
                    s,
                    format!("{} is deprecated in {shown} (default {})", s.gate, on_off(spec.default)),
                    removal,
                )),
                Some(true) if spec.stage == Stage::Alpha && !spec.default => out.push(make(
                    FindingKind::Alpha,
                    s,
                    format!("{} is an alpha feature in {shown}: not for production, and it may change incompatibly", s.gate),
                    "enable alpha features only in test clusters".into(),
                )),
                Some(v) if v == spec.default && v == implicit => out.push(make(
                    FindingKind::Redundant,
                    s,
                    format!("{} is already {} by default in {shown}", s.gate, on_off(spec.default)),
                    "this setting can be removed".into(),
                )),
                _ => {}
            }
            let relevant = gate.components.is_empty()
                || s.components.iter().any(|c| gate.components.contains(c) || !c.shares_core_registry());
            if !relevant && s.registry == Registry::Kubernetes {
                let list: Vec<&str> = gate.components.iter().map(|c| c.as_str()).collect();
                out.push(make(
                    FindingKind::IrrelevantComponent,
                    s,
                    format!("{} does not concern {who} (its KEP names {}); {who} accepts it and ignores it", s.gate, list.join(", ")),
                    format!("set it on {} instead", list.join(", ")),
                ));
            }
        }
    }
}

/// cloud-controller-manager (`k8s.io/cloud-provider`) registers the generic API-server,
/// controller-manager and component-base gates, not kubernetes' own list: a kubelet gate given
/// to it stops it (gardener-extension-provider-aws#955). Where the data knows the package that
/// declares the gate, that decides; otherwise a gate is judged rejected only when its KEP names
/// components and none is kube-apiserver (whose generic gates CCM shares) or
/// cloud-controller-manager.
fn rejected_by_ccm(s: &Setting, gate: &gatecheck_rules::Gate) -> bool {
    if s.components != [Component::CloudControllerManager] || s.registry != Registry::Kubernetes {
        return false;
    }
    if let Some(registered) = gate.package.and_then(|p| p.registered_by_ccm()) {
        return !registered;
    }
    !gate.components.is_empty()
        && !gate.components.iter().any(|c| {
            matches!(
                c,
                Component::KubeApiserver | Component::CloudControllerManager
            )
        })
}

/// The setting a dependency failure is reported at, and why.
#[derive(Clone, Copy)]
enum Blame<'s> {
    /// It enables a gate whose dependency is off.
    Enables(&'s Setting),
    /// It is AllAlpha/AllBeta and enables this gate, whose dependency is off.
    Switches(&'s Setting, &'static str),
    /// It turns off a dependency of a gate that is on by default.
    Disables(&'s Setting),
}

impl<'s> Blame<'s> {
    fn setting(self) -> &'s Setting {
        match self {
            Blame::Enables(s) | Blame::Switches(s, _) | Blame::Disables(s) => s,
        }
    }
}

/// Go prints a list of feature names as `[A B]`.
fn go_list(names: &[&str]) -> String {
    names.join(" ")
}

/// Checks that need a component's whole set of gates: declared dependencies (1.35+) and what
/// AllAlpha / AllBeta switch.
fn check_group(
    rules: &Rules,
    target: Version,
    group: &[&Setting],
    make: &dyn Fn(FindingKind, &Setting, String, String) -> Finding,
    out: &mut Vec<Finding>,
) {
    let Some(first) = group.first() else { return };
    // Only the shared core registry declares dependencies; other registries are judged elsewhere.
    if first.registry != Registry::Kubernetes
        || !first.components.iter().all(|c| c.shares_core_registry())
    {
        return;
    }
    let who = first
        .components
        .first()
        .map_or("the component", |c| c.as_str());
    let merged = Merged::new(group);
    // Specs (stages, defaults) are the emulated version's when the command line emulates one.
    let at = first.emulated.filter(|e| *e < target).unwrap_or(target);

    for meta in [merged.all_alpha, merged.all_beta].into_iter().flatten() {
        let (on, setting) = meta;
        if setting.elsewhere.is_some() {
            continue; // reported in its own file
        }
        let stage = if setting.gate == "AllAlpha" {
            Stage::Alpha
        } else {
            Stage::Beta
        };
        let switched: Vec<&str> = rules
            .known_at(Registry::Kubernetes, target)
            .unwrap_or_default()
            .into_iter()
            // The binary decides which gates exist; the emulated version, their stage.
            .filter_map(|(g, _)| g.spec_at(at).map(|spec| (g, spec)))
            .filter(|(g, spec)| {
                spec.stage == stage
                    && !spec.locked
                    && spec.default != on
                    && !merged.explicit.contains_key(g.name)
                    && !g.name.starts_with("All")
            })
            .map(|(g, _)| g.name)
            .collect();
        let shown: Vec<&str> = switched.iter().take(8).copied().collect();
        let more = switched.len().saturating_sub(shown.len());
        out.push(make(
            FindingKind::MetaGate,
            setting,
            format!(
                "{}={} turns {} {} {} gate(s) of {target} not set explicitly: {}{}",
                setting.gate,
                on_off(on),
                if on { "on" } else { "off" },
                switched.len(),
                stage,
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ),
            "set the gates you need by name: what AllAlpha/AllBeta switch changes with every release".into(),
        ));
    }

    if target < gatecheck_rules::DEPENDENCIES_CHECKED_FROM {
        return;
    }
    // One finding per setting that causes a failure, naming every gate it breaks.
    let mut broken: Vec<(Blame, Vec<String>)> = Vec::new();
    for g in rules
        .gates()
        .iter()
        .filter(|g| g.registry == Registry::Kubernetes)
    {
        let deps = g.dependencies_at(target);
        if deps.is_empty() {
            continue;
        }
        let Some((true, cause)) = merged.value(rules, at, g.name) else {
            continue;
        };
        let off: Vec<(&str, Cause)> = deps
            .iter()
            .filter_map(|d| match merged.value(rules, at, d) {
                Some((false, c)) => Some((*d, c)),
                _ => None,
            })
            .collect();
        if off.is_empty() {
            continue;
        }
        let names: Vec<&str> = off.iter().map(|(d, _)| *d).collect();
        let error = format!(
            "`{} is enabled, but depends on features that are disabled: [{}]`",
            g.name,
            go_list(&names)
        );
        // Blame the gate's own setting (or the AllAlpha/AllBeta that enabled it); failing that,
        // the setting that turned a dependency off.
        let blame = match cause {
            Cause::Explicit(s) => Blame::Enables(s),
            Cause::Meta(s) => Blame::Switches(s, g.name),
            Cause::Default => match off
                .iter()
                .find_map(|(_, c)| c.setting().filter(|s| s.elsewhere.is_none()))
            {
                Some(s) => Blame::Disables(s),
                None => continue, // defaults alone are consistent; nothing to point at
            },
        };
        match broken
            .iter_mut()
            .find(|(b, _)| std::ptr::eq(b.setting(), blame.setting()))
        {
            Some((_, errors)) => errors.push(error),
            None => broken.push((blame, vec![error])),
        }
    }
    for (blame, errors) in broken {
        let anchor = blame.setting();
        if anchor.elsewhere.is_some() {
            continue; // the other file reports it, with this file's settings merged in
        }
        let value = match anchor.value {
            Value::Bool(b) => on_off(b),
            Value::Invalid(_) => "?",
        };
        let fails = format!("{who} {target} fails to start with {}", errors.join("; "));
        let (message, help) = match blame {
            Blame::Enables(_) => (
                fails,
                format!(
                    "enable the dependencies as well, or do not enable {}",
                    anchor.gate
                ),
            ),
            Blame::Switches(_, first) => (
                format!("{}={value} also enables {first}: {fails}", anchor.gate),
                "enable the dependencies by name, or disable the gates that need them".into(),
            ),
            Blame::Disables(_) => (
                format!(
                    "{}={value} turns off a gate that others need: {fails}",
                    anchor.gate
                ),
                "disable the dependent gates too, or leave this one on".into(),
            ),
        };
        out.push(make(FindingKind::Dependency, anchor, message, help));
    }
}
