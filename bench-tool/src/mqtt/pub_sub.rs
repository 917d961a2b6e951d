//! `mqtt pub|sub|pubsub`: every connection runs on its own OS threads over [`wire`]. A
//! publisher's sender writes every publish that is due (up to the in-flight window) in one
//! write; its reader counts acknowledgements. A subscriber reads, counts and answers in one
//! thread.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use anyhow::{bail, Context};
use bytes::BytesMut;
use robustmq_mqtt::codec::{Packet, PacketType, ProtocolVersion, QoS};

use super::wire::{self, PublishTemplate, Wire, Writer, POLL};
use crate::args::MqttArgs;
use crate::pace::{Limit, Pacer, Until};
use crate::payload::{self, now_ns, HEADER_LEN};
use crate::progress::Progress;
use crate::stats::{Meta, RateOf, Report, Stats};
use crate::threads::{blocking, join_all, spawn};
use crate::{secs_ns, Ctx};

pub const DEFAULT_TARGET: &str = "127.0.0.1:1883";

/// A sender writes once it has this many bytes of due publishes (or nothing more is due).
const BATCH_BYTES: usize = 64 * 1024;

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

/// What every connection of a run needs from the arguments.
#[derive(Clone)]
struct Plan {
    target: String,
    version: ProtocolVersion,
    qos: QoS,
    retain: bool,
    topics: Vec<String>,
    size: usize,
    /// Messages per second over all publishers (0: as fast as possible).
    rate: f64,
    inflight: u16,
    drain: Duration,
}

impl Plan {
    fn new(a: &MqttArgs) -> anyhow::Result<Plan> {
        Ok(Plan {
            target: a.common.target_or(DEFAULT_TARGET),
            version: wire::version(a.mqtt_version)?,
            qos: wire::qos(a.qos),
            retain: a.retain,
            topics: a.common.topic_names(),
            size: a.common.size,
            rate: a.common.rate,
            inflight: a.inflight.max(1),
            drain: Duration::from_nanos(secs_ns(a.common.drain)),
        })
    }
}

pub async fn run_pub(a: MqttArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (stats, limit) = ctx.start(&a.common);
    let plan = Plan::new(&a)?;
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    let (s, n) = (stats.clone(), a.publishers.max(1));
    blocking(move || run_publishers(&plan, n, &s, limit)).await?;
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
    let plan = Plan::new(&a)?;
    let until = Arc::new(Until::new(limit.count, limit.deadline_ns));
    let (s, n) = (stats.clone(), a.subscribers.max(1));
    let subs = blocking(move || start_subscribers(&plan, n, &s, &until)).await?;
    eprintln!("ready: {} subscriber(s) subscribed", subs.len());
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    blocking(move || {
        join_all(subs);
        Ok(())
    })
    .await?;
    progress.finish();
    let note = "not measured in sub: payload times come from another process (use pubsub)";
    Ok(stats.report(meta(&a, ctx, &stats, note)?, RateOf::Received, now_ns()))
}

pub async fn run_pubsub(a: MqttArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (stats, limit) = ctx.start(&a.common);
    let plan = Plan::new(&a)?;
    let drain = secs_ns(a.common.drain);
    let until = Arc::new(Until::new(None, limit.deadline_ns.saturating_add(drain)));
    let (s, n_sub, n_pub) = (stats.clone(), a.subscribers.max(1), a.publishers.max(1));
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    blocking(move || {
        let subs = start_subscribers(&plan, n_sub, &s, &until)?;
        let published = run_publishers(&plan, n_pub, &s, limit);
        let expected = s.sent.load(Relaxed) * u64::from(n_sub);
        until.senders_done(expected, plan.drain);
        join_all(subs);
        published
    })
    .await?;
    progress.finish();
    let note = "end-to-end = intended send time in payload -> arrival at subscriber; ack = publish -> PUBACK/PUBCOMP";
    Ok(stats.report(meta(&a, ctx, &stats, note)?, RateOf::Received, now_ns()))
}

// ------------------------------------------------------------------------------- publishers

/// Connects every publisher first (so a refused connection fails the run before it starts),
/// then runs them until the limit and waits for their acknowledgements.
fn run_publishers(plan: &Plan, n: u32, stats: &Arc<Stats>, limit: Limit) -> anyhow::Result<()> {
    let wires = (0..n)
        .map(|i| Wire::connect(&plan.target, plan.version, &client_id("p", i)))
        .collect::<anyhow::Result<Vec<_>>>()
        .context("publisher")?;
    let mut threads = Vec::new();
    for (i, w) in (0u32..).zip(wires) {
        let job = Publisher {
            plan: plan.clone(),
            rate: plan.rate / f64::from(n),
            limit: limit.share(u64::from(i), u64::from(n)),
            stats: stats.clone(),
            flight: Arc::new(Flight::default()),
        };
        threads.push(spawn(format!("pub{i}"), move || {
            if let Err(e) = job.run(w) {
                job.stats.on_error_msg(format!("publisher: {e:#}"));
            }
        })?);
    }
    join_all(threads);
    Ok(())
}

/// QoS 1/2 publishes waiting for their acknowledgement: packet id -> intended send time.
#[derive(Default)]
struct Flight {
    pending: Mutex<HashMap<u16, u64>>,
    changed: Condvar,
    /// The reader is gone (connection closed or sender finished).
    closed: AtomicBool,
}

impl Flight {
    fn lock(&self) -> MutexGuard<'_, HashMap<u16, u64>> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits up to one poll interval for a change.
    fn wait<'a>(&self, g: MutexGuard<'a, HashMap<u16, u64>>) -> MutexGuard<'a, HashMap<u16, u64>> {
        match self.changed.wait_timeout(g, POLL) {
            Ok((g, _)) => g,
            Err(p) => p.into_inner().0,
        }
    }
}

struct Publisher {
    plan: Plan,
    rate: f64,
    limit: Limit,
    stats: Arc<Stats>,
    flight: Arc<Flight>,
}

/// Publishes stamped but not yet written: the bytes and each one's intended time.
struct Batch {
    bytes: Vec<u8>,
    due: Vec<u64>,
}

impl Publisher {
    fn run(&self, w: Wire) -> anyhow::Result<()> {
        let v = w.version;
        let writer = w.writer.clone();
        let window = usize::from(self.plan.inflight.min(w.receive_maximum.max(1)));
        let reader = {
            let (f, s, size) = (self.flight.clone(), self.stats.clone(), self.plan.size);
            spawn("pub-acks".into(), move || read_acks(w, &f, &s, size))?
        };
        let sent = self.send_all(&writer, window);
        let drained = sent.and_then(|()| self.drain());
        writer.close(v);
        self.flight.closed.store(true, Relaxed);
        let _ = reader.join();
        drained
    }

    fn send_all(&self, writer: &Writer, window: usize) -> anyhow::Result<()> {
        let p = &self.plan;
        let body = payload::make(p.size);
        let templates = p
            .topics
            .iter()
            .map(|t| PublishTemplate::new(p.version, t, p.qos, p.retain, &body))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let nonce = payload::run_nonce();
        let mut head = body[..p.size.min(HEADER_LEN)].to_vec();
        let mut batch = Batch {
            bytes: Vec::with_capacity(BATCH_BYTES + 2 * body.len() + 64),
            due: Vec::new(),
        };
        let pacer = Pacer::new(now_ns(), self.rate);
        let (mut i, mut id) = (0u64, 0u16);
        while !self.stats.stopped() && !self.limit.done(i, now_ns()) {
            let due = pacer.due(i);
            if due >= self.limit.deadline_ns || self.flight.closed.load(Relaxed) {
                break;
            }
            if !batch.due.is_empty() && (due > now_ns() || batch.bytes.len() >= BATCH_BYTES) {
                self.flush(writer, &mut batch)?;
            }
            if let Some(wait) = Pacer::wait(due) {
                thread::sleep(wait);
            }
            if p.qos != QoS::AtMostOnce {
                match self.take_id(writer, &mut batch, window, id, due)? {
                    Some(next) => id = next,
                    None => break,
                }
            }
            payload::stamp(&mut head, due, nonce);
            templates[(i % templates.len() as u64) as usize].put(&mut batch.bytes, id, &head);
            batch.due.push(due);
            i += 1;
        }
        self.flush(writer, &mut batch)
    }

    /// Reserves the packet id after `last` that is free, once the window has room (writing
    /// what is batched first: those are the publishes whose acks make room). `None`: stopped.
    fn take_id(
        &self,
        writer: &Writer,
        batch: &mut Batch,
        window: usize,
        last: u16,
        due: u64,
    ) -> anyhow::Result<Option<u16>> {
        let mut pending = self.flight.lock();
        if pending.len() >= window {
            drop(pending);
            self.flush(writer, batch)?;
            pending = self.flight.lock();
            while pending.len() >= window {
                if self.stats.stopped() || self.flight.closed.load(Relaxed) {
                    return Ok(None);
                }
                pending = self.flight.wait(pending);
            }
        }
        let mut id = last;
        loop {
            id = id.wrapping_add(1);
            if id != 0 && !pending.contains_key(&id) {
                break;
            }
        }
        pending.insert(id, due);
        Ok(Some(id))
    }

    fn flush(&self, writer: &Writer, batch: &mut Batch) -> anyhow::Result<()> {
        if batch.due.is_empty() {
            return Ok(());
        }
        writer.send(&batch.bytes).context("writing publishes")?;
        for due in batch.due.drain(..) {
            self.stats.on_sent(self.plan.size, due);
        }
        batch.bytes.clear();
        Ok(())
    }

    /// Waits up to the drain time for the outstanding acknowledgements.
    fn drain(&self) -> anyhow::Result<()> {
        let until = now_ns().saturating_add(self.plan.drain.as_nanos() as u64);
        let mut pending = self.flight.lock();
        while !pending.is_empty() && now_ns() < until && !self.stats.stopped() {
            if self.flight.closed.load(Relaxed) {
                break;
            }
            pending = self.flight.wait(pending);
        }
        let left = pending.len();
        if left > 0 && !self.stats.stopped() {
            bail!("{left} publishes not acknowledged in time");
        }
        Ok(())
    }
}

/// A publisher's reader: PUBACK/PUBCOMP end a publish, PUBREC is answered with PUBREL.
fn read_acks(mut w: Wire, flight: &Flight, stats: &Stats, size: usize) {
    let v = w.version;
    let writer = w.writer.clone();
    let (mut done, mut refused, mut rec) = (Vec::new(), Vec::new(), Vec::new());
    while !flight.closed.load(Relaxed) {
        let read = w.read_packets(|p| match p {
            Packet::PubAck(a) | Packet::PubComp(a) if a.reason_code < 0x80 => {
                done.push(a.packet_id)
            }
            Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubComp(a) if a.reason_code >= 0x80 => {
                refused.push((a.packet_id, a.reason_code))
            }
            Packet::PubRec(a) => rec.push(a.packet_id),
            _ => {}
        });
        if let Err(e) = read {
            if !flight.closed.load(Relaxed) {
                stats.on_error_msg(format!("publisher connection: {e:#}"));
            }
            break;
        }
        if !rec.is_empty() {
            let mut out = BytesMut::new();
            for id in rec.drain(..) {
                if let Err(e) = wire::put_ack(&mut out, v, PacketType::PubRel, id) {
                    stats.on_error_msg(e);
                }
            }
            if let Err(e) = writer.send(&out) {
                stats.on_error_msg(format!("writing PUBREL: {e}"));
            }
        }
        if !done.is_empty() || !refused.is_empty() {
            let mut pending = flight.lock();
            let acked: Vec<u64> = done
                .drain(..)
                .filter_map(|id| pending.remove(&id))
                .collect();
            for (id, _) in &refused {
                pending.remove(id);
            }
            drop(pending);
            flight.changed.notify_all();
            for due in acked {
                stats.on_ack(size, Some(due));
            }
            for (id, code) in refused.drain(..) {
                stats.on_error_msg(format!("publish {id} refused with reason {code:#04x}"));
            }
        }
        if let Err(e) = writer.keep_alive() {
            stats.on_error_msg(format!("PINGREQ: {e}"));
        }
    }
    flight.closed.store(true, Relaxed);
    flight.changed.notify_all();
}

// ------------------------------------------------------------------------------ subscribers

/// Connects and subscribes every subscriber, then starts their reading threads.
fn start_subscribers(
    plan: &Plan,
    n: u32,
    stats: &Arc<Stats>,
    until: &Arc<Until>,
) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let mut wires = Vec::new();
    for i in 0..n {
        let mut w =
            Wire::connect(&plan.target, plan.version, &client_id("s", i)).context("subscriber")?;
        w.subscribe(&plan.topics, plan.qos).context("subscriber")?;
        wires.push(w);
    }
    let mut threads = Vec::new();
    for (i, w) in wires.into_iter().enumerate() {
        let (s, u) = (stats.clone(), until.clone());
        threads.push(spawn(format!("sub{i}"), move || subscribe_loop(w, &s, &u))?);
    }
    Ok(threads)
}

/// Reads until the run's stop condition holds; answers QoS 1/2 deliveries after each read.
fn subscribe_loop(mut w: Wire, stats: &Stats, until: &Until) {
    let v = w.version;
    let writer = w.writer.clone();
    let nonce = payload::run_nonce();
    let mut out = BytesMut::new();
    let mut bad = 0u64;
    while !until.reached(stats) {
        let read = w.read_packets(|p| {
            let answer = match p {
                Packet::Publish(p) => {
                    let sent = payload::read(&p.payload, nonce, now_ns());
                    stats.on_received(p.payload.len(), sent);
                    match (p.qos, p.packet_id) {
                        (QoS::AtLeastOnce, Some(id)) => Some((PacketType::PubAck, id)),
                        (QoS::ExactlyOnce, Some(id)) => Some((PacketType::PubRec, id)),
                        _ => None,
                    }
                }
                Packet::PubRel(a) => Some((PacketType::PubComp, a.packet_id)),
                _ => None,
            };
            if let Some((kind, id)) = answer {
                bad += u64::from(wire::put_ack(&mut out, v, kind, id).is_err());
            }
        });
        if let Err(e) = read {
            if !until.reached(stats) {
                stats.on_error_msg(format!("subscriber connection: {e:#}"));
            }
            break;
        }
        let sent = if out.is_empty() {
            writer.keep_alive()
        } else {
            writer.send(&out)
        };
        out.clear();
        if let Err(e) = sent {
            stats.on_error_msg(format!("subscriber write: {e}"));
            break;
        }
    }
    if bad > 0 {
        stats.on_error_msg(format!("{bad} acknowledgements could not be encoded"));
    }
    writer.close(v);
}
