//! Plain human output (no colour, 100 columns: pipes, CI logs, files) written directly: the same
//! text miette's graphical handler writes for a finding, without building a report, a handler
//! and a line list per finding.
//!
//! It writes the shape every finding has in practice: one label on one line of ASCII text
//! without tabs. Anything else (a span over several lines, tabs, wide characters, an empty
//! excerpt) is left to miette: [`write`] returns `false` before writing anything. A test renders
//! every fixture's findings both ways and compares them byte for byte.

use super::window::{Excerpt, Window};

/// miette's width for output that is not a terminal, less its two-column margin.
const WIDTH: usize = 98;

/// What a finding's diagnostic says, already escaped and wrapped.
pub(super) struct Diagnostic<'a> {
    /// `GC007::deprecated`, a blank line, and the message wrapped after the severity's mark
    /// (see [`head`]).
    pub(super) head: &'a str,
    /// The help, wrapped (see [`tail`]).
    pub(super) tail: &'a str,
    /// The text by the underline: the gate, or the kind's name where there is none...
    pub(super) label: &'a str,
    /// ...and the component, in brackets after the gate.
    pub(super) component: Option<&'a str>,
}

/// A diagnostic's head: `GC007::deprecated`, a blank line, and `message` (escaped) wrapped
/// after `icon`, the severity's mark as the message's indent (`  × `, `  ⚠ ` or `  ☞ `).
pub(super) fn head(
    out: &mut String,
    kind: gatecheck_lint::FindingKind,
    icon: &'static str,
    message: &str,
    wraps: &mut Wraps,
) {
    for part in [kind.code(), "::", kind.name(), "\n\n"] {
        out.push_str(part);
    }
    wrap(out, message, icon, "  │ ", wraps);
}

/// A diagnostic's tail: its help (escaped), wrapped.
pub(super) fn tail(out: &mut String, help: &str, wraps: &mut Wraps) {
    wrap(out, help, "  help: ", "        ", wraps);
}

/// One line of the excerpt: its 1-based number, its offset in the file, its length with its line
/// break, and its text without.
struct Line<'a> {
    number: usize,
    offset: usize,
    length: usize,
    text: &'a str,
}

/// Writes `d` with the excerpt of `window` around the span `start..end` (file offsets) to `out`,
/// as miette would; `false`, having written nothing, where the excerpt is not the plain shape.
pub(super) fn write(
    out: &mut String,
    d: &Diagnostic<'_>,
    window: &Window,
    (start, end): (usize, usize),
) -> bool {
    let len = end - start;
    let broken = |t: &str| memchr::memchr(b'\n', t.as_bytes()).is_some();
    if len == 0 || broken(d.label) || d.component.is_some_and(broken) {
        return false;
    }
    // The lines around the span, and where the span starts (the header's line and column).
    let context = window.excerpt(start, len, 1, 1);
    let Some(lines) = lines(window, &context, start, len) else {
        return false;
    };
    let width = digits(lines.last().map_or(0, |l| l.number));
    let mut n = itoa::Buffer::new();
    out.push_str(d.head);
    pad(out, width + 2);
    out.push_str("╭─[");
    out.push_str(&window.name);
    out.push(':');
    out.push_str(n.format(context.at_line + 1));
    out.push(':');
    out.push_str(n.format(context.column + 1));
    out.push_str("]\n");
    for line in &lines {
        let number = n.format(line.number);
        out.push(' ');
        pad(out, width.saturating_sub(number.len()));
        out.push_str(number);
        out.push_str(" │ ");
        out.push_str(line.text);
        out.push('\n');
        if applies(line, start, len) {
            underline(out, d, line, (start, end), width);
        }
    }
    pad(out, width + 2);
    out.push_str("╰────\n");
    out.push_str(d.tail);
    true
}

/// The lines of `context` (the span's and one either side), as miette splits them;
/// `None` where they are not printable ASCII or the span runs over a line's end.
fn lines<'w>(
    window: &'w Window,
    context: &Excerpt,
    start: usize,
    len: usize,
) -> Option<Vec<Line<'w>>> {
    let data = &window.text[context.start..context.stop];
    if data.is_empty() || !printable(data) {
        return None;
    }
    // A final line break ends the last line (miette counts no empty line after it).
    let (body, broken) = match data.strip_suffix('\n') {
        Some(body) => (body, true),
        None => (data, false),
    };
    let mut lines = Vec::with_capacity(3);
    let mut offset = window.base + context.start;
    let mut number = context.line + 1;
    let mut rest = Some(body);
    // Split at line breaks found with memchr (no character searcher per line).
    while let Some(left) = rest {
        let (text, more) = match memchr::memchr(b'\n', left.as_bytes()) {
            Some(i) => (&left[..i], Some(&left[i + 1..])),
            None => (left, None),
        };
        let length = text.len() + usize::from(broken || more.is_some());
        lines.push(Line {
            number,
            offset,
            length,
            text,
        });
        offset += length;
        number += 1;
        rest = more;
    }
    // The label must start and end on one line.
    let one_line = |l: &Line<'_>| !applies(l, start, len) || line_only(l, start, len);
    lines.iter().all(one_line).then_some(lines)
}

/// The span's underline on its line, and the label under it.
fn underline(
    out: &mut String,
    d: &Diagnostic<'_>,
    line: &Line<'_>,
    (start, end): (usize, usize),
    width: usize,
) {
    let from = visual(line, start);
    let to = visual(line, end).max(from + 1);
    let bar = (from + to) / 2;
    no_number(out, width);
    pad(out, from);
    repeat(out, RULE, bar - from);
    out.push('┬');
    repeat(out, RULE, to - bar - 1);
    out.push('\n');
    no_number(out, width);
    pad(out, bar);
    out.push_str("╰── ");
    out.push_str(d.label);
    if let Some(c) = d.component {
        out.push_str(" (");
        out.push_str(c);
        out.push(')');
    }
    out.push('\n');
}

/// The column of a file offset on an ASCII line; one past the text for its line break.
fn visual(line: &Line<'_>, offset: usize) -> usize {
    let at = offset - line.offset;
    at.min(line.text.len()) + usize::from(at > line.text.len())
}

/// Whether the span starts or ends on the line (miette's `span_applies` for a span of one line).
fn applies(line: &Line<'_>, offset: usize, len: usize) -> bool {
    let end = line.offset + line.length;
    (offset >= line.offset && offset < end)
        || (offset < line.offset && offset + len > end)
        || (offset + len > line.offset && offset + len <= end)
}

/// Whether the span lies within the line, its line break included.
fn line_only(line: &Line<'_>, offset: usize, len: usize) -> bool {
    offset >= line.offset && offset + len <= line.offset + line.length
}

fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Whether `text` is printable ASCII and line breaks.
fn printable(text: &str) -> bool {
    !super::any_byte(text, |b| ((b < b' ') & (b != b'\n')) | (b > b'~'))
}

/// Runs of one character, of which a prefix is written: 64 spaces, 64 box-drawing rules (three
/// bytes each).
const SPACES: &str = "                                                                ";
const RULE: &str = "────────────────────────────────────────────────────────────────";

fn pad(out: &mut String, n: usize) {
    repeat(out, SPACES, n);
}

/// `n` characters of `run`, one of the runs above.
fn repeat(out: &mut String, run: &str, mut n: usize) {
    let width = if run.starts_with(' ') {
        1
    } else {
        '─'.len_utf8()
    };
    while n > 0 {
        let now = n.min(64);
        out.push_str(&run[..now * width]);
        n -= now;
    }
}

/// The gutter of a line under the text: no number, a dotted bar.
fn no_number(out: &mut String, width: usize) {
    out.push(' ');
    pad(out, width);
    out.push_str(" · ");
}

/// Long texts as textwrap wrapped them, by their first indent and text: a run's messages repeat
/// (the same gate at the same release in many files), and finding a text's line breaks costs
/// more than writing it. Emptied when it holds [`Wraps::MAX`] texts.
#[derive(Default)]
pub(super) struct Wraps {
    /// By first indent (a few static texts, with their width), then by text: found without
    /// building a key.
    by_indent: Vec<(&'static str, usize, foldhash::HashMap<String, String>)>,
    len: usize,
    /// The heads and tails of diagnostics by judgment (see `human::texts`), at most
    /// [`Wraps::MAX`] of them.
    pub(super) judged: foldhash::HashMap<Judged, Kept>,
}

/// A judgment, as findings that share it show it: its kind and severity, and the addresses
/// and lengths of its message and help.
pub(super) type Judged = (
    gatecheck_lint::FindingKind,
    gatecheck_lint::Severity,
    (usize, usize),
    (usize, usize),
);

/// A judgment's head and tail ([`head`], [`tail`]), with its message, held so that its address
/// names no other text while it is kept.
pub(super) struct Kept {
    pub(super) _message: std::sync::Arc<str>,
    pub(super) texts: std::sync::Arc<(String, String)>,
}

impl Wraps {
    /// Texts kept at most, each at most [`Wraps::LONGEST`] bytes: a few megabytes however
    /// many files a run reads (a longer text, which names a hostile gate, is wrapped each time).
    pub(super) const MAX: usize = 4096;
    const LONGEST: usize = 1024;
}

/// `text` wrapped as miette wraps it (textwrap, 98 columns, words broken where they must be),
/// with a line break after it. Short ASCII text fits on one line and is written as is, as
/// textwrap would.
fn wrap(out: &mut String, text: &str, first: &'static str, rest: &str, wraps: &mut Wraps) {
    let at = match wraps.by_indent.iter().position(|(i, ..)| *i == first) {
        Some(at) => at,
        None => {
            let indent = textwrap::core::display_width(first);
            wraps.by_indent.push((first, indent, Default::default()));
            wraps.by_indent.len() - 1
        }
    };
    let indent = wraps.by_indent[at].1;
    // One line of printable ASCII, not starting or ending with a space.
    let plain = !super::any_byte(text, |b| !(b' '..=b'~').contains(&b))
        && !text.starts_with(' ')
        && !text.ends_with(' ');
    if plain && indent + text.len() < WIDTH {
        out.push_str(first);
        out.push_str(text);
        out.push('\n');
        return;
    }
    if text.len() > Wraps::LONGEST {
        out.push_str(&fill(text, first, rest));
        out.push('\n');
        return;
    }
    if let Some(wrapped) = wraps.by_indent[at].2.get(text) {
        out.push_str(wrapped);
    } else {
        let wrapped = fill(text, first, rest);
        out.push_str(&wrapped);
        if wraps.len >= Wraps::MAX {
            wraps.by_indent.iter_mut().for_each(|(.., m)| m.clear());
            wraps.len = 0;
        }
        wraps.by_indent[at].2.insert(text.to_string(), wrapped);
        wraps.len += 1;
    }
    out.push('\n');
}

/// textwrap's `fill` with miette's options: 98 columns, words broken where they must be.
fn fill(text: &str, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .break_words(true);
    textwrap::fill(text, options)
}
