//! Payload stamping: the first 8 bytes carry the (intended) send time in nanoseconds since the
//! process's monotonic base, little-endian; bytes 8..16 carry a per-process run nonce so that a
//! reader can tell our messages from foreign or older ones. Pure functions, no I/O.

use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Bytes used by the timestamp.
pub const TS_LEN: usize = 8;
/// Bytes used by the timestamp and the nonce.
pub const HEADER_LEN: usize = 16;

static BASE: OnceLock<Instant> = OnceLock::new();
static NONCE: OnceLock<u64> = OnceLock::new();

/// Nanoseconds since this process's monotonic base (first call).
pub fn now_ns() -> u64 {
    let base = BASE.get_or_init(Instant::now);
    u64::try_from(base.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

/// A value that differs between runs (pid mixed with the wall clock), never 0.
pub fn run_nonce() -> u64 {
    *NONCE.get_or_init(|| {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let x = t ^ (u64::from(std::process::id()) << 32) ^ 0x9e37_79b9_7f4a_7c15;
        x.max(1)
    })
}

/// A payload of `size` bytes filled with a recognisable pattern.
pub fn make(size: usize) -> Vec<u8> {
    (0..size).map(|i| b'a' + (i % 26) as u8).collect()
}

/// Writes `ts_ns` (and `nonce` when there is room) at the start of `buf`. Buffers shorter than
/// 8 bytes are left alone: they carry no timestamp.
pub fn stamp(buf: &mut [u8], ts_ns: u64, nonce: u64) {
    if let Some(head) = buf.get_mut(..TS_LEN) {
        head.copy_from_slice(&ts_ns.to_le_bytes());
    }
    if let Some(n) = buf.get_mut(TS_LEN..HEADER_LEN) {
        n.copy_from_slice(&nonce.to_le_bytes());
    }
}

/// Reads the send time from a payload written by [`stamp`] in this process. Returns `None` for
/// payloads that are too short, that carry another run's nonce, or whose time lies after `now_ns`.
pub fn read(buf: &[u8], nonce: u64, now_ns: u64) -> Option<u64> {
    let ts = u64::from_le_bytes(buf.get(..TS_LEN)?.try_into().ok()?);
    if let Some(n) = buf.get(TS_LEN..HEADER_LEN) {
        if u64::from_le_bytes(n.try_into().ok()?) != nonce {
            return None;
        }
    }
    (ts <= now_ns).then_some(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut b = make(100);
        stamp(&mut b, 12345, 77);
        assert_eq!(read(&b, 77, 20000), Some(12345));
        assert_eq!(&b[16..20], b"qrst");
    }

    #[test]
    fn foreign_nonce_and_future_times_are_rejected() {
        let mut b = make(32);
        stamp(&mut b, 500, 1);
        assert_eq!(read(&b, 2, 1000), None);
        assert_eq!(read(&b, 1, 499), None);
    }

    #[test]
    fn short_payloads() {
        let mut b = make(4);
        stamp(&mut b, 9, 1);
        assert_eq!(b, make(4));
        assert_eq!(read(&b, 1, 100), None);
        let mut b = make(10);
        stamp(&mut b, 9, 1);
        assert_eq!(read(&b, 1, 100), Some(9), "no room for a nonce: time only");
    }

    #[test]
    fn clock_is_monotonic() {
        let a = now_ns();
        let b = now_ns();
        assert!(b >= a);
        assert_ne!(run_nonce(), 0);
    }
}
