//! Shapes that hold gates inside other things (templates, strings, lists, patches), one small
//! hand-written file each in fixtures/shapes/, judged at two targets against the reviewed
//! snapshot fixtures/shapes/EXPECTED.txt (`GATECHECK_UPDATE_SNAPSHOTS=1 cargo test --test
//! shapes` rewrites it). Real files of the same shapes are in fixtures/real/.

use std::path::PathBuf;

#[path = "support/snapshot.rs"]
mod snapshot;

#[test]
fn every_shape_is_judged_where_it_is_written() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/shapes");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f != "EXPECTED.txt")
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for target in ["1.29", "1.34"] {
        let v = snapshot::report(&dir, target, &files);
        assert_eq!(v["errors"], serde_json::json!([]), "at {target}");
        lines.extend(snapshot::finding_lines(target, &v));
    }
    snapshot::compare(&dir.join("EXPECTED.txt"), &(lines.join("\n") + "\n"));
}
