//! What a run says besides its findings: the upgrade notes, what the files say of the version
//! the cluster runs (and, for a dump of a running cluster, where `--from` comes from), the
//! development-data note, and the summary line.

use crate::discover::Input;
use crate::input::read;
use crate::render;
use gatecheck_lint::{lint_source, Options};
use gatecheck_rules::Version;

/// What changes at each step for the components the files configure: defaults that flip (the
/// components run with them, set or not), and, for the gates the files set, new locks,
/// deprecations and removals (a gate nobody set changes nothing when it goes).
pub fn upgrade_notes(
    from: Version,
    steps: &[Version],
    components: &[gatecheck_rules::Component],
    set: &foldhash::HashSet<gatecheck_lint::GateName>,
) -> Vec<render::Step> {
    use gatecheck_rules::ChangeKind;
    let rules = gatecheck_rules::Rules::embedded();
    let mut out = Vec::new();
    let mut prev = from;
    for &step in steps {
        let mut notes = render::Step {
            version: step.to_string(),
            default_on: Vec::new(),
            default_off: Vec::new(),
            locked: Vec::new(),
            deprecated: Vec::new(),
            removed: Vec::new(),
        };
        let changes = rules
            .diff(gatecheck_rules::Registry::Kubernetes, prev, step)
            .unwrap_or_default();
        for c in changes {
            // A gate concerns the files' components when its KEP names one of them (or no
            // source says which components it concerns).
            let concerns = c.gate.components.is_empty()
                || c.gate.components.iter().any(|g| components.contains(g));
            if !concerns {
                continue;
            }
            let is_set = set.contains(c.gate.name);
            for kind in &c.kinds {
                match kind {
                    ChangeKind::DefaultFlipped => match c.after.map(|a| a.default) {
                        Some(true) => notes.default_on.push(c.gate.name),
                        Some(false) => notes.default_off.push(c.gate.name),
                        None => {}
                    },
                    ChangeKind::Locked if is_set => notes.locked.push(c.gate.name),
                    ChangeKind::Deprecated if is_set => notes.deprecated.push(c.gate.name),
                    ChangeKind::Removed if is_set => notes.removed.push(c.gate.name),
                    _ => {}
                }
            }
        }
        out.push(notes);
        prev = step;
    }
    out
}

/// What the files' declared versions say about the upgrade, if anything.
pub fn declared_note(
    declared: &[(Version, String)],
    target: Version,
    from: Option<Version>,
) -> Option<String> {
    let first = declared.first()?;
    let mut minors: Vec<Version> = declared.iter().map(|(v, _)| *v).collect();
    minors.sort();
    minors.dedup();
    if minors.len() > 1 {
        let list: Vec<String> = minors
            .iter()
            .map(|m| {
                let at = declared
                    .iter()
                    .find(|(v, _)| v == m)
                    .map_or("", |(_, a)| a.as_str());
                format!("{m} ({at})")
            })
            .collect();
        return Some(format!(
            "the files declare different Kubernetes versions: {}; gatecheck does not guess which one the cluster runs",
            list.join(", ")
        ));
    }
    let current = first.0;
    if from.is_some() || current >= target || current.next() == target {
        return None;
    }
    Some(format!(
        "the files declare Kubernetes {current} ({}): an upgrade to {target} passes through every minor in between, and `--from {current}` judges each step",
        first.1
    ))
}

/// Said with every report on a release whose facts come from a development tree.
pub fn development_note(target: gatecheck_rules::Version) -> Option<String> {
    gatecheck_rules::Rules::embedded().development(target).map(|what| {
        format!("development data: gatecheck's {target} facts come from {what}; a change made later in the release is not known")
    })
}

/// The version a dump of the running cluster says it runs (a metrics scrape, mirror Pods, the
/// kubeadm-config ConfigMap), and where, when every such input agrees: `--from` when none is
/// given. Only a few inputs that carry such a mark are read for it, so a repository run pays
/// nothing.
pub fn running_version(inputs: &[Input], target: Version) -> Option<(Version, String)> {
    const MARKS: &[&str] = &[
        "kubernetes_build_info{",
        "kubernetes.io/config.mirror",
        "kubeadm-config",
    ];
    if inputs.len() > 64 {
        return None;
    }
    let mut found: Vec<(Version, String)> = Vec::new();
    for input in inputs {
        let Ok(src) = read(input) else { continue };
        if !MARKS.iter().any(|m| src.contains(m)) {
            continue;
        }
        let Ok(report) = lint_source(&input.name, &src, &Options::new(target)) else {
            continue;
        };
        found.extend(
            report
                .running
                .into_iter()
                .map(|(v, at)| (v, format!("{}: {at}", input.name))),
        );
    }
    let (first, at) = found.first()?.clone();
    found
        .iter()
        .all(|(v, _)| *v == first)
        .then_some((first, at))
}

/// An accepted finding that no longer occurs should go from the config, or it will hide a
/// future one.
pub fn unused_accepts(config: &crate::config::Config) {
    for a in config.accept.iter().filter(|a| !a.used) {
        say!(
            "note: {} accepts {} {}{}, which this run did not find: remove the entry",
            config
                .path
                .as_ref()
                .map_or(String::new(), |p| p.display().to_string()),
            a.file,
            a.code,
            a.gate
                .as_deref()
                .map(|g| format!(" ({g})"))
                .unwrap_or_default()
        );
    }
}
