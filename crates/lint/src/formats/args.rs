//! The shapes gate settings take on command lines and in config maps that several formats
//! share: a `--feature-gates` value (with template placeholders), a container's argument list,
//! kubeadm's and Talos' `extraArgs`, `--emulated-version`, kube-proxy's flags beside `--config`.

use super::sink::{invalid, Deferred, Problem, Setting, Sink, Value};
use crate::findings::FindingKind;
use crate::{flags, template};
use gatecheck_rules::{Component, Registry, Version};
use gatecheck_yaml::{Node, Style};

impl Sink<'_> {
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
    pub(super) fn template_notice(
        &mut self,
        text: &str,
        offset: usize,
        len: usize,
        judged_default: bool,
    ) {
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
                gate: super::sink::gate_name(item.key),
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
