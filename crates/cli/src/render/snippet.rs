//! Plain human output (no colour, 100 columns: pipes, CI logs, files) written directly: the same
//! text miette's graphical handler writes for a finding, without building a report, a handler
//! and a line list per finding.
//!
//! It writes the shape every finding has in practice: one label on one line of ASCII text
//! without tabs. Anything else (a span over several lines, tabs, wide characters, an empty
//! excerpt) is left to miette: [`write`] returns `false` before writing anything. A test renders
//! every fixture's findings both ways and compares them byte for byte.

use super::human::Window;
use std::fmt::Write;

/// miette's width for output that is not a terminal, less its two-column margin.
const WIDTH: usize = 98;

/// What a finding's diagnostic says, already escaped.
pub(super) struct Diagnostic<'a> {
    /// `GC007::deprecated`.
    pub(super) code: &'a str,
    /// The severity's mark as the message's indent: `  × `, `  ⚠ ` or `  ☞ `.
    pub(super) icon: &'a str,
    pub(super) message: &'a str,
    pub(super) help: &'a str,
    /// The text by the underline.
    pub(super) label: &'a str,
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
    wraps: &mut Wraps,
) -> bool {
    let len = end - start;
    if len == 0 || d.label.contains('\n') {
        return false;
    }
    let context = window.excerpt(start, len, 1, 1);
    let data = &window.text[context.start..context.stop];
    if data.is_empty()
        || data.ends_with('\n')
        || !data
            .bytes()
            .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
    {
        return false;
    }
    let mut lines = Vec::with_capacity(3);
    let mut offset = window.base + context.start;
    for (i, text) in data.split('\n').enumerate() {
        let length = text.len() + usize::from(offset + text.len() < window.base + context.stop);
        lines.push(Line {
            number: context.line + 1 + i,
            offset,
            length,
            text,
        });
        offset += length;
    }
    // The label must start and end on one line.
    if lines
        .iter()
        .any(|l| applies(l, start, len) && !line_only(l, start, len))
    {
        return false;
    }
    let width = digits(lines.last().map_or(0, |l| l.number));
    let primary = window.excerpt(start, len, 0, 0);

    let _ = writeln!(out, "{}\n", d.code);
    wrap(out, d.message, d.icon, "  │ ", wraps);
    pad(out, width + 2);
    let _ = writeln!(
        out,
        "╭─[{}:{}:{}]",
        window.name,
        primary.line + 1,
        primary.column + 1
    );
    for line in &lines {
        let _ = writeln!(out, " {:>width$} │ {}", line.number, line.text);
        if !applies(line, start, len) {
            continue;
        }
        let from = visual(line, start);
        let to = visual(line, end).max(from + 1);
        let bar = (from + to) / 2;
        no_number(out, width);
        pad(out, from);
        repeat(out, "─", bar - from);
        out.push('┬');
        repeat(out, "─", to - bar - 1);
        out.push('\n');
        no_number(out, width);
        pad(out, bar);
        let _ = writeln!(out, "╰── {}", d.label);
    }
    pad(out, width + 2);
    out.push_str("╰────\n");
    wrap(out, d.help, "  help: ", "        ", wraps);
    true
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

fn pad(out: &mut String, n: usize) {
    repeat(out, " ", n);
}

fn repeat(out: &mut String, s: &str, n: usize) {
    for _ in 0..n {
        out.push_str(s);
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
pub(super) struct Wraps(std::collections::HashMap<String, String>);

impl Wraps {
    const MAX: usize = 4096;
}

/// `text` wrapped as miette wraps it (textwrap, 98 columns, words broken where they must be),
/// with a line break after it. Short ASCII text fits on one line and is written as is, as
/// textwrap would.
fn wrap(out: &mut String, text: &str, first: &str, rest: &str, wraps: &mut Wraps) {
    let indent = textwrap::core::display_width(first);
    let plain = text.bytes().all(|b| (b' '..=b'~').contains(&b))
        && !text.starts_with(' ')
        && !text.ends_with(' ');
    if plain && indent + text.len() < WIDTH {
        out.push_str(first);
        out.push_str(text);
        out.push('\n');
        return;
    }
    // The key: the first indent (the severity's mark, or `help:`), a NUL, the text.
    let mut key = String::with_capacity(first.len() + 1 + text.len());
    key.push_str(first);
    key.push('\0');
    key.push_str(text);
    if let Some(wrapped) = wraps.0.get(&key) {
        out.push_str(wrapped);
    } else {
        let options = textwrap::Options::new(WIDTH)
            .initial_indent(first)
            .subsequent_indent(rest)
            .break_words(true);
        let wrapped = textwrap::fill(text, options);
        out.push_str(&wrapped);
        if wraps.0.len() >= Wraps::MAX {
            wraps.0.clear();
        }
        wraps.0.insert(key, wrapped);
    }
    out.push('\n');
}
