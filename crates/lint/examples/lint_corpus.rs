fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let rounds: usize = std::env::args().nth(2).map_or(3, |r| r.parse().unwrap());
    let mut paths = vec![std::path::PathBuf::from(dir)];
    let mut files = Vec::new();
    while let Some(p) = paths.pop() {
        if let Ok(rd) = std::fs::read_dir(&p) {
            paths.extend(rd.flatten().map(|e| e.path()));
        } else if let Ok(t) = std::fs::read_to_string(&p) {
            files.push((p.display().to_string(), t));
        }
    }
    let options = gatecheck_lint::Options::new("1.33".parse().unwrap());
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for (name, src) in &files {
            n += gatecheck_lint::lint_source(name, src, &options).map_or(0, |r| r.findings.len());
        }
    }
    eprintln!("{n} findings, {:?} per round", t.elapsed() / rounds as u32);
    let t = std::time::Instant::now();
    for _ in 0..rounds {
        for (_, src) in &files {
            n += gatecheck_yaml::parse(src).map_or(0, |d| d.len());
        }
    }
    eprintln!("parse only {:?} per round", t.elapsed() / rounds as u32);
}
