//! Line and column of byte offsets, computed once per file.

/// Where each line starts, so that many findings in one file each find their line and column
/// without rescanning the file from the top. Computed at the first position asked for: most
/// files have no finding and never pay for it.
pub(super) struct Lines<'a> {
    src: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
    /// Whether the text is ASCII, where a column is a byte count (told at the first position
    /// asked for, with the line starts).
    ascii: std::cell::OnceCell<bool>,
    /// The last position converted (byte offset, column): the next one on the same line counts
    /// characters from there, so many findings on one long line cost its length once, not each.
    cursor: std::cell::Cell<(usize, usize)>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lines {
            src,
            starts: std::cell::OnceCell::new(),
            ascii: std::cell::OnceCell::new(),
            cursor: std::cell::Cell::new((0, 1)),
        }
    }

    fn ascii(&self) -> bool {
        *self.ascii.get_or_init(|| self.src.is_ascii())
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            // Room for lines of about 24 bytes, so that a configuration's fills it once.
            let mut starts = Vec::with_capacity(self.src.len() / 24 + 2);
            starts.push(0);
            starts.extend(memchr::memchr_iter(b'\n', self.src.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// Line and column just past `len` bytes from `offset`, given the start's line and column
    /// (as [`Lines::line_col`] tells them):
    /// counts only the span's own characters (spans are short; no rescan of the line).
    pub(super) fn end(
        &self,
        offset: usize,
        len: usize,
        line: usize,
        column: usize,
    ) -> (usize, usize) {
        let start = offset.min(self.src.len());
        let mut stop = (offset + len).min(self.src.len());
        if self.ascii() {
            // A column is a byte count. A span that ends before its line's newline (a gate
            // name, mostly) is told by the line starts, already found; else its line breaks
            // are counted.
            let stop = stop.max(start);
            if stop < self.starts().get(line).copied().unwrap_or(usize::MAX) {
                return (line, column + (stop - start));
            }
            let span = &self.src.as_bytes()[start..stop];
            return match memchr::memrchr(b'\n', span) {
                None => (line, column + span.len()),
                Some(nl) => (
                    line + memchr::memchr_iter(b'\n', span).count(),
                    span.len() - nl,
                ),
            };
        }
        while !self.src.is_char_boundary(stop) {
            stop -= 1;
        }
        let span = self.src.get(start..stop).unwrap_or("");
        // Spans are mostly a gate name: one line of ASCII, told without a search.
        if span.bytes().all(|b| b != b'\n' && b.is_ascii()) {
            return (line, column + span.len());
        }
        match memchr::memrchr(b'\n', span.as_bytes()) {
            None => (line, column + span.chars().count()),
            Some(nl) => (
                line + memchr::memchr_iter(b'\n', span.as_bytes()).count(),
                span[nl + 1..].chars().count() + 1,
            ),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(super) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = self.starts().partition_point(|&s| s <= offset).max(1);
        let start = self.starts()[line - 1];
        if self.ascii() {
            return (line, offset - start + 1);
        }
        let (at, col) = self.cursor.get();
        let column = if at >= start && at <= offset && self.src.is_char_boundary(at) {
            col + self.src.get(at..offset).map_or(0, |t| t.chars().count())
        } else {
            self.src.get(start..offset).map_or(0, |t| t.chars().count()) + 1
        };
        if self.src.is_char_boundary(offset) {
            self.cursor.set((offset, column));
        }
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    /// Line and column of `offset` counted from the top, character by character.
    fn counted(src: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &src[..offset];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |n| n + 1);
        (line, before[start..].chars().count() + 1)
    }

    /// Every position and span end of `src` asked in the order given.
    fn positions_hold(
        src: &str,
        spans: Vec<(usize, usize)>,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let lines = Lines::new(src);
        for (offset, len) in spans {
            let at = offset.min(src.len());
            if !src.is_char_boundary(at) {
                continue;
            }
            let (line, column) = lines.line_col(at);
            proptest::prop_assert_eq!((line, column), counted(src, at));
            proptest::prop_assert_eq!(
                lines.end(at, len, line, column),
                counted(src, at + len),
                "span {}+{} of {:?}",
                at,
                len,
                src
            );
        }
        Ok(())
    }

    proptest::proptest! {
        /// Positions and span ends are what counting from the top gives, in ASCII text (byte
        /// counts) and in any other (character counts), whatever order they are asked in.
        #[test]
        fn positions_are_counted_from_the_top(
            src in "[a :\n\u{e9}\u{2014}]{0,40}",
            spans in proptest::collection::vec((0usize..48, 0usize..12), 1..6),
        ) {
            positions_hold(&src, spans)?;
        }

        /// The same in ASCII text alone, where spans on one line are told by the line starts.
        #[test]
        fn ascii_positions_are_counted_from_the_top(
            src in "[a :\n]{0,40}",
            spans in proptest::collection::vec((0usize..48, 0usize..12), 1..6),
        ) {
            positions_hold(&src, spans)?;
        }
    }
}
