//! Counters, HDR histograms and the final report (table and JSON).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;

use comfy_table::{presets::UTF8_FULL_CONDENSED, Table};
use hdrhistogram::Histogram;
use serde::Serialize;

use crate::payload::now_ns;

/// Highest latency recorded: one hour in ns; larger values are clamped.
const MAX_NS: u64 = 3_600_000_000_000;

fn new_hist() -> Histogram<u64> {
    // Bounds are constants that hdrhistogram accepts, so this cannot fail.
    Histogram::new_with_bounds(1, MAX_NS, 3).expect("valid histogram bounds")
}

/// Shared counters for one run. Events whose (intended) send time falls before the end of the
/// warm-up are counted in the totals but not in the rates or the histograms.
pub struct Stats {
    pub start_ns: u64,
    pub warmup_end_ns: u64,
    pub stop: AtomicBool,
    pub sent: AtomicU64,
    pub acked: AtomicU64,
    pub received: AtomicU64,
    pub errors: AtomicU64,
    m_sent: AtomicU64,
    m_bytes_sent: AtomicU64,
    m_acked: AtomicU64,
    m_received: AtomicU64,
    m_bytes_acked: AtomicU64,
    m_bytes_received: AtomicU64,
    last_event_ns: AtomicU64,
    e2e: Mutex<Histogram<u64>>,
    ack: Mutex<Histogram<u64>>,
    first_error: Mutex<Option<String>>,
}

impl Stats {
    pub fn new(start_ns: u64, warmup_end_ns: u64) -> Self {
        Stats {
            start_ns,
            warmup_end_ns,
            stop: AtomicBool::new(false),
            sent: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            received: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            m_sent: AtomicU64::new(0),
            m_bytes_sent: AtomicU64::new(0),
            first_error: Mutex::new(None),
            m_acked: AtomicU64::new(0),
            m_received: AtomicU64::new(0),
            m_bytes_acked: AtomicU64::new(0),
            m_bytes_received: AtomicU64::new(0),
            last_event_ns: AtomicU64::new(0),
            e2e: Mutex::new(new_hist()),
            ack: Mutex::new(new_hist()),
        }
    }

    pub fn stopped(&self) -> bool {
        self.stop.load(Relaxed)
    }

    fn measured(&self, ts_ns: u64) -> bool {
        ts_ns >= self.warmup_end_ns
    }

    fn touch(&self, now: u64) {
        self.last_event_ns.fetch_max(now, Relaxed);
    }

    /// A message handed to the client; `intended_ns` is when it was meant to be sent.
    pub fn on_sent(&self, bytes: usize, intended_ns: u64) {
        self.sent.fetch_add(1, Relaxed);
        if self.measured(intended_ns) {
            self.m_sent.fetch_add(1, Relaxed);
            self.m_bytes_sent.fetch_add(bytes as u64, Relaxed);
            self.touch(now_ns());
        }
    }

    /// The broker acknowledged a message; with `intended_ns` its ack latency is recorded.
    pub fn on_ack(&self, bytes: usize, intended_ns: Option<u64>) {
        let now = now_ns();
        self.acked.fetch_add(1, Relaxed);
        if intended_ns.is_some_and(|t| !self.measured(t)) {
            return;
        }
        self.m_acked.fetch_add(1, Relaxed);
        self.m_bytes_acked.fetch_add(bytes as u64, Relaxed);
        self.touch(now);
        if let Some(t) = intended_ns {
            record(&self.ack, now.saturating_sub(t));
        }
    }

    /// A message arrived; `sent_ns` is the time read from its payload, when it has one.
    pub fn on_received(&self, bytes: usize, sent_ns: Option<u64>) {
        let now = now_ns();
        self.received.fetch_add(1, Relaxed);
        if !self.measured(sent_ns.unwrap_or(now)) {
            return;
        }
        self.m_received.fetch_add(1, Relaxed);
        self.m_bytes_received.fetch_add(bytes as u64, Relaxed);
        self.touch(now);
        if let Some(t) = sent_ns {
            record(&self.e2e, now.saturating_sub(t));
        }
    }

    pub fn on_error(&self) {
        self.errors.fetch_add(1, Relaxed);
    }

    /// Counts an error and prints the first one to stderr.
    pub fn on_error_msg(&self, msg: impl std::fmt::Display) {
        self.on_error();
        if let Ok(mut first) = self.first_error.lock() {
            if first.is_none() {
                let m = msg.to_string();
                eprintln!("first error: {m}");
                *first = Some(m);
            }
        }
    }

    pub fn first_error(&self) -> Option<String> {
        self.first_error.lock().ok().and_then(|f| f.clone())
    }

    /// Records a latency that is not about messages (e.g. connect time) into the e2e histogram.
    pub fn record_latency(&self, ns: u64) {
        record(&self.e2e, ns);
    }

    /// Builds the report. `rate_of` chooses whether msgs_per_sec counts received or acknowledged
    /// messages; `end_ns` is when the run stopped.
    pub fn report(&self, meta: Meta, rate_of: RateOf, end_ns: u64) -> Report {
        let end = match rate_of {
            RateOf::None => end_ns,
            _ => self.last_event_ns.load(Relaxed).max(self.warmup_end_ns + 1),
        };
        let secs = (end.saturating_sub(self.warmup_end_ns)) as f64 / 1e9;
        let (msgs, bytes) = match rate_of {
            RateOf::Received => (
                self.m_received.load(Relaxed),
                self.m_bytes_received.load(Relaxed),
            ),
            RateOf::Acked => (self.m_acked.load(Relaxed), self.m_bytes_acked.load(Relaxed)),
            RateOf::Sent => (self.m_sent.load(Relaxed), self.m_bytes_sent.load(Relaxed)),
            RateOf::None => (0, 0),
        };
        let per_sec = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
        Report {
            tool: "robustmq-bench",
            version: env!("CARGO_PKG_VERSION"),
            mode: meta.mode,
            settings: meta.settings,
            host: Host::current(),
            interrupted: meta.interrupted,
            elapsed_secs: end_ns.saturating_sub(self.start_ns) as f64 / 1e9,
            measured_secs: secs,
            rate_of,
            counts: Counts {
                sent: self.sent.load(Relaxed),
                acked: self.acked.load(Relaxed),
                received: self.received.load(Relaxed),
                errors: self.errors.load(Relaxed),
                measured_sent: self.m_sent.load(Relaxed),
                measured_acked: self.m_acked.load(Relaxed),
                measured_received: self.m_received.load(Relaxed),
            },
            msgs_per_sec: per_sec(msgs),
            mb_per_sec: per_sec(bytes) / 1e6,
            latency_us: lock_percentiles(&self.e2e),
            ack_latency_us: lock_percentiles(&self.ack),
            latency_note: meta.latency_note,
            first_error: self.first_error(),
            connections: meta.connections,
        }
    }
}

fn record(h: &Mutex<Histogram<u64>>, ns: u64) {
    if let Ok(mut h) = h.lock() {
        h.saturating_record(ns.clamp(1, MAX_NS));
    }
}

fn lock_percentiles(h: &Mutex<Histogram<u64>>) -> Percentiles {
    match h.lock() {
        Ok(h) => Percentiles::of(&h),
        Err(_) => Percentiles::default(),
    }
}

/// What `msgs_per_sec` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateOf {
    Received,
    Sent,
    Acked,
    None,
}

/// What the caller knows about the run that the counters do not.
pub struct Meta {
    pub mode: String,
    pub settings: serde_json::Value,
    pub interrupted: bool,
    pub latency_note: &'static str,
    pub connections: Option<ConnReport>,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub tool: &'static str,
    pub version: &'static str,
    pub mode: String,
    pub settings: serde_json::Value,
    pub host: Host,
    pub interrupted: bool,
    pub elapsed_secs: f64,
    pub measured_secs: f64,
    pub rate_of: RateOf,
    pub counts: Counts,
    pub msgs_per_sec: f64,
    pub mb_per_sec: f64,
    pub latency_us: Percentiles,
    pub ack_latency_us: Percentiles,
    pub latency_note: &'static str,
    pub first_error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connections: Option<ConnReport>,
}

#[derive(Debug, Serialize)]
pub struct Counts {
    pub sent: u64,
    pub acked: u64,
    pub received: u64,
    pub errors: u64,
    pub measured_sent: u64,
    pub measured_acked: u64,
    pub measured_received: u64,
}

/// Latency percentiles in microseconds; all `None` when nothing was recorded.
#[derive(Debug, Default, Serialize)]
pub struct Percentiles {
    pub count: u64,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p99: Option<f64>,
    pub p999: Option<f64>,
    pub max: Option<f64>,
}

impl Percentiles {
    fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Percentiles::default();
        }
        let us = |ns: u64| Some(ns as f64 / 1e3);
        Percentiles {
            count: h.len(),
            p50: us(h.value_at_quantile(0.50)),
            p90: us(h.value_at_quantile(0.90)),
            p99: us(h.value_at_quantile(0.99)),
            p999: us(h.value_at_quantile(0.999)),
            max: us(h.max()),
        }
    }
}

/// Results of `mqtt conn`.
#[derive(Debug, Serialize)]
pub struct ConnReport {
    pub requested: u64,
    pub connected: u64,
    pub failed: u64,
    pub connect_secs: f64,
    pub connects_per_sec: f64,
    pub source_addrs: u32,
    pub first_error: Option<String>,
    pub broker_pid: Option<u32>,
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
    pub rss_per_conn_bytes: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Host {
    pub hostname: String,
    pub os: &'static str,
    pub kernel: String,
    pub cpus: usize,
}

impl Host {
    fn current() -> Self {
        let read = |p: &str| {
            std::fs::read_to_string(p)
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        Host {
            hostname: read("/proc/sys/kernel/hostname"),
            os: std::env::consts::OS,
            kernel: read("/proc/sys/kernel/osrelease"),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

fn fmt_opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"))
}

impl Report {
    /// The human summary: one table of counts and rates, one of latencies.
    pub fn table(&self) -> String {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED);
        t.set_header(vec!["metric", "value"]);
        let c = &self.counts;
        t.add_row(vec!["mode".to_string(), self.mode.clone()]);
        if self.interrupted {
            t.add_row(vec!["interrupted", "yes (partial result)"]);
        }
        t.add_row(vec![
            "elapsed / measured s".to_string(),
            format!("{:.2} / {:.2}", self.elapsed_secs, self.measured_secs),
        ]);
        if self.connections.is_none() {
            for (name, v) in [
                ("sent", c.sent),
                ("acked", c.acked),
                ("received", c.received),
                ("errors", c.errors),
            ] {
                t.add_row(vec![name.to_string(), v.to_string()]);
            }
            t.add_row(vec![
                format!("msgs/s ({:?})", self.rate_of).to_lowercase(),
                format!("{:.0}", self.msgs_per_sec),
            ]);
            t.add_row(vec!["MB/s".to_string(), format!("{:.2}", self.mb_per_sec)]);
        }
        if let Some(cr) = &self.connections {
            t.add_row(vec![
                "requested / connected / failed".to_string(),
                format!("{} / {} / {}", cr.requested, cr.connected, cr.failed),
            ]);
            t.add_row(vec![
                "connects/s".to_string(),
                format!("{:.0}", cr.connects_per_sec),
            ]);
            if let Some(r) = cr.rss_per_conn_bytes {
                t.add_row(vec!["broker RSS/conn".to_string(), format!("{r:.0} B")]);
            }
            if let Some(e) = &cr.first_error {
                t.add_row(vec!["first error".to_string(), e.clone()]);
            }
        }
        let mut l = Table::new();
        l.load_preset(UTF8_FULL_CONDENSED);
        l.set_header(vec!["latency µs", "n", "p50", "p90", "p99", "p99.9", "max"]);
        let first = if self.connections.is_some() {
            "connect"
        } else {
            "end-to-end"
        };
        for (name, p) in [(first, &self.latency_us), ("ack", &self.ack_latency_us)] {
            l.add_row(vec![
                name.to_string(),
                p.count.to_string(),
                fmt_opt(p.p50),
                fmt_opt(p.p90),
                fmt_opt(p.p99),
                fmt_opt(p.p999),
                fmt_opt(p.max),
            ]);
        }
        format!("{t}\n{l}\nlatency: {}", self.latency_note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_messages_are_excluded_from_rates_and_histograms() {
        let now = now_ns();
        let s = Stats::new(now, now + 1_000_000_000);
        s.on_sent(100, now);
        s.on_ack(100, Some(now));
        s.on_received(100, Some(now));
        let later = now + 2_000_000_000;
        s.on_sent(100, later);
        let meta = Meta {
            mode: "t".into(),
            settings: serde_json::Value::Null,
            interrupted: false,
            latency_note: "",
            connections: None,
        };
        let r = s.report(meta, RateOf::Received, now_ns());
        assert_eq!(r.counts.sent, 2);
        assert_eq!(r.counts.measured_sent, 1);
        assert_eq!(r.counts.received, 1);
        assert_eq!(r.counts.measured_received, 0);
        assert_eq!(r.latency_us.count, 0);
        assert!(r.latency_us.p50.is_none());
    }

    #[test]
    fn percentiles_in_microseconds() {
        let s = Stats::new(0, 0);
        for _ in 0..10 {
            s.record_latency(2_000);
        }
        let p = lock_percentiles(&s.e2e);
        assert_eq!(p.count, 10);
        assert!((p.p50.unwrap_or(0.0) - 2.0).abs() < 0.01);
        let v = serde_json::to_value(&p).unwrap_or_default();
        assert!(v.get("p999").is_some());
    }
}
