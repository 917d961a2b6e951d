//! Run bounds and send pacing. With a rate, message `i` of a sender is due at
//! `start + i * interval`; its latency is measured from that intended time (coordinated-omission
//! correction), so a stalled broker shows up as latency instead of as fewer samples.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::payload::now_ns;
use crate::stats::Stats;

/// When receivers stop: once `expected` messages arrived in total, at `stop_at_ns`, or on Ctrl-C.
/// Senders lower both when they finish (expected = what was acknowledged, stop_at = now + drain).
#[derive(Debug)]
pub struct Until {
    pub expected: AtomicU64,
    pub stop_at_ns: AtomicU64,
}

impl Until {
    pub fn new(expected: Option<u64>, stop_at_ns: u64) -> Self {
        Until {
            expected: AtomicU64::new(expected.unwrap_or(u64::MAX)),
            stop_at_ns: AtomicU64::new(stop_at_ns),
        }
    }

    pub fn reached(&self, stats: &Stats) -> bool {
        stats.stopped()
            || now_ns() >= self.stop_at_ns.load(Relaxed)
            || stats.received.load(Relaxed) >= self.expected.load(Relaxed)
    }

    /// Senders are done: wait for `expected` messages at most `drain` longer.
    pub fn senders_done(&self, expected: u64, drain: Duration) {
        self.expected.store(expected, Relaxed);
        let at = now_ns().saturating_add(drain.as_nanos() as u64);
        self.stop_at_ns.fetch_min(at, Relaxed);
    }
}

/// When a sender stops: after `count` messages or at `deadline_ns`, whichever comes first.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub count: Option<u64>,
    pub deadline_ns: u64,
}

impl Limit {
    pub fn done(&self, sent: u64, now: u64) -> bool {
        self.count.is_some_and(|c| sent >= c) || now >= self.deadline_ns
    }

    /// This sender's share of the total count when `n` senders split it.
    pub fn share(&self, i: u64, n: u64) -> Limit {
        Limit {
            count: self.count.map(|c| split(c, i, n)),
            deadline_ns: self.deadline_ns,
        }
    }
}

/// The share of `total` for sender `i` of `n`: sizes differ by at most one.
pub fn split(total: u64, i: u64, n: u64) -> u64 {
    let n = n.max(1);
    total / n + u64::from(i < total % n)
}

/// Gives each message its intended send time.
#[derive(Debug, Clone, Copy)]
pub struct Pacer {
    start_ns: u64,
    interval_ns: u64,
}

impl Pacer {
    /// `rate` is this sender's messages per second; 0 means as fast as possible.
    pub fn new(start_ns: u64, rate: f64) -> Self {
        let interval_ns = if rate > 0.0 { (1e9 / rate) as u64 } else { 0 };
        Pacer {
            start_ns,
            interval_ns: interval_ns.max(u64::from(rate > 0.0)),
        }
    }

    pub fn paced(&self) -> bool {
        self.interval_ns > 0
    }

    /// The intended time of message `i` (unpaced: now).
    pub fn due(&self, i: u64) -> u64 {
        if self.paced() {
            self.start_ns
                .saturating_add(i.saturating_mul(self.interval_ns))
        } else {
            now_ns()
        }
    }

    /// How long to wait before a message due at `due_ns`; none when it is already late.
    pub fn wait(due_ns: u64) -> Option<Duration> {
        let now = now_ns();
        (due_ns > now).then(|| Duration::from_nanos(due_ns - now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up() {
        for (t, n) in [(10, 3), (2000, 4), (1, 5), (0, 2)] {
            let s: u64 = (0..n).map(|i| split(t, i, n)).sum();
            assert_eq!(s, t);
        }
    }

    #[test]
    fn paced_times_are_evenly_spaced() {
        let p = Pacer::new(1_000, 1000.0);
        assert!(p.paced());
        assert_eq!(p.due(0), 1_000);
        assert_eq!(p.due(3), 3_001_000);
        assert!(!Pacer::new(0, 0.0).paced());
    }

    #[test]
    fn limit_by_count_or_deadline() {
        let l = Limit {
            count: Some(5),
            deadline_ns: 100,
        };
        assert!(!l.done(4, 50));
        assert!(l.done(5, 50));
        assert!(l.done(0, 100));
        assert_eq!(l.share(0, 2).count, Some(3));
    }
}
