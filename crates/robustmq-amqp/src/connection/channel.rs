//! Channels: the methods of the channel, exchange, queue, basic and confirm classes, content
//! assembly for basic.publish, delivery tags and what is unacknowledged on each channel.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use amq_protocol::protocol::{
    basic, channel, confirm, exchange, queue, tx, AMQPClass, BasicProperties,
};
use amq_protocol::types::{FieldTable, ShortString};
use bytes::{Bytes, BytesMut};

use super::Conn;
use crate::broker::exchange::{ExchangeDecl, Kind};
use crate::broker::message::Message;
use crate::broker::queue::{ChannelCredit, ConsumerHandle, ConsumerId, Delivery, Queue, QueueDecl};
use crate::broker::unknown_exchange_type;
use crate::codec::{self, Frame};
use crate::errors::{self, AmqpError, Result};

/// Deliveries of basic.get a channel may hold unacknowledged.
const MAX_UNACKED_GETS: usize = 100_000;

struct Pending {
    exchange: String,
    routing_key: String,
    mandatory: bool,
    header: Option<(u64, Bytes, Box<BasicProperties>)>,
    body: BytesMut,
}

pub(crate) struct Channel {
    closing: bool,
    flow: Arc<AtomicBool>,
    confirm: bool,
    publish_seq: u64,
    pending: Option<Pending>,
    /// In tx mode (`tx.select`): publishes and settlements wait for `tx.commit`.
    tx: bool,
    tx_publishes: Vec<super::publish::Staged>,
    tx_bytes: usize,
    /// (delivery tag, queue, offset, how) settled in the open transaction.
    tx_settles: Vec<(u64, Arc<Queue>, i64, Settle)>,
    next_tag: u64,
    unacked: BTreeMap<u64, (Arc<Queue>, i64)>,
    /// Tags of consumer deliveries, which count against the channel-wide limit.
    counted: HashSet<u64>,
    credit: Arc<ChannelCredit>,
    consumers: HashMap<String, (Arc<Queue>, ConsumerId)>,
    /// The per-consumer prefetch count (`basic.qos` without `global`), shared with the
    /// channel's consumers.
    prefetch: Arc<AtomicU32>,
    /// The queue a `""` queue name means (the last one declared on this channel).
    last_queue: String,
    /// The direct reply-to consumer of this channel: (token, consumer tag).
    reply_to: Option<(String, String)>,
}

#[derive(Clone, Copy)]
enum Settle {
    Ack,
    Requeue,
    Discard,
}

impl Channel {
    fn open() -> Channel {
        Channel {
            closing: false,
            flow: Arc::new(AtomicBool::new(true)),
            confirm: false,
            publish_seq: 0,
            pending: None,
            tx: false,
            tx_publishes: Vec::new(),
            tx_bytes: 0,
            tx_settles: Vec::new(),
            next_tag: 1,
            unacked: BTreeMap::new(),
            counted: HashSet::new(),
            credit: Arc::default(),
            consumers: HashMap::new(),
            prefetch: Arc::default(),
            last_queue: String::new(),
            reply_to: None,
        }
    }

    /// A channel we sent channel.close on, waiting for close-ok.
    pub(crate) fn closing(_id: u16) -> Channel {
        Channel {
            closing: true,
            ..Channel::open()
        }
    }

    pub(crate) fn has_consumer(&self, tag: &str, id: ConsumerId) -> bool {
        !self.closing && self.consumers.get(tag).is_some_and(|(_, c)| *c == id)
    }

    /// The tag of a new consumer: the client's, or a generated `amq.ctag-...` when it sent
    /// none; reusing one of this channel's tags closes the connection (530), as in RabbitMQ.
    fn new_consumer_tag(&self, requested: &str) -> Result<String> {
        let tag = if requested.is_empty() {
            format!("amq.ctag-{}", uuid::Uuid::new_v4().simple())
        } else {
            requested.to_string()
        };
        if self.consumers.contains_key(&tag) {
            return Err(AmqpError::connection(
                errors::NOT_ALLOWED,
                format!("attempt to reuse consumer tag '{tag}'"),
            ));
        }
        Ok(tag)
    }

    /// Wakes the queues of this channel's consumers (it has room again).
    pub(crate) fn wake_consumers(&self) {
        wake_all(&self.consumers);
    }

    /// Forgets consumer `id` under `tag` (a newer consumer may reuse the tag).
    pub(crate) fn forget_consumer(&mut self, tag: &str, id: ConsumerId) -> bool {
        if self.consumers.get(tag).is_some_and(|(_, c)| *c == id) {
            self.consumers.remove(tag);
            return true;
        }
        false
    }

    /// The frames of a delivery, tagged and (unless no-ack) remembered.
    pub(crate) fn deliver(&mut self, d: Delivery, frame_max: u32) -> Vec<u8> {
        let tag = self.next_tag;
        self.next_tag += 1;
        let mut out = Vec::with_capacity(d.message.body.len() + 128);
        codec::put_method(
            &mut out,
            d.channel,
            &AMQPClass::Basic(basic::AMQPMethod::Deliver(basic::Deliver {
                consumer_tag: codec::short(&d.consumer_tag),
                delivery_tag: tag,
                redelivered: d.redelivered,
                exchange: codec::short(&d.message.exchange),
                routing_key: codec::short(&d.message.routing_key),
            })),
        );
        put_content(&mut out, d.channel, &d.message, frame_max);
        if !d.no_ack {
            self.unacked.insert(tag, (d.queue, d.offset));
            self.counted.insert(tag);
        }
        out
    }

    /// The frames of a direct reply-to reply, when this channel's reply consumer is `tag`.
    pub(crate) fn deliver_reply(
        &mut self,
        channel: u16,
        tag: &str,
        m: &Message,
        frame_max: u32,
    ) -> Option<Vec<u8>> {
        if self.closing || self.reply_to.as_ref().is_none_or(|(_, t)| t != tag) {
            return None;
        }
        let delivery_tag = self.next_tag;
        self.next_tag += 1;
        let mut out = Vec::with_capacity(m.body.len() + 128);
        codec::put_method(
            &mut out,
            channel,
            &AMQPClass::Basic(basic::AMQPMethod::Deliver(basic::Deliver {
                consumer_tag: codec::short(tag),
                delivery_tag,
                redelivered: false,
                exchange: codec::short(&m.exchange),
                routing_key: codec::short(&m.routing_key),
            })),
        );
        put_content(&mut out, channel, m, frame_max);
        Some(out)
    }

    /// Gives everything back: consumers cancelled, unacknowledged deliveries requeued.
    pub(crate) fn release(&mut self, core: &crate::broker::AmqpCore) {
        if let Some((token, _)) = self.reply_to.take() {
            core.unregister_reply(&token);
        }
        for (_, (q, id)) in self.consumers.drain() {
            if q.cancel(id) {
                core.auto_delete(&q);
            }
        }
        for (_, (q, offset)) in std::mem::take(&mut self.unacked) {
            q.requeue(offset);
        }
        // An uncommitted transaction is rolled back: its publishes are dropped and what it
        // settled goes back to the queues.
        self.tx_publishes.clear();
        for (_, q, offset, _) in std::mem::take(&mut self.tx_settles) {
            q.requeue(offset);
        }
        self.pending = None;
    }
}

fn put_content(out: &mut Vec<u8>, channel: u16, m: &Message, frame_max: u32) {
    // A content header must fit one frame; properties too large for this client's frame-max
    // (possible for records from other protocols with many headers) are left out.
    let properties = if m.properties.len() + 21 > frame_max as usize {
        tracing::warn!(
            bytes = m.properties.len(),
            frame_max,
            "delivering a message without its properties: they do not fit the client's frame-max"
        );
        codec::NO_PROPERTIES
    } else {
        &m.properties[..]
    };
    codec::put_header(out, channel, m.body.len() as u64, properties);
    codec::put_body(out, channel, &m.body, frame_max);
}

fn ids(m: &AMQPClass) -> (u16, u16) {
    (m.get_amqp_class_id(), m.get_amqp_method_id())
}

impl Conn {
    pub(crate) fn on_channel_frame(&mut self, id: u16, frame: Frame) -> Result<()> {
        if let Frame::Method { method, .. } = &frame {
            if let AMQPClass::Channel(channel::AMQPMethod::Open(_)) = **method {
                return self.open_channel(id);
            }
        }
        let Some(ch) = self.channels.get_mut(&id) else {
            return Err(AmqpError::connection(
                errors::CHANNEL_ERROR,
                format!("expected 'channel.open' on channel {id}"),
            ));
        };
        if ch.closing {
            if let Frame::Method { method, .. } = frame {
                match *method {
                    AMQPClass::Channel(channel::AMQPMethod::CloseOk(_)) => {
                        self.channels.remove(&id);
                    }
                    AMQPClass::Channel(channel::AMQPMethod::Close(_)) => {
                        self.channels.remove(&id);
                        self.reply(
                            id,
                            AMQPClass::Channel(channel::AMQPMethod::CloseOk(channel::CloseOk {})),
                        );
                    }
                    _ => {}
                }
            }
            return Ok(());
        }
        match frame {
            Frame::Method { method, .. } => {
                let (c, m) = ids(&method);
                if !matches!(*method, AMQPClass::Basic(basic::AMQPMethod::Publish(_))) {
                    // Whatever this method looks at (counts, gets, acks) sees the messages
                    // published before it.
                    self.flush_publishes()?;
                }
                let Some(ch) = self.channels.get_mut(&id) else {
                    return Ok(());
                };
                if ch.pending.is_some() {
                    return Err(AmqpError::connection(
                        errors::UNEXPECTED_FRAME,
                        format!("expected content header for class 60, got non content header frame instead (method {c}.{m})"),
                    )
                    .at(c, m));
                }
                self.on_method(id, *method).map_err(
                    |e| {
                        if e.class_id == 0 {
                            e.at(c, m)
                        } else {
                            e
                        }
                    },
                )
            }
            Frame::Header {
                class_id,
                body_size,
                properties,
                raw_properties,
                ..
            } => {
                let max = self.core.config.max_message_bytes as u64;
                // Bodies being received on all channels of this connection, at most four
                // messages' worth.
                let receiving: u64 = self
                    .channels
                    .values()
                    .filter_map(|c| c.pending.as_ref()?.header.as_ref().map(|h| h.0))
                    .sum();
                let Some(ch) = self.channels.get_mut(&id) else {
                    return Ok(());
                };
                let Some(p) = ch.pending.as_mut().filter(|p| p.header.is_none()) else {
                    return Err(AmqpError::connection(
                        errors::UNEXPECTED_FRAME,
                        "content header without basic.publish",
                    ));
                };
                if class_id != 60 {
                    return Err(AmqpError::connection(
                        errors::FRAME_ERROR,
                        format!("content header for class {class_id}, expected 60"),
                    ));
                }
                if body_size > max {
                    ch.pending = None;
                    return Err(AmqpError::precondition(format!(
                        "message size {body_size} is larger than configured max size {max}"
                    ))
                    .at(60, 40));
                }
                if receiving.saturating_add(body_size) > max.saturating_mul(4) {
                    ch.pending = None;
                    return Err(AmqpError::precondition(format!(
                        "this connection is receiving {receiving} bytes of messages on other channels; at most {} at once",
                        max.saturating_mul(4)
                    ))
                    .at(60, 40));
                }
                p.header = Some((body_size, raw_properties, properties));
                if body_size == 0 {
                    self.complete_publish(id)?;
                }
                Ok(())
            }
            Frame::Body { data, .. } => {
                let Some(p) = ch.pending.as_mut() else {
                    return Err(AmqpError::connection(
                        errors::UNEXPECTED_FRAME,
                        "content body without basic.publish",
                    ));
                };
                let Some((size, ..)) = p.header else {
                    return Err(AmqpError::connection(
                        errors::UNEXPECTED_FRAME,
                        "content body before its content header",
                    ));
                };
                if (p.body.len() + data.len()) as u64 > size {
                    return Err(AmqpError::connection(
                        errors::FRAME_ERROR,
                        format!("content body longer than the {size} bytes its header announced"),
                    ));
                }
                p.body.extend_from_slice(&data);
                if p.body.len() as u64 == size {
                    self.complete_publish(id)?;
                }
                Ok(())
            }
            Frame::Heartbeat { .. } => Ok(()),
        }
    }

    fn open_channel(&mut self, id: u16) -> Result<()> {
        if id > self.session.channel_max {
            return Err(AmqpError::connection(
                errors::NOT_ALLOWED,
                format!(
                    "channel id {id} is above the negotiated channel_max {}",
                    self.session.channel_max
                ),
            ));
        }
        if self.channels.contains_key(&id) {
            return Err(AmqpError::connection(
                errors::CHANNEL_ERROR,
                format!("second 'channel.open' seen on channel {id}"),
            ));
        }
        self.channels.insert(id, Channel::open());
        self.reply(
            id,
            AMQPClass::Channel(channel::AMQPMethod::OpenOk(channel::OpenOk {})),
        );
        Ok(())
    }

    fn ch(&mut self, id: u16) -> &mut Channel {
        // Callers come from on_channel_frame, which checked the channel is open.
        self.channels.entry(id).or_insert_with(Channel::open)
    }

    fn queue_name(&mut self, id: u16, name: &str) -> String {
        if name.is_empty() {
            self.ch(id).last_queue.clone()
        } else {
            name.to_string()
        }
    }

    fn on_method(&mut self, id: u16, method: AMQPClass) -> Result<()> {
        let vhost = self.session.vhost.clone();
        let core = Arc::clone(&self.core);
        match method {
            AMQPClass::Channel(channel::AMQPMethod::Close(_)) => {
                if let Some(mut ch) = self.channels.remove(&id) {
                    ch.release(&core);
                }
                self.reply(
                    id,
                    AMQPClass::Channel(channel::AMQPMethod::CloseOk(channel::CloseOk {})),
                );
            }
            AMQPClass::Channel(channel::AMQPMethod::CloseOk(_)) => {}
            AMQPClass::Channel(channel::AMQPMethod::Flow(f)) => {
                let ch = self.ch(id);
                ch.flow.store(f.active, Ordering::Relaxed);
                if f.active {
                    for (q, _) in ch.consumers.values() {
                        q.wake();
                    }
                }
                self.reply(
                    id,
                    AMQPClass::Channel(channel::AMQPMethod::FlowOk(channel::FlowOk {
                        active: f.active,
                    })),
                );
            }
            AMQPClass::Exchange(exchange::AMQPMethod::Declare(d)) => {
                let kind = Kind::parse(d.kind.as_str());
                let kind = match (kind, d.passive) {
                    (Some(k), _) => k,
                    // A passive declare only checks existence; the type is not looked at.
                    (None, true) => Kind::Direct,
                    (None, false) => return Err(unknown_exchange_type(d.kind.as_str())),
                };
                core.exchange_declare(
                    &vhost,
                    ExchangeDecl {
                        name: d.exchange.as_str().to_string(),
                        kind,
                        durable: d.durable,
                        auto_delete: d.auto_delete,
                        internal: d.internal,
                        arguments: d.arguments,
                    },
                    d.passive,
                )?;
                if !d.nowait {
                    self.reply(
                        id,
                        AMQPClass::Exchange(exchange::AMQPMethod::DeclareOk(
                            exchange::DeclareOk {},
                        )),
                    );
                }
            }
            AMQPClass::Exchange(exchange::AMQPMethod::Delete(d)) => {
                core.exchange_delete(&vhost, d.exchange.as_str(), d.if_unused)?;
                if !d.nowait {
                    self.reply(
                        id,
                        AMQPClass::Exchange(exchange::AMQPMethod::DeleteOk(exchange::DeleteOk {})),
                    );
                }
            }
            AMQPClass::Exchange(exchange::AMQPMethod::Bind(b)) => {
                let ends = (b.destination, b.source, b.routing_key, b.arguments);
                self.exchange_binding(id, ends, true, b.nowait)?
            }
            AMQPClass::Exchange(exchange::AMQPMethod::Unbind(b)) => {
                let ends = (b.destination, b.source, b.routing_key, b.arguments);
                self.exchange_binding(id, ends, false, b.nowait)?
            }
            AMQPClass::Queue(queue::AMQPMethod::Declare(d))
                if d.passive && d.queue.as_str() == crate::broker::REPLY_TO =>
            {
                // The pseudo-queue exists, empty, as in RabbitMQ.
                self.reply(
                    id,
                    AMQPClass::Queue(queue::AMQPMethod::DeclareOk(queue::DeclareOk {
                        queue: codec::short(crate::broker::REPLY_TO),
                        message_count: 0,
                        consumer_count: 0,
                    })),
                );
            }
            AMQPClass::Queue(queue::AMQPMethod::Declare(d)) => {
                let (name, messages, consumers) = core.queue_declare(
                    &vhost,
                    QueueDecl {
                        name: d.queue.as_str().to_string(),
                        durable: d.durable,
                        exclusive: d.exclusive,
                        auto_delete: d.auto_delete,
                        arguments: d.arguments,
                        topic: String::new(),
                    },
                    d.passive,
                    self.id,
                )?;
                self.ch(id).last_queue = name.clone();
                if !d.nowait {
                    self.reply(
                        id,
                        AMQPClass::Queue(queue::AMQPMethod::DeclareOk(queue::DeclareOk {
                            queue: codec::short(&name),
                            message_count: messages,
                            consumer_count: consumers,
                        })),
                    );
                }
            }
            AMQPClass::Queue(queue::AMQPMethod::Bind(b)) => {
                let q = self.queue_name(id, b.queue.as_str());
                // An empty queue and key bind the channel's last queue under its own name.
                let key = if b.queue.as_str().is_empty() && b.routing_key.as_str().is_empty() {
                    q.clone()
                } else {
                    b.routing_key.as_str().to_string()
                };
                core.bind(&vhost, &q, b.exchange.as_str(), &key, b.arguments, self.id)?;
                if !b.nowait {
                    self.reply(
                        id,
                        AMQPClass::Queue(queue::AMQPMethod::BindOk(queue::BindOk {})),
                    );
                }
            }
            AMQPClass::Queue(queue::AMQPMethod::Unbind(b)) => {
                let q = self.queue_name(id, b.queue.as_str());
                core.unbind(
                    &vhost,
                    &q,
                    b.exchange.as_str(),
                    b.routing_key.as_str(),
                    &b.arguments,
                    self.id,
                )?;
                self.reply(
                    id,
                    AMQPClass::Queue(queue::AMQPMethod::UnbindOk(queue::UnbindOk {})),
                );
            }
            AMQPClass::Queue(queue::AMQPMethod::Purge(p)) => {
                let q = self.queue_name(id, p.queue.as_str());
                let n = core.queue_purge(&vhost, &q, self.id)?;
                if !p.nowait {
                    self.reply(
                        id,
                        AMQPClass::Queue(queue::AMQPMethod::PurgeOk(queue::PurgeOk {
                            message_count: n,
                        })),
                    );
                }
            }
            AMQPClass::Queue(queue::AMQPMethod::Delete(d)) => {
                let q = self.queue_name(id, d.queue.as_str());
                let n = core.queue_delete(&vhost, &q, d.if_unused, d.if_empty, self.id)?;
                if !d.nowait {
                    self.reply(
                        id,
                        AMQPClass::Queue(queue::AMQPMethod::DeleteOk(queue::DeleteOk {
                            message_count: n,
                        })),
                    );
                }
            }
            AMQPClass::Basic(basic::AMQPMethod::Qos(q)) => {
                let ch = self.ch(id);
                if q.global {
                    // One limit for all the channel's consumers, now and later.
                    ch.credit
                        .limit
                        .store(u32::from(q.prefetch_count), Ordering::Relaxed);
                    wake_all(&ch.consumers);
                } else {
                    ch.prefetch
                        .store(u32::from(q.prefetch_count), Ordering::Relaxed);
                    wake_all(&ch.consumers);
                }
                self.reply(
                    id,
                    AMQPClass::Basic(basic::AMQPMethod::QosOk(basic::QosOk {})),
                );
            }
            AMQPClass::Basic(basic::AMQPMethod::Consume(c)) => self.consume(id, c)?,
            AMQPClass::Basic(basic::AMQPMethod::Cancel(c)) => {
                let tag = c.consumer_tag.as_str().to_string();
                let ch = self.ch(id);
                if ch.reply_to.as_ref().is_some_and(|(_, t)| *t == tag) {
                    if let Some((token, _)) = ch.reply_to.take() {
                        core.unregister_reply(&token);
                    }
                }
                if let Some((q, cid)) = self.ch(id).consumers.remove(&tag) {
                    if q.cancel(cid) {
                        core.auto_delete(&q);
                    }
                }
                if !c.nowait {
                    self.reply(
                        id,
                        AMQPClass::Basic(basic::AMQPMethod::CancelOk(basic::CancelOk {
                            consumer_tag: codec::short(&tag),
                        })),
                    );
                }
            }
            AMQPClass::Basic(basic::AMQPMethod::Publish(p)) => {
                if p.immediate {
                    tracing::info!("refusing basic.publish with immediate=true");
                    return Err(AmqpError::connection(
                        errors::NOT_IMPLEMENTED,
                        "immediate=true is not supported",
                    ));
                }
                self.ch(id).pending = Some(Pending {
                    exchange: p.exchange.as_str().to_string(),
                    routing_key: p.routing_key.as_str().to_string(),
                    mandatory: p.mandatory,
                    header: None,
                    body: BytesMut::new(),
                });
            }
            AMQPClass::Basic(basic::AMQPMethod::Get(g)) => self.get(id, &g.queue, g.no_ack)?,
            AMQPClass::Basic(basic::AMQPMethod::Ack(a)) => {
                self.settle(id, a.delivery_tag, a.multiple, Settle::Ack)?
            }
            AMQPClass::Basic(basic::AMQPMethod::Nack(n)) => self.settle(
                id,
                n.delivery_tag,
                n.multiple,
                if n.requeue {
                    Settle::Requeue
                } else {
                    Settle::Discard
                },
            )?,
            AMQPClass::Basic(basic::AMQPMethod::Reject(r)) => self.settle(
                id,
                r.delivery_tag,
                false,
                if r.requeue {
                    Settle::Requeue
                } else {
                    Settle::Discard
                },
            )?,
            AMQPClass::Basic(basic::AMQPMethod::Recover(_)) => {
                self.settle(id, 0, true, Settle::Requeue)?;
                self.reply(
                    id,
                    AMQPClass::Basic(basic::AMQPMethod::RecoverOk(basic::RecoverOk {})),
                );
            }
            AMQPClass::Basic(basic::AMQPMethod::RecoverAsync(_)) => {
                self.settle(id, 0, true, Settle::Requeue)?
            }
            AMQPClass::Tx(tx::AMQPMethod::Select(_)) => self.tx_select(id)?,
            AMQPClass::Tx(tx::AMQPMethod::Commit(_)) => self.tx_commit(id)?,
            AMQPClass::Tx(tx::AMQPMethod::Rollback(_)) => self.tx_rollback(id)?,
            AMQPClass::Confirm(confirm::AMQPMethod::Select(s)) => {
                if self.ch(id).tx {
                    return Err(AmqpError::precondition(
                        "cannot switch from tx to confirm mode",
                    ));
                }
                self.ch(id).confirm = true;
                if !s.nowait {
                    self.reply(
                        id,
                        AMQPClass::Confirm(confirm::AMQPMethod::SelectOk(confirm::SelectOk {})),
                    );
                }
            }
            other => {
                let (c, m) = ids(&other);
                tracing::info!(
                    class = c,
                    method = m,
                    "amqp method not supported; closing the connection"
                );
                return Err(AmqpError::connection(
                    errors::NOT_IMPLEMENTED,
                    format!("method {c}.{m} is not implemented by this server"),
                ));
            }
        }
        Ok(())
    }

    fn consume(&mut self, id: u16, c: basic::Consume) -> Result<()> {
        if c.queue.as_str() == crate::broker::REPLY_TO {
            return self.consume_replies(id, c);
        }
        let vhost = self.session.vhost.clone();
        let name = self.queue_name(id, c.queue.as_str());
        let q = self.core.queue(&vhost, &name, self.id)?;
        let max_consumers = self.core.config.max_consumers_per_channel;
        let unlimited = self.core.config.max_unacked_per_consumer.max(1);
        let ch = self.ch(id);
        let tag = ch.new_consumer_tag(c.consumer_tag.as_str())?;
        if ch.consumers.len() >= max_consumers {
            return Err(AmqpError::precondition(format!(
                "consumer limit of this channel reached ({max_consumers}; amqp.max_consumers_per_channel)"
            )));
        }
        let prefetch = Arc::clone(&ch.prefetch);
        let flow = Arc::clone(&ch.flow);
        let mut stream_from = 0;
        if q.is_stream() {
            if c.no_ack {
                return Err(crate::broker::stream::not_supported(
                    "automatic acknowledgement",
                    &q,
                ));
            }
            if prefetch.load(std::sync::atomic::Ordering::Relaxed) == 0 {
                return Err(AmqpError::precondition(format!(
                    "consumer prefetch count is not set for 'queue '{}' in vhost '{vhost}''",
                    q.name()
                )));
            }
            stream_from = q.stream_start(c.arguments.inner().get("x-stream-offset"))?;
        }
        let cid = self.core.next_id();
        let handle = ConsumerHandle {
            id: cid,
            tag: tag.clone(),
            channel: id,
            tx: self.tx.clone(),
            prefetch,
            unlimited,
            no_ack: c.no_ack,
            exclusive: c.exclusive,
            flow,
            credit: Arc::clone(&self.ch(id).credit),
            stream_from,
        };
        self.ch(id)
            .consumers
            .insert(tag.clone(), (Arc::clone(&q), cid));
        if !q.consume(handle) {
            self.ch(id).consumers.remove(&tag);
            if q.is_deleted() {
                return Err(AmqpError::not_found(format!(
                    "no queue '{}' in vhost '{vhost}'",
                    q.name()
                )));
            }
            return Err(AmqpError::channel(
                errors::ACCESS_REFUSED,
                format!("queue '{}' in vhost '{vhost}' in exclusive use", q.name()),
            ));
        }
        // consume-ok goes out before any delivery: deliveries reach this task later and are
        // queued behind it.
        if !c.nowait {
            self.reply(
                id,
                AMQPClass::Basic(basic::AMQPMethod::ConsumeOk(basic::ConsumeOk {
                    consumer_tag: codec::short(&tag),
                })),
            );
        }
        Ok(())
    }

    /// A consumer of direct reply-to: messages published to the address it gets
    /// (`amq.rabbitmq.reply-to.<token>`, which replaces `amq.rabbitmq.reply-to` in the
    /// `reply_to` of this channel's publishes) come straight to it, with no queue.
    fn consume_replies(&mut self, id: u16, c: basic::Consume) -> Result<()> {
        if !c.no_ack {
            return Err(AmqpError::precondition("reply consumer cannot acknowledge"));
        }
        let tx = self.tx.clone();
        let ch = self.ch(id);
        if ch.reply_to.is_some() {
            return Err(AmqpError::precondition(
                "reply consumer already set on this channel",
            ));
        }
        let tag = ch.new_consumer_tag(c.consumer_tag.as_str())?;
        let token = uuid::Uuid::new_v4().simple().to_string();
        ch.reply_to = Some((token.clone(), tag.clone()));
        self.core.register_reply(
            token,
            crate::broker::ReplyTarget {
                tx,
                channel: id,
                consumer_tag: tag.clone(),
            },
        );
        if !c.nowait {
            self.reply(
                id,
                AMQPClass::Basic(basic::AMQPMethod::ConsumeOk(basic::ConsumeOk {
                    consumer_tag: codec::short(&tag),
                })),
            );
        }
        Ok(())
    }

    fn get(
        &mut self,
        id: u16,
        queue: &amq_protocol::types::ShortString,
        no_ack: bool,
    ) -> Result<()> {
        let vhost = self.session.vhost.clone();
        let name = self.queue_name(id, queue.as_str());
        let q = self.core.queue(&vhost, &name, self.id)?;
        if q.is_stream() {
            return Err(crate::broker::stream::not_supported("basic.get", &q));
        }
        if !no_ack && self.ch(id).unacked.len() >= MAX_UNACKED_GETS {
            return Err(AmqpError::precondition(format!(
                "{MAX_UNACKED_GETS} messages are unacknowledged on this channel; acknowledge some first"
            )));
        }
        let Some((offset, message, redelivered, left)) = q.get(no_ack) else {
            self.reply(
                id,
                AMQPClass::Basic(basic::AMQPMethod::GetEmpty(basic::GetEmpty {})),
            );
            return Ok(());
        };
        let frame_max = self.session.frame_max;
        self.count_out(&q.labels, message.body.len());
        let ch = self.ch(id);
        let tag = ch.next_tag;
        ch.next_tag += 1;
        if !no_ack {
            ch.unacked.insert(tag, (q, offset));
        }
        let mut out = Vec::with_capacity(message.body.len() + 128);
        codec::put_method(
            &mut out,
            id,
            &AMQPClass::Basic(basic::AMQPMethod::GetOk(basic::GetOk {
                delivery_tag: tag,
                redelivered,
                exchange: codec::short(&message.exchange),
                routing_key: codec::short(&message.routing_key),
                message_count: left.min(u64::from(u32::MAX)) as u32,
            })),
        );
        put_content(&mut out, id, &message, frame_max);
        self.owe(out);
        Ok(())
    }

    fn settle(&mut self, id: u16, tag: u64, multiple: bool, how: Settle) -> Result<()> {
        let ch = self.ch(id);
        let tags: Vec<u64> = if multiple {
            if tag == 0 {
                ch.unacked.keys().copied().collect()
            } else {
                ch.unacked.range(..=tag).map(|(t, _)| *t).collect()
            }
        } else if ch.unacked.contains_key(&tag) {
            vec![tag]
        } else {
            Vec::new()
        };
        if tags.is_empty() && (tag != 0 || !multiple) {
            return Err(AmqpError::precondition(format!(
                "unknown delivery tag {tag}"
            )));
        }
        if !matches!(how, Settle::Ack) {
            let stream = tags
                .iter()
                .filter_map(|t| ch.unacked.get(t))
                .find(|(q, _)| q.is_stream());
            if let Some((q, _)) = stream {
                return Err(crate::broker::stream::not_supported(
                    "basic.nack and basic.reject",
                    q,
                ));
            }
        }
        let mut released = false;
        for t in tags {
            if let Some((q, offset)) = ch.unacked.remove(&t) {
                if !ch.tx && ch.counted.remove(&t) {
                    ch.credit.release();
                    released = true;
                }
                if ch.tx {
                    ch.tx_settles.push((t, q, offset, how));
                } else {
                    settle_one(&q, offset, how);
                }
            }
        }
        if released {
            wake_all(&ch.consumers);
        }
        Ok(())
    }

    /// `exchange.bind` (`bind`) or `exchange.unbind` of (destination, source, key, arguments).
    fn exchange_binding(
        &mut self,
        id: u16,
        (destination, source, key, arguments): (ShortString, ShortString, ShortString, FieldTable),
        bind: bool,
        nowait: bool,
    ) -> Result<()> {
        let vhost = self.session.vhost.clone();
        self.core.bind_exchange(
            &vhost,
            destination.as_str(),
            source.as_str(),
            key.as_str(),
            arguments,
            bind,
        )?;
        if !nowait {
            let ok = if bind {
                exchange::AMQPMethod::BindOk(exchange::BindOk {})
            } else {
                exchange::AMQPMethod::UnbindOk(exchange::UnbindOk {})
            };
            self.reply(id, AMQPClass::Exchange(ok));
        }
        Ok(())
    }

    fn tx_select(&mut self, id: u16) -> Result<()> {
        let ch = self.ch(id);
        if ch.confirm {
            return Err(AmqpError::precondition(
                "cannot switch from confirm to tx mode",
            ));
        }
        ch.tx = true;
        self.reply(id, AMQPClass::Tx(tx::AMQPMethod::SelectOk(tx::SelectOk {})));
        Ok(())
    }

    /// Stores the transaction's publishes (one append per queue) and applies its
    /// settlements; commit-ok once the publishes are durable.
    fn tx_commit(&mut self, id: u16) -> Result<()> {
        let ch = self.ch(id);
        if !ch.tx {
            return Err(AmqpError::precondition("channel is not transactional"));
        }
        let publishes = std::mem::take(&mut ch.tx_publishes);
        let settles = std::mem::take(&mut ch.tx_settles);
        ch.tx_bytes = 0;
        let (wait, stored, refused) = self.store(&publishes, true);
        // A message a full queue refused is dropped, as in RabbitMQ; anything else failing
        // fails the commit, and what it settled is unacknowledged again.
        if stored
            .iter()
            .zip(&refused)
            .any(|(ok, refused)| !ok && !refused)
        {
            let ch = self.ch(id);
            for (tag, q, offset, _) in settles {
                ch.unacked.insert(tag, (q, offset));
            }
            return Err(AmqpError::internal(
                "cannot store the transaction's messages",
            ));
        }
        let ch = self.ch(id);
        for (tag, _, _, _) in &settles {
            if ch.counted.remove(tag) {
                ch.credit.release();
            }
        }
        wake_all(&ch.consumers);
        for (_, q, offset, how) in settles {
            settle_one(&q, offset, how);
        }
        let mut ok = Vec::new();
        codec::put_method(
            &mut ok,
            id,
            &AMQPClass::Tx(tx::AMQPMethod::CommitOk(tx::CommitOk {})),
        );
        if wait.is_empty() {
            self.owe(ok);
        } else {
            self.owed += ok.len();
            self.replies.push_later(async move {
                if let Err(e) = wait.wait().await {
                    // The messages are in the log but not known durable: say so loudly; the
                    // client has no nack for a commit.
                    tracing::error!(error = %e, "a committed AMQP transaction may not be durable");
                }
                ok
            });
        }
        Ok(())
    }

    /// Drops the transaction's publishes; what it settled is unacknowledged again.
    fn tx_rollback(&mut self, id: u16) -> Result<()> {
        let ch = self.ch(id);
        if !ch.tx {
            return Err(AmqpError::precondition("channel is not transactional"));
        }
        ch.tx_publishes.clear();
        ch.tx_bytes = 0;
        for (tag, q, offset, _) in std::mem::take(&mut ch.tx_settles) {
            ch.unacked.insert(tag, (q, offset));
        }
        self.reply(
            id,
            AMQPClass::Tx(tx::AMQPMethod::RollbackOk(tx::RollbackOk {})),
        );
        Ok(())
    }

    /// Routes a complete message and stages it for [`Conn::flush_publishes`], which stores
    /// every message staged by one read of the socket with one append per queue; an
    /// unroutable mandatory message is returned now (before its confirm).
    fn complete_publish(&mut self, id: u16) -> Result<()> {
        self.published = true;
        let ch = self.ch(id);
        let Some(p) = ch.pending.take() else {
            return Ok(());
        };
        let Some((_, mut properties, parsed)) = p.header else {
            return Ok(());
        };
        if parsed.reply_to().as_ref().map(|r| r.as_str()) == Some(crate::broker::REPLY_TO) {
            // Direct reply-to: the reply address names this channel's reply consumer.
            let Some((token, _)) = &ch.reply_to else {
                return Err(
                    AmqpError::precondition("fast reply consumer does not exist").at(60, 40),
                );
            };
            let address = format!("{}{token}", crate::broker::REPLY_TO_PREFIX);
            let props = (*parsed).clone().with_reply_to(codec::short(&address));
            if let Ok(raw) = cookie_factory::gen_simple(
                amq_protocol::protocol::basic::gen_properties(&props),
                Vec::new(),
            ) {
                properties = raw.into();
            }
        }
        let seq = if ch.confirm {
            ch.publish_seq += 1;
            Some(ch.publish_seq)
        } else {
            None
        };
        let vhost = self.session.vhost.clone();
        if p.exchange.is_empty() {
            if let Some(token) = p.routing_key.strip_prefix(crate::broker::REPLY_TO_PREFIX) {
                let message = Arc::new(Message {
                    exchange: p.exchange.clone(),
                    routing_key: p.routing_key.clone(),
                    properties,
                    body: p.body.freeze(),
                    timestamp: robustmq_journal::now_ms(),
                });
                let delivered = self.core.send_reply(token, Arc::clone(&message));
                if !delivered && p.mandatory {
                    self.return_unroutable(id, &message);
                }
                // Nothing to store: its confirm (if any) goes out with the next flush.
                self.staged.push(super::publish::Staged {
                    channel: id,
                    seq,
                    queues: Vec::new(),
                    topics: Vec::new(),
                    message,
                });
                return Ok(());
            }
        }
        let (queues, topics) = self
            .core
            .route_all(
                &vhost,
                &p.exchange,
                &p.routing_key,
                parsed.headers().as_ref(),
            )
            .map_err(|e| e.at(60, 40))?;
        let message = Arc::new(Message {
            exchange: p.exchange,
            routing_key: p.routing_key,
            properties,
            body: p.body.freeze(),
            timestamp: robustmq_journal::now_ms(),
        });
        if queues.is_empty() && topics.is_empty() && p.mandatory {
            self.return_unroutable(id, &message);
        }
        let staged = super::publish::Staged {
            channel: id,
            seq,
            queues,
            topics,
            message,
        };
        let max = self.core.config.max_message_bytes.saturating_mul(4);
        let ch = self.ch(id);
        if ch.tx {
            // Everything a staged message holds, so empty bodies with large properties or
            // wide fanouts count too.
            ch.tx_bytes += staged.message.body.len()
                + staged.message.properties.len()
                + staged.message.routing_key.len()
                + staged.message.exchange.len()
                + 8 * (staged.queues.len() + staged.topics.len())
                + 128;
            ch.tx_publishes.push(staged);
            if ch.tx_bytes > max {
                ch.tx_publishes.clear();
                ch.tx_bytes = 0;
                return Err(AmqpError::precondition(format!(
                    "transaction larger than {max} bytes; commit more often"
                ))
                .at(60, 40));
            }
            return Ok(());
        }
        self.staged_bytes += staged.message.body.len();
        self.staged.push(staged);
        Ok(())
    }
}

impl Conn {
    /// `basic.return` 312 NO_ROUTE for an unroutable mandatory message (before its confirm).
    fn return_unroutable(&mut self, id: u16, message: &Message) {
        let mut out = Vec::new();
        codec::put_method(
            &mut out,
            id,
            &AMQPClass::Basic(basic::AMQPMethod::Return(basic::Return {
                reply_code: errors::NO_ROUTE,
                reply_text: "NO_ROUTE".into(),
                exchange: codec::short(&message.exchange),
                routing_key: codec::short(&message.routing_key),
            })),
        );
        put_content(&mut out, id, message, self.session.frame_max);
        self.owe(out);
    }
}

/// Wakes the queues of `consumers`: the channel has room again.
fn wake_all(consumers: &HashMap<String, (Arc<Queue>, ConsumerId)>) {
    for (q, _) in consumers.values() {
        q.wake();
    }
}

fn settle_one(q: &Queue, offset: i64, how: Settle) {
    match how {
        Settle::Ack => q.ack(offset),
        Settle::Requeue => q.requeue(offset),
        Settle::Discard => q.discard(offset),
    }
}
