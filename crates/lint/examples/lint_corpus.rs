//! The linter's own cost, without the file system or any output: every file under a directory
//! is read into memory first, then linted at 1.33 and parsed alone, `ROUNDS` times each (default
//! 3), on one thread. For profiles of reading and judging (docs/performance.md).
//! `cargo run --release -p gatecheck-lint --example lint_corpus -- DIR [ROUNDS]`

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: lint_corpus DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(3).max(1);
    let mut paths = vec![std::path::PathBuf::from(dir)];
    let mut files = Vec::new();
    while let Some(p) = paths.pop() {
        if let Ok(entries) = std::fs::read_dir(&p) {
            paths.extend(entries.flatten().map(|e| e.path()));
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            files.push((p.display().to_string(), text));
        }
    }
    let options = gatecheck_lint::Options::new(gatecheck_rules::Version::new(1, 33));
    let started = std::time::Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        for (name, src) in &files {
            findings +=
                gatecheck_lint::lint_source(name, src, &options).map_or(0, |r| r.findings.len());
        }
    }
    let lint = started.elapsed() / rounds;
    let started = std::time::Instant::now();
    let mut documents = 0;
    for _ in 0..rounds {
        for (_, src) in &files {
            documents += gatecheck_yaml::parse(src).map_or(0, |d| d.len());
        }
    }
    let parse = started.elapsed() / rounds;
    eprintln!(
        "{} files: lint {lint:?} a round ({} findings), parse alone {parse:?} ({} documents)",
        files.len(),
        findings / rounds as usize,
        documents / rounds as usize
    );
}
