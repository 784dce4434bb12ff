//! `--format github`: GitHub Actions workflow commands, one annotation per finding (info
//! findings become notices) and per unreadable input.

use super::escape;
use gatecheck_lint::{Finding, InputError, Severity};
use std::borrow::Cow;

/// A GitHub Actions annotation for one finding: `::error file=…,line=…,col=…,title=…::message`.
/// `file` is the file's name as a property already ([`property`]): it is escaped once per file.
pub fn finding(file: &str, f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut n = itoa::Buffer::new();
    let mut line = String::with_capacity(96 + file.len() + f.message.len() + f.help.len());
    for part in ["::", level, " file=", file, ",line="] {
        line.push_str(part);
    }
    line.push_str(n.format(f.line));
    line.push_str(",col=");
    line.push_str(n.format(f.column));
    line.push_str(",endLine=");
    line.push_str(n.format(f.end_line));
    line.push_str(",endColumn=");
    line.push_str(n.format(f.end_column));
    // A code and a kind's name are gatecheck's own: no `:`, `,`, `%` or line break.
    for part in [",title=", f.kind.code(), " ", f.kind.name(), "::"] {
        line.push_str(part);
    }
    line.push_str(&data(&f.message));
    line.push_str(" (");
    line.push_str(&data(&f.help));
    line.push(')');
    line
}

/// An annotation for an input gatecheck could not read.
pub fn error(file: &str, e: &InputError) -> String {
    let position = match (e.line, e.column) {
        (Some(l), Some(c)) => format!(",line={l},col={c}"),
        _ => String::new(),
    };
    format!(
        "::error file={}{position},title=gatecheck::{}",
        property(file),
        data(&e.message)
    )
}

/// Annotations written as each file is done: its findings, or why it could not be read.
pub struct Github<W: std::io::Write> {
    out: W,
}

impl<W: std::io::Write> Github<W> {
    pub fn new(out: W) -> Github<W> {
        Github { out }
    }
}

impl<W: std::io::Write> super::Emitter for Github<W> {
    fn file(&mut self, name: &str, outcome: super::Outcome<'_>) -> std::io::Result<()> {
        match outcome {
            super::Outcome::Linted { findings, .. } => {
                let file = property(name);
                for f in findings {
                    let mut line = finding(&file, f);
                    line.push('\n');
                    self.out.write_all(line.as_bytes())?;
                }
                Ok(())
            }
            super::Outcome::Failed { error: e, .. } => writeln!(self.out, "{}", error(name, e)),
        }
    }

    fn finish(&mut self, _: &super::Summary<'_>) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Workflow-command escaping of a message (`%`, CR and LF), after control characters; the text
/// as it is when it holds none of them.
pub fn data(s: &str) -> Cow<'_, str> {
    let escaped = escape(s);
    if !super::any_byte(&escaped, |b| (b == b'%') | (b == b'\r') | (b == b'\n')) {
        return escaped;
    }
    Cow::Owned(
        escaped
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A"),
    )
}

/// Workflow-command escaping of a property value, which also may not hold `:` or `,`.
pub fn property(s: &str) -> Cow<'_, str> {
    let d = data(s);
    if !super::any_byte(&d, |b| (b == b':') | (b == b',')) {
        return d;
    }
    Cow::Owned(d.replace(':', "%3A").replace(',', "%2C"))
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    /// Codes and kinds' names are written into the title without escaping: none needs it.
    #[test]
    fn titles_need_no_escaping() {
        for kind in gatecheck_lint::FindingKind::ALL {
            let title = format!("{} {}", kind.code(), kind.name());
            assert_eq!(property(&title), title);
        }
    }

    #[test]
    fn workflow_command_escaping() {
        // A message may hold `:` and `,`; a property may not, and neither may hold raw newlines
        // or control characters.
        assert_eq!(data("50% done\nnext: a,b"), "50%25 done%0Anext: a,b");
        assert_eq!(property("dir,x/a:b.yaml"), "dir%2Cx/a%3Ab.yaml");
        assert_eq!(data("A\u{1b}[2J"), "A\\u{1b}[2J");
    }
}
