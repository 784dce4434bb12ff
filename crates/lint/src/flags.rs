//! The `--feature-gates` syntax as `k8s.io/component-base` parses it: split on `,`, skip empty
//! items, split each on the first `=`, trim key and value. Since 1.31 the control plane also
//! accepts a `kube:` prefix on keys.

/// One `key=value` item, with byte ranges relative to the parsed string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    /// The gate name, without any `kube:` prefix.
    pub key: &'a str,
    pub key_start: usize,
    /// `None` when the item has no `=`.
    pub value: Option<&'a str>,
    pub prefixed: bool,
}

/// Splits a `--feature-gates` value into items, lazily: a caller that stops early (a file past
/// the per-file settings limit) does not pay for the rest.
pub fn parse(value: &str) -> impl Iterator<Item = Item<'_>> + '_ {
    // Items and their keys are cut at bytes found with memchr (`,` and `=` are ASCII).
    let ends = memchr::memchr_iter(b',', value.as_bytes()).chain(std::iter::once(value.len()));
    let mut start = 0;
    ends.filter_map(move |end| {
        let part_start = start;
        let part = &value[start..end];
        start = end + 1;
        if part.trim().is_empty() {
            return None;
        }
        let (raw_key, val) = match memchr::memchr(b'=', part.as_bytes()) {
            Some(i) => (&part[..i], Some(part[i + 1..].trim())),
            None => (part, None),
        };
        let lead = raw_key.len() - raw_key.trim_start().len();
        let mut key = raw_key.trim();
        let mut key_start = part_start + lead;
        let prefixed = key.starts_with("kube:");
        if prefixed {
            key = &key[5..];
            key_start += 5;
        }
        Some(Item {
            key,
            key_start,
            value: val,
            prefixed,
        })
    })
}

/// Go's `strconv.ParseBool`, which the flag parser uses.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A flag found on a command line: its name, value, and the value's byte offset in the
/// argument list's source (when each argument's position is known).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag<'a> {
    pub name: &'a str,
    pub value: &'a str,
    /// Index of the argument that holds the value.
    pub arg: usize,
    /// Byte offset of the value within that argument.
    pub value_offset: usize,
}

/// The Kubernetes version in an `--emulated-version` value: `1.35`, or the `kube=` entry of a
/// list that names several components' versions (`wardle=1.2,kube=1.35`).
pub fn emulated_kube_version(value: &str) -> Option<&str> {
    value
        .split(',')
        .map(str::trim)
        .find_map(|item| match item.split_once('=') {
            Some((component, v)) => (component.trim() == "kube").then(|| v.trim()),
            None => (!item.is_empty()).then_some(item),
        })
}

/// Finds `--name=value`, `--name value` (and single-dash forms) in an argument list.
pub fn find<'a>(args: &[&'a str], name: &str) -> Vec<Flag<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = args[i];
        let bare = arg.trim_start_matches('-');
        let dashes = arg.len() - bare.len();
        if (1..=2).contains(&dashes) {
            if let Some(rest) = bare.strip_prefix(name) {
                if let Some(v) = rest.strip_prefix('=') {
                    out.push(Flag {
                        name: &arg[dashes..dashes + name.len()],
                        value: v,
                        arg: i,
                        value_offset: dashes + name.len() + 1,
                    });
                } else if rest.is_empty() && i + 1 < args.len() {
                    out.push(Flag {
                        name: &arg[dashes..],
                        value: args[i + 1],
                        arg: i + 1,
                        value_offset: 0,
                    });
                    i += 1;
                }
            }
        }
        i += 1;
    }
    out
}

/// Finds `--feature-gates=VALUE` and `--feature-gates VALUE` in one line of a flags file
/// (systemd drop-in, `/etc/default/kubelet`, a plain list of flags). Returns each value with its
/// byte offset in the line. Quotes around the whole command line are allowed; the value ends at
/// white space, a quote or a backslash.
pub fn scan_line(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let needle = "-feature-gates";
    let mut from = 0;
    while let Some(i) = line[from..].find(needle) {
        let after = from + i + needle.len();
        from = after;
        let rest = &line[after..];
        let skip = match rest.chars().next() {
            Some('=') => 1,
            Some(' ' | '\t') => rest.len() - rest.trim_start().len(),
            _ => continue,
        };
        let start = after + skip;
        let len = line[start..]
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '\\')
            .unwrap_or(line.len() - start);
        if len > 0 {
            out.push((start, &line[start..start + len]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The items as `str::split` and `split_once` cut them (what `parse` did before it cut at
    /// bytes found with memchr).
    fn by_split(value: &str) -> Vec<Item<'_>> {
        let mut start = 0;
        value
            .split(',')
            .filter_map(|part| {
                let part_start = start;
                start += part.len() + 1;
                if part.trim().is_empty() {
                    return None;
                }
                let (raw_key, val) = match part.split_once('=') {
                    Some((k, v)) => (k, Some(v.trim())),
                    None => (part, None),
                };
                let lead = raw_key.len() - raw_key.trim_start().len();
                let key = raw_key.trim();
                let (key, key_start, prefixed) = match key.strip_prefix("kube:") {
                    Some(k) => (k, part_start + lead + 5, true),
                    None => (key, part_start + lead, false),
                };
                Some(Item {
                    key,
                    key_start,
                    value: val,
                    prefixed,
                })
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn items_are_cut_as_split_cuts_them(value in "[,= kube:A\u{e9}]{0,30}") {
            proptest::prop_assert_eq!(parse(&value).collect::<Vec<_>>(), by_split(&value));
        }
    }

    #[test]
    fn items_keep_offsets_and_strip_prefixes() {
        let items: Vec<Item> = parse("A=true, kube:B=false,,C").collect();
        assert_eq!(items.len(), 3);
        assert_eq!(
            (items[0].key, items[0].key_start, items[0].value),
            ("A", 0, Some("true"))
        );
        assert_eq!(
            (items[1].key, items[1].key_start, items[1].prefixed),
            ("B", 13, true)
        );
        assert_eq!(items[2].value, None);
    }

    #[test]
    fn go_parse_bool_only() {
        assert_eq!(parse_bool("T"), Some(true));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_bool("on"), None);
    }

    #[test]
    fn both_flag_forms_are_found() {
        let args = [
            "kube-apiserver",
            "--feature-gates=A=true",
            "--feature-gates",
            "B=false",
            "-v=2",
        ];
        let flags = find(&args, "feature-gates");
        assert_eq!(flags.len(), 2);
        assert_eq!(
            (flags[0].value, flags[0].arg, flags[0].value_offset),
            ("A=true", 1, 16)
        );
        assert_eq!(
            (flags[1].value, flags[1].arg, flags[1].value_offset),
            ("B=false", 3, 0)
        );
    }

    #[test]
    fn flag_file_lines_give_exact_offsets() {
        let line = r#"KUBELET_EXTRA_ARGS="--v=2 --feature-gates=A=true,B=false""#;
        let found = scan_line(line);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "A=true,B=false");
        assert_eq!(&line[found[0].0..found[0].0 + 6], "A=true");
        assert_eq!(
            scan_line("ExecStart=/usr/bin/kubelet --feature-gates X=true")[0].1,
            "X=true"
        );
    }
}

#[cfg(test)]
mod emulation_tests {
    use super::emulated_kube_version;

    #[test]
    fn the_kube_entry_of_an_emulated_version_list() {
        assert_eq!(emulated_kube_version("1.35"), Some("1.35"));
        assert_eq!(emulated_kube_version("wardle=1.2,kube=1.34"), Some("1.34"));
        assert_eq!(emulated_kube_version("wardle=1.2"), None);
        assert_eq!(emulated_kube_version(""), None);
    }
}
