//! Human output: diagnostics with the offending setting underlined, in miette's graphical
//! layout: written directly when the output is plain ([`super::snippet`]), by miette otherwise.
//! Either is given a window of the file, not the file ([`super::window`]).

use super::escape;
use super::window::{ceil, floor, Window};
use gatecheck_lint::{Finding, InputError, Severity};
use miette::{LabeledSpan, MietteDiagnostic, Report};
use std::borrow::Cow;

/// The longest span underlined in an excerpt, in bytes.
const MAX_SPAN: usize = 1024;

/// Whether human output is plain: no colour and 100 columns, as when it is not a terminal. Set
/// once by `main` with the renderer; plain findings are written by [`super::snippet`].
static PLAIN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Declares human output plain (see [`PLAIN`]).
pub fn set_plain(plain: bool) {
    PLAIN.store(plain, std::sync::atomic::Ordering::Relaxed);
}

/// Text as written: gatecheck's own (`'static`, so no file's text is in it: helps, known gate
/// names) as it is, any other text escaped.
#[allow(clippy::ptr_arg)] // whether the text is borrowed is what decides
fn escape_static<'a>(text: &'a Cow<'static, str>) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(own) => Cow::Borrowed(own),
        Cow::Owned(other) => escape(other),
    }
}

/// One finding as a diagnostic with its excerpt, followed by a blank line, appended to `out`;
/// whether it was written directly ([`super::snippet`], for `plain` output) rather than by
/// miette.
pub(super) fn finding<'a>(
    out: &mut String,
    (name, src, clean): (Cow<'a, str>, &'a str, bool),
    f: &Finding,
    plain: bool,
    wraps: &mut super::snippet::Wraps,
) -> bool {
    let (severity, icon) = match f.severity {
        Severity::Error => (miette::Severity::Error, "  × "),
        Severity::Warning => (miette::Severity::Warning, "  ⚠ "),
        Severity::Info => (miette::Severity::Advice, "  ☞ "),
    };
    // A span is underlined for at most MAX_SPAN bytes: a 16 MiB flag value is a finding, not a
    // 16 MiB underline.
    let len = f.len.clamp(1, MAX_SPAN);
    let column = Some(f.column.saturating_sub(1));
    let at = (f.line.saturating_sub(1), column);
    let window = Window::around(name, (src, clean), at, f.offset, len);
    let end = ceil(src, f.offset + len).min(window.base + window.text.len());
    let start = floor(src, f.offset).max(window.base);
    let gate = f.gate.as_ref().map(escape_static);
    let label = gate.as_deref().unwrap_or(f.kind.name());
    let component = f.component.filter(|_| gate.is_some()).map(|c| c.as_str());
    if plain {
        let texts = texts(f, icon, wraps);
        let d = super::snippet::Diagnostic {
            head: &texts.0,
            tail: &texts.1,
            label,
            component,
        };
        if super::snippet::write(out, &d, &window, (start, end.max(start))) {
            out.push('\n');
            return true;
        }
    }
    let (message, help) = (escape(&f.message), escape_static(&f.help));
    let label = match component {
        Some(c) => format!("{label} ({c})"),
        None => label.to_string(),
    };
    let diag = MietteDiagnostic::new(message.into_owned())
        .with_code(format!("{}::{}", f.kind.code(), f.kind.name()))
        .with_severity(severity)
        .with_help(help.into_owned())
        .with_label(LabeledSpan::at(start..end.max(start), label));
    use std::fmt::Write;
    let _ = writeln!(
        out,
        "{:?}",
        Report::new(diag).with_source_code(window.into_owned())
    );
    false
}

/// The head and tail of `f`'s diagnostic ([`super::snippet::head`], [`super::snippet::tail`]):
/// written once per judgment and kept, where `f` shares its judgment (its message with other
/// findings', see `gatecheck_lint`'s memo, and a static help); else written for it alone.
fn texts(
    f: &Finding,
    icon: &'static str,
    wraps: &mut super::snippet::Wraps,
) -> std::sync::Arc<(String, String)> {
    let judged =
        super::shared_judgment(f).map(|(message, help)| (f.kind, f.severity, message, help));
    if let Some(kept) = judged.and_then(|j| wraps.judged.get(&j)) {
        return kept.texts.clone();
    }
    let (mut head, mut tail) = (String::new(), String::new());
    super::snippet::head(&mut head, f.kind, icon, &escape(&f.message), wraps);
    super::snippet::tail(&mut tail, &escape_static(&f.help), wraps);
    let texts = std::sync::Arc::new((head, tail));
    if let Some(j) = judged {
        if wraps.judged.len() >= super::snippet::Wraps::MAX {
            wraps.judged.clear();
        }
        let kept = super::snippet::Kept {
            _message: f.message.clone(),
            texts: texts.clone(),
        };
        wraps.judged.insert(j, kept);
    }
    texts
}

pub fn error(name: &str, src: Option<&str>, e: &InputError) -> String {
    let diag = MietteDiagnostic::new(format!("{}: {}", escape(name), escape(&e.to_string())))
        .with_code("input");
    match (src, e.line) {
        (Some(src), Some(line)) => {
            let start: usize = src.split_inclusive('\n').take(line - 1).map(str::len).sum();
            let col_bytes: usize = src[start.min(src.len())..]
                .chars()
                .take(e.column.unwrap_or(1).saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            let at = (start + col_bytes).min(src.len());
            // One error per file: its line is counted where it is, however far off the error's
            // own line number is.
            let line0 = memchr::memchr_iter(b'\n', &src.as_bytes()[..at]).count();
            let window = Window::around(escape(name), (src, false), (line0, None), at, 0);
            let diag = diag.with_label(LabeledSpan::at(at..at, "here"));
            format!(
                "{:?}",
                Report::new(diag).with_source_code(window.into_owned())
            )
        }
        _ => format!("{:?}", Report::new(diag)),
    }
}

/// Diagnostics as each file is done (the first [`super::MAX_SHOWN`] of a file, then how many
/// more); inputs that could not be read on the error stream, where they come; the upgrade notes
/// at the end.
pub struct Human<W: std::io::Write, E: std::io::Write> {
    out: W,
    err: E,
    /// With --from: the findings as a plan, written at the end instead of excerpts.
    plan: Option<super::plan::Plan>,
    /// Whether findings are written directly (see [`PLAIN`]).
    plain: bool,
    wraps: super::snippet::Wraps,
    /// Diagnostics not yet written: a file's, or with `hold` some files'. Kept from file to file
    /// (up to [`KEPT_BUFFER`] bytes of room), so that it grows once, not for each file.
    text: String,
    /// Whether diagnostics are held until [`HELD`] bytes are waiting, rather than written as
    /// each file is done: where standard output is not a terminal, a pipe or a file takes a few
    /// large writes rather than one per file.
    hold: bool,
}

/// The most room [`Human`] keeps for the next file's diagnostics.
const KEPT_BUFFER: usize = 1 << 20;

/// How many bytes of diagnostics are held before they are written, with `hold`.
const HELD: usize = 128 * 1024;

impl<W: std::io::Write, E: std::io::Write> Human<W, E> {
    /// Diagnostics on `out`, inputs that could not be read on `err`.
    pub fn new(out: W, err: E) -> Human<W, E> {
        Human {
            out,
            err,
            plan: None,
            plain: PLAIN.load(std::sync::atomic::Ordering::Relaxed),
            wraps: Default::default(),
            text: String::new(),
            hold: false,
        }
    }

    /// Holds diagnostics until [`HELD`] bytes are waiting (for output that is not a terminal).
    pub fn holding(self, hold: bool) -> Human<W, E> {
        Human { hold, ..self }
    }

    /// Writes the diagnostics waiting, and keeps the buffer's room for the next ones.
    fn write_waiting(&mut self) -> std::io::Result<()> {
        if self.text.is_empty() {
            return Ok(());
        }
        let written = self.out.write_all(self.text.as_bytes());
        self.text.clear();
        if self.text.capacity() > KEPT_BUFFER {
            self.text = String::new();
        }
        written
    }

    /// An upgrade's report: a checklist by step and component (see [`super::plan`]).
    pub fn planned(self) -> Human<W, E> {
        Human {
            plan: Some(super::plan::Plan::default()),
            ..self
        }
    }
}

impl<W: std::io::Write, E: std::io::Write> super::Emitter for Human<W, E> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        match outcome {
            super::Outcome::Linted { findings, .. } if self.plan.is_some() => {
                let plan = self.plan.as_mut().expect("checked");
                findings.iter().for_each(|f| plan.add(name, f));
            }
            super::Outcome::Linted { src, findings } => {
                // A file's diagnostics go out in one write (or with others' when held); its
                // name is escaped once.
                let mut text = std::mem::take(&mut self.text);
                let shown = escape(name);
                // A file without control characters needs none masked in its excerpts.
                let clean = !super::has_control(src);
                for f in findings.iter().take(super::MAX_SHOWN) {
                    let file = (Cow::Borrowed(&*shown), src, clean);
                    finding(&mut text, file, f, self.plain, &mut self.wraps);
                }
                if findings.len() > super::MAX_SHOWN {
                    use std::fmt::Write;
                    let _ = writeln!(
                        text,
                        "… and {} more findings in {} (all of them: --format json)\n",
                        findings.len() - super::MAX_SHOWN,
                        escape(name)
                    );
                }
                self.text = text;
                if !self.hold || self.text.len() >= HELD {
                    self.write_waiting()?;
                }
            }
            super::Outcome::Failed { src, error: e } => {
                // What came before it on standard output goes first.
                self.flush()?;
                writeln!(self.err, "{}", error(name, src, e))?;
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.write_waiting()?;
        self.out.flush()
    }

    fn finish(&mut self, s: &super::Summary<'_>) -> std::io::Result<()> {
        self.write_waiting()?;
        if let (Some(plan), Some(u)) = (self.plan.as_mut(), s.upgrade) {
            write!(self.out, "{}", plan.human(&u.from, &u.to))?;
        }
        if let Some(u) = s.upgrade {
            writeln!(
                self.out,
                "Upgrade notes {} → {}, for the components these files configure ({}): what changes without any setting changing",
                u.from,
                u.to,
                u.components_or("none found")
            )?;
            for n in &u.steps {
                let parts = n.parts();
                if parts.is_empty() {
                    writeln!(self.out, "  {}: nothing", n.version)?;
                } else {
                    writeln!(self.out, "  {}:", n.version)?;
                    for p in parts {
                        writeln!(self.out, "    {p}")?;
                    }
                }
            }
            writeln!(self.out)?;
        }
        self.out.flush()?;
        closing(&mut self.err, s);
        Ok(())
    }
}

/// The notes and the summary line that end a report on standard error (every format's but
/// JSON's, which carries them in the document), control characters escaped. A failed write
/// to standard error cannot be told, and is not an error.
pub fn closing(err: &mut impl std::io::Write, s: &super::Summary<'_>) {
    for note in s.development.iter().chain(&s.versions) {
        let _ = writeln!(err, "{}", escape(&format!("note: {note}")));
    }
    let _ = writeln!(err, "{}", escape(&summary_line(s)));
}

/// `gatecheck 1.33: 3 files checked (2 read, 2 with gate settings), 1 error, …`.
pub fn summary_line(s: &super::Summary<'_>) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let unreadable = s.errors.len();
    format!(
        "gatecheck {}: {} checked ({} read, {} with gate settings), {}, {}, {}{}{}",
        s.target,
        plural(s.checked, "file", "files"),
        s.recognised,
        s.with_settings,
        plural(s.counts.error, "error", "errors"),
        plural(s.counts.warning, "warning", "warnings"),
        plural(s.counts.info, "info", "infos"),
        skipped_summary(s.skipped),
        if unreadable == 0 {
            String::new()
        } else {
            format!(
                ", {}",
                plural(unreadable, "unreadable input", "unreadable inputs")
            )
        }
    )
}

/// `, 3 skipped (2 binary, 1 encrypted)`, or nothing.
fn skipped_summary(skipped: &[(String, &'static str)]) -> String {
    if skipped.is_empty() {
        return String::new();
    }
    let mut why: Vec<(&str, usize)> = Vec::new();
    for (_, w) in skipped {
        match why.iter_mut().find(|(x, _)| x == w) {
            Some((_, n)) => *n += 1,
            None => why.push((w, 1)),
        }
    }
    let parts: Vec<String> = why.iter().map(|(w, n)| format!("{n} {w}")).collect();
    format!(", {} skipped ({})", skipped.len(), parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What miette writes for a finding, with the handler `main` installs for plain output.
    fn by_miette(name: &str, src: &str, f: &Finding) -> String {
        let mut out = String::new();
        finding(
            &mut out,
            (escape(name), src, false),
            f,
            false,
            &mut Default::default(),
        );
        out
    }

    /// What is written directly, or `None` where it is left to miette.
    /// (Through one cache of wrapped texts for the whole test, so that what it keeps is
    /// compared too.)
    fn direct(name: &str, src: &str, f: &Finding) -> Option<String> {
        thread_local! {
            static WRAPS: std::cell::RefCell<super::super::snippet::Wraps> = Default::default();
        }
        let mut out = String::new();
        WRAPS
            .with_borrow_mut(|wraps| finding(&mut out, (escape(name), src, false), f, true, wraps))
            .then_some(out)
    }

    /// Every finding on every fixture reads the same written directly as written by miette.
    #[test]
    fn plain_output_is_what_miette_writes() {
        crate::install_renderer(crate::ColorChoice::Never);
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        files.sort();
        let mut compared = 0;
        for target in ["1.24", "1.33", "1.36"] {
            let options = gatecheck_lint::Options::new(target.parse().unwrap());
            for path in &files {
                let Ok(src) = std::fs::read_to_string(path) else {
                    continue;
                };
                let name = path.display().to_string();
                let Ok(report) = gatecheck_lint::lint_source(&name, &src, &options) else {
                    continue;
                };
                for f in &report.findings {
                    if let Some(text) = direct(&name, &src, f) {
                        assert_eq!(text, by_miette(&name, &src, f), "{name}: {f:?}");
                        compared += 1;
                    }
                }
            }
        }
        assert!(compared > 1000, "only {compared} findings compared");
    }

    /// Messages and labels of every length around the wrapping width, at every place on a
    /// line, on a file's last line and in a CRLF file, read the same written directly as
    /// written by miette; a tab or a span over two lines is left to miette.
    #[test]
    fn plain_output_is_what_miette_writes_at_every_width() {
        crate::install_renderer(crate::ColorChoice::Never);
        let line = "- --feature-gates=Alpha=true,Beta-Gate=false,Some/Path=true";
        let src = format!("kind: Pod\nargs:\n{line}\n  next: 1\n");
        let base = src.find(line).unwrap();
        let lengths = (85..=100).map(|n| {
            let text = "gate kube-controller-manager is (also: a/b x ".repeat(3);
            text[..n].trim_end().to_string()
        });
        for (words, message) in (0..40)
            .map(|words| {
                let message: String = (0..words)
                    .map(|i| {
                        [
                            "gate",
                            "kube-controller-manager",
                            "is",
                            "(also:",
                            "a/b",
                            "x",
                        ][i % 6]
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                (words, message)
            })
            .chain(lengths.enumerate())
        {
            for at in (0..line.len()).step_by(7) {
                let mut f = sample();
                f.offset = base + at;
                f.len = (1 + words % 9).min(line.len() - at);
                f.line = 3;
                f.message = message.as_str().into();
                f.help = message.chars().rev().collect();
                let text = direct("p.yaml", &src, &f).expect("one line of ASCII");
                assert_eq!(text, by_miette("p.yaml", &src, &f), "{message:?} at {at}");
                // The last line of a file, and line breaks written CRLF.
                let last = &src[..src.len() - "  next: 1\n".len()];
                let text = direct("p.yaml", last, &f).expect("one line of ASCII");
                assert_eq!(text, by_miette("p.yaml", last, &f), "last line");
                let crlf = src.replace('\n', "\r\n");
                let mut g = f.clone();
                g.offset += 2;
                let text = direct("p.yaml", &crlf, &g).expect("one line of ASCII");
                assert_eq!(text, by_miette("p.yaml", &crlf, &g), "CRLF");
                // A tab in the excerpt, or a span over two lines, is left to miette.
                let tabbed = src.replace("  next", "\tnext");
                assert_eq!(direct("p.yaml", &tabbed, &f), None);
                f.len = line.len() - at + 2;
                assert_eq!(direct("p.yaml", &src, &f), None);
            }
        }
    }

    /// On a line too long to show whole, the window starts and ends inside the line: columns
    /// and underlines are counted from the window's start as miette counts them.
    #[test]
    fn plain_output_of_a_long_line_is_what_miette_writes() {
        crate::install_renderer(crate::ColorChoice::Never);
        let items: Vec<String> = (0..60).map(|i| format!("Gate{i}=true")).collect();
        let line = format!("- --feature-gates={}", items.join(","));
        let src = format!("kind: Pod\nargs:\n{line}\n");
        let base = src.find(&line).unwrap();
        for at in (0..line.len()).step_by(13) {
            let mut f = sample();
            f.offset = base + at;
            f.len = 9.min(line.len() - at);
            f.line = 3;
            let text = direct("p.yaml", &src, &f).expect("one line of ASCII");
            assert_eq!(text, by_miette("p.yaml", &src, &f), "at {at}");
        }
    }

    fn options_at(target: &str) -> gatecheck_lint::Options {
        gatecheck_lint::Options::new(target.parse().unwrap())
    }

    /// A finding to vary.
    fn sample() -> Finding {
        let src = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nfeatureGates:\n  NoSuchGate: true\n";
        gatecheck_lint::lint_source("k.yaml", src, &options_at("1.33"))
            .unwrap()
            .findings
            .remove(0)
    }
}
