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
    })
}

/// Every placeholder in `text`, in order.
pub fn find(text: &str) -> Vec<Placeholder> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        let pair = |open: &str, close: &str| -> Option<usize> {
            rest.strip_prefix(open)?;
            rest[open.len()..]
                .find(close)
                .map(|e| i + open.len() + e + close.len())
        };
        if let Some(end) = pair("{{", "}}")
            .or_else(|| pair("{%", "%}"))
            .or_else(|| pair("{#", "#}"))
        {
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
