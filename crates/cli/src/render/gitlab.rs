//! `--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality`), the
//! subset of the Code Climate issue format GitLab reads: a JSON array of issues, each with a
//! description, a check name (the finding's code), a fingerprint, a severity (one of GitLab's
//! five) and a location (the file's path and its first line).
//!
//! The fingerprint is what GitLab compares between the merge request's report and the target
//! branch's to say which findings are new and which are fixed, so it leaves out what moves when
//! unrelated lines change (the line and column): it hashes the file, the code, the registry, the
//! component, the gate and its value, and how many findings with the same of those came before
//! in the file (a gate set twice keeps two fingerprints).

use gatecheck_lint::{Finding, Severity, Value};
use std::borrow::Cow;

/// GitLab's severity for a finding: an error (the component fails or ignores the setting) is
/// critical, a warning minor, a notice info. `blocker` is kept for an input that could not be
/// read, which leaves the report incomplete.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// The check name of an input that could not be read.
const INPUT_ERROR: &str = "input-error";

/// One Code Quality issue: its description (the concatenation of its parts), check name,
/// fingerprint, severity and first line; the path is the file's.
struct Issue<'a> {
    description: &'a [&'a str],
    check_name: &'static str,
    fingerprint: Fnv,
    severity: &'static str,
    line: usize,
}

impl Issue<'_> {
    /// The issue as serde_json wrote it from a struct of these fields in this order (compact,
    /// `location` holding `path` and `lines.begin`), appended to `out`: `path` is the file's
    /// path as a JSON string already.
    fn write(&self, out: &mut Vec<u8>, path: &[u8]) {
        use super::json_write::{ident, number, texts};
        out.extend_from_slice(b"{\"description\":");
        texts(out, self.description);
        out.extend_from_slice(b",\"check_name\":");
        ident(out, self.check_name);
        out.extend_from_slice(b",\"fingerprint\":\"");
        out.extend_from_slice(&self.fingerprint.digits());
        out.extend_from_slice(b"\",\"severity\":");
        ident(out, self.severity);
        out.extend_from_slice(b",\"location\":{\"path\":");
        out.extend_from_slice(path);
        number(out, b",\"lines\":{\"begin\":", self.line);
        out.extend_from_slice(b"}}}");
    }
}

/// FNV-1a, 128 bits: a hash that is the same on every platform, Rust release and run (the
/// standard library's hasher promises none of that), written as 32 hex digits like the MD5
/// fingerprints GitLab's documentation shows. As it goes: a file's fingerprints share the state
/// after its name.
#[derive(Clone, Copy)]
struct Fnv(u128);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0x6c62272e07bb014262b821756295c58d)
    }
}

impl Fnv {
    const PRIME: u128 = 0x0000000001000000000000000000013b;

    /// Each part followed by a NUL, so ("ab", "c") and ("a", "bc") differ.
    fn parts(mut self, parts: &[&str]) -> Fnv {
        for part in parts {
            for &b in part.as_bytes() {
                self.byte(b);
            }
            self.byte(0);
        }
        self
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        self.0 ^= u128::from(b);
        self.0 = self.0.wrapping_mul(Self::PRIME);
    }

    /// The 32 lowercase hex digits of the hash, most significant first.
    fn digits(self) -> [u8; 32] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [0u8; 32];
        for (i, d) in out.iter_mut().enumerate() {
            *d = HEX[((self.0 >> (124 - 4 * i)) & 0xf) as usize];
        }
        out
    }
}

/// A repository-relative path as GitLab matches it against the merge request's files: no
/// leading `./`, and forward slashes on Windows (elsewhere a backslash is part of a name).
fn path(file: &str) -> std::borrow::Cow<'_, str> {
    let windows = cfg!(windows);
    let mut p = file;
    while let Some(rest) = p
        .strip_prefix("./")
        .or_else(|| p.strip_prefix(".\\").filter(|_| windows))
    {
        p = rest;
    }
    if windows && p.contains('\\') {
        std::borrow::Cow::Owned(p.replace('\\', "/"))
    } else {
        std::borrow::Cow::Borrowed(p)
    }
}

/// The report, streamed: `[`, an issue per line as each file is done, `]`.
pub struct Gitlab<W: std::io::Write> {
    stream: super::JsonStream<W>,
}

impl<W: std::io::Write> Gitlab<W> {
    pub fn new(out: W) -> Gitlab<W> {
        Gitlab {
            stream: super::JsonStream::new(out, "[".into()),
        }
    }
}

/// What identifies a finding in its file, whatever its line: the parts its fingerprint hashes
/// (less the file and the occurrence), borrowed from the finding where they can be.
fn identity(f: &Finding) -> [Cow<'_, str>; 5] {
    let value = match &f.value {
        Some(Value::Bool(true)) => Cow::Borrowed("true"),
        Some(Value::Bool(false)) => Cow::Borrowed("false"),
        Some(Value::Invalid(s)) => Cow::Owned(format!("{s:?}")),
        None => Cow::Borrowed(""),
    };
    // A finding about no gate (a template, a shape not read) is told apart by what it says,
    // less the step of an upgrade it was found at.
    let what = match &f.gate {
        Some(g) => g.as_ref(),
        None => {
            let m: &str = &f.message;
            match m
                .strip_prefix("upgrading to ")
                .and_then(|r| r.split_once(": "))
            {
                Some((_, rest)) => rest,
                None => m,
            }
        }
    };
    [
        Cow::Borrowed(f.kind.code()),
        Cow::Borrowed(f.registry.as_str()),
        Cow::Borrowed(f.component.map_or("", |c| c.as_str())),
        Cow::Borrowed(what),
        value,
    ]
}

impl<W: std::io::Write> Gitlab<W> {
    fn write(&mut self, issue: &Issue<'_>, path: &[u8]) -> std::io::Result<()> {
        self.stream.element(|out| issue.write(out, path))
    }
}

impl<W: std::io::Write> super::Emitter for Gitlab<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        let file = path(name);
        let mut path = Vec::new();
        super::json_write::text(&mut path, &file);
        match outcome {
            super::Outcome::Linted { findings, .. } => {
                // Findings alike are counted by the hash of what identifies them, which their
                // fingerprints go on from: two that hashed alike would share fingerprints anyway.
                let mut seen: foldhash::HashMap<u128, usize> = Default::default();
                let after_file = Fnv::default().parts(&[&file]);
                let mut n = itoa::Buffer::new();
                for f in findings {
                    let [a, b, c, d, e] = identity(f);
                    let identified = after_file.parts(&[&a, &b, &c, &d, &e]);
                    let count = seen.entry(identified.0).or_insert(0);
                    *count += 1;
                    let occurrence = n.format(*count);
                    let issue = Issue {
                        description: &[&f.message, " (", &f.help, ")"],
                        check_name: f.kind.code(),
                        fingerprint: identified.parts(&[occurrence]),
                        severity: severity(f.severity),
                        line: f.line,
                    };
                    self.write(&issue, &path)?;
                }
                Ok(())
            }
            super::Outcome::Failed { error, .. } => {
                // The report must not look clean because a file was not judged: the input is
                // an issue on its first line (or where reading stopped).
                let issue = Issue {
                    description: &["gatecheck could not read this file: ", &error.message],
                    check_name: INPUT_ERROR,
                    fingerprint: Fnv::default().parts(&[&file, INPUT_ERROR, &error.message]),
                    severity: "blocker",
                    line: error.line.unwrap_or(1),
                };
                self.write(&issue, &path)
            }
        }
    }

    fn finish(&mut self, _: &super::Summary<'_>) -> std::io::Result<()> {
        self.stream.close("]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An issue as serde_json writes it: what [`Issue::write`] must write.
    #[derive(serde::Serialize)]
    struct SerdeIssue<'a> {
        description: String,
        check_name: &'a str,
        fingerprint: String,
        severity: &'static str,
        location: Location<'a>,
    }

    #[derive(serde::Serialize)]
    struct Location<'a> {
        path: &'a str,
        lines: Lines,
    }

    #[derive(serde::Serialize)]
    struct Lines {
        begin: usize,
    }

    /// The fingerprint of `parts` as an issue carries it.
    fn fingerprint(parts: &[&str]) -> String {
        String::from_utf8(Fnv::default().parts(parts).digits().to_vec()).unwrap()
    }

    proptest::proptest! {
        /// An issue written directly is the one serde_json writes, whatever the texts.
        #[test]
        fn issues_are_written_as_serde_json_writes_them(
            message in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\"\\\\])*",
            help in "(\\PC|[\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\"\\\\])*",
            file in "(\\PC|[\\x00-\\x1f\\x7f\"\\\\])*",
            line in 0usize..100_000,
            hash in proptest::num::u128::ANY,
        ) {
            use gatecheck_lint::FindingKind;
            use gatecheck_rules::Registry;
            let f = Finding {
                kind: FindingKind::Removed,
                severity: Severity::Warning,
                component: None,
                registry: Registry::Kubernetes,
                gate: None,
                value: None,
                offset: 0,
                len: 1,
                line,
                column: 1,
                end_line: line,
                end_column: 2,
                message: message.into(),
                help: help.into(),
                fix: None,
                step: None,
            };
            let mut path = Vec::new();
            super::super::json_write::text(&mut path, &file);
            let mut direct = Vec::new();
            Issue {
                description: &[&f.message, " (", &f.help, ")"],
                check_name: f.kind.code(),
                fingerprint: Fnv(hash),
                severity: severity(f.severity),
                line: f.line,
            }
            .write(&mut direct, &path);
            let mut serde = Vec::new();
            super::super::write_json(&mut serde, &SerdeIssue {
                description: format!("{} ({})", f.message, f.help),
                check_name: f.kind.code(),
                fingerprint: format!("{hash:032x}"),
                severity: severity(f.severity),
                location: Location { path: &file, lines: Lines { begin: line } },
            }).unwrap();
            proptest::prop_assert_eq!(String::from_utf8_lossy(&direct), String::from_utf8_lossy(&serde));
        }
    }

    #[test]
    fn fingerprints_are_fixed_and_distinct() {
        // FNV-1a 128 of the empty input is its offset basis: the constants are the published ones.
        assert_eq!(fingerprint(&[]), "6c62272e07bb014262b821756295c58d");
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["a", "b"]).len(), 32);
    }

    #[test]
    fn paths_lose_the_leading_dot() {
        assert_eq!(path("./a/b.yaml"), "a/b.yaml");
        assert_eq!(path("././a.yaml"), "a.yaml");
        if cfg!(windows) {
            assert_eq!(path(".\\a\\b.yaml"), "a/b.yaml");
        } else {
            assert_eq!(path("a\\b.yaml"), "a\\b.yaml");
        }
        assert_eq!(path("../a.yaml"), "../a.yaml");
        assert_eq!(path(".hidden/a.yaml"), ".hidden/a.yaml");
    }
}
