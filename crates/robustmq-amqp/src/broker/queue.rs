//! A queue: a one-partition log, a cursor over it, the offsets handed out and not yet
//! settled, and its consumers. Messages go out in log order (requeued ones first, flagged
//! redelivered); an offset is settled by an ack, a reject without requeue, a purge or a
//! no-ack delivery. The settled set and how far deliveries reached are what is persisted
//! (see `AmqpCore::persist_acks`), so after a restart a queue resumes where its consumers
//! were, and what was handed out but not acknowledged comes back flagged redelivered.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use amq_protocol::types::FieldTable;
use robustmq_journal::Log;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, Notify};

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
    /// The server cancelled the consumer (its queue was deleted).
    Cancelled {
        channel: u16,
        consumer_tag: String,
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
}

/// A consumer as its queue sees it.
pub struct ConsumerHandle {
    pub id: ConsumerId,
    pub tag: String,
    pub channel: u16,
    pub tx: mpsc::Sender<ToConnection>,
    /// Unacknowledged deliveries allowed at once (never 0: "unlimited" is capped by config).
    pub prefetch: u32,
    pub no_ack: bool,
    pub exclusive: bool,
    /// The channel's flow: false stops deliveries.
    pub flow: Arc<AtomicBool>,
}

struct Slot {
    handle: ConsumerHandle,
    in_flight: u32,
}

/// What survives a restart of a queue's delivery state.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Persisted {
    pub settled: Settled,
    /// Offsets below were delivered at least once.
    pub delivered_to: i64,
}

struct State {
    settled: Settled,
    cursor: i64,
    delivered_to: i64,
    requeued: BTreeSet<i64>,
    unacked: HashMap<i64, ConsumerId>,
    consumers: Vec<Slot>,
    next: usize,
    ahead: VecDeque<(i64, Arc<Message>)>,
    had_consumer: bool,
    dirty: bool,
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
    read_limit: usize,
    state: Mutex<State>,
    wake: Notify,
    deleted: AtomicBool,
}

impl Queue {
    pub fn new(
        vhost: &str,
        decl: QueueDecl,
        owner: Option<u64>,
        log: Arc<dyn Log>,
        persisted: Persisted,
        read_limit: usize,
    ) -> Arc<Queue> {
        let cursor = persisted.settled.floor;
        Arc::new(Queue {
            vhost: vhost.to_string(),
            decl,
            owner,
            log,
            read_limit,
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
            }),
            wake: Notify::new(),
            deleted: AtomicBool::new(false),
        })
    }

    pub fn name(&self) -> &str {
        &self.decl.name
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Messages ready for delivery (not handed out and not settled).
    pub fn ready(&self) -> u64 {
        let s = self.state();
        self.ready_in(&s)
    }

    fn ready_in(&self, s: &State) -> u64 {
        let end = self.log.log_end_offset();
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
        let mut s = self.state();
        if s.consumers.iter().any(|c| c.handle.exclusive)
            || (handle.exclusive && !s.consumers.is_empty())
        {
            return false;
        }
        s.consumers.push(Slot {
            handle,
            in_flight: 0,
        });
        s.had_consumer = true;
        drop(s);
        self.wake.notify_one();
        true
    }

    /// Removes a consumer (its unacknowledged deliveries stay with its channel). True when the
    /// queue is auto-delete and that was its last consumer.
    pub fn cancel(&self, id: ConsumerId) -> bool {
        let mut s = self.state();
        s.consumers.retain(|c| c.handle.id != id);
        self.decl.auto_delete && s.had_consumer && s.consumers.is_empty()
    }

    pub fn ack(&self, offset: i64) {
        let mut s = self.state();
        if let Some(c) = s.unacked.remove(&offset) {
            release(&mut s, c);
            s.settled.settle(offset);
            s.dirty = true;
        }
        drop(s);
        self.wake.notify_one();
    }

    /// Puts a handed-out message back, to be delivered again flagged redelivered.
    pub fn requeue(&self, offset: i64) {
        let mut s = self.state();
        if let Some(c) = s.unacked.remove(&offset) {
            release(&mut s, c);
            s.requeued.insert(offset);
        }
        drop(s);
        self.wake.notify_one();
    }

    /// Drops a handed-out message (a reject or nack without requeue).
    pub fn discard(&self, offset: i64) {
        self.ack(offset)
    }

    /// Settles every ready message; returns how many.
    pub fn purge(&self) -> u64 {
        let mut s = self.state();
        let n = self.ready_in(&s);
        let end = self.log.log_end_offset();
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
        let mut s = self.state();
        let (offset, message, redelivered) = self.next_message(&mut s)?;
        if no_ack {
            s.settled.settle(offset);
        } else {
            s.unacked.insert(offset, GET);
        }
        s.delivered_to = s.delivered_to.max(offset + 1);
        s.dirty = true;
        let left = self.ready_in(&s);
        Some((offset, message, redelivered, left))
    }

    /// The next message to hand out, if any: requeued ones first, then the log from the cursor.
    fn next_message(&self, s: &mut State) -> Option<(i64, Arc<Message>, bool)> {
        while let Some(off) = s.requeued.pop_first() {
            if let Some(m) = self.read_one(off) {
                return Some((off, m, true));
            }
            // Gone from the log (deleted by an operator): nothing to deliver.
            s.settled.settle(off);
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
                    // Nothing readable there (transaction markers, a batch we cannot read).
                    if read.to <= s.cursor {
                        return None;
                    }
                    s.cursor = read.to;
                    continue;
                }
            }
            let (off, m) = s.ahead.pop_front()?;
            if s.settled.contains(off) {
                continue;
            }
            s.cursor = off + 1;
            return Some((off, m, off < s.delivered_to));
        }
    }

    fn read_one(&self, offset: i64) -> Option<Arc<Message>> {
        let read = robustmq_broker::follow::read_from(&*self.log, offset, 1).ok()?;
        decode_batches(&read.batches, self.read_limit)
            .into_iter()
            .find(|(o, _)| *o == offset)
            .map(|(_, m)| Arc::new(m))
    }

    /// Hands ready messages to consumers with room, round robin. True when a consumer's
    /// connection was full, so the caller should try again shortly.
    fn dispatch(self: &Arc<Self>) -> bool {
        let mut s = self.state();
        let mut full = false;
        loop {
            let n = s.consumers.len();
            if n == 0 {
                return full;
            }
            let mut chosen = None;
            for i in 0..n {
                let idx = (s.next + i) % n;
                let c = &s.consumers[idx];
                let room = c.handle.no_ack || c.in_flight < c.handle.prefetch;
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
            let Some((offset, message, redelivered)) = self.next_message(&mut s) else {
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
            };
            if no_ack {
                s.settled.settle(offset);
            } else {
                c.in_flight += 1;
                s.unacked.insert(offset, id);
            }
            permit.send(ToConnection::Deliver(delivery));
        }
    }

    /// Delivers until the queue is deleted: woken by appends to its log (from any protocol)
    /// and by acknowledgements, new consumers and flow changes.
    pub async fn run(self: Arc<Self>) {
        let mut end = self.log.subscribe();
        loop {
            if self.deleted.load(Ordering::Acquire) {
                return;
            }
            let full = self.dispatch();
            tokio::select! {
                _ = self.wake.notified() => {}
                changed = end.changed() => if changed.is_err() { return },
                _ = tokio::time::sleep(Duration::from_millis(2)), if full => {}
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
            let _ = c.handle.tx.try_send(ToConnection::Cancelled {
                channel: c.handle.channel,
                consumer_tag: c.handle.tag,
            });
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
            1 << 20,
        )
    }

    fn publish(q: &Queue, body: &str) {
        let m = Message {
            exchange: String::new(),
            routing_key: "q".into(),
            properties: Bytes::from_static(crate::codec::NO_PROPERTIES),
            body: Bytes::copy_from_slice(body.as_bytes()),
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
        let again = Queue::new("/", q.decl.clone(), None, Arc::clone(&q.log), p, 1 << 20);
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
            prefetch: 2,
            no_ack: false,
            exclusive: false,
            flow: Arc::new(AtomicBool::new(true)),
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
