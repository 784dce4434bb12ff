//! The exact edits that remove a setting: a map entry's line (and a gate map it empties), a
//! flag list's item and its comma (and a flag it empties), a flow map's item.

use super::Edit;
use crate::formats::Setting;

/// The edit that removes `setting` from `src`, or `None` where it is not written so that a
/// removal can be exact.
pub(super) fn removal(src: &str, setting: &Setting, sibling: &mut Option<Sibling>) -> Option<Edit> {
    let at = setting.offset;
    if at >= src.len() || !src.is_char_boundary(at) {
        return None;
    }
    if setting.from_flag {
        flag_item(src, at)
    } else {
        map_entry(src, at, sibling)
    }
}

/// The byte range of the line holding `at`, its newline included.
pub(super) fn line_of(src: &str, at: usize) -> (usize, usize) {
    let b = src.as_bytes();
    let start = memchr::memrchr(b'\n', &b[..at]).map_or(0, |n| n + 1);
    let end = memchr::memchr(b'\n', &b[at..]).map_or(src.len(), |n| at + n + 1);
    (start, end)
}

/// The text before the first ` #` (a comment after a value), or all of it.
fn before_comment(text: &str) -> &str {
    let b = text.as_bytes();
    memchr::memchr_iter(b'#', b)
        .find(|&i| i > 0 && b[i - 1] == b' ')
        .map_or(text, |i| &text[..i - 1])
}

pub(super) fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Removes one `Gate=value` item of a `--feature-gates` value, its comma with it; the flag goes
/// too when it held only this item.
fn flag_item(src: &str, at: usize) -> Option<Edit> {
    let b = src.as_bytes();
    // Every delimiter is ASCII, so the item's end is found byte by byte.
    let end = at
        + b[at..]
            .iter()
            .position(|c| {
                matches!(
                    c,
                    b',' | b'"' | b'\'' | b'\n' | b'\r' | b' ' | b'\t' | b'}' | b']'
                )
            })
            .unwrap_or(src.len() - at);
    if b.get(end) == Some(&b',') {
        return Some(edit(at, end + 1));
    }
    if at > 0 && b[at - 1] == b',' {
        return Some(edit(at - 1, end));
    }
    // The only item: the flag goes.
    let (ls, le) = line_of(src, at);
    let before = &src[ls..at];
    let after = src[end..le].trim_end_matches(['\n', '\r']);
    let rest_of_line = after.trim_matches(['"', '\'']).trim();
    let line_ends = rest_of_line.is_empty() || rest_of_line.starts_with('#');
    // kubeadm v1beta4: `value: X` under `- name: feature-gates`: both lines go.
    if before.trim().trim_end_matches(['"', '\'']).trim() == "value:" {
        let (ps, _) = line_of(src, ls.checked_sub(1)?);
        let named = src[ps..ls].trim() == "- name: feature-gates";
        return (named && line_ends).then(|| edit(ps, le));
    }
    let flag = before.rfind("feature-gates")?;
    let separator = before[flag + "feature-gates".len()..].trim_matches(['"', '\'']);
    if !matches!(separator, "=" | ":" | ": ") {
        return None;
    }
    let lead = before[..flag].trim_end_matches('-');
    // `- --feature-gates=X`, `- "feature-gates=X"`, `feature-gates: X`: the line goes.
    if matches!(lead.trim(), "-" | "- \"" | "- '" | "\"" | "'" | "") {
        return line_ends.then(|| edit(ls, le));
    }
    // A token among others on a command line: it goes with the space before it.
    lead.ends_with([' ', '\t'])
        .then(|| edit(ls + lead.trim_end().len(), end))
}

/// The last map entry whose parent key was found: the line it starts, its indentation, its
/// parent's line, and whether that parent is a gate map (which goes when it empties). An entry
/// below it with the same indentation and nothing less indented between has the same parent,
/// found without walking over the entries between.
pub(super) struct Sibling {
    line: usize,
    indent: usize,
    parent: (usize, usize),
    gate_map: bool,
}

/// Removes a block map entry written on its own line; the map goes too when this empties it.
fn map_entry(src: &str, at: usize, sibling: &mut Option<Sibling>) -> Option<Edit> {
    // An entry that does not start its line is a flow map's item: told by looking back over
    // its quote and indentation only, not by a search of its line.
    let lead = src[..at]
        .trim_end_matches(['"', '\''])
        .trim_end_matches(' ');
    if !(lead.is_empty() || lead.ends_with('\n')) {
        return flow_item(src, at);
    }
    let (ls, le) = line_of(src, at);
    let line = &src[ls..le];
    let content = line.trim_start_matches(' ');
    let name_start = ls + (line.len() - content.len());
    // The entry starts the line (quoted or not), and its value ends there.
    let quote = usize::from(content.starts_with(['"', '\'']));
    if name_start + quote != at || content.starts_with('{') {
        return flow_item(src, at);
    }
    let value = &content[memchr::memchr(b':', content.as_bytes())? + 1..];
    let value = before_comment(value).trim();
    if value.is_empty() || value.starts_with(['|', '>', '{', '[', '&', '*']) {
        return None;
    }
    let mut removed = edit(ls, le);
    let my_indent = indent(line);
    let ((ps, pe), gate_map) = parent_of(src, ls, my_indent, sibling.as_ref())?;
    *sibling = Some(Sibling {
        line: ls,
        indent: my_indent,
        parent: (ps, pe),
        gate_map,
    });
    if !gate_map {
        return Some(removed);
    }
    // Every other child of the parent must be going too (the caller removes the others in the
    // same pass only if they are fixed as well): here, the map empties when this is its only
    // entry.
    let parent_indent = indent(&src[ps..pe]);
    let mut others = 0;
    let mut pos = pe;
    for l in src[pe..].split_inclusive('\n') {
        let t = l.trim();
        if !t.is_empty() && !t.starts_with('#') && indent(l) <= parent_indent {
            break;
        }
        if pos != ls && !t.is_empty() && !t.starts_with('#') {
            // One other entry is enough to know the map stays.
            others += 1;
            break;
        }
        pos += l.len();
    }
    if others == 0 && !src[ps..pe].trim_start().starts_with("- ") {
        removed = edit(ps, pos.max(le));
    }
    Some(removed)
}

/// The parent key of the entry on the line starting at `ls` (the nearest line above with less
/// indentation), and whether it is a gate map. The walk up ends at the last entry met when it
/// is a sibling: its answer is this one's.
fn parent_of(
    src: &str,
    ls: usize,
    my_indent: usize,
    last: Option<&Sibling>,
) -> Option<((usize, usize), bool)> {
    let mut cursor = ls;
    while cursor > 0 {
        let (ps, _) = line_of(src, cursor - 1);
        if let Some(s) = last.filter(|s| s.line == ps && s.indent == my_indent) {
            return Some((s.parent, s.gate_map));
        }
        let l = &src[ps..cursor];
        if !l.trim().is_empty() && !l.trim_start().starts_with('#') && indent(l) < my_indent {
            let parent_line = l.trim();
            let key = parent_line.trim_start_matches("- ").trim_end_matches(':');
            let gate_map = parent_line.ends_with(':') && crate::embed::mentions_gates(key);
            return Some(((ps, cursor), gate_map));
        }
        cursor = ps;
    }
    None
}

/// Removes `Gate: value` from a flow map (`featureGates: {A: true, B: false}`).
fn flow_item(src: &str, at: usize) -> Option<Edit> {
    // Everything is found next to the item, never by a search of its line: the items of a
    // long flow map each cost their own length.
    let b = src.as_bytes();
    let end = at + src[at..].find([',', '}', '\n'])?;
    let item = src[at..end].trim_end();
    if b[end] == b'\n' || item.contains(['{', '[', '"', '\'']) {
        return None;
    }
    if b[end] == b',' {
        let rest = &src[end + 1..];
        let next = end + 1 + (rest.len() - rest.trim_start().len());
        return Some(edit(at, next));
    }
    // The last item: the comma before it goes with it; the only one leaves `{}`.
    let before = memchr::memrchr2(b',', b'{', &b[..at])?;
    if b[before] == b',' {
        return Some(edit(before, at + item.len()));
    }
    Some(edit(before + 1, end))
}

fn edit(start: usize, end: usize) -> Edit {
    Edit {
        start,
        end,
        replacement: String::new(),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::{apply, Applicability, Fix};
    use super::*;
    use crate::formats::Value;
    use gatecheck_rules::Registry;

    proptest::proptest! {
        /// The text before a value's comment is what splitting at the first ` #` leaves.
        #[test]
        fn before_comment_is_the_first_piece(text in "[ a#b\u{e9}]{0,24}") {
            proptest::prop_assert_eq!(before_comment(&text), text.split(" #").next().unwrap());
        }
    }

    pub(in crate::fix) fn setting(src: &str, gate: &str, from_flag: bool) -> Setting {
        Setting {
            components: vec![],
            registry: Registry::Kubernetes,
            gate: gate.to_string().into(),
            value: Value::Bool(true),
            offset: src.find(gate).unwrap(),
            len: gate.len(),
            group: 0,
            prefixed: false,
            from_flag,
            elsewhere: None,
            emulated: None,
            via: None,
        }
    }

    fn removed(src: &str, gate: &str, from_flag: bool) -> Option<String> {
        let edit = removal(src, &setting(src, gate, from_flag), &mut None)?;
        let fix = Fix {
            applicability: Applicability::Safe,
            description: "".into(),
            edit,
        };
        Some(apply(src, [&fix]).0)
    }

    #[test]
    fn map_entries_go_with_their_line_and_an_emptied_map_with_its_key() {
        let src = "kind: KubeletConfiguration\nfeatureGates:\n  GateA: true  # keep?\n  GateB: false\nport: 1\n";
        assert_eq!(
            removed(src, "GateA", false).unwrap(),
            "kind: KubeletConfiguration\nfeatureGates:\n  GateB: false\nport: 1\n"
        );
        let src = "kind: KubeletConfiguration\n# gates\nfeatureGates:\n  GateA: true\nport: 1\n";
        assert_eq!(
            removed(src, "GateA", false).unwrap(),
            "kind: KubeletConfiguration\n# gates\nport: 1\n"
        );
        // Two entries removed in one pass empty the map: its key goes too.
        let src = "featureGates:\n  GateA: true\n  GateB: false\nport: 1\n";
        let fixes: Vec<Fix> = ["GateA", "GateB"]
            .iter()
            .map(|g| Fix {
                applicability: Applicability::Safe,
                description: "".into(),
                edit: removal(src, &setting(src, g, false), &mut None).unwrap(),
            })
            .collect();
        assert_eq!(apply(src, &fixes).0, "port: 1\n");
        let src = "featureGates: {GateA: true, GateB: false}\n";
        assert_eq!(
            removed(src, "GateA", false).unwrap(),
            "featureGates: {GateB: false}\n"
        );
        assert_eq!(
            removed(src, "GateB", false).unwrap(),
            "featureGates: {GateA: true}\n"
        );
        assert_eq!(
            removed("featureGates: {GateA: true}\n", "GateA", false).unwrap(),
            "featureGates: {}\n"
        );
    }

    #[test]
    fn flag_items_go_with_their_comma_and_a_lone_flag_goes_whole() {
        let src = "    - --feature-gates=GateA=true,GateB=false\n";
        assert_eq!(
            removed(src, "GateA", true).unwrap(),
            "    - --feature-gates=GateB=false\n"
        );
        assert_eq!(
            removed(src, "GateB", true).unwrap(),
            "    - --feature-gates=GateA=true\n"
        );
        let src = "    - --v=2\n    - --feature-gates=GateA=true\n    - --x\n";
        assert_eq!(
            removed(src, "GateA", true).unwrap(),
            "    - --v=2\n    - --x\n"
        );
        let src = "KUBELET_EXTRA_ARGS=\"--node-ip=1 --feature-gates=GateA=true\"\n";
        assert_eq!(
            removed(src, "GateA", true).unwrap(),
            "KUBELET_EXTRA_ARGS=\"--node-ip=1\"\n"
        );
        let src = "extraArgs:\n  feature-gates: GateA=true\n  v: \"2\"\n";
        assert_eq!(
            removed(src, "GateA", true).unwrap(),
            "extraArgs:\n  v: \"2\"\n"
        );
    }
}
