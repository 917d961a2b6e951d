//! `kafka e2e`: consumers assigned at the current end, then producers; end-to-end latency is
//! the time from a message's (intended) send time in its payload to its arrival.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::consume::{create_consumers, spawn_consumers, From};
use crate::args::KafkaArgs;
use crate::pace::Until;
use crate::payload::now_ns;
use crate::progress::Progress;
use crate::stats::{Meta, RateOf, Report};
use crate::{secs_ns, Ctx};

pub async fn run(a: KafkaArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let topics = a.common.topic_names();
    super::create_topics(&a, &topics).await?;
    let consumers = create_consumers(&a, &topics, From::End)?;
    let (stats, limit) = ctx.start(&a.common);
    let drain = secs_ns(a.common.drain);
    let until = Arc::new(Until::new(None, limit.deadline_ns.saturating_add(drain)));
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    let tasks = spawn_consumers(consumers, &stats, &until);
    super::produce::run_producers(&a, &topics, &stats, limit).await?;
    until.senders_done(stats.acked.load(Relaxed), Duration::from_nanos(drain));
    for t in tasks {
        t.await.context("consumer thread")?;
    }
    progress.finish();
    let meta = Meta {
        mode: ctx.mode,
        settings: serde_json::to_value(&a)?,
        interrupted: stats.stopped(),
        latency_note: "end-to-end = intended send time in payload -> consumer poll; ack = produce -> delivery report",
        connections: None,
    };
    Ok(stats.report(meta, RateOf::Received, now_ns()))
}
