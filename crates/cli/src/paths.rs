//! Paths as gatecheck names and orders them: without a leading `./`, absolute without
//! following symlinks, and sorted component by component.

use std::path::{Path, PathBuf};

/// `path` without the `./` it may start with (`./charts/x.yaml` is `charts/x.yaml`): how every
/// output format names a file, and what globs and accepted findings are matched against.
pub fn clean(path: &Path) -> PathBuf {
    #[cfg(unix)]
    if let Some(plain) = plain_below(path) {
        return plain.to_path_buf();
    }
    let clean: PathBuf = path
        .components()
        .skip_while(|c| matches!(c, std::path::Component::CurDir))
        .collect();
    if clean.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        clean
    }
}

/// A path that is only its leading `./`s away from clean (what a walk of `.` finds): the rest,
/// when it has no empty or `.` component and does not end in a separator, is what
/// [`clean`]'s components give, without taking it apart.
#[cfg(unix)]
fn plain_below(path: &Path) -> Option<&Path> {
    use std::os::unix::ffi::OsStrExt;
    let mut rest = path.as_os_str().as_bytes();
    while let Some(r) = rest.strip_prefix(b"./") {
        rest = r;
    }
    let odd = rest.is_empty()
        || rest == b"."
        || rest.starts_with(b"./")
        || rest.ends_with(b"/")
        || rest.ends_with(b"/.")
        || memchr::memmem::find(rest, b"//").is_some()
        || memchr::memmem::find(rest, b"/./").is_some();
    (!odd).then(|| Path::new(std::ffi::OsStr::from_bytes(rest)))
}

/// `path` as an absolute path, worked out from the working directory without following
/// symlinks (`a/../b` is `b`; a symlinked directory keeps its name).
pub fn absolute(path: &Path) -> Option<PathBuf> {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    Some(out)
}

/// The component-wise order of two paths (as `Path`'s `Ord`), from their bytes: the
/// separator sorts below every other byte.
pub(crate) fn by_components(a: &std::ffi::OsStr, b: &std::ffi::OsStr) -> std::cmp::Ordering {
    let key = |c: u8| if c == b'/' { 0 } else { c };
    let (a, b) = (a.as_encoded_bytes(), b.as_encoded_bytes());
    // The first byte that differs decides (the key maps no other byte to a separator's 0: a
    // path holds no NUL), else the shorter sorts first.
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match (a.get(same), b.get(same)) {
        (Some(&x), Some(&y)) => key(x).cmp(&key(y)),
        _ => a.len().cmp(&b.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn clean_and_absolute_paths() {
        assert_eq!(clean(Path::new("./a/./b.yaml")), Path::new("a/b.yaml"));
        assert_eq!(clean(Path::new("././a")), Path::new("a"));
        assert_eq!(clean(Path::new(".")), Path::new("."));
        assert_eq!(clean(Path::new("../a")), Path::new("../a"));
        // What the fast path takes, and what it leaves to the components.
        for (path, cleaned) in [
            ("./a/b.yaml", "a/b.yaml"),
            ("a/b.yaml", "a/b.yaml"),
            ("./.hidden/x", ".hidden/x"),
            ("/abs/x", "/abs/x"),
            ("./a//b", "a/b"),
            ("./a/./b", "a/b"),
            ("a/b/", "a/b"),
            ("a/b/.", "a/b"),
            ("./", "."),
            (".", "."),
            ("./.", "."),
            ("//a", "/a"),
            ("./../a", "../a"),
        ] {
            assert_eq!(clean(Path::new(path)), Path::new(cleaned), "{path}");
            let slow: PathBuf = Path::new(path)
                .components()
                .skip_while(|c| matches!(c, std::path::Component::CurDir))
                .collect();
            assert_eq!(
                clean(Path::new(path)).as_os_str(),
                if slow.as_os_str().is_empty() {
                    Path::new(".").as_os_str()
                } else {
                    slow.as_os_str()
                },
                "{path}"
            );
        }
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(absolute(Path::new("./x/../y")).unwrap(), cwd.join("y"));
        assert_eq!(
            absolute(Path::new("/a/./b/../c")).unwrap(),
            Path::new("/a/c")
        );
    }

    /// The cheap order is the component-wise order of paths.
    #[test]
    fn sorted_as_paths_are() {
        let mut paths: Vec<PathBuf> = [
            "a-c/x.yaml",
            "a/b.yaml",
            "a/b/c.yaml",
            "a.yaml",
            "a/a b.yaml",
            "ab/z.yaml",
            "a/B.yaml",
            "a",
            "a/b",
            "a/b/c",
            "a-b",
            "a.b/c",
            "a/b.yaml/c",
            "b",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut expected = paths.clone();
        expected.sort();
        paths.sort_unstable_by(|a, b| by_components(a.as_os_str(), b.as_os_str()));
        assert_eq!(paths, expected);
    }
}
