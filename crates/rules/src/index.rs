//! The index of the embedded gates by registry and name.

use crate::model::{Gate, Registry};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// Every gate by registry and name, built at the first look-up: a setting's gate is found with
/// one hash of its name, not a binary search of string comparisons.
static INDEX: LazyLock<HashMap<(Registry, &'static str), &'static Gate, BuildHasherDefault<Fx>>> =
    LazyLock::new(|| {
        crate::generated::GATES
            .iter()
            .map(|g| ((g.registry, g.name), g))
            .collect()
    });

/// The gate of that name in `registry`.
pub(crate) fn gate(registry: Registry, name: &str) -> Option<&'static Gate> {
    INDEX.get(&(registry, name)).copied()
}

/// A multiply-rotate hash of eight bytes at a time (the Fx hash of rustc): a gate name is a few
/// dozen bytes, hashed in a few steps rather than with SipHash's rounds, and the table is built
/// from the embedded data, not from input.
#[derive(Default)]
struct Fx(u64);

impl Fx {
    const K: u64 = 0xf135_7aea_2e62_a9c5;

    fn add(&mut self, word: u64) {
        self.0 = (self.0 ^ word).wrapping_mul(Self::K).rotate_left(26);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("eight bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 59));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
