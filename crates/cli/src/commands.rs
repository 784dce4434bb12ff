//! `explain`, `list` and `diff`: the rules, shown to people.

use crate::{Format, StageArg};
use gatecheck_lint::FindingKind;
use gatecheck_rules::{
    Component, EvidenceKind, Gate, Lock, Registry, Rules, Stage, StageSpec, Version,
};
use serde_json::{json, Value};

fn spec_json(s: &StageSpec) -> Value {
    // `locked` is null where no source settles it.
    let locked = match s.lock.known() {
        Some(locked) => json!(locked),
        None => Value::Null,
    };
    json!({"since": s.since.to_string(), "stage": s.stage.as_str(), "default": s.default, "locked": locked})
}

fn gate_json(g: &Gate) -> Value {
    json!({
        "name": g.name,
        "registry": g.registry.as_str(),
        "components": g.components.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "kep": g.kep,
        "removed_in": g.removed_in.map(|v| v.to_string()),
        "stages": g.stages.iter().map(spec_json).collect::<Vec<_>>(),
        "depends_on": g.depends_on.iter().map(|d| json!({"since": d.since.to_string(), "gates": d.gates})).collect::<Vec<_>>(),
        "package": g.package.map(|p| p.path()),
        "patches": g.patches.iter().map(|p| json!({
            "release": p.release.to_string(),
            "from": format!("{}.{}", p.release, p.from),
            "after": format!("{}.{}", p.release, p.after),
            "spec": p.spec.as_ref().map(spec_json),
        })).collect::<Vec<_>>(),
        "evidence": g.evidence.iter().map(|e| json!({"since": e.since.to_string(), "source": e.source})).collect::<Vec<_>>(),
    })
}

fn describe(s: &StageSpec) -> String {
    format!(
        "{:<10} default {:<5}{}",
        s.stage.title(),
        s.default,
        match s.lock {
            Lock::Locked => "  locked",
            Lock::Unknown if matches!(s.stage, Stage::Ga | Stage::Deprecated) => "  lock unknown",
            _ => "",
        }
    )
}

fn print_json(v: &Value) {
    out!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

pub fn explain(name: &str, format: Format) -> u8 {
    if let Some(kind) = FindingKind::from_code(name) {
        explain_code(kind, format);
        return 0;
    }
    let rules = Rules::embedded();
    let Some(gate) = rules.find(name) else {
        let mut suggestions = rules.suggest(Registry::Kubernetes, name);
        suggestions.extend(rules.suggest(Registry::Kubeadm, name));
        say!("error: no feature gate is named {name:?} (names are case-sensitive)");
        if !suggestions.is_empty() {
            say!("  did you mean: {}", suggestions.join(", "));
        }
        return 2;
    };
    if format == Format::Json {
        print_json(&gate_json(gate));
        return 0;
    }
    explain_facts(gate);
    explain_stages(gate, &rules);
    explain_patches(gate);
    explain_evidence(gate, &rules);
    if let Some(note) = gate.note {
        out!("\n  note: {note}");
    }
    0
}

/// A finding code: its name, severity, summary and explanation.
fn explain_code(kind: FindingKind, format: Format) {
    if format == Format::Json {
        print_json(&json!({
            "code": kind.code(),
            "name": kind.name(),
            "severity": kind.severity().as_str(),
            "summary": kind.summary(),
            "explanation": kind.explanation(),
        }));
        return;
    }
    out!(
        "{}  {} ({})\n\n{}\n\n{}",
        kind.code(),
        kind.name(),
        kind.severity(),
        kind.summary(),
        kind.explanation()
    );
}

/// A gate's name, components, KEP, package and dependencies.
fn explain_facts(gate: &Gate) {
    out!("{} ({} gate)", gate.name, gate.registry);
    let comps: Vec<&str> = gate.components.iter().map(|c| c.as_str()).collect();
    out!(
        "  components: {}",
        if comps.is_empty() {
            "unknown".into()
        } else {
            comps.join(", ")
        }
    );
    match gate.kep {
        Some(k) => out!("  KEP:        {k} (https://kep.k8s.io/{k})"),
        None => out!("  KEP:        unknown"),
    }
    if let Some(p) = gate.package {
        out!("  declared:   {}", p.path());
    }
    for d in gate.depends_on {
        // Kubernetes checks dependencies from 1.35 only.
        let since = d.since.max(gatecheck_rules::DEPENDENCIES_CHECKED_FROM);
        match d.gates {
            [] => out!("  needs:      nothing from {since}"),
            gates => out!(
                "  needs:      {} enabled too, from {since}",
                gates.join(", ")
            ),
        }
    }
    out!();
}

/// A gate's stages, each with the releases it covers, and its removal.
fn explain_stages(gate: &Gate, rules: &Rules) {
    let end = gate.removed_in.unwrap_or(rules.newest().next());
    for (i, s) in gate.stages.iter().enumerate() {
        let until = gate.stages.get(i + 1).map(|n| n.since).unwrap_or(end);
        let range = match until.prev() {
            Some(last) if last == s.since => format!("{}", s.since),
            Some(_) if gate.stages.get(i + 1).is_none() && gate.removed_in.is_none() => {
                format!("{}+", s.since)
            }
            Some(last) => format!("{}–{}", s.since, last),
            None => s.since.to_string(),
        };
        out!("  {:<11} {}", range, describe(s));
    }
    if let Some(r) = gate.removed_in {
        out!("  {:<11} removed: no longer recognised", r.to_string());
    }
}

/// The patch releases inside a minor where the gate changed.
fn explain_patches(gate: &Gate) {
    if gate.patches.is_empty() {
        return;
    }
    out!("\n  patch releases (the rows above are each minor's first patch release read):");
    for p in gate.patches {
        let state = match &p.spec {
            Some(s) => describe(s),
            None => "not registered".into(),
        };
        out!(
            "  {:<11} {state}  (after {}.{}, which had the earlier state)",
            format!("{}.{}+", p.release, p.from),
            p.release,
            p.after
        );
    }
}

/// Where the gate's facts come from, release by release.
fn explain_evidence(gate: &Gate, rules: &Rules) {
    if gate.evidence.is_empty() {
        return;
    }
    out!("\n  evidence:");
    let last = gate.removed_in.unwrap_or(rules.newest());
    for (i, e) in gate.evidence.iter().enumerate() {
        let until = gate
            .evidence
            .get(i + 1)
            .and_then(|n| n.since.prev())
            .unwrap_or(last);
        let range = if until == e.since {
            e.since.to_string()
        } else {
            format!("{}–{}", e.since, until)
        };
        out!("  {:<11} {}", range, source_text(e.source));
    }
}

/// What a gates.yaml source id means, for people: by its kind, and where a kind has several
/// sources, by the id.
fn source_text(id: &str) -> &'static str {
    const OTHER: &str = "another recorded source (see gates.yaml)";
    match EvidenceKind::of(id) {
        EvidenceKind::Registry => "the release's own features packages (data/upstream/registries/)",
        EvidenceKind::PreRelease => {
            "the features packages of a pre-release (alpha, beta or rc), evaluated by Kubernetes' own code: its facts may still change before the release"
        }
        EvidenceKind::Development => {
            "the features packages of a development tree late in the release's cycle (not the release itself)"
        }
        EvidenceKind::GeneratedList => match id {
            "k8s-list-1.36dev" | "k8s-list-1.34dev" => {
                "Kubernetes' generated feature list (a later release's view)"
            }
            "k8s-feature-list-md" => "Kubernetes' generated feature_list.md",
            _ => OTHER,
        },
        EvidenceKind::Website => match id {
            "website-removed-table" => "kubernetes.io removed-gates table (no locks)",
            "website-1.27-table" => "kubernetes.io 1.27 feature-gate table (no locks)",
            "website-gate-page" => "kubernetes.io per-gate page",
            _ => OTHER,
        },
        EvidenceKind::KubeadmDocs => match id {
            "kubeadm-docs-1.31" => "kubeadm documentation (1.31)",
            _ => OTHER,
        },
        EvidenceKind::Override => "a hand correction in data/overrides.yaml, with its source",
        EvidenceKind::Other => OTHER,
    }
}

fn stage_of(s: StageArg) -> Stage {
    match s {
        StageArg::Alpha => Stage::Alpha,
        StageArg::Beta => Stage::Beta,
        StageArg::Ga => Stage::Ga,
        StageArg::Deprecated => Stage::Deprecated,
    }
}

fn registry(kubeadm: bool) -> Registry {
    if kubeadm {
        Registry::Kubeadm
    } else {
        Registry::Kubernetes
    }
}

pub fn list(
    version: Version,
    stage: Option<StageArg>,
    component: Option<Component>,
    kubeadm: bool,
    format: Format,
) -> u8 {
    let rules = Rules::embedded();
    let gates = match rules.known_at(registry(kubeadm), version) {
        Ok(g) => g,
        Err(e) => {
            say!("error: {e}");
            return 2;
        }
    };
    let gates: Vec<_> = gates
        .into_iter()
        .filter(|(_, s)| stage.is_none_or(|st| s.stage == stage_of(st)))
        .filter(|(g, _)| component.is_none_or(|c| g.components.contains(&c)))
        .collect();
    if format == Format::Json {
        let items: Vec<Value> = gates
            .iter()
            .map(|(g, s)| {
                let mut v = spec_json(s);
                v["name"] = json!(g.name);
                v["removed_in"] = json!(g.removed_in.map(|r| r.to_string()));
                v
            })
            .collect();
        print_json(&json!({"version": version.to_string(), "gates": items}));
        return 0;
    }
    for (g, s) in &gates {
        let removal = g
            .removed_in
            .map(|r| format!("  (removed in {r})"))
            .unwrap_or_default();
        out!("{:<52} {}{}", g.name, describe(s), removal);
    }
    say!(
        "{} gates recognised by {} {version}",
        gates.len(),
        if kubeadm { "kubeadm" } else { "Kubernetes" }
    );
    0
}

pub fn diff(
    from: Version,
    to: Version,
    kubeadm: bool,
    component: Option<Component>,
    only_affecting: &[std::path::PathBuf],
    format: Format,
) -> u8 {
    let rules = Rules::embedded();
    let mut changes = match rules.diff(registry(kubeadm), from, to) {
        Ok(c) => c,
        Err(e) => {
            say!("error: {e}");
            return 2;
        }
    };
    if let Some(c) = component {
        changes.retain(|ch| ch.gate.components.contains(&c));
    }
    if !only_affecting.is_empty() {
        let Some(set) = gates_set(only_affecting, from, to) else {
            return 2;
        };
        changes.retain(|ch| set.iter().any(|g| g == ch.gate.name));
    }
    if format == Format::Json {
        diff_json(&changes, from, to);
    } else {
        diff_human(&changes, from, to);
    }
    0
}

/// The gates the files set, as gatecheck reads them; directories are searched as a run
/// searches them. `None` when a file cannot be read or understood, which is said.
fn gates_set(paths: &[std::path::PathBuf], from: Version, to: Version) -> Option<Vec<String>> {
    let mut set: Vec<String> = Vec::new();
    let excludes = crate::discover::Excludes::new(&[]).expect("no globs");
    let (inputs, errors) = crate::discover::inputs(paths, excludes, false);
    if let Some((name, e)) = errors.first() {
        say!("error: {name}: {e}");
        return None;
    }
    for input in &inputs {
        let text = match crate::input::read_wanted(input) {
            Ok(t) => t,
            Err(e) => {
                if crate::input::skipped(input, &Err::<String, _>(e.clone())).is_some() {
                    continue;
                }
                say!("error: {}: {e}", input.name);
                return None;
            }
        };
        let path = input.path.clone().unwrap_or_default();
        let flags = !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) && !text.contains("apiVersion:");
        let options = gatecheck_lint::Options {
            flags_file: flags,
            ..gatecheck_lint::Options::new(to.max(from))
        };
        match gatecheck_lint::settings(&input.name, &text, &options) {
            Ok(s) => set.extend(s.into_iter().map(|s| s.gate.into_owned())),
            // A file of the directory that is not a configuration: not this command's concern.
            Err(_) if input.found => {}
            Err(e) => {
                say!("error: {}: {e}", input.name);
                return None;
            }
        }
    }
    Some(set)
}

fn diff_json(changes: &[gatecheck_rules::Change], from: Version, to: Version) {
    let items: Vec<Value> = changes
        .iter()
        .map(|c| {
            json!({
                "name": c.gate.name,
                "changes": c.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                "before": c.before.as_ref().map(spec_json),
                "after": c.after.as_ref().map(spec_json),
            })
        })
        .collect();
    let direction = if to < from { "downgrade" } else { "upgrade" };
    print_json(
        &json!({"from": from.to_string(), "to": to.to_string(), "direction": direction, "gates": items}),
    );
}

fn diff_human(changes: &[gatecheck_rules::Change], from: Version, to: Version) {
    let show = |s: &Option<StageSpec>| {
        s.as_ref()
            .map_or("—".to_string(), |s| describe(s).trim_end().to_string())
    };
    // A downgrade reads the same changes backwards: a gate "introduced" going down is one the
    // newer release removed, and so on. Say it in those words.
    let downgrade = to < from;
    if downgrade {
        say!("note: {from} → {to} is a downgrade: the changes are read from the newer release back to the older one");
    }
    let word = |k: gatecheck_rules::ChangeKind| -> &'static str {
        use gatecheck_rules::ChangeKind::*;
        match (downgrade, k) {
            (true, Introduced) => "removed-in-newer",
            (true, Removed) => "not-yet-introduced",
            (true, Promoted) => "stage-goes-back",
            (true, Locked) => "lock-dropped",
            (true, Unlocked) => "locked-again",
            (_, k) => k.as_str(),
        }
    };
    for c in changes {
        let kinds: Vec<&str> = c.kinds.iter().map(|k| word(*k)).collect();
        out!(
            "{:<52} {:<24} {}  →  {}",
            c.gate.name,
            kinds.join(","),
            show(&c.before),
            show(&c.after)
        );
    }
    say!("{} gates change from {from} to {to}", changes.len());
}
