//! A component's Prometheus (or OpenMetrics) text, as `kubectl get --raw /metrics` prints it
//! for the apiserver and `kubectl get --raw /api/v1/nodes/NODE/proxy/metrics` for a kubelet.
//! Among all its other families, `kubernetes_build_info{git_version="v1.32.4"}` says the
//! running version and `kubernetes_feature_enabled{name="X",stage="BETA"} 1` each gate's
//! state. A gate whose state differs from its default at the running version was set, and is
//! judged as a setting of that component; a gate at its default was not set.

use super::{Problem, Sink, Value};
use crate::findings::FindingKind;
use gatecheck_rules::{Component, Registry, Rules, Status, Version};

/// Whether the text is a metrics scrape: its first line is a `# HELP` or `# TYPE` comment.
pub fn looks_like(src: &str) -> bool {
    let first = src.trim_start().lines().next().unwrap_or("");
    first.starts_with("# HELP ") || first.starts_with("# TYPE ")
}

/// The component a scrape comes from, by the metric families only it exports.
fn component_of(src: &str) -> Option<Component> {
    const FAMILIES: &[(&str, Component)] = &[
        ("\nkubelet_", Component::Kubelet),
        ("\nscheduler_", Component::KubeScheduler),
        ("\nkubeproxy_", Component::KubeProxy),
        ("\napiserver_request_total", Component::KubeApiserver),
        ("\nnode_collector_", Component::KubeControllerManager),
        ("\ncronjob_controller_", Component::KubeControllerManager),
    ];
    FAMILIES
        .iter()
        .find(|(prefix, _)| src.contains(prefix))
        .map(|&(_, c)| c)
}

/// The value of label `name` in a sample's label set, with its byte range in the line.
fn label<'l>(labels: &'l str, name: &str) -> Option<(usize, &'l str)> {
    let key = format!("{name}=\"");
    let mut from = 0;
    while let Some(i) = labels[from..].find(&key) {
        let at = from + i;
        // A whole label name: at the start or after a comma.
        if at == 0 || labels[..at].ends_with(',') || labels[..at].ends_with(' ') {
            let start = at + key.len();
            let end = labels[start..].find('"')? + start;
            return Some((start, &labels[start..end]));
        }
        from = at + key.len();
    }
    None
}

/// One sample line of `family`: its label set (with its offset in the line) and its value.
fn sample<'l>(line: &'l str, family: &str) -> Option<(usize, &'l str, &'l str)> {
    let rest = line.strip_prefix(family)?.strip_prefix('{')?;
    let close = rest.find('}')?;
    let value = rest[close + 1..].split_whitespace().next()?;
    Some((family.len() + 1, &rest[..close], value))
}

/// Reads a scrape. `given` is `--component`.
pub fn read(src: &str, given: Option<Component>, sink: &mut Sink<'_>) {
    let component = given.or_else(|| component_of(src));
    let (running, gates) = samples(src);
    if gates.is_empty() {
        if let Some(first) = src.find("# TYPE") {
            sink.problem(Problem::span(
                FindingKind::NotRead,
                component,
                first,
                6,
                "this metrics scrape has no kubernetes_feature_enabled family: the component's gates cannot be read from it",
                "scrape a component of 1.26 or later, or check its --feature-gates flag and config file",
            ));
        }
        return;
    }
    let Some((version, v_at, v_len)) = running else {
        sink.problem(Problem::span(
            FindingKind::NotRead,
            component,
            gates[0].2,
            gates[0].0.len(),
            "this scrape does not say the running version (no kubernetes_build_info): gatecheck cannot tell which gates were set and which run at their defaults",
            "include the kubernetes_build_info line of the same scrape",
        ));
        return;
    };
    let line = src[..v_at].matches('\n').count() + 1;
    sink.running
        .push((version, format!("kubernetes_build_info at line {line}")));
    // Every gate's state was read, whether or not any differs from its default.
    sink.recognised = true;
    let unsettled = push_set_gates(sink, component, version, gates);
    if unsettled > 0 {
        sink.problem(Problem::span(
            FindingKind::NotRead,
            component,
            v_at,
            v_len,
            format!("{unsettled} gates this component reports are not known to gatecheck at {version}: whether they were set cannot be told, and they were not checked"),
            "check them by hand against the component's --feature-gates flag and config file",
        ));
    }
}

/// The running version, with the offset and length of its `git_version` value.
type Running = (Version, usize, usize);

/// A gate's name, whether it is on, and the offset of its name.
type GateState<'s> = (&'s str, bool, usize);

/// The scrape's running version (with the byte range of its `git_version`), and each gate's
/// name, state and offset, in the order of the lines.
fn samples(src: &str) -> (Option<Running>, Vec<GateState<'_>>) {
    let mut running: Option<Running> = None;
    let mut gates: Vec<GateState<'_>> = Vec::new();
    let mut at = 0;
    for line in src.split_inclusive('\n') {
        if let Some((offset, labels, _)) = sample(line, "kubernetes_build_info") {
            if let Some((i, v)) = label(labels, "git_version") {
                let minor = v.trim_start_matches('v').splitn(3, ['.', '-', '+']).take(2);
                let minor: Vec<&str> = minor.collect();
                if let Ok(version) = minor.join(".").parse::<Version>() {
                    running = Some((version, at + offset + i, v.len()));
                }
            }
        } else if let Some((offset, labels, value)) = sample(line, "kubernetes_feature_enabled") {
            if let Some((i, name)) = label(labels, "name") {
                let on = value.parse::<f64>().is_ok_and(|v| v != 0.0);
                gates.push((name, on, at + offset + i));
            }
        }
        at += line.len();
    }
    (running, gates)
}

/// Pushes the gates whose state differs from their default at `version` as settings of
/// `component`. Returns how many gates gatecheck does not know at `version`.
fn push_set_gates(
    sink: &mut Sink<'_>,
    component: Option<Component>,
    version: Version,
    gates: Vec<GateState<'_>>,
) -> usize {
    let rules = Rules::embedded();
    let components: Vec<Component> = component.into_iter().collect();
    let group = sink.group();
    let mut unsettled = 0;
    for (name, on, offset) in gates {
        match rules.status(Registry::Kubernetes, name, version) {
            Ok(Status::Known { spec, .. }) if spec.default == on => {}
            Ok(Status::Known { .. }) => {
                sink.push_setting(
                    name,
                    Value::Bool(on),
                    offset,
                    name.len(),
                    &components,
                    group,
                );
            }
            _ => unsettled += 1,
        }
    }
    unsettled
}
