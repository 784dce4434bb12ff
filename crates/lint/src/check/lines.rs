//! Line and column of byte offsets, computed once per file.

/// Where each line starts, so that many findings in one file each find their line and column
/// without rescanning the file from the top. Computed at the first position asked for: most
/// files have no finding and never pay for it.
pub(super) struct Lines<'a> {
    src: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
    /// The last position converted (byte offset, column): the next one on the same line counts
    /// characters from there, so many findings on one long line cost its length once, not each.
    cursor: std::cell::Cell<(usize, usize)>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        Lines {
            src,
            starts: std::cell::OnceCell::new(),
            cursor: std::cell::Cell::new((0, 1)),
        }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.src.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// Line and column just past `len` bytes from `offset`, given the start's line and column:
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
