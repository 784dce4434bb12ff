//! File-level facts: the versions a file declares, and its inline ignore comments.

use super::lines::Lines;
use super::make::Make;
use super::model::Finding;
use crate::findings::FindingKind;
use gatecheck_rules::Version;

/// The Kubernetes versions a file declares, read from its text: `kubernetesVersion:` (kubeadm,
/// kOps), `version:` next to a Cluster API control plane / Gardener / eksctl kind, and the tags of
/// component and kind node images (`registry.k8s.io/kube-apiserver:v1.30.4`, `kindest/node:v1.30.0`).
pub(super) fn declared_versions(src: &str, lines: &Lines<'_>) -> Vec<(Version, String)> {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    // Searchers are built once: building one costs more than searching a small file.
    static KINDS: LazyLock<[Finder<'static>; 3]> = LazyLock::new(|| {
        [
            Finder::new("kind: KubeadmControlPlane"),
            Finder::new("kind: Shoot"),
            Finder::new("kind: ClusterConfig"),
        ]
    });
    static IMAGE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("image: "));
    // Whether a kind with a `version:` field is in the file, looked for at the first such line.
    let mut kinds_with_version: Option<bool> = None;
    let mut out = Vec::new();
    for start in candidate_lines(src) {
        let line = src[start..].split_inclusive('\n').next().unwrap_or("");
        let t = line.trim_start();
        let at = start + (line.len() - t.len());
        if t.starts_with('#') {
            continue;
        }
        // Only a declared version needs its line number (most candidate lines declare none).
        let line_no = || lines.line_col(at).0;
        if let Some(rest) = t.strip_prefix("kubernetesVersion:") {
            if let Some(v) = version_value(rest) {
                out.push((v, format!("kubernetesVersion at line {}", line_no())));
            }
        } else if let Some(rest) = t.strip_prefix("version:").filter(|_| {
            *kinds_with_version
                .get_or_insert_with(|| KINDS.iter().any(|k| k.find(src.as_bytes()).is_some()))
        }) {
            if let Some(v) = version_value(rest) {
                out.push((v, format!("version at line {}", line_no())));
            }
        } else if t.starts_with("image:")
            || t.starts_with("- image:")
            || IMAGE.find(t.as_bytes()).is_some()
        {
            image_versions(t, line_no, &mut out);
        }
    }
    out
}

/// The starts of the lines that can declare a version: those holding `ersion:` or `image:`,
/// found with a substring search over the file instead of walking every line. Sorted, each
/// once.
fn candidate_lines(src: &str) -> Vec<usize> {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    // `ersion:` finds both `kubernetesVersion:` and `version:`: two passes over the file.
    static NEEDLES: LazyLock<[Finder<'static>; 2]> =
        LazyLock::new(|| [Finder::new("ersion:"), Finder::new("image:")]);
    let needles = &NEEDLES[..];
    let mut starts: Vec<usize> = Vec::new();
    for needle in needles {
        // Hits come in order: each looks back for a newline only as far as the one before, so
        // many hits on one long line cost its length once.
        let (mut last, mut line_start) = (0, 0);
        for i in needle.find_iter(src.as_bytes()) {
            if let Some(nl) = memchr::memrchr(b'\n', &src.as_bytes()[last..i]) {
                line_start = last + nl + 1;
            }
            last = i;
            // Many hits on one line give one entry (a long minified line is one candidate).
            if starts.last() != Some(&line_start) {
                starts.push(line_start);
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// A version written after a key or in an image tag: `1.30`, `v1.30.4`, quoted or not.
fn version_value(rest: &str) -> Option<Version> {
    let v = rest.trim().trim_matches(['"', '\'']);
    let v = v.strip_prefix('v').unwrap_or(v);
    v.starts_with("1.").then(|| v.parse().ok()).flatten()
}

/// The versions in the tags of the component and kind node images on line `t`.
fn image_versions(t: &str, line_no: impl Fn() -> usize, out: &mut Vec<(Version, String)>) {
    const IMAGES: &[&str] = &[
        "kube-apiserver:",
        "kube-controller-manager:",
        "kube-scheduler:",
        "kube-proxy:",
        "kubelet:",
        "kindest/node:",
        "hyperkube:",
    ];
    // Each image name ends at a colon: look only there (the first occurrence of each, as a
    // substring search would find it), not for every name across the line.
    let colons: Vec<usize> = memchr::memchr_iter(b':', t.as_bytes()).collect();
    for img in IMAGES {
        let name = &img[..img.len() - 1];
        let found = colons.iter().find(|&&c| t[..c].ends_with(name));
        if let Some(i) = found.map(|&c| c + 1 - img.len()) {
            let tag = t[i + img.len()..].split_whitespace().next().unwrap_or("");
            if let Some(v) = version_value(tag.split('@').next().unwrap_or(tag)) {
                out.push((
                    v,
                    format!(
                        "{}image tag at line {}",
                        img.trim_end_matches(':').to_string() + " ",
                        line_no()
                    ),
                ));
            }
        }
    }
}

/// `# gatecheck: ignore[GC003,GC008] reason` comments: each suppresses the findings with those
/// codes (or names) on its own line and on the next line. One that suppresses nothing is a
/// finding itself (GC021).
pub(super) fn apply_inline_ignores(src: &str, make: &Make<'_>, findings: &mut Vec<Finding>) {
    const MARK: &str = "gatecheck: ignore[";
    const MAX_CODES: usize = 64;
    if !src.contains(MARK) {
        return;
    }
    struct Ignore {
        line: usize,
        codes: Vec<String>,
        offset: usize,
        len: usize,
        used: bool,
    }
    let mut ignores: Vec<Ignore> = Vec::new();
    let mut start = 0;
    for (i, text) in src.split_inclusive('\n').enumerate() {
        if let Some(at) = text.find(MARK) {
            let before = &text[..at];
            if before.trim_end().ends_with('#') {
                let rest = &text[at + MARK.len()..];
                if let Some(close) = rest.find(']') {
                    // Each code once, at most MAX_CODES of them: a comment listing a million
                    // costs its length to read and no more to keep.
                    let mut codes: Vec<String> = Vec::new();
                    for c in rest[..close].split(',').map(str::trim) {
                        if codes.len() == MAX_CODES {
                            break;
                        }
                        if !c.is_empty() && !codes.iter().any(|k| k.eq_ignore_ascii_case(c)) {
                            codes.push(c.to_ascii_uppercase());
                        }
                    }
                    ignores.push(Ignore {
                        line: i + 1,
                        codes,
                        offset: start + before.trim_end().len() - 1,
                        len: text.trim_end().len() - (before.trim_end().len() - 1),
                        used: false,
                    });
                }
            }
        }
        start += text.len();
    }
    // Ignores come in line order: a finding looks only at the one or two that can reach it.
    findings.retain(|f| {
        let first = ignores.partition_point(|ig| ig.line + 1 < f.line);
        let hit = ignores[first..]
            .iter_mut()
            .take_while(|ig| ig.line <= f.line)
            .find(|ig| ig.codes.iter().any(|c| f.kind.matches(c)));
        match hit {
            Some(ig) => {
                ig.used = true;
                false
            }
            None => true,
        }
    });
    for ig in ignores.iter().filter(|ig| !ig.used) {
        findings.push(make.bare(
            FindingKind::UnusedIgnore,
            ig.offset,
            ig.len.max(1),
            format!(
                "this ignore comment ({}) suppresses no finding on its line or the next",
                ig.codes.join(", ")
            ),
            "remove it",
        ));
    }
    super::in_file_order(findings);
}
