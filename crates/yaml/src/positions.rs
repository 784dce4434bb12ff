//! Line, column and byte positions from saphyr's character-based markers.

use crate::{Mark, Pos, Span};

/// Turns saphyr's character-based markers into line/column/byte positions.
pub(crate) struct Positions<'a> {
    pub(crate) src: &'a str,
    /// Byte offset of the start of each line (index 0 is line 1); `parse` refuses sources of
    /// 4 GiB or more.
    line_starts: Vec<u32>,
    /// The last position converted (line, 0-based column, byte offset): parser events move
    /// forward, so the next one on the same line walks on from there instead of from the start
    /// of the line (a long flow map on one line would otherwise be quadratic).
    cursor: std::cell::Cell<(usize, usize, usize)>,
    /// Whether the source is ASCII: then a column is a byte count, and no characters are walked.
    ascii: bool,
}

impl<'a> Positions<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| (i + 1) as u32));
        Positions {
            src,
            line_starts,
            cursor: std::cell::Cell::new((0, 0, 0)),
            ascii: src.is_ascii(),
        }
    }

    /// `line` is 1-based, `col` is a 0-based character count within the line.
    pub(crate) fn pos(&self, line: usize, col: usize) -> Pos {
        let line = line.max(1);
        let start = self
            .line_starts
            .get(line - 1)
            .map_or(self.src.len(), |&s| s as usize);
        if self.ascii {
            return Pos {
                line,
                column: col + 1,
                offset: (start + col).min(self.src.len()),
            };
        }
        let (c_line, c_col, c_off) = self.cursor.get();
        let (from_col, from_off) = if c_line == line && c_col <= col {
            (c_col, c_off)
        } else {
            (0, start)
        };
        let rest = self.src.get(from_off..).unwrap_or("");
        let offset = from_off
            + rest
                .char_indices()
                .nth(col - from_col)
                .map(|(i, _)| i)
                .unwrap_or(rest.len());
        self.cursor.set((line, col, offset));
        Pos {
            line,
            column: col + 1,
            offset,
        }
    }

    pub(crate) fn marker(&self, m: &saphyr_parser::Marker) -> Pos {
        self.pos(m.line(), m.col())
    }

    pub(crate) fn span(&self, s: &saphyr_parser::Span) -> (Pos, Span) {
        let start = self.marker(&s.start);
        let end = self.marker(&s.end);
        (
            start,
            Span {
                start: Mark {
                    offset: start.offset,
                },
                end: Mark { offset: end.offset },
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Positions;

    /// In an ASCII source a column is a byte count: the short way gives what walking the
    /// characters gives, for every line and column, past the ends included.
    #[test]
    fn ascii_positions_are_the_walked_ones() {
        let src = "a: 1\nfeatureGates:\n  Gate: true\n\n  Other: off";
        let short = Positions::new(src);
        assert!(short.ascii);
        let walked = Positions {
            ascii: false,
            ..Positions::new(src)
        };
        for line in 0..8 {
            for col in 0..20 {
                assert_eq!(short.pos(line, col), walked.pos(line, col), "{line}:{col}");
            }
        }
    }
}
