//! The output of the subcommands that print a text (`explain`, `list`, `diff`, `completions`):
//! collected, then written once, so that a write that fails is one error and exit 2.

use crate::parallel::locked;
use std::io::Write;
use std::sync::Mutex;

static OUT: Mutex<String> = Mutex::new(String::new());

/// One line of output.
pub fn line(text: String) {
    let mut out = locked(&OUT);
    out.push_str(&text);
    out.push('\n');
}

/// Writes what was collected; exit 2 if it cannot be written, else `code`.
pub fn flush(code: u8) -> u8 {
    let out = std::mem::take(&mut *locked(&OUT));
    if out.is_empty() {
        return code;
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => code,
        // A reader that stopped early (`| head`) is no error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            say!("error: cannot write the output: {e}");
            2
        }
    }
}
