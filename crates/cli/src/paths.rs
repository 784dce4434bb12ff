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

/// How many bytes `a` and `b` share at the start: eight at a time, then byte by byte (sorted
/// paths share most of their bytes, `clusters/c0123/manifests/...`).
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut same = 0;
    for (x, y) in a[..n].chunks_exact(8).zip(b[..n].chunks_exact(8)) {
        let differ = u64::from_ne_bytes(x.try_into().unwrap_or_default())
            ^ u64::from_ne_bytes(y.try_into().unwrap_or_default());
        if differ != 0 {
            break;
        }
        same += 8;
    }
    same + a[same..n]
        .iter()
        .zip(&b[same..n])
        .take_while(|(x, y)| x == y)
        .count()
}

/// The component-wise order of two paths (as `Path`'s `Ord`), from their bytes: the
/// separator sorts below every other byte.
pub(crate) fn by_components(a: &std::ffi::OsStr, b: &std::ffi::OsStr) -> std::cmp::Ordering {
    let key = |c: u8| if c == b'/' { 0 } else { c };
    let (a, b) = (a.as_encoded_bytes(), b.as_encoded_bytes());
    // The first byte that differs decides (the key maps no other byte to a separator's 0: a
    // path holds no NUL), else the shorter sorts first.
    let same = common_prefix(a, b);
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
            // Longer than a word: the prefix is compared eight bytes at a time first.
            "clusters/c0123/manifests/kube-apiserver.yaml",
            "clusters/c0123/manifests/kube-apiserver.yml",
            "clusters/c0123/manifests-x/a.yaml",
            "clusters/c0123-b/manifests/a.yaml",
            "clusters/c0123/manifests",
            "clusters/c01234/manifests/kube-apiserver.yaml",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut expected = paths.clone();
        expected.sort();
        paths.sort_unstable_by(|a, b| by_components(a.as_os_str(), b.as_os_str()));
        assert_eq!(paths, expected);
    }

    proptest::proptest! {
        /// Any two relative paths compare as `Path` compares them, whatever their length:
        /// paths as one walk yields them below its directory (names joined by separators).
        #[test]
        fn compared_as_paths_are(
            a in proptest::collection::vec("[ab.-]{1,7}", 1..7),
            b in proptest::collection::vec("[ab.-]{1,7}", 1..7),
        ) {
            let path = |names: Vec<String>| {
                let names: Vec<String> =
                    names.into_iter().filter(|n| n != "." && n != "..").collect();
                PathBuf::from(names.join("/"))
            };
            let (a, b) = (path(a), path(b));
            proptest::prop_assert_eq!(by_components(a.as_os_str(), b.as_os_str()), a.cmp(&b));
        }
    }
}
