//! The allocator: mimalloc, told to give freed memory back to the system soon, and at once
//! while a large input is read.
//!
//! A large run makes and frees findings, settings and YAML nodes by the hundred thousand: small
//! allocations that mimalloc serves at a fraction of the system allocator's cost (about a
//! quarter of the first-adoption run's time, docs/performance.md). Left to its defaults it keeps
//! freed memory for a second and backs its arenas with transparent huge pages, which raised the
//! peak of a 16 MiB file from 64 to 111 MiB. Without huge pages (the `no_thp` feature) and with
//! no purge delay, every peak of `scripts/bench-hostile.sh` is at or below the system
//! allocator's.
//!
//! No delay at all has a cost where files are many and small: a page of small blocks that one
//! file empties is given back and faulted in again by the next, file after file (over the 10,000
//! configurations of the first-adoption corpus, 15,800 page faults instead of 2,800 in one
//! build's SARIF run, 12% of its time, depending on where the blocks fall). So a run that has
//! read [`SMALL_INPUTS`] inputs, none of them large, gives memory back [`PURGE_AFTER`]
//! milliseconds after it is freed, which the next file's reuse beats; a run that reads an input
//! of [`LARGE_INPUT`] bytes or more gives it back at once from then on ([`reading`]), as every
//! run did before, so that a large input's peak stays where it was.

use libmimalloc_sys as sys;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc 3's `mi_option_e` (mimalloc.h): milliseconds before freed
/// memory is returned, 1,000 by default (src/options.c). The sys crate names only the options
/// both of mimalloc's major versions share, so the number is pinned with the crate's version.
const PURGE_DELAY: sys::mi_option_t = 15;

/// Milliseconds before freed memory is given back, once a run has read many small inputs.
const PURGE_AFTER: std::ffi::c_long = 10;

/// Inputs of this many bytes or more are large.
pub const LARGE_INPUT: usize = 1 << 20;

/// How many small inputs a run reads before memory is given back after [`PURGE_AFTER`].
pub const SMALL_INPUTS: usize = 64;

/// Sets the option, first thing in `main` (mimalloc reads it each time it frees).
pub fn tune() {
    set_purge_delay(0);
}

fn set_purge_delay(ms: std::ffi::c_long) {
    // SAFETY: mimalloc's options are atomics; setting one is thread-safe and takes no pointer.
    unsafe { sys::mi_option_set(PURGE_DELAY, ms) }
}

/// Says that an input of `len` bytes is about to be read: the [`SMALL_INPUTS`]th small one
/// turns the delay on (unless a large one came first), a large one turns it off for the rest
/// of the run, first giving back what waits for the delay.
pub fn reading(len: usize) {
    static RUN: Inputs = Inputs::new();
    RUN.reading(len, &|ms| {
        if ms == 0 {
            // SAFETY: takes no pointer; gives back the freed memory waiting for its delay
            // (before the delay is set to none: mimalloc purges nothing it scheduled after).
            unsafe { sys::mi_collect(true) }
        }
        set_purge_delay(ms);
    });
}

/// The inputs a run has read, as far as the delay goes.
struct Inputs {
    small: std::sync::atomic::AtomicUsize,
    /// Whether a large input has been read, under the lock that changes the delay.
    large: std::sync::Mutex<bool>,
}

impl Inputs {
    const fn new() -> Inputs {
        Inputs {
            small: std::sync::atomic::AtomicUsize::new(0),
            large: std::sync::Mutex::new(false),
        }
    }

    /// [`reading`], with `set` setting the delay.
    fn reading(&self, len: usize, set: &dyn Fn(std::ffi::c_long)) {
        if len >= LARGE_INPUT {
            let mut large = crate::parallel::locked(&self.large);
            if !*large {
                *large = true;
                set(0);
            }
            return;
        }
        // Counted only up to the switch: past it, the count is read and never written again, so
        // the workers do not pass its cache line back and forth for every file.
        if self.small.load(std::sync::atomic::Ordering::Relaxed) >= SMALL_INPUTS {
            return;
        }
        let small = self
            .small
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        if small == SMALL_INPUTS {
            let large = crate::parallel::locked(&self.large);
            if !*large {
                set(PURGE_AFTER);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option number is the one mimalloc means: its default is the one mimalloc's source
    /// gives (no other test touches it), and `tune` sets it to none.
    #[test]
    fn the_option_is_mimallocs() {
        // SAFETY: reading an option takes no pointer.
        unsafe {
            assert_eq!(sys::mi_option_get(PURGE_DELAY), 1000);
            tune();
            assert_eq!(sys::mi_option_get(PURGE_DELAY), 0);
        }
    }

    /// Many small inputs turn the delay on; a large one turns it off for good, and one that
    /// comes first keeps it off.
    #[test]
    fn small_inputs_delay_and_a_large_one_does_not() {
        let set = std::cell::Cell::new(None);
        let record = |ms| set.set(Some(ms));
        let run = Inputs::new();
        for _ in 1..SMALL_INPUTS {
            run.reading(LARGE_INPUT - 1, &record);
        }
        assert_eq!(set.take(), None);
        run.reading(100, &record);
        assert_eq!(set.take(), Some(PURGE_AFTER));
        run.reading(100, &record);
        assert_eq!(set.take(), None);
        run.reading(LARGE_INPUT, &record);
        assert_eq!(set.take(), Some(0));
        run.reading(16 << 20, &record);
        assert_eq!(set.take(), None);
        let first = Inputs::new();
        first.reading(LARGE_INPUT, &record);
        assert_eq!(set.take(), Some(0));
        for _ in 0..2 * SMALL_INPUTS {
            first.reading(10, &record);
        }
        assert_eq!(set.take(), None);
    }
}
