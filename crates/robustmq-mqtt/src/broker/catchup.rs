//! Reading the log for a returning persistent session: the messages it missed while offline
//! (or while too far behind to queue in memory), and its in-flight window after a restart.

use std::sync::Arc;

use robustmq_broker::follow;

use super::session::{CatchUp, Delivery, Inflight, LogPos, Session, StoredInflight};
use super::MqttCore;
use crate::codec::QoS;
use crate::message::{decode_batches, Message};
use crate::topic;

/// Bytes read from the log per catch-up step.
const STEP_BYTES: usize = 256 * 1024;

impl MqttCore {
    /// The message stored at `pos`, if the log still has it.
    fn read_at(&self, pos: &LogPos) -> Option<Message> {
        let part = self.broker.topics.partition(&pos.topic, pos.partition)?;
        let read = part.read(pos.offset, 1, true).ok()?;
        decode_batches(&read.records, part.config().max_message_bytes)
            .into_iter()
            .find(|(offset, _)| *offset == pos.offset)
            .map(|(_, m)| m)
    }

    /// Puts in-flight messages saved before a restart back into the window, read from the log.
    pub(super) fn restore_inflight(&self, s: &Session, restored: Vec<StoredInflight>) {
        if restored.is_empty() {
            return;
        }
        let mut found = Vec::new();
        for f in restored {
            match self.read_at(&f.pos) {
                Some(m) => found.push((f, m)),
                None => {
                    tracing::warn!(client_id = %s.client_id, offset = f.pos.offset, "an in-flight message is no longer in the log")
                }
            }
        }
        let mut st = s.lock();
        for (f, m) in found {
            let delivery = Delivery {
                message: Arc::new(m),
                qos: QoS::from_u8(f.qos).unwrap_or(QoS::AtLeastOnce),
                retain: f.retain,
                subscription_ids: f.subscription_ids,
                pos: Some(f.pos),
                shared: false,
            };
            st.inflight.insert(
                f.packet_id,
                Inflight {
                    delivery,
                    released: f.released,
                },
            );
        }
    }

    /// Moves up to one step of log records into the session's queue. Returns false when there
    /// is nothing left to catch up.
    pub fn catch_up(&self, s: &Session) -> bool {
        let (key, CatchUp { next, qos0_from }, subs) = {
            let st = s.lock();
            let Some((key, &c)) = st.catchup.first_key_value() else {
                return false;
            };
            let subs: Vec<_> = st
                .subscriptions
                .iter()
                .filter(|(f, _)| !f.starts_with("$share/"))
                .map(|(f, e)| (f.clone(), e.clone()))
                .collect();
            (key.clone(), c, subs)
        };
        let now = self.now_ms();
        // What one record is owed to this session, if anything: the delivery.
        let owed = |offset: i64, m: Arc<Message>| -> Option<Delivery> {
            if m.is_expired(now) {
                return None;
            }
            let mut qos = None;
            let mut ids = Vec::new();
            let mut rap = false;
            for (f, e) in &subs {
                if !topic::matches(f, &m.topic)
                    || (e.options.no_local && m.publisher.as_deref() == Some(s.client_id.as_str()))
                {
                    continue;
                }
                qos = qos.max(Some(e.options.qos));
                ids.extend(e.id);
                rap |= e.options.retain_as_published;
            }
            // Only QoS 1 and 2 messages are kept for a session while it is away.
            let qos = qos
                .map(|q| q.min(m.qos))
                .filter(|q| *q > QoS::AtMostOnce || offset >= qos0_from)?;
            Some(Delivery {
                qos,
                retain: rap && m.retain,
                subscription_ids: ids,
                pos: Some(LogPos {
                    topic: key.0.clone(),
                    partition: key.1,
                    offset,
                }),
                shared: false,
                message: m,
            })
        };
        self.stepped(&key);
        let mut deliveries = Vec::new();
        let new_next;
        if let Some(part) = self.broker.topics.partition(&key.0, key.1) {
            match follow::read_from(&*part, next, STEP_BYTES) {
                Ok(read) => {
                    let start = read.from;
                    new_next = read.to;
                    let limit = part.config().max_message_bytes;
                    for (offset, m) in decode_batches(&read.batches, limit) {
                        if offset < start {
                            continue;
                        }
                        deliveries.extend(owed(offset, Arc::new(m)));
                    }
                }
                Err(e) => {
                    tracing::warn!(client_id = %s.client_id, topic = %key.0, partition = key.1, error = %e, "cannot read the log to catch up; skipping to its end");
                    new_next = i64::MAX;
                }
            }
        } else {
            new_next = i64::MAX;
        }
        let mut st = s.lock();
        if !st.online() {
            return false;
        }
        // The core's rule (robustmq_broker::follow): records at or past `claimed` are the
        // tap's; go live only when this read reached it and no offer is in progress (the tap
        // may still be offering a record this read found, and catch-up drops the live copy).
        let step = self.marks.get(&key).after_read(new_next);
        deliveries.retain(|d| d.pos.as_ref().is_some_and(|p| p.offset < step.keep_below));
        st.pending.extend(deliveries);
        st.dirty = true;
        if step.live {
            st.catchup.remove(&key);
            if st.catchup.is_empty() {
                self.set_behind(s, false);
            }
        } else {
            let c = CatchUp {
                next: step.next,
                qos0_from,
            };
            st.catchup.insert(key, c);
            self.set_behind(s, true);
        }
        true
    }
}
