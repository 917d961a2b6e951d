//! `kafka produce`: producers on their own threads; acks are counted in the delivery callback.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::ClientContext;

use crate::args::KafkaArgs;
use crate::pace::{Limit, Pacer};
use crate::payload::{self, now_ns};
use crate::progress::Progress;
use crate::stats::{Meta, RateOf, Report, Stats};
use crate::{secs_ns, Ctx};

struct Ctx2 {
    stats: Arc<Stats>,
    size: usize,
}

impl ClientContext for Ctx2 {}

impl ProducerContext for Ctx2 {
    /// The message's intended send time, ns since the process base.
    type DeliveryOpaque = usize;

    fn delivery(&self, r: &DeliveryResult<'_>, intended: usize) {
        match r {
            Ok(_) => self.stats.on_ack(self.size, Some(intended as u64)),
            Err((e, _)) => self.stats.on_error_msg(format!("delivery: {e}")),
        }
    }
}

pub async fn run(a: KafkaArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let topics = a.common.topic_names();
    super::create_topics(&a, &topics).await?;
    let (stats, limit) = ctx.start(&a.common);
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    run_producers(&a, &topics, &stats, limit).await?;
    progress.finish();
    let meta = Meta {
        mode: ctx.mode,
        settings: serde_json::to_value(&a)?,
        interrupted: stats.stopped(),
        latency_note: "end-to-end not measured in produce; ack = produce call (intended time) -> delivery report",
        connections: None,
    };
    Ok(stats.report(meta, RateOf::Acked, now_ns()))
}

/// Runs `--producers` producers to completion (count, deadline or Ctrl-C) and flushes them.
pub async fn run_producers(
    a: &KafkaArgs,
    topics: &[String],
    stats: &Arc<Stats>,
    limit: Limit,
) -> anyhow::Result<()> {
    let n = u64::from(a.producers.max(1));
    let mut tasks = Vec::new();
    for i in 0..n {
        let mut cfg = super::base_config(a)?;
        cfg.set("acks", &a.acks)
            .set("compression.type", &a.compression)
            .set("linger.ms", a.linger_ms.to_string())
            .set("batch.size", a.batch_size.to_string())
            .set("message.timeout.ms", "30000")
            .set(
                "message.max.bytes",
                (a.common.size + 4096).max(1_000_000).to_string(),
            );
        let txn = a.transaction_records;
        if txn > 0 {
            let id = format!("robustmq-bench-{}-{i}", payload::run_nonce());
            cfg.set("transactional.id", id);
        }
        let producer: ThreadedProducer<Ctx2> = cfg
            .create_with_context(Ctx2 {
                stats: stats.clone(),
                size: a.common.size,
            })
            .context("creating a producer")?;
        if txn > 0 {
            let p = &producer;
            tokio::task::block_in_place(|| p.init_transactions(Duration::from_secs(30)))
                .context("initialising transactions")?;
        }
        let (topics, stats) = (topics.to_vec(), stats.clone());
        let (size, rate, drain) = (a.common.size, a.common.rate / n as f64, a.common.drain);
        let limit = limit.share(i, n);
        tasks.push(tokio::task::spawn_blocking(move || {
            produce_loop(&producer, &topics, size, rate, limit, txn, &stats);
            let wait = Duration::from_nanos(secs_ns(drain)).max(Duration::from_secs(1));
            if producer.flush(wait).is_err() {
                let left = producer.in_flight_count().max(0) as u64;
                for _ in 0..left {
                    stats.on_error();
                }
                stats.on_error_msg(format!("{left} messages not acknowledged after {drain} s"));
            }
        }));
    }
    for t in tasks {
        t.await.context("producer thread")?;
    }
    Ok(())
}

fn produce_loop(
    p: &ThreadedProducer<Ctx2>,
    topics: &[String],
    size: usize,
    rate: f64,
    limit: Limit,
    txn: u64,
    stats: &Stats,
) {
    let mut buf = payload::make(size);
    let timeout = Duration::from_secs(30);
    // Ends the open transaction (commit flushes it); a failure is counted, and the run stops
    // producing transactionally since the producer may be fenced or in error.
    let commit = |open: &mut bool| {
        if !*open {
            return true;
        }
        *open = false;
        // Wait for the delivery reports here: rust-rdkafka's flush (which commit_transaction
        // calls) polls in 100 ms steps that the threaded producer's own poll thread makes it
        // sit out, which would add up to 100 ms to every transaction.
        let deadline = std::time::Instant::now() + timeout;
        while p.in_flight_count() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(100));
        }
        match p.commit_transaction(timeout) {
            Ok(()) => true,
            Err(e) => {
                stats.on_error_msg(format!("commit: {e}"));
                false
            }
        }
    };
    let mut open = false;
    let nonce = payload::run_nonce();
    let pacer = Pacer::new(now_ns(), rate);
    let mut i = 0u64;
    while !stats.stopped() && !limit.done(i, now_ns()) {
        let due = pacer.due(i);
        if due >= limit.deadline_ns {
            break;
        }
        if let Some(w) = Pacer::wait(due) {
            std::thread::sleep(w);
        }
        if txn > 0 && i.is_multiple_of(txn) {
            if !commit(&mut open) {
                return;
            }
            if let Err(e) = p.begin_transaction() {
                stats.on_error_msg(format!("begin: {e}"));
                return;
            }
            open = true;
        }
        payload::stamp(&mut buf, due, nonce);
        let topic = &topics[(i % topics.len() as u64) as usize];
        let mut rec =
            BaseRecord::<(), [u8], usize>::with_opaque_to(topic, due as usize).payload(&buf);
        loop {
            match p.send(rec) {
                Ok(()) => {
                    stats.on_sent(size, due);
                    break;
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    if stats.stopped() {
                        return;
                    }
                    rec = r;
                    std::thread::sleep(Duration::from_micros(200));
                }
                Err((e, _)) => {
                    stats.on_error_msg(format!("produce: {e}"));
                    break;
                }
            }
        }
        i += 1;
    }
    commit(&mut open);
}
