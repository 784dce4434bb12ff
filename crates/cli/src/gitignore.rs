//! `--gitignore`: what git would leave out of a directory search. gatecheck reads every file
//! involved itself, through the bounded reader of auxiliary inputs ([`read_bounded`]: regular
//! files only, opened without blocking, at most [`MAX_IGNORE_BYTES`]): each directory's
//! `.gitignore`, the repository's `.git/info/exclude` (through a worktree's `.git` file and
//! `commondir`), git's global excludes file (`core.excludesFile` in git's global or system
//! config, else `$XDG_CONFIG_HOME/git/ignore`) and the git config files that name it. The
//! `ignore` crate compiles and matches the patterns, with the precedence its walker gives them:
//! the nearest `.gitignore` that matches (the searched directory's, then the directories above
//! it), else the nearest `info/exclude`, else the global file.
//!
//! A file that cannot be read within those bounds (a FIFO, a device, a huge file) is reported
//! with the reason, and what it governs is not searched: the directory that holds it, the whole
//! search for one above the searched directory or for the global file.

use crate::input::read_bounded;
use crate::parallel::locked;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The most an ignore file or a git config file holds, in bytes.
pub const MAX_IGNORE_BYTES: u64 = 1 << 20;

/// An ignore file (or git config file) that could not be read within the bounds, and why.
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

/// The patterns read from one directory: its `.gitignore`, and its repository's
/// `info/exclude` when it holds a `.git`.
#[derive(Default)]
struct DirRules {
    gitignore: Option<Gitignore>,
    exclude: Option<Gitignore>,
}

/// The rules of one directory search.
pub struct Rules {
    /// The searched directory, as given.
    root: PathBuf,
    /// The searched directory resolved, and the rules of the directories above it, nearest
    /// first.
    above: Option<(PathBuf, Vec<DirRules>)>,
    global: Arc<Option<Gitignore>>,
    /// Each directory's rules, read when the search reaches it.
    dirs: Mutex<HashMap<PathBuf, Arc<DirRules>>>,
    /// Patterns that are no globs, and lines that are not UTF-8, as the walker reports them.
    pub errors: Mutex<Vec<ignore::Error>>,
}

/// Git's global excludes file, compiled: read once per run, for every search.
pub fn global() -> Result<Arc<Option<Gitignore>>, Unreadable> {
    let Some(path) = global_excludes_path()? else {
        return Ok(Arc::new(None));
    };
    let Ok(cwd) = std::env::current_dir() else {
        return Ok(Arc::new(None));
    };
    let (gi, _) = compile(&cwd, &path)?;
    Ok(Arc::new(gi))
}

impl Rules {
    /// The rules for searching `root`: the directories above it are read now.
    pub fn new(root: &Path, global: Arc<Option<Gitignore>>) -> Result<Rules, Unreadable> {
        let mut errors = Vec::new();
        let above = match std::fs::canonicalize(root) {
            Ok(abs) => {
                let mut rules = Vec::new();
                for dir in abs.ancestors().skip(1) {
                    let (r, errs) = dir_rules(dir)?;
                    errors.extend(errs);
                    rules.push(r);
                }
                Some((abs, rules))
            }
            Err(_) => None,
        };
        Ok(Rules {
            root: root.to_path_buf(),
            above,
            global,
            dirs: Mutex::default(),
            errors: Mutex::new(errors),
        })
    }

    /// Reads the rules of `dir`, a directory the search is about to enter (or the searched
    /// directory itself).
    pub fn enter(&self, dir: &Path) -> Result<(), Unreadable> {
        self.rules_of(dir).map(|_| ())
    }

    fn rules_of(&self, dir: &Path) -> Result<Arc<DirRules>, Unreadable> {
        let lock = || locked(&self.dirs);
        if let Some(r) = lock().get(dir) {
            return Ok(r.clone());
        }
        let (rules, errs) = dir_rules(dir)?;
        locked(&self.errors).extend(errs);
        Ok(lock()
            .entry(dir.to_path_buf())
            .or_insert_with(|| Arc::new(rules))
            .clone())
    }

    /// Whether git ignores `path`, found by the search: the nearest `.gitignore` with a
    /// matching pattern decides, else the nearest `info/exclude`, else the global file.
    pub fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        let mut gitignore = ignore::Match::None;
        let mut exclude = ignore::Match::None;
        let mut look = |rules: &DirRules, path: &Path| {
            if gitignore.is_none() {
                if let Some(gi) = &rules.gitignore {
                    gitignore = gi.matched(path, is_dir).map(|_| ());
                }
            }
            if exclude.is_none() {
                if let Some(gi) = &rules.exclude {
                    exclude = gi.matched(path, is_dir).map(|_| ());
                }
            }
        };
        // Matched without a leading `./`, as the walker's own matching does.
        let bare = path.strip_prefix(".").unwrap_or(path);
        for dir in path.ancestors().skip(1) {
            if let Ok(rules) = self.rules_of(dir) {
                look(&rules, bare);
            }
            if dir == self.root || dir.as_os_str().is_empty() {
                break;
            }
        }
        if let Some((abs, above)) = &self.above {
            let below = if self.root == Path::new(".") {
                bare
            } else {
                let root = self.root.strip_prefix(".").unwrap_or(&self.root);
                bare.strip_prefix(root).unwrap_or(bare)
            };
            let path = abs.join(below);
            for rules in above {
                look(rules, &path);
            }
        }
        let global = match &*self.global {
            Some(gi) => gi.matched(bare, is_dir).map(|_| ()),
            None => ignore::Match::None,
        };
        gitignore.or(exclude).or(global).is_ignore()
    }
}

/// A directory's `.gitignore`, and its repository's `info/exclude` when it holds a `.git`.
fn dir_rules(dir: &Path) -> Result<(DirRules, Vec<ignore::Error>), Unreadable> {
    let (gitignore, mut errors) = compile(dir, &dir.join(".gitignore"))?;
    let exclude = match git_common_dir(dir)? {
        Some(common) => {
            let (gi, errs) = compile(dir, &common.join("info/exclude"))?;
            errors.extend(errs);
            gi
        }
        None => None,
    };
    Ok((DirRules { gitignore, exclude }, errors))
}

/// The file's bytes, or `None` when there is no such file.
fn read(path: &Path) -> Result<Option<Vec<u8>>, Unreadable> {
    match read_bounded(path, MAX_IGNORE_BYTES) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.missing => Ok(None),
        Err(e) => Err(Unreadable {
            path: path.to_path_buf(),
            reason: e.reason,
        }),
    }
}

/// The patterns of the ignore file at `file`, matched from `root`; `None` when there is no such
/// file. A line that is no pattern (or not UTF-8) is left out and reported.
fn compile(
    root: &Path,
    file: &Path,
) -> Result<(Option<Gitignore>, Vec<ignore::Error>), Unreadable> {
    let Some(bytes) = read(file)? else {
        return Ok((None, Vec::new()));
    };
    let mut builder = GitignoreBuilder::new(root);
    let mut errors = Vec::new();
    let tagged = |err: ignore::Error, line: usize| ignore::Error::WithPath {
        path: file.to_path_buf(),
        err: Box::new(ignore::Error::WithLineNumber {
            line: line as u64,
            err: Box::new(err),
        }),
    };
    for (i, line) in lines(&bytes).enumerate() {
        let Ok(line) = std::str::from_utf8(line) else {
            let invalid = std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            );
            errors.push(tagged(ignore::Error::Io(invalid), i + 1));
            continue;
        };
        // Git reads a .gitignore that begins with a byte order mark without it.
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if let Err(e) = builder.add_line(Some(file.to_path_buf()), line) {
            errors.push(tagged(e, i + 1));
        }
    }
    match builder.build() {
        Ok(gi) => Ok((Some(gi), errors)),
        Err(e) => {
            errors.push(e);
            Ok((None, errors))
        }
    }
}

/// The lines of a file, without their `\n` or `\r\n`.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let none = bytes.is_empty();
    body.split(|b| *b == b'\n')
        .filter(move |_| !none)
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// The repository directory whose `info/exclude` applies to `dir`, when `dir` holds a `.git`:
/// the directory itself, or for a worktree (a `.git` file) the `gitdir` it names and that
/// one's `commondir`.
fn git_common_dir(dir: &Path) -> Result<Option<PathBuf>, Unreadable> {
    let dot_git = dir.join(".git");
    let Ok(meta) = std::fs::metadata(&dot_git) else {
        return Ok(None);
    };
    if !meta.is_file() {
        return Ok(Some(dot_git));
    }
    let first_line = |path: &Path| -> Result<Option<String>, Unreadable> {
        Ok(read(path)?.and_then(|bytes| {
            lines(&bytes)
                .next()
                .and_then(|l| std::str::from_utf8(l).ok())
                .map(str::to_string)
        }))
    };
    let Some(gitdir) = first_line(&dot_git)? else {
        return Ok(None);
    };
    let Some(real) = gitdir.strip_prefix("gitdir: ").map(PathBuf::from) else {
        return Ok(None);
    };
    let Some(common) = first_line(&real.join("commondir"))? else {
        return Ok(None);
    };
    Ok(Some(if common.starts_with('.') {
        real.join(common)
    } else {
        PathBuf::from(common)
    }))
}

/// Where git's global excludes file is: `core.excludesFile` in the global config
/// (`$GIT_CONFIG_GLOBAL`, else `~/.gitconfig`, then `$XDG_CONFIG_HOME/git/config`), then in the
/// system config (`$GIT_CONFIG_SYSTEM`, else `/etc/gitconfig`), else
/// `$XDG_CONFIG_HOME/git/ignore` (`~/.config/git/ignore`).
fn global_excludes_path() -> Result<Option<PathBuf>, Unreadable> {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let xdg = env("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".config")));
    let mut configs: Vec<PathBuf> = Vec::new();
    match env("GIT_CONFIG_GLOBAL") {
        Some(global) => configs.push(global.into()),
        None => {
            configs.extend(home().map(|h| h.join(".gitconfig")));
            configs.extend(xdg.as_ref().map(|x| x.join("git/config")));
        }
    }
    configs.push(env("GIT_CONFIG_SYSTEM").map_or_else(|| "/etc/gitconfig".into(), PathBuf::from));
    for config in configs {
        // `GIT_CONFIG_GLOBAL=/dev/null` is how git is told there is no such config.
        if config == Path::new("/dev/null") {
            continue;
        }
        if let Some(path) = read(&config)?.and_then(|text| excludes_file(&text)) {
            return Ok(Some(path));
        }
    }
    Ok(xdg.map(|x| x.join("git/ignore")))
}

/// The first `excludesfile = PATH` line of a git config (any section, any case), `~/`
/// expanded.
fn excludes_file(config: &[u8]) -> Option<PathBuf> {
    lines(config).find_map(|line| {
        let line = std::str::from_utf8(line).ok()?.trim_ascii();
        let key = line.get(..12)?;
        if !key.eq_ignore_ascii_case("excludesfile") {
            return None;
        }
        let value = line[12..]
            .trim_ascii_start()
            .strip_prefix('=')?
            .trim_ascii();
        let value = value.strip_prefix('"').unwrap_or(value).trim_ascii_start();
        let value = match value.strip_suffix('"') {
            Some(v) if !v.is_empty() => v.trim_ascii_end(),
            _ => value,
        };
        if value.is_empty() || value.contains(|c: char| c.is_ascii_whitespace()) {
            return None;
        }
        Some(PathBuf::from(expand_tilde(value)))
    })
}

#[allow(deprecated)]
fn home() -> Option<PathBuf> {
    std::env::home_dir()
}

/// A leading `~/` (or a lone `~`) as the home directory, as git does.
fn expand_tilde(path: &str) -> String {
    let Some(rest) = path.strip_prefix('~') else {
        return path.to_string();
    };
    if !rest.is_empty() && !rest.starts_with(std::path::is_separator) {
        return path.to_string();
    }
    match home() {
        Some(h) => format!("{}{rest}", h.to_string_lossy()),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_file_lines() {
        let read = |s: &str| excludes_file(s.as_bytes());
        assert_eq!(
            read("[core]\n\texcludesFile = /a/ignore\n"),
            Some(PathBuf::from("/a/ignore"))
        );
        assert_eq!(
            read("[core]\n  ExcludesFile=\"/b\"  \r\n"),
            Some(PathBuf::from("/b"))
        );
        assert_eq!(read("[core]\n  excludesfile = a b\n"), None);
        assert_eq!(read("[core]\n  editor = vi\n"), None);
    }

    #[test]
    fn lines_without_their_ends() {
        let all: Vec<&[u8]> = lines(b"a\r\nb\n\nc").collect();
        assert_eq!(all, [&b"a"[..], b"b", b"", b"c"]);
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"x\n").count(), 1);
    }
}
