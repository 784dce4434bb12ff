//! The baseline for docs/performance.md: find and read every file named on the command line or
//! under a directory named there, and parse it with gatecheck's YAML reader; nothing else (no
//! ignore files, no formats, no rules, no output).
//! `cargo run --release -p gatecheck-yaml --example parse_files -- PATH...`

fn main() {
    let mut docs = 0usize;
    let mut failed = 0usize;
    let mut paths: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    while let Some(path) = paths.pop() {
        if let Ok(entries) = std::fs::read_dir(&path) {
            paths.extend(entries.flatten().map(|e| e.path()));
            continue;
        }
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
