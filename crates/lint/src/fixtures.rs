//! The shipped fixtures, for the tests that lint all of them (every file under `fixtures/`
//! that is text, with its path).

pub(crate) fn all() -> Vec<(String, String)> {
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures"
    ))];
    let mut files = Vec::new();
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                files.push((p.display().to_string(), text));
            }
        }
    }
    assert!(files.len() > 100, "fixtures found: {}", files.len());
    files
}
