//! Peak memory of whole runs, in a test binary of its own: a child's peak counts the pages of the
//! test process it shares until exec, and here no other test makes that process grow.
#![cfg(target_os = "linux")]

use std::path::PathBuf;

#[path = "support/measure.rs"]
mod measure;
use measure::run;

/// Memory does not grow with the number of findings: ten times the files (and findings) in one
/// run cost no more than 4 MiB more at the peak, in every output format. Each file is written
/// to the report as soon as it and the files before it are done; a run that holds every finding
/// until the end takes about 0.5 KiB more per finding, over 20 MiB more here.
#[test]
fn peak_memory_does_not_grow_with_findings() {
    let root: PathBuf =
        std::env::temp_dir().join(format!("gatecheck-many-findings-{}", std::process::id()));
    let line = format!(
        "KUBELET_EXTRA_ARGS=--feature-gates={}\n",
        (0..100)
            .map(|i| format!("Gate{i}=true"))
            .collect::<Vec<_>>()
            .join(",")
    );
    for (dir, files) in [("few", 40), ("many", 400), ("none", 0)] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
        for i in 0..files {
            std::fs::write(root.join(dir).join(format!("f{i}.env")), &line).unwrap();
        }
    }
    let mut failures = Vec::new();
    // The formats that keep something until the end (markdown its capped table), and the two
    // most used.
    for format in ["human", "json", "markdown", "junit"] {
        let (few_code, _, few) = run(&root.join("few"), format);
        let (many_code, _, many) = run(&root.join("many"), format);
        // A child's peak counts the test process's pages it shares until exec: a run that reads
        // nothing shows where that floor is.
        let (_, _, floor) = run(&root.join("none"), format);
        eprintln!(
            "{format}: 4,000 findings {} MiB, 40,000 findings {} MiB, floor {} MiB",
            few >> 10,
            many >> 10,
            floor >> 10
        );
        assert_eq!((few_code, many_code), (Some(1), Some(1)), "{format}");
        if many > few.max(floor) + 4 * 1024 {
            failures.push(format!(
                "{format}: {} MiB for ten times the findings, against {} MiB",
                many >> 10,
                few.max(floor) >> 10
            ));
        }
    }
    std::fs::remove_dir_all(&root).ok();
    assert!(failures.is_empty(), "{failures:#?}");
}
