//! Terraform and other HCL files (`.tf`, `.hcl`, `.pkr.hcl`): the configuration they hand to
//! nodes is written in heredocs (`<<EOT` ... `EOT`, `<<-EOT` with indented lines), read as
//! embedded documents where they are written: YAML (a KubeletConfiguration, a kubeadm config,
//! cloud-init), or flags. Interpolations (`${var.x}`) and directives (`%{ if }`) are template
//! markup, read around as in any template. Flags written on the file's other lines (an EKS
//! `bootstrap_extra_args = "--kubelet-extra-args '--feature-gates=...'"`) are judged too.

use super::Sink;

/// Whether `name` is an HCL file.
pub fn is_hcl(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".hcl")
}

/// The heredocs of `src`, as byte ranges of their bodies.
pub fn heredocs(src: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = src[at..].find("<<") {
        let start = at + i + 2;
        let dash = usize::from(src[start..].starts_with('-'));
        let rest = &src[start + dash..];
        let marker_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let marker = &rest[..marker_len];
        // The body starts on the next line; the marker ends its own line.
        let Some(nl) = src[start..].find('\n') else {
            break;
        };
        let body = start + nl + 1;
        if marker.is_empty() || !src[start + dash + marker_len..body].trim().is_empty() {
            at = body;
            continue;
        }
        // The closing line holds the marker alone.
        let mut line_start = body;
        let mut end = None;
        for line in src[body..].split_inclusive('\n') {
            if line.trim() == marker {
                end = Some(line_start);
                break;
            }
            line_start += line.len();
        }
        let Some(end) = end else {
            break;
        };
        out.push((body, end));
        at = end;
    }
    out
}

/// Reads every heredoc as embedded text, and the flags on the other lines.
pub fn read(name: &str, src: &str, sink: &mut Sink<'_>) {
    let docs = heredocs(src);
    let mut outside = String::with_capacity(src.len());
    let mut last = 0;
    for &(start, end) in &docs {
        // The rest of the file keeps its length, so positions stay where they are.
        outside.push_str(&src[last..start]);
        outside.extend(
            src[start..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' }),
        );
        last = end;
        crate::embed::read_region(src, start, end, name, sink);
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
        let src = "a = <<EOT\nx: 1\nEOT\nb = <<-YAML\n    y: 2\n    YAML\nc = \"<<\"\n";
        let h = heredocs(src);
        assert_eq!(h.len(), 2);
        assert_eq!(&src[h[0].0..h[0].1], "x: 1\n");
        assert_eq!(&src[h[1].0..h[1].1], "    y: 2\n");
    }
}
