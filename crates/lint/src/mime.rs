//! MIME multipart user data (EC2 launch templates, Karpenter `userData`, nodeadm): the YAML
//! parts (`application/node.eks.aws`, `text/x-yaml`, `text/yaml`, `text/cloud-config`) are read
//! as configuration, each at its place in the file. Encoded parts (base64, gzip) are not read.

/// Byte ranges of the readable parts' bodies, or `None` when `src` is not MIME multipart.
pub fn yaml_parts(src: &str) -> Option<Vec<(usize, usize)>> {
    let mut cut = src.len().min(2048);
    while !src.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &src[..cut];
    let content_type = head
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .find(|l| {
            const MARK: &str = "content-type: multipart/";
            l.get(..MARK.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(MARK))
        })?;
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let starts: Vec<usize> = src.match_indices(&delimiter).map(|(i, _)| i).collect();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(src.len());
        let part = &src[start + delimiter.len()..end];
        if part.starts_with("--") {
            break; // the closing delimiter
        }
        let Some(blank) = part.find("\n\n").or_else(|| part.find("\r\n\r\n")) else {
            continue;
        };
        let headers = part[..blank].to_ascii_lowercase();
        let readable = [
            "application/node.eks.aws",
            "text/x-yaml",
            "text/yaml",
            "text/cloud-config",
        ]
        .iter()
        .any(|t| headers.contains(t));
        let encoded = headers.contains("base64") || headers.contains("gzip");
        if readable && !encoded {
            let body = start + delimiter.len() + blank;
            parts.push((body, end));
        }
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_parts_keep_their_place() {
        let src = "Content-Type: multipart/mixed; boundary=\"B\"\nMIME-Version: 1.0\n\n--B\nContent-Type: application/node.eks.aws\n\nkind: NodeConfig\n\n--B\nContent-Type: text/x-shellscript\n\necho hi\n--B--\n";
        let parts = yaml_parts(src).unwrap();
        assert_eq!(parts.len(), 1);
        assert!(src[parts[0].0..parts[0].1].contains("kind: NodeConfig"));
        assert!(yaml_parts("kind: KubeletConfiguration\n").is_none());
        // A multi-byte character across the header window's end is no reason to panic.
        let wide = format!("{}群\nkind: x\n", "a".repeat(2046));
        assert!(yaml_parts(&wide).is_none());
    }
}
