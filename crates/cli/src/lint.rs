//! `gatecheck --target V PATH...`: find files, lint each, render findings.

use crate::discover::Input;
use crate::input::read_wanted as read;
use crate::parallel::par_for_each_ordered;

use crate::render;
use crate::{FailOn, LintArgs};
use gatecheck_lint::{lint_source, Finding, InputError, Options, Severity};
use gatecheck_rules::Version;
use std::path::PathBuf;

fn is_flags_file(input: &Input, src: &str) -> bool {
    match input
        .path
        .as_ref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
    {
        Some("yaml" | "yml" | "json") => false,
        // Templates, HCL and scripts: the linter reads them by what they are.
        Some(
            "sh" | "bash" | "tf" | "hcl" | "j2" | "jinja" | "jinja2" | "tpl" | "tftpl" | "tmpl"
            | "sls",
        ) => false,
        // A `.conf` that is a Kubernetes object (kubeadm's and kube-proxy's config files are
        // often named so) is YAML.
        Some(_) if src.starts_with("apiVersion:") || src.contains("\napiVersion:") => false,
        Some(_) => true,
        // No extension (/etc/default/kubelet) or stdin: YAML unless it looks like flags.
        // JSON (kubectl's `-o json`, a configz) is read as YAML.
        None => {
            let json = src.trim_start().starts_with(['{', '[']);
            !json
                && src.contains("-feature-gates")
                && !src.contains("apiVersion:")
                && !src.contains("-arg:")
        }
    }
}

fn threshold(f: FailOn) -> Severity {
    match f {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    }
}

/// A run's settings, resolved once from the command line, `.gatecheck.yaml` and the baseline:
/// what every later step reads.
struct Settings {
    args: LintArgs,
    config: crate::config::Config,
    baseline: Option<crate::config::Baseline>,
    target: Version,
    patch: Option<u16>,
    /// The inputs found, in order, and what could not be searched or read so far.
    inputs: Vec<Input>,
    errors: Vec<(String, InputError)>,
    /// The releases the files meet on the way: each minor after --from, up to the target.
    steps: Vec<Version>,
    /// Where --from came from, when a dump of the running cluster says it.
    running_note: Option<String>,
}

/// What the command line and `.gatecheck.yaml` configure, before the inputs are found.
struct Setup {
    config: crate::config::Config,
    baseline: Option<crate::config::Baseline>,
    target: Version,
    patch: Option<u16>,
}

/// Reads `.gatecheck.yaml` and the baseline into the arguments, and checks the target.
fn setup(args: &mut LintArgs) -> Result<Setup, String> {
    // .gatecheck.yaml: a default target, excludes, severities, accepted findings.
    let start = args
        .paths
        .first()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = match (args.no_config, crate::config::find(&start)) {
        (false, Some(path)) => crate::config::load(&path).map_err(|e| e.to_string())?,
        _ => crate::config::Config::default(),
    };
    if let (None, Some(t)) = (args.target, &config.target) {
        let at = config
            .path
            .as_ref()
            .map_or(String::new(), |p| p.display().to_string());
        args.target = Some(t.parse().map_err(|e| format!("{at}: target: {e}"))?);
    }
    args.exclude.extend(config.exclude.iter().cloned());
    let baseline = match &args.baseline {
        Some(path) => Some(crate::config::Baseline::load(path).map_err(|e| e.to_string())?),
        None => None,
    };
    let (target, patch) = checked_target(args)?;
    Ok(Setup {
        config,
        baseline,
        target,
        patch,
    })
}

/// The target and its patch release: given, known to gatecheck, and newer than --from.
fn checked_target(args: &LintArgs) -> Result<(Version, Option<u16>), String> {
    let Some(gatecheck_rules::Target {
        version: target,
        patch,
    }) = args.target
    else {
        return Err("--target is required: the Kubernetes version you are upgrading to (for example --target 1.33)\n\nFor more information, try '--help'.".into());
    };
    let rules = gatecheck_rules::Rules::embedded();
    if target > rules.newest() {
        let e = gatecheck_rules::QueryError::TooNew {
            asked: target,
            newest: rules.newest(),
        };
        return Err(e.to_string());
    }
    if let Some(from) = args.from.filter(|f| *f >= target) {
        return Err(format!("--from {from} is not older than --target {target}: an upgrade goes up (`gatecheck diff {from} {target}` shows what a downgrade changes)"));
    }
    Ok((target, patch))
}

/// Resolves the run's settings: the configuration, the inputs, and the upgrade's steps. An
/// error is said and ends the run with exit 2.
fn resolve(mut args: LintArgs) -> Result<Settings, String> {
    let Setup {
        config,
        baseline,
        target,
        patch,
    } = setup(&mut args)?;
    if args.paths.is_empty() {
        return Err("no files given; pass files, directories, or - for standard input\n\nFor more information, try '--help'.".into());
    }
    let excludes = crate::discover::Excludes::new(&args.exclude)?;
    let (inputs, errors) = crate::discover::inputs(&args.paths, excludes, args.gitignore);
    if inputs.is_empty() && errors.is_empty() {
        return Err(format!("no configuration files found in {}: gatecheck reads *.yaml, *.yml, *.conf and *.env files (and - for standard input)", args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")));
    }
    // A dump of the running cluster says where the upgrade starts, when --from does not.
    let mut running_note = None;
    if args.from.is_none() {
        if let Some((from, at)) = crate::notes::running_version(&inputs, target) {
            if from < target {
                running_note = Some(format!("upgrading from {from}, the version the cluster runs ({at}): each step to {target} is judged (pass --from to say otherwise)"));
                args.from = Some(from);
            }
        }
    }
    let steps = match args.from {
        Some(from) => (from.minor + 1..=target.minor)
            .map(|m| Version::new(1, m))
            .collect(),
        None => vec![target],
    };
    Ok(Settings {
        args,
        config,
        baseline,
        target,
        patch,
        inputs,
        errors,
        steps,
        running_note,
    })
}

pub fn run(args: LintArgs) -> u8 {
    let mut run = match resolve(args) {
        Ok(s) => s,
        Err(e) => {
            say!("error: {e}");
            return 2;
        }
    };
    if run.args.diff {
        return run.linter().diff(&run.inputs);
    }
    let target_text = run.target_text();
    let emitter = render::emitter(run.args.format, &target_text, run.args.from.is_some());
    let mut emitter = match emitter {
        Ok(e) => e,
        Err(e) => {
            say!("error: cannot write the report: {e}");
            return 2;
        }
    };
    let mut tally = Tally {
        gates: run.args.from.is_some().then(Default::default),
        ..Tally::default()
    };
    let finished = run
        .lint_all(&mut *emitter, &mut tally)
        .and_then(|()| run.finish(&mut *emitter, &tally, &target_text));
    if let Err(e) = finished {
        say!("error: cannot write the report: {e}");
        return 2;
    }
    exit_code(run.errors.is_empty(), &tally.counts, run.args.fail_on)
}

impl Settings {
    fn linter(&self) -> Linter<'_> {
        Linter {
            args: &self.args,
            target: self.target,
            patch: self.patch,
            steps: &self.steps,
        }
    }

    /// The target as the reports name it: `1.33`, or `1.33.4` with a patch release.
    fn target_text(&self) -> String {
        gatecheck_rules::Target {
            version: self.target,
            patch: self.patch,
        }
        .to_string()
    }

    /// Hands the output format what could not be searched, then every input's outcome in order.
    fn lint_all(
        &mut self,
        emitter: &mut (dyn render::Emitter + Send),
        tally: &mut Tally,
    ) -> std::io::Result<()> {
        for (name, e) in &self.errors {
            emitter.file(
                name,
                render::Outcome::Failed {
                    src: None,
                    error: e,
                },
            )?;
        }
        // Built from the fields (not `self.linter()`), so that the config, baseline and errors
        // can be borrowed for the output at the same time.
        let lint = Linter {
            args: &self.args,
            target: self.target,
            patch: self.patch,
            steps: &self.steps,
        };
        let mut out = Out {
            emitter,
            tally,
            config: &mut self.config,
            baseline: &mut self.baseline,
            errors: &mut self.errors,
            strict: self.args.strict,
        };
        let inputs = &self.inputs;
        if self.args.node {
            // Each file is judged with the others' kubelet settings.
            lint.node(inputs, |i, outcome| out.file(&inputs[i], outcome))
        } else {
            // Each file is read and linted by one worker, on every core, and handed to the
            // output format in order as soon as it and the files before it are done: memory
            // holds a few files' results, whatever the number of files or findings.
            par_for_each_ordered(
                inputs,
                |input| lint.one(input),
                |i, outcome| out.file(&inputs[i], outcome),
            )
        }
    }

    /// The end of the run: the notes, and the summary the output format ends with.
    fn finish(
        &self,
        emitter: &mut (dyn render::Emitter + Send),
        tally: &Tally,
        target_text: &str,
    ) -> std::io::Result<()> {
        let (target, from) = (self.target, self.args.from);
        // What the files say the cluster runs now: an upgrade that skips minors, or files that
        // do not agree, are worth a word (never a guess).
        let version_note = self
            .running_note
            .clone()
            .or_else(|| crate::notes::declared_note(&tally.declared, target, from));
        let development = crate::notes::development_note(target);
        // Notes go to standard error: what the output holds back goes first.
        emitter.flush()?;
        crate::notes::unused_accepts(&self.config);
        let no_gates = foldhash::HashSet::default();
        let gates = tally.gates.as_ref().unwrap_or(&no_gates);
        let upgrade = from.map(|from| render::Upgrade {
            from: from.to_string(),
            to: target.to_string(),
            components: tally.components.iter().map(|c| c.as_str()).collect(),
            steps: crate::notes::upgrade_notes(from, &self.steps, &tally.components, gates),
        });
        emitter.finish(&render::Summary {
            target: target_text,
            checked: self.inputs.len(),
            recognised: tally.recognised,
            with_settings: tally.with_settings,
            unrecognised: &tally.unrecognised,
            skipped: &tally.skipped,
            errors: &self.errors,
            counts: tally.counts,
            development: development.as_deref(),
            versions: version_note.as_deref(),
            upgrade: upgrade.as_ref(),
        })
    }
}

/// 2 when an input could not be read; 1 when a finding is at or above --fail-on; else 0.
fn exit_code(all_read: bool, counts: &render::Counts, fail_on: FailOn) -> u8 {
    if !all_read {
        2
    } else if counts.any_at_or_above(threshold(fail_on)) {
        1
    } else {
        0
    }
}

/// Where each file's outcome goes: counted, filtered by the config and baseline, written.
struct Out<'a> {
    emitter: &'a mut (dyn render::Emitter + Send),
    tally: &'a mut Tally,
    config: &'a mut crate::config::Config,
    baseline: &'a mut Option<crate::config::Baseline>,
    errors: &'a mut Vec<(String, InputError)>,
    strict: bool,
}

impl Out<'_> {
    /// One file's outcome: its findings, an error, or (a file a search found and need not read)
    /// a count of what was skipped.
    fn file(&mut self, input: &Input, outcome: Linted) -> std::io::Result<()> {
        let name = input.name.as_str();
        let (src, error) = match outcome {
            Ok((src, Ok(report))) => {
                let findings =
                    self.tally
                        .add(name, report, self.config, self.baseline, self.strict);
                return self.emitter.file(
                    name,
                    render::Outcome::Linted {
                        src: &src,
                        findings: &findings,
                    },
                );
            }
            Ok((src, Err(e))) => (Some(src), e),
            Err(e) => {
                if let Some(why) = crate::input::skipped(input, &Err::<String, _>(e.clone())) {
                    self.tally.skipped.push((input.name.clone(), why));
                    return Ok(());
                }
                (None, e)
            }
        };
        let src = src.as_deref().filter(|s| !s.is_empty());
        self.emitter
            .file(name, render::Outcome::Failed { src, error: &error })?;
        self.errors.push((input.name.clone(), error));
        Ok(())
    }
}

/// Reads and lints files: every step of the upgrade, with the run's options.
pub(crate) struct Linter<'a> {
    pub(crate) args: &'a LintArgs,
    pub(crate) target: Version,
    pub(crate) patch: Option<u16>,
    pub(crate) steps: &'a [Version],
}

/// A file's text (kept only where the output shows excerpts) and its report, or why it could
/// not be read.
pub(crate) type Linted = Result<(String, Result<gatecheck_lint::Report, InputError>), InputError>;

impl Linter<'_> {
    pub(crate) fn options(&self, input: &Input, src: &str) -> Options {
        Options {
            target: self.target,
            patch: self.patch,
            component: self.args.component,
            flags_file: is_flags_file(input, src),
            node: Vec::new(),
            running: self.args.from,
            fixes: self.args.fix || self.args.diff || render::shows_fixes(self.args.format),
        }
    }

    /// One report per step; a finding already made at an earlier step is not repeated.
    pub(crate) fn lint(
        &self,
        input: &Input,
        src: &str,
        options: &Options,
    ) -> Result<gatecheck_lint::Report, InputError> {
        if self.steps.len() == 1 {
            return lint_source(&input.name, src, options);
        }
        // The file is read once and judged at every step.
        let each: Vec<Options> = self
            .steps
            .iter()
            .map(|&step| Options {
                target: step,
                patch: if step == self.target {
                    self.patch
                } else {
                    None
                },
                ..options.clone()
            })
            .collect();
        let reports = gatecheck_lint::lint_each(&input.name, src, &each)?;
        let mut merged: Option<gatecheck_lint::Report> = None;
        // The findings made so far, by position, kind and gate: one look-up each, so a file
        // with thousands of findings costs no more per step than per finding.
        let key = |f: &Finding| (f.offset, f.kind, f.gate.clone());
        let mut seen = std::collections::HashSet::new();
        for (&step, mut report) in self.steps.iter().zip(reports) {
            for f in &mut report.findings {
                f.message = format!("upgrading to {step}: {}", f.message).into();
                f.step = Some(step);
            }
            match &mut merged {
                None => {
                    seen.extend(report.findings.iter().map(key));
                    merged = Some(report);
                }
                Some(m) => m
                    .findings
                    .extend(report.findings.into_iter().filter(|f| seen.insert(key(f)))),
            }
        }
        Ok(merged.unwrap_or_default())
    }

    /// Only a format that shows excerpts keeps a file's text: the others drop it in the
    /// worker, so a batch never holds its files' text.
    pub(crate) fn keep_text(&self, src: String) -> String {
        if render::shows_excerpts(self.args.format) {
            src
        } else {
            String::new()
        }
    }

    /// Reads and lints one file.
    fn one(&self, input: &Input) -> Linted {
        let src = read(input)?;
        let options = self.options(input, &src);
        let report = self.lint(input, &src, &options);
        if self.args.fix {
            if let Ok(r) = &report {
                if let Some((new, report)) = self.fix(input, &src, r, &options) {
                    return Ok((self.keep_text(new), report));
                }
            }
        }
        Ok((self.keep_text(src), report))
    }
}

/// What the run has seen so far, beyond what each format keeps.
#[derive(Default)]
struct Tally {
    recognised: usize,
    with_settings: usize,
    unrecognised: Vec<String>,
    /// The gates the files set, for the upgrade notes: gathered only for an upgrade (`--from`).
    gates: Option<foldhash::HashSet<gatecheck_lint::GateName>>,
    /// Files a directory search found and left unread, and why (binary, encrypted, JSON that
    /// is no Kubernetes object).
    skipped: Vec<(String, &'static str)>,
    components: Vec<gatecheck_rules::Component>,
    /// The first declared version, then the first of each other minor (all the note names).
    declared: Vec<(Version, String)>,
    /// Findings reported, by severity: error, warning, info.
    counts: render::Counts,
}

impl Tally {
    /// Counts a file's report and returns the findings it keeps: the config's severities and
    /// accepted findings, and the baseline, apply; with --strict, what gatecheck could not read
    /// is an error.
    fn add(
        &mut self,
        name: &str,
        report: gatecheck_lint::Report,
        config: &mut crate::config::Config,
        baseline: &mut Option<crate::config::Baseline>,
        strict: bool,
    ) -> Vec<Finding> {
        for (v, at) in &report.declared {
            if !self.declared.iter().any(|(d, _)| d == v) {
                self.declared.push((*v, format!("{name}: {at}")));
            }
        }
        // Known gates' names are borrowed from the rules: a set of them copies no text.
        if let Some(gates) = &mut self.gates {
            gates.extend(report.gates);
        }
        for c in &report.components {
            if !self.components.contains(c) {
                self.components.push(*c);
                self.components.sort();
            }
        }
        if report.recognised {
            self.recognised += 1;
        } else {
            self.unrecognised.push(name.to_string());
        }
        if report.settings > 0 {
            self.with_settings += 1;
        }
        // Filtered in place: a finding is moved only when one before it was dropped.
        let mut kept = report.findings;
        kept.retain_mut(|f| {
            if !config.keep(name, f) {
                return false;
            }
            if baseline.as_mut().is_some_and(|b| b.accepts(name, f)) {
                return false;
            }
            if strict
                && matches!(
                    f.kind,
                    gatecheck_lint::FindingKind::Template | gatecheck_lint::FindingKind::NotRead
                )
            {
                f.severity = Severity::Error;
            }
            true
        });
        for f in &kept {
            self.counts.add(f.severity);
        }
        kept
    }
}
