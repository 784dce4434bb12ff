//! Rendering, one file per output format. Everything derived from an input file (gate names,
//! values, excerpts, file names) goes through [`escape`] or, for excerpts, [`mask`] before it
//! reaches a terminal or a CI log: a configuration file in a pull request must not be able to
//! move the reviewer's cursor, retitle a window or hide lines.
//!
//! Reports are streamed: each format is an [`Emitter`], handed every file's outcome in input
//! order as soon as the file is done, and the run's summary at the end. A format writes what it
//! can at once and keeps only what its layout needs at the end (counts, a capped table), so
//! memory does not grow with the number of findings.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
mod json_write;
pub mod junit;
pub mod markdown;
pub mod plan;
pub mod sarif;
mod snippet;
mod window;

use gatecheck_lint::{Finding, InputError, Severity};
use std::borrow::Cow;

/// Findings shown per file in human output and JUnit listings, and rows in the Markdown table;
/// the rest are counted ("… and N more"), and `--format json` has them all.
pub const MAX_SHOWN: usize = 200;

/// One file's outcome, in input order.
pub enum Outcome<'a> {
    /// Read and linted: the findings kept for it (after the config's severities, accepted
    /// findings and the baseline), and its text for excerpts (empty unless the format shows
    /// excerpts).
    Linted {
        src: &'a str,
        findings: &'a [Finding],
    },
    /// Not read, or not understood as a whole: why, with the text when it was read.
    Failed {
        src: Option<&'a str>,
        error: &'a InputError,
    },
}

/// What changes at one step of an upgrade for the files' components, whether or not the files
/// set the gates: defaults that flip, new locks, deprecations, removals.
pub struct Step {
    pub version: String,
    pub default_on: Vec<&'static str>,
    pub default_off: Vec<&'static str>,
    pub locked: Vec<&'static str>,
    pub deprecated: Vec<&'static str>,
    pub removed: Vec<&'static str>,
}

impl Upgrade {
    /// The components, listed, or `none` when the files configure none gatecheck knows.
    pub fn components_or(&self, none: &str) -> String {
        if self.components.is_empty() {
            none.to_string()
        } else {
            self.components.join(", ")
        }
    }
}

impl Step {
    /// "on by default: A, B" and so on, for the kinds of change this step has.
    pub fn parts(&self) -> Vec<String> {
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

/// Findings counted by severity.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        *match severity {
            Severity::Error => &mut self.error,
            Severity::Warning => &mut self.warning,
            Severity::Info => &mut self.info,
        } += 1;
    }

    pub fn total(&self) -> usize {
        self.error + self.warning + self.info
    }

    /// Whether any finding is at or above `severity`.
    pub fn any_at_or_above(&self, severity: Severity) -> bool {
        [
            (Severity::Error, self.error),
            (Severity::Warning, self.warning),
            (Severity::Info, self.info),
        ]
        .iter()
        .any(|(s, n)| *n > 0 && *s >= severity)
    }
}

/// `--from`: the steps of the upgrade and the components they were worked out for.
pub struct Upgrade {
    pub from: String,
    pub to: String,
    pub components: Vec<&'static str>,
    pub steps: Vec<Step>,
}

/// What is known once every file is done.
pub struct Summary<'a> {
    /// The target as given: `1.33`, or `1.33.4`.
    pub target: &'a str,
    pub checked: usize,
    pub recognised: usize,
    pub with_settings: usize,
    pub unrecognised: &'a [String],
    /// Files a directory search found and left unread, and why.
    pub skipped: &'a [(String, &'static str)],
    /// Every input that could not be read or understood, in order.
    pub errors: &'a [(String, InputError)],
    /// Findings reported, by severity.
    pub counts: Counts,
    /// Said with every report on a release whose facts come from a development tree.
    pub development: Option<&'a str>,
    /// What the files' declared Kubernetes versions say about the upgrade.
    pub versions: Option<&'a str>,
    pub upgrade: Option<&'a Upgrade>,
}

/// An output format, fed one file at a time.
pub trait Emitter {
    /// One file's outcome; files come in input order.
    fn file(&mut self, name: &str, outcome: Outcome<'_>) -> std::io::Result<()>;
    /// Writes what the format holds back, before the run writes to standard error (which
    /// then comes after it where both go to one log).
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    /// The end of the run: writes what the format puts last, and flushes.
    fn finish(&mut self, summary: &Summary<'_>) -> std::io::Result<()>;
}

/// The addresses and lengths of `f`'s message and help where `f` shares its judgment with
/// other findings (`gatecheck_lint`'s memo hands the findings of settings judged alike one
/// message, and their help is static text): then they tell the judgment, and what a report
/// writes of it alone can be kept and copied. `None` for a finding whose message is its own
/// (never met again) or whose help was made for it. A report that keeps text by these
/// addresses holds the message while it keeps it, so the address names no other text.
pub(super) fn shared_judgment(
    f: &gatecheck_lint::Finding,
) -> Option<((usize, usize), (usize, usize))> {
    let address = |s: &str| (s.as_ptr() as usize, s.len());
    match &f.help {
        std::borrow::Cow::Borrowed(help) if std::sync::Arc::strong_count(&f.message) > 1 => {
            Some((address(&f.message), address(help)))
        }
        _ => None,
    }
}

/// Whether any byte of `s` is one `hit` accepts. Whole chunks are tested without stopping early,
/// which the compiler turns into a few vector instructions per chunk: the byte scans that decide
/// whether a text can be written as it is.
///
/// Every test is of a whole chunk of 32: a text's last bytes are tested as the last 32 bytes
/// (some again), and a shorter text is filled out with its own first byte, so no byte is ever
/// tested on its own.
pub(super) fn any_byte(s: &str, hit: impl Fn(u8) -> bool) -> bool {
    let bytes = s.as_bytes();
    let any = |chunk: &[u8; 32]| chunk.iter().fold(false, |any, &b| any | hit(b));
    let Some(&first) = bytes.first() else {
        return false;
    };
    if bytes.len() < 32 {
        let mut filled = [first; 32];
        filled[..bytes.len()].copy_from_slice(bytes);
        return any(&filled);
    }
    bytes.chunks_exact(32).any(|c| any(whole(c))) || any(whole(&bytes[bytes.len() - 32..]))
}

/// A chunk of [`any_byte`], which cuts 32 bytes.
fn whole(chunk: &[u8]) -> &[u8; 32] {
    chunk.try_into().expect("32 bytes")
}

/// Whether `s` holds a character [`is_control`] names, told by its bytes: a C0 control other
/// than a line break or tab, DEL, or a C1 control (whose UTF-8 starts with 0xc2; so do `¡` to
/// `ÿ`, which are looked at character by character).
fn has_control(s: &str) -> bool {
    any_byte(s, |b| {
        ((b < 0x20) & (b != b'\n') & (b != b'\t')) | (b == 0x7f) | (b == 0xc2)
    }) && s.chars().any(is_control)
}

fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Text from a file as a Markdown code span: control characters escaped, line breaks folded, and
/// fenced with more backticks than any run inside it, so nothing in it is read as markup.
pub fn code_span(s: &str) -> String {
    let text = escape(s).replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside its fence.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Text with every C0/C1 control character (but newline and tab) written as `\u{..}`.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !has_control(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// serde_json's compact output, with DEL and the C1 controls also written as `\u00XX` escapes
/// (serde_json escapes only C0, which JSON requires): the same document to a parser, nothing a
/// terminal acts on when the report is printed rather than piped.
struct Safe;

impl serde_json::ser::Formatter for Safe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // DEL is 0x7f and every C1 control is encoded 0xc2 0x80..=0x9f: a byte scan rules most
        // text out.
        if memchr::memchr2(0x7f, 0xc2, fragment.as_bytes()).is_none() {
            return out.write_all(fragment.as_bytes());
        }
        let bytes = fragment.as_bytes();
        let mut from = 0;
        for (i, c) in fragment.char_indices() {
            if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) {
                out.write_all(&bytes[from..i])?;
                write!(out, "\\u{:04x}", c as u32)?;
                from = i + c.len_utf8();
            }
        }
        out.write_all(&bytes[from..])
    }
}

/// Writes `value` as compact JSON, with DEL and C1 controls escaped too (see [`Safe`]).
pub fn write_json(
    out: &mut (impl std::io::Write + ?Sized),
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Safe);
    value.serialize(&mut ser).map_err(std::io::Error::other)
}

/// A JSON document streamed in three parts: its opening, up to an array's `[`, written before the
/// first element; the array's elements, one per line as they come; and the rest after the last.
/// Elements are written into the stream's own buffer, which goes out whenever it holds
/// [`OUT_BUFFER`] bytes: an element is not written into a buffer of its own first and copied.
pub struct JsonStream<W: std::io::Write> {
    out: W,
    open: Option<String>,
    any: bool,
    buffer: Vec<u8>,
}

impl<W: std::io::Write> JsonStream<W> {
    pub fn new(out: W, open: String) -> JsonStream<W> {
        JsonStream {
            out,
            open: Some(open),
            any: false,
            buffer: Vec::new(),
        }
    }

    fn opened(&mut self) {
        if let Some(open) = self.open.take() {
            self.buffer.extend_from_slice(open.as_bytes());
        }
    }

    /// An element, which `write` appends to the buffer it is given as JSON.
    pub fn element(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> std::io::Result<()> {
        self.opened();
        self.buffer
            .extend_from_slice(if self.any { b",\n" } else { b"\n" });
        self.any = true;
        write(&mut self.buffer);
        if self.buffer.len() >= OUT_BUFFER {
            self.write_buffer()?;
        }
        Ok(())
    }

    /// Writes what the buffer holds; its room is kept, up to a few times [`OUT_BUFFER`] (one
    /// huge element does not keep its room for the rest of the run).
    fn write_buffer(&mut self) -> std::io::Result<()> {
        let written = self.out.write_all(&self.buffer);
        self.buffer.clear();
        if self.buffer.capacity() > 4 * OUT_BUFFER {
            self.buffer = Vec::new();
        }
        written
    }

    /// Ends the array and the document with `rest` (which closes the array), and flushes.
    pub fn close(&mut self, rest: &str) -> std::io::Result<()> {
        self.opened();
        self.write_buffer()?;
        writeln!(self.out, "\n{rest}")?;
        self.out.flush()
    }
}

/// `value` as JSON text, with DEL and C1 controls escaped too (see [`Safe`]).
pub fn json_text(value: &impl serde::Serialize) -> std::io::Result<String> {
    let mut out = Vec::new();
    write_json(&mut out, value)?;
    String::from_utf8(out).map_err(std::io::Error::other)
}

/// Text of the same byte length with control characters replaced by `?` (a carriage return by a
/// space), so that byte offsets into it still hold.
pub fn mask(s: &str) -> Cow<'_, str> {
    if !has_control(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' => out.push(' '),
            c if is_control(c) => out.extend(std::iter::repeat_n('?', c.len_utf8())),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether the format shows the edit that settles a finding (JSON's `fix`, SARIF's `fixes`):
/// the others are linted without them.
pub fn shows_fixes(format: crate::LintFormat) -> bool {
    matches!(format, crate::LintFormat::Json | crate::LintFormat::Sarif)
}

/// Whether the format shows excerpts of a file's text: only then is the text kept after the
/// file is linted.
pub fn shows_excerpts(format: crate::LintFormat) -> bool {
    format == crate::LintFormat::Human
}

/// A format whose report goes to standard output, followed on standard error by the notes and
/// summary line human output ends with ([`human::closing`]).
struct Closed<E>(E);

impl<E: Emitter> Emitter for Closed<E> {
    fn file(&mut self, name: &str, outcome: Outcome<'_>) -> std::io::Result<()> {
        self.0.file(name, outcome)
    }

    fn finish(&mut self, summary: &Summary<'_>) -> std::io::Result<()> {
        self.0.finish(summary)?;
        human::closing(&mut std::io::stderr(), summary);
        Ok(())
    }
}

/// The room of the buffer between a format's writer and standard output: a report of many
/// findings goes out in writes of this size, not of eight kilobytes (a hundred megabytes of JSON
/// took 16,000 system calls).
const OUT_BUFFER: usize = 128 * 1024;

/// The emitter of an output format, writing to standard output (human output's notes go to
/// standard error).
pub fn emitter(
    format: crate::LintFormat,
    target_text: &str,
    upgrade: bool,
) -> std::io::Result<Box<dyn Emitter + Send>> {
    use crate::LintFormat as Format;
    // Unlocked handles: whichever worker finishes the next file in order writes it.
    let stdout = std::io::stdout();
    let buffered = || std::io::BufWriter::with_capacity(OUT_BUFFER, std::io::stdout());
    match format {
        // Human output goes out as each file is done on a terminal, elsewhere in large writes.
        Format::Human => {
            use std::io::IsTerminal;
            let human = human::Human::new(stdout, std::io::stderr())
                .holding(!std::io::stdout().is_terminal());
            Ok(Box::new(if upgrade { human.planned() } else { human }))
        }
        // The JSON document carries the notes and the counts itself.
        Format::Json => {
            json::Json::new(buffered(), target_text).map(|e| Box::new(e) as Box<dyn Emitter + Send>)
        }
        Format::Github => Ok(Box::new(Closed(github::Github::new(buffered())))),
        Format::Sarif => sarif::Sarif::new(buffered(), target_text)
            .map(|e| Box::new(Closed(e)) as Box<dyn Emitter + Send>),
        Format::Markdown => {
            let markdown = markdown::Markdown::new(buffered(), target_text);
            Ok(Box::new(Closed(if upgrade {
                markdown.planned()
            } else {
                markdown
            })))
        }
        Format::Junit => Ok(Box::new(Closed(junit::Junit::new(buffered())))),
        Format::Gitlab => Ok(Box::new(Closed(gitlab::Gitlab::new(buffered())))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The chunked test finds what a test of each byte finds, at any length and wherever
        /// the byte is (the first, the last, one tested twice).
        #[test]
        fn any_byte_is_a_test_of_each_byte(
            text in "[a-z\"\\\u{1}\u{e9}]{0,80}",
        ) {
            for (name, hit) in [
                ("quote", (|b| b == b'"') as fn(u8) -> bool),
                ("control", |b| b < 0x20),
                ("0xc3", |b| b == 0xc3),
                ("z", |b| b == b'z'),
            ] {
                proptest::prop_assert_eq!(any_byte(&text, hit), text.bytes().any(hit), "{}", name);
            }
        }
    }

    #[test]
    fn control_characters_never_pass() {
        let evil = "Gate\u{1b}]0;owned\u{7}\r\u{9b}2J";
        assert_eq!(escape(evil), "Gate\\u{1b}]0;owned\\u{7}\\u{d}\\u{9b}2J");
        let masked = mask(evil);
        assert_eq!(masked.len(), evil.len());
        assert!(!masked.chars().any(is_control));
        assert_eq!(escape("plain\ttext\n"), "plain\ttext\n");
        let json = json_text(&serde_json::json!({ "gate": evil })).unwrap();
        assert!(!json.chars().any(is_control), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["gate"], evil);
    }
}
