//! JSON written directly, shared by the JSON, SARIF and GitLab reports: strings (escaped as
//! serde_json escapes them, and DEL and C1 too), gatecheck's own names, numbers, versions, and
//! the facts of findings' gates.

/// The gate's facts at the release judged: its stage, default and lock (null where no source
/// settles it), the release it reached that stage in, the release that removes it, and the source
/// of the facts. Written by [`Facts::write`] into JSON findings and SARIF results.
pub(super) struct Facts {
    default: Option<bool>,
    evidence: Option<&'static str>,
    locked: Option<bool>,
    removed_in: Option<gatecheck_rules::Version>,
    since: Option<gatecheck_rules::Version>,
    stage: Option<&'static str>,
}

/// The facts of findings' gates, written once per gate and release and copied after that: a
/// file's settings of one gate, and files that set the same gates, write the same facts.
#[derive(Default)]
pub(super) struct FactsCache {
    /// By registry, the address of a gate name borrowed from the embedded rules (static text,
    /// so the address names the text) and the release judged; `None` where the registry does
    /// not have the name. The names of known gates are found without a look-up by name.
    written: foldhash::HashMap<FactsKey, Option<Box<[u8]>>>,
}

/// A registry, the address of a gate name in the embedded rules, and a release.
type FactsKey = (gatecheck_rules::Registry, usize, gatecheck_rules::Version);

impl FactsCache {
    /// Writes the facts of `gate` at `at` (`null` for a name the registry does not have).
    pub(super) fn write(
        &mut self,
        out: &mut Vec<u8>,
        registry: gatecheck_rules::Registry,
        gate: Option<&gatecheck_lint::GateName>,
        at: gatecheck_rules::Version,
    ) {
        let written = |name: &str| {
            let g = gatecheck_rules::Rules::embedded().gate(registry, name)?;
            let mut text = Vec::with_capacity(128);
            facts(g, at).write(&mut text);
            Some(text.into_boxed_slice())
        };
        let owned;
        let text = match gate {
            Some(std::borrow::Cow::Borrowed(name)) => self
                .written
                .entry((registry, name.as_ptr() as usize, at))
                .or_insert_with(|| written(name))
                .as_deref(),
            // A name no release has (the readers borrow every known one).
            Some(std::borrow::Cow::Owned(name)) => {
                owned = written(name);
                owned.as_deref()
            }
            None => None,
        };
        out.extend_from_slice(text.unwrap_or(b"null"));
    }
}

/// The facts of `g` at `at`.
fn facts(g: &'static gatecheck_rules::Gate, at: gatecheck_rules::Version) -> Facts {
    use gatecheck_rules::Status;
    let removed_in = g.removed_in;
    let evidence = g.evidence_at(at);
    match g.status(at) {
        Status::Known { spec, .. } => Facts {
            default: Some(spec.default),
            evidence,
            locked: spec.lock.known(),
            removed_in,
            since: Some(spec.since),
            stage: Some(spec.stage.as_str()),
        },
        Status::Removed { last, .. } => Facts {
            default: Some(last.default),
            evidence,
            locked: last.lock.known(),
            removed_in,
            since: Some(last.since),
            stage: Some("removed"),
        },
        _ => Facts {
            default: None,
            evidence,
            locked: None,
            removed_in,
            since: None,
            stage: None,
        },
    }
}

impl Facts {
    /// The facts as a JSON object, keys in alphabetical order.
    pub(super) fn write(&self, out: &mut Vec<u8>) {
        let flag = |out: &mut Vec<u8>, b: Option<bool>| {
            out.extend_from_slice(match b {
                Some(true) => b"true",
                Some(false) => b"false",
                None => b"null",
            })
        };
        out.extend_from_slice(b"{\"default\":");
        flag(out, self.default);
        out.extend_from_slice(b",\"evidence\":");
        match self.evidence {
            Some(e) => text(out, e),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"locked\":");
        flag(out, self.locked);
        for (key, v) in [
            (&b",\"removed_in\":"[..], self.removed_in),
            (&b",\"since\":"[..], self.since),
        ] {
            out.extend_from_slice(key);
            match v {
                Some(v) => version_text(out, v),
                None => out.extend_from_slice(b"null"),
            }
        }
        out.extend_from_slice(b",\"stage\":");
        match self.stage {
            Some(s) => text(out, s),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
    }
}

/// A name of gatecheck's own (a code, kind, severity, registry, component or applicability) or
/// a gate's name from the embedded rules, as a JSON string: such names are letters, digits and
/// dashes, written as they are without a search for what to escape (a test holds every one).
pub(super) fn ident(out: &mut Vec<u8>, s: &str) {
    debug_assert!(!needs_escape(s), "{s:?} needs escaping");
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// `"1.33"`.
pub(super) fn version_text(out: &mut Vec<u8>, v: gatecheck_rules::Version) {
    out.push(b'"');
    out.extend_from_slice(v.text().as_bytes());
    out.push(b'"');
}

/// `key` (`,"line":`, written as it is) and the number `v`.
pub(super) fn number(out: &mut Vec<u8>, key: &[u8], v: usize) {
    out.extend_from_slice(key);
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

/// The concatenation of `parts` as one JSON string, as [`text`] writes it.
pub(super) fn texts(out: &mut Vec<u8>, parts: &[&str]) {
    if parts.iter().all(|p| !needs_escape(p)) {
        out.push(b'"');
        parts
            .iter()
            .for_each(|p| out.extend_from_slice(p.as_bytes()));
        out.push(b'"');
    } else {
        text(out, &parts.concat());
    }
}

/// Whether a JSON string of `s` escapes anything: a C0 control, quote, backslash, DEL or C1
/// control (whose UTF-8 starts with 0xc2).
fn needs_escape(s: &str) -> bool {
    super::any_byte(s, |b| {
        (b < 0x20) | (b == b'"') | (b == b'\\') | (b == 0x7f) | (b == 0xc2)
    })
}

/// `s` as a JSON string: as it is between quotes when nothing in it needs escaping (no C0
/// control, quote, backslash, DEL or C1 control, whose UTF-8 starts with 0xc2), else escaped by
/// serde_json with [`super::write_json`]'s rules.
pub(super) fn text(out: &mut Vec<u8>, s: &str) {
    let plain = !needs_escape(s);
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = super::write_json(out, &s);
    }
}

/// The pieces of findings' JSON that only their judgment decides, written once per run for
/// each judgment and copied after that: a fleet's files set the same gates to the same values,
/// and their findings differ only by where they are. A report writes each finding as its `N`
/// pieces with what is the finding's own between them (its position, file and fix).
///
/// Findings of settings judged alike share their message (`gatecheck_lint`'s memo of
/// judgments), so a judgment is told by its message's address. Each message kept here is held,
/// so its address names no other text while it is kept.
pub(super) struct Pieces<const N: usize> {
    kept: foldhash::HashMap<Judged, Kept<N>>,
}

impl<const N: usize> Default for Pieces<N> {
    fn default() -> Self {
        Pieces {
            kept: Default::default(),
        }
    }
}

/// A finding's pieces, kept or written afresh (see [`Pieces::source`]).
pub(super) enum Source<'a, const N: usize, W> {
    Kept([&'a [u8]; N]),
    Afresh(W),
}

impl<const N: usize, W: FnMut(&mut Vec<u8>, usize)> Source<'_, N, W> {
    /// Appends the `i`th piece to `out`.
    pub(super) fn piece(&mut self, out: &mut Vec<u8>, i: usize) {
        match self {
            Source::Kept(kept) => out.extend_from_slice(kept[i]),
            Source::Afresh(write) => write(out, i),
        }
    }
}

/// The most judgments whose pieces are kept; past it, the pieces start again (memory stays
/// bounded however many distinct findings a run has).
const PIECES_KEPT: usize = 4_096;

/// What decides a finding's pieces: its kind, severity, component, registry, gate (the address
/// and length of a name borrowed from the rules), value and step, and the addresses and lengths
/// of its message and help.
#[derive(PartialEq, Eq)]
struct Judged(
    (
        gatecheck_lint::FindingKind,
        gatecheck_lint::Severity,
        Option<gatecheck_rules::Component>,
        gatecheck_rules::Registry,
    ),
    Option<(usize, usize)>,
    Option<bool>,
    Option<gatecheck_rules::Version>,
    (usize, usize),
    (usize, usize),
);

/// Hashed by the message's address, which tells judgments apart (and the step, which an
/// upgrade's findings differ by); equal keys still compare every field.
impl std::hash::Hash for Judged {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.4 .0);
        self.3.hash(state);
    }
}

struct Kept<const N: usize> {
    /// The message, held so that its address stays its own.
    _message: std::sync::Arc<str>,
    /// The pieces, one after the other, and where each ends.
    text: Box<[u8]>,
    ends: [usize; N],
}

impl<const N: usize> Pieces<N> {
    /// The pieces of `f`, written now by `write` (the `i`th piece to the end of its buffer) if
    /// they were not kept; `None` for a finding that shares its judgment with no other (its
    /// message is its own, or its help, gate or value is not static text or a boolean): that
    /// is written each time.
    fn kept(
        &mut self,
        f: &gatecheck_lint::Finding,
        write: &mut impl FnMut(&mut Vec<u8>, usize),
    ) -> Option<[&[u8]; N]> {
        use std::borrow::Cow;
        let (message, help) = super::shared_judgment(f)?;
        let gate = match &f.gate {
            Some(Cow::Borrowed(g)) => Some((g.as_ptr() as usize, g.len())),
            Some(Cow::Owned(_)) => return None,
            None => None,
        };
        let value = match &f.value {
            Some(gatecheck_lint::Value::Bool(b)) => Some(*b),
            Some(gatecheck_lint::Value::Invalid(_)) => return None,
            None => None,
        };
        let judged = Judged(
            (f.kind, f.severity, f.component, f.registry),
            gate,
            value,
            f.step,
            message,
            help,
        );
        if self.kept.len() >= PIECES_KEPT && !self.kept.contains_key(&judged) {
            self.kept.clear();
        }
        let kept = self.kept.entry(judged).or_insert_with(|| {
            let mut text = Vec::with_capacity(512);
            let mut ends = [0; N];
            for (i, end) in ends.iter_mut().enumerate() {
                write(&mut text, i);
                *end = text.len();
            }
            Kept {
                _message: f.message.clone(),
                text: text.into_boxed_slice(),
                ends,
            }
        });
        let (text, ends) = (&kept.text, &kept.ends);
        Some(std::array::from_fn(|i| {
            let start = if i == 0 { 0 } else { ends[i - 1] };
            &text[start..ends[i]]
        }))
    }

    /// Where `f`'s pieces come from: copied where kept (written now by `write` if they were
    /// not), else written by `write` as the finding is.
    pub(super) fn source<W: FnMut(&mut Vec<u8>, usize)>(
        &mut self,
        f: &gatecheck_lint::Finding,
        mut write: W,
    ) -> Source<'_, N, W> {
        match self.kept(f, &mut write) {
            Some(kept) => Source::Kept(kept),
            None => Source::Afresh(write),
        }
    }

    /// How many judgments' pieces are kept.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.kept.len()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use gatecheck_rules::Version;
    use proptest::prelude::*;

    /// A gate's facts are the same however its name is held: borrowed from the rules (found by
    /// the name's address, written once), borrowed from elsewhere, or owned; and `null` for a
    /// name the registry does not have, or no gate.
    #[test]
    fn facts_do_not_depend_on_how_the_name_is_held() {
        use gatecheck_rules::{Registry, Rules, Version};
        use std::borrow::Cow;
        let rules = Rules::embedded();
        let g = rules
            .gate(Registry::Kubernetes, "SidecarContainers")
            .unwrap();
        let elsewhere: &'static str = Box::leak(String::from(g.name).into_boxed_str());
        let mut cache = super::FactsCache::default();
        let write = |cache: &mut super::FactsCache, name: Option<Cow<'static, str>>, at| {
            let mut out = Vec::new();
            cache.write(&mut out, Registry::Kubernetes, name.as_ref(), at);
            String::from_utf8(out).unwrap()
        };
        for at in [Version::new(1, 28), Version::new(1, 33)] {
            let mut expected = Vec::new();
            super::facts(g, at).write(&mut expected);
            let expected = String::from_utf8(expected).unwrap();
            for _ in 0..2 {
                for name in [
                    Cow::Borrowed(g.name),
                    Cow::Borrowed(elsewhere),
                    Cow::Owned(g.name.to_string()),
                ] {
                    assert_eq!(write(&mut cache, Some(name), at), expected);
                }
            }
            assert_eq!(
                write(&mut cache, Some(Cow::Borrowed("NoSuchGate")), at),
                "null"
            );
            assert_eq!(write(&mut cache, None, at), "null");
        }
        // The same name in a registry that does not have it.
        let mut out = Vec::new();
        cache.write(
            &mut out,
            Registry::Kubeadm,
            Some(&Cow::Borrowed(g.name)),
            Version::new(1, 33),
        );
        assert_eq!(out, b"null");
    }

    /// Findings met again and again, so that their judgments are shared and their pieces kept:
    /// five fixtures linted three times at two targets, each finding also as a step of an
    /// upgrade (whose findings differ by their step). `write` writes a finding with the target's
    /// pieces and facts and afresh; the two must be the same, and pieces must have been kept.
    pub(in crate::render) fn met_again<const N: usize>(
        mut write: impl FnMut(
            Version,
            &mut super::Pieces<N>,
            &mut super::FactsCache,
            &gatecheck_lint::Finding,
        ) -> (Vec<u8>, Vec<u8>),
    ) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad");
        let names = [
            "kubelet-config.yaml",
            "kind-cluster.yaml",
            "kube-apiserver.yaml",
            "kubeadm-v1beta3.yaml",
            "capi-kubeadmcontrolplane.yaml",
        ];
        let mut kept = 0;
        for minor in [29, 33] {
            let target = Version::new(1, minor);
            let mut pieces = super::Pieces::default();
            let mut facts = super::FactsCache::default();
            let options = gatecheck_lint::Options::new(target);
            for _round in 0..3 {
                for name in names {
                    let src = std::fs::read_to_string(dir.join(name)).unwrap();
                    let report = gatecheck_lint::lint_source(name, &src, &options).unwrap();
                    for step in [None, Some(Version::new(1, minor - 1))] {
                        for f in &report.findings {
                            let f = gatecheck_lint::Finding { step, ..f.clone() };
                            let (written, afresh) = write(target, &mut pieces, &mut facts, &f);
                            assert_eq!(
                                String::from_utf8_lossy(&written),
                                String::from_utf8_lossy(&afresh),
                                "{name} at {target}"
                            );
                        }
                    }
                }
            }
            kept += pieces.len();
        }
        assert!(kept > 20, "{kept} judgments' pieces kept");
    }

    /// What [`super::ident`] writes unescaped needs no escape: every name of gatecheck's own and
    /// every gate name of the embedded rules.
    #[test]
    fn names_written_as_they_are_need_no_escape() {
        use gatecheck_lint::{Applicability, FindingKind, Severity};
        use gatecheck_rules::{Component, Registry, Rules};
        let mut names: Vec<&str> = FindingKind::ALL
            .iter()
            .flat_map(|k| [k.code(), k.name()])
            .collect();
        names.extend([Severity::Info, Severity::Warning, Severity::Error].map(Severity::as_str));
        names.extend([Registry::Kubernetes, Registry::Kubeadm].map(Registry::as_str));
        names.extend(Component::ALL.map(Component::as_str));
        names.extend([Applicability::Safe, Applicability::Unsafe].map(Applicability::as_str));
        names.extend(Rules::embedded().gates().iter().map(|g| g.name));
        for name in names {
            assert!(
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
                "{name:?}"
            );
            assert!(!super::needs_escape(name), "{name:?}");
        }
    }

    proptest! {
        /// A string written directly is what serde_json writes with the report's escapes.
        #[test]
        fn strings_are_written_as_serde_json_writes_them(s in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\"\\\\])*") {
            let mut direct = Vec::new();
            super::text(&mut direct, &s);
            let mut serde = Vec::new();
            super::super::write_json(&mut serde, &s).unwrap();
            prop_assert_eq!(direct, serde);
        }

        /// Pieces written as one string are the string of their concatenation.
        #[test]
        fn pieces_are_written_as_their_concatenation(parts in prop::collection::vec("(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\"\\\\])*", 0..4)) {
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            let mut pieces = Vec::new();
            super::texts(&mut pieces, &parts);
            let mut whole = Vec::new();
            super::text(&mut whole, &parts.concat());
            prop_assert_eq!(pieces, whole);
        }
    }
}
