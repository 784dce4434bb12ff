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
    // Copied at the first tag only: a file without markup costs no copy.
    let mut out: Vec<u8> = Vec::new();
    let mut conditionals = Vec::new();
    let mut placeholders = Vec::new();
    // Open blocks: the start of an `if`, or `None` for loops and definitions.
    let mut open: Vec<Option<usize>> = Vec::new();
    let mut changed = false;
    let (mut line_start, mut next_nl) = (0, 0);
    let mut i = 0;
    while let Some(k) = memchr::memchr3(b'{', b'%', b'$', &b[i..]) {
        let at = i + k;
        if b[at] == b'$' {
            // A Terraform interpolation alone on a line where no value is expected inserts a
            // block (`${indent(4, kubelet)}`): set aside like a Helm include. Any other `${..}`
            // is already a placeholder readers know.
            if let Some(end) = interpolation(b, at) {
                if let Some(n) = memchr::memrchr(b'\n', &b[i..at]) {
                    line_start = i + n + 1;
                }
                let line_end = memchr::memchr(b'\n', &b[end..]).map_or(b.len(), |n| end + n);
                let alone =
                    src[line_start..at].trim().is_empty() && src[end..line_end].trim().is_empty();
                if alone && !src[..at].trim_end().ends_with(':') {
                    if out.is_empty() {
                        out = b.to_vec();
                    }
                    blank(&mut out[at..end]);
                    out[at] = b'#';
                    changed = true;
                }
                i = end;
            } else {
                i = at + 1;
            }
            continue;
        }
        let (close, statement) = match (b[at], b.get(at + 1)) {
            (b'{', Some(b'{')) => ("}}", false),
            (b'{', Some(b'%')) => ("%}", true),
            (b'{', Some(b'#')) => ("#}", true),
            (b'%', Some(b'{')) => ("}", true),
            _ => {
                i = at + 1;
                continue;
            }
        };
        let Some(e) = src[at + 2..].find(close) else {
            break;
        };
        let end = at + 2 + e + close.len();
        let inner = src[at + 2..end - close.len()]
            .trim_matches(|c: char| c == '-' || c == '~' || c == '+' || c.is_whitespace());
        let word = inner
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        let go_statement = matches!(
            word,
            "if" | "else" | "end" | "range" | "with" | "define" | "block" | "break" | "continue"
        ) || inner.starts_with("/*");
        let comment = b[at + 1] == b'#';
        if (statement || go_statement) && !comment {
            match word {
                "if" => open.push(Some(at)),
                "for" | "range" | "with" | "define" | "block" | "macro" | "call" | "filter" => {
                    open.push(None)
                }
                "set" if !inner.contains('=') => open.push(None),
                w if w.starts_with("end") => {
                    if let Some(Some(start)) = open.pop() {
                        conditionals.push((start, end));
                    }
                }
                _ => {}
            }
        }
        // Line boundaries are tracked as the scan moves on, so many tags on one long line cost
        // that line once.
        if let Some(n) = memchr::memrchr(b'\n', &b[i..at]) {
            line_start = i + n + 1;
        }
        if next_nl < end {
            next_nl = memchr::memchr(b'\n', &b[end..]).map_or(src.len(), |n| end + n);
        }
        let multiline = memchr::memchr(b'\n', &b[at..end]).is_some();
        let whole_line =
            src[line_start..at].trim().is_empty() && src[end..next_nl.max(end)].trim().is_empty();
        // After `featureGates:` an expression is the gates' value; after any other key, a block
        // the template inserts (`{{- toYaml . | nindent 4 }}`). Only the end of the line before
        // is looked at.
        let before = src[..at].trim_end();
        let mut from = before.len().saturating_sub(120);
        while !before.is_char_boundary(from) {
            from += 1;
        }
        let tail = &before[from..];
        let value_expected = before.ends_with(':')
            && crate::embed::mentions_gates(&tail[tail.rfind('\n').map_or(0, |n| n + 1)..]);
        if out.is_empty() {
            out = b.to_vec();
        }
        let slot = &mut out[at..end];
        if statement || go_statement || multiline {
            blank(slot);
        } else if whole_line && !value_expected {
            blank(slot);
            slot[0] = b'#';
        } else {
            placeholders.push((at, end));
            for (n, c) in slot.iter_mut().enumerate() {
                let keep = c.is_ascii_alphanumeric() || *c == b'.' || *c == b'_';
                *c = match n {
                    0 => b'$',
                    1 => b'{',
                    _ if n + 1 == end - at => b'}',
                    _ if keep => *c,
                    _ => b'_',
                };
            }
        }
        changed = true;
        i = end;
    }
    if !changed {
        return None;
    }
    // Only ASCII replaced whole tags, which start and end on ASCII delimiters.
    let text = String::from_utf8(out).ok()?;
    conditionals.sort_unstable();
    Some(Masked {
        text,
        conditionals,
        placeholders,
    })
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

/// Every placeholder in `text`, in order.
pub fn find(text: &str) -> Vec<Placeholder> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // A closing mark not found after one opening is not found after any later one: each kind
    // is searched for to the end once at most (a value of a million `{` was quadratic).
    let mut unclosed = [false; 3];
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        let mut pair = |k: usize, open: &str, close: &str| -> Option<usize> {
            rest.strip_prefix(open)?;
            if unclosed[k] {
                return None;
            }
            let found = rest[open.len()..]
                .find(close)
                .map(|e| i + open.len() + e + close.len());
            unclosed[k] = found.is_none();
            found
        };
        let tag = pair(0, "{{", "}}");
        let tag = tag.or_else(|| pair(1, "{%", "%}"));
        let tag = tag.or_else(|| pair(2, "{#", "#}"));
        if let Some(end) = tag {
            out.push(Placeholder {
                start: i,
                end,
                default: None,
                syntax: "Go/Helm or Jinja",
            });
            i = end;
        } else if rest.starts_with("${") {
            let Some(close) = rest.find('}') else {
                // An unterminated `${`: the rest of the value is the placeholder.
                out.push(Placeholder {
                    start: i,
                    end: b.len(),
                    default: None,
                    syntax: "envsubst",
                });
                break;
            };
            let inner = &rest[2..close];
            // `${NAME:-default}` (also `-`, `:=`, `=`): the default follows the operator.
            let name_end = inner
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(inner.len());
            let after = &inner[name_end..];
            let op = [":-", ":=", "-", "="]
                .into_iter()
                .find(|op| after.starts_with(op));
            let default = op.map(|op| {
                let d = &after[op.len()..];
                let s = i + 2 + name_end + op.len();
                let lead = d.len() - d.trim_start().len();
                let t = d.trim();
                let (mut s, mut e) = (s + lead, s + lead + t.len());
                // Quotes around the default are shell syntax, not part of the value.
                if t.len() >= 2
                    && (t.starts_with('"') && t.ends_with('"')
                        || t.starts_with('\'') && t.ends_with('\''))
                {
                    s += 1;
                    e -= 1;
                }
                (s, e)
            });
            out.push(Placeholder {
                start: i,
                end: i + close + 1,
                default,
                syntax: "envsubst",
            });
            i += close + 1;
        } else if b[i] == b'$'
            && b.get(i + 1)
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        {
            let len = rest[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(rest.len(), |e| e + 1);
            out.push(Placeholder {
                start: i,
                end: i + len,
                default: None,
                syntax: "envsubst",
            });
            i += len;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
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
