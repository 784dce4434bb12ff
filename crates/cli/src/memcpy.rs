//! `memcpy` for the static musl builds on x86_64 (the Linux release archives).
//!
//! A run copies many short texts: names, messages, keys of the output. musl's x86_64 `memcpy`
//! starts `rep movsq` for any length and copies the last bytes one `movsb` at a time, so that a
//! copy of a few dozen bytes costs several times glibc's: it was 37% of the first-adoption run's
//! profile, which took 1.6 times as long as the glibc build (docs/performance.md). This one
//! copies up to 128 bytes with two overlapping unaligned loads and stores of the first and last
//! bytes, and anything longer with `rep movsb`, which processors since Ivy Bridge run at full
//! speed. There is no loop, so no compiler can turn it back into a call to `memcpy`.
//!
//! Defined only where it replaces musl's, in optimised builds (`gatecheck_memcpy`, set by
//! crates/cli/build.rs, which also has the linker send every call to `memcpy`, the program's and
//! libc's own, to `__wrap_memcpy`). [`copy`] is compiled on every x86_64 target so that its
//! tests run here.

/// Copies `n` bytes from `src` to `dest`.
///
/// # Safety
/// As `memcpy`: both ranges valid for `n` bytes, not overlapping.
#[cfg(gatecheck_memcpy)]
#[no_mangle]
pub unsafe extern "C" fn __wrap_memcpy(dest: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // SAFETY: the caller's promise, passed on.
    unsafe { copy(dest, src, n) };
    dest
}

/// The copy itself (see the module).
///
/// # Safety
/// As `memcpy`: both ranges valid for `n` bytes, not overlapping.
#[inline(always)]
pub unsafe fn copy(dest: *mut u8, src: *const u8, n: usize) {
    use std::ptr::{read_unaligned as load, write_unaligned as store};
    // SAFETY (every block): each load and store lies within the first or last bytes of the
    // ranges, which are valid for `n` bytes, and the sizes are checked before each.
    unsafe {
        match n {
            0 => {}
            1..=3 => {
                let (a, b, c) = (*src, *src.add(n / 2), *src.add(n - 1));
                *dest = a;
                *dest.add(n / 2) = b;
                *dest.add(n - 1) = c;
            }
            4..=7 => {
                let (a, b) = (load(src.cast::<u32>()), load(src.add(n - 4).cast::<u32>()));
                store(dest.cast::<u32>(), a);
                store(dest.add(n - 4).cast::<u32>(), b);
            }
            8..=16 => {
                let (a, b) = (load(src.cast::<u64>()), load(src.add(n - 8).cast::<u64>()));
                store(dest.cast::<u64>(), a);
                store(dest.add(n - 8).cast::<u64>(), b);
            }
            17..=32 => {
                let (a, b) = (
                    load(src.cast::<u128>()),
                    load(src.add(n - 16).cast::<u128>()),
                );
                store(dest.cast::<u128>(), a);
                store(dest.add(n - 16).cast::<u128>(), b);
            }
            33..=64 => {
                let w = |i: usize| load(src.add(i).cast::<u128>());
                let (a, b, c, d) = (w(0), w(16), w(n - 32), w(n - 16));
                let put = |i: usize, v: u128| store(dest.add(i).cast::<u128>(), v);
                put(0, a);
                put(16, b);
                put(n - 32, c);
                put(n - 16, d);
            }
            65..=128 => {
                let w = |i: usize| load(src.add(i).cast::<u128>());
                let front = (w(0), w(16), w(32), w(48));
                let back = (w(n - 64), w(n - 48), w(n - 32), w(n - 16));
                let put = |i: usize, v: u128| store(dest.add(i).cast::<u128>(), v);
                put(0, front.0);
                put(16, front.1);
                put(32, front.2);
                put(48, front.3);
                put(n - 64, back.0);
                put(n - 48, back.1);
                put(n - 32, back.2);
                put(n - 16, back.3);
            }
            _ => std::arch::asm!(
                "rep movsb",
                inout("rcx") n => _,
                inout("rdi") dest => _,
                inout("rsi") src => _,
                options(nostack, preserves_flags)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every length up to past the `rep movsb` threshold, at every alignment of either end,
    /// copies exactly its bytes and touches nothing around them.
    #[test]
    fn copies_exactly_the_bytes_asked_for() {
        let src: Vec<u8> = (0..400u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..=300 {
            for from in 0..16 {
                for to in 0..16 {
                    let mut dest = vec![0xAAu8; 340];
                    // SAFETY: `from + n <= 316 < 400` and `to + n <= 316 < 340`; distinct vectors.
                    unsafe { super::copy(dest.as_mut_ptr().add(to), src.as_ptr().add(from), n) };
                    assert!(dest[..to].iter().all(|&b| b == 0xAA), "before, n={n}");
                    assert_eq!(&dest[to..to + n], &src[from..from + n], "n={n}");
                    assert!(dest[to + n..].iter().all(|&b| b == 0xAA), "after, n={n}");
                }
            }
        }
    }
}
