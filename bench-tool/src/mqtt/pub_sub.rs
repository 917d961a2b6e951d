//! `mqtt pub|sub|pubsub` over rumqttc (MQTT 3.1.1). Each connection's event loop runs in its own
//! task; senders and the stop logic talk to it only through the client handle and counters.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::client::{new_client, Client, Ev, Loop};
use crate::args::MqttArgs;
use crate::pace::{Limit, Pacer, Until};
use crate::payload::{self, now_ns};
use crate::progress::Progress;
use crate::stats::{Meta, RateOf, Report, Stats};
use crate::{secs_ns, Ctx};

const READY_TIMEOUT: Duration = Duration::from_secs(10);

fn client_id(kind: &str, i: u32) -> String {
    format!("rmqb-{:x}-{kind}{i}", payload::run_nonce() & 0xffff_ffff)
}

fn meta(a: &MqttArgs, ctx: Ctx, stats: &Stats, note: &'static str) -> anyhow::Result<Meta> {
    Ok(Meta {
        mode: ctx.mode,
        settings: serde_json::to_value(a)?,
        interrupted: stats.stopped(),
        latency_note: note,
        connections: None,
    })
}

pub async fn run_pub(a: MqttArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (stats, limit) = ctx.start(&a.common);
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    run_publishers(&a, &stats, limit).await?;
    progress.finish();
    let rate_of = if a.qos == 0 {
        RateOf::Sent
    } else {
        RateOf::Acked
    };
    let note = "end-to-end not measured in pub; ack = publish (intended time) -> PUBACK/PUBCOMP";
    Ok(stats.report(meta(&a, ctx, &stats, note)?, rate_of, now_ns()))
}

pub async fn run_sub(a: MqttArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (stats, limit) = ctx.start(&a.common);
    let until = Arc::new(Until::new(limit.count, limit.deadline_ns));
    let subs = start_subscribers(&a, &stats).await?;
    eprintln!("ready: {} subscriber(s) subscribed", subs.len());
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    finish_subscribers(subs, &stats, &until).await;
    progress.finish();
    let note = "not measured in sub: payload times come from another process (use pubsub)";
    Ok(stats.report(meta(&a, ctx, &stats, note)?, RateOf::Received, now_ns()))
}

pub async fn run_pubsub(a: MqttArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (stats, limit) = ctx.start(&a.common);
    let drain = secs_ns(a.common.drain);
    let until = Arc::new(Until::new(None, limit.deadline_ns.saturating_add(drain)));
    let subs = start_subscribers(&a, &stats).await?;
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    run_publishers(&a, &stats, limit).await?;
    let expected = stats.sent.load(Relaxed) * u64::from(a.subscribers.max(1));
    until.senders_done(expected, Duration::from_nanos(drain));
    finish_subscribers(subs, &stats, &until).await;
    progress.finish();
    let note = "end-to-end = intended send time in payload -> arrival at subscriber; ack = publish -> PUBACK/PUBCOMP";
    Ok(stats.report(meta(&a, ctx, &stats, note)?, RateOf::Received, now_ns()))
}

/// One connection's event loop: counts what it sees until the connection ends.
struct Conn {
    client: Client,
    task: JoinHandle<()>,
}

impl Conn {
    async fn close(self) {
        self.client.disconnect().await;
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(2), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

/// Publisher-side shared state: intended times queued in publish order, and what is outstanding.
#[derive(Default)]
struct PubState {
    queued: Mutex<VecDeque<u64>>,
    outstanding: AtomicU64,
}

async fn run_publishers(a: &MqttArgs, stats: &Arc<Stats>, limit: Limit) -> anyhow::Result<()> {
    let n = a.publishers.max(1);
    let topics = a.common.topic_names();
    let mut tasks = Vec::new();
    for i in 0..n {
        let (client, el) = new_client(a, client_id("p", i), 64)?;
        let st = Arc::new(PubState::default());
        let (ready_tx, ready_rx) = oneshot::channel();
        let task = tokio::spawn(pub_events(
            el,
            stats.clone(),
            st.clone(),
            a.common.size,
            ready_tx,
        ));
        let conn = Conn { client, task };
        let job = PubJob {
            topics: topics.clone(),
            qos: a.qos,
            size: a.common.size,
            rate: a.common.rate / f64::from(n),
            limit: limit.share(u64::from(i), u64::from(n)),
            drain: Duration::from_nanos(secs_ns(a.common.drain)),
        };
        let stats = stats.clone();
        tasks.push(tokio::spawn(async move {
            match tokio::time::timeout(READY_TIMEOUT, ready_rx).await {
                Ok(Ok(())) => {
                    // Pacing needs sub-millisecond sleeps, which tokio timers do not give: the
                    // send loop runs on a blocking thread and hands each publish to the runtime.
                    let (h, c, s) = (
                        tokio::runtime::Handle::current(),
                        conn.client.clone(),
                        stats.clone(),
                    );
                    let r = tokio::task::spawn_blocking(move || job.publish(&h, &c, &st, &s)).await;
                    if r.is_err() {
                        stats.on_error_msg("publisher thread failed");
                    }
                }
                _ => stats.on_error_msg("publisher: no CONNACK"),
            }
            conn.close().await;
        }));
    }
    for t in tasks {
        t.await.context("publisher task")?;
    }
    Ok(())
}

struct PubJob {
    topics: Vec<String>,
    qos: u8,
    size: usize,
    rate: f64,
    limit: Limit,
    drain: Duration,
}

impl PubJob {
    fn publish(&self, rt: &Handle, client: &Client, st: &PubState, stats: &Stats) {
        let mut buf = payload::make(self.size);
        let nonce = payload::run_nonce();
        let pacer = Pacer::new(now_ns(), self.rate);
        let mut i = 0u64;
        while !stats.stopped() && !self.limit.done(i, now_ns()) {
            let due = pacer.due(i);
            if due >= self.limit.deadline_ns {
                break;
            }
            if let Some(w) = Pacer::wait(due) {
                std::thread::sleep(w);
            }
            payload::stamp(&mut buf, due, nonce);
            if let Ok(mut q) = st.queued.lock() {
                q.push_back(due);
            }
            st.outstanding.fetch_add(1, Relaxed);
            let topic = &self.topics[(i % self.topics.len() as u64) as usize];
            if let Err(e) = rt.block_on(client.publish(topic, self.qos, buf.clone())) {
                stats.on_error_msg(format!("publish: {e}"));
                break;
            }
            i += 1;
        }
        let until = now_ns().saturating_add(self.drain.as_nanos() as u64);
        while st.outstanding.load(Relaxed) > 0 && now_ns() < until && !stats.stopped() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let left = st.outstanding.load(Relaxed);
        if left > 0 && !stats.stopped() {
            stats.on_error_msg(format!("{left} publishes not acknowledged in time"));
        }
    }
}

async fn pub_events(
    mut el: Loop,
    stats: Arc<Stats>,
    st: Arc<PubState>,
    size: usize,
    ready: oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    let mut pending: HashMap<u16, u64> = HashMap::new();
    loop {
        match el.next().await {
            Ev::ConnAck => {
                if let Some(r) = ready.take() {
                    let _ = r.send(());
                }
            }
            Ev::Sent(pkid) => {
                let due = st.queued.lock().ok().and_then(|mut q| q.pop_front());
                if let Some(due) = due {
                    stats.on_sent(size, due);
                    if pkid == 0 {
                        st.outstanding.fetch_sub(1, Relaxed);
                    } else {
                        pending.insert(pkid, due);
                    }
                }
            }
            Ev::Acked(pkid) => {
                if let Some(due) = pending.remove(&pkid) {
                    stats.on_ack(size, Some(due));
                    st.outstanding.fetch_sub(1, Relaxed);
                }
            }
            Ev::Closed => break,
            Ev::Error(e) => {
                stats.on_error_msg(format!("publisher connection: {e}"));
                break;
            }
            Ev::SubAck | Ev::Received(..) | Ev::Other => {}
        }
    }
}

async fn start_subscribers(a: &MqttArgs, stats: &Arc<Stats>) -> anyhow::Result<Vec<Conn>> {
    let topics = a.common.topic_names();
    let mut out = Vec::new();
    let mut waits = Vec::new();
    for i in 0..a.subscribers.max(1) {
        let (client, el) = new_client(a, client_id("s", i), 16)?;
        let (ready_tx, ready_rx) = oneshot::channel();
        let task = tokio::spawn(sub_events(
            el,
            client.clone(),
            topics.clone(),
            a.qos,
            stats.clone(),
            ready_tx,
        ));
        out.push(Conn { client, task });
        waits.push(ready_rx);
    }
    for w in waits {
        match tokio::time::timeout(READY_TIMEOUT, w).await {
            Ok(Ok(())) => {}
            _ => {
                for c in out {
                    c.close().await;
                }
                bail!("a subscriber did not connect and subscribe within {READY_TIMEOUT:?} (see the first error above)");
            }
        }
    }
    Ok(out)
}

/// Waits until the run's stop condition holds, then disconnects every subscriber.
async fn finish_subscribers(subs: Vec<Conn>, stats: &Stats, until: &Until) {
    while !until.reached(stats) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for c in subs {
        c.close().await;
    }
}

async fn sub_events(
    mut el: Loop,
    client: Client,
    topics: Vec<String>,
    qos: u8,
    stats: Arc<Stats>,
    ready: oneshot::Sender<()>,
) {
    let mut ready = Some(ready);
    loop {
        match el.next().await {
            Ev::ConnAck => {
                if let Err(e) = client.try_subscribe(&topics, qos) {
                    stats.on_error_msg(format!("subscribe: {e}"));
                }
            }
            Ev::SubAck => {
                if let Some(r) = ready.take() {
                    let _ = r.send(());
                }
            }
            Ev::Received(len, sent_ns) => stats.on_received(len, sent_ns),
            Ev::Closed => break,
            Ev::Error(e) => {
                stats.on_error_msg(format!("subscriber connection: {e}"));
                break;
            }
            Ev::Sent(_) | Ev::Acked(_) | Ev::Other => {}
        }
    }
}
