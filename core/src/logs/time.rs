//! Timestamps → Unix nanoseconds, without a date library.
//!
//! Logs write time in a handful of shapes: RFC 3339 / ISO 8601 (`2024-01-02T03:04:05.123Z`,
//! `2024-01-02 03:04:05,123`), Go's `log` (`2024/01/02 03:04:05.123456`) and epoch numbers in
//! seconds (zap's float `ts`), milliseconds or nanoseconds. A timestamp without a zone is read as
//! UTC. The civil-date arithmetic is Howard Hinnant's `days_from_civil`.

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + (m <= 2) as i64, m, d)
}

/// `2024-01-02T03:04:05.678Z` (milliseconds, UTC) for display.
pub fn format_unix_ns(ns: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let ms = ns.rem_euclid(1_000_000_000) / 1_000_000;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    )
}

/// Parses any supported timestamp shape (whole string) into Unix nanoseconds.
pub fn parse_any(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some((n, len)) = parse_datetime_prefix(s) {
        if len == s.len() {
            return n;
        }
    }
    parse_epoch(s)
}

/// An epoch number: seconds (may be fractional), or ms / µs / ns judged by magnitude.
pub fn parse_epoch(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    if s.contains('.') {
        let v: f64 = s.parse().ok()?;
        return epoch_f64(v);
    }
    let v: i64 = s.parse().ok()?;
    Some(epoch_int(v))
}

pub fn epoch_int(v: i64) -> i64 {
    let a = v.unsigned_abs();
    if a >= 100_000_000_000_000_000 {
        v
    } else if a >= 100_000_000_000_000 {
        v.saturating_mul(1_000)
    } else if a >= 100_000_000_000 {
        v.saturating_mul(1_000_000)
    } else {
        v.saturating_mul(1_000_000_000)
    }
}

pub fn epoch_f64(v: f64) -> Option<i64> {
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    if v >= 1e11 {
        // already in ms or finer; keep integer semantics
        return Some(epoch_int(v as i64));
    }
    Some((v * 1e9).round() as i64)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    let s = b.get(at..at + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// Reads a date-time at the start of `s`: `YYYY-MM-DD[T ]HH:MM:SS[.frac][zone]` (also `/` as
/// the date separator and `,` before the fraction). Returns the Unix nanoseconds (`None` if the
/// fields are out of range) and the bytes consumed; `None` if `s` does not start with one.
pub fn parse_datetime_prefix(s: &str) -> Option<(Option<i64>, usize)> {
    let b = s.as_bytes();
    let y = digits(b, 0, 4)?;
    let sep = *b.get(4)?;
    if sep != b'-' && sep != b'/' || b.get(7) != Some(&sep) {
        return None;
    }
    let mo = digits(b, 5, 2)?;
    let d = digits(b, 8, 2)?;
    if !matches!(b.get(10), Some(b'T' | b' ')) {
        return None;
    }
    let (h, mi, sec, mut i) = parse_clock(b, 11)?;
    let mut nanos = 0i64;
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        let mut scale = 100_000_000i64;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            nanos += (c - b'0') as i64 * scale;
            scale /= 10;
            i += 1;
        }
    }
    let mut offset_s = 0i64;
    match b.get(i) {
        Some(b'Z' | b'z') => i += 1,
        Some(&c @ (b'+' | b'-')) => {
            if let (Some(oh), Some(om)) = (digits(b, i + 1, 2), {
                if b.get(i + 3) == Some(&b':') {
                    digits(b, i + 4, 2)
                } else {
                    digits(b, i + 3, 2)
                }
            }) {
                let len = if b.get(i + 3) == Some(&b':') { 6 } else { 5 };
                offset_s = (oh as i64 * 3600 + om as i64 * 60) * if c == b'-' { -1 } else { 1 };
                i += len;
            } else if let Some(oh) = digits(b, i + 1, 2) {
                offset_s = oh as i64 * 3600 * if c == b'-' { -1 } else { 1 };
                i += 3;
            }
        }
        _ => {}
    }
    // A timestamp must end at a boundary (space, bracket, end, …), not inside a word.
    if b.get(i).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let valid = (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && sec <= 60;
    let n = valid.then(|| {
        let days = days_from_civil(y as i64, mo, d);
        (days * 86_400 + h as i64 * 3600 + mi as i64 * 60 + sec as i64 - offset_s) * 1_000_000_000
            + nanos
    });
    Some((n, i))
}

/// `HH:MM:SS` at `at`; returns (h, m, s, end).
pub fn parse_clock(b: &[u8], at: usize) -> Option<(u32, u32, u32, usize)> {
    let h = digits(b, at, 2)?;
    (b.get(at + 2) == Some(&b':')).then_some(())?;
    let m = digits(b, at + 3, 2)?;
    (b.get(at + 5) == Some(&b':')).then_some(())?;
    let s = digits(b, at + 6, 2)?;
    Some((h, m, s, at + 8))
}

/// `HH:MM:SS[.frac]` at the start of `s`; returns bytes consumed.
pub fn clock_prefix(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (_, _, _, mut i) = parse_clock(b, 0)?;
    if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2024, 1, 2), 19_724);
        for z in [-800_000, -1, 0, 59, 11_017, 19_724, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(
            format_unix_ns(1_700_000_000_123_456_789),
            "2023-11-14T22:13:20.123Z"
        );
    }

    #[test]
    fn iso_shapes() {
        let base = 19_724 * 86_400 * 1_000_000_000i64 + (3 * 3600 + 4 * 60 + 5) * 1_000_000_000;
        assert_eq!(parse_any("2024-01-02T03:04:05Z"), Some(base));
        assert_eq!(
            parse_any("2024-01-02T03:04:05.5Z"),
            Some(base + 500_000_000)
        );
        assert_eq!(
            parse_any("2024-01-02 03:04:05,250"),
            Some(base + 250_000_000)
        );
        assert_eq!(parse_any("2024/01/02 03:04:05.000001"), Some(base + 1_000));
        assert_eq!(parse_any("2024-01-02T05:04:05+02:00"), Some(base));
        assert_eq!(parse_any("2024-01-01T22:04:05-0500"), Some(base));
        assert_eq!(
            parse_any("2024-01-02T03:04:05.123456789Z"),
            Some(base + 123_456_789)
        );
        assert_eq!(
            parse_datetime_prefix("2024-13-02 03:04:05 x"),
            Some((None, 19))
        );
        assert_eq!(parse_datetime_prefix("2024-01-02x03:04:05"), None);
        assert_eq!(parse_datetime_prefix("2024-01-02 03:04:05abc"), None);
    }

    #[test]
    fn epochs() {
        assert_eq!(parse_any("1700000000"), Some(1_700_000_000_000_000_000));
        assert_eq!(parse_any("1700000000123"), Some(1_700_000_000_123_000_000));
        assert_eq!(parse_any("1700000000.5"), Some(1_700_000_000_500_000_000));
        assert_eq!(
            parse_any("1700000000123456789"),
            Some(1_700_000_000_123_456_789)
        );
        assert_eq!(parse_any("abc"), None);
    }
}
