//! Rendering, one file per output format (human, json, github). Everything derived from an
//! input file (gate names, values, excerpts, file names) goes through [`escape`] or, for
//! excerpts, [`mask`] before it reaches a terminal or a CI log: a configuration file in a pull
//! request must not be able to move the reviewer's cursor, retitle a window or hide lines.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

use std::borrow::Cow;

fn is_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// Text with every C0/C1 control character (but newline and tab) written as `\u{..}`.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
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

/// `value` as JSON text with DEL and the C1 controls also written as `\u00XX` escapes (serde_json
/// escapes only C0, which JSON requires): the same document to a parser, nothing a terminal acts
/// on when the report is printed rather than piped.
pub fn json_text(value: &impl serde::Serialize) -> std::io::Result<String> {
    let text = serde_json::to_string(value).map_err(std::io::Error::other)?;
    let raw = |c: char| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c);
    // DEL is 0x7f and every C1 control is encoded 0xc2 0x80..=0x9f: a byte scan rules most text out.
    if !text.bytes().any(|b| b == 0x7f || b == 0xc2) || !text.chars().any(raw) {
        return Ok(text);
    }
    let mut out = String::with_capacity(text.len() + 12);
    for c in text.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Text of the same byte length with control characters replaced by `?` (a carriage return by a
/// space), so that byte offsets into it still hold.
pub fn mask(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
