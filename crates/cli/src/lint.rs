//! `gatecheck --target V PATH...`: find files, lint each, render findings.

use crate::render;
use crate::{FailOn, LintArgs, LintFormat as Format};
use gatecheck_lint::{lint_source, Finding, InputError, Options, Severity};
use gatecheck_rules::Version;
use serde_json::json;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Findings shown per file in human output; the rest are counted.
const MAX_SHOWN: usize = 200;

/// Larger inputs are refused: real configuration files are a few kilobytes.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

struct Input {
    name: String,
    path: Option<PathBuf>,
    /// Found by searching a directory (not named on the command line).
    found: bool,
}

/// `*` and `?` matching, against the whole path and against the file name. Linear in the
/// text for each star (the classic backtrack-to-the-last-star walk): no pattern can make it
/// explode.
fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

fn excluded(path: &Path, globs: &[String]) -> bool {
    let full = path.to_string_lossy();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    globs
        .iter()
        .any(|g| glob_match(g, &full) || glob_match(g, &name))
}

/// Files a directory search picks up: YAML and the usual names of flag files.
fn wanted(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "conf" | "env")
    )
}

fn walk(
    dir: &Path,
    globs: &[String],
    out: &mut Vec<Input>,
    errors: &mut Vec<(String, InputError)>,
) {
    let mut seen = std::collections::HashSet::new();
    walk_dir(dir, globs, out, errors, &mut seen);
}

/// Walks `dir`, entering each real directory once: a symlink that leads back up the tree
/// (`loop -> .`) is skipped, not followed forever.
fn walk_dir(
    dir: &Path,
    globs: &[String],
    out: &mut Vec<Input>,
    errors: &mut Vec<(String, InputError)>,
    seen: &mut std::collections::HashSet<PathBuf>,
) {
    if let Ok(real) = std::fs::canonicalize(dir) {
        if !seen.insert(real) {
            return;
        }
    }
    // The entry's type comes from the directory listing (no stat per file); only a symlink is
    // looked up, to learn whether it leads to a directory.
    let mut entries: Vec<(PathBuf, Option<std::fs::FileType>)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| (e.path(), e.file_type().ok())))
            .collect(),
        Err(e) => {
            errors.push((
                dir.display().to_string(),
                plain(format!("cannot read directory: {e}")),
            ));
            return;
        }
    };
    // One directory's entries differ in their last component only: comparing the bytes gives
    // the same order as comparing paths component by component, at a fraction of the cost.
    entries.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    for (path, kind) in entries {
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden || excluded(&path, globs) {
            continue;
        }
        let is_dir = match kind {
            Some(k) if !k.is_symlink() => k.is_dir(),
            _ => path.is_dir(),
        };
        if is_dir {
            walk_dir(&path, globs, out, errors, seen);
        } else if wanted(&path) {
            out.push(Input {
                name: path.display().to_string(),
                path: Some(path),
                found: true,
            });
        }
    }
}

fn plain(message: String) -> InputError {
    InputError {
        message,
        line: None,
        column: None,
    }
}

/// Reads a file as text, refusing binary, huge and non-UTF-8 input with a position.
fn read(input: &Input) -> Result<String, InputError> {
    let mut bytes = Vec::new();
    match &input.path {
        None => {
            std::io::stdin()
                .take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| plain(format!("cannot read standard input: {e}")))?;
        }
        Some(p) => {
            // Only regular files are read: a FIFO or device named *.yaml would block or never
            // end. Opened without blocking (a FIFO with no writer would block in open), then
            // asked what it is.
            let mut open = std::fs::OpenOptions::new();
            open.read(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
            let file = open
                .open(p)
                .map_err(|e| plain(format!("cannot read file: {e}")))?;
            let meta = file
                .metadata()
                .map_err(|e| plain(format!("cannot read file: {e}")))?;
            if !meta.is_file() {
                return Err(plain(
                    "not a regular file (a FIFO, socket or device); not read".into(),
                ));
            }
            // Sized from the file's length: one read instead of a growing buffer.
            bytes.reserve_exact(meta.len().min(MAX_FILE_BYTES) as usize + 1);
            file.take(MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| plain(format!("cannot read file: {e}")))?;
        }
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(plain(format!(
            "file is larger than {} MiB; not a configuration file",
            MAX_FILE_BYTES >> 20
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError {
            message: "file is empty".into(),
            line: Some(1),
            column: Some(1),
        });
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(positioned("binary file (contains a NUL byte)", &bytes, at));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        positioned("file is not valid UTF-8", e.as_bytes(), at)
    })
}

/// An input error at byte `at` of `bytes`, with its 1-based line and column.
fn positioned(message: &str, bytes: &[u8], at: usize) -> InputError {
    let before = &bytes[..at];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = at
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    InputError {
        message: message.into(),
        line: Some(line),
        column: Some(column),
    }
}

fn is_flags_file(input: &Input, src: &str) -> bool {
    match input
        .path
        .as_ref()
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
    {
        Some("yaml" | "yml" | "json") => false,
        // A `.conf` that is a Kubernetes object (kubeadm's and kube-proxy's config files are
        // often named so) is YAML.
        Some(_) if src.starts_with("apiVersion:") || src.contains("\napiVersion:") => false,
        Some(_) => true,
        // No extension (/etc/default/kubelet) or stdin: YAML unless it looks like flags.
        None => {
            src.contains("-feature-gates") && !src.contains("apiVersion:") && !src.contains("-arg:")
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

/// `f` over `items` on every core, in the items' order. Work is handed out one item at a
/// time, so a few large files do not hold up the rest.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        out.push((i, f(item)));
                    }
                    out
                })
            })
            .collect();
        // A worker that panicked takes the run down with it: losing its files' results would be
        // a silent pass.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// `--gitignore`: drops the files found by searching directories that git ignores (git's own
/// `check-ignore` decides, so .gitignore, .git/info/exclude and the global excludes all count).
/// Files named on the command line are always read.
fn drop_git_ignored(inputs: &mut Vec<Input>) -> Result<(), String> {
    use std::io::Write;
    let found: Vec<&Path> = inputs
        .iter()
        .filter(|i| i.found)
        .filter_map(|i| i.path.as_deref())
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    let mut child = std::process::Command::new("git")
        .args(["check-ignore", "--stdin", "-z"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin for git")?;
    let mut list: Vec<u8> = Vec::new();
    for p in &found {
        list.extend_from_slice(p.to_string_lossy().as_bytes());
        list.push(0);
    }
    let writer = std::thread::spawn(move || stdin.write_all(&list));
    let out = child.wait_with_output().map_err(|e| format!("git: {e}"))?;
    let _ = writer.join();
    // Exit code 1 means "nothing ignored"; 128 is an error (not a git work tree).
    if out.status.code() == Some(128) {
        return Err(format!(
            "git check-ignore failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let ignored: std::collections::HashSet<&[u8]> = out
        .stdout
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .collect();
    inputs.retain(|i| {
        !i.found
            || i.path
                .as_ref()
                .is_none_or(|p| !ignored.contains(p.to_string_lossy().as_bytes()))
    });
    Ok(())
}

/// What changes at one step of an upgrade for the components in the files, whether or not the
/// files set the gates: defaults that flip, new locks, deprecations, removals.
struct StepNotes {
    version: Version,
    default_on: Vec<&'static str>,
    default_off: Vec<&'static str>,
    locked: Vec<&'static str>,
    deprecated: Vec<&'static str>,
    removed: Vec<&'static str>,
}

impl StepNotes {
    /// "on by default: A, B" and so on, for the kinds of change this step has.
    fn parts(&self) -> Vec<String> {
        [
            ("on by default", &self.default_on),
            ("off by default", &self.default_off),
            ("locked", &self.locked),
            ("deprecated", &self.deprecated),
            ("removed", &self.removed),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(what, v)| format!("{what}: {}", v.join(", ")))
        .collect()
    }
}

fn upgrade_notes(
    from: Version,
    steps: &[Version],
    components: &[gatecheck_rules::Component],
) -> Vec<StepNotes> {
    use gatecheck_rules::ChangeKind;
    let rules = gatecheck_rules::Rules::embedded();
    let mut out = Vec::new();
    let mut prev = from;
    for &step in steps {
        let mut notes = StepNotes {
            version: step,
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
            for kind in &c.kinds {
                match kind {
                    ChangeKind::DefaultFlipped => match c.after.map(|a| a.default) {
                        Some(true) => notes.default_on.push(c.gate.name),
                        Some(false) => notes.default_off.push(c.gate.name),
                        None => {}
                    },
                    ChangeKind::Locked => notes.locked.push(c.gate.name),
                    ChangeKind::Deprecated => notes.deprecated.push(c.gate.name),
                    ChangeKind::Removed => notes.removed.push(c.gate.name),
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
fn declared_note(
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
fn development_note(target: gatecheck_rules::Version) -> Option<String> {
    gatecheck_rules::Rules::embedded().development(target).map(|what| {
        format!("development data: gatecheck's {target} facts come from {what}; a change made later in the release is not known")
    })
}

pub fn run(mut args: LintArgs) -> u8 {
    // .gatecheck.yaml: a default target, excludes, severities, accepted findings.
    let start = args
        .paths
        .first()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let mut config = match (args.no_config, crate::config::find(&start)) {
        (false, Some(path)) => match crate::config::load(&path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
        _ => crate::config::Config::default(),
    };
    if args.target.is_none() {
        if let Some(t) = &config.target {
            match t.parse() {
                Ok(t) => args.target = Some(t),
                Err(e) => {
                    eprintln!(
                        "error: {}: target: {e}",
                        config
                            .path
                            .as_ref()
                            .map_or(String::new(), |p| p.display().to_string())
                    );
                    return 2;
                }
            }
        }
    }
    args.exclude.extend(config.exclude.iter().cloned());
    let mut baseline = match &args.baseline {
        Some(path) => match crate::config::Baseline::load(path) {
            Ok(b) => Some(b),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
        None => None,
    };
    let Some(gatecheck_rules::Target {
        version: target,
        patch,
    }) = args.target
    else {
        eprintln!("error: --target is required: the Kubernetes version you are upgrading to (for example --target 1.33)\n\nFor more information, try '--help'.");
        return 2;
    };
    let rules = gatecheck_rules::Rules::embedded();
    if target > rules.newest() {
        eprintln!(
            "error: {}",
            gatecheck_rules::QueryError::TooNew {
                asked: target,
                newest: rules.newest()
            }
        );
        return 2;
    }
    if let Some(from) = args.from.filter(|f| *f >= target) {
        eprintln!("error: --from {from} is not older than --target {target}: an upgrade goes up (`gatecheck diff {from} {target}` shows what a downgrade changes)");
        return 2;
    }
    // The releases the files meet on the way: each minor after --from, up to the target.
    let steps: Vec<Version> = match args.from {
        Some(from) => (from.minor + 1..=target.minor)
            .map(|m| Version::new(1, m))
            .collect(),
        None => vec![target],
    };
    if args.paths.is_empty() {
        eprintln!("error: no files given; pass files, directories, or - for standard input\n\nFor more information, try '--help'.");
        return 2;
    }
    let mut inputs = Vec::new();
    let mut errors: Vec<(String, InputError)> = Vec::new();
    for p in &args.paths {
        if p.as_os_str() == "-" {
            inputs.push(Input {
                name: "<stdin>".into(),
                path: None,
                found: false,
            });
        } else if p.is_dir() {
            walk(p, &args.exclude, &mut inputs, &mut errors);
        } else if !excluded(p, &args.exclude) {
            inputs.push(Input {
                name: p.display().to_string(),
                path: Some(p.clone()),
                found: false,
            });
        }
    }
    if args.gitignore {
        if let Err(e) = drop_git_ignored(&mut inputs) {
            eprintln!("error: --gitignore: {e}");
            return 2;
        }
    }
    let mut all: Vec<(String, Finding)> = Vec::new();
    let mut sources: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for (name, e) in &errors {
        eprintln!("{}", render::human::error(name, None, e));
    }
    if inputs.is_empty() && errors.is_empty() {
        eprintln!("error: no configuration files found in {}: gatecheck reads *.yaml, *.yml, *.conf and *.env files (and - for standard input)", args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "));
        return 2;
    }
    let (mut recognised, mut with_settings) = (0usize, 0usize);
    let mut unrecognised: Vec<String> = Vec::new();
    let mut components: Vec<gatecheck_rules::Component> = Vec::new();
    let mut declared: Vec<(Version, String)> = Vec::new();
    // Files go in batches (all at once with --node, which merges settings across files): each
    // batch is read and linted on every core, and its files' text is dropped afterwards unless
    // the output format shows excerpts, so memory does not grow with the number of files.
    let batch_size = if args.node { inputs.len().max(1) } else { 512 };
    let options_for = |input: &Input, src: &str| Options {
        target,
        patch,
        component: args.component,
        flags_file: is_flags_file(input, src),
        node: Vec::new(),
    };
    let lint_one = |(input, src, options): &(&Input, String, Options)| {
        // One report per step; a finding already made at an earlier step is not repeated.
        let mut merged: Option<gatecheck_lint::Report> = None;
        for &step in &steps {
            let options = Options {
                target: step,
                patch: if step == target { patch } else { None },
                ..options.clone()
            };
            let mut report = lint_source(&input.name, src, &options)?;
            if steps.len() > 1 {
                for f in &mut report.findings {
                    f.message = format!("upgrading to {step}: {}", f.message);
                }
            }
            match &mut merged {
                None => merged = Some(report),
                Some(m) => {
                    for f in report.findings {
                        let seen = m
                            .findings
                            .iter()
                            .any(|g| g.offset == f.offset && g.kind == f.kind && g.gate == f.gate);
                        if !seen {
                            m.findings.push(f);
                        }
                    }
                }
            }
        }
        Ok::<_, InputError>(merged.unwrap_or_default())
    };
    for batch in inputs.chunks(batch_size) {
        let mut readable: Vec<(&Input, String, Options)> = Vec::new();
        let mut reports = Vec::new();
        let mut unreadable = |input: &Input, e: InputError| {
            if args.format == Format::Human {
                eprintln!("{}", render::human::error(&input.name, None, &e));
            }
            errors.push((input.name.clone(), e));
        };
        if args.node {
            // Read everything first: each file is judged with the others' kubelet settings.
            for (input, text) in batch.iter().zip(par_map(batch, read)) {
                match text {
                    Ok(src) => {
                        let options = options_for(input, &src);
                        readable.push((input, src, options));
                    }
                    Err(e) => unreadable(input, e),
                }
            }
            let kubelet: Vec<Vec<gatecheck_lint::Setting>> = readable
                .iter()
                .map(|(input, src, options)| {
                    gatecheck_lint::kubelet_settings(&input.name, src, options).unwrap_or_default()
                })
                .collect();
            for (i, (_, _, options)) in readable.iter_mut().enumerate() {
                options.node = kubelet
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .flat_map(|(_, k)| k.iter().cloned())
                    .collect();
            }
            reports = par_map(&readable, lint_one);
        } else {
            // Each file is read and linted by one worker, on every core; results keep the
            // inputs' order.
            let done = par_map(batch, |input| {
                let src = read(input)?;
                let options = options_for(input, &src);
                let item = (input, src, options);
                let report = lint_one(&item);
                let (_, mut src, options) = item;
                // Only human output shows the text again (excerpts): other formats drop it here,
                // so a batch never holds its files' text.
                if args.format != Format::Human {
                    src = String::new();
                }
                Ok::<_, InputError>((src, options, report))
            });
            for (input, outcome) in batch.iter().zip(done) {
                match outcome {
                    Ok((src, options, report)) => {
                        readable.push((input, src, options));
                        reports.push(report);
                    }
                    Err(e) => unreadable(input, e),
                }
            }
        }
        assert_eq!(reports.len(), readable.len(), "a report for every file");
        for ((input, src, _), result) in readable.into_iter().zip(reports) {
            let before = all.len();
            match result {
                Ok(report) => {
                    declared.extend(
                        report
                            .declared
                            .iter()
                            .map(|(v, at)| (*v, format!("{}: {at}", input.name))),
                    );
                    components.extend(report.components.iter().copied());
                    components.sort();
                    components.dedup();
                    if report.recognised {
                        recognised += 1;
                    } else {
                        unrecognised.push(input.name.clone());
                    }
                    if report.settings > 0 {
                        with_settings += 1;
                    }
                    all.extend(report.findings.into_iter().filter_map(|mut f| {
                        if !config.keep(&input.name, &mut f) {
                            return None;
                        }
                        if baseline
                            .as_mut()
                            .is_some_and(|b| b.accepts(&input.name, &f))
                        {
                            return None;
                        }
                        // --strict: what gatecheck could not read fails the run.
                        if args.strict
                            && matches!(
                                f.kind,
                                gatecheck_lint::FindingKind::Template
                                    | gatecheck_lint::FindingKind::NotRead
                            )
                        {
                            f.severity = Severity::Error;
                        }
                        Some((input.name.clone(), f))
                    }));
                }
                Err(e) => {
                    if args.format == Format::Human {
                        eprintln!("{}", render::human::error(&input.name, Some(&src), &e));
                    }
                    errors.push((input.name.clone(), e));
                }
            }
            // Only human output shows excerpts, and only of the files with findings.
            if args.format == Format::Human && all.len() > before {
                sources.insert(input.name.clone(), src);
            }
        }
    }
    // What the files say the cluster runs now: an upgrade that skips minors, or files that do
    // not agree, are worth a word (never a guess).
    let version_note = declared_note(&declared, target, args.from);
    // An accepted finding that no longer occurs should go from the config, or it will hide a
    // future one.
    for a in config.accept.iter().filter(|a| !a.used) {
        eprintln!(
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
    let fail_at = threshold(args.fail_on);
    match args.format {
        Format::Json => {
            let errs: Vec<_> = errors
                .iter()
                .map(|(file, e)| render::json::error(file, e))
                .collect();
            let notes: Vec<String> = development_note(target)
                .into_iter()
                .chain(version_note.clone())
                .collect();
            let files = json!({"checked": inputs.len(), "recognised": recognised, "with_settings": with_settings, "unrecognised": unrecognised});
            let mut doc = json!({"target": gatecheck_rules::Target { version: target, patch }.to_string(), "files": files, "errors": errs, "notes": notes});
            if let Some(from) = args.from {
                let steps: Vec<_> = upgrade_notes(from, &steps, &components)
                    .iter()
                    .map(|n| {
                        json!({
                            "version": n.version.to_string(),
                            "default_on": n.default_on, "default_off": n.default_off,
                            "locked": n.locked, "deprecated": n.deprecated, "removed": n.removed,
                        })
                    })
                    .collect();
                doc["upgrade"] =
                    json!({"from": from.to_string(), "to": target.to_string(), "steps": steps});
            }
            // The findings are written one per line as they are serialised, not built into one
            // tree first: memory does not grow with their number.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = render::json::write_document(&mut out, &doc, &all);
        }
        Format::Github => {
            for (file, f) in &all {
                println!("{}", render::github::finding(file, f));
            }
            for (file, e) in &errors {
                println!("{}", render::github::error(file, e));
            }
        }
        Format::Sarif => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = render::sarif::write(&mut out, &all);
        }
        Format::Markdown => {
            let errs: Vec<(String, String)> = errors
                .iter()
                .map(|(f, e)| (f.clone(), e.to_string()))
                .collect();
            let mut notes: Vec<String> = development_note(target)
                .into_iter()
                .map(|n| format!("> {n}\n"))
                .collect();
            if let Some(from) = args.from {
                let names: Vec<&str> = components.iter().map(|c| c.as_str()).collect();
                notes.push(format!(
                    "### Upgrade notes {from} → {target}\n\nWhat changes for {} without any setting changing:\n",
                    if names.is_empty() { "these files".to_string() } else { names.join(", ") }
                ));
                for n in upgrade_notes(from, &steps, &components) {
                    let parts = n.parts();
                    notes.push(if parts.is_empty() {
                        format!("- **{}**: nothing", n.version)
                    } else {
                        format!("- **{}**: {}", n.version, parts.join("; "))
                    });
                }
            }
            let target_text = gatecheck_rules::Target {
                version: target,
                patch,
            }
            .to_string();
            print!(
                "{}",
                render::markdown::document(&target_text, &all, &errs, &notes)
            );
        }
        Format::Junit => {
            let names: Vec<String> = inputs.iter().map(|i| i.name.clone()).collect();
            let errs: Vec<(String, String)> = errors
                .iter()
                .map(|(f, e)| (f.clone(), e.to_string()))
                .collect();
            print!("{}", render::junit::document(&names, &all, &errs));
        }
        Format::Human => {
            // Findings are grouped by file, in file order: one lookup per file, not per finding.
            // A file with very many findings (a generated flag list) shows the first ones and
            // says how many more there are.
            let mut current: Option<(&str, &str, usize)> = None;
            let flush = |c: Option<(&str, &str, usize)>| {
                if let Some((name, _, n)) = c.filter(|c| c.2 > MAX_SHOWN) {
                    println!(
                        "… and {} more findings in {} (all of them: --format json)\n",
                        n - MAX_SHOWN,
                        render::escape(name)
                    );
                }
            };
            for (file, f) in &all {
                let (src, shown) = match current {
                    Some((name, src, n)) if name == file => (src, n),
                    other => {
                        flush(other);
                        (sources.get(file.as_str()).map_or("", String::as_str), 0)
                    }
                };
                current = Some((file.as_str(), src, shown + 1));
                if shown < MAX_SHOWN {
                    println!("{}", render::human::finding(file, src, f));
                }
            }
            flush(current);
        }
    }
    if let (Some(from), Format::Human) = (args.from, args.format) {
        let names: Vec<&str> = components.iter().map(|c| c.as_str()).collect();
        println!(
            "Upgrade notes {from} → {target}, for the components these files configure ({}): what changes without any setting changing",
            if names.is_empty() { "none found".to_string() } else { names.join(", ") }
        );
        for n in upgrade_notes(from, &steps, &components) {
            let parts = n.parts();
            if parts.is_empty() {
                println!("  {}: nothing", n.version);
            } else {
                println!("  {}:", n.version);
                for p in parts {
                    println!("    {p}");
                }
            }
        }
        println!();
    }
    if args.format != Format::Json {
        if let Some(note) = development_note(target) {
            eprintln!("note: {note}");
        }
        if let Some(note) = &version_note {
            eprintln!("note: {note}");
        }
        let count = |s: Severity| all.iter().filter(|(_, f)| f.severity == s).count();
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        eprintln!(
            "gatecheck {}: {} checked ({recognised} read, {with_settings} with gate settings), {}, {}, {}{}",
            gatecheck_rules::Target {
                version: target,
                patch
            },
            plural(inputs.len(), "file", "files"),
            plural(count(Severity::Error), "error", "errors"),
            plural(count(Severity::Warning), "warning", "warnings"),
            plural(count(Severity::Info), "info", "infos"),
            if errors.is_empty() {
                String::new()
            } else {
                format!(", {}", plural(errors.len(), "unreadable input", "unreadable inputs"))
            }
        );
    }
    if !errors.is_empty() {
        2
    } else if all.iter().any(|(_, f)| f.severity >= fail_at) {
        1
    } else {
        0
    }
}
