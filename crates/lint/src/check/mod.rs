//! Turns gate settings into findings for a target version: the only place findings are made.
//!
//! `read` turns a file into settings; `judge` (here) runs the check families over them, one
//! module each: `lifecycle` (unknown, not yet introduced, removed, removed next, patch
//! releases), `locks`, `stages` (GA, deprecated, alpha, redundant, AllAlpha/AllBeta), `values`
//! (booleans, the `kube:` prefix, repeated settings), `placement` (the wrong component or
//! registry, a kubelet flag over its config file) and `dependencies` (1.35+). `file` holds the
//! file-level facts (declared versions, inline ignores).

mod combine;
mod dependencies;
mod file;
mod lifecycle;
mod lines;
mod locks;
mod make;
mod memo;
mod model;
mod placement;
mod read;
mod stages;
mod values;

use crate::findings::FindingKind;
use crate::formats::Deferred;
pub use crate::formats::Value;
use crate::formats::{Problem, Setting, Sink};
use crate::merge::{self, Merged, MetaValues};
use crate::InputError;
use gatecheck_rules::{Component, Registry, Rules, Version};
use lines::Lines;
use make::Make;
pub(crate) use memo::keep;
pub use model::{Finding, Options, Report};
use read::read;

/// Lints one file's text. `name` is only used in messages.
pub fn lint_source(name: &str, src: &str, options: &Options) -> Result<Report, InputError> {
    known_target(options.target)?;
    if passes_over(src, options) {
        return Ok(passed_over(src));
    }
    let sink = read(name, src, options)?;
    Ok(judge(src, options, sink))
}

/// [`lint_source`] without the prefilter: every file parsed and read (to test the prefilter).
#[doc(hidden)]
pub fn lint_source_read_in_full(
    name: &str,
    src: &str,
    options: &Options,
) -> Result<Report, InputError> {
    known_target(options.target)?;
    let sink = read(name, src, options)?;
    Ok(judge(src, options, sink))
}

/// Whether the file is passed over unread: it holds nothing the readers act on (see
/// [`crate::prefilter`]), and no other file's kubelet settings are merged into it.
fn passes_over(src: &str, options: &Options) -> bool {
    options.node.is_empty() && !crate::prefilter::may_hold_settings(src)
}

/// The report of a file passed over: no setting and no finding, as reading it would give; the
/// versions it declares are found in its text as for every file.
fn passed_over(src: &str) -> Report {
    Report {
        declared: file::declared_versions(src, &Lines::new(src)),
        ..Report::default()
    }
}

/// One report per entry of `each`, from one reading of the file: the options may differ in
/// their target and patch release only (`--from` judges a file at every step of an upgrade).
/// The file is read with the first entry's options (reading does not depend on the target), and
/// each report is made as the iterator is advanced, so only one is held at a time.
pub fn lint_each<'a>(
    name: &str,
    src: &'a str,
    each: &'a [Options],
) -> Result<impl Iterator<Item = Report> + 'a, InputError> {
    for options in each {
        known_target(options.target)?;
    }
    let sink = match each.first() {
        Some(first) if !passes_over(src, first) => Some(read(name, src, first)?),
        _ => None,
    };
    Ok(each.iter().map(move |options| match &sink {
        Some(sink) => judge(src, options, sink.clone()),
        None => passed_over(src),
    }))
}

/// A target newer than the data is refused: gatecheck cannot know what it removes or locks,
/// and a report with no findings would pass it.
fn known_target(target: Version) -> Result<(), InputError> {
    let newest = Rules::embedded().newest();
    if target > newest {
        return Err(InputError {
            message: gatecheck_rules::QueryError::TooNew {
                asked: target,
                newest,
            }
            .to_string(),
            line: None,
            column: None,
        });
    }
    Ok(())
}

/// Every gate setting of one file, without judging them (`gatecheck diff --only-affecting`).
pub fn settings(name: &str, src: &str, options: &Options) -> Result<Vec<Setting>, InputError> {
    if passes_over(src, options) {
        return Ok(Vec::new());
    }
    let mut sink = read(name, src, options)?;
    decide_deferred(&mut sink, options.target);
    Ok(sink.settings)
}

/// The kubelet settings of one file, located as `file:line:column`, to merge into the node's
/// other files (`Options::node`). Reads the file without judging it.
pub fn kubelet_settings(
    name: &str,
    src: &str,
    options: &Options,
) -> Result<Vec<Setting>, InputError> {
    if passes_over(src, options) {
        return Ok(Vec::new());
    }
    let mut sink = read(name, src, options)?;
    decide_deferred(&mut sink, options.target);
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

pub use crate::formats::MAX_SETTINGS_PER_FILE;

/// What depends on the target (see [`Deferred`]), decided at `target`: the problems, and the
/// version each command line's settings are judged at. One pass over the settings.
fn decide_deferred(sink: &mut Sink<'_>, target: Version) {
    let mut emulated: foldhash::HashMap<usize, Version> = Default::default();
    for d in std::mem::take(&mut sink.deferred) {
        match d {
            // component-base refuses a version newer than the binary; the group's settings are
            // then judged as the binary's own.
            Deferred::Emulated {
                version,
                offset,
                len,
                ..
            } if version > target => {
                sink.problem(Problem::span(
                    FindingKind::InvalidValue,
                    None,
                    offset,
                    len,
                    format!("--emulated-version {version} is newer than the binary ({target}): the component fails with `emulation version {version} is not between [..., {target}]`"),
                    format!("emulate {target} or an older supported version"),
                ));
            }
            Deferred::Emulated { group, version, .. } => {
                emulated.insert(group, version);
            }
            Deferred::KubeadmApi {
                api,
                removed,
                offset,
                len,
            } if target >= removed => sink.problem(Problem::span(
                FindingKind::KubeadmApiRemoved,
                Some(Component::Kubeadm),
                offset,
                len,
                format!("kubeadm {target} no longer reads {api} (removed in {removed})"),
                "run `kubeadm config migrate` to move the file to kubeadm.k8s.io/v1beta4",
            )),
            Deferred::KubeadmApi { .. } => {}
        }
    }
    if !emulated.is_empty() {
        for s in &mut sink.settings {
            s.emulated = emulated.get(&s.group).copied();
        }
    }
}

fn judge(src: &str, options: &Options, mut sink: Sink<'_>) -> Report {
    let rules = Rules::embedded();
    let make = Make {
        lines: Lines::new(src),
        unknown_seen: std::cell::Cell::new(0),
    };
    let target = options.target;
    decide_deferred(&mut sink, target);
    let settings = sink.settings.len() + sink.overflow.count;
    overflow_problem(&mut sink, settings);
    // A gate list the fallback placed is read, whether it is Kubernetes' or another project's.
    let recognised = sink.recognised || sink.fallback.kubernetes + sink.fallback.foreign > 0;
    let components = components_of(&sink.settings);
    // Room for the findings of a file whose settings are mostly findings, once.
    let mut out: Vec<Finding> =
        Vec::with_capacity(sink.problems.len() + sink.settings.len() * 3 / 2);
    out.extend(sink.problems.drain(..).map(|p| make.problem(p)));

    // The kubelet merges its config file with its flags key by key, the flag winning: an
    // overridden file setting is reported as such and not judged on its own.
    let layers = merge::kubelet_layers(&sink.settings, &options.node, &sink.ignored_groups);
    placement::overridden_by_flags(&sink.settings, &layers, &make, &mut out);
    judge_settings(&rules, options, &sink.settings, &layers, &make, &mut out);
    judge_groups(
        &rules,
        options,
        &sink.settings,
        &layers.shadowed,
        &make,
        &mut out,
    );
    in_file_order(&mut out);
    out.dedup_by(|a, b| a.offset == b.offset && a.kind == b.kind);
    let mut out = combine::one_finding_per_setting(out);
    combine::in_conditionals(&sink.conditionals, &mut out);
    let declared = {
        // What the cluster runs comes first: it is certain.
        let mut declared = sink.running.clone();
        declared.extend(file::declared_versions(src, &make.lines));
        declared
    };
    // A file read through a template is never edited.
    if !sink.template && options.fixes {
        attach_fixes(src, options, &sink.settings, &declared, &mut out);
    }
    file::apply_inline_ignores(src, &make, &mut out);
    Report {
        findings: out,
        settings,
        recognised,
        components,
        declared,
        running: std::mem::take(&mut sink.running),
        gates: gate_names(&sink.settings),
    }
}

/// Sorts findings by position, then kind (stably), unless they are already: they mostly come
/// in that order, and a finding is large to move.
fn in_file_order(findings: &mut [Finding]) {
    if !findings.is_sorted_by_key(|f| (f.offset, f.kind)) {
        findings.sort_by_key(|f| (f.offset, f.kind));
    }
}

/// A file with more settings than are checked gets a finding at the first one left unchecked.
fn overflow_problem(sink: &mut Sink<'_>, settings: usize) {
    if let Some((offset, len)) = sink.overflow.first {
        sink.problem(Problem::span(
            FindingKind::NotRead,
            None,
            offset,
            len,
            format!(
                "this file sets {settings} feature gates: gatecheck checked the first {MAX_SETTINGS_PER_FILE} and not the {} from here on",
                sink.overflow.count
            ),
            "split the file, or check the rest by hand; a real configuration sets a few dozen gates",
        ));
    }
}

/// The components the settings are for, sorted, each once.
fn components_of(settings: &[Setting]) -> Vec<Component> {
    // Marked, not collected and sorted: kind's settings name several components each.
    let mut named = [false; Component::ALL.len()];
    for c in settings.iter().flat_map(|s| s.components.iter()) {
        named[*c as usize] = true;
    }
    // `ALL` is in the components' order.
    Component::ALL
        .into_iter()
        .filter(|c| named[*c as usize])
        .collect()
}

/// The checks of each setting that has an effect: repeats, the value, and the gate's lifecycle.
fn judge_settings(
    rules: &Rules,
    options: &Options,
    settings: &[Setting],
    layers: &merge::KubeletLayers<'_>,
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) {
    let target = options.target;
    // AllAlpha / AllBeta per group: they change what "the default" is for the other settings.
    let meta_values = merge::meta_values(settings);
    let mut repeats = values::Repeats::with_capacity(settings.len());
    for (s, _) in settings
        .iter()
        .zip(&layers.shadowed)
        .filter(|(_, sh)| !**sh)
    {
        repeats.check(s, target, make, out);
        values::boolean(s, make, out);
        let switched = meta_values.get(&s.group).copied().unwrap_or_default();
        // A kubelet flag replaces the config file's value, not the default.
        let switched = MetaValues {
            replaced: layers
                .file_values
                .get(&*s.gate)
                .copied()
                .filter(|_| s.from_flag && s.components == [Component::Kubelet]),
            ..switched
        };
        lifecycle::judge_gate(rules, target, options.patch, s, switched, make, out);
    }
}

/// Checks that need a component's whole set of gates. Only the shared core registry declares
/// dependencies and has AllAlpha/AllBeta; other registries are judged setting by setting.
fn judge_groups(
    rules: &Rules,
    options: &Options,
    settings: &[Setting],
    shadowed: &[bool],
    make: &Make<'_>,
    out: &mut Vec<Finding>,
) {
    let target = options.target;
    // Before 1.35 only a file's own AllAlpha / AllBeta need the groups merged.
    let meta = || {
        settings
            .iter()
            .any(|s| gatecheck_rules::MetaGate::parse(&s.gate).is_some())
    };
    if target < gatecheck_rules::DEPENDENCIES_CHECKED_FROM && !meta() {
        return;
    }
    for group in merge::groups(settings, shadowed, &options.node) {
        let Some(first) = group.first() else { continue };
        if first.registry != Registry::Kubernetes
            || !first.components.iter().all(|c| c.shares_core_registry())
        {
            continue;
        }
        let merged = Merged::new(&group);
        // Specs (stages, defaults) are the emulated version's when the command line emulates one.
        let at = first.emulated.filter(|e| *e < target).unwrap_or(target);
        stages::meta_gates(rules, target, at, &merged, make, out);
        dependencies::check(rules, target, at, first, &merged, make, out);
    }
}

/// Attaches fixes to the findings. Without --from, the version the file declares (when it
/// declares one) is the one running now.
fn attach_fixes(
    src: &str,
    options: &Options,
    settings: &[Setting],
    declared: &[(Version, String)],
    out: &mut [Finding],
) {
    let target = options.target;
    let mut versions = declared.iter().map(|(v, _)| *v);
    let first = versions.next();
    let declared_one = first.filter(|f| versions.all(|v| v == *f));
    let running = options.running.or(declared_one).filter(|v| *v < target);
    crate::fix::attach(src, settings, out, target, running);
}

/// The gate names the file sets, each once, in the order the file first sets them. Names of
/// the rules are told apart by their address (one static text per name), not compared letter by
/// letter as sorting them did.
fn gate_names(settings: &[Setting]) -> Vec<crate::formats::GateName> {
    use crate::formats::{rules_name, GateName};
    let mut gates: Vec<GateName> = Vec::with_capacity(settings.len());
    // A file of many settings is told by a set, so that the cost stays linear.
    let mut many: Option<foldhash::HashSet<&GateName>> =
        (settings.len() > 32).then(foldhash::HashSet::default);
    for s in settings {
        let seen = match (&mut many, rules_name(&s.gate)) {
            (Some(set), _) => !set.insert(&s.gate),
            (None, Some(a)) => gates.iter().any(|g| rules_name(g) == Some(a)),
            (None, None) => gates.contains(&s.gate),
        };
        if !seen {
            gates.push(s.gate.clone());
        }
    }
    gates
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file's components are each once, in the components' order, as sorting them gave:
    /// which needs `Component::ALL` in that order, each at its own index.
    #[test]
    fn components_are_each_once_in_order() {
        for (i, c) in Component::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
        assert!(Component::ALL.is_sorted());
        let src = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nfeatureGates:\n  SidecarContainers: true\n  KubeletTracing: true\n";
        let sink = read("kind.yaml", src, &Options::new(Version::new(1, 33))).unwrap();
        let mut expected: Vec<Component> = sink
            .settings
            .iter()
            .flat_map(|s| s.components.iter().copied())
            .collect();
        expected.sort_unstable();
        expected.dedup();
        assert!(expected.len() > 1, "{expected:?}");
        assert_eq!(components_of(&sink.settings), expected);
    }

    /// A file's gate names are each once, in the order first set, whether the file sets a few
    /// (told by address) or many (told by a set), names of the rules and others alike.
    #[test]
    fn gate_names_are_each_once_in_the_order_first_set() {
        let src = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  SidecarContainers: true\n  NoSuchGate: true\n";
        let sink = read("k.yaml", src, &Options::new(Version::new(1, 33))).unwrap();
        let known = sink.settings[0].clone();
        let other = sink.settings[1].clone();
        assert!(matches!(known.gate, crate::formats::GateName::Borrowed(_)));
        assert!(matches!(other.gate, crate::formats::GateName::Owned(_)));
        let few = [&known, &other, &known, &other, &known].map(Clone::clone);
        assert_eq!(gate_names(&few), [known.gate.clone(), other.gate.clone()]);
        // Past 32 settings: the same answer.
        let many: Vec<Setting> = (0..40)
            .map(|i| {
                if i % 3 == 0 {
                    other.clone()
                } else {
                    known.clone()
                }
            })
            .collect();
        assert_eq!(gate_names(&many), [other.gate.clone(), known.gate.clone()]);
        assert!(gate_names(&[]).is_empty());
    }
}
