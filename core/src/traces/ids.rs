//! Trace/span id normalisation: hex stays hex (lower-cased), base64 of 8 or 16 bytes (proto
//! JSON, Jaeger domain model) becomes hex, all-zero or empty ids mean "none", anything else is
//! kept verbatim so hand-written ids (`span-1`) still link up.

/// Normalises an id; `None` for empty or all-zero ids.
pub fn normalize(id: &str) -> Option<String> {
    let id = id.trim();
    if id.is_empty() {
        return None;
    }
    let b = id.as_bytes();
    if b.iter().all(u8::is_ascii_hexdigit) {
        if b.iter().all(|&c| c == b'0') {
            return None;
        }
        return Some(id.to_ascii_lowercase());
    }
    if let Some(bytes) = base64(id).filter(|v| v.len() == 8 || v.len() == 16) {
        if bytes.iter().all(|&x| x == 0) {
            return None;
        }
        return Some(hex(&bytes));
    }
    Some(id.to_owned())
}

pub fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(H[(b >> 4) as usize] as char);
        s.push(H[(b & 15) as usize] as char);
    }
    s
}

/// Standard or URL-safe base64 with optional padding; `None` if not base64.
pub fn base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
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
    fn ids() {
        assert_eq!(
            normalize("5B8EFFF798038103D269B633813FC60C").as_deref(),
            Some("5b8efff798038103d269b633813fc60c")
        );
        assert_eq!(
            normalize("AAAAAAAAAAAAAAAAAAAAAQ==").as_deref(),
            Some("00000000000000000000000000000001")
        );
        assert_eq!(
            normalize("AAAAAAAAAAI=").as_deref(),
            Some("0000000000000002")
        );
        assert_eq!(normalize("0000000000000000"), None);
        assert_eq!(normalize(""), None);
        assert_eq!(normalize("span-1").as_deref(), Some("span-1"));
    }
}
