//! `--format junit`: JUnit XML for CI test tabs. One test suite and case per file; a file with an
//! error finding (or that could not be read) fails, and its findings are listed in its case.

use gatecheck_lint::{Finding, Severity};

/// Text as XML character data: markup escaped, and the characters XML 1.0 forbids (U+FFFE,
/// U+FFFF; control characters are already escaped) written as `\u{..}`.
fn xml(s: &str) -> std::borrow::Cow<'_, str> {
    let escaped = super::escape(s);
    // U+FFFE and U+FFFF start with 0xef in UTF-8 (as do other characters, which the
    // replacements below leave as they are).
    let plain = !super::any_byte(&escaped, |b| {
        (b == b'&') | (b == b'<') | (b == b'>') | (b == b'"') | (b == 0xef)
    });
    if plain {
        return escaped;
    }
    // One pass: no replacement holds a character that another replaces.
    let mut out = String::with_capacity(escaped.len() + 16);
    for c in escaped.chars() {
        match c {
            '\u{FFFE}' => out.push_str("\\u{fffe}"),
            '\u{FFFF}' => out.push_str("\\u{ffff}"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out.into()
}

/// One line per finding (the first [`super::MAX_SHOWN`], then how many more), escaped for XML
/// text.
fn listing(findings: &[Finding]) -> String {
    // Written piece by piece: no formatted string per finding.
    let mut lines = String::with_capacity(findings.len().min(super::MAX_SHOWN) * 128);
    let mut n = itoa::Buffer::new();
    for (i, f) in findings.iter().take(super::MAX_SHOWN).enumerate() {
        if i > 0 {
            lines.push('\n');
        }
        for part in [n.format(f.line), ":"] {
            lines.push_str(part);
        }
        for part in [n.format(f.column), ": "] {
            lines.push_str(part);
        }
        for part in [f.kind.code(), " ", f.severity.as_str(), " ", &f.message] {
            lines.push_str(part);
        }
    }
    if findings.len() > super::MAX_SHOWN {
        lines.push_str(&format!(
            "\n… and {} more findings (all of them: --format json)",
            findings.len() - super::MAX_SHOWN
        ));
    }
    if let std::borrow::Cow::Owned(escaped) = xml(&lines) {
        return escaped;
    }
    lines
}

/// One test suite per input, in input order, each holding one test case: the file, failed when
/// it has an error finding or could not be read, with its findings listed. Each suite's counts
/// are known when its file is done, so each is written at once and nothing is kept.
pub struct Junit<W: std::io::Write> {
    out: W,
    started: bool,
}

impl<W: std::io::Write> Junit<W> {
    pub fn new(out: W) -> Junit<W> {
        Junit {
            out,
            started: false,
        }
    }

    fn start(&mut self) -> std::io::Result<()> {
        if !self.started {
            self.started = true;
            write!(
                self.out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gatecheck\">\n"
            )?;
        }
        Ok(())
    }
}

impl<W: std::io::Write> super::Emitter for Junit<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        self.start()?;
        let name = xml(name);
        let (failed, body) = match outcome {
            super::Outcome::Failed { error, .. } => (
                true,
                format!(
                    "    <failure message=\"{}\" type=\"input\"/>\n",
                    xml(&error.to_string())
                ),
            ),
            super::Outcome::Linted { findings, .. } => {
                let failing = findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count();
                if failing > 0 {
                    (true, format!(
                        "    <failure message=\"{failing} error finding(s)\" type=\"gatecheck\">{}</failure>\n",
                        listing(findings)
                    ))
                } else if findings.is_empty() {
                    (false, String::new())
                } else {
                    // Not failed: the findings as the case's output.
                    (
                        false,
                        format!("    <system-out>{}</system-out>\n", listing(findings)),
                    )
                }
            }
        };
        write!(
            self.out,
            "<testsuite name=\"{name}\" tests=\"1\" failures=\"{}\" errors=\"0\">\n  <testcase classname=\"gatecheck\" name=\"{name}\">\n{body}  </testcase>\n</testsuite>\n",
            u8::from(failed)
        )
    }

    fn finish(&mut self, _: &super::Summary<'_>) -> std::io::Result<()> {
        self.start()?;
        writeln!(self.out, "</testsuites>")?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::xml;

    /// Text without markup or forbidden characters is written as it is; any other is escaped
    /// whatever else it holds (other characters that start with 0xef in UTF-8 are kept).
    #[test]
    fn xml_text() {
        assert!(matches!(
            xml("GC003 removed: a"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            xml("a<b>&\"c\u{FFFF}\u{FFFE}\u{FF21}\u{1b}"),
            "a&lt;b&gt;&amp;&quot;c\\u{ffff}\\u{fffe}\u{FF21}\\u{1b}"
        );
        assert_eq!(xml("\u{FF21}"), "\u{FF21}");
    }

    proptest::proptest! {
        /// One pass escapes as the chain of replacements did.
        #[test]
        fn xml_escapes_as_replacements_do(s in "[a&<>\"\u{FFFE}\u{FFFF}\u{FF21}\u{1b}\u{85} ]{0,24}") {
            let escaped = crate::render::escape(&s);
            let chained = escaped
                .replace('\u{FFFE}', "\\u{fffe}")
                .replace('\u{FFFF}', "\\u{ffff}")
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;");
            proptest::prop_assert_eq!(xml(&s), chained);
        }
    }
}
