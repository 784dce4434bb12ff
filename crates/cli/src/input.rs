//! Reading one input: a file named or found (regular files only, bounded, UTF-8, binary and
//! encrypted files told apart), standard input once, an auxiliary file (the config, a
//! baseline), and the name every output gives it.

use crate::discover::{plain, Input};
use gatecheck_lint::InputError;
use std::io::Read;
use std::path::Path;

/// Why a file a directory search found is skipped rather than read, if it is.
pub const SKIPPED_BINARY: &str = "binary";
pub const SKIPPED_ENCRYPTED: &str = "encrypted";
pub const SKIPPED_JSON: &str = "JSON that is no Kubernetes object";

/// Whether a file found by a directory search is of no interest: binary, encrypted (git-crypt),
/// or JSON that holds no Kubernetes object or component configuration. What is skipped is
/// counted in the summary, never an error.
pub fn skipped<T: AsRef<str>>(input: &Input, read: &Result<T, InputError>) -> Option<&'static str> {
    if !input.found {
        return None;
    }
    match read {
        Err(e) if e.message.starts_with(ENCRYPTED) => Some(SKIPPED_ENCRYPTED),
        Err(e) if e.message == SKIPPED_JSON => Some(SKIPPED_JSON),
        Err(e) if e.message.starts_with(BINARY) => Some(SKIPPED_BINARY),
        Ok(src)
            if input
                .path
                .as_ref()
                .is_some_and(|p| p.extension().is_some_and(|e| e == "json")) =>
        {
            let kubernetes = [
                "\"apiVersion\"",
                "\"kubeletconfig\"",
                "\"kubeproxy.config.k8s.io\"",
            ]
            .iter()
            .any(|k| src.as_ref().contains(k))
                || src.as_ref().contains("eatureGates")
                || src.as_ref().contains("feature-gates");
            (!kubernetes).then_some(SKIPPED_JSON)
        }
        _ => None,
    }
}

const BINARY: &str = "binary file";
const ENCRYPTED: &str = "encrypted file";

/// Larger inputs are refused: real configuration files are a few kilobytes.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// [`read`], with a file a directory search found but need not read ([`skipped`]) as an error
/// that `skipped` recognises.
pub fn read_wanted(input: &Input) -> Result<String, InputError> {
    let text = read(input)?;
    match skipped(input, &Ok::<_, InputError>(text.as_str())) {
        Some(why) => Err(plain(why.to_string())),
        None => Ok(text),
    }
}

/// A path as every output names it: its text where it is UTF-8, and each byte that is not
/// written `\xNN`, so two names that differ stay different (a lossy conversion would make both
/// `?`), as ripgrep's JSON does.
pub fn name_of(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        // A name that needs no escape is written as it is; one that does escapes its
        // backslashes too, so that no name can spell another's escape.
        match std::str::from_utf8(bytes) {
            Ok(s) if !s.contains('\\') => return s.to_string(),
            _ => {}
        }
        let mut out = String::new();
        for chunk in bytes.utf8_chunks() {
            out.push_str(&chunk.valid().replace('\\', "\\\\"));
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// Reads an input that is not a configuration to check (`.gatecheck.yaml`, a `--baseline`
/// report): a regular file only (a FIFO, device or `/proc` entry is refused, never waited on),
/// at most `limit` bytes, UTF-8. The error names the file and what it is.
pub fn read_aux(path: &Path, limit: u64, what: &str) -> Result<String, String> {
    let fail = |e: String| format!("{}: {what}: {e}", path.display());
    let bytes = read_bounded(path, limit).map_err(|e| fail(e.reason))?;
    String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".into()))
}

/// Why [`read_bounded`] read nothing.
pub struct Unread {
    /// There is no such file (or a part of its path is no directory).
    pub missing: bool,
    pub reason: String,
}

/// The bytes of a regular file of at most `limit` bytes, opened without blocking (a FIFO with
/// no writer would block in open) and then asked what it is: a FIFO, socket or device is
/// refused, never read.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, Unread> {
    let other = |reason: String| Unread {
        missing: false,
        reason,
    };
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
    let file = open.open(path).map_err(|e| Unread {
        missing: matches!(
            e.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
        ),
        reason: e.to_string(),
    })?;
    let meta = file.metadata().map_err(|e| other(e.to_string()))?;
    if !meta.is_file() {
        return Err(other("not a regular file".into()));
    }
    let too_large = || {
        other(format!(
            "larger than {} KiB, the most gatecheck reads",
            limit >> 10
        ))
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    let bytes = read_regular(file, meta.len(), limit).map_err(|e| other(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The bytes of a regular file, at most `limit + 1` (so that a larger one is told), given the
/// length `len` it had when asked. Sized from that length: one read instead of a growing
/// buffer, and where it returns exactly `len` bytes into room for one more, the file is read (a
/// regular file's read stops short only at its end), so the read that would find the end is
/// not made. Otherwise (it grew, shrank or stopped short) the rest is read to the end.
fn read_regular(file: std::fs::File, len: u64, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut file = file.take(limit + 1);
    let mut bytes = Vec::new();
    if len <= limit {
        bytes.resize(len as usize + 1, 0);
        let n = loop {
            match file.read(&mut bytes) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                read => break read?,
            }
        };
        bytes.truncate(n);
        if n as u64 == len {
            return Ok(bytes);
        }
    }
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads a file as text, refusing binary, huge and non-UTF-8 input with a position.
pub fn read(input: &Input) -> Result<String, InputError> {
    let bytes = match &input.path {
        // Standard input is read once, however often the run asks (a dump piped in is first
        // asked what version the cluster runs, then linted).
        None => {
            static STDIN: std::sync::OnceLock<Result<Vec<u8>, String>> = std::sync::OnceLock::new();
            let read = STDIN.get_or_init(|| {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .take(MAX_FILE_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map(|_| bytes)
                    .map_err(|e| e.to_string())
            });
            let bytes = read
                .as_ref()
                .map_err(|e| plain(format!("cannot read standard input: {e}")))?;
            crate::alloc::reading(bytes.len());
            bytes.clone()
        }
        Some(p) => {
            // Only regular files are read: a FIFO or device named *.yaml would block or never
            // end. Opened without blocking (a FIFO with no writer would block in open), then
            // asked what it is.
            let mut open = std::fs::OpenOptions::new();
            open.read(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NONBLOCK);
            let file = open
                .open(p)
                .map_err(|e| plain(format!("cannot read file: {e}")))?;
            let meta = file
                .metadata()
                .map_err(|e| plain(format!("cannot read file: {e}")))?;
            if !meta.is_file() {
                return Err(plain(
                    "not a regular file (a FIFO, socket or device); not read".into(),
                ));
            }
            crate::alloc::reading(usize::try_from(meta.len()).unwrap_or(usize::MAX));
            read_regular(file, meta.len(), MAX_FILE_BYTES)
                .map_err(|e| plain(format!("cannot read file: {e}")))?
        }
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(plain(format!(
            "file is larger than {} MiB; not a configuration file",
            MAX_FILE_BYTES >> 20
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InputError {
            message: "file is empty".into(),
            line: Some(1),
            column: Some(1),
        });
    }
    if bytes.starts_with(b"\0GITCRYPT") {
        return Err(positioned(
            "encrypted file (git-crypt): its gates cannot be read",
            &bytes,
            0,
        ));
    }
    if let Some(at) = memchr::memchr(0, &bytes) {
        return Err(positioned("binary file (contains a NUL byte)", &bytes, at));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        positioned("file is not valid UTF-8", e.as_bytes(), at)
    })
}

/// An input error at byte `at` of `bytes`, with its 1-based line and column.
fn positioned(message: &str, bytes: &[u8], at: usize) -> InputError {
    let before = &bytes[..at];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let column = at
        - before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1)
        + 1;
    InputError {
        message: message.into(),
        line: Some(line),
        column: Some(column),
    }
}

#[cfg(test)]
mod tests {
    use super::read_regular;

    /// A file is read whole whatever length it was said to have: the one read that returns
    /// the said length ends it, and any other reads on to the end (a file that grew, shrank or
    /// was said wrong), never past `limit + 1` bytes.
    #[test]
    fn a_file_is_read_whole_whatever_its_said_length() {
        let path = std::env::temp_dir().join(format!("gatecheck-read-{}", std::process::id()));
        let text: Vec<u8> = (0..5000u32).map(|i| b'a' + (i % 26) as u8).collect();
        std::fs::write(&path, &text).unwrap();
        let read = |len: u64, limit: u64| {
            read_regular(std::fs::File::open(&path).unwrap(), len, limit).unwrap()
        };
        for len in [0, 1, 4999, 5000, 5001, 9000] {
            assert_eq!(read(len, 1 << 20), text, "said length {len}");
        }
        // A larger file than the limit is told by one byte more, however long it was said to be.
        for len in [10, 5000] {
            assert_eq!(read(len, 100), &text[..101], "said length {len}");
        }
        std::fs::write(&path, b"").unwrap();
        assert_eq!(read(0, 100), b"");
        assert_eq!(read(7, 100), b"");
        std::fs::remove_file(&path).unwrap();
    }
}
