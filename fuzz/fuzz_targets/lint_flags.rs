#![no_main]
//! Any text as a flags file (systemd drop-in, /etc/default/kubelet, a list of flags).

use gatecheck_lint::Options;
use gatecheck_rules::Component;
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    for target in common::targets() {
        let mut options = Options::new(target);
        options.flags_file = true;
        options.component = Some(Component::Kubelet);
        common::check(src, &options);
    }
});
