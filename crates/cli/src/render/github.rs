//! `--format github`: GitHub Actions workflow commands, one annotation per finding (info
//! findings become notices) and per unreadable input.

use super::escape;
use gatecheck_lint::{Finding, InputError, Severity};

/// A GitHub Actions annotation for one finding: `::error file=…,line=…,col=…,title=…::message`.
pub fn finding(file: &str, f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        property(file),
        f.line,
        f.column,
        f.end_line,
        f.end_column,
        property(&format!("{} {}", f.kind.code(), f.kind.name())),
        data(&format!("{} ({})", f.message, f.help))
    )
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
                for f in findings {
                    writeln!(self.out, "{}", finding(name, f))?;
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

/// Workflow-command escaping of a message (`%`, CR and LF), after control characters.
pub fn data(s: &str) -> String {
    escape(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command escaping of a property value, which also may not hold `:` or `,`.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    #[test]
    fn workflow_command_escaping() {
        // A message may hold `:` and `,`; a property may not, and neither may hold raw newlines
        // or control characters.
        assert_eq!(data("50% done\nnext: a,b"), "50%25 done%0Anext: a,b");
        assert_eq!(property("dir,x/a:b.yaml"), "dir%2Cx/a%3Ab.yaml");
        assert_eq!(data("A\u{1b}[2J"), "A\\u{1b}[2J");
    }
}
