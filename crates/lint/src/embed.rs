//! Documents held inside other documents, read by one mechanism wherever they sit: a kubectl
//! `List`'s items, a ConfigMap value holding a component config, a talhelper patch kept as a
//! block string, cloud-init's `write_files[].content`, kind's `kubeadmConfigPatches`.
//!
//! [`read_doc`] reads one YAML node as a document (a `List` item by item, else the first format
//! that claims it, else the content fallback). [`read_scalar`] reads a string as a nested stream
//! of documents (or, when it is not YAML, as flags), and maps every position it finds back to
//! the byte in the outer file where that character is written, whatever the scalar's style.

use crate::findings::FindingKind;
use crate::formats::{self, generic, Problem, Sink};
use crate::{flags, InputError};
use gatecheck_rules::Component;
use gatecheck_yaml::{Node, Style};

/// How deep documents inside strings are read (a patch in a ConfigMap in a List is 2).
pub const MAX_DEPTH: usize = 4;

/// The largest string read as a document: a component config in a string is a few kilobytes.
/// A larger one is said, not read, so that its decoded copy never doubles a file's memory.
pub const MAX_EMBEDDED_BYTES: usize = 1 << 20;

/// Reads one document (or one `List` item) into `sink`.
pub(crate) fn read_doc(root: &Node, sink: &mut Sink<'_>, depth: usize) {
    if let Some(items) = list_items(root) {
        for item in items {
            read_doc(item, sink, depth);
        }
        return;
    }
    if let Some(plays) = playbook(root) {
        for vars in plays {
            read_doc(vars, sink, depth);
        }
        return;
    }
    kubeadm_config_version(root, sink);
    repeated_gate_keys(root, sink, 0);
    match formats::ALL.iter().find(|f| f.detect(root)) {
        Some(format) => {
            sink.recognised |= format.reads(root);
            format.extract(root, sink);
        }
        None => {
            let found = generic::extract(root, sink, depth);
            sink.fallback.kubernetes += found.kubernetes;
            sink.fallback.foreign += found.foreign;
        }
    }
}

/// The `vars` of each play of an Ansible playbook (a list of maps with `hosts`), each read as
/// the variables file it could have been (kubespray's, a k3s or RKE2 role's).
fn playbook<'n, 'a>(root: &'n Node<'a>) -> Option<Vec<&'n Node<'a>>> {
    let plays = root.as_seq()?;
    let is_play = |p: &Node| p.get("hosts").is_some();
    if plays.is_empty() || !plays.iter().all(is_play) {
        return None;
    }
    Some(plays.iter().filter_map(|p| p.get("vars")).collect())
}

/// A cluster's `kubeadm-config` ConfigMap says the version the control plane runs, in its
/// ClusterConfiguration's `kubernetesVersion`.
fn kubeadm_config_version(root: &Node, sink: &mut Sink<'_>) {
    if formats::type_of(root).1 != "ConfigMap"
        || root.path(&["metadata", "name"]).and_then(Node::as_str) != Some("kubeadm-config")
    {
        return;
    }
    let Some(text) = root
        .path(&["data", "ClusterConfiguration"])
        .and_then(Node::as_str)
    else {
        return;
    };
    let version = text.lines().find_map(|l| {
        let v = l.trim().strip_prefix("kubernetesVersion:")?.trim();
        let v = v.trim_matches(['"', '\'']).trim_start_matches('v');
        let minor: Vec<&str> = v.splitn(3, '.').take(2).collect();
        minor.join(".").parse::<gatecheck_rules::Version>().ok()
    });
    if let Some(version) = version {
        let line = sink.src[..root.span.start.offset].matches('\n').count() + 1;
        sink.running.push((
            version,
            format!("the kubeadm-config ConfigMap at line {line}"),
        ));
    }
}

/// The items of kubectl's `List` and of the typed lists (`PodList`, `ConfigMapList`).
fn list_items<'n, 'a>(root: &'n Node<'a>) -> Option<&'n [Node<'a>]> {
    let (_, kind) = formats::type_of(root);
    if kind == "List" || (kind.ends_with("List") && kind.len() > 4) {
        root.get("items").and_then(Node::as_seq)
    } else {
        None
    }
}

/// Whether a string may hold a document with feature gates: several lines, naming them.
pub(crate) fn worth_reading(text: &str) -> bool {
    text.contains('\n') && mentions_gates(text)
}

/// Whether text names feature gates in any of the spellings configurations use.
pub(crate) fn mentions_gates(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memmem::find_iter(b, b"eature").any(|i| {
        let rest = &b[i + 6..];
        let rest = rest
            .strip_prefix(b"-")
            .or_else(|| rest.strip_prefix(b"_"))
            .unwrap_or(rest);
        i > 0
            && matches!(b[i - 1], b'f' | b'F')
            && rest.len() >= 5
            && rest[..5].eq_ignore_ascii_case(b"gates")
    })
}

/// Reads a string scalar as embedded documents, positions mapped into the outer file. `name`
/// says what the string is (a file path or a key) when it holds flags rather than YAML.
/// Returns whether anything in it was read.
pub(crate) fn read_scalar(node: &Node, sink: &mut Sink<'_>, name: &str, depth: usize) -> bool {
    let Some(text) = node.as_str() else {
        return false;
    };
    if text.len() > MAX_EMBEDDED_BYTES {
        sink.problem(Problem::span(
            FindingKind::NotRead,
            None,
            node.span.start.offset,
            node.span.len().clamp(1, 80),
            format!("this string holds {} KiB, more than the {} KiB gatecheck reads as a document: the gates in it were not checked", text.len() >> 10, MAX_EMBEDDED_BYTES >> 10),
            "check them by hand, or keep the configuration in a file of its own",
        ));
        return false;
    }
    if depth >= MAX_DEPTH {
        // Never a silent pass: what is nested too deep to read is said.
        sink.problem(Problem::span(
            FindingKind::NotRead,
            None,
            node.span.start.offset,
            node.span.len().clamp(1, 80),
            format!("this string holds a document nested in {MAX_DEPTH} other strings already: gatecheck does not read deeper, and the gates in it were not checked"),
            "check them by hand, or keep the configuration less deeply nested",
        ));
        return false;
    }
    let map = OffsetMap::new(sink.src, node, text);
    read_nested(sink, text, name, depth + 1, |o| map.get(o))
}

/// Reads `src[start..end]`, written verbatim in the file (a Terraform heredoc), as embedded
/// documents.
pub(crate) fn read_region(src: &str, start: usize, end: usize, name: &str, sink: &mut Sink<'_>) {
    read_nested(sink, &src[start..end], name, 1, |o| o + start);
}

/// Reads `text`, which is not written in the file as it is (a decoded base64 part), as embedded
/// documents; whatever it holds points at `at`.
pub(crate) fn read_text_at(text: &str, at: usize, sink: &mut Sink<'_>) {
    read_nested(sink, text, "", 1, |_| at);
}

/// Reads `text` in a sink of its own, then takes what it found with positions moved by `remap`.
fn read_nested(
    sink: &mut Sink<'_>,
    text: &str,
    name: &str,
    depth: usize,
    remap: impl Fn(usize) -> usize,
) -> bool {
    let mut nested = sink.nested(text);
    nested.yaml_budget = sink.yaml_budget;
    read_text(&mut nested, name, depth);
    sink.yaml_budget = nested.yaml_budget;
    let read = nested.recognised || nested.fallback.kubernetes > 0 || !nested.settings.is_empty();
    sink.recognised |= nested.recognised;
    sink.fallback.kubernetes += nested.fallback.kubernetes;
    sink.fallback.foreign += nested.fallback.foreign;
    sink.absorb(nested, remap);
    read
}

/// Reads the whole text of `sink` as YAML documents (a template read around its markup), or as
/// flags when it is not YAML.
fn read_text(sink: &mut Sink<'_>, name: &str, depth: usize) {
    let text = sink.src;
    let masked = crate::template::mask(text);
    if let Some(m) = &masked {
        sink.template = true;
        sink.conditionals.extend_from_slice(&m.conditionals);
        sink.yaml_budget.charge_copy(m.text.len());
    }
    let yaml = masked.as_ref().map_or(text, |m| m.text.as_str());
    let docs = gatecheck_yaml::parse_with_budget(yaml, &mut sink.yaml_budget);
    match docs {
        Ok(docs) if docs.iter().any(|d| !is_scalar(&d.root)) => {
            for doc in &docs {
                read_doc(&doc.root, sink, depth);
            }
        }
        // Past what gatecheck reads: said, never passed.
        Err(e) if e.limit => sink.problem(Problem::span(
            FindingKind::NotRead,
            None,
            e.pos.offset.min(text.len()),
            1,
            format!(
                "the document in this string is too large to read ({}): its gates were not checked",
                e.message
            ),
            "check them by hand",
        )),
        // A flags file, a systemd unit, a shell script or an environment file kept in a string.
        other => {
            let component = flags_component(name, text, None).ok();
            let before = sink.settings.len();
            read_flag_lines(text, component, sink);
            // YAML that does not parse and names feature gates: said, never passed.
            if let Err(e) = other {
                if sink.settings.len() == before
                    && !text.contains("feature-gates")
                    && mentions_gates(text)
                {
                    sink.problem(Problem::span(
                        FindingKind::NotRead,
                        None,
                        e.pos.offset.min(text.len()),
                        1,
                        format!("this document is not valid YAML ({}): its feature gates were not checked", e.message),
                        "fix the document",
                    ));
                }
            }
        }
    }
}

fn is_scalar(node: &Node) -> bool {
    node.as_map().is_none() && node.as_seq().is_none()
}

/// Whose flags a flags text holds: the one given, else a command line's program, else the
/// longest component name in `name` (microk8s `args/kube-apiserver`, `kube-proxy.env`), else
/// the kubelet's own variables and paths.
pub(crate) fn flags_component(
    name: &str,
    src: &str,
    given: Option<Component>,
) -> Result<Component, InputError> {
    let live = |line: &&str| !line.trim_start().starts_with('#');
    let program = src.lines().filter(live).find_map(|l| {
        // `ExecStart=/usr/bin/kubelet ...` names its program after the `=`.
        let l = l.trim_start();
        let l = l.strip_prefix("ExecStart=").unwrap_or(l);
        formats::component_of_program(l.split_whitespace().next()?)
    });
    let base = name.rsplit('/').next().unwrap_or(name);
    let named = Component::ALL
        .into_iter()
        .filter(|c| base.contains(c.as_str()))
        .max_by_key(|c| c.as_str().len());
    // kubeadm writes the kubelet's flags to kubeadm-flags.env (`KUBELET_KUBEADM_ARGS`): the
    // variables name the kubelet, whatever the file is called.
    let kubelet_vars = [
        "KUBELET_KUBEADM_ARGS",
        "KUBELET_EXTRA_ARGS",
        "KUBELET_ARGS",
        "--kubelet-extra-args",
    ]
    .iter()
    .any(|v| src.contains(v))
    .then_some(Component::Kubelet);
    given
        .or(program)
        .or(kubelet_vars)
        .or(named)
        .or_else(|| {
            if src.contains("KUBELET_") || src.contains("/kubelet ") || src.contains("bin/kubelet")
            {
                return Some(Component::Kubelet);
            }
            // A path to the program anywhere on a line (`--path /k/kube-proxy/kube-proxy.exe`).
            Component::ALL.into_iter().find(|c| {
                let c = c.as_str();
                src.contains(&format!("bin/{c} "))
                    || src.contains(&format!("bin/{c}\n"))
                    || src.contains(&format!("/{c}.exe"))
            })
        })
        .ok_or_else(|| InputError {
            message: format!("cannot tell whose flags {name} holds; pass --component (for example --component kubelet)"),
            line: None,
            column: None,
        })
}

/// Every `--feature-gates` flag on the lines of `src`, for `component` (unknown: judged only
/// when the names are mostly Kubernetes gates, like the content fallback).
pub(crate) fn read_flag_lines(src: &str, component: Option<Component>, sink: &mut Sink<'_>) {
    let group = sink.group();
    let components: Vec<Component> = component.into_iter().collect();
    let mut line_start = 0;
    for line in src.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            for (at, value) in flags::scan_line(line) {
                let base = line_start + at;
                if component.is_none() {
                    let names: Vec<&str> = flags::parse(value).map(|i| i.key).collect();
                    if !generic::mostly_kubernetes(&names) {
                        sink.fallback.foreign += 1;
                        continue;
                    }
                    sink.fallback.kubernetes += 1;
                } else {
                    sink.recognised = true;
                }
                sink.flag_value(value, Some(base), base, &components, group);
            }
        }
        line_start += line.len();
    }
    if component == Some(Component::KubeProxy) && src.contains("--config") {
        sink.kube_proxy_flags_ignored(group);
    }
}

/// A feature-gate key written twice in one map: the components' strict decoding refuses the
/// file (`key "featureGates" already set in map`), and tools that do not keep only one of them.
fn repeated_gate_keys(node: &Node, sink: &mut Sink<'_>, depth: usize) {
    if depth > 64 || sink.template {
        return;
    }
    if let Some(map) = node.as_map() {
        let mut seen: Vec<&str> = Vec::new();
        for (key, value) in map {
            if let Some(k) = key.as_str() {
                // Only gate keys are remembered: a map of thousands of other keys costs one
                // pass, not one look-back per key.
                let gate_key = matches!(k, "featureGates" | "feature-gates" | "--feature-gates");
                if gate_key && seen.contains(&k) {
                    sink.problem(Problem::at(
                        FindingKind::InvalidValue,
                        None,
                        key,
                        format!("`{k}` is set a second time in this map: the component's strict decoding refuses the file (`key \"{k}\" already set in map`), and lenient readers keep only one of the two"),
                        "merge the two into one",
                    ));
                }
                if gate_key {
                    seen.push(k);
                }
            }
            repeated_gate_keys(value, sink, depth + 1);
        }
    } else if let Some(items) = node.as_seq() {
        for item in items {
            repeated_gate_keys(item, sink, depth + 1);
        }
    }
}

/// Where each byte of a scalar's text is written in the file.
pub(crate) struct OffsetMap {
    /// Where the scalar starts: the position of anything that cannot be placed.
    start: usize,
    /// The text is written verbatim from here.
    verbatim: Option<usize>,
    /// Otherwise, runs that the text and the file share: from text offset `.0`, the text is
    /// written at file offset `.1` on (a new run at each line's indentation and each escape),
    /// so the map costs a few bytes a line, not a few a byte.
    runs: Option<Vec<(u32, u32)>>,
}

impl OffsetMap {
    pub(crate) fn new(src: &str, node: &Node, text: &str) -> OffsetMap {
        let start = node.span.start.offset;
        let style = node.as_scalar().map_or(Style::Plain, |s| s.style);
        let quote = usize::from(matches!(style, Style::SingleQuoted | Style::DoubleQuoted));
        let verbatim = src
            .get(start + quote..)
            .is_some_and(|s| s.starts_with(text))
            .then_some(start + quote);
        let runs = if verbatim.is_some() {
            None
        } else {
            align(src, start + quote, text, style)
        };
        OffsetMap {
            start,
            verbatim,
            runs,
        }
    }

    pub(crate) fn get(&self, offset: usize) -> usize {
        if let Some(base) = self.verbatim {
            return base + offset;
        }
        let Some(runs) = &self.runs else {
            return self.start;
        };
        let k = runs.partition_point(|&(d, _)| d as usize <= offset);
        match k.checked_sub(1).map(|k| runs[k]) {
            Some((d, s)) => s as usize + (offset - d as usize),
            None => self.start,
        }
    }
}

/// Runs of text written as it is in the file.
struct Runs(Vec<(u32, u32)>);

impl Runs {
    /// Text byte `i` is written at file byte `at`.
    fn place(&mut self, i: usize, at: usize) -> Option<()> {
        let (i, at) = (u32::try_from(i).ok()?, u32::try_from(at).ok()?);
        match self.0.last() {
            Some(&(d, s)) if s + (i - d) == at => {}
            _ => self.0.push((i, at)),
        }
        Some(())
    }
}

/// Walks the decoded text and its source side by side: indentation, folded line breaks,
/// doubled single quotes and double-quoted escapes are the only differences YAML makes. `None`
/// when the two cannot be matched.
fn align(src: &str, from: usize, text: &str, style: Style) -> Option<Vec<(u32, u32)>> {
    let s = src.as_bytes();
    let t = text.as_bytes();
    let mut j = from;
    if matches!(style, Style::Literal | Style::Folded) && matches!(s.get(j), Some(b'|' | b'>')) {
        j += memchr::memchr(b'\n', s.get(j..)?)? + 1;
    }
    let mut runs = Runs(Vec::new());
    let mut i = 0;
    while i < t.len() {
        let c = t[i];
        match s.get(j) {
            Some(b'\\') if style == Style::DoubleQuoted => {
                let (consumed, produces) = escape(&s[j..]);
                if produces {
                    // Every byte of the character it stands for is placed at the backslash.
                    for k in 0..utf8_width(c) {
                        runs.0
                            .push((u32::try_from(i + k).ok()?, u32::try_from(j).ok()?));
                    }
                    i += utf8_width(c);
                }
                j += consumed;
            }
            Some(&x) if x == c => {
                runs.place(i, j)?;
                i += 1;
                j += 1;
                if c == b'\'' && style == Style::SingleQuoted && s.get(j) == Some(&b'\'') {
                    j += 1;
                }
            }
            Some(b' ' | b'\t' | b'\n' | b'\r') => j += 1,
            _ if matches!(c, b' ' | b'\n') => {
                runs.0
                    .push((u32::try_from(i).ok()?, u32::try_from(j).ok()?));
                i += 1;
            }
            _ => return None,
        }
    }
    Some(runs.0)
}

/// The length of the escape at the start of `s` (a backslash), and whether it stands for a
/// character of the text (an escaped line break stands for nothing).
fn escape(s: &[u8]) -> (usize, bool) {
    match s.get(1) {
        Some(b'x') => (4, true),
        Some(b'u') => (6, true),
        Some(b'U') => (10, true),
        Some(b'\n') => (2, false),
        Some(b'\r') => (if s.get(2) == Some(&b'\n') { 3 } else { 2 }, false),
        Some(_) => (2, true),
        None => (1, false),
    }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file offset of each occurrence of `needle` in the scalar at `key`.
    fn mapped(src: &str, key: &str, needle: &str) -> usize {
        let docs = gatecheck_yaml::parse(src).unwrap();
        let node = docs[0].root.get(key).unwrap();
        let text = node.as_str().unwrap();
        let map = OffsetMap::new(src, node, text);
        map.get(text.find(needle).unwrap())
    }

    #[test]
    fn positions_map_back_in_every_scalar_style() {
        for src in [
            "a: |\n  x: 1\n  featureGates:\n    Gate: true\n",
            "a: |-\n    x: 1\n    featureGates:\n      Gate: true\n",
            "a: >\n  x\n\n  featureGates:\n    Gate: true\n",
            "a: \"x: 1\\nfeatureGates:\\n  Gate: true\\n\"\n",
            "a: 'x: ''1''\n\n  featureGates: {Gate: true}'\n",
            "a: \"k: \\u00e9\\nfeatureGates: {Gate: true}\"\n",
        ] {
            let at = mapped(src, "a", "Gate:");
            assert_eq!(&src[at..at + 5], "Gate:", "{src:?}");
        }
    }

    #[test]
    fn gate_mentions_are_found_in_every_spelling() {
        for t in [
            "featureGates:",
            "--feature-gates=",
            "kube_feature_gates",
            "\"FeatureGates\"",
        ] {
            assert!(mentions_gates(t), "{t}");
        }
        for t in ["features:", "gates", "feature", "featureflags"] {
            assert!(!mentions_gates(t), "{t}");
        }
    }
}
