//! Storing publishes: every message completed by one read of the socket is staged, then
//! stored with one append per queue (one RecordBatch, one write), and the publisher's
//! confirms for them wait on one durability future. With confirms, a channel whose staged
//! messages were all stored gets a single `basic.ack` with `multiple` for the highest one.

use std::collections::HashMap;
use std::sync::Arc;

use amq_protocol::protocol::{basic, AMQPClass};
use robustmq_broker::DurableWait;

use super::Conn;
use crate::broker::message::{self, Message};
use crate::broker::queue::Queue;
use crate::codec;
use crate::errors::Result;

/// Staged messages are stored at the latest once they add up to this many body bytes.
pub(crate) const STAGE_BYTES: usize = 1 << 20;

/// A routed message waiting to be stored.
pub(crate) struct Staged {
    pub channel: u16,
    /// Its confirm sequence number, on a channel in confirm mode.
    pub seq: Option<u64>,
    pub queues: Vec<Arc<Queue>>,
    /// Log topics it also goes to (`x-log-topic`).
    pub topics: Vec<String>,
    pub message: Arc<Message>,
}

fn confirm_frame(channel: u16, seq: u64, ok: bool, multiple: bool) -> Vec<u8> {
    let method = if ok {
        basic::AMQPMethod::Ack(basic::Ack {
            delivery_tag: seq,
            multiple,
        })
    } else {
        basic::AMQPMethod::Nack(basic::Nack {
            delivery_tag: seq,
            multiple,
            requeue: false,
        })
    };
    let mut out = Vec::new();
    codec::put_method(&mut out, channel, &AMQPClass::Basic(method));
    out
}

impl Conn {
    /// Stores every staged message and owes their confirms.
    pub(crate) fn flush_publishes(&mut self) -> Result<()> {
        if self.staged.is_empty() {
            return Ok(());
        }
        let staged = std::mem::take(&mut self.staged);
        self.staged_bytes = 0;
        let (wait, stored, _) = self.store(&staged, false);
        self.owe_confirms(&staged, wait, &stored)
    }

    /// Appends `staged` with one append per queue. Returns what their durability needs (every
    /// queue written with `wait_all`, else only the queues of messages awaiting a confirm),
    /// whether each message was stored everywhere it was routed, and whether a queue's length
    /// limit refused it.
    pub(crate) fn store(
        &self,
        staged: &[Staged],
        wait_all: bool,
    ) -> (DurableWait, Vec<bool>, Vec<bool>) {
        // Messages per queue, in arrival order; a message refused by a full queue is nacked.
        let mut order: Vec<Arc<Queue>> = Vec::new();
        // The messages for each queue, whether any of them awaits a confirm (only those
        // queues are waited on for durability), and their body bytes.
        let mut per_queue: HashMap<*const Queue, (Vec<&Message>, bool, u64)> = HashMap::new();
        let mut refused = vec![false; staged.len()];
        for (i, s) in staged.iter().enumerate() {
            for q in &s.queues {
                let (pending, pending_bytes) = per_queue
                    .get(&Arc::as_ptr(q))
                    .map_or((0, 0), |(m, _, bytes)| (m.len() as u64, *bytes));
                if !q.admits_more(pending, pending_bytes, s.message.body.len() as u64) {
                    refused[i] = true;
                    q.refused(Arc::clone(&s.message));
                    continue;
                }
                let entry = per_queue.entry(Arc::as_ptr(q)).or_insert_with(|| {
                    order.push(Arc::clone(q));
                    (Vec::new(), false, 0)
                });
                entry.0.push(&s.message);
                entry.1 |= wait_all || s.seq.is_some();
                entry.2 += s.message.body.len() as u64;
            }
        }
        let now = staged
            .last()
            .map(|s| s.message.timestamp)
            .unwrap_or_default();
        let mut wait = DurableWait::default();
        let mut failed: Vec<*const Queue> = Vec::new();
        for q in &order {
            let Some((messages, confirming, _)) = per_queue.get(&Arc::as_ptr(q)) else {
                continue;
            };
            let batch = message::encode(messages, now);
            match self.core.broker.append(&*q.log, batch) {
                Ok(info) if *confirming => wait.need(&q.log, info.last_offset + 1),
                Ok(_) => {}
                // Deleted between routing and append: as if it had not been routed there.
                Err(_) if q.is_deleted() => {}
                Err(e) => {
                    tracing::warn!(queue = q.name(), error = %e, "cannot store AMQP messages");
                    failed.push(Arc::as_ptr(q));
                }
            }
            q.enforce_max_length();
        }
        let failed_topics = self.store_in_topics(staged, wait_all, &mut wait);
        let stored = staged
            .iter()
            .enumerate()
            .map(|(i, s)| {
                !refused[i]
                    && !s.queues.iter().any(|q| failed.contains(&Arc::as_ptr(q)))
                    && !s.topics.iter().any(|t| failed_topics.contains(t))
            })
            .collect();
        (wait, stored, refused)
    }

    /// Appends the messages bound for log topics (`x-log-topic`), keyed by routing key and
    /// spread over the topic's partitions as a Kafka producer would; returns the topics that
    /// could not take them.
    fn store_in_topics(
        &self,
        staged: &[Staged],
        wait_all: bool,
        wait: &mut DurableWait,
    ) -> Vec<String> {
        let mut per_topic: Vec<(&str, Vec<&Message>, bool)> = Vec::new();
        for s in staged {
            for t in &s.topics {
                let confirming = wait_all || s.seq.is_some();
                match per_topic.iter_mut().find(|(name, ..)| *name == t.as_str()) {
                    Some(entry) => {
                        entry.1.push(&s.message);
                        entry.2 |= confirming;
                    }
                    None => per_topic.push((t.as_str(), vec![&s.message], confirming)),
                }
            }
        }
        let mut failed = Vec::new();
        let broker = &self.core.broker;
        for (topic, messages, confirming) in per_topic {
            let known = broker.topics.get(topic).map(|meta| Ok(Some(meta)));
            let found = known
                .unwrap_or_else(|| robustmq_meta::off_worker(|| broker.topic_or_create(topic)));
            let partitions = match found {
                Ok(Some(meta)) => meta.partitions.max(1),
                _ => {
                    tracing::warn!(topic, "cannot store AMQP messages in their log topic");
                    failed.push(topic.to_string());
                    continue;
                }
            };
            let mut per_partition: HashMap<i32, Vec<&Message>> = HashMap::new();
            for m in messages {
                let p = robustmq_broker::partitioner::partition_for(
                    m.routing_key.as_bytes(),
                    partitions,
                );
                per_partition.entry(p).or_default().push(m);
            }
            for (p, messages) in per_partition {
                let Some(log) = broker.topics.partition(topic, p) else {
                    failed.push(topic.to_string());
                    continue;
                };
                let now = messages.last().map(|m| m.timestamp).unwrap_or_default();
                match broker.append(&*log, message::encode(&messages, now)) {
                    Ok(info) if confirming => wait.need(&log, info.last_offset + 1),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(topic, partition = p, error = %e, "cannot store AMQP messages in their log topic");
                        failed.push(topic.to_string());
                    }
                }
            }
        }
        failed
    }

    fn owe_confirms(
        &mut self,
        staged: &[Staged],
        wait: DurableWait,
        stored: &[bool],
    ) -> Result<()> {
        let stored = |i: usize, _: &Staged| stored[i];
        // Per confirming channel: every (seq, stored) in order.
        let mut confirms: Vec<(u16, Vec<(u64, bool)>)> = Vec::new();
        for (i, s) in staged.iter().enumerate() {
            let Some(seq) = s.seq else {
                // Without confirms there is no way to tell the publisher (the failure was
                // logged where it happened); it is at most once, as it chose.
                continue;
            };
            let ok = stored(i, s);
            match confirms.iter_mut().find(|(c, _)| *c == s.channel) {
                Some((_, list)) => list.push((seq, ok)),
                None => confirms.push((s.channel, vec![(seq, ok)])),
            }
        }
        if confirms.is_empty() {
            return Ok(());
        }
        // The frames when durability holds, and when it fails (all nacked).
        let mut when_durable = Vec::new();
        let mut when_lost = Vec::new();
        for (channel, list) in &confirms {
            let last = list.last().map(|(seq, _)| *seq).unwrap_or_default();
            // Both variants have the same frames in number and size (an ack and a nack are
            // the same size), so the bytes counted as owed are the bytes written.
            if list.iter().all(|(_, ok)| *ok) {
                when_durable.extend(confirm_frame(*channel, last, true, true));
                when_lost.extend(confirm_frame(*channel, last, false, true));
            } else {
                for (seq, ok) in list {
                    when_durable.extend(confirm_frame(*channel, *seq, *ok, false));
                    when_lost.extend(confirm_frame(*channel, *seq, false, false));
                }
            }
        }
        if wait.is_empty() {
            self.owe(when_durable);
        } else {
            self.owed += when_durable.len();
            self.replies.push_later(async move {
                match wait.wait().await {
                    Ok(()) => when_durable,
                    Err(e) => {
                        tracing::warn!(error = %e, "AMQP messages not durable; nacking them");
                        when_lost
                    }
                }
            });
        }
        Ok(())
    }
}
