//! A small YAML document tree that remembers where every node came from.
//!
//! gatecheck needs three things from YAML that general-purpose libraries do not give together:
//!
//! * **Positions.** Every node carries the byte range of its text, so a finding can point at the
//!   exact key or value in the user's file; errors carry line and column too.
//! * **Little memory.** Scalars written verbatim borrow their text from the source, and a span
//!   is two byte offsets: a node costs about 64 bytes, whatever its text.
//! * **Kubernetes' scalar rules.** Kubernetes decodes YAML with go-yaml v2 (YAML 1.1), where an
//!   unquoted `yes`, `on` or `off` is a boolean. The tree keeps each scalar's text and quoting
//!   style, and [`Node::as_yaml11_bool`] answers as Kubernetes would.
//! * **Limits instead of panics.** Hostile input (deep nesting, alias bombs) ends in an [`Error`]
//!   with a position, never in a panic or an unbounded allocation.
//!
//! The event parser underneath is `saphyr-parser` (see `docs/adr/0001-yaml-library.md`).
//!
//! ```
//! let docs = gatecheck_yaml::parse("featureGates:\n  NodeSwap: yes\n").unwrap();
//! let gates = docs[0].root.get("featureGates").unwrap();
//! let (key, value) = &gates.as_map().unwrap()[0];
//! assert_eq!(key.as_str(), Some("NodeSwap"));
//! assert_eq!(value.as_yaml11_bool(), Some(true));
//! assert_eq!(key.span.start.offset, 16);
//! ```

use std::borrow::Cow;
use std::fmt;

mod builder;
mod positions;
use builder::Builder;

/// Deepest nesting accepted. Real configuration files stay far below this.
pub const MAX_DEPTH: usize = 128;
/// Most nodes a stream may hold, counting every alias expansion. It stops "billion laughs"
/// alias bombs long before they cost real memory, and bounds the tree of any file to about
/// 28 MB (a node is 56 bytes; verbatim text is borrowed from the source). A copy of the text
/// that a file is read from (a template's masked copy) is charged against it by its size.
pub const MAX_NODES: usize = 500_000;
/// Most nodes that aliases may copy in one stream. Real configuration files use few aliases;
/// this keeps an alias bomb's memory to a few megabytes, far below what [`MAX_NODES`] allows.
pub const MAX_ALIASED_NODES: usize = 100_000;

/// A position in the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// 0-based byte offset into the source.
    pub offset: usize,
}

/// A byte offset into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mark {
    /// 0-based byte offset into the source.
    pub offset: usize,
}

/// The source range of a node: `start` inclusive, `end` exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: Mark,
    pub end: Mark,
}

impl Span {
    /// Length of the range in bytes.
    pub fn len(&self) -> usize {
        self.end.offset.saturating_sub(self.start.offset)
    }

    /// Whether the range is empty (for example an implicit null).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a scalar was written. Only plain scalars are subject to YAML 1.1 type resolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A scalar's text (borrowed from the source where it is written verbatim), how it was
/// written, and its explicit tag (`!!str`), if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar<'a> {
    pub text: Cow<'a, str>,
    pub style: Style,
    /// (Boxed once more, so that a scalar without one, nearly every scalar, spends one word on
    /// it: a node is 56 bytes rather than 64.)
    pub tag: Option<Box<String>>,
}

/// The content of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Scalar(Scalar<'a>),
    Seq(Vec<Node<'a>>),
    /// Entries in source order; duplicate keys are kept (a reader may want to report them).
    Map(Vec<(Node<'a>, Node<'a>)>),
}

/// A node with its source range.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    pub value: Value<'a>,
    pub span: Span,
}

/// One document of a (possibly multi-document) YAML stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Document<'a> {
    /// 0-based index of the document in the stream.
    pub index: usize,
    pub root: Node<'a>,
}

/// Why a YAML stream could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub message: String,
    pub pos: Pos,
    /// The stream went past what gatecheck reads (nodes, alias copies, nesting, size), rather
    /// than being malformed: it is refused whatever else it holds.
    pub limit: bool,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.pos.line, self.pos.column
        )
    }
}

impl std::error::Error for Error {}

impl<'a> Node<'a> {
    /// The scalar's text, whatever its style.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    pub fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node<'a>, Node<'a>)]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The value of the last entry whose key is the plain text `key` (go-yaml keeps the last).
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// Follows a path of map keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node<'a>> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Whether the node is a YAML null (`~`, `null`, empty, and so on).
    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Scalar(s) => {
                s.style == Style::Plain
                    && s.tag.is_none()
                    && matches!(s.text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    /// The boolean this node decodes to under go-yaml v2 (YAML 1.1), which Kubernetes uses to
    /// read its configuration files. Only unquoted, untagged (or `!!bool`) scalars qualify:
    /// a quoted `"true"` is a string, and Kubernetes rejects it where a bool is required.
    pub fn as_yaml11_bool(&self) -> Option<bool> {
        let s = self.as_scalar()?;
        let tag_ok = match s.tag.as_deref() {
            None => s.style == Style::Plain,
            Some(t) => t == "tag:yaml.org,2002:bool",
        };
        if !tag_ok {
            return None;
        }
        yaml11_bool(&s.text)
    }
}

/// The YAML 1.1 boolean spellings go-yaml v2 resolves.
pub fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// Parses every document of a YAML stream.
///
/// An empty stream (or one of only comments) gives no documents. Errors carry the position
/// at which the parser gave up.
pub fn parse(src: &str) -> Result<Vec<Document<'_>>, Error> {
    parse_with_budget(src, &mut Budget::default())
}

/// What parsing may still spend on nodes and alias copies. Several streams parsed with one
/// budget (a file and the YAML embedded in its strings, such as kind's `kubeadmConfigPatches`)
/// share [`MAX_NODES`] and [`MAX_ALIASED_NODES`] between them, so many small alias bombs cost no
/// more than one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    nodes: usize,
    aliased: usize,
    /// Nodes' worth of memory charged for copies of the text (see [`Budget::charge_copy`]).
    copies: usize,
}

impl Budget {
    /// Charges a copy of `bytes` of text that is read beside the file (a template's masked
    /// copy): it counts as the nodes of its size, so that the file's reading, copy and tree
    /// together, stays within the memory [`MAX_NODES`] bounds.
    pub fn charge_copy(&mut self, bytes: usize) {
        let nodes = bytes / std::mem::size_of::<Node<'_>>();
        self.nodes = self.nodes.saturating_add(nodes);
        self.copies = self.copies.saturating_add(nodes);
    }
}

/// [`parse`], charging nodes and alias copies to `budget`.
pub fn parse_with_budget<'a>(
    src: &'a str,
    budget: &mut Budget,
) -> Result<Vec<Document<'a>>, Error> {
    if u32::try_from(src.len()).is_err() {
        return Err(Error {
            message: "a YAML stream of 4 GiB or more".into(),
            limit: true,
            pos: Pos {
                line: 1,
                column: 1,
                offset: 0,
            },
        });
    }
    if let Some(e) = nested_flow_on_a_long_line(src) {
        return Err(e);
    }
    let (docs, spent) = Builder::new(src, budget).run_counted();
    *budget = spent;
    docs
}

/// Flow collections nested deeper than this in one flow collection longer than [`LONG_LINE`]
/// (on one line or across lines) are refused: the scanner keeps every token of such a
/// collection until it ends (any of them may still turn out to be a key), 245 MiB for 2 MiB of
/// wide lists 120 deep on one line, 170 MiB for 1.4 MB across lines, before a node is built or
/// counted.
pub const MAX_FLOW_DEPTH_ON_LONG_LINE: usize = 16;
/// See [`MAX_FLOW_DEPTH_ON_LONG_LINE`].
pub const LONG_LINE: usize = 64 * 1024;

/// The first place where flow collections are nested more than [`MAX_FLOW_DEPTH_ON_LONG_LINE`]
/// deep inside an outermost one that has run over [`LONG_LINE`] bytes. Brackets in comments and
/// in quoted text on a line are not counted.
fn nested_flow_on_a_long_line(src: &str) -> Option<Error> {
    let b = src.as_bytes();
    // Only a stream with this many opening brackets can hold such a collection.
    // Only a stream longer than LONG_LINE, with this many opening brackets, can hold such a
    // collection: most files are not scanned at all.
    if b.len() <= LONG_LINE {
        return None;
    }
    memchr::memchr2_iter(b'[', b'{', b).nth(MAX_FLOW_DEPTH_ON_LONG_LINE)?;
    let (mut depth, mut outer_start, mut line, mut line_start) = (0usize, 0usize, 1usize, 0usize);
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match (quote, c) {
            (_, b'\n') => {
                quote = None;
                line += 1;
                line_start = i + 1;
            }
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(c),
            (None, b'#') if i == line_start || matches!(b[i - 1], b' ' | b'\t') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                continue;
            }
            (None, b'[' | b'{') => {
                if depth == 0 {
                    outer_start = i;
                }
                depth += 1;
            }
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        // Looked at where the scanner would go on buffering: a bracket, a comma or a new line.
        if matches!(c, b'[' | b'{' | b']' | b'}' | b',' | b'\n')
            && depth > MAX_FLOW_DEPTH_ON_LONG_LINE
            && i - outer_start > LONG_LINE
        {
            let line_start = line_start.min(i);
            return Some(Error {
                message: format!("flow collections nested more than {MAX_FLOW_DEPTH_ON_LONG_LINE} deep in one of more than {} KiB, which gatecheck does not read", LONG_LINE >> 10),
                limit: true,
                pos: Pos { line, column: src[line_start..i].chars().count() + 1, offset: i },
            });
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests;
