//! Human output: miette diagnostics with the offending setting underlined.
//!
//! miette is given a window of the file, not the file: the lines around the finding, and on a
//! long line (a minified file, one huge `--feature-gates` flag) only some columns either side
//! of it. No line length can make the excerpt flood the terminal or reach miette's limits, and
//! each finding costs the size of its window, not of its file. Control characters are masked.

use super::{escape, mask};
use gatecheck_lint::{Finding, InputError, Severity};
use miette::{
    LabeledSpan, MietteDiagnostic, MietteError, MietteSpanContents, Report, SourceCode, SourceSpan,
    SpanContents,
};
use std::borrow::Cow;

/// Lines longer than this are shown as a window around the finding.
const LONG_LINE: usize = 240;
/// Bytes shown either side of a finding on a long line.
const SIDE: usize = 100;

/// A contiguous piece of a file with where it starts, offered to miette as the source.
pub(super) struct Window<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) text: Cow<'a, str>,
    /// Byte offset of `text` in the file.
    pub(super) base: usize,
    /// 0-based line and column (in characters) where `text` starts.
    line: usize,
    column: usize,
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The longest span underlined in an excerpt, in bytes.
const MAX_SPAN: usize = 1024;

impl<'a> Window<'a> {
    /// The window around `offset..offset+len` of `src`.
    /// `line` is the 0-based line of `offset`, which the finding or error already knows (the
    /// linter computed it once per file): no line is counted here. `column`, the 0-based
    /// column of `offset` in characters, where known: then no line is searched further than
    /// the window reaches, so a finding on a line of megabytes costs the size of its window.
    fn around(
        name: Cow<'a, str>,
        src: &'a str,
        (line, column): (usize, Option<usize>),
        offset: usize,
        len: usize,
    ) -> Window<'a> {
        let offset = floor(src, offset);
        let end = ceil(src, offset + len);
        // Where the line starts and ends, when that is within reach: a line longer than
        // LONG_LINE either side is long whatever its other end.
        let reach = if column.is_some() {
            LONG_LINE + 1
        } else {
            usize::MAX
        };
        let back = offset.saturating_sub(reach);
        let line_start = match memchr::memrchr(b'\n', &src.as_bytes()[back..offset]) {
            Some(i) => Some(back + i + 1),
            None => (back == 0).then_some(0),
        };
        let ahead = end.saturating_add(reach).min(src.len());
        let line_end = match memchr::memchr(b'\n', &src.as_bytes()[offset..ahead]) {
            Some(i) => Some(offset + i),
            None => (ahead == src.len()).then_some(src.len()),
        };
        let (start, stop, first_line, window_column) = match (line_start, line_end) {
            (Some(ls), Some(le)) if le - ls <= LONG_LINE => {
                let (start, stop) = neighbours(src, ls, le, end);
                (start, stop, if start < ls { line - 1 } else { line }, 0)
            }
            // A long line: some columns either side, no neighbouring lines.
            _ => {
                let start = floor(
                    src,
                    offset.saturating_sub(SIDE).max(line_start.unwrap_or(0)),
                );
                let stop = ceil(
                    src,
                    end.saturating_add(SIDE).min(line_end.unwrap_or(usize::MAX)),
                );
                // Without a column the line was searched to its start.
                let window_column = match line_start {
                    Some(ls) => src[ls..start].chars().count(),
                    None => column
                        .unwrap_or(0)
                        .saturating_sub(src[start..offset].chars().count()),
                };
                (start, stop, line, window_column)
            }
        };
        Window {
            name,
            text: mask(&src[start..stop]),
            base: start,
            line: first_line,
            column: window_column,
        }
    }
}

/// The window of a short line `ls..le` (its span ending at `end`): the line before and after it
/// as well, when they are short too.
fn neighbours(src: &str, ls: usize, le: usize, end: usize) -> (usize, usize) {
    let b = src.as_bytes();
    let start = match ls.checked_sub(1) {
        Some(prev_end) => {
            let back = prev_end.saturating_sub(LONG_LINE + 1);
            match memchr::memrchr(b'\n', &b[back..prev_end]) {
                Some(i) if ls - (back + i + 1) <= LONG_LINE => back + i + 1,
                None if back == 0 && ls <= LONG_LINE => 0,
                _ => ls,
            }
        }
        None => ls,
    };
    let stop = if le < src.len() {
        let ahead = (le + 1 + LONG_LINE + 1).min(src.len());
        match memchr::memchr(b'\n', &b[le + 1..ahead]) {
            Some(i) if i + 1 <= LONG_LINE => le + 1 + i,
            None if ahead == src.len() && src.len() - le <= LONG_LINE => src.len(),
            _ => le,
        }
    } else {
        le
    };
    (start, stop.max(end.min(le)))
}

/// The part of a window miette asks for: the lines of `offset..offset+len` with `before` and
/// `after` lines around them, as `start..stop` of the window's text, the 0-based line of
/// `start`, and the column (in characters) of `offset` on its line.
pub(super) struct Excerpt {
    pub(super) start: usize,
    pub(super) stop: usize,
    pub(super) line: usize,
    pub(super) column: usize,
    /// How many lines `start..stop` holds.
    pub(super) count: usize,
}

impl Window<'_> {
    /// The window with its own copy of the text, as miette keeps it.
    fn into_owned(self) -> Window<'static> {
        Window {
            name: Cow::Owned(self.name.into_owned()),
            text: Cow::Owned(self.text.into_owned()),
            ..self
        }
    }

    pub(super) fn excerpt(
        &self,
        offset: usize,
        len: usize,
        before: usize,
        after: usize,
    ) -> Excerpt {
        let text = &self.text;
        let rel = offset.saturating_sub(self.base).min(text.len());
        let rel_end = (rel + len).min(text.len());
        let starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        let line_of = |at: usize| starts.partition_point(|&s| s <= at).max(1) - 1;
        let (first, last) = (line_of(rel), line_of(rel_end));
        let from = first.saturating_sub(before);
        let to = (last + after).min(starts.len() - 1);
        let start = starts[from];
        let stop = starts
            .get(to + 1)
            .map_or(text.len(), |s| s.saturating_sub(1));
        let column = text[starts[first]..floor(text, rel)].chars().count()
            + if first == 0 { self.column } else { 0 };
        Excerpt {
            start,
            stop: stop.max(start),
            line: self.line + from,
            column,
            count: to - from + 1,
        }
    }
}

impl SourceCode for Window<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let e = self.excerpt(span.offset(), span.len(), before, after);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            &self.text.as_bytes()[e.start..e.stop],
            SourceSpan::new((self.base + e.start).into(), e.stop - e.start),
            e.line,
            e.column,
            e.count,
        )))
    }
}

/// Whether human output is plain: no colour and 100 columns, as when it is not a terminal. Set
/// once by `main` with the renderer; plain findings are written by [`super::snippet`].
static PLAIN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Declares human output plain (see [`PLAIN`]).
pub fn set_plain(plain: bool) {
    PLAIN.store(plain, std::sync::atomic::Ordering::Relaxed);
}

/// One finding as a diagnostic with its excerpt, followed by a blank line, appended to `out`;
/// whether it was written directly ([`super::snippet`], for `plain` output) rather than by
/// miette.
pub(super) fn finding<'a>(
    out: &mut String,
    (name, src): (Cow<'a, str>, &'a str),
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
    let window = Window::around(name, src, at, f.offset, len);
    let end = ceil(src, f.offset + len).min(window.base + window.text.len());
    let start = floor(src, f.offset).max(window.base);
    let (message, help) = (escape(&f.message), escape(&f.help));
    let gate = f.gate.as_deref().map(escape);
    let d = super::snippet::Diagnostic {
        kind: f.kind,
        icon,
        message: &message,
        help: &help,
        label: gate.as_deref().unwrap_or(f.kind.name()),
        component: f.component.filter(|_| gate.is_some()).map(|c| c.as_str()),
    };
    if plain && super::snippet::write(out, &d, &window, (start, end.max(start)), wraps) {
        out.push('\n');
        return true;
    }
    let label = match d.component {
        Some(c) => format!("{} ({c})", d.label),
        None => d.label.to_string(),
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
            let window = Window::around(escape(name), src, (line0, None), at, 0);
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
}

impl<W: std::io::Write, E: std::io::Write> Human<W, E> {
    /// Diagnostics on `out`, inputs that could not be read on `err`.
    pub fn new(out: W, err: E) -> Human<W, E> {
        Human {
            out,
            err,
            plan: None,
            plain: PLAIN.load(std::sync::atomic::Ordering::Relaxed),
            wraps: Default::default(),
        }
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
                // A file's diagnostics go out in one write; its name is escaped once.
                let mut text = String::new();
                let shown = escape(name);
                for f in findings.iter().take(super::MAX_SHOWN) {
                    let file = (Cow::Borrowed(&*shown), src);
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
                self.out.write_all(text.as_bytes())?;
            }
            super::Outcome::Failed { src, error: e } => {
                writeln!(self.err, "{}", error(name, src, e))?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, s: &super::Summary<'_>) -> std::io::Result<()> {
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

    #[test]
    fn windows_of_long_lines_keep_positions() {
        let src = format!(
            "a: 1\nflags: --feature-gates={}X=true\nb: 2\n",
            "Y=true,".repeat(5000)
        );
        let at = src.find("X=true").unwrap();
        let w = Window::around("f".into(), &src, (1, None), at, 1);
        assert!(w.text.len() <= 2 * SIDE + 2);
        assert_eq!(&src[w.base..w.base + w.text.len()], w.text);
        assert_eq!(w.line, 1);
        let c = w.read_span(&SourceSpan::new(at.into(), 1), 0, 0).unwrap();
        assert_eq!(c.line(), 1);
        assert_eq!(
            c.column() + 1,
            src[src.find("flags").unwrap()..at].chars().count() + 1
        );
    }

    /// What miette writes for a finding, with the handler `main` installs for plain output.
    fn by_miette(name: &str, src: &str, f: &Finding) -> String {
        let mut out = String::new();
        finding(
            &mut out,
            (escape(name), src),
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
            .with_borrow_mut(|wraps| finding(&mut out, (escape(name), src), f, true, wraps))
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
                f.message = message.clone();
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
