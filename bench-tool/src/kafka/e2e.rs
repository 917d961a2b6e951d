//! `kafka e2e`: consumers assigned at the current end, then producers; end-to-end latency is
//! the time from a message's (intended) send time in its payload to its arrival.

use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use super::consume::{create_consumers, spawn_consumers, From};
use crate::args::KafkaArgs;
use crate::pace::Until;
use crate::progress::Progress;
use crate::stats::Report;
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
    super::consume::finish(
        tasks,
        progress,
        &a,
        &ctx,
        &stats,
        "end-to-end = intended send time in payload -> consumer poll; ack = produce -> delivery report",
    )
    .await
}
