//! Stream queues (`x-queue-type = stream`), as RabbitMQ serves them over AMQP 0-9-1: the log
//! is the stream, nothing is removed by consuming (retention removes old segments), and each
//! consumer reads from its own offset, chosen with the `x-stream-offset` consume argument.
//! Every delivery carries its offset in the `x-stream-offset` header. Acks only make room in
//! the consumer's prefetch window; basic.get, purge, nack and reject are refused (540), and a
//! consumer must use manual acks and a prefetch count, as in RabbitMQ.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use amq_protocol::protocol::basic::{gen_properties, parse_properties};
use amq_protocol::protocol::BasicProperties;
use amq_protocol::types::AMQPValue;
use bytes::Bytes;
use robustmq_journal::now_ms;
use tokio::sync::mpsc;

use super::args::{max_age_ms, text};
use super::message::{decode_batches, Message};
use super::queue::{Delivery, Queue, ToConnection};
use crate::errors::{AmqpError, Result, NOT_IMPLEMENTED};

/// How much of the log one read brings into a consumer's read-ahead.
const READ_AHEAD_BYTES: usize = 256 * 1024;

/// The 540 RabbitMQ answers for what a stream does not do (`what`: "basic.get", ...).
pub fn not_supported(what: &str, q: &Queue) -> AmqpError {
    AmqpError::connection(
        NOT_IMPLEMENTED,
        format!(
            "{what} not supported by stream queues queue '{}' in vhost '{}'",
            q.name(),
            q.vhost
        ),
    )
}

impl Queue {
    pub fn is_stream(&self) -> bool {
        self.args.stream.is_some()
    }

    /// Where a consumer with this `x-stream-offset` starts: `first`, `last` (the last
    /// message), `next` (the default: what is published from now on), an offset (clamped to
    /// the stream), a timestamp (seconds), or an interval back from now (`30m`, `1h`, `7D`).
    pub fn stream_start(&self, arg: Option<&AMQPValue>) -> Result<i64> {
        let end = self.log.log_end_offset();
        let start = self.log.stats().map_or(0, |s| s.log_start_offset);
        let since = |ms: i64| -> i64 {
            match self.log.offset_for_timestamp(ms) {
                Ok(Some((offset, _))) => offset.clamp(start, end),
                _ => end,
            }
        };
        let invalid = || {
            AmqpError::precondition(format!(
                "invalid x-stream-offset for queue '{}' in vhost '{}': first, last, next, an offset, a timestamp or an interval such as 30m",
                self.name(),
                self.vhost
            ))
        };
        let Some(v) = arg else {
            return Ok(end);
        };
        if let Some(n) = super::args::int(v) {
            return Ok(n.clamp(i128::from(start), i128::from(end)) as i64);
        }
        if let AMQPValue::Timestamp(secs) = v {
            let ms = i64::try_from(*secs)
                .unwrap_or(i64::MAX / 1000)
                .saturating_mul(1000);
            return Ok(since(ms));
        }
        match text(v).as_deref() {
            Some("first") => Ok(start),
            Some("last") => Ok((end - 1).max(start)),
            Some("next") => Ok(end),
            Some(interval) => {
                let ago = max_age_ms(interval).ok_or_else(invalid)?;
                Ok(since(now_ms().saturating_sub(ago as i64)))
            }
            None => Err(invalid()),
        }
    }

    /// Hands each consumer with room the next messages at its own offset. True when a
    /// consumer's connection was full or the log could not be read, so the caller should try
    /// again shortly. What a consumer read ahead is dropped when its turn ends: a client with
    /// many consumers that do not take messages holds no memory here.
    pub(super) fn dispatch_stream(self: &Arc<Self>) -> bool {
        let mut s = self.state();
        let mut again = false;
        let end = self.log.log_end_offset();
        for i in 0..s.consumers.len() {
            loop {
                let c = &s.consumers[i];
                let room = c.handle.limit().saturating_sub(c.in_flight);
                if room == 0
                    || !c.handle.credit.has_room()
                    || !c.handle.flow.load(Ordering::Relaxed)
                {
                    break;
                }
                if c.ahead.is_empty() && c.next >= end {
                    break;
                }
                let permit = match c.handle.tx.clone().try_reserve_owned() {
                    Ok(p) => p,
                    Err(mpsc::error::TrySendError::Full(_)) => {
                        again = true;
                        break;
                    }
                    Err(mpsc::error::TrySendError::Closed(_)) => break,
                };
                let next = c.next;
                let (offset, message) = match self.next_for(&mut s.consumers[i].ahead, next, room) {
                    Next::Message(offset, message) => (offset, message),
                    Next::Skip(to) => {
                        s.consumers[i].next = to;
                        continue;
                    }
                    Next::Retry => {
                        again = true;
                        break;
                    }
                };
                let token = s.next_token;
                s.next_token += 1;
                let c = &mut s.consumers[i];
                c.next = offset + 1;
                c.in_flight += 1;
                c.handle.credit.in_flight.fetch_add(1, Ordering::Relaxed);
                let delivery = Delivery {
                    queue: Arc::clone(self),
                    channel: c.handle.channel,
                    consumer: c.handle.id,
                    consumer_tag: c.handle.tag.clone(),
                    no_ack: false,
                    offset: token,
                    redelivered: false,
                    message: with_offset(&message, offset),
                    credit: Arc::clone(&c.handle.credit),
                };
                let id = c.handle.id;
                s.unacked.insert(token, id);
                permit.send(ToConnection::Deliver(delivery));
            }
            s.consumers[i].ahead.clear();
        }
        again
    }

    /// The message at or after `next`, from the read-ahead or the log (a read sized to the
    /// consumer's free window, `room` messages).
    fn next_for(
        &self,
        ahead: &mut std::collections::VecDeque<(i64, Arc<Message>)>,
        next: i64,
        room: u32,
    ) -> Next {
        while ahead.front().is_some_and(|(o, _)| *o < next) {
            ahead.pop_front();
        }
        if ahead.is_empty() {
            let bytes = (room as usize)
                .saturating_mul(4096)
                .clamp(4096, READ_AHEAD_BYTES);
            // From the log start when retention removed `next` (read_from moves up to it).
            let read = match robustmq_broker::follow::read_from(&*self.log, next, bytes) {
                Ok(read) => read,
                Err(e) => {
                    // Retention may have moved the start during the read: tried again.
                    tracing::debug!(queue = %self.name(), offset = next, error = %e, "stream read failed; retrying");
                    return Next::Retry;
                }
            };
            let from = read.from;
            ahead.extend(
                decode_batches(&read.batches, self.read_limit)
                    .into_iter()
                    .filter(|(o, _)| *o >= from)
                    .map(|(o, m)| (o, Arc::new(m))),
            );
            if ahead.is_empty() {
                // Nothing AMQP can read there (markers, a batch it cannot decode): past it.
                return if read.to > next {
                    Next::Skip(read.to)
                } else {
                    Next::Retry
                };
            }
        }
        match ahead.pop_front() {
            Some((offset, m)) => Next::Message(offset, m),
            None => Next::Retry,
        }
    }
}

/// What a stream consumer gets next.
enum Next {
    Message(i64, Arc<Message>),
    /// Nothing readable below this offset.
    Skip(i64),
    /// The log could not be read now.
    Retry,
}

/// The message with `x-stream-offset = offset` added to its headers, as RabbitMQ delivers
/// stream messages. Properties that cannot be read (never written by us) get just the header.
fn with_offset(m: &Arc<Message>, offset: i64) -> Arc<Message> {
    let props = parse_properties(&m.properties[..])
        .map(|(_, p)| p)
        .unwrap_or_default();
    let mut headers = props.headers().clone().unwrap_or_default();
    headers.insert("x-stream-offset".into(), AMQPValue::LongLongInt(offset));
    let props: BasicProperties = props.with_headers(headers);
    let raw = cookie_factory::gen_simple(gen_properties(&props), Vec::new()).unwrap_or_default();
    Arc::new(Message {
        exchange: m.exchange.clone(),
        routing_key: m.routing_key.clone(),
        properties: Bytes::from(raw),
        body: m.body.clone(),
        timestamp: m.timestamp,
    })
}
