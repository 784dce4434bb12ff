//! `--fix`, `--unsafe-fixes` and `--diff`: the linter's fixes applied to a file's text until
//! none is left, written back atomically, or shown as a unified diff.

use crate::discover::Input;
use crate::input::read_wanted as read;
use crate::lint::Linter;
use gatecheck_lint::Options;
use gatecheck_lint::{Applicability, Fix, InputError, Report};
use std::io::Write;
use std::path::Path;

impl Linter<'_> {
    /// The fixes --fix (and --unsafe-fixes) allow.
    pub(crate) fn allowed(&self) -> gatecheck_lint::Applicability {
        if self.args.unsafe_fixes {
            gatecheck_lint::Applicability::Unsafe
        } else {
            gatecheck_lint::Applicability::Safe
        }
    }

    /// --fix: applies the allowed fixes to the file and writes it back; the new text and its
    /// report, or `None` when nothing changed (or the file could not be written, which is said).
    pub(crate) fn fix(
        &self,
        input: &Input,
        src: &str,
        report: &gatecheck_lint::Report,
        options: &Options,
    ) -> Option<(String, Result<gatecheck_lint::Report, InputError>)> {
        let (new, applied) = fixed(src, report, self.allowed(), |t| {
            self.lint(input, t, options)
        });
        if applied == 0 {
            return None;
        }
        if let Err(e) = write(input, src, &new) {
            say!("{}: {e}", input.name);
            return None;
        }
        say!(
            "fixed: {} ({applied} {})",
            input.name,
            if applied == 1 { "setting" } else { "settings" }
        );
        let report = self.lint(input, &new, options);
        Some((new, report))
    }

    /// --diff: prints what --fix would change in each file; the exit status is 1 when anything
    /// would change.
    pub(crate) fn diff(&self, inputs: &[Input]) -> u8 {
        let mut changed = 0;
        let mut out = std::io::stdout().lock();
        for input in inputs {
            let Ok(src) = read(input) else { continue };
            let options = self.options(input, &src);
            let Ok(report) = self.lint(input, &src, &options) else {
                continue;
            };
            let (new, applied) = fixed(&src, &report, self.allowed(), |t| {
                self.lint(input, t, &options)
            });
            if applied == 0 {
                continue;
            }
            changed += 1;
            let name = crate::render::escape(&input.name);
            let diff = crate::render::escape(&unified(&name, &src, &new)).into_owned();
            if let Err(e) = std::io::Write::write_all(&mut out, diff.as_bytes()) {
                say!("error: cannot write the diff: {e}");
                return 2;
            }
        }
        if let Err(e) = std::io::Write::flush(&mut out) {
            say!("error: cannot write the diff: {e}");
            return 2;
        }
        say!(
            "{changed} {} would change",
            if changed == 1 { "file" } else { "files" }
        );
        u8::from(changed > 0)
    }
}

/// How many rounds of fixes a file gets: a fix can uncover another (an emptied map).
const ROUNDS: usize = 4;

/// The text with every fix at or below `allowed` applied, re-linted after each round, and the
/// number of fixes applied. `lint` judges a text as the run does.
pub fn fixed(
    src: &str,
    report: &Report,
    allowed: Applicability,
    lint: impl Fn(&str) -> Result<Report, InputError>,
) -> (String, usize) {
    let mut text = src.to_string();
    let mut total = 0;
    let mut fixes: Vec<Fix> = report.fixes(allowed);
    for _ in 0..ROUNDS {
        if fixes.is_empty() {
            break;
        }
        let (next, applied) = gatecheck_lint::fix::apply(&text, &fixes);
        if applied == 0 || next == text {
            break;
        }
        // A fix that leaves a file gatecheck cannot read is not applied.
        let Ok(report) = lint(&next) else {
            break;
        };
        total += applied;
        text = next;
        fixes = report.fixes(allowed);
    }
    (text, total)
}

/// Replaces the file with `new` if it still holds `old`: a temporary file beside it, renamed
/// over it, with its permissions. A symlink, or a file changed since it was read, is refused.
pub fn write(input: &Input, old: &str, new: &str) -> Result<(), String> {
    let path = input
        .path
        .as_deref()
        .ok_or("standard input is not fixed in place")?;
    let meta = std::fs::symlink_metadata(path).map_err(|e| format!("not fixed: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err("not fixed: a symlink (fix the file it points to)".into());
    }
    // Nor a file reached through a symlinked directory (the search follows them): its real
    // place may be outside the tree.
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let real = std::fs::canonicalize(dir).ok();
    if real.is_none() || real != crate::discover::absolute(dir) {
        return Err("not fixed: reached through a symlinked directory (fix it where it is)".into());
    }
    let now = std::fs::read(path).map_err(|e| format!("not fixed: {e}"))?;
    if now != old.as_bytes() {
        return Err("not fixed: the file changed since it was read".into());
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.gatecheck-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(new.as_bytes())?;
        f.set_permissions(meta.permissions())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        std::fs::remove_file(&tmp).ok();
        return Err(format!("not fixed: {e}"));
    }
    Ok(())
}

/// A unified diff of `old` and `new` (`--- a/NAME`, `+++ b/NAME`, hunks with three lines of
/// context). The two differ only where fixes removed or shortened lines, so lines are matched
/// by a longest common subsequence over the changed region alone.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    let name = name.strip_prefix("./").unwrap_or(name);
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    // The common head and tail are matched directly; the rest by LCS.
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let ops = lcs_ops(am, bm);
    // Every line of both files as an operation: ' ', '-', '+'.
    let mut all: Vec<(char, &str)> = a[..head].iter().map(|l| (' ', *l)).collect();
    all.extend(ops);
    all.extend(a[a.len() - tail..].iter().map(|l| (' ', *l)));
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    let changed: Vec<usize> = (0..all.len()).filter(|&i| all[i].0 != ' ').collect();
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(3);
        let mut end = (changed[i] + 4).min(all.len());
        while i + 1 < changed.len() && changed[i + 1] <= end + 3 {
            i += 1;
            end = (changed[i] + 4).min(all.len());
        }
        i += 1;
        let before_a = all[..start].iter().filter(|(o, _)| *o != '+').count();
        let before_b = all[..start].iter().filter(|(o, _)| *o != '-').count();
        let len_a = all[start..end].iter().filter(|(o, _)| *o != '+').count();
        let len_b = all[start..end].iter().filter(|(o, _)| *o != '-').count();
        out.push_str(&format!(
            "@@ -{},{len_a} +{},{len_b} @@\n",
            before_a + usize::from(len_a > 0),
            before_b + usize::from(len_b > 0)
        ));
        for (op, line) in &all[start..end] {
            out.push(*op);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// The edit script between two short runs of lines.
fn lcs_ops<'l>(a: &[&'l str], b: &[&'l str]) -> Vec<(char, &'l str)> {
    // The changed region of a fixed file is small; a large one is shown as removed and added.
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        let mut ops: Vec<(char, &str)> = a.iter().map(|l| ('-', *l)).collect();
        ops.extend(b.iter().map(|l| ('+', *l)));
        return ops;
    }
    let (n, m) = (a.len(), b.len());
    let mut t = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i * (m + 1) + j] = if a[i] == b[j] {
                t[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::new();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removed_line_is_one_hunk_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\n";
        let new = "a\nb\nc\ne\nf\ng\n";
        assert_eq!(
            unified("x.yaml", old, new),
            "--- a/x.yaml\n+++ b/x.yaml\n@@ -1,7 +1,6 @@\n a\n b\n c\n-d\n e\n f\n g\n"
        );
        let new = "a\nb\nc\nD\ne\nf\ng\n";
        assert!(unified("x", old, new).contains("-d\n+D\n"));
        assert_eq!(unified("x", old, old), "--- a/x\n+++ b/x\n");
    }
}
