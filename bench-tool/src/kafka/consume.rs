//! `kafka consume`: consumers on their own threads, reading from assigned partitions (or a group).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Message, Offset, TopicPartitionList};

use crate::args::KafkaArgs;
use crate::pace::Until;
use crate::payload::{self, now_ns};
use crate::progress::Progress;
use crate::stats::{Meta, RateOf, Report, Stats};
use crate::Ctx;

/// Where consumers start reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    Beginning,
    /// Each partition's high watermark at start.
    End,
}

pub async fn run(a: KafkaArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let topics = a.common.topic_names();
    let (stats, limit) = ctx.start(&a.common);
    let until = Arc::new(Until::new(limit.count, limit.deadline_ns));
    let consumers = create_consumers(&a, &topics, From::Beginning)?;
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    let tasks = spawn_consumers(consumers, &stats, &until);
    finish(
        tasks,
        progress,
        &a,
        &ctx,
        &stats,
        "not measured in consume: payload times come from another process (use e2e)",
    )
    .await
}

/// Waits for the consumer threads, then reports on received messages (consume and e2e).
pub(super) async fn finish(
    tasks: Vec<tokio::task::JoinHandle<()>>,
    progress: Progress,
    a: &KafkaArgs,
    ctx: &Ctx,
    stats: &Arc<Stats>,
    latency_note: &'static str,
) -> anyhow::Result<Report> {
    for t in tasks {
        t.await.context("consumer thread")?;
    }
    progress.finish();
    let meta = Meta {
        mode: ctx.mode.clone(),
        settings: serde_json::to_value(a)?,
        interrupted: stats.stopped(),
        latency_note,
        connections: None,
    };
    Ok(stats.report(meta, RateOf::Received, now_ns()))
}

/// Creates `--consumers` consumers. Without `--group` the partitions of all topics are spread
/// over them and assigned at `from`; with it each one subscribes.
pub fn create_consumers(
    a: &KafkaArgs,
    topics: &[String],
    from: From,
) -> anyhow::Result<Vec<BaseConsumer>> {
    let n = a.consumers.max(1) as usize;
    let mut out = Vec::with_capacity(n);
    let group = a
        .group
        .clone()
        .unwrap_or_else(|| format!("robustmq-bench-{:x}", payload::run_nonce()));
    for _ in 0..n {
        let mut cfg = super::base_config(a)?;
        cfg.set("group.id", &group)
            .set("enable.auto.commit", "false")
            .set("auto.offset.reset", "earliest")
            .set("enable.partition.eof", "false");
        let c: BaseConsumer = cfg.create().context("creating a consumer")?;
        out.push(c);
    }
    if a.group.is_some() {
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        for c in &out {
            c.subscribe(&names).context("subscribing")?;
        }
        return Ok(out);
    }
    let timeout = Duration::from_secs(10);
    let mut lists = vec![TopicPartitionList::new(); n];
    let mut k = 0usize;
    for t in topics {
        let md = out[0]
            .fetch_metadata(Some(t), timeout)
            .with_context(|| format!("metadata for topic {t}"))?;
        let parts: Vec<i32> = md
            .topics()
            .iter()
            .filter(|mt| mt.name() == t && mt.error().is_none())
            .flat_map(|mt| mt.partitions().iter().map(|p| p.id()))
            .collect();
        if parts.is_empty() {
            bail!("topic {t} does not exist or has no partitions");
        }
        for p in parts {
            let offset = match from {
                From::Beginning => Offset::Beginning,
                From::End => {
                    let (_, high) = out[0]
                        .fetch_watermarks(t, p, timeout)
                        .with_context(|| format!("watermarks of {t}/{p}"))?;
                    Offset::Offset(high)
                }
            };
            lists[k % n]
                .add_partition_offset(t, p, offset)
                .context("building the assignment")?;
            k += 1;
        }
    }
    if k < n {
        eprintln!(
            "note: {n} consumers but {k} partitions: {} stay idle",
            n - k
        );
    }
    for (c, l) in out.iter().zip(&lists) {
        c.assign(l).context("assigning partitions")?;
    }
    Ok(out)
}

/// Runs each consumer on its own thread until `until` is reached.
pub fn spawn_consumers(
    consumers: Vec<BaseConsumer>,
    stats: &Arc<Stats>,
    until: &Arc<Until>,
) -> Vec<tokio::task::JoinHandle<()>> {
    consumers
        .into_iter()
        .map(|c| {
            let (stats, until) = (stats.clone(), until.clone());
            tokio::task::spawn_blocking(move || consume_loop(&c, &stats, &until))
        })
        .collect()
}

fn consume_loop(c: &BaseConsumer, stats: &Stats, until: &Until) {
    let nonce = payload::run_nonce();
    while !until.reached(stats) {
        match c.poll(Duration::from_millis(100)) {
            None => {}
            Some(Ok(m)) => {
                let p = m.payload().unwrap_or_default();
                stats.on_received(p.len(), payload::read(p, nonce, now_ns()));
            }
            Some(Err(e)) => stats.on_error_msg(format!("consume: {e}")),
        }
    }
}
