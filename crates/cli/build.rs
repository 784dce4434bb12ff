//! On x86_64 musl (the Linux release archives), every call to `memcpy`, the program's and musl's
//! own, is sent to the program's copy (`__wrap_memcpy`, crates/cli/src/memcpy.rs): musl's is
//! slow for short copies. Only in optimised builds, where the copy's fixed-size loads are
//! instructions and never calls to `memcpy` themselves. Elsewhere this does nothing.

fn main() {
    println!("cargo:rerun-if-changed=crates/cli/build.rs");
    println!("cargo::rustc-check-cfg=cfg(gatecheck_memcpy)");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("CARGO_CFG_TARGET_ARCH") == "x86_64"
        && var("CARGO_CFG_TARGET_ENV") == "musl"
        && var("OPT_LEVEL") != "0"
    {
        println!("cargo:rustc-cfg=gatecheck_memcpy");
        println!("cargo:rustc-link-arg-bins=-Wl,--wrap=memcpy");
    }
}
