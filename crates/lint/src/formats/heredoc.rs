//! Files that carry documents in heredocs: Terraform and other HCL files (`.tf`, `.hcl`:
//! `<<EOT` ... `EOT`, `<<-EOT` with indented lines) and shell scripts (`cat <<'EOF' | kind
//! create cluster --config=-`, `cat <<EOF > /etc/default/kubelet`). Each heredoc is read as an
//! embedded document where it is written: YAML (a KubeletConfiguration, a kubeadm or kind
//! config, cloud-init), or flags, whose component its opening line may name (the file it is
//! written to). Interpolations (`${var.x}`, `$VAR`) and directives (`%{ if }`) are template
//! markup, read around as in any template. Flags written on the file's other lines (an EKS
//! `bootstrap_extra_args = "--kubelet-extra-args '--feature-gates=...'"`, a kubelet command
//! line in a script) are judged too.

use super::Sink;

/// Whether `name` is an HCL file.
pub fn is_hcl(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".hcl")
}

/// Whether the file is a shell script: by its name, or by a `#!` line naming a shell.
pub fn is_shell(name: &str, src: &str) -> bool {
    name.ends_with(".sh")
        || name.ends_with(".bash")
        || src
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("#!") && (l.ends_with("sh") || l.contains("bash")))
}

/// A heredoc: the byte range of its body, and its opening line (what it is written to).
pub struct Heredoc {
    pub body: (usize, usize),
    pub opening: (usize, usize),
}

/// The heredocs of `src`. Closing lines are looked up in an index of the file's lines built
/// once, so many unclosed markers cost one pass, not one pass each.
pub fn heredocs(src: &str) -> Vec<Heredoc> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut closings: Option<std::collections::HashMap<&str, Vec<usize>>> = None;
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&b[at..], b"<<") {
        let start = at + i + 2;
        at = start;
        // `<<<` is a here-string.
        if b.get(start) == Some(&b'<') {
            at += 1;
            continue;
        }
        let mut j = start;
        if b.get(j) == Some(&b'-') || b.get(j) == Some(&b'~') {
            j += 1;
        }
        while b.get(j) == Some(&b' ') {
            j += 1;
        }
        let quote = match b.get(j) {
            Some(q @ (b'\'' | b'"')) => {
                j += 1;
                Some(*q)
            }
            _ => None,
        };
        let len = b[j..]
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .unwrap_or(b.len() - j);
        let marker = &src[j..j + len];
        if marker.is_empty() || quote.is_some_and(|q| b.get(j + len) != Some(&q)) {
            continue;
        }
        // The body starts on the next line; the closing line holds the marker alone.
        let Some(nl) = memchr::memchr(b'\n', &b[start..]) else {
            break;
        };
        let line_start = memchr::memrchr(b'\n', &b[..start]).map_or(0, |n| n + 1);
        let body = start + nl + 1;
        let index = closings.get_or_insert_with(|| {
            let mut index: std::collections::HashMap<&str, Vec<usize>> = Default::default();
            let mut pos = 0;
            for line in src.split_inclusive('\n') {
                index.entry(line.trim()).or_default().push(pos);
                pos += line.len();
            }
            index
        });
        let Some(end) = index.get(marker).and_then(|starts| {
            let k = starts.partition_point(|&s| s < body);
            starts.get(k).copied()
        }) else {
            continue;
        };
        out.push(Heredoc {
            body: (body, end),
            opening: (line_start, start + nl),
        });
        at = end;
    }
    out
}

/// Reads every heredoc as embedded text, and the flags on the other lines.
pub fn read(name: &str, src: &str, sink: &mut Sink<'_>) {
    let docs = heredocs(src);
    let mut outside = String::with_capacity(src.len());
    let mut last = 0;
    for doc in &docs {
        let (start, end) = doc.body;
        // The rest of the file keeps its length, so positions stay where they are.
        outside.push_str(&src[last..start]);
        // Byte for byte, so that a multi-byte character keeps its length.
        outside.extend(
            src.as_bytes()[start..end]
                .iter()
                .map(|&c| if c == b'\n' { '\n' } else { ' ' }),
        );
        last = end;
        // `cat <<EOF > /etc/default/kubelet`: the file written names whose flags they are.
        let opening = &src[doc.opening.0..doc.opening.1];
        let hint = opening
            .split_whitespace()
            .rev()
            .find(|w| w.contains('/'))
            .unwrap_or(name);
        crate::embed::read_region(src, start, end, hint, sink);
    }
    outside.push_str(&src[last..]);
    if crate::embed::mentions_gates(&outside) {
        let component = crate::embed::flags_component(name, &outside, None).ok();
        let mut nested = sink.nested(&outside);
        crate::embed::read_flag_lines(&outside, component, &mut nested);
        sink.recognised |= nested.recognised;
        sink.fallback.kubernetes += nested.fallback.kubernetes;
        sink.fallback.foreign += nested.fallback.foreign;
        sink.absorb(nested, |o| o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_bodies_are_found() {
        let src = "a = <<EOT\nx: 1\nEOT\nb = <<-YAML\n    y: 2\n    YAML\nc = \"<<\"\ncat <<'EOF' | kind create cluster --config=-\nz: 3\nEOF\ngrep x <<< \"$y\"\n";
        let h = heredocs(src);
        let bodies: Vec<&str> = h.iter().map(|d| &src[d.body.0..d.body.1]).collect();
        assert_eq!(bodies, ["x: 1\n", "    y: 2\n", "z: 3\n"]);
        assert!(src[h[2].opening.0..h[2].opening.1].ends_with("--config=-"));
    }
}
