//! Human-readable numbers shared by the CLI's tables and `robustmq top`: sizes, rates, uptimes.

fn finite_nonneg(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        0.0
    }
}

/// Scales `v` by `step` through `units`, with one decimal below 100 of a unit.
fn scaled(v: f64, step: f64, units: &[&str]) -> String {
    let mut v = finite_nonneg(v);
    let mut unit = 0;
    while v >= step * 0.9995 && unit + 1 < units.len() {
        v /= step;
        unit += 1;
    }
    let u = units[unit];
    if unit == 0 {
        if v == 0.0 || v >= 10.0 || v.fract() == 0.0 {
            format!("{v:.0}{u}")
        } else {
            format!("{v:.1}{u}")
        }
    } else if v < 99.95 {
        format!("{v:.1}{u}")
    } else {
        format!("{v:.0}{u}")
    }
}

/// A count per second: `0/s`, `0.5/s`, `850/s`, `1.2k/s`, `34.0M/s`.
pub fn fmt_rate(v: f64) -> String {
    scaled(v, 1000.0, &["/s", "k/s", "M/s", "G/s", "T/s"])
}

/// Bytes per second: `0 B/s`, `512 B/s`, `1.2 KiB/s`, `3.4 MiB/s`.
pub fn fmt_byte_rate(v: f64) -> String {
    scaled(
        v,
        1024.0,
        &[" B/s", " KiB/s", " MiB/s", " GiB/s", " TiB/s", " PiB/s"],
    )
}

/// A size: `0 B`, `1.5 KiB`, `3.4 GiB`.
pub fn fmt_bytes(v: u64) -> String {
    if v < 1024 {
        return format!("{v} B");
    }
    scaled(
        v as f64,
        1024.0,
        &[" B", " KiB", " MiB", " GiB", " TiB", " PiB"],
    )
}

/// An uptime: `45s`, `12m 03s`, `3h 04m`, `2d 03h`.
pub fn fmt_uptime(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// The time of day (UTC) of a snapshot timestamp: `HH:MM:SS`.
pub fn fmt_clock(timestamp_ms: u64) -> String {
    let secs = timestamp_ms / 1000 % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_formatting() {
        assert_eq!(fmt_rate(0.0), "0/s");
        assert_eq!(fmt_rate(0.5), "0.5/s");
        assert_eq!(fmt_rate(7.0), "7/s");
        assert_eq!(fmt_rate(850.4), "850/s");
        assert_eq!(fmt_rate(999.9), "1.0k/s");
        assert_eq!(fmt_rate(1234.0), "1.2k/s");
        assert_eq!(fmt_rate(12_345.0), "12.3k/s");
        assert_eq!(fmt_rate(123_456.0), "123k/s");
        assert_eq!(fmt_rate(34_000_000.0), "34.0M/s");
        assert_eq!(fmt_rate(-3.0), "0/s");
        assert_eq!(fmt_rate(f64::NAN), "0/s");
        assert_eq!(fmt_rate(f64::INFINITY), "0/s");
        assert_eq!(fmt_rate(1e30), "1000000000000000000T/s");

        assert_eq!(fmt_byte_rate(0.0), "0 B/s");
        assert_eq!(fmt_byte_rate(512.0), "512 B/s");
        assert_eq!(fmt_byte_rate(1536.0), "1.5 KiB/s");
        assert_eq!(fmt_byte_rate(3.4 * 1024.0 * 1024.0), "3.4 MiB/s");
        assert_eq!(fmt_byte_rate(200.0 * 1024.0 * 1024.0), "200 MiB/s");
        assert_eq!(fmt_byte_rate(5.0 * 1024f64.powi(3)), "5.0 GiB/s");

        assert_eq!(fmt_bytes(0), "0 B");
        assert_eq!(fmt_bytes(1023), "1023 B");
        assert_eq!(fmt_bytes(1536), "1.5 KiB");
        assert_eq!(fmt_bytes(7 << 30), "7.0 GiB");
        assert_eq!(fmt_bytes(u64::MAX), "16384 PiB");

        assert_eq!(fmt_uptime(45), "45s");
        assert_eq!(fmt_uptime(12 * 60 + 3), "12m 03s");
        assert_eq!(fmt_uptime(3 * 3600 + 4 * 60 + 5), "3h 04m");
        assert_eq!(fmt_uptime(2 * 86_400 + 3 * 3600), "2d 03h");
        assert_eq!(fmt_clock(1_700_000_000_000), "22:13:20");
    }
}
