//! Reading a file into settings and problems: the formats, MIME user data, flags files, a
//! repeated gate key, and the files that mention gates but were not read (GC020).

use super::Options;
use crate::findings::FindingKind;
use crate::formats::{self, Problem, Sink};
use crate::{flags, InputError};
use gatecheck_rules::Component;

/// Every setting and problem the readers find in one file.
pub(super) fn read<'a>(
    name: &str,
    src: &'a str,
    options: &Options,
) -> Result<Sink<'a>, InputError> {
    let mut sink = Sink::new(src);
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
                sink.problem(Problem::span(
                    FindingKind::Template,
                    None,
                    e.pos.offset.min(src.len()),
                    1,
                    format!("{name} is a template that is not YAML until it is rendered ({}): gatecheck cannot read its feature gates", e.message),
                    "render it and check the result (for example `helm template ... | gatecheck --target X -`)",
                ));
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

/// Where the file mentions feature gates although nothing in it was read: no format claimed
/// it, and the content fallback placed no gate structure (neither Kubernetes' nor another
/// project's). Never a silent pass.
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
        sink.problem(Problem::span(
            FindingKind::NotRead,
            None,
            offset,
            len,
            "this file mentions feature gates, but gatecheck does not know its kind and found no gate setting it could place: its gates were not checked",
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
