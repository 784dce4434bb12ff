//! MIME multipart user data (EC2 launch templates, Karpenter `userData`, nodeadm): the YAML
//! parts (`application/node.eks.aws`, `text/x-yaml`, `text/yaml`, `text/cloud-config`) are read
//! as configuration and shell script parts as flags, each at its place in the file; a base64
//! part is decoded and read (its findings point at the part); a gzip part cannot be read and says
//! so.

/// What a part is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Yaml,
    Script,
    /// Base64 of YAML or a script: decoded before it is read.
    Base64,
    /// Compressed: not read, said.
    Gzip,
}

/// Every part gatecheck has something to say about: what it is, and its body's byte range.
pub fn parts(src: &str) -> Option<Vec<(Part, usize, usize)>> {
    let mut cut = src.len().min(2048);
    while !src.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &src[..cut];
    // Most files have no `Content-Type:` at all: told by their colons before their lines are.
    let named = memchr::memchr_iter(b':', head.as_bytes()).any(|colon| {
        colon >= 12 && head.as_bytes()[colon - 12..colon].eq_ignore_ascii_case(b"content-type")
    });
    if !named {
        return None;
    }
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
        let yaml = [
            "application/node.eks.aws",
            "text/x-yaml",
            "text/yaml",
            "text/cloud-config",
        ]
        .iter()
        .any(|t| headers.contains(t));
        let script = headers.contains("text/x-shellscript");
        let kind = if headers.contains("gzip") {
            Part::Gzip
        } else if headers.contains("base64") {
            Part::Base64
        } else if yaml {
            Part::Yaml
        } else if script {
            Part::Script
        } else {
            continue;
        };
        let body = start + delimiter.len() + blank;
        parts.push((kind, body, end));
    }
    Some(parts)
}

/// Standard base64 (whitespace ignored), or `None` where the text is not that.
pub fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_parts_keep_their_place() {
        let src = "Content-Type: multipart/mixed; boundary=\"B\"\nMIME-Version: 1.0\n\n--B\nContent-Type: application/node.eks.aws\n\nkind: NodeConfig\n\n--B\nContent-Type: text/x-shellscript\n\necho hi\n--B--\n";
        let parts = parts(src).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].0, Part::Yaml);
        assert!(src[parts[0].1..parts[0].2].contains("kind: NodeConfig"));
        assert_eq!(parts[1].0, Part::Script);
        assert!(super::parts("kind: KubeletConfiguration\n").is_none());
        // The header in any case, on any line of the head.
        let upper = src.replacen("Content-Type: multipart", "CONTENT-TYPE: MULTIPART", 1);
        let later = upper.replacen("MIME-Version: 1.0\n", "", 1).replacen(
            "CONTENT-TYPE",
            "MIME-Version: 1.0\ncontent-type",
            1,
        );
        for text in [&upper, &later] {
            assert_eq!(super::parts(text).map(|p| p.len()), Some(2), "{text}");
        }
        assert_eq!(base64("a2luZDog\nWA==").unwrap(), b"kind: X");
        assert!(base64("not base64!").is_none());
        // A multi-byte character across the header window's end is no reason to panic.
        let wide = format!("{}群\nkind: x\n", "a".repeat(2046));
        assert!(super::parts(&wide).is_none());
    }
}
