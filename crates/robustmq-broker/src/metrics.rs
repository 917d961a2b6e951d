//! Prometheus metrics shared by every protocol server, rendered as text on `/metrics`.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use robustmq_journal::LogStore;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ProtocolLabels {
    pub protocol: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ApiLabels {
    pub protocol: &'static str,
    pub api: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TopicLabels {
    pub topic: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PartitionLabels {
    pub topic: String,
    pub partition: String,
}

/// Protocols whose connections are counted, in the order the admin API reports them.
pub const PROTOCOLS: &[&str] = &["mqtt", "kafka", "amqp"];

/// Cumulative record and byte counts of one topic since the daemon started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TopicTotals {
    pub records_in: u64,
    pub bytes_in: u64,
    pub records_out: u64,
    pub bytes_out: u64,
}

fn latency_histogram() -> Histogram {
    // 50 µs .. ~26 s
    Histogram::new(exponential_buckets(0.00005, 2.0, 20))
}

pub struct Metrics {
    registry: Registry,
    pub connections: Family<ProtocolLabels, Gauge>,
    pub connections_total: Family<ProtocolLabels, Counter>,
    pub requests: Family<ApiLabels, Counter>,
    pub request_seconds: Family<ApiLabels, Histogram, fn() -> Histogram>,
    pub bytes_in: Family<TopicLabels, Counter>,
    pub bytes_out: Family<TopicLabels, Counter>,
    pub records_in: Family<TopicLabels, Counter>,
    pub records_out: Family<TopicLabels, Counter>,
    log_size: Family<PartitionLabels, Gauge<u64, AtomicU64>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("robustmq");
        let m = Metrics {
            connections: Family::default(),
            connections_total: Family::default(),
            requests: Family::default(),
            request_seconds: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            bytes_in: Family::default(),
            bytes_out: Family::default(),
            records_in: Family::default(),
            records_out: Family::default(),
            log_size: Family::default(),
            registry: Registry::default(),
        };
        registry.register(
            "connections",
            "Open client connections",
            m.connections.clone(),
        );
        registry.register(
            "connections_accepted",
            "Client connections accepted",
            m.connections_total.clone(),
        );
        registry.register("requests", "Requests handled", m.requests.clone());
        registry.register(
            "request_duration_seconds",
            "Time to answer a request",
            m.request_seconds.clone(),
        );
        registry.register("bytes_in", "Record bytes appended", m.bytes_in.clone());
        registry.register(
            "bytes_out",
            "Record bytes served to consumers",
            m.bytes_out.clone(),
        );
        registry.register("records_in", "Records appended", m.records_in.clone());
        registry.register(
            "records_out",
            "Records served to consumers",
            m.records_out.clone(),
        );
        registry.register(
            "log_size_bytes",
            "Bytes stored per partition",
            m.log_size.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Open connections of one protocol.
    pub fn connections_of(&self, protocol: &'static str) -> i64 {
        self.connections
            .get(&ProtocolLabels { protocol })
            .map(|g| g.get())
            .unwrap_or(0)
    }

    /// A topic's counters (zero for a topic without traffic yet).
    pub fn topic_totals(&self, topic: &str) -> TopicTotals {
        let labels = TopicLabels {
            topic: topic.to_string(),
        };
        let read = |f: &Family<TopicLabels, Counter>| f.get(&labels).map(|c| c.get()).unwrap_or(0);
        TopicTotals {
            records_in: read(&self.records_in),
            bytes_in: read(&self.bytes_in),
            records_out: read(&self.records_out),
            bytes_out: read(&self.bytes_out),
        }
    }

    /// Renders every metric, refreshing the per-partition sizes from the journal first.
    pub fn render(&self, journal: &dyn LogStore) -> String {
        for p in journal.partitions() {
            if let Ok(stats) = p.stats() {
                self.log_size
                    .get_or_create(&PartitionLabels {
                        topic: p.topic().to_string(),
                        partition: p.id().to_string(),
                    })
                    .set(stats.size_bytes);
            }
        }
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
