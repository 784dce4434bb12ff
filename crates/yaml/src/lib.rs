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

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Deepest nesting accepted. Real configuration files stay far below this.
pub const MAX_DEPTH: usize = 128;
/// Most nodes a stream may hold, counting every alias expansion. It stops "billion laughs"
/// alias bombs long before they cost real memory, and bounds the tree of any file to about
/// 32 MB (a node is 64 bytes; verbatim text is borrowed from the source).
mod positions;
use positions::Positions;

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
    pub tag: Option<Box<str>>,
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
    let mut b = Builder::new(src);
    b.nodes = budget.nodes;
    b.aliased = budget.aliased;
    let (docs, spent) = b.run_counted();
    *budget = spent;
    docs
}

/// The anchors an alias refers to, from a first pass over the stream's events where it holds a
/// `&` at all (the parser numbers anchors in the order they are defined, the same in both
/// passes). An anchor no alias uses is never copied, so anchors nested in anchors cost what
/// their nodes cost. A stream the first pass cannot read is left to the second to report.
fn aliased_anchors(src: &str) -> HashSet<usize> {
    let mut used = HashSet::new();
    if memchr::memchr(b'&', src.as_bytes()).is_none()
        || memchr::memchr(b'*', src.as_bytes()).is_none()
    {
        return used;
    }
    let mut parser = Parser::new_from_str(src);
    while let Some(Ok((event, _))) = parser.next_event() {
        match event {
            Event::Alias(id) => {
                used.insert(id);
            }
            Event::StreamEnd => break,
            _ => {}
        }
    }
    used
}

/// A collection under construction.
enum Open<'a> {
    Seq(Vec<Node<'a>>, Span, usize),
    /// Entries so far, a key waiting for its value, the start span, and the anchor id.
    Map(Vec<(Node<'a>, Node<'a>)>, Option<Node<'a>>, Span, usize),
}

struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    positions: Positions<'a>,
    anchors: HashMap<usize, Node<'a>>,
    /// The anchors some alias refers to: only these are copied when they are defined.
    aliased_anchors: HashSet<usize>,
    /// Nodes built so far, counting alias expansions, against [`MAX_NODES`].
    nodes: usize,
    /// Nodes copied by aliases so far, against [`MAX_ALIASED_NODES`].
    aliased: usize,
}

impl<'a> Builder<'a> {
    fn new(src: &'a str) -> Self {
        Builder {
            parser: Parser::new_from_str(src),
            positions: Positions::new(src),
            anchors: HashMap::new(),
            aliased_anchors: aliased_anchors(src),
            nodes: 0,
            aliased: 0,
        }
    }

    fn scan_error(&self, e: ScanError) -> Error {
        Error {
            message: e.info().to_string(),
            pos: self.positions.marker(e.marker()),
            limit: false,
        }
    }

    fn count(&mut self, n: usize, at: Pos) -> Result<(), Error> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > MAX_NODES {
            return Err(Error {
                message: if self.aliased > 0 {
                    format!("document expands to more than {MAX_NODES} nodes (alias bomb?)")
                } else {
                    format!(
                        "document has more than {MAX_NODES} nodes, the most gatecheck reads (a configuration file has a few thousand at most)"
                    )
                },
                pos: at,
                limit: true,
            });
        }
        Ok(())
    }

    /// Runs, and says what was spent (also when parsing stops with an error).
    fn run_counted(mut self) -> (Result<Vec<Document<'a>>, Error>, Budget) {
        let result = self.run_inner();
        let spent = Budget {
            nodes: self.nodes,
            aliased: self.aliased,
        };
        (result, spent)
    }

    fn run_inner(&mut self) -> Result<Vec<Document<'a>>, Error> {
        let mut docs = Vec::new();
        let mut stack: Vec<Open<'a>> = Vec::new();
        let mut root: Option<Node<'a>> = None;
        loop {
            let (event, span) = match self.parser.next_event() {
                None => break,
                Some(Err(e)) => return Err(self.scan_error(e)),
                Some(Ok(ev)) => ev,
            };
            let (at, span) = self.positions.span(&span);
            let finished: Option<(Node<'a>, usize)> = match event {
                Event::StreamStart | Event::Nothing => None,
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    root = None;
                    self.anchors.clear();
                    None
                }
                Event::DocumentEnd => {
                    let root = root.take().unwrap_or(Node {
                        value: Value::Scalar(Scalar {
                            text: Cow::Borrowed(""),
                            style: Style::Plain,
                            tag: None,
                        }),
                        span,
                    });
                    docs.push(Document {
                        index: docs.len(),
                        root,
                    });
                    None
                }
                Event::Alias(id) => {
                    let unknown = || Error {
                        message: "alias to an unknown anchor".into(),
                        pos: at,
                        limit: false,
                    };
                    let size = self.anchors.get(&id).map(node_count).ok_or_else(unknown)?;
                    // Counted before the copy is made, so a refused alias costs nothing.
                    self.count(size, at)?;
                    self.aliased = self.aliased.saturating_add(size);
                    if self.aliased > MAX_ALIASED_NODES {
                        return Err(Error {
                            message: format!("aliases expand to more than {MAX_ALIASED_NODES} nodes (alias bomb?)"),
                            pos: at,
                            limit: true,
                        });
                    }
                    let node = self.anchors.get(&id).cloned().ok_or_else(unknown)?;
                    Some((node, 0))
                }
                Event::Scalar(text, style, anchor, tag) => {
                    self.count(1, at)?;
                    let style = match style {
                        ScalarStyle::Plain => Style::Plain,
                        ScalarStyle::SingleQuoted => Style::SingleQuoted,
                        ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                        ScalarStyle::Literal => Style::Literal,
                        ScalarStyle::Folded => Style::Folded,
                    };
                    let tag = tag.map(|t| {
                        format!("{}{}", expand_handle(&t.handle), t.suffix).into_boxed_str()
                    });
                    let node = Node {
                        value: Value::Scalar(Scalar {
                            text: self.borrow(text, style, span),
                            style,
                            tag,
                        }),
                        span,
                    };
                    Some((node, anchor))
                }
                Event::SequenceStart(anchor, _) => {
                    self.open(&mut stack, Open::Seq(Vec::new(), span, anchor), at)?;
                    None
                }
                Event::MappingStart(anchor, _) => {
                    self.open(&mut stack, Open::Map(Vec::new(), None, span, anchor), at)?;
                    None
                }
                Event::SequenceEnd => match stack.pop() {
                    Some(Open::Seq(items, start, anchor)) => Some((
                        Node {
                            value: Value::Seq(items),
                            span: Span {
                                start: start.start,
                                end: span.end,
                            },
                        },
                        anchor,
                    )),
                    _ => return Err(internal(at)),
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Open::Map(entries, _, start, anchor)) => Some((
                        Node {
                            value: Value::Map(apply_merge_keys(entries)),
                            span: Span {
                                start: start.start,
                                end: span.end,
                            },
                        },
                        anchor,
                    )),
                    _ => return Err(internal(at)),
                },
            };
            if let Some((node, anchor)) = finished {
                if anchor != 0 && self.aliased_anchors.contains(&anchor) {
                    // The copy kept for aliases is charged like the nodes it copies: anchors
                    // nested in anchors would otherwise keep a copy of each level's subtree,
                    // quadratic in the depth, without aliases ever being used.
                    self.count(node_count(&node), at)?;
                    self.anchors.insert(anchor, node.clone());
                }
                match stack.last_mut() {
                    None => root = Some(node),
                    Some(Open::Seq(items, _, _)) => items.push(node),
                    Some(Open::Map(entries, pending, _, _)) => match pending.take() {
                        None => *pending = Some(node),
                        Some(key) => entries.push((key, node)),
                    },
                }
            }
        }
        Ok(docs)
    }

    /// The scalar's text as a slice of the source when it is written there verbatim (most
    /// scalars are), so the tree holds no copy of it; otherwise the parser's own string.
    fn borrow(&self, text: Cow<'a, str>, style: Style, span: Span) -> Cow<'a, str> {
        let quote = match style {
            Style::Plain => 0,
            Style::SingleQuoted | Style::DoubleQuoted => 1,
            Style::Literal | Style::Folded => return text,
        };
        let (start, end) = (
            span.start.offset + quote,
            span.end.offset.saturating_sub(quote),
        );
        match self.positions.src.get(start..end) {
            Some(slice) if slice == text => Cow::Borrowed(slice),
            _ => text,
        }
    }

    fn open(&mut self, stack: &mut Vec<Open<'a>>, open: Open<'a>, at: Pos) -> Result<(), Error> {
        if stack.len() >= MAX_DEPTH {
            return Err(Error {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                pos: at,
                limit: true,
            });
        }
        self.count(1, at)?;
        stack.push(open);
        Ok(())
    }
}

fn internal(pos: Pos) -> Error {
    Error {
        message: "unbalanced YAML events".into(),
        pos,
        limit: false,
    }
}

fn expand_handle(handle: &str) -> &str {
    if handle == "!!" {
        "tag:yaml.org,2002:"
    } else {
        handle
    }
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

fn node_count(node: &Node<'_>) -> usize {
    match &node.value {
        Value::Scalar(_) => 1,
        Value::Seq(items) => items.iter().map(node_count).fold(1, usize::saturating_add),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| node_count(k).saturating_add(node_count(v)))
            .fold(1, usize::saturating_add),
    }
}

/// YAML 1.1 merge keys (`<<: *base`), which go-yaml v2 honours: entries of the merged maps are
/// added unless the map sets the key itself.
fn apply_merge_keys<'a>(entries: Vec<(Node<'a>, Node<'a>)>) -> Vec<(Node<'a>, Node<'a>)> {
    let is_merge = |k: &Node<'_>| matches!(&k.value, Value::Scalar(s) if s.style == Style::Plain && s.text == "<<");
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return entries;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(k, _)| is_merge(k));
    for (_, source) in merges {
        let maps: Vec<Node<'a>> = match source.value {
            Value::Map(_) => vec![source],
            Value::Seq(items) => items,
            Value::Scalar(_) => Vec::new(),
        };
        for map in maps {
            if let Value::Map(inner) = map.value {
                for (k, v) in inner {
                    if !own.iter().any(|(o, _)| o.as_str() == k.as_str()) {
                        own.push((k, v));
                    }
                }
            }
        }
    }
    own
}

#[cfg(test)]
mod tests;
