//! Messages to the client: the in-flight window (the client's Receive Maximum), packet ids,
//! outbound topic aliases, the client's Maximum Packet Size, and acknowledgements.

use std::sync::atomic::Ordering;

use super::Conn;
use crate::broker::session::{Delivery, Inflight};
use crate::codec::{self, Packet, Properties, PubAck, PubRec, Publish, QoS};

/// Catch up from the log when fewer than this many messages are queued.
const CATCHUP_BELOW: usize = 256;
/// A catch-up stops encoding at this many bytes, so the connection writes them and other
/// tasks run before it reads on.
const CATCHUP_WRITE: usize = 256 * 1024;

/// What the connection loop does after [`Conn::fill_window`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refill {
    /// Nothing more until the session is woken.
    Idle,
    /// A catch-up waits on a dispatch in progress: retry shortly.
    Soon,
    /// The log has more for this session: go on once the output is written.
    Now,
}

impl Conn {
    /// Moves queued deliveries into the window and encodes them, reading the log for a session
    /// that is catching up.
    pub(super) fn fill_window(&mut self) -> Refill {
        let mut qos2_sent = false;
        loop {
            let (batch, catching_up, persistent, capped) = {
                let mut st = self.session.lock();
                let max = usize::from(self.client_receive_max);
                let mut batch = Vec::new();
                let now = self.core.now_ms();
                // Bytes taken this round: a slow subscriber's whole queue (QoS 0 has no
                // window) is never encoded into one buffer, only about CATCHUP_WRITE at a time.
                let mut taken = 0usize;
                let mut capped = false;
                while let Some(d) = st.pending.front() {
                    if d.qos > QoS::AtMostOnce && st.inflight.len() >= max {
                        break;
                    }
                    if taken >= CATCHUP_WRITE {
                        capped = true;
                        break;
                    }
                    taken += d.message.payload.len() + d.message.topic.len();
                    let Some(d) = st.pending.pop_front() else {
                        break;
                    };
                    if d.message.is_expired(now) {
                        continue;
                    }
                    if d.qos == QoS::AtMostOnce {
                        batch.push((0u16, d));
                        continue;
                    }
                    let Some(id) = st.take_packet_id() else {
                        st.pending.push_front(d);
                        break;
                    };
                    st.inflight.insert(
                        id,
                        Inflight {
                            delivery: d.clone(),
                            released: false,
                        },
                    );
                    batch.push((id, d));
                }
                if !batch.is_empty() {
                    st.dirty = true;
                }
                (
                    batch,
                    !st.catchup.is_empty()
                        && st.pending.len() < CATCHUP_BELOW
                        && st.queued_bytes() < self.core.config.max_queued_bytes,
                    st.persistent(),
                    capped,
                )
            };
            if persistent && batch.iter().any(|(_, d)| d.qos == QoS::ExactlyOnce) && !qos2_sent {
                // An outbound QoS 2 message is in the stored window before it is sent, so a
                // restart resends it with the same packet id rather than as a new message.
                self.core.persist(&self.session, true);
                qos2_sent = true;
            }
            for (id, d) in batch {
                self.send(id, &d, false);
            }
            if capped {
                return Refill::Now;
            }
            if !catching_up {
                return Refill::Idle;
            }
            if self.out.len() >= CATCHUP_WRITE {
                return Refill::Now;
            }
            let before = self.session.lock().pending.len();
            if !self.core.catch_up(&self.session) {
                return Refill::Idle;
            }
            if self.session.lock().pending.len() == before {
                // Nothing new this step (a dispatch in progress): try again soon.
                return Refill::Soon;
            }
        }
    }

    /// After a session resumes: every unacknowledged message again, with DUP set, or its
    /// PUBREL when the client already has it (spec 4.4).
    pub(super) fn resend_inflight(&mut self) {
        let inflight: Vec<(u16, Inflight)> = self
            .session
            .lock()
            .inflight
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        for (id, f) in inflight {
            if f.released {
                self.write(Packet::PubRel(PubAck {
                    packet_id: id,
                    ..Default::default()
                }));
            } else {
                self.send(id, &f.delivery, true);
            }
        }
    }

    /// Encodes one PUBLISH; a packet larger than the client's maximum is dropped as if it had
    /// been delivered (spec 3.1.2.25).
    fn send(&mut self, packet_id: u16, d: &Delivery, dup: bool) {
        let m = &d.message;
        // MQTT 3.x has no properties: nothing to copy.
        let mut properties = if self.version.is_v5() {
            let mut p = Properties {
                subscription_identifiers: d.subscription_ids.clone(),
                ..m.properties.clone()
            };
            if p.message_expiry_interval.is_some() {
                p.message_expiry_interval = m.expiry_left(self.core.now_ms());
            }
            p
        } else {
            Properties::default()
        };
        let mut topic = m.topic.clone();
        let mut new_alias = None;
        if self.version.is_v5() && self.client_alias_max > 0 {
            match self.outbound_aliases.get(&m.topic) {
                Some(&a) => {
                    properties.topic_alias = Some(a);
                    topic.clear();
                }
                None if self.outbound_aliases.len() < usize::from(self.client_alias_max) => {
                    let a = self.outbound_aliases.len() as u16 + 1;
                    properties.topic_alias = Some(a);
                    new_alias = Some(a);
                }
                None => {}
            }
        }
        let publish = Publish {
            dup: dup && d.qos > QoS::AtMostOnce,
            qos: d.qos,
            retain: d.retain,
            topic,
            packet_id: (d.qos > QoS::AtMostOnce).then_some(packet_id),
            properties,
            payload: m.payload.clone(),
        };
        let before = self.out.len();
        if let Err(e) = codec::encode(&Packet::Publish(publish), self.version, &mut self.out) {
            tracing::warn!(client_id = %self.client_id, topic = %m.topic, error = %e, "cannot encode a delivery");
            self.complete(packet_id);
            return;
        }
        if self.out.len() - before > self.client_max_packet as usize {
            self.out.truncate(before);
            tracing::debug!(client_id = %self.client_id, topic = %m.topic, max = self.client_max_packet, "delivery larger than the client's maximum packet size dropped");
            self.core.stats.dropped.fetch_add(1, Ordering::Relaxed);
            self.complete(packet_id);
            return;
        }
        if let Some(a) = new_alias {
            self.outbound_aliases.insert(m.topic.clone(), a);
        }
        self.core
            .stats
            .messages_sent
            .fetch_add(1, Ordering::Relaxed);
    }

    /// Ends an outbound exchange (acknowledged, or dropped as undeliverable).
    fn complete(&mut self, packet_id: u16) -> Option<Inflight> {
        if packet_id == 0 {
            return None;
        }
        let mut st = self.session.lock();
        let f = st.inflight.remove(&packet_id);
        st.dirty = true;
        drop(st);
        self.session.wake.notify_one();
        f
    }

    pub(super) fn on_puback(&mut self, packet_id: u16) {
        self.complete(packet_id);
    }

    pub(super) fn on_pubrec(&mut self, rec: PubRec) {
        let id = rec.packet_id;
        let (known, persistent) = {
            let mut st = self.session.lock();
            let persistent = st.persistent();
            match st.inflight.get(&id) {
                Some(_) if rec.reason_code < 0x80 => {
                    st.inflight.release(&id);
                    (true, persistent)
                }
                Some(_) => {
                    st.inflight.remove(&id);
                    drop(st);
                    self.session.wake.notify_one();
                    return;
                }
                None => (false, persistent),
            }
        };
        if known && persistent {
            self.core.persist(&self.session, true);
        }
        self.write(Packet::PubRel(PubAck {
            packet_id: id,
            reason_code: if known { 0 } else { 0x92 },
            properties: Properties::default(),
        }));
    }

    pub(super) fn on_pubcomp(&mut self, packet_id: u16) {
        if self.complete(packet_id).is_some() && self.session.lock().persistent() {
            self.core.persist(&self.session, true);
        }
    }
}
