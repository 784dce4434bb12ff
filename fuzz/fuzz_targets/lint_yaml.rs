#![no_main]
//! Any text as a YAML configuration file.

use gatecheck_lint::Options;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    for target in common::targets() {
        common::check(src, &Options::new(target));
    }
});
