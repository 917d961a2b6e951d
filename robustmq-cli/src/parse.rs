//! Parsing of user-typed values (NAME=VALUE pairs, times, separators, key/value lines).
//! Pure functions, so clap reports bad input as a usage error (exit 2) before anything is
//! sent to the daemon.

/// `NAME=VALUE`, split at the first `=`; the value may be empty or contain `=`.
pub fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        Some(_) => Err(format!("'{s}' has an empty name; expected NAME=VALUE")),
        None => Err(format!("'{s}' is not NAME=VALUE")),
    }
}

/// A record header `NAME=VALUE`; unlike configs, the name is kept as typed.
pub fn parse_header(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        Some(_) => Err(format!(
            "header '{s}' has an empty name; expected NAME=VALUE"
        )),
        None => Err(format!("header '{s}' is not NAME=VALUE")),
    }
}

/// A key separator: non-empty, with `\t`, `\n` and `\\` unescaped (a tab is hard to type).
pub fn parse_separator(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    if out.is_empty() {
        return Err("the key separator must not be empty".into());
    }
    Ok(out)
}

/// Splits `line` at the first `sep` into (key, value); a line without `sep` has no key.
pub fn split_key<'a>(line: &'a [u8], sep: &[u8]) -> (Option<&'a [u8]>, &'a [u8]) {
    if sep.is_empty() || sep.len() > line.len() {
        return (None, line);
    }
    match line.windows(sep.len()).position(|w| w == sep) {
        Some(i) => (Some(&line[..i]), &line[i + sep.len()..]),
        None => (None, line),
    }
}

/// A point in time as milliseconds since the epoch: either an integer (ms) or RFC 3339
/// (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00.250+02:00`; a space may replace the `T`).
pub fn parse_time_ms(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if let Ok(ms) = s.parse::<i64>() {
        if ms < 0 {
            return Err(format!("'{s}' is before the epoch"));
        }
        return Ok(ms);
    }
    parse_rfc3339(s).ok_or_else(|| {
        format!("'{s}' is neither milliseconds since the epoch nor an RFC 3339 time like 2024-05-01T12:00:00Z")
    })
}

fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (hour, min, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        // Milliseconds: the first three fraction digits, right-padded.
        let frac: String = s[start..i].chars().chain("000".chars()).take(3).collect();
        millis = frac.parse::<i64>().ok()?;
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b[i + 3] == b':' => {
            let m = num(i + 1, 2)? * 60 + num(i + 4, 2)?;
            if *sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month[(month - 1) as usize]
        || hour > 23
        || min > 59
        || sec > 60
    {
        return None;
    }
    let secs =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec - offset_min * 60;
    let ms = secs.checked_mul(1000)?.checked_add(millis)?;
    (ms >= 0).then_some(ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_value_splits_at_the_first_equals() {
        assert_eq!(parse_key_value("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(
            parse_key_value("retention.ms="),
            Ok(("retention.ms".into(), "".into()))
        );
        assert!(parse_key_value("novalue").is_err());
        assert!(parse_key_value("=x").is_err());
    }

    #[test]
    fn headers_keep_their_name_verbatim() {
        assert_eq!(parse_header(" h =v"), Ok((" h ".into(), "v".into())));
        assert!(parse_header("=v").is_err());
    }

    #[test]
    fn separator_unescapes_tab() {
        assert_eq!(parse_separator("\\t").as_deref(), Ok("\t"));
        assert_eq!(parse_separator("::").as_deref(), Ok("::"));
        assert_eq!(parse_separator("\\x").as_deref(), Ok("\\x"));
        assert!(parse_separator("").is_err());
    }

    #[test]
    fn split_key_at_first_separator() {
        assert_eq!(split_key(b"k:v:w", b":"), (Some(&b"k"[..]), &b"v:w"[..]));
        assert_eq!(split_key(b":v", b":"), (Some(&b""[..]), &b"v"[..]));
        assert_eq!(split_key(b"k:", b":"), (Some(&b"k"[..]), &b""[..]));
        assert_eq!(split_key(b"novalue", b":"), (None, &b"novalue"[..]));
        assert_eq!(split_key(b"a::b", b"::"), (Some(&b"a"[..]), &b"b"[..]));
        assert_eq!(split_key(b"", b"::"), (None, &b""[..]));
        assert_eq!(
            split_key(b"\xff\t\xfe", b"\t"),
            (Some(&b"\xff"[..]), &b"\xfe"[..])
        );
    }

    #[test]
    fn times_as_ms_or_rfc3339() {
        assert_eq!(parse_time_ms("1714564800000"), Ok(1_714_564_800_000));
        assert_eq!(parse_time_ms("2024-05-01T12:00:00Z"), Ok(1_714_564_800_000));
        assert_eq!(
            parse_time_ms("2024-05-01 14:00:00.25+02:00"),
            Ok(1_714_564_800_250)
        );
        assert_eq!(
            parse_time_ms("2024-05-01T11:00:00.123456-01:00"),
            Ok(1_714_564_800_123)
        );
        assert_eq!(parse_time_ms("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_time_ms("2000-02-29T00:00:00Z"), Ok(951_782_400_000));
    }

    #[test]
    fn bad_times_are_rejected() {
        for bad in [
            "-5",
            "2024-05-01",
            "2024-05-01T12:00:00",
            "2024-13-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12:00:00+0200",
            "1969-12-31T23:59:59Z",
            "yesterday",
            "２０２４-05-01T12:00:00Z",
        ] {
            assert!(parse_time_ms(bad).is_err(), "{bad} accepted");
        }
    }
}
