//! The check that no output carries a raw control character, shared by `tests/render_props.rs`
//! and the `render` fuzz target.

/// Raw bytes that act on a terminal or are not allowed in XML 1.0: C0 controls other than tab,
/// newline and carriage return, DEL, and the C1 controls (as UTF-8).
pub fn raw_control(out: &str) -> Option<char> {
    out.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
            || c == '\u{7f}'
            || ('\u{80}'..='\u{9f}').contains(&c)
    })
}
