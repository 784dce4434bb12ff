//! A directory search on every core: the files below a directory, symlinks followed (a
//! symlink that leads back to a directory it is in is not entered), with the caller deciding
//! which entries are kept and descended into. Entries come from `getdents64` with their type
//! (`crate::dirents`), so a search costs one `openat`, `close` and two `getdents64` per
//! directory and a `stat` per symlink only; workers take directories from one shared stack and
//! keep what they find to themselves until the end, and the calling thread starts the others
//! only once the search proves big enough for them.

use crate::dirents::Kind;
use crate::parallel::locked;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock};

/// What a search found: the files kept, the entries that could not be read (a directory that
/// cannot be listed, a broken symlink), and whether a symlink to a directory was followed (then
/// a directory may have been reached twice).
#[derive(Default)]
pub(crate) struct Found {
    pub(crate) files: Vec<PathBuf>,
    pub(crate) errors: Vec<(PathBuf, std::io::Error)>,
    pub(crate) linked: bool,
    /// How many workers searched (this thread and those it started).
    pub(crate) workers: usize,
}

/// What the caller decides of an entry below the root: `keep(path, is_dir)` (a directory kept
/// is searched), and `wanted(name)` of a file's name, asked first.
pub(crate) struct Choice<'a> {
    pub(crate) keep: &'a (dyn Fn(&Path, bool) -> bool + Sync),
    pub(crate) wanted: &'a (dyn Fn(&OsStr) -> bool + Sync),
}

/// A directory to search, with the directories it is in (for telling a symlink loop).
struct Dir {
    path: PathBuf,
    above: Option<Arc<Above>>,
}

/// One of the directories a searched directory is in, its device and inode told at the first
/// symlink that needs them.
struct Above {
    path: PathBuf,
    id: OnceLock<Option<Identity>>,
    up: Option<Arc<Above>>,
}

/// The directories waiting, how many workers are searching one (and may add more) and how many
/// wait for either to change: only then is a change told (a wake-up is a system call, and one
/// per directory was a tenth of the search on two cores).
struct Shared {
    waiting: Mutex<Queue>,
    changed: Condvar,
}

struct Queue {
    dirs: Vec<Dir>,
    searching: usize,
    idle: usize,
}

/// The files below `root` that `choice` keeps, on up to `threads` workers (this thread alone
/// for one, or for a search of a few directories).
pub(crate) fn search(root: &Path, threads: usize, choice: &Choice<'_>) -> Found {
    let mut found = Found {
        linked: std::fs::symlink_metadata(root).is_ok_and(|m| m.file_type().is_symlink()),
        workers: 1,
        ..Found::default()
    };
    let shared = Shared {
        waiting: Mutex::new(Queue {
            dirs: vec![Dir {
                path: root.to_path_buf(),
                above: None,
            }],
            searching: 0,
            idle: 0,
        }),
        changed: Condvar::new(),
    };
    if threads <= 1 {
        work(&shared, choice, &mut found, &mut |_, _| true);
        return found;
    }
    let parts: Vec<Found> = std::thread::scope(|scope| {
        // This thread searches first, and starts the others once the search proves big enough
        // to pay for them: a directory named on the command line with a few files in it is
        // searched without starting a thread (`gatecheck clusters/*/`).
        let mut workers = Vec::new();
        let mut spread = |waiting: usize, listed: usize| {
            if waiting < SPREAD_WAITING && listed < SPREAD_LISTED {
                return false;
            }
            workers.extend((1..threads).map(|_| {
                scope.spawn(|| {
                    let mut mine = Found::default();
                    work(&shared, choice, &mut mine, &mut |_, _| true);
                    mine
                })
            }));
            true
        };
        work(&shared, choice, &mut found, &mut spread);
        // A worker that panicked passes its panic on: the files it had found are not lost
        // without a word.
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    found.workers += parts.len();
    for part in parts {
        found.files.extend(part.files);
        found.errors.extend(part.errors);
        found.linked |= part.linked;
    }
    found
}

/// The other workers start when this many directories wait to be searched, or once the first
/// has listed this many: starting a thread costs about what listing twenty directories does
/// (docs/performance.md), so a search of a handful of directories is left to one.
const SPREAD_WAITING: usize = 8;
const SPREAD_LISTED: usize = 32;

/// A directory a worker is searching: when done with it, even by a panic, the directories found
/// in it join the waiting ones and the other workers stop waiting for it.
struct Searching<'s> {
    shared: &'s Shared,
    below: Vec<Dir>,
}

impl Drop for Searching<'_> {
    fn drop(&mut self) {
        let mut waiting = locked(&self.shared.waiting);
        waiting.dirs.append(&mut self.below);
        waiting.searching -= 1;
        if waiting.idle > 0 {
            self.shared.changed.notify_all();
        }
    }
}

/// One worker: takes a waiting directory, searches it, and adds the directories found to the
/// waiting ones, until none waits and no worker is searching. Before each directory it tells
/// `spread` how many wait and how many it has listed, until `spread` says it is done.
fn work(
    shared: &Shared,
    choice: &Choice<'_>,
    found: &mut Found,
    spread: &mut dyn FnMut(usize, usize) -> bool,
) {
    let mut spread_done = false;
    let mut listed = 0;
    loop {
        let (dir, waiting_now) = {
            let mut waiting = locked(&shared.waiting);
            loop {
                if let Some(dir) = waiting.dirs.pop() {
                    waiting.searching += 1;
                    break (dir, waiting.dirs.len());
                }
                if waiting.searching == 0 {
                    if waiting.idle > 0 {
                        shared.changed.notify_all();
                    }
                    return;
                }
                waiting.idle += 1;
                waiting = shared
                    .changed
                    .wait(waiting)
                    .unwrap_or_else(|p| p.into_inner());
                waiting.idle -= 1;
            }
        };
        if !spread_done {
            spread_done = spread(waiting_now, listed);
        }
        let mut searching = Searching {
            shared,
            below: Vec::new(),
        };
        list(dir, choice, found, &mut searching.below);
        listed += 1;
    }
}

/// Searches one directory: its files kept go to `found`, its directories kept to `below`.
fn list(dir: Dir, choice: &Choice<'_>, found: &mut Found, below: &mut Vec<Dir>) {
    let mut above: Option<Arc<Above>> = None;
    let listed = crate::dirents::list(&dir.path, |name, kind| {
        // A file of a name not wanted is passed by without a path made for it.
        if kind == Kind::Other && !(choice.wanted)(name) {
            return;
        }
        let path = dir.path.join(name);
        // Where the directory does not say what an entry is, the entry itself does.
        let kind = match kind {
            Kind::Unknown => match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => Kind::Symlink,
                Ok(m) if m.is_dir() => Kind::Dir,
                Ok(_) => Kind::Other,
                Err(e) => return found.errors.push((path, e)),
            },
            kind => kind,
        };
        let (is_dir, linked) = match kind {
            Kind::Symlink => match std::fs::metadata(&path) {
                Ok(m) => (m.is_dir(), Some(m)),
                Err(e) => return found.errors.push((path, e)),
            },
            kind => (kind == Kind::Dir, None),
        };
        if !is_dir {
            if (choice.wanted)(name) && (choice.keep)(&path, false) {
                found.files.push(path);
            }
            return;
        }
        if !(choice.keep)(&path, true) {
            return;
        }
        let above = above.get_or_insert_with(|| {
            Arc::new(Above {
                path: dir.path.clone(),
                id: OnceLock::new(),
                up: dir.above.clone(),
            })
        });
        if let Some(m) = linked {
            found.linked = true;
            if leads_up(&path, &m, above) {
                return;
            }
        }
        below.push(Dir {
            path,
            above: Some(above.clone()),
        });
    });
    if let Err(e) = listed {
        found.errors.push((dir.path, e));
    }
}

/// Whether the directory a symlink at `path` leads to (`target`, its metadata) is one of
/// those it is in.
fn leads_up(path: &Path, target: &std::fs::Metadata, above: &Arc<Above>) -> bool {
    let Some(target) = identity(path, Some(target)) else {
        return false;
    };
    let mut at = Some(above);
    while let Some(a) = at {
        if a.id.get_or_init(|| identity(&a.path, None)).as_ref() == Some(&target) {
            return true;
        }
        at = a.up.as_ref();
    }
    false
}

/// What tells a directory apart from every other: its device and inode.
#[cfg(unix)]
type Identity = (u64, u64);

#[cfg(unix)]
fn identity(path: &Path, known: Option<&std::fs::Metadata>) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    let m = match known {
        Some(m) => m.clone(),
        None => std::fs::metadata(path).ok()?,
    };
    Some((m.dev(), m.ino()))
}

/// What tells a directory apart from every other: its canonical path.
#[cfg(not(unix))]
type Identity = PathBuf;

#[cfg(not(unix))]
fn identity(path: &Path, _: Option<&std::fs::Metadata>) -> Option<Identity> {
    std::fs::canonicalize(path).ok()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// One worker or several find the same files; a symlink back up the tree is not entered,
    /// one to a sibling is (its files found under both names), a broken one is an error, and
    /// what `keep` leaves out is neither listed nor entered.
    #[test]
    fn searches_alike_on_any_number_of_workers() {
        let root = std::env::temp_dir().join(format!("gatecheck-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in ["a/b/c", "d", "skip/e"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for file in [
            "a/x.yaml",
            "a/b/y.yaml",
            "a/b/c/z.yaml",
            "d/w.yaml",
            "d/no.txt",
            "skip/e/s.yaml",
        ] {
            std::fs::write(root.join(file), "").unwrap();
        }
        std::os::unix::fs::symlink("../..", root.join("a/b/up")).unwrap();
        std::os::unix::fs::symlink("../d", root.join("a/side")).unwrap();
        std::os::unix::fs::symlink("gone.yaml", root.join("d/broken.yaml")).unwrap();
        search_the_tree(&root, &[]);
        // A wide tree: enough directories wait that the other workers start.
        let wide: Vec<String> = (0..40).map(|i| format!("wide/{i}/f.yaml")).collect();
        for file in &wide {
            std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            std::fs::write(root.join(file), "").unwrap();
        }
        search_the_tree(&root, &wide);
        std::fs::remove_dir_all(&root).unwrap();
    }

    /// Searches the tree at `root` on one, two and five workers: the files of the small tree
    /// and `more` are found, and the other workers start only when `more` widens the tree.
    fn search_the_tree(root: &Path, more: &[String]) {
        let keep = |p: &Path, _: bool| p.file_name() != Some(OsStr::new("skip"));
        let wanted = |n: &OsStr| Path::new(n).extension() == Some(OsStr::new("yaml"));
        let choice = Choice {
            keep: &keep,
            wanted: &wanted,
        };
        let below = |p: &PathBuf| p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
        let mut want: Vec<String> = [
            "a/b/c/z.yaml",
            "a/b/y.yaml",
            "a/side/w.yaml",
            "a/x.yaml",
            "d/w.yaml",
        ]
        .map(String::from)
        .into();
        want.extend_from_slice(more);
        want.sort();
        for threads in [1, 2, 5] {
            let found = search(root, threads, &choice);
            let mut files: Vec<String> = found.files.iter().map(below).collect();
            files.sort();
            assert_eq!(files, want, "{threads} workers");
            let errors: Vec<String> = found.errors.iter().map(|(p, _)| below(p)).collect();
            let mut errors = errors;
            errors.sort();
            assert_eq!(errors, ["a/side/broken.yaml", "d/broken.yaml"]);
            assert!(found.linked);
            let started = if more.is_empty() { 1 } else { threads };
            assert_eq!(found.workers, started, "{threads} workers");
        }
    }
}
