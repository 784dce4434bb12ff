//! Template placeholders in configuration values: envsubst (`${VAR}`, `${VAR:-default}`,
//! `$VAR`), Go/Helm (`{{ .Values.x }}`) and Jinja (`{{ var }}`, `{% ... %}`, `{# ... #}`).
//!
//! A value that holds one is decided when the template is rendered: gatecheck judges the default
//! when envsubst gives one, and otherwise says the value is not known, instead of reading the
//! placeholder as a gate name (`${K8S_FEATURE_GATES:-"A` is no gate).

/// One placeholder, as byte ranges of the text it was found in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    pub start: usize,
    pub end: usize,
    /// The default an envsubst placeholder gives (`${V:-A=true}`), without surrounding quotes.
    pub default: Option<(usize, usize)>,
    /// `envsubst`, `Go/Helm or Jinja`.
    pub syntax: &'static str,
}

/// Whether text holds template markup at all (a cheap test before parsing fails on it).
pub fn has_markup(text: &str) -> bool {
    // One search for the bytes that open a placeholder, then a look at the next byte.
    let b = text.as_bytes();
    memchr::memchr2_iter(b'{', b'$', b).any(|i| {
        matches!(
            (b[i], b.get(i + 1)),
            (b'{', Some(b'{' | b'%')) | (b'$', Some(b'{'))
        )
    }) || memchr::memmem::find(b, b"%{").is_some()
}

/// A template with its markup set aside, byte for byte as long as the original so every
/// position stays where it is: statements (`{% if %}`, `{{- end }}`, Terraform `%{ for }`) and
/// comments become spaces, so both branches of a conditional are read; an expression becomes an
/// envsubst-shaped placeholder of the same length (`{{ .Values.x }}` reads `${_.Values.x__}`),
/// which readers never take for a gate; an expression alone on a line where no value is expected
/// (a Helm `include`) becomes a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Masked {
    pub text: String,
    /// Byte ranges of conditional blocks (`if` to its end), for saying a setting is in one.
    pub conditionals: Vec<(usize, usize)>,
    /// Byte ranges of the expressions turned into placeholders.
    pub placeholders: Vec<(usize, usize)>,
}

impl Masked {
    /// `message` about the text at `offset` with the placeholders near it written as they are
    /// in the original (`src`).
    pub fn unmask(&self, src: &str, message: &str, offset: usize) -> String {
        let mut out = message.to_string();
        let first = self.placeholders.partition_point(|&(_, e)| e <= offset);
        for &(s, e) in self.placeholders[first..].iter().take(16) {
            let (Some(masked), Some(original)) = (self.text.get(s..e), src.get(s..e)) else {
                continue;
            };
            // Messages quote at most 80 characters: the placeholder may be cut short there.
            let mut k = masked.len().min(out.len());
            while k > 6 && !(out.contains(&masked[..k]) && original.is_char_boundary(k)) {
                k -= 1;
            }
            if k > 6 {
                out = out.replacen(&masked[..k], &original[..k], 1);
            }
        }
        out
    }
}

/// The markup of `src` set aside, or `None` where it has none of Go, Jinja or Terraform's.
pub fn mask(src: &str) -> Option<Masked> {
    let b = src.as_bytes();
    let mut m = Masker::new(src);
    let mut i = 0;
    while let Some(k) = memchr::memchr3(b'{', b'%', b'$', &b[i..]) {
        let at = i + k;
        if b[at] == b'$' {
            i = m.interpolation_at(i, at);
            continue;
        }
        let Some((close, statement)) = tag_kind(b, at) else {
            i = at + 1;
            continue;
        };
        // A tag never closed ends the scan: what follows it is left as it is.
        let Some(e) = src[at + 2..].find(close) else {
            break;
        };
        let end = at + 2 + e + close.len();
        m.tag(i, at, end, &src[at + 2..end - close.len()], statement);
        i = end;
    }
    m.finish()
}

/// The closing mark of the tag that opens at `at`, and whether the tag is a statement (or a
/// comment) rather than an expression: `{{ }}` expressions, `{% %}` statements, `{# #}`
/// comments and Terraform `%{ }` directives. `None` where no tag opens there.
fn tag_kind(b: &[u8], at: usize) -> Option<(&'static str, bool)> {
    match (b[at], b.get(at + 1)) {
        (b'{', Some(b'{')) => Some(("}}", false)),
        (b'{', Some(b'%')) => Some(("%}", true)),
        (b'{', Some(b'#')) => Some(("#}", true)),
        (b'%', Some(b'{')) => Some(("}", true)),
        _ => None,
    }
}

/// What [`mask`] has found and changed so far as it scans `src`.
struct Masker<'s> {
    src: &'s str,
    /// The masked copy, made at the first change only: a file without markup costs no copy.
    out: Vec<u8>,
    changed: bool,
    conditionals: Vec<(usize, usize)>,
    placeholders: Vec<(usize, usize)>,
    /// Open blocks: the start of an `if`, or `None` for loops and definitions.
    open: Vec<Option<usize>>,
    /// The start of the line the last tag (or interpolation) started on.
    line_start: usize,
    /// The end of the line the last tag ended on.
    next_nl: usize,
}

impl<'s> Masker<'s> {
    fn new(src: &'s str) -> Self {
        Masker {
            src,
            out: Vec::new(),
            changed: false,
            conditionals: Vec::new(),
            placeholders: Vec::new(),
            open: Vec::new(),
            line_start: 0,
            next_nl: 0,
        }
    }

    /// The masked copy, made from `src` at the first call; the text is marked as changed.
    fn out(&mut self) -> &mut [u8] {
        if self.out.is_empty() {
            self.out = self.src.as_bytes().to_vec();
        }
        self.changed = true;
        &mut self.out
    }

    /// Moves `line_start` to the start of the line `at` is on, looking only at the text since
    /// `i`, where the scan was: many tags on one long line cost that line once.
    fn track_line(&mut self, i: usize, at: usize) {
        if let Some(n) = memchr::memrchr(b'\n', &self.src.as_bytes()[i..at]) {
            self.line_start = i + n + 1;
        }
    }

    /// The `$` at `at`, the scan having been at `i`: a Terraform interpolation alone on a line
    /// where no value is expected inserts a block (`${indent(4, kubelet)}`) and becomes a
    /// comment, like a Helm include. Any other `${..}` is already a placeholder readers know,
    /// and is left as it is. Returns where the scan goes on.
    fn interpolation_at(&mut self, i: usize, at: usize) -> usize {
        let (src, b) = (self.src, self.src.as_bytes());
        let Some(end) = interpolation(b, at) else {
            return at + 1;
        };
        self.track_line(i, at);
        let line_end = memchr::memchr(b'\n', &b[end..]).map_or(b.len(), |n| end + n);
        let alone =
            src[self.line_start..at].trim().is_empty() && src[end..line_end].trim().is_empty();
        if alone && !src[..at].trim_end().ends_with(':') {
            comment_out(&mut self.out()[at..end]);
        }
        end
    }

    /// The tag from `at` to `end`, `body` between its delimiters, the scan having been at `i`.
    /// Statements and comments become spaces, and so does an expression over several lines; an
    /// expression alone on a line where no value is expected becomes a comment; any other
    /// expression becomes an envsubst-shaped placeholder, recorded in `placeholders`.
    fn tag(&mut self, i: usize, at: usize, end: usize, body: &str, statement: bool) {
        let b = self.src.as_bytes();
        let inner =
            body.trim_matches(|c: char| c == '-' || c == '~' || c == '+' || c.is_whitespace());
        let word = inner
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        // Go's statements open with a keyword in `{{ }}`, as Jinja's do in `{% %}`.
        let go_statement = matches!(
            word,
            "if" | "else" | "end" | "range" | "with" | "define" | "block" | "break" | "continue"
        ) || inner.starts_with("/*");
        let comment = b[at + 1] == b'#';
        if (statement || go_statement) && !comment {
            self.track_block(word, inner, at, end);
        }
        let whole_line = self.alone_on_its_lines(i, at, end);
        let multiline = memchr::memchr(b'\n', &b[at..end]).is_some();
        let value_expected = value_expected(self.src, at);
        if statement || go_statement || multiline {
            blank(&mut self.out()[at..end]);
        } else if whole_line && !value_expected {
            comment_out(&mut self.out()[at..end]);
        } else {
            self.placeholders.push((at, end));
            as_placeholder(&mut self.out()[at..end]);
        }
    }

    /// Keeps track of the blocks statements open and close: an `if` (at `at`) to the `end...`
    /// statement that closes it, ending at `end`, is recorded as a conditional.
    fn track_block(&mut self, word: &str, inner: &str, at: usize, end: usize) {
        match word {
            "if" => self.open.push(Some(at)),
            "for" | "range" | "with" | "define" | "block" | "macro" | "call" | "filter" => {
                self.open.push(None)
            }
            // `{% set x %}...{% endset %}` is a block; `{% set x = 1 %}` is not.
            "set" if !inner.contains('=') => self.open.push(None),
            w if w.starts_with("end") => {
                if let Some(Some(start)) = self.open.pop() {
                    self.conditionals.push((start, end));
                }
            }
            _ => {}
        }
    }

    /// Whether the tag from `at` to `end` has only blanks before it on its first line and
    /// after it on its last, the scan having been at `i`. Line boundaries are tracked as the
    /// scan moves on, so many tags on one long line cost that line once.
    fn alone_on_its_lines(&mut self, i: usize, at: usize, end: usize) -> bool {
        let (src, b) = (self.src, self.src.as_bytes());
        self.track_line(i, at);
        if self.next_nl < end {
            self.next_nl = memchr::memchr(b'\n', &b[end..]).map_or(src.len(), |n| end + n);
        }
        src[self.line_start..at].trim().is_empty()
            && src[end..self.next_nl.max(end)].trim().is_empty()
    }

    /// The masked text, or `None` where nothing was changed.
    fn finish(mut self) -> Option<Masked> {
        if !self.changed {
            return None;
        }
        // Only ASCII replaced whole tags, which start and end on ASCII delimiters.
        let text = String::from_utf8(self.out).ok()?;
        self.conditionals.sort_unstable();
        Some(Masked {
            text,
            conditionals: self.conditionals,
            placeholders: self.placeholders,
        })
    }
}

/// Whether the expression at `at` is the value readers expect of the key before it: after
/// `featureGates:` an expression is the gates' value; after any other key, a block the
/// template inserts (`{{- toYaml . | nindent 4 }}`). Only the end of the line before is
/// looked at.
fn value_expected(src: &str, at: usize) -> bool {
    let before = src[..at].trim_end();
    let mut from = before.len().saturating_sub(120);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let tail = &before[from..];
    before.ends_with(':')
        && crate::embed::mentions_gates(&tail[tail.rfind('\n').map_or(0, |n| n + 1)..])
}

/// The end of the `${...}` interpolation at `at`, its braces balanced on one line.
fn interpolation(b: &[u8], at: usize) -> Option<usize> {
    if b.get(at + 1) != Some(&b'{') {
        return None;
    }
    let mut depth = 0usize;
    // An interpolation is a short expression: looking no further than this keeps a line of
    // unclosed `${` linear.
    let window = &b[at + 1..b.len().min(at + 1 + 256)];
    for (k, c) in window.iter().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1 + k + 1);
                }
            }
            b'\n' => return None,
            _ => {}
        }
    }
    None
}

fn blank(slot: &mut [u8]) {
    for c in slot.iter_mut().filter(|c| **c != b'\n') {
        *c = b' ';
    }
}

/// Spaces after a `#`: the markup becomes a YAML comment.
fn comment_out(slot: &mut [u8]) {
    blank(slot);
    slot[0] = b'#';
}

/// `${...}` of the same length, keeping letters, digits, `.` and `_` and turning every other
/// byte into `_` (`{{ .Values.x }}` becomes `${_.Values.x__}`).
fn as_placeholder(slot: &mut [u8]) {
    let len = slot.len();
    for (n, c) in slot.iter_mut().enumerate() {
        let keep = c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_';
        *c = match n {
            0 => b'$',
            1 => b'{',
            _ if n + 1 == len => b'}',
            _ if keep => *c,
            _ => b'_',
        };
    }
}

/// Every placeholder in `text`, in order.
pub fn find(text: &str) -> Vec<Placeholder> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Which kinds of tag were found unclosed: see `template_tag`.
    let mut unclosed = [false; 3];
    let mut i = 0;
    // Every placeholder starts at a `{` or a `$`: the text between is skipped in one search.
    while let Some(next) = memchr::memchr2(b'{', b'$', &b[i..]) {
        i += next;
        let rest = &text[i..];
        if let Some(end) = template_tag(rest, i, &mut unclosed) {
            out.push(Placeholder {
                start: i,
                end,
                default: None,
                syntax: "Go/Helm or Jinja",
            });
            i = end;
        } else if rest.starts_with("${") {
            let placeholder = envsubst_braced(rest, i);
            i = placeholder.end;
            out.push(placeholder);
        } else if let Some(len) = envsubst_bare(rest) {
            out.push(Placeholder {
                start: i,
                end: i + len,
                default: None,
                syntax: "envsubst",
            });
            i += len;
        } else {
            i += 1; // past the `{` or `$`
        }
    }
    out
}

/// The end of the Go/Helm or Jinja tag (`{{ }}`, `{% %}`, `{# #}`) that `rest`, `i` bytes into
/// the text, starts with. A closing mark not found after one opening is not found after any
/// later one: `unclosed` remembers the kinds searched for to the end, so each kind is searched
/// for to the end once at most (a value of a million `{` was quadratic).
fn template_tag(rest: &str, i: usize, unclosed: &mut [bool; 3]) -> Option<usize> {
    for (k, (open, close)) in [("{{", "}}"), ("{%", "%}"), ("{#", "#}")]
        .into_iter()
        .enumerate()
    {
        if !rest.starts_with(open) || unclosed[k] {
            continue;
        }
        let found = rest[open.len()..]
            .find(close)
            .map(|e| i + open.len() + e + close.len());
        unclosed[k] = found.is_none();
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The `${NAME}` placeholder (`${NAME:-default}`, also `-`, `:=`, `=`) that `rest`, `i` bytes
/// into the text, starts with. An unterminated `${` makes the rest of the value the
/// placeholder.
fn envsubst_braced(rest: &str, i: usize) -> Placeholder {
    let Some(close) = rest.find('}') else {
        return Placeholder {
            start: i,
            end: i + rest.len(),
            default: None,
            syntax: "envsubst",
        };
    };
    Placeholder {
        start: i,
        end: i + close + 1,
        default: envsubst_default(&rest[2..close], i + 2),
        syntax: "envsubst",
    }
}

/// The byte range of the default in `inner`, the text between `${` and `}` that starts `s`
/// bytes into the text: what follows the operator after the name, trimmed, without the
/// quotes around it (they are shell syntax, not part of the value).
fn envsubst_default(inner: &str, s: usize) -> Option<(usize, usize)> {
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let after = &inner[name_end..];
    let op = [":-", ":=", "-", "="]
        .into_iter()
        .find(|op| after.starts_with(op))?;
    let d = &after[op.len()..];
    let s = s + name_end + op.len();
    let lead = d.len() - d.trim_start().len();
    let t = d.trim();
    let (mut s, mut e) = (s + lead, s + lead + t.len());
    if t.len() >= 2
        && (t.starts_with('"') && t.ends_with('"') || t.starts_with('\'') && t.ends_with('\''))
    {
        s += 1;
        e -= 1;
    }
    Some((s, e))
}

/// The length of the `$NAME` that `rest` starts with, if it starts with one.
fn envsubst_bare(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    if b[0] != b'$'
        || !b
            .get(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return None;
    }
    Some(
        rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(rest.len(), |e| e + 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_positions_and_both_branches() {
        let src = "kind: KubeletConfiguration\n{%- if gates %}\nfeatureGates:\n  A: {{ a }}\n{% else %}\n  B: true\n{% endif %}\n{# c #}\nname: \"{{ .Values.name | quote }}\"\n";
        let m = mask(src).unwrap();
        assert_eq!(m.text.len(), src.len());
        assert_eq!(m.text.find("featureGates"), src.find("featureGates"));
        assert!(m.text.contains("  A: ${_a__}\n"), "{}", m.text);
        assert!(m.text.contains("  B: true"));
        assert!(!m.text.contains('%') && !m.text.contains('#'));
        assert_eq!(m.conditionals.len(), 1);
        let (s, e) = m.conditionals[0];
        assert!(src[s..e].starts_with("{%- if") && src[s..e].ends_with("{% endif %}"));
        gatecheck_yaml::parse(&m.text).unwrap();
        // A Helm include alone on a line is set aside; one after a key is the key's value.
        let helm = "metadata:\n  labels:\n    {{- include \"x\" . | nindent 4 }}\nfeatureGates:\n  {{ toYaml .Values.g }}\n";
        let m = mask(helm).unwrap();
        let docs = gatecheck_yaml::parse(&m.text).unwrap();
        let gates = docs[0].root.get("featureGates").unwrap().as_str().unwrap();
        assert!(gates.starts_with("${"), "{gates}");
        assert!(find(gates).len() == 1);
        assert!(mask("a: b\n").is_none());
        // A Terraform interpolation that inserts a block; one that is a value stays.
        let tf = "kubelet:\n  image: x:${v}\n  ${indent(4, kubelet)}\nfeatureGates:\n  ${gates}\n";
        let m = mask(tf).unwrap();
        assert_eq!(m.text.lines().nth(2).map(str::trim), Some("#"));
        assert!(m.text.contains("x:${v}"));
        assert!(m.text.contains("featureGates:\n  ${gates}\n"));
        gatecheck_yaml::parse(&m.text).unwrap();
        assert!(mask("a: ${b}\n").is_none());
        // Terraform directives.
        let tf = "%{ for g in gates ~}\n--feature-gates=${g}\n%{ endfor ~}\n";
        assert_eq!(
            mask(tf).unwrap().text.trim_start().chars().next(),
            Some('-')
        );
    }

    #[test]
    fn envsubst_defaults_lose_their_quotes() {
        let t = r#"${K8S_FEATURE_GATES:-"A=true,B=false"}"#;
        let p = find(t);
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].start, p[0].end), (0, t.len()));
        let (s, e) = p[0].default.unwrap();
        assert_eq!(&t[s..e], "A=true,B=false");
        let p = find("${GATES}");
        assert_eq!(p[0].default, None);
        let p = find("x=$FOO,y");
        assert_eq!(&"x=$FOO,y"[p[0].start..p[0].end], "$FOO");
    }

    #[test]
    fn go_and_jinja_markup() {
        let t = "A=true,{{ .Values.extraGates }},{% if x %}B=true{% endif %}";
        let p = find(t);
        assert_eq!(p.len(), 3);
        assert_eq!(&t[p[0].start..p[0].end], "{{ .Values.extraGates }}");
        assert!(p.iter().all(|p| p.syntax == "Go/Helm or Jinja"));
        assert!(find("A=true,B=false").is_empty());
        assert!(has_markup("x: {{ y }}"));
        assert!(!has_markup("x: y"));
    }
}
