//! The window of a file a diagnostic shows: the lines around the finding, and on a long line (a
//! minified file, one huge `--feature-gates` flag) only some columns either side of it. No line
//! length can make the excerpt flood the terminal or reach miette's limits, and each finding
//! costs the size of its window, not of its file. Control characters are masked.

use super::mask;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
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

pub(super) fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl<'a> Window<'a> {
    /// The window around `offset..offset+len` of `src`.
    /// `line` is the 0-based line of `offset`, which the finding or error already knows (the
    /// linter computed it once per file): no line is counted here. `column`, the 0-based
    /// column of `offset` in characters, where known: then no line is searched further than
    /// the window reaches, so a finding on a line of megabytes costs the size of its window.
    /// `clean` says the file holds no control character: its text needs no mask.
    pub(super) fn around(
        name: Cow<'a, str>,
        (src, clean): (&'a str, bool),
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
            text: if clean {
                Cow::Borrowed(&src[start..stop])
            } else {
                mask(&src[start..stop])
            },
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
            Some(i) if i < LONG_LINE => le + 1 + i,
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
    /// The 0-based line of `offset`.
    pub(super) at_line: usize,
    /// How many lines `start..stop` holds.
    pub(super) count: usize,
}

impl Window<'_> {
    /// The window with its own copy of the text, as miette keeps it.
    pub(super) fn into_owned(self) -> Window<'static> {
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
        // Where each line starts: a window has a few lines, counted without a Vec (a longer
        // text, which miette may ask about, gets one).
        let mut few = [0usize; 8];
        let mut count = 1;
        let mut more = Vec::new();
        for i in memchr::memchr_iter(b'\n', text.as_bytes()) {
            if count < few.len() {
                few[count] = i + 1;
            } else {
                if more.is_empty() {
                    more.extend_from_slice(&few);
                }
                more.push(i + 1);
            }
            count += 1;
        }
        let starts: &[usize] = if more.is_empty() {
            &few[..count]
        } else {
            &more
        };
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
            at_line: self.line + first,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Excerpts of a window of many lines (more than are counted without a Vec) start, stop
    /// and count where the lines say, at every offset, with context either side.
    #[test]
    fn excerpts_of_many_lines() {
        let text: String = (0..20)
            .map(|i| format!("line {i}: {}\n", "x".repeat(i)))
            .collect();
        let w = Window {
            name: "f".into(),
            text: Cow::Borrowed(&text),
            base: 0,
            line: 0,
            column: 0,
        };
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        for offset in 0..text.len() {
            for (before, after) in [(0, 0), (1, 1), (3, 12)] {
                let e = w.excerpt(offset, 2, before, after);
                let line = starts.partition_point(|&s| s <= offset) - 1;
                let last = starts.partition_point(|&s| s <= (offset + 2).min(text.len())) - 1;
                let from = line.saturating_sub(before);
                let to = (last + after).min(starts.len() - 1);
                assert_eq!((e.line, e.at_line, e.start), (from, line, starts[from]));
                assert_eq!(e.count, to - from + 1, "at {offset}");
                assert_eq!(e.column, offset - starts[line]);
            }
        }
    }

    #[test]
    fn windows_of_long_lines_keep_positions() {
        let src = format!(
            "a: 1\nflags: --feature-gates={}X=true\nb: 2\n",
            "Y=true,".repeat(5000)
        );
        let at = src.find("X=true").unwrap();
        let w = Window::around("f".into(), (&src, false), (1, None), at, 1);
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
}
