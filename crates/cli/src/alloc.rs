//! The allocator: mimalloc, told to give freed memory back to the system at once.
//!
//! A large run makes and frees findings, settings and YAML nodes by the hundred thousand: small
//! allocations that mimalloc serves at a fraction of the system allocator's cost (about a
//! quarter of the first-adoption run's time, docs/performance.md). Left to its defaults it keeps
//! freed memory for a second and backs its arenas with transparent huge pages, which raised the
//! peak of a 16 MiB file from 64 to 111 MiB. Without huge pages (the `no_thp` feature) and with
//! no purge delay, every peak of `scripts/bench-hostile.sh` is at or below the system
//! allocator's.

use libmimalloc_sys as sys;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` of mimalloc 3's `mi_option_e` (mimalloc.h): milliseconds before freed
/// memory is returned, 1,000 by default (src/options.c). The sys crate names only the options
/// both of mimalloc's major versions share, so the number is pinned with the crate's version.
const PURGE_DELAY: sys::mi_option_t = 15;

/// Sets the option, first thing in `main` (mimalloc reads it each time it frees).
pub fn tune() {
    // SAFETY: mimalloc's options are atomics; setting one is thread-safe and takes no pointer.
    unsafe { sys::mi_option_set(PURGE_DELAY, 0) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option number is the one mimalloc means: its default is the one mimalloc's source
    /// gives (no other test touches it), and `tune` sets it.
    #[test]
    fn the_option_is_mimallocs() {
        // SAFETY: reading an option takes no pointer.
        unsafe {
            assert_eq!(sys::mi_option_get(PURGE_DELAY), 1000);
            tune();
            assert_eq!(sys::mi_option_get(PURGE_DELAY), 0);
        }
    }
}
