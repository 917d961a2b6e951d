//! A queue: a one-partition log, a cursor over it, the offsets handed out and not yet
//! settled, and its consumers. Messages go out in log order (requeued ones first, flagged
//! redelivered); an offset is settled by an ack, a reject without requeue, a purge or a
//! no-ack delivery. The settled set and how far deliveries reached are what is persisted
//! (see `AmqpCore::persist_acks`), so after a restart a queue resumes where its consumers
//! were, and what was handed out but not acknowledged comes back flagged redelivered.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use amq_protocol::types::FieldTable;
use robustmq_journal::{now_ms, Log};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, Notify};

use super::args::{expiration_ms, Overflow, QueueArgs};
use super::message::{decode_batches, Message};
use super::settled::Settled;

pub type ConsumerId = u64;
/// Deliveries of `basic.get`: owned by the channel that got them, not by a consumer.
pub const GET: ConsumerId = 0;
/// How much of the log one read brings into a queue's read-ahead.
const READ_AHEAD_BYTES: usize = 256 * 1024;

/// What a queue sends a connection.
pub enum ToConnection {
    Deliver(Delivery),
    /// A reply through direct reply-to (`amq.rabbitmq.reply-to`): no queue, no ack.
    Reply {
        channel: u16,
        consumer_tag: String,
        message: Arc<Message>,
    },
    /// The server cancelled the consumer (its queue was deleted).
    Cancelled {
        channel: u16,
        consumer_tag: String,
        consumer: ConsumerId,
    },
}

pub struct Delivery {
    pub queue: Arc<Queue>,
    pub channel: u16,
    pub consumer: ConsumerId,
    pub consumer_tag: String,
    pub no_ack: bool,
    pub offset: i64,
    pub redelivered: bool,
    pub message: Arc<Message>,
    /// The channel-wide credit the delivery was counted against.
    pub credit: Arc<ChannelCredit>,
}

/// A message leaving a queue for its dead-letter exchange.
pub struct DeadLetter {
    pub vhost: String,
    pub queue: String,
    pub exchange: String,
    pub routing_key: Option<String>,
    pub reason: &'static str,
    pub message: Arc<Message>,
}

/// What a queue is built with besides its declaration and log.
pub struct QueueOptions {
    /// Decompressed size a read may reach.
    pub read_limit: usize,
    pub args: QueueArgs,
    /// Where dead letters go (the core's dead-letter task), when the queue has a
    /// dead-letter exchange.
    pub dead_letters: Option<mpsc::Sender<DeadLetter>>,
}

/// A message taken from the head of a queue.
struct Taken {
    offset: i64,
    message: Arc<Message>,
    redelivered: bool,
    /// It came from the requeued set (else from the log at the cursor).
    requeued: bool,
}

/// A channel-wide limit on unacknowledged deliveries (`basic.qos` with `global`), shared by
/// the channel's consumers on every queue.
#[derive(Default)]
pub struct ChannelCredit {
    /// 0: no channel-wide limit.
    pub limit: AtomicU32,
    pub in_flight: AtomicU32,
}

impl ChannelCredit {
    pub(super) fn has_room(&self) -> bool {
        let limit = self.limit.load(Ordering::Relaxed);
        limit == 0 || self.in_flight.load(Ordering::Relaxed) < limit
    }

    /// One counted delivery was settled (or never reached the client).
    pub fn release(&self) {
        let _ = self
            .in_flight
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
    }
}

/// A consumer as its queue sees it.
pub struct ConsumerHandle {
    pub id: ConsumerId,
    pub tag: String,
    pub channel: u16,
    pub tx: mpsc::Sender<ToConnection>,
    /// Unacknowledged deliveries allowed at once: the channel's current `basic.qos` prefetch
    /// count, shared by its consumers so a later qos applies to them too (Celery raises it as
    /// it holds ETA tasks); 0 means `unlimited`.
    pub prefetch: Arc<AtomicU32>,
    /// The cap when the prefetch is 0 (`amqp.max_unacked_per_consumer`).
    pub unlimited: u32,
    pub no_ack: bool,
    pub exclusive: bool,
    /// The channel's flow: false stops deliveries.
    pub flow: Arc<AtomicBool>,
    /// The channel's shared limit.
    pub credit: Arc<ChannelCredit>,
    /// For a stream queue: the offset this consumer starts reading at.
    pub stream_from: i64,
}

impl ConsumerHandle {
    pub(super) fn limit(&self) -> u32 {
        match self.prefetch.load(Ordering::Relaxed) {
            0 => self.unlimited.max(1),
            n => n,
        }
    }
}

pub(super) struct Slot {
    pub(super) handle: ConsumerHandle,
    pub(super) in_flight: u32,
    /// Stream queues: where this consumer reads next, and what it read ahead.
    pub(super) next: i64,
    pub(super) ahead: VecDeque<(i64, Arc<Message>)>,
}

/// What survives a restart of a queue's delivery state.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Persisted {
    pub settled: Settled,
    /// Offsets below were delivered at least once.
    pub delivered_to: i64,
}

impl Persisted {
    /// The state cut back to a log that ends at `end`: after a power loss the log can be
    /// shorter than the state saved for it, and offsets it reuses must not count as settled.
    pub fn within(mut self, end: i64) -> Persisted {
        if self.settled.floor > end || self.delivered_to > end {
            tracing::warn!(
                floor = self.settled.floor,
                end,
                "queue state saved past the end of its log; cutting it back"
            );
        }
        self.settled.floor = self.settled.floor.min(end);
        self.settled.above.retain(|&start, _| start < end);
        for e in self.settled.above.values_mut() {
            *e = (*e).min(end);
        }
        self.delivered_to = self.delivered_to.min(end);
        self
    }
}

pub(super) struct State {
    settled: Settled,
    cursor: i64,
    delivered_to: i64,
    requeued: BTreeSet<i64>,
    /// Delivered, not settled: by offset, or for a stream queue by delivery token.
    pub(super) unacked: HashMap<i64, ConsumerId>,
    pub(super) consumers: Vec<Slot>,
    /// Stream queues: the next delivery token (a stream's offsets are not unique per delivery).
    pub(super) next_token: i64,
    next: usize,
    ahead: VecDeque<(i64, Arc<Message>)>,
    had_consumer: bool,
    dirty: bool,
    /// With `x-max-length-bytes`: body bytes of the ready messages, counted for the log up
    /// to `counted_to` (see [`Queue::count_bytes`]).
    ready_bytes: u64,
    counted_to: i64,
    /// Messages left the ready set without their bytes being known (deleted from the log
    /// under the cursor): count again from the cursor.
    recount: bool,
}

/// How a queue was declared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueDecl {
    pub name: String,
    pub durable: bool,
    pub exclusive: bool,
    pub auto_delete: bool,
    pub arguments: FieldTable,
    /// The log topic holding its messages.
    pub topic: String,
}

pub struct Queue {
    pub vhost: String,
    pub decl: QueueDecl,
    /// The connection of an exclusive queue.
    pub owner: Option<u64>,
    pub log: Arc<dyn Log>,
    pub args: QueueArgs,
    pub(super) read_limit: usize,
    dead_letters: Option<mpsc::Sender<DeadLetter>>,
    state: Mutex<State>,
    wake: Notify,
    deleted: AtomicBool,
    /// When it was last used (declared, consumed from, got from), for `x-expires`.
    last_used_ms: AtomicI64,
    /// Its log topic as a metrics label, made once (deliveries count under it).
    pub labels: robustmq_broker::metrics::TopicLabels,
}

impl Queue {
    pub fn new(
        vhost: &str,
        decl: QueueDecl,
        owner: Option<u64>,
        log: Arc<dyn Log>,
        persisted: Persisted,
        options: QueueOptions,
    ) -> Arc<Queue> {
        let persisted = persisted.within(log.log_end_offset());
        let cursor = persisted.settled.floor;
        let labels = robustmq_broker::metrics::TopicLabels {
            topic: decl.topic.clone(),
        };
        Arc::new(Queue {
            vhost: vhost.to_string(),
            decl,
            owner,
            log,
            args: options.args,
            read_limit: options.read_limit,
            dead_letters: options.dead_letters,
            last_used_ms: AtomicI64::new(now_ms()),
            labels,
            state: Mutex::new(State {
                settled: persisted.settled,
                cursor,
                delivered_to: persisted.delivered_to,
                requeued: BTreeSet::new(),
                unacked: HashMap::new(),
                consumers: Vec::new(),
                next: 0,
                ahead: VecDeque::new(),
                had_consumer: false,
                dirty: false,
                ready_bytes: 0,
                counted_to: cursor,
                recount: false,
                next_token: 0,
            }),
            wake: Notify::new(),
            deleted: AtomicBool::new(false),
        })
    }

    pub fn name(&self) -> &str {
        &self.decl.name
    }

    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Messages ready for delivery (not handed out and not settled).
    pub fn ready(&self) -> u64 {
        let s = self.state();
        self.ready_in(&s)
    }

    fn ready_in(&self, s: &State) -> u64 {
        let end = self.log.log_end_offset();
        if self.is_stream() {
            // What the stream holds.
            let start = self.log.stats().map_or(0, |st| st.log_start_offset);
            return (end - start).max(0) as u64;
        }
        let cursor = s.cursor.min(end);
        let fresh = (end - cursor) - s.settled.count_in(cursor, end);
        (fresh.max(0) as u64) + s.requeued.len() as u64
    }

    pub fn consumers(&self) -> usize {
        self.state().consumers.len()
    }

    pub fn unacked(&self) -> usize {
        self.state().unacked.len()
    }

    /// Every offset below is settled.
    pub fn settled_floor(&self) -> i64 {
        self.state().settled.floor
    }

    pub fn has_exclusive_consumer(&self) -> bool {
        self.state().consumers.iter().any(|c| c.handle.exclusive)
    }

    /// Adds a consumer; false (and nothing added) when an exclusive consumer would share.
    pub fn consume(&self, handle: ConsumerHandle) -> bool {
        self.touch();
        if self.is_deleted() {
            return false;
        }
        let mut s = self.state();
        if s.consumers.iter().any(|c| c.handle.exclusive)
            || (handle.exclusive && !s.consumers.is_empty())
        {
            return false;
        }
        let next = handle.stream_from;
        s.consumers.push(Slot {
            handle,
            in_flight: 0,
            next,
            ahead: VecDeque::new(),
        });
        s.had_consumer = true;
        drop(s);
        self.wake.notify_one();
        true
    }

    /// Removes a consumer (its unacknowledged deliveries stay with its channel). True when the
    /// queue is auto-delete and that was its last consumer.
    pub fn cancel(&self, id: ConsumerId) -> bool {
        self.touch();
        let mut s = self.state();
        s.consumers.retain(|c| c.handle.id != id);
        self.decl.auto_delete && s.had_consumer && s.consumers.is_empty()
    }

    pub fn ack(&self, offset: i64) {
        let mut s = self.state();
        if let Some(c) = s.unacked.remove(&offset) {
            release(&mut s, c);
            // A stream's acks only make room: its messages stay.
            if !self.is_stream() {
                s.settled.settle(offset);
                s.dirty = true;
            }
        }
        drop(s);
        self.wake.notify_one();
    }

    /// Puts a handed-out message back, to be delivered again flagged redelivered. (A stream's
    /// message is not taken back: its delivery is only released.)
    pub fn requeue(&self, offset: i64) {
        if self.is_stream() {
            return self.ack(offset);
        }
        let mut s = self.state();
        if let Some(c) = s.unacked.remove(&offset) {
            release(&mut s, c);
            s.requeued.insert(offset);
            if self.args.max_length_bytes.is_some() {
                match self.read_one(offset) {
                    Ok(Some(m)) => s.ready_bytes += m.body.len() as u64,
                    _ => s.recount = true,
                }
            }
        }
        drop(s);
        self.wake.notify_one();
    }

    /// Drops a handed-out message (a reject or nack without requeue), to the dead-letter
    /// exchange if the queue has one.
    pub fn discard(&self, offset: i64) {
        if self.is_stream() {
            return self.ack(offset);
        }
        let held = self.state().unacked.contains_key(&offset);
        if held && self.dead_letters.is_some() {
            if let Ok(Some(m)) = self.read_one(offset) {
                self.dead_letter(m, "rejected");
            }
        }
        self.ack(offset)
    }

    /// Settles every ready message; returns how many.
    pub fn purge(&self) -> u64 {
        let mut s = self.state();
        let n = self.ready_in(&s);
        let end = self.log.log_end_offset();
        s.ready_bytes = 0;
        s.counted_to = s.counted_to.max(end);
        let from = s.cursor;
        s.settled.settle_range(from, end);
        s.cursor = s.cursor.max(end);
        s.ahead.clear();
        for off in std::mem::take(&mut s.requeued) {
            s.settled.settle(off);
        }
        s.dirty = true;
        n
    }

    /// `basic.get`: the next ready message, handed to the caller's channel (or settled at once
    /// with `no_ack`), and how many remain ready.
    pub fn get(&self, no_ack: bool) -> Option<(i64, Arc<Message>, bool, u64)> {
        self.touch();
        let mut s = self.state();
        let t = self.take(&mut s, now_ms(), false)?;
        if no_ack {
            s.settled.settle(t.offset);
        } else {
            s.unacked.insert(t.offset, GET);
        }
        s.delivered_to = s.delivered_to.max(t.offset + 1);
        s.dirty = true;
        let left = self.ready_in(&s);
        Some((t.offset, t.message, t.redelivered, left))
    }

    /// Marks the queue used now (`x-expires` counts from the last use).
    pub fn touch(&self) {
        self.last_used_ms.store(now_ms(), Ordering::Relaxed);
    }

    /// Whether `x-expires` has run out: unused, with no consumers, for that long.
    pub fn expired_unused(&self, now: i64) -> bool {
        let Some(ttl) = self.args.expires else {
            return false;
        };
        let idle = now - self.last_used_ms.load(Ordering::Relaxed);
        idle >= ttl as i64 && self.consumers() == 0
    }

    /// Whether a message has outlived its TTL. A TTL of 0 means "only to a consumer that is
    /// there now", as in RabbitMQ: such a message goes to a consumer with room
    /// (`to_consumer`) and expires everywhere else.
    fn is_expired(&self, m: &Message, now: i64, to_consumer: bool) -> bool {
        let age = now.saturating_sub(m.timestamp).max(0) as u64;
        let over = |ttl: u64| !(ttl == 0 && to_consumer) && age >= ttl;
        self.args.message_ttl.is_some_and(over) || expiration_ms(&m.properties).is_some_and(over)
    }

    /// Sends a message that leaves the queue to the dead-letter exchange, if there is one.
    fn dead_letter(&self, message: Arc<Message>, reason: &'static str) {
        let (Some(tx), Some(exchange)) = (&self.dead_letters, &self.args.dead_letter_exchange)
        else {
            return;
        };
        let letter = DeadLetter {
            vhost: self.vhost.clone(),
            queue: self.decl.name.clone(),
            exchange: exchange.clone(),
            routing_key: self.args.dead_letter_routing_key.clone(),
            reason,
            message,
        };
        if tx.try_send(letter).is_err() {
            tracing::warn!(queue = %self.decl.name, "dead-letter queue full; dropping a dead letter");
        }
    }

    /// The next message to hand out, if any: requeued ones first, then the log from the
    /// cursor. Expired messages met on the way are settled and dead-lettered.
    fn take(&self, s: &mut State, now: i64, to_consumer: bool) -> Option<Taken> {
        loop {
            let t = self.next_message(s)?;
            if self.args.max_length_bytes.is_some() && (t.requeued || t.offset < s.counted_to) {
                s.ready_bytes = s.ready_bytes.saturating_sub(t.message.body.len() as u64);
            }
            if self.is_expired(&t.message, now, to_consumer) {
                s.settled.settle(t.offset);
                s.dirty = true;
                self.dead_letter(t.message, "expired");
                continue;
            }
            return Some(t);
        }
    }

    /// Puts a taken message back at the head.
    fn untake(&self, s: &mut State, t: Taken) {
        if self.args.max_length_bytes.is_some() && (t.requeued || t.offset < s.counted_to) {
            s.ready_bytes += t.message.body.len() as u64;
        }
        if t.requeued {
            s.requeued.insert(t.offset);
        } else {
            s.cursor = t.offset;
            s.ahead.push_front((t.offset, t.message));
        }
    }

    /// Drops (dead-letters) expired messages at the head, as RabbitMQ does; the core calls it
    /// periodically for queues with a TTL, so they do not wait for a consumer.
    pub fn expire_head(&self) {
        let mut s = self.state();
        // A TTL-0 message is left to the dispatcher while there are consumers to take it.
        let consumed = !s.consumers.is_empty();
        if let Some(t) = self.take(&mut s, now_ms(), consumed) {
            self.untake(&mut s, t);
        }
    }

    /// Whether a publish of `bytes` of body may be added under `x-max-length` and
    /// `x-max-length-bytes` with a reject overflow.
    pub fn admits(&self, bytes: u64) -> bool {
        self.admits_more(0, 0, bytes)
    }

    /// Whether a publish of `bytes` of body may be added under a reject overflow when
    /// `pending` more (of `pending_bytes`) are about to be appended in the same batch.
    pub fn admits_more(&self, pending: u64, pending_bytes: u64, bytes: u64) -> bool {
        if self.args.overflow == Overflow::DropHead {
            return true;
        }
        if let Some(max) = self.args.max_length {
            if self.ready().saturating_add(pending) >= max {
                return false;
            }
        }
        if let Some(max) = self.args.max_length_bytes {
            let mut s = self.state();
            self.count_bytes(&mut s);
            // As RabbitMQ: refused when this one's body would take the queue past the limit.
            if s.ready_bytes + pending_bytes + bytes > max {
                return false;
            }
        }
        true
    }

    /// Counts the body bytes of records appended since the last count (those not handed out
    /// yet: at or past the cursor, not settled). Only queues with `x-max-length-bytes` count;
    /// after a restart the first count reads the ready part of the log, which that limit
    /// bounds.
    fn count_bytes(&self, s: &mut State) {
        if self.args.max_length_bytes.is_none() {
            return;
        }
        // Records deleted under the cursor (DeleteRecords, retention set by an operator) left
        // without being taken: settled, and the count made again.
        let start = self.log.stats().map_or(0, |st| st.log_start_offset);
        if s.cursor < start {
            let from = s.cursor;
            s.settled.settle_range(from, start);
            s.cursor = start;
            s.dirty = true;
            s.recount = true;
        }
        if std::mem::take(&mut s.recount) {
            // Requeued messages (bounded by the unacknowledged ones), then the log again.
            s.ready_bytes = 0;
            let requeued: Vec<i64> = s.requeued.iter().copied().collect();
            for off in requeued {
                if let Ok(Some(m)) = self.read_one(off) {
                    s.ready_bytes += m.body.len() as u64;
                }
            }
            s.counted_to = s.cursor;
        }
        let end = self.log.log_end_offset();
        while s.counted_to < end {
            let Ok(read) =
                robustmq_broker::follow::read_from(&*self.log, s.counted_to, READ_AHEAD_BYTES)
            else {
                return;
            };
            if read.to <= s.counted_to {
                return;
            }
            for (offset, m) in decode_batches(&read.batches, self.read_limit) {
                if offset >= s.counted_to && offset >= s.cursor && !s.settled.contains(offset) {
                    s.ready_bytes += m.body.len() as u64;
                }
            }
            s.counted_to = read.to;
        }
    }

    /// Whether the queue holds more than its limits allow (for drop-head).
    fn over_limits(&self, s: &mut State) -> bool {
        if self
            .args
            .max_length
            .is_some_and(|max| self.ready_in(s) > max)
        {
            return true;
        }
        match self.args.max_length_bytes {
            Some(max) => {
                self.count_bytes(s);
                s.ready_bytes > max
            }
            None => false,
        }
    }

    /// After an append: drops (dead-letters) the oldest ready messages past `x-max-length`
    /// under drop-head.
    pub fn enforce_max_length(&self) {
        let limited = self.args.max_length.is_some() || self.args.max_length_bytes.is_some();
        if !limited || self.args.overflow != Overflow::DropHead {
            return;
        }
        let mut s = self.state();
        let now = now_ms();
        while self.over_limits(&mut s) {
            let Some(t) = self.take(&mut s, now, false) else {
                break;
            };
            s.settled.settle(t.offset);
            s.dirty = true;
            self.dead_letter(t.message, "maxlen");
        }
    }

    /// A message refused by `reject-publish-dlx` goes to the dead-letter exchange.
    pub fn refused(&self, message: Arc<Message>) {
        if self.args.overflow == Overflow::RejectPublishDlx {
            self.dead_letter(message, "maxlen");
        }
    }

    /// The next message at the head, if any: requeued ones first, then the log from the cursor.
    fn next_message(&self, s: &mut State) -> Option<Taken> {
        while let Some(off) = s.requeued.pop_first() {
            match self.read_one(off) {
                Ok(Some(m)) => {
                    return Some(Taken {
                        offset: off,
                        message: m,
                        redelivered: true,
                        requeued: true,
                    })
                }
                // Gone from the log (deleted by an operator): nothing to deliver.
                Ok(None) => {
                    s.settled.settle(off);
                    s.recount = true;
                }
                Err(e) => {
                    // Not lost: tried again on the next round.
                    tracing::warn!(queue = %self.decl.name, offset = off, error = %e, "cannot read a requeued message");
                    s.requeued.insert(off);
                    return None;
                }
            }
        }
        let end = self.log.log_end_offset();
        loop {
            s.cursor = s.settled.next_unsettled(s.cursor);
            while s.ahead.front().is_some_and(|(o, _)| *o < s.cursor) {
                s.ahead.pop_front();
            }
            if s.ahead.is_empty() {
                if s.cursor >= end {
                    return None;
                }
                let read =
                    robustmq_broker::follow::read_from(&*self.log, s.cursor, READ_AHEAD_BYTES)
                        .ok()?;
                let cursor = s.cursor;
                s.ahead.extend(
                    decode_batches(&read.batches, self.read_limit)
                        .into_iter()
                        .filter(|(o, _)| *o >= cursor)
                        .map(|(o, m)| (o, Arc::new(m))),
                );
                if s.ahead.is_empty() {
                    // Nothing readable there (transaction markers, a batch we cannot read):
                    // settled, so the floor can pass it.
                    if read.to <= s.cursor {
                        return None;
                    }
                    let from = s.cursor;
                    s.settled.settle_range(from, read.to);
                    s.dirty = true;
                    s.recount = true;
                    s.cursor = read.to;
                    continue;
                }
            }
            let (off, m) = s.ahead.pop_front()?;
            if s.settled.contains(off) {
                continue;
            }
            if off > s.cursor {
                // Offsets with no message (markers, records compaction removed).
                let from = s.cursor;
                s.settled.settle_range(from, off);
                s.dirty = true;
                s.recount = true;
            }
            s.cursor = off + 1;
            return Some(Taken {
                offset: off,
                message: m,
                redelivered: off < s.delivered_to,
                requeued: false,
            });
        }
    }

    /// The message at `offset`: `Ok(None)` when the log no longer has it, `Err` when it could
    /// not be read.
    fn read_one(
        &self,
        offset: i64,
    ) -> Result<Option<Arc<Message>>, robustmq_journal::JournalError> {
        let read = robustmq_broker::follow::read_from(&*self.log, offset, 1)?;
        Ok(decode_batches(&read.batches, self.read_limit)
            .into_iter()
            .find(|(o, _)| *o == offset)
            .map(|(_, m)| Arc::new(m)))
    }

    /// Hands ready messages to consumers with room, round robin. True when a consumer's
    /// connection was full, so the caller should try again shortly.
    fn dispatch(self: &Arc<Self>) -> bool {
        if self.is_stream() {
            return self.dispatch_stream();
        }
        let mut s = self.state();
        let mut full = false;
        let now = now_ms();
        loop {
            // A single active consumer: the oldest one gets everything.
            let n = if self.args.single_active_consumer {
                s.consumers.len().min(1)
            } else {
                s.consumers.len()
            };
            if n == 0 {
                return full;
            }
            let mut chosen = None;
            for i in 0..n {
                let idx = (s.next + i) % n;
                let c = &s.consumers[idx];
                let room = c.handle.no_ack
                    || (c.in_flight < c.handle.limit() && c.handle.credit.has_room());
                if room && c.handle.flow.load(Ordering::Relaxed) {
                    match c.handle.tx.clone().try_reserve_owned() {
                        Ok(permit) => {
                            chosen = Some((idx, permit));
                            break;
                        }
                        Err(mpsc::error::TrySendError::Full(_)) => full = true,
                        Err(mpsc::error::TrySendError::Closed(_)) => {}
                    }
                }
            }
            let Some((idx, permit)) = chosen else {
                return full;
            };
            let Some(Taken {
                offset,
                message,
                redelivered,
                ..
            }) = self.take(&mut s, now, true)
            else {
                return full;
            };
            s.next = idx + 1;
            s.delivered_to = s.delivered_to.max(offset + 1);
            s.dirty = true;
            let c = &mut s.consumers[idx];
            let (id, no_ack) = (c.handle.id, c.handle.no_ack);
            let delivery = Delivery {
                queue: Arc::clone(self),
                channel: c.handle.channel,
                consumer: id,
                consumer_tag: c.handle.tag.clone(),
                no_ack,
                offset,
                redelivered,
                message,
                credit: Arc::clone(&c.handle.credit),
            };
            if no_ack {
                s.settled.settle(offset);
            } else {
                c.in_flight += 1;
                c.handle.credit.in_flight.fetch_add(1, Ordering::Relaxed);
                s.unacked.insert(offset, id);
            }
            permit.send(ToConnection::Deliver(delivery));
        }
    }

    /// Delivers until the queue is deleted: woken by appends to its log (from any protocol)
    /// and by acknowledgements, new consumers and flow changes.
    pub async fn run(self: Arc<Self>) {
        let mut end = self.log.subscribe();
        // While a consumer's connection is full, look again after a pause that doubles up to
        // 10 ms, so a client that stopped reading costs little.
        let mut pause = Duration::from_millis(1);
        loop {
            if self.deleted.load(Ordering::Acquire) {
                return;
            }
            let full = self.dispatch();
            pause = if full {
                (pause * 2).min(Duration::from_millis(10))
            } else {
                Duration::from_millis(1)
            };
            tokio::select! {
                _ = self.wake.notified() => {}
                changed = end.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep(pause), if full => {}
            }
        }
    }

    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Marks the queue deleted and tells its consumers (server-side basic.cancel).
    pub fn delete(&self) {
        self.deleted.store(true, Ordering::Release);
        let consumers = std::mem::take(&mut self.state().consumers);
        for c in consumers {
            let cancel = ToConnection::Cancelled {
                channel: c.handle.channel,
                consumer_tag: c.handle.tag,
                consumer: c.handle.id,
            };
            // Waits for room if the connection is busy: the cancel must not be lost.
            if let Err(mpsc::error::TrySendError::Full(cancel)) = c.handle.tx.try_send(cancel) {
                let tx = c.handle.tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(cancel).await;
                });
            }
        }
        self.wake.notify_one();
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.load(Ordering::Acquire)
    }

    /// The state to persist, when it changed since the last call.
    pub fn take_dirty(&self) -> Option<Persisted> {
        let mut s = self.state();
        if !s.dirty {
            return None;
        }
        s.dirty = false;
        Some(Persisted {
            settled: s.settled.clone(),
            delivered_to: s.delivered_to,
        })
    }

    /// Puts back state that could not be persisted, to try again.
    pub fn mark_dirty(&self) {
        self.state().dirty = true;
    }
}

fn release(s: &mut State, consumer: ConsumerId) {
    if let Some(c) = s.consumers.iter_mut().find(|c| c.handle.id == consumer) {
        c.in_flight = c.in_flight.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use robustmq_journal::{LogConfig, LogStore, MemoryStore};

    fn queue() -> Arc<Queue> {
        let store = MemoryStore::new();
        let log = store.open_partition("q", 0, LogConfig::default()).unwrap();
        Queue::new(
            "/",
            QueueDecl {
                name: "q".into(),
                durable: true,
                exclusive: false,
                auto_delete: false,
                arguments: FieldTable::default(),
                topic: "q".into(),
            },
            None,
            log,
            Persisted::default(),
            options(),
        )
    }

    fn options() -> QueueOptions {
        QueueOptions {
            read_limit: 1 << 20,
            args: QueueArgs::default(),
            dead_letters: None,
        }
    }

    fn publish(q: &Queue, body: &str) {
        let m = Message {
            exchange: String::new(),
            routing_key: "q".into(),
            properties: Bytes::from_static(crate::codec::NO_PROPERTIES),
            body: Bytes::copy_from_slice(body.as_bytes()),
            timestamp: 0,
        };
        q.log
            .append(super::super::message::encode(&[&m], 0))
            .unwrap();
    }

    fn body(m: &Message) -> &str {
        std::str::from_utf8(&m.body).unwrap()
    }

    #[test]
    fn get_ack_requeue_and_purge() {
        let q = queue();
        for b in ["a", "b", "c"] {
            publish(&q, b);
        }
        assert_eq!(q.ready(), 3);
        let (o1, m1, r1, left) = q.get(false).unwrap();
        assert_eq!((o1, body(&m1), r1, left), (0, "a", false, 2));
        let (o2, _, _, _) = q.get(false).unwrap();
        q.requeue(o1);
        q.ack(o2);
        let (o, m, redelivered, _) = q.get(true).unwrap();
        assert_eq!((o, body(&m), redelivered), (0, "a", true));
        assert_eq!(q.ready(), 1);
        assert_eq!(q.purge(), 1);
        assert!(q.get(false).is_none());
        let p = q.take_dirty().unwrap();
        assert_eq!(p.settled.floor, 3);
    }

    #[test]
    fn a_restart_resumes_after_settled_and_flags_delivered() {
        let q = queue();
        for b in ["a", "b", "c", "d"] {
            publish(&q, b);
        }
        let (a, ..) = q.get(false).unwrap();
        let (_b, ..) = q.get(false).unwrap();
        let (c, ..) = q.get(false).unwrap();
        q.ack(a);
        q.ack(c);
        let p = q.take_dirty().unwrap();
        let again = Queue::new("/", q.decl.clone(), None, Arc::clone(&q.log), p, options());
        assert_eq!(again.ready(), 2);
        let (o, m, redelivered, _) = again.get(false).unwrap();
        assert_eq!((o, body(&m), redelivered), (1, "b", true));
        let (o, m, redelivered, _) = again.get(false).unwrap();
        assert_eq!((o, body(&m), redelivered), (3, "d", false));
    }

    #[tokio::test]
    async fn consumers_get_at_most_their_prefetch() {
        let q = queue();
        for b in ["a", "b", "c"] {
            publish(&q, b);
        }
        let (tx, mut rx) = mpsc::channel(16);
        assert!(q.consume(ConsumerHandle {
            id: 7,
            tag: "t".into(),
            channel: 1,
            tx,
            prefetch: Arc::new(AtomicU32::new(2)),
            unlimited: 10,
            no_ack: false,
            exclusive: false,
            flow: Arc::new(AtomicBool::new(true)),
            credit: Arc::default(),
            stream_from: 0,
        }));
        q.dispatch();
        let mut got = Vec::new();
        while let Ok(ToConnection::Deliver(d)) = rx.try_recv() {
            got.push(d.offset);
        }
        assert_eq!(got, vec![0, 1]);
        q.ack(0);
        q.dispatch();
        let Ok(ToConnection::Deliver(d)) = rx.try_recv() else {
            panic!("no third delivery")
        };
        assert_eq!(d.offset, 2);
        assert_eq!(q.unacked(), 2);
    }
}
