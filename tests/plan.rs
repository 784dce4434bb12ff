//! An upgrade's report reads as a plan: with --from, human output lists every finding as a
//! checklist item under its step, then its component; the upgrade notes name only gates the
//! files set (locks, deprecations, removals) and the defaults that flip for their components;
//! `diff --only-affecting` takes directories.

use assert_cmd::Command;
use serde_json::Value;

fn gatecheck(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("gatecheck")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_human_report_of_an_upgrade_is_a_checklist_by_step_and_component() {
    let out = gatecheck(&["--from", "1.30", "--target", "1.33", "fixtures/upgrade/"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Upgrade plan 1.30 → 1.33: 5 errors, 4 warnings, 3 notices"),
        "{text}"
    );
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s:?} missing:\n{text}"))
    };
    // Steps in order; inside each, components in order; each finding once, at its step.
    assert!(at("\nupgrading to 1.31\n") < at("\nupgrading to 1.32\n"));
    assert!(at("\nupgrading to 1.32\n") < at("\nupgrading to 1.33\n"));
    let step_1_31 = &text[at("\nupgrading to 1.31\n")..at("\nupgrading to 1.32\n")];
    assert!(step_1_31.find("  kube-apiserver\n") < step_1_31.find("  kubelet\n"));
    assert!(step_1_31.contains(
        "    [ ] fixtures/upgrade/kubeadm-1.30.yaml:16:3 error GC004: kubelet fails with `cannot set feature gate AppArmor to false, feature is locked to true`\n        → delete this setting"
    ), "{step_1_31}");
    // No source excerpts: one item, two lines, per finding.
    assert!(!text.contains("╭─["), "{text}");
}

#[test]
fn upgrade_notes_name_the_gates_the_files_set_and_the_defaults_that_flip() {
    let out = gatecheck(&[
        "--from",
        "1.30",
        "--target",
        "1.33",
        "--format",
        "json",
        "fixtures/upgrade/",
    ]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let set = [
        "ValidatingAdmissionPolicy",
        "CloudDualStackNodeIPs",
        "SidecarContainers",
        "AppArmor",
    ];
    let mut flips = 0;
    for step in v["upgrade"]["steps"].as_array().unwrap() {
        for list in ["locked", "deprecated", "removed"] {
            for gate in step[list].as_array().unwrap() {
                assert!(
                    set.contains(&gate.as_str().unwrap()),
                    "{list}: {gate} is not set"
                );
            }
        }
        flips += step["default_on"].as_array().unwrap().len();
    }
    assert!(flips > 0, "defaults that flip are still listed");
    // Every gate the file sets that goes away is named at its step.
    let removed: Vec<&str> = v["upgrade"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["removed"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_str().unwrap())
        })
        .collect();
    for gate in [
        "ValidatingAdmissionPolicy",
        "CloudDualStackNodeIPs",
        "AppArmor",
    ] {
        assert!(removed.contains(&gate), "{gate}: {removed:?}");
    }
}

#[test]
fn diff_only_affecting_takes_directories() {
    let file = gatecheck(&[
        "diff",
        "1.30",
        "1.33",
        "--only-affecting",
        "fixtures/upgrade/kubeadm-1.30.yaml",
    ]);
    let dir = gatecheck(&[
        "diff",
        "1.30",
        "1.33",
        "--only-affecting",
        "fixtures/upgrade/",
    ]);
    assert_eq!(dir.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&dir.stdout),
        String::from_utf8_lossy(&file.stdout)
    );
    assert!(String::from_utf8_lossy(&dir.stderr).contains("4 gates change"));
}
