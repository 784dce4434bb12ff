//! `gatecheck-import [--check] [--root DIR]`: regenerates gates.yaml and the rules crate's
//! embedded data. With `--check`, writes nothing and exits 1 if either file is out of date.

use gatecheck_import::{import, repo_root, GATES_YAML, GENERATED_RS};
use std::path::PathBuf;
use std::process::ExitCode;

mod release;
mod transcribe;

fn main() -> ExitCode {
    let mut check = false;
    let mut root = repo_root();
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("transcribe") {
        args.next();
        return transcribe::run(args.collect());
    }
    if args.peek().map(String::as_str) == Some("add-release") {
        args.next();
        return release::add_release(args.collect(), &root);
    }
    if args.peek().map(String::as_str) == Some("compare") {
        return release::compare(&root);
    }
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--root" => match args.next() {
                Some(dir) => root = PathBuf::from(dir),
                None => return usage("--root needs a directory"),
            },
            "-h" | "--help" => {
                println!("usage: gatecheck-import [--check] [--root DIR]\n       gatecheck-import transcribe --git DIR --commit SHA --repo OWNER/NAME [--version 1.N.P [--dev WHAT]]\n       gatecheck-import add-release vX.Y.Z[-pre] [--from-file DUMP.json]\n       gatecheck-import compare\n\nRegenerates {GATES_YAML} and {GENERATED_RS} from data/upstream/ and data/overrides.yaml.\n--check  write nothing; exit 1 if either file is out of date\ntranscribe  print the gate registry a vendored Kubernetes release holds (a data/upstream/registries/ file)\nadd-release  dump a release's gates from Kubernetes' own modules (tools/registry-dump/pin.sh), write its registry, regenerate, list the overrides it settles (docs/releasing-data.md)\ncompare  list every disagreement between a dumped release and a transcription of it");
                return ExitCode::SUCCESS;
            }
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    let out = match import(&root) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("gatecheck-import: {e}");
            return ExitCode::from(2);
        }
    };
    let stale = out.write(&root, check);
    let core = out
        .records
        .iter()
        .filter(|r| r.registry == gatecheck_rules::Registry::Kubernetes)
        .count();
    eprintln!(
        "gatecheck-import: {core} core gates, {} kubeadm gates",
        out.records.len() - core
    );
    if stale {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("gatecheck-import: {msg}\nusage: gatecheck-import [--check] [--root DIR]");
    ExitCode::from(2)
}
