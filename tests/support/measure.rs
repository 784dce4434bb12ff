//! Runs the binary and measures it: exit code, wall time and peak memory (`wait4`), with a
//! watchdog. Shared by the hostile-input and memory suites.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Ten times what a release build needs for a full 16 MiB input on one core.
pub const WATCHDOG: Duration = Duration::from_secs(60);

/// Runs the binary on `path`; its exit code, wall time and peak memory (KiB), killing it at the
/// watchdog.
pub fn run(path: &Path, format: &str) -> (Option<i32>, Duration, i64) {
    run_with(&[], path, format)
}

/// [`run`] with more arguments before the path.
pub fn run_with(args: &[&str], path: &Path, format: &str) -> (Option<i32>, Duration, i64) {
    let child = Command::new(assert_cmd::cargo::cargo_bin("gatecheck"))
        .args(["--target", "1.33", "--color", "never", "--format", format])
        .args(args)
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watchdog = {
        let done = done.clone();
        std::thread::spawn(move || {
            while start.elapsed() < WATCHDOG {
                if done.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // SAFETY: kill(2) on our own child's pid, which is not reaped until wait4 returns.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        })
    };
    let mut status = 0;
    // SAFETY: wait4(2) with valid pointers; std's Child is never waited on after this.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watchdog.join().unwrap();
    assert_eq!(rc, pid, "wait4 failed");
    std::mem::forget(child);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    (code, elapsed, usage.ru_maxrss)
}
