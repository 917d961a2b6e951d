//! `amqp publish|consume|pubsub`: every connection runs on its own OS threads over [`wire`],
//! with one channel. A publisher's sender writes every publish that is due (up to the confirm
//! window) in one write; its reader counts basic.ack/nack and basic.return. A consumer reads,
//! counts and acknowledges (basic.ack multiple) in one thread.
//!
//! Queues are declared durable (and, with `--exchange`, bound to a direct exchange under their
//! own name) by the first publisher and the first consumer, so `publish` then `consume` in two
//! processes works.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use amq_protocol::protocol::{basic, confirm, exchange, queue, AMQPClass};
use amq_protocol::types::FieldTable;
use anyhow::{bail, Context};
use robustmq_amqp::codec::Frame;

use super::wire::{self, Got, PublishTemplate, Wire, Writer, CLOSE_TIMEOUT, POLL};
use crate::args::AmqpArgs;
use crate::pace::{Limit, Pacer, Until};
use crate::payload::{self, now_ns, HEADER_LEN};
use crate::progress::Progress;
use crate::stats::{Meta, RateOf, Report, Stats};
use crate::threads::{blocking, join_all, spawn};
use crate::{secs_ns, Ctx};

pub const DEFAULT_TARGET: &str = "127.0.0.1:5672";

/// A sender writes once it has this many bytes of due publishes (or nothing more is due).
const BATCH_BYTES: usize = 64 * 1024;
/// Unacknowledged deliveries after which a consumer acknowledges when it set no prefetch.
const ACK_EVERY_UNLIMITED: u64 = 1000;

fn meta(a: &AmqpArgs, ctx: Ctx, stats: &Stats, note: &'static str) -> anyhow::Result<Meta> {
    Ok(Meta {
        mode: ctx.mode,
        settings: serde_json::to_value(a)?,
        interrupted: stats.stopped(),
        latency_note: note,
        connections: None,
    })
}

/// Counts `n` errors, printing `msg` if it is the run's first.
fn errors(stats: &Stats, n: u64, msg: impl std::fmt::Display) {
    if n == 0 {
        return;
    }
    stats.on_error_msg(msg);
    for _ in 1..n {
        stats.on_error();
    }
}

/// What every connection of a run needs from the arguments.
#[derive(Clone)]
struct Plan {
    target: String,
    user: String,
    password: String,
    queues: Vec<String>,
    exchange: String,
    size: usize,
    /// Messages per second over all publishers (0: as fast as possible).
    rate: f64,
    /// Unconfirmed publishes per publisher; 0 = no confirms.
    confirm_window: usize,
    persistent: bool,
    prefetch: u16,
    drain: Duration,
}

impl Plan {
    fn new(a: &AmqpArgs) -> anyhow::Result<Plan> {
        let queues = a.common.topic_names();
        for q in &queues {
            wire::short("queue name", q)?;
        }
        wire::short("exchange", &a.exchange)?;
        Ok(Plan {
            target: a.common.target_or(DEFAULT_TARGET),
            user: a.user.clone(),
            password: a.password.clone(),
            queues,
            exchange: a.exchange.clone(),
            size: a.common.size,
            rate: a.common.rate,
            confirm_window: a.confirm_window as usize,
            persistent: a.persistent,
            prefetch: a.prefetch,
            drain: Duration::from_nanos(secs_ns(a.common.drain)),
        })
    }

    fn connect(&self) -> anyhow::Result<Wire> {
        Wire::connect(&self.target, &self.user, &self.password)
    }

    /// Declares the exchange (if any) and every queue (durable), and binds them.
    fn declare(&self, w: &mut Wire) -> anyhow::Result<()> {
        if !self.exchange.is_empty() {
            let m = exchange::Declare {
                exchange: wire::short("exchange", &self.exchange)?,
                kind: "direct".into(),
                passive: false,
                durable: true,
                auto_delete: false,
                internal: false,
                nowait: false,
                arguments: FieldTable::default(),
            };
            w.call(
                AMQPClass::Exchange(exchange::AMQPMethod::Declare(m)),
                "exchange.declare-ok",
                |r| matches!(r, AMQPClass::Exchange(exchange::AMQPMethod::DeclareOk(_))),
            )?;
        }
        for q in &self.queues {
            let name = wire::short("queue name", q)?;
            let m = queue::Declare {
                queue: name.clone(),
                passive: false,
                durable: true,
                exclusive: false,
                auto_delete: false,
                nowait: false,
                arguments: FieldTable::default(),
            };
            w.call(
                AMQPClass::Queue(queue::AMQPMethod::Declare(m)),
                "queue.declare-ok",
                |r| matches!(r, AMQPClass::Queue(queue::AMQPMethod::DeclareOk(_))),
            )?;
            if !self.exchange.is_empty() {
                let m = queue::Bind {
                    queue: name.clone(),
                    exchange: wire::short("exchange", &self.exchange)?,
                    routing_key: name,
                    nowait: false,
                    arguments: FieldTable::default(),
                };
                w.call(
                    AMQPClass::Queue(queue::AMQPMethod::Bind(m)),
                    "queue.bind-ok",
                    |r| matches!(r, AMQPClass::Queue(queue::AMQPMethod::BindOk(_))),
                )?;
            }
        }
        Ok(())
    }
}

pub async fn run_publish(a: AmqpArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (stats, limit) = ctx.start(&a.common);
    let plan = Plan::new(&a)?;
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    let (s, n) = (stats.clone(), a.publishers.max(1));
    blocking(move || run_publishers(&plan, n, &s, limit)).await?;
    progress.finish();
    let rate_of = if a.confirm_window == 0 {
        RateOf::Sent
    } else {
        RateOf::Acked
    };
    let note =
        "end-to-end not measured in publish; ack = publish (intended time) -> confirm (basic.ack)";
    Ok(stats.report(meta(&a, ctx, &stats, note)?, rate_of, now_ns()))
}

pub async fn run_consume(a: AmqpArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (stats, limit) = ctx.start(&a.common);
    let plan = Plan::new(&a)?;
    let until = Arc::new(Until::new(limit.count, limit.deadline_ns));
    let (s, n) = (stats.clone(), a.consumers.max(1));
    let consumers = blocking(move || start_consumers(&plan, n, &s, &until)).await?;
    eprintln!("ready: {} consumer(s) consuming", consumers.len());
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    blocking(move || {
        join_all(consumers);
        Ok(())
    })
    .await?;
    progress.finish();
    let note = "not measured in consume: payload times come from another process (use pubsub)";
    Ok(stats.report(meta(&a, ctx, &stats, note)?, RateOf::Received, now_ns()))
}

pub async fn run_pubsub(a: AmqpArgs, ctx: Ctx) -> anyhow::Result<Report> {
    let (stats, limit) = ctx.start(&a.common);
    let plan = Plan::new(&a)?;
    let drain = secs_ns(a.common.drain);
    let until = Arc::new(Until::new(None, limit.deadline_ns.saturating_add(drain)));
    let (s, n_con, n_pub) = (stats.clone(), a.consumers.max(1), a.publishers.max(1));
    let progress = Progress::start(stats.clone(), !a.common.no_progress);
    blocking(move || {
        let consumers = start_consumers(&plan, n_con, &s, &until)?;
        let published = run_publishers(&plan, n_pub, &s, limit);
        // Consumers of one queue compete: every message reaches one of them.
        until.senders_done(s.sent.load(Relaxed), plan.drain);
        join_all(consumers);
        published
    })
    .await?;
    progress.finish();
    let note = "end-to-end = intended send time in payload -> arrival at consumer; ack = publish -> confirm (basic.ack)";
    Ok(stats.report(meta(&a, ctx, &stats, note)?, RateOf::Received, now_ns()))
}

// ------------------------------------------------------------------------------- publishers

/// Connects every publisher first (so a refused connection fails the run before it starts;
/// the first one declares the queues), then runs them until the limit and waits for their
/// confirms.
fn run_publishers(plan: &Plan, n: u32, stats: &Arc<Stats>, limit: Limit) -> anyhow::Result<()> {
    let mut wires = Vec::new();
    for i in 0..n {
        let mut w = plan.connect().context("publisher")?;
        if i == 0 {
            plan.declare(&mut w).context("publisher")?;
        }
        if plan.confirm_window > 0 {
            w.call(
                AMQPClass::Confirm(confirm::AMQPMethod::Select(confirm::Select {
                    nowait: false,
                })),
                "confirm.select-ok",
                |r| matches!(r, AMQPClass::Confirm(confirm::AMQPMethod::SelectOk(_))),
            )
            .context("publisher")?;
        }
        wires.push(w);
    }
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

type Pending = BTreeMap<u64, u64>;

/// Publishes waiting for their confirm: delivery tag (the channel's publish sequence number)
/// -> intended send time.
#[derive(Default)]
struct Flight {
    pending: Mutex<Pending>,
    changed: Condvar,
    /// The reader is gone (connection closed, or close-ok came after the sender finished).
    closed: AtomicBool,
    /// The sender is done and sent connection.close.
    closing: AtomicBool,
}

impl Flight {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits up to one poll interval for a change.
    fn wait<'a>(&self, g: MutexGuard<'a, Pending>) -> MutexGuard<'a, Pending> {
        match self.changed.wait_timeout(g, POLL) {
            Ok((g, _)) => g,
            Err(p) => p.into_inner().0,
        }
    }
}

/// Removes what one basic.ack/nack settles and returns their intended send times.
fn settle(pending: &mut Pending, tag: u64, multiple: bool) -> Vec<u64> {
    if multiple {
        // Tag 0 with multiple set means every outstanding publish.
        let rest = if tag == 0 {
            Pending::new()
        } else {
            pending.split_off(&tag.saturating_add(1))
        };
        std::mem::replace(pending, rest).into_values().collect()
    } else {
        pending.remove(&tag).into_iter().collect()
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
        let p = &self.plan;
        let body = payload::make(p.size);
        let templates = p
            .queues
            .iter()
            .map(|q| PublishTemplate::new(&p.exchange, q, p.persistent, &body, w.frame_max))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let writer = w.writer.clone();
        let reader = {
            let (f, s, size) = (self.flight.clone(), self.stats.clone(), p.size);
            spawn("pub-acks".into(), move || read_acks(w, &f, &s, size))?
        };
        let sent = self.send_all(&writer, &templates, &body);
        let drained = sent.and_then(|()| self.drain());
        // close-ok (awaited by the reader) means the broker handled every publish.
        self.flight.closing.store(true, Relaxed);
        let _ = writer.close();
        let _ = reader.join();
        writer.shutdown();
        drained
    }

    fn send_all(
        &self,
        writer: &Writer,
        templates: &[PublishTemplate],
        body: &[u8],
    ) -> anyhow::Result<()> {
        let p = &self.plan;
        let nonce = payload::run_nonce();
        let mut head = body[..p.size.min(HEADER_LEN)].to_vec();
        let mut batch = Batch {
            bytes: Vec::with_capacity(BATCH_BYTES + 2 * body.len() + 256),
            due: Vec::new(),
        };
        let pacer = Pacer::new(now_ns(), self.rate);
        let (mut i, mut seq) = (0u64, 0u64);
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
            if p.confirm_window > 0 {
                if !self.reserve(writer, &mut batch, seq + 1, due)? {
                    break;
                }
                seq += 1;
            }
            payload::stamp(&mut head, due, nonce);
            templates[(i % templates.len() as u64) as usize].put(&mut batch.bytes, &head);
            batch.due.push(due);
            i += 1;
        }
        self.flush(writer, &mut batch)
    }

    /// Enters publish `seq` into the confirm window once it has room (writing what is batched
    /// first: those are the publishes whose confirms make room). `false`: stopped.
    fn reserve(
        &self,
        writer: &Writer,
        batch: &mut Batch,
        seq: u64,
        due: u64,
    ) -> anyhow::Result<bool> {
        let window = self.plan.confirm_window;
        let mut pending = self.flight.lock();
        if pending.len() >= window {
            drop(pending);
            self.flush(writer, batch)?;
            pending = self.flight.lock();
            while pending.len() >= window {
                if self.stats.stopped() || self.flight.closed.load(Relaxed) {
                    return Ok(false);
                }
                pending = self.flight.wait(pending);
            }
        }
        pending.insert(seq, due);
        Ok(true)
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

    /// Waits up to the drain time for the outstanding confirms.
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
            bail!("{left} publishes not confirmed in time");
        }
        Ok(())
    }
}

/// A publisher's reader: basic.ack ends publishes (one, or every one up to the tag with
/// `multiple`), basic.nack and basic.return are errors; after the sender's connection.close it
/// reads until close-ok.
fn read_acks(mut w: Wire, flight: &Flight, stats: &Stats, size: usize) {
    // (delivery tag, multiple, ack or nack), in arrival order: an ack with `multiple` after a
    // nack must not settle the nacked publish again.
    let (mut confirms, mut returns) = (Vec::new(), Vec::new());
    let mut close_by: Option<Instant> = None;
    loop {
        if flight.closing.load(Relaxed) {
            let by = *close_by.get_or_insert_with(|| Instant::now() + CLOSE_TIMEOUT);
            if Instant::now() > by {
                if !stats.stopped() {
                    stats.on_error_msg(format!(
                        "publisher: no connection.close-ok within {CLOSE_TIMEOUT:?}"
                    ));
                }
                break;
            }
        }
        let read = w.read_frames(|f| {
            let Frame::Method { method, .. } = f else {
                // Content of returned messages.
                return;
            };
            match *method {
                AMQPClass::Basic(basic::AMQPMethod::Ack(a)) => {
                    confirms.push((a.delivery_tag, a.multiple, true))
                }
                AMQPClass::Basic(basic::AMQPMethod::Nack(n)) => {
                    confirms.push((n.delivery_tag, n.multiple, false))
                }
                AMQPClass::Basic(basic::AMQPMethod::Return(r)) => returns.push(format!(
                    "publish returned by the broker: {} {} (exchange {:?}, routing key {:?})",
                    r.reply_code,
                    r.reply_text,
                    r.exchange.as_str(),
                    r.routing_key.as_str()
                )),
                _ => {}
            }
        });
        if !confirms.is_empty() {
            let (mut acked, mut nacked) = (Vec::new(), 0usize);
            let mut pending = flight.lock();
            for (tag, multiple, ok) in confirms.drain(..) {
                let settled = settle(&mut pending, tag, multiple);
                if ok {
                    acked.extend(settled);
                } else {
                    nacked += settled.len();
                }
            }
            drop(pending);
            flight.changed.notify_all();
            for due in acked {
                stats.on_ack(size, Some(due));
            }
            errors(
                stats,
                nacked as u64,
                format!("{nacked} publishes nacked by the broker (basic.nack)"),
            );
        }
        if let Some(first) = returns.first() {
            errors(stats, returns.len() as u64, first);
            returns.clear();
        }
        match read {
            Ok(Got::CloseOk) => break,
            Ok(_) => {}
            Err(e) => {
                if !stats.stopped() {
                    stats.on_error_msg(format!("publisher connection: {e:#}"));
                }
                break;
            }
        }
    }
    flight.closed.store(true, Relaxed);
    flight.changed.notify_all();
}

// -------------------------------------------------------------------------------- consumers

/// Connects every consumer (the first one declares the queues), sets its prefetch and starts
/// consuming every queue (consume-ok awaited), then starts their reading threads.
fn start_consumers(
    plan: &Plan,
    n: u32,
    stats: &Arc<Stats>,
    until: &Arc<Until>,
) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let mut wires = Vec::new();
    for i in 0..n {
        let mut w = plan.connect().context("consumer")?;
        if i == 0 {
            plan.declare(&mut w).context("consumer")?;
        }
        subscribe(plan, &mut w).context("consumer")?;
        wires.push(w);
    }
    let ack_every = if plan.prefetch == 0 {
        ACK_EVERY_UNLIMITED
    } else {
        u64::from(plan.prefetch / 2).max(1)
    };
    let mut threads = Vec::new();
    for (i, w) in wires.into_iter().enumerate() {
        let (s, u) = (stats.clone(), until.clone());
        threads.push(spawn(format!("con{i}"), move || {
            consume_loop(w, &s, &u, ack_every)
        })?);
    }
    Ok(threads)
}

fn subscribe(plan: &Plan, w: &mut Wire) -> anyhow::Result<()> {
    let qos = basic::Qos {
        prefetch_count: plan.prefetch,
        global: false,
    };
    w.call(
        AMQPClass::Basic(basic::AMQPMethod::Qos(qos)),
        "basic.qos-ok",
        |r| matches!(r, AMQPClass::Basic(basic::AMQPMethod::QosOk(_))),
    )?;
    for q in &plan.queues {
        let m = basic::Consume {
            queue: wire::short("queue name", q)?,
            consumer_tag: "".into(),
            no_local: false,
            no_ack: false,
            exclusive: false,
            nowait: false,
            arguments: FieldTable::default(),
        };
        w.call(
            AMQPClass::Basic(basic::AMQPMethod::Consume(m)),
            "basic.consume-ok",
            |r| matches!(r, AMQPClass::Basic(basic::AMQPMethod::ConsumeOk(_))),
        )?;
    }
    Ok(())
}

/// A delivery being assembled from its method, content header and body frames; only the
/// body's first bytes (the stamp) are kept.
struct Assembly {
    tag: u64,
    size: Option<u64>,
    got: u64,
    head: Vec<u8>,
}

/// A whole delivery: its tag, body size and the body's first bytes.
type Delivered = (u64, u64, Vec<u8>);

/// Feeds one frame to the delivery being assembled; `Ok(Some)` when it completes one.
fn assemble(cur: &mut Option<Assembly>, frame: Frame) -> anyhow::Result<Option<Delivered>> {
    match frame {
        Frame::Method { method, .. } => match *method {
            AMQPClass::Basic(basic::AMQPMethod::Deliver(d)) => {
                if cur.is_some() {
                    bail!("basic.deliver before the previous delivery's body was complete");
                }
                *cur = Some(Assembly {
                    tag: d.delivery_tag,
                    size: None,
                    got: 0,
                    head: Vec::with_capacity(HEADER_LEN),
                });
                Ok(None)
            }
            AMQPClass::Basic(basic::AMQPMethod::Cancel(c)) => {
                bail!(
                    "the broker cancelled consumer {:?}",
                    c.consumer_tag.as_str()
                )
            }
            _ => Ok(None),
        },
        Frame::Header {
            class_id,
            body_size,
            ..
        } => {
            let Some(a) = cur.as_mut() else {
                bail!("content header without basic.deliver");
            };
            if a.size.is_some() || !wire::is_basic(class_id) {
                bail!("unexpected content header (class {class_id})");
            }
            a.size = Some(body_size);
            Ok(finish(cur))
        }
        Frame::Body { data, .. } => {
            let Some(Assembly {
                size: Some(size),
                got,
                head,
                ..
            }) = cur.as_mut()
            else {
                bail!("body frame without basic.deliver and content header");
            };
            let keep = HEADER_LEN.saturating_sub(head.len()).min(data.len());
            head.extend_from_slice(&data[..keep]);
            *got += data.len() as u64;
            if *got > *size {
                bail!("body frames carry {got} bytes, the header announced {size}");
            }
            Ok(finish(cur))
        }
        Frame::Heartbeat { .. } => Ok(None),
    }
}

fn finish(cur: &mut Option<Assembly>) -> Option<Delivered> {
    match cur {
        Some(a) if a.size == Some(a.got) => cur.take().map(|a| (a.tag, a.got, a.head)),
        _ => None,
    }
}

/// Reads until the run's stop condition holds; acknowledges (multiple) every `ack_every`
/// deliveries, when a read finds nothing new, and at the end. Deliveries that arrive after the
/// stop condition holds are neither counted nor acknowledged: the broker requeues them.
fn consume_loop(mut w: Wire, stats: &Stats, until: &Until, ack_every: u64) {
    let writer = w.writer.clone();
    let nonce = payload::run_nonce();
    let mut cur = None;
    let (mut last_tag, mut unacked) = (0u64, 0u64);
    let ack = |tag: u64| {
        let a = basic::Ack {
            delivery_tag: tag,
            multiple: true,
        };
        writer.method(wire::CHANNEL, &AMQPClass::Basic(basic::AMQPMethod::Ack(a)))
    };
    let mut failed = false;
    while !until.reached(stats) {
        let mut bad = None;
        let read = w.read_frames(|f| {
            if bad.is_some() {
                return;
            }
            match assemble(&mut cur, f) {
                Ok(Some((tag, size, head))) => {
                    if until.reached(stats) {
                        return;
                    }
                    let sent = payload::read(&head, nonce, now_ns());
                    stats.on_received(size as usize, sent);
                    last_tag = tag;
                    unacked += 1;
                }
                Ok(None) => {}
                Err(e) => bad = Some(e),
            }
        });
        let read = match (read, bad) {
            (Err(e), _) | (Ok(_), Some(e)) => Err(e),
            (Ok(got), None) => Ok(got),
        };
        let got = match read {
            Ok(got) => got,
            Err(e) => {
                if !until.reached(stats) {
                    stats.on_error_msg(format!("consumer connection: {e:#}"));
                }
                failed = true;
                break;
            }
        };
        if unacked > 0 && (unacked >= ack_every || got == Got::Idle) {
            if let Err(e) = ack(last_tag) {
                stats.on_error_msg(format!("consumer: {e:#}"));
                failed = true;
                break;
            }
            unacked = 0;
        }
    }
    if failed {
        writer.shutdown();
        return;
    }
    if unacked > 0 {
        if let Err(e) = ack(last_tag) {
            stats.on_error_msg(format!("consumer: {e:#}"));
        }
    }
    // close-ok means the broker handled the acknowledgements.
    if let Err(e) = w.close() {
        if !stats.stopped() {
            stats.on_error_msg(format!("consumer: closing: {e:#}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amqp::wire::{fake, method_frame, CHANNEL, NO_PROPERTIES};
    use amq_protocol::protocol::connection;
    use bytes::Bytes;
    use robustmq_amqp::codec;
    use std::net::TcpListener;

    fn plan(target: String, confirm_window: usize) -> Plan {
        Plan {
            target,
            user: "guest".into(),
            password: "guest".into(),
            queues: vec!["q".into()],
            exchange: String::new(),
            size: 20,
            rate: 0.0,
            confirm_window,
            persistent: false,
            prefetch: 4,
            drain: Duration::from_secs(5),
        }
    }

    fn is_method(f: &Frame, channel: u16, want: impl Fn(&AMQPClass) -> bool) -> bool {
        matches!(f, Frame::Method { channel: c, method } if *c == channel && want(method))
    }

    /// Waits for the client's connection.close and answers close-ok.
    fn answer_close(b: &mut fake::Broker) {
        while !is_method(&b.next(), 0, |m| {
            matches!(m, AMQPClass::Connection(connection::AMQPMethod::Close(_)))
        }) {}
        b.send(
            0,
            AMQPClass::Connection(connection::AMQPMethod::CloseOk(connection::CloseOk {})),
        );
    }

    #[test]
    fn confirms_count_multiple_acks_and_nacks_and_returns_as_errors() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let server = thread::spawn(move || {
            let (mut b, _) = fake::Broker::accept(&listener, 4096);
            // Five publishes of three frames each.
            for _ in 0..15 {
                b.next();
            }
            let ret = basic::Return {
                reply_code: 312,
                reply_text: "NO_ROUTE".into(),
                exchange: "".into(),
                routing_key: "q".into(),
            };
            let mut out =
                method_frame(CHANNEL, &AMQPClass::Basic(basic::AMQPMethod::Return(ret))).unwrap();
            codec::put_header(&mut out, CHANNEL, 3, NO_PROPERTIES);
            codec::put_body(&mut out, CHANNEL, b"abc", 4096);
            let ack = |tag, multiple| {
                let a = basic::Ack {
                    delivery_tag: tag,
                    multiple,
                };
                method_frame(CHANNEL, &AMQPClass::Basic(basic::AMQPMethod::Ack(a))).unwrap()
            };
            out.extend(ack(2, true));
            let nack = basic::Nack {
                delivery_tag: 3,
                multiple: false,
                requeue: false,
            };
            out.extend(
                method_frame(CHANNEL, &AMQPClass::Basic(basic::AMQPMethod::Nack(nack))).unwrap(),
            );
            out.extend(ack(5, true));
            b.send_raw(&out);
            answer_close(&mut b);
        });
        let w = Wire::connect(&addr, "guest", "guest").unwrap();
        let stats = Arc::new(Stats::new(now_ns(), 0));
        let job = Publisher {
            plan: plan(addr, 10),
            rate: 0.0,
            limit: Limit {
                count: Some(5),
                deadline_ns: u64::MAX / 2,
            },
            stats: stats.clone(),
            flight: Arc::new(Flight::default()),
        };
        job.run(w).unwrap();
        server.join().unwrap();
        assert_eq!(stats.sent.load(Relaxed), 5);
        assert_eq!(stats.acked.load(Relaxed), 4, "1 and 2, then 4 and 5");
        assert_eq!(stats.errors.load(Relaxed), 2, "one nack, one return");
        assert!(job.flight.lock().is_empty());
    }

    #[test]
    fn consumer_counts_deliveries_and_acknowledges_them_all() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let nonce = payload::run_nonce();
        let server = thread::spawn(move || {
            let (mut b, _) = fake::Broker::accept(&listener, 4096);
            let mut out = Vec::new();
            for tag in 1..=5u64 {
                let d = basic::Deliver {
                    consumer_tag: "c".into(),
                    delivery_tag: tag,
                    redelivered: false,
                    exchange: "".into(),
                    routing_key: "q".into(),
                };
                out.extend(
                    method_frame(CHANNEL, &AMQPClass::Basic(basic::AMQPMethod::Deliver(d)))
                        .unwrap(),
                );
                let mut body = payload::make(5000);
                payload::stamp(&mut body, now_ns(), nonce);
                codec::put_header(&mut out, CHANNEL, 5000, NO_PROPERTIES);
                codec::put_body(&mut out, CHANNEL, &body, 4096);
            }
            b.send_raw(&out);
            let mut acks = Vec::new();
            loop {
                match b.next() {
                    Frame::Method { method, .. } => match *method {
                        AMQPClass::Basic(basic::AMQPMethod::Ack(a)) => {
                            acks.push((a.delivery_tag, a.multiple))
                        }
                        AMQPClass::Connection(connection::AMQPMethod::Close(_)) => break,
                        other => panic!("unexpected {other:?}"),
                    },
                    other => panic!("unexpected {other:?}"),
                }
            }
            b.send(
                0,
                AMQPClass::Connection(connection::AMQPMethod::CloseOk(connection::CloseOk {})),
            );
            acks
        });
        let w = Wire::connect(&addr, "guest", "guest").unwrap();
        let stats = Stats::new(now_ns(), 0);
        let until = Until::new(Some(5), u64::MAX / 2);
        consume_loop(w, &stats, &until, 2);
        let acks = server.join().unwrap();
        assert_eq!(stats.received.load(Relaxed), 5);
        assert_eq!(stats.errors.load(Relaxed), 0);
        assert!(acks.iter().all(|(_, multiple)| *multiple), "{acks:?}");
        assert_eq!(acks.last().map(|a| a.0), Some(5), "{acks:?}");
        let r = stats.report(
            Meta {
                mode: "t".into(),
                settings: serde_json::Value::Null,
                interrupted: false,
                latency_note: "",
                connections: None,
            },
            RateOf::Received,
            now_ns(),
        );
        assert_eq!(r.latency_us.count, 5, "every delivery timed from its stamp");
    }

    #[test]
    fn settle_one_or_up_to_a_tag() {
        let mut p: Pending = (1..=6).map(|t| (t, t * 10)).collect();
        assert_eq!(settle(&mut p, 3, false), vec![30]);
        assert_eq!(
            settle(&mut p, 3, false),
            Vec::<u64>::new(),
            "twice is nothing"
        );
        assert_eq!(settle(&mut p, 4, true), vec![10, 20, 40]);
        assert_eq!(p.keys().copied().collect::<Vec<_>>(), vec![5, 6]);
        assert_eq!(settle(&mut p, u64::MAX, true), vec![50, 60]);
        let mut p: Pending = (1..=3).map(|t| (t, t)).collect();
        assert_eq!(
            settle(&mut p, 0, true).len(),
            3,
            "0 with multiple: everything"
        );
    }

    fn deliver(tag: u64) -> Frame {
        Frame::Method {
            channel: 1,
            method: Box::new(AMQPClass::Basic(basic::AMQPMethod::Deliver(
                basic::Deliver {
                    consumer_tag: "c".into(),
                    delivery_tag: tag,
                    redelivered: false,
                    exchange: "".into(),
                    routing_key: "q".into(),
                },
            ))),
        }
    }

    fn header(size: u64) -> Frame {
        Frame::Header {
            channel: 1,
            class_id: 60,
            body_size: size,
            properties: Box::default(),
            raw_properties: Bytes::new(),
        }
    }

    fn body(b: &[u8]) -> Frame {
        Frame::Body {
            channel: 1,
            data: Bytes::copy_from_slice(b),
        }
    }

    #[test]
    fn deliveries_are_assembled_across_body_frames() {
        let mut cur = None;
        assert!(assemble(&mut cur, deliver(7)).unwrap().is_none());
        assert!(assemble(&mut cur, header(30)).unwrap().is_none());
        assert!(assemble(&mut cur, body(&[1; 10])).unwrap().is_none());
        let (tag, size, head) = assemble(&mut cur, body(&[2; 20])).unwrap().unwrap();
        assert_eq!((tag, size), (7, 30));
        assert_eq!(head.len(), HEADER_LEN);
        assert_eq!(&head[8..12], &[1, 1, 2, 2]);
        assert!(cur.is_none());
        // An empty body completes with its header.
        assemble(&mut cur, deliver(8)).unwrap();
        assert_eq!(assemble(&mut cur, header(0)).unwrap(), Some((8, 0, vec![])));
    }

    #[test]
    fn broken_deliveries_are_errors() {
        let mut cur = None;
        assert!(assemble(&mut cur, body(b"x")).is_err());
        assert!(assemble(&mut cur, header(1)).is_err());
        assemble(&mut cur, deliver(1)).unwrap();
        assemble(&mut cur, header(2)).unwrap();
        assert!(
            assemble(&mut cur, body(b"xyz")).is_err(),
            "longer than announced"
        );
        let mut cur = None;
        assemble(&mut cur, deliver(1)).unwrap();
        assert!(assemble(&mut cur, deliver(2)).is_err());
    }
}
