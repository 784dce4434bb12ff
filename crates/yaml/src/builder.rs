//! The tree builder: turns saphyr-parser's events into [`Node`]s, counting every node and alias
//! copy against [`MAX_NODES`], [`MAX_ALIASED_NODES`] and [`MAX_DEPTH`] as it goes, and applies
//! YAML 1.1 merge keys to each finished map.

use crate::positions::Positions;
use crate::{
    Budget, Document, Error, Node, Pos, Scalar, Span, Style, Value, MAX_ALIASED_NODES, MAX_DEPTH,
    MAX_NODES,
};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

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

pub(crate) struct Builder<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    positions: Positions<'a>,
    anchors: HashMap<usize, Node<'a>>,
    /// The anchors some alias refers to: only these are copied when they are defined.
    aliased_anchors: HashSet<usize>,
    /// Nodes built so far, counting alias expansions, against [`MAX_NODES`].
    nodes: usize,
    /// Nodes copied by aliases so far, against [`MAX_ALIASED_NODES`].
    aliased: usize,
    /// Nodes' worth charged for copies of the text, included in `nodes`.
    copies: usize,
    /// The collections open around the current event, outermost first.
    stack: Vec<Open<'a>>,
    /// The current document's root, once its node is finished.
    root: Option<Node<'a>>,
    /// The documents finished so far.
    docs: Vec<Document<'a>>,
}

impl<'a> Builder<'a> {
    /// A builder for `src` that has spent what `budget` says was spent before.
    pub(crate) fn new(src: &'a str, budget: &Budget) -> Self {
        Builder {
            parser: Parser::new_from_str(src),
            positions: Positions::new(src),
            anchors: HashMap::new(),
            aliased_anchors: aliased_anchors(src),
            nodes: budget.nodes,
            aliased: budget.aliased,
            copies: budget.copies,
            stack: Vec::new(),
            root: None,
            docs: Vec::new(),
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
                } else if self.copies > 0 {
                    format!(
                        "document has more than {} nodes, the most gatecheck reads beside the file's {} MiB template copy (a configuration file has a few thousand at most)",
                        MAX_NODES.saturating_sub(self.copies),
                        (self.copies * std::mem::size_of::<Node<'_>>()) >> 20
                    )
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
    pub(crate) fn run_counted(mut self) -> (Result<Vec<Document<'a>>, Error>, Budget) {
        let result = self.run_inner();
        let spent = Budget {
            nodes: self.nodes,
            aliased: self.aliased,
            copies: self.copies,
        };
        (result, spent)
    }

    /// Reads every event of the stream: each one that finishes a node (a scalar, an alias, the
    /// end of a collection) hands it, with its anchor id, to [`Builder::attach`].
    fn run_inner(&mut self) -> Result<Vec<Document<'a>>, Error> {
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
                    self.document_start();
                    None
                }
                Event::DocumentEnd => {
                    self.document_end(span);
                    None
                }
                Event::Alias(id) => Some((self.alias(id, at)?, 0)),
                Event::Scalar(text, style, anchor, tag) => {
                    Some((self.scalar(text, style, tag, span, at)?, anchor))
                }
                Event::SequenceStart(anchor, _) => {
                    self.open(Open::Seq(Vec::new(), span, anchor), at)?;
                    None
                }
                Event::MappingStart(anchor, _) => {
                    self.open(Open::Map(Vec::new(), None, span, anchor), at)?;
                    None
                }
                Event::SequenceEnd => Some(self.close(false, span, at)?),
                Event::MappingEnd => Some(self.close(true, span, at)?),
            };
            if let Some((node, anchor)) = finished {
                self.attach(node, anchor, at)?;
            }
        }
        Ok(std::mem::take(&mut self.docs))
    }

    /// A new document: no root yet, and the previous document's anchors forgotten.
    fn document_start(&mut self) {
        self.root = None;
        self.anchors.clear();
    }

    /// The end of a document: its root, or an empty plain scalar at `span` when it has none, is
    /// added to the documents.
    fn document_end(&mut self, span: Span) {
        let root = self.root.take().unwrap_or(Node {
            value: Value::Scalar(Scalar {
                text: Cow::Borrowed(""),
                style: Style::Plain,
                tag: None,
            }),
            span,
        });
        self.docs.push(Document {
            index: self.docs.len(),
            root,
        });
    }

    /// A copy of the node anchored as `id`, charged to the node and alias budgets before it is
    /// made, so a refused alias costs nothing.
    fn alias(&mut self, id: usize, at: Pos) -> Result<Node<'a>, Error> {
        let unknown = || Error {
            message: "alias to an unknown anchor".into(),
            pos: at,
            limit: false,
        };
        let size = self.anchors.get(&id).map(node_count).ok_or_else(unknown)?;
        self.count(size, at)?;
        self.aliased = self.aliased.saturating_add(size);
        if self.aliased > MAX_ALIASED_NODES {
            return Err(Error {
                message: format!(
                    "aliases expand to more than {MAX_ALIASED_NODES} nodes (alias bomb?)"
                ),
                pos: at,
                limit: true,
            });
        }
        self.anchors.get(&id).cloned().ok_or_else(unknown)
    }

    /// A scalar node, counted, with its style, its tag's handle expanded (`!!` to
    /// `tag:yaml.org,2002:`), and its text borrowed from the source where it is verbatim.
    fn scalar(
        &mut self,
        text: Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<Cow<'a, Tag>>,
        span: Span,
        at: Pos,
    ) -> Result<Node<'a>, Error> {
        self.count(1, at)?;
        let style = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        let tag = tag.map(|t| Box::new(format!("{}{}", expand_handle(&t.handle), t.suffix)));
        Ok(Node {
            value: Value::Scalar(Scalar {
                text: self.borrow(text, style, span),
                style,
                tag,
            }),
            span,
        })
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

    /// Opens a collection, counted, unless it would nest deeper than [`MAX_DEPTH`].
    fn open(&mut self, open: Open<'a>, at: Pos) -> Result<(), Error> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Error {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                pos: at,
                limit: true,
            });
        }
        self.count(1, at)?;
        self.stack.push(open);
        Ok(())
    }

    /// The innermost open collection, finished at the end of `span`, with its anchor id: a
    /// sequence, or (`map_end`) a map with its merge keys applied. Any other collection there
    /// is an error.
    fn close(&mut self, map_end: bool, span: Span, at: Pos) -> Result<(Node<'a>, usize), Error> {
        // A finished collection keeps no spare room: most maps and lists of a configuration
        // hold one or two entries, and a vector grows to room for four at once, which made the
        // tree of a long `kubectl get -o yaml` list half empty space.
        let (value, start, anchor) = match (self.stack.pop(), map_end) {
            (Some(Open::Seq(mut items, start, anchor)), false) => {
                items.shrink_to_fit();
                (Value::Seq(items), start, anchor)
            }
            (Some(Open::Map(entries, _, start, anchor)), true) => {
                let mut entries = apply_merge_keys(entries);
                entries.shrink_to_fit();
                (Value::Map(entries), start, anchor)
            }
            _ => return Err(internal(at)),
        };
        let span = Span {
            start: start.start,
            end: span.end,
        };
        Ok((Node { value, span }, anchor))
    }

    /// Puts a finished node where it belongs: the document's root, the next item of the open
    /// sequence, or the open map's pending key or that key's value. A node under an anchor some
    /// alias refers to is copied for the aliases first.
    fn attach(&mut self, node: Node<'a>, anchor: usize, at: Pos) -> Result<(), Error> {
        if anchor != 0 && self.aliased_anchors.contains(&anchor) {
            // The copy kept for aliases is charged like the nodes it copies: anchors
            // nested in anchors would otherwise keep a copy of each level's subtree,
            // quadratic in the depth, without aliases ever being used.
            self.count(node_count(&node), at)?;
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Open::Seq(items, _, _)) => items.push(node),
            Some(Open::Map(entries, pending, _, _)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
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
