//! Which files a run reads: the paths named on the command line, and the configuration files
//! found by searching directories (in parallel: `crate::walk`), less what `--exclude`
//! (globs, with `globset`) and, with `--gitignore`, what git ignores (`crate::gitignore`) leave
//! out. The list is sorted, so the report's order does not depend on which thread found what.

use crate::gitignore::{Rules, Unreadable};
use crate::input::name_of;
use crate::parallel::locked;
use crate::paths::by_components;
pub use crate::paths::{absolute, clean};
use gatecheck_lint::InputError;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One input: a file, or standard input.
pub struct Input {
    pub name: String,
    pub path: Option<PathBuf>,
    /// Found by a directory search, not named: a file of no interest is skipped, not an error.
    pub found: bool,
}

/// `--exclude` globs (and the config's `exclude`). A relative glob is matched against the path
/// relative to the directory being searched (searching `.` with `charts/*` leaves out
/// `./charts/x.yaml`), against the path as given, and against the file or directory name; an
/// absolute glob (the config's excludes are made so, anchored at the config's directory: see
/// `config::load`) against the absolute path. `*` also matches `/`; `**`, `?`, `[abc]` and
/// `{a,b}` work as in gitignore-style globs. Matching is linear in the path: globset compiles
/// the globs into one automaton per kind.
pub struct Excludes {
    relative: globset::GlobSet,
    absolute: globset::GlobSet,
}

impl Excludes {
    pub fn new(globs: &[String]) -> Result<Excludes, String> {
        let mut relative = globset::GlobSetBuilder::new();
        let mut absolute = globset::GlobSetBuilder::new();
        for g in globs {
            // Paths are matched without their `./`, so globs are too.
            let mut bare = g.as_str();
            while let Some(rest) = bare.strip_prefix("./") {
                bare = rest;
            }
            let glob = globset::Glob::new(bare).map_err(|e| format!("exclude glob {g:?}: {e}"))?;
            if Path::new(g).is_absolute() || g.starts_with('/') {
                absolute.add(glob);
            } else {
                relative.add(glob);
            }
        }
        let build =
            |set: globset::GlobSetBuilder| set.build().map_err(|e| format!("exclude globs: {e}"));
        Ok(Excludes {
            relative: build(relative)?,
            absolute: build(absolute)?,
        })
    }

    /// Whether `path`, found under `root` (the directory searched, or the working directory for
    /// a path named on the command line), is left out. `root_abs` is `root` as an absolute path,
    /// asked only when there are absolute globs.
    pub fn matches_under(
        &self,
        path: &Path,
        root: &Path,
        root_abs: &dyn Fn() -> Option<PathBuf>,
    ) -> bool {
        if self.relative.is_empty() && self.absolute.is_empty() {
            return false;
        }
        let below = path.strip_prefix(root).map(clean).ok();
        let as_given = clean(path);
        if !self.relative.is_empty()
            && (self.relative.is_match(&as_given)
                || below.as_ref().is_some_and(|b| self.relative.is_match(b))
                || path.file_name().is_some_and(|n| self.relative.is_match(n)))
        {
            return true;
        }
        if self.absolute.is_empty() {
            return false;
        }
        let abs = match (&below, root_abs()) {
            (Some(b), Some(r)) => Some(r.join(b)),
            _ => absolute(path),
        };
        abs.is_some_and(|a| self.absolute.is_match(a))
    }

    /// Whether `path`, named on the command line, is left out: its path as given and its name
    /// (relative to the working directory), or its absolute path, lexical or resolved.
    pub fn matches(&self, path: &Path) -> bool {
        self.matches_under(path, Path::new(""), &|| None)
            || (!self.absolute.is_empty()
                && std::fs::canonicalize(path).is_ok_and(|c| self.absolute.is_match(c)))
    }
}

/// Files a directory search picks up: YAML and JSON, the usual names of flag files and systemd
/// units, and the templates and HCL files that configurations are written in.
fn wanted(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some(
            "yaml"
                | "yml"
                | "json"
                | "conf"
                | "env"
                | "service"
                | "j2"
                | "jinja"
                | "jinja2"
                | "tpl"
                | "tftpl"
                | "tmpl"
                | "tf"
                | "hcl"
        )
    )
}

pub(crate) fn plain(message: String) -> InputError {
    InputError {
        message,
        line: None,
        column: None,
    }
}

/// The path and message of a line of an ignore file that gatecheck could not read: the file
/// (the outermost path), and what is wrong with the line (the innermost error).
fn pattern_error(e: &ignore::Error) -> (Option<PathBuf>, String) {
    match e {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), pattern_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            pattern_error(err)
        }
        ignore::Error::Io(io) => (None, io.to_string()),
        other => (None, other.to_string()),
    }
}

/// Keeps the first path (in sorted order) to each file: a directory reached both directly and
/// through a symlink (`current -> v2`) is reported once, under the name that sorts first.
fn once_each(found: &mut Vec<PathBuf>) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mut seen = std::collections::HashSet::new();
        found.retain(|p| match std::fs::metadata(p) {
            Ok(m) => seen.insert((m.dev(), m.ino())),
            // Not readable: kept, so that reading it reports why.
            Err(_) => true,
        });
    }
    #[cfg(not(unix))]
    let _ = found;
}

/// A line of an ignore file that could not be read, as an input error of the file it is in.
fn pattern_error_entry(e: &ignore::Error, dir: &Path) -> (String, InputError) {
    let (path, message) = pattern_error(e);
    unread(&path.unwrap_or_else(|| dir.to_path_buf()), &message)
}

/// A directory or file that could not be read, as an input error named by its path.
fn unread(path: &Path, why: &dyn std::fmt::Display) -> (String, InputError) {
    let what = if path.is_dir() {
        "cannot read directory"
    } else {
        "cannot read file"
    };
    (name_of(&clean(path)), plain(format!("{what}: {why}")))
}

/// Searches `dir` on every core (`crate::walk`): hidden directories are entered
/// (`.clusters/`), `.git` is not, symlinks are followed (a loop is entered once), excluded paths
/// are pruned, and with `gitignore` (git's global excludes, read once per run) what git ignores
/// is left out (see [`crate::gitignore`]): entering a directory reads its ignore files, and one
/// that cannot be read keeps the directory out.
fn walk(
    dir: &Path,
    excludes: &Excludes,
    gitignore: Option<&Arc<Option<ignore::gitignore::Gitignore>>>,
) -> (Vec<PathBuf>, Vec<(String, InputError)>) {
    let rules = match gitignore
        .map(|global| {
            let rules = Rules::new(dir, global.clone())?;
            rules.enter(dir)?;
            Ok(rules)
        })
        .transpose()
    {
        Ok(rules) => rules,
        Err(u) => return (Vec::new(), unreadable_errors(vec![u])),
    };
    let unreadable = Mutex::new(Vec::new());
    // The searched directory as an absolute path, for absolute globs: resolved once, then each
    // entry is that joined with its path below the directory.
    let root_abs = std::sync::OnceLock::new();
    let keep = |path: &Path, is_dir: bool| {
        if let Some(rules) = &rules {
            if rules.ignored(path, is_dir) {
                return false;
            }
            if is_dir {
                if let Err(u) = rules.enter(path) {
                    locked(&unreadable).push(u);
                    return false;
                }
            }
        }
        path.file_name() != Some(std::ffi::OsStr::new(".git"))
            && !excludes.matches_under(path, dir, &|| {
                root_abs
                    .get_or_init(|| std::fs::canonicalize(dir).ok().or_else(|| absolute(dir)))
                    .clone()
            })
    };
    let choice = crate::walk::Choice {
        keep: &keep,
        wanted: &|name| wanted(Path::new(name)),
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(12));
    let found = crate::walk::search(dir, threads, &choice);
    let mut files = found.files;
    // Component by component, as a depth-first walk of sorted directories would list them:
    // the bytes compared with the separator below every other byte give that order, at a
    // fraction of the cost of `Path`'s component-wise comparison.
    files.sort_unstable_by(|a, b| by_components(a.as_os_str(), b.as_os_str()));
    // Each directory is listed once, unless a symlink led to it again.
    if found.linked {
        files.dedup();
        once_each(&mut files);
    }
    let mut errors: Vec<(String, InputError)> = found
        .errors
        .into_iter()
        .filter_map(|(path, e)| search_error(path, &e, rules.as_ref()))
        .collect();
    if let Some(rules) = &rules {
        let patterns = std::mem::take(&mut *locked(&rules.errors));
        errors.extend(patterns.iter().map(|e| pattern_error_entry(e, dir)));
    }
    errors.extend(unreadable_errors(
        unreadable.into_inner().unwrap_or_else(|p| p.into_inner()),
    ));
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    (files, errors)
}

/// An entry a search could not read, as an input error, unless it is not worth reporting: one
/// that git ignores (with `--gitignore`), or a broken symlink whose name is not one gatecheck
/// reads.
fn search_error(
    path: PathBuf,
    e: &std::io::Error,
    rules: Option<&Rules>,
) -> Option<(String, InputError)> {
    if rules.is_some_and(|r| r.ignored(&path, false))
        || (e.kind() == std::io::ErrorKind::NotFound && !wanted(&path))
    {
        return None;
    }
    Some(unread(&path, e))
}

/// The ignore files that could not be read, as input errors: what they govern was not
/// searched.
fn unreadable_errors(unreadable: Vec<Unreadable>) -> Vec<(String, InputError)> {
    unreadable
        .into_iter()
        .map(|u| {
            (
                name_of(&clean(&u.path)),
                plain(format!("{}: the directory was not searched", u.reason)),
            )
        })
        .collect()
}

/// The inputs named by `paths` (`-` is standard input), in order, each directory's files in
/// sorted order; and what could not be searched.
pub fn inputs(
    paths: &[PathBuf],
    excludes: Excludes,
    gitignore: bool,
) -> (Vec<Input>, Vec<(String, InputError)>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    // Git's global excludes file, read once for every directory searched; when it cannot be
    // read, no directory is.
    let mut global = None;
    if gitignore && paths.iter().any(|p| p.as_os_str() != "-" && p.is_dir()) {
        match crate::gitignore::global() {
            Ok(g) => global = Some(g),
            Err(u) => errors.push((
                name_of(&clean(&u.path)),
                plain(format!(
                    "{}: git's global excludes file; no directory was searched",
                    u.reason
                )),
            )),
        }
    }
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.push(Input {
                name: "<stdin>".into(),
                path: None,
                found: false,
            });
        } else if p.is_dir() {
            if gitignore && global.is_none() {
                continue;
            }
            let (found, errs) = walk(p, &excludes, global.as_ref());
            inputs.extend(found.into_iter().map(|path| {
                let path = clean(&path);
                Input {
                    name: name_of(&path),
                    path: Some(path),
                    found: true,
                }
            }));
            errors.extend(errs);
        } else if !excludes.matches(p) {
            // Named on the command line: read even when git ignores it.
            let path = clean(p);
            inputs.push(Input {
                name: name_of(&path),
                path: Some(path),
                found: false,
            });
        }
    }
    (inputs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excludes_match_the_path_or_the_name() {
        let ex = Excludes::new(&[
            "*-test.yaml".into(),
            "charts/**".into(),
            "*.{tmpl,j2}".into(),
        ])
        .unwrap();
        assert!(ex.matches(Path::new("a/b/kubelet-test.yaml")));
        assert!(ex.matches(Path::new("charts/x/values.yaml")));
        assert!(ex.matches(Path::new("deep/kubelet.yaml.j2")));
        assert!(!ex.matches(Path::new("a/kubelet.yaml")));
        assert!(Excludes::new(&["[".into()]).is_err());
        assert!(!Excludes::new(&[]).unwrap().matches(Path::new("x.yaml")));
    }

    #[test]
    #[cfg(unix)]
    fn excludes_are_relative_to_the_searched_directory() {
        let ex = Excludes::new(&["charts/*".into(), "./b/*".into(), "/abs/c/*".into()]).unwrap();
        let none = || None;
        let abs = || Some(PathBuf::from("/abs"));
        assert!(ex.matches_under(Path::new("./charts/x.yaml"), Path::new("."), &none));
        assert!(ex.matches_under(Path::new("repo/charts/x.yaml"), Path::new("repo"), &none));
        assert!(ex.matches_under(Path::new("./b/x.yaml"), Path::new("./"), &none));
        assert!(!ex.matches_under(Path::new("./a/x.yaml"), Path::new("."), &none));
        // An absolute glob: the searched directory's absolute path joined with the rest.
        assert!(ex.matches_under(Path::new("./c/x.yaml"), Path::new("."), &abs));
        assert!(!ex.matches_under(Path::new("./d/c/x.yaml"), Path::new("."), &abs));
        assert!(ex.matches(Path::new("./charts/x.yaml")));
    }
}
