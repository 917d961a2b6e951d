//! Watch: live counters for `robustmq top`, one snapshot per interval, rates computed here from
//! the metrics' cumulative counters so every client sees the same numbers.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use robustmq_api::admin::*;
use robustmq_broker::metrics::{TopicTotals, PROTOCOLS};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::{AdminService, BoxStream};

const MIN_INTERVAL_MS: u32 = 100;
/// Directory walks are the costly part of a snapshot; refresh data-dir usage this often.
const NODE_REFRESH: Duration = Duration::from_secs(5);

fn rates(now: TopicTotals, before: Option<TopicTotals>, secs: f64) -> Rates {
    let per_sec = |n: u64, b: u64| {
        if secs > 0.0 {
            n.saturating_sub(b) as f64 / secs
        } else {
            0.0
        }
    };
    let b = before.unwrap_or(now);
    Rates {
        messages_in_per_sec: per_sec(now.records_in, b.records_in),
        bytes_in_per_sec: per_sec(now.bytes_in, b.bytes_in),
        messages_out_per_sec: per_sec(now.records_out, b.records_out),
        bytes_out_per_sec: per_sec(now.bytes_out, b.bytes_out),
        messages_in_total: now.records_in,
        bytes_in_total: now.bytes_in,
        messages_out_total: now.records_out,
        bytes_out_total: now.bytes_out,
    }
}

fn sum(a: TopicTotals, b: TopicTotals) -> TopicTotals {
    TopicTotals {
        records_in: a.records_in + b.records_in,
        bytes_in: a.bytes_in + b.bytes_in,
        records_out: a.records_out + b.records_out,
        bytes_out: a.bytes_out + b.bytes_out,
    }
}

impl AdminService {
    pub(super) fn watch(&self, req: WatchRequest) -> BoxStream<WatchSnapshot> {
        let interval = Duration::from_millis(u64::from(match req.interval_ms {
            0 => 1000,
            n => n.max(MIN_INTERVAL_MS),
        }));
        let (tx, rx) = mpsc::channel(2);
        let this = self.clone();
        let mut shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            let mut before: HashMap<String, TopicTotals> = HashMap::new();
            let mut total_before: Option<TopicTotals> = None;
            let mut last = Instant::now();
            let mut node: Option<(Instant, NodeStatus)> = None;
            let mut tick = tokio::time::interval(interval);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = tx.closed() => return,
                    _ = shutdown.changed() => return,
                }
                let secs = last.elapsed().as_secs_f64();
                last = Instant::now();
                let node_status = match &node {
                    Some((at, n)) if at.elapsed() < NODE_REFRESH => {
                        let mut n = n.clone();
                        n.uptime_seconds = this.started.elapsed().as_secs();
                        n
                    }
                    _ => {
                        let n = this.node_status().await;
                        node = Some((Instant::now(), n.clone()));
                        n
                    }
                };
                let snapshot = this
                    .snapshot(node_status, secs, &mut before, &mut total_before)
                    .await;
                if tx.send(Ok(snapshot)).await.is_err() {
                    return;
                }
            }
        });
        Box::pin(ReceiverStream::new(rx))
    }

    async fn snapshot(
        &self,
        node: NodeStatus,
        secs: f64,
        before: &mut HashMap<String, TopicTotals>,
        total_before: &mut Option<TopicTotals>,
    ) -> WatchSnapshot {
        let metrics = &self.broker.metrics;
        let mut total = TopicTotals::default();
        let mut topics = Vec::new();
        let mut now_totals = HashMap::new();
        for t in self.broker.topics.list() {
            let now = metrics.topic_totals(&t.name);
            total = sum(total, now);
            let size_bytes = (0..t.partitions)
                .filter_map(|p| self.broker.topics.partition(&t.name, p))
                .filter_map(|p| p.stats().ok())
                .map(|s| s.size_bytes)
                .sum();
            topics.push(TopicRates {
                rates: Some(rates(now, before.get(&t.name).copied(), secs)),
                topic: t.name.clone(),
                partitions: t.partitions,
                size_bytes,
            });
            now_totals.insert(t.name, now);
        }
        *before = now_totals;
        let total_rates = rates(total, *total_before, secs);
        *total_before = Some(total);
        let groups = self.group_summaries().await.unwrap_or_default();
        WatchSnapshot {
            timestamp_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
            nodes: vec![node],
            connections: PROTOCOLS
                .iter()
                .map(|p| ProtocolConnections {
                    protocol: (*p).to_string(),
                    connections: metrics.connections_of(p),
                })
                .collect(),
            total: Some(total_rates),
            topics,
            groups,
        }
    }
}
