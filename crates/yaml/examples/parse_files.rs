//! The baseline for docs/performance.md: read and parse every file named on the command line
//! with gatecheck's YAML reader, and nothing else (no formats, no rules, no output).
//! `cargo run --release -p gatecheck-yaml --example parse_files -- FILE...`

fn main() {
    let mut docs = 0usize;
    let mut failed = 0usize;
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            failed += 1;
            continue;
        };
        match gatecheck_yaml::parse(&text) {
            Ok(d) => docs += d.len(),
            Err(_) => failed += 1,
        }
    }
    eprintln!("{docs} documents, {failed} files not parsed");
}
