//! A directory's entries with their types, as the directory search needs them: on Linux straight
//! from `getdents64`, so a directory costs its `open`, its reads and its `close`. (The C
//! library's `opendir`, under `std::fs::read_dir`, also asks `fstat` of every directory, which
//! on a machine whose system calls are dear is a sixth of the search: docs/performance.md.)

use std::ffi::OsStr;
use std::path::Path;

/// What an entry is, as the directory says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Dir,
    Symlink,
    /// A regular file, FIFO, socket or device.
    Other,
    /// The file system does not say: ask the entry itself.
    Unknown,
}

/// Calls `each` with the name and kind of every entry of the directory at `path` but `.` and
/// `..`, in the directory's order. An error opening or reading it ends the listing.
#[cfg(target_os = "linux")]
pub(crate) fn list(path: &Path, mut each: impl FnMut(&OsStr, Kind)) -> std::io::Result<()> {
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    // SAFETY: `name` is a NUL-terminated string that outlives the call.
    let fd = unsafe {
        libc::open(
            name.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC | libc::O_NOCTTY,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned here alone (closed when dropped).
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    // The C library's own buffer size: most directories are read in one call and its end in
    // a second.
    // Not zeroed: the kernel writes what is read (zeroing 32 KiB per directory cost more
    // instructions than the rest of the search).
    #[repr(C, align(8))]
    struct Buf([std::mem::MaybeUninit<u8>; 32 * 1024]);
    let mut buf = Buf([std::mem::MaybeUninit::uninit(); 32 * 1024]);
    loop {
        // SAFETY: the kernel writes at most `buf.0.len()` bytes into `buf`, which it borrows
        // mutably for the call only.
        let n = unsafe {
            libc::syscall(
                libc::SYS_getdents64,
                fd.as_raw_fd(),
                buf.0.as_mut_ptr(),
                buf.0.len(),
            )
        };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if n == 0 {
            return Ok(());
        }
        // SAFETY: the kernel wrote the first `n` bytes (`n` is at most the buffer's length).
        let read = unsafe { std::slice::from_raw_parts(buf.0.as_ptr().cast::<u8>(), n as usize) };
        records(read, &mut each);
    }
}

/// The records `getdents64` wrote (`struct linux_dirent64`: inode 8 bytes, offset 8, length 2,
/// type 1, then the NUL-terminated name), each handed to `each` but `.` and `..`.
#[cfg(target_os = "linux")]
fn records(mut bytes: &[u8], each: &mut impl FnMut(&OsStr, Kind)) {
    use std::os::unix::ffi::OsStrExt;
    const NAME: usize = 19;
    while bytes.len() > NAME {
        let len = usize::from(u16::from_ne_bytes([bytes[16], bytes[17]])).min(bytes.len());
        if len <= NAME {
            return;
        }
        let field = &bytes[NAME..len];
        let name = &field[..memchr::memchr(0, field).unwrap_or(field.len())];
        if name != b"." && name != b".." {
            let kind = match bytes[18] {
                libc::DT_DIR => Kind::Dir,
                libc::DT_LNK => Kind::Symlink,
                libc::DT_UNKNOWN => Kind::Unknown,
                _ => Kind::Other,
            };
            each(OsStr::from_bytes(name), kind);
        }
        bytes = &bytes[len..];
    }
}

/// Elsewhere, through the standard library, whose entries know their type.
#[cfg(not(target_os = "linux"))]
pub(crate) fn list(path: &Path, mut each: impl FnMut(&OsStr, Kind)) -> std::io::Result<()> {
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let kind = match entry.file_type() {
            Ok(t) if t.is_symlink() => Kind::Symlink,
            Ok(t) if t.is_dir() => Kind::Dir,
            Ok(_) => Kind::Other,
            Err(_) => Kind::Unknown,
        };
        each(&entry.file_name(), kind);
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A `linux_dirent64` record as the kernel lays it out, padded to eight bytes.
    #[cfg(target_os = "linux")]
    fn record(name: &str, kind: u8) -> Vec<u8> {
        let len = (19 + name.len() + 1).next_multiple_of(8);
        let mut r = vec![0u8; len];
        r[16..18].copy_from_slice(&(len as u16).to_ne_bytes());
        r[18] = kind;
        r[19..19 + name.len()].copy_from_slice(name.as_bytes());
        r
    }

    /// Records are read by their lengths and types (an entry of unknown type is asked about,
    /// not taken for a file); `.` and `..` are left out; a record cut short ends the reading.
    #[cfg(target_os = "linux")]
    #[test]
    fn records_are_read_by_their_length_and_type() {
        let mut bytes = Vec::new();
        for (name, kind) in [
            (".", libc::DT_DIR),
            ("..", libc::DT_DIR),
            ("kubelet.yaml", libc::DT_REG),
            ("manifests", libc::DT_DIR),
            ("link", libc::DT_LNK),
            ("odd", libc::DT_UNKNOWN),
            ("fifo", libc::DT_FIFO),
        ] {
            bytes.extend(record(name, kind));
        }
        bytes.extend(&record("cut", libc::DT_REG)[..12]);
        let mut got = Vec::new();
        records(&bytes, &mut |name: &OsStr, kind| {
            got.push((name.to_string_lossy().into_owned(), kind))
        });
        let want = [
            ("kubelet.yaml", Kind::Other),
            ("manifests", Kind::Dir),
            ("link", Kind::Symlink),
            ("odd", Kind::Unknown),
            ("fifo", Kind::Other),
        ];
        assert_eq!(got, want.map(|(n, k)| (n.to_string(), k)));
        // A length that runs past the bytes read is cut to them, never read beyond.
        let mut long = record("x.yaml", libc::DT_REG);
        long[16..18].copy_from_slice(&500u16.to_ne_bytes());
        let mut n = 0;
        records(&long, &mut |_: &OsStr, _| n += 1);
        assert_eq!(n, 1);
    }

    proptest::proptest! {
        /// Whatever the bytes, reading them ends without a panic.
        #[cfg(target_os = "linux")]
        #[test]
        fn any_bytes_are_read_without_a_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            records(&bytes, &mut |_: &OsStr, _| {});
        }
    }

    /// Every entry is listed once with its kind, `.` and `..` never, whatever the names' lengths
    /// (records are padded to eight bytes) and however many calls the directory takes.
    #[test]
    fn lists_every_entry_with_its_kind() {
        let root = std::env::temp_dir().join(format!("gatecheck-dirents-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("sub")).unwrap();
        let mut want = vec![("sub".to_string(), Kind::Dir)];
        // Enough long names that the listing takes more than one read of 32 KiB.
        for i in 0..600 {
            let name = format!("{i}-{}.yaml", "n".repeat(i % 70));
            std::fs::write(root.join(&name), "").unwrap();
            want.push((name, Kind::Other));
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("sub", root.join("link")).unwrap();
            want.push(("link".to_string(), Kind::Symlink));
        }
        let mut got = Vec::new();
        list(&root, |name, kind| {
            got.push((name.to_string_lossy().into_owned(), kind))
        })
        .unwrap();
        got.sort();
        want.sort();
        assert_eq!(got, want);
        let missing = list(&root.join("gone"), |_, _| panic!("listed")).unwrap_err();
        assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
        let file = list(&root.join("0-.yaml"), |_, _| panic!("listed")).unwrap_err();
        assert_eq!(file.raw_os_error(), Some(libc::ENOTDIR));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
