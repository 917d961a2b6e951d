//! Session state (MQTT 5 section 4.1): subscriptions, the outbound queue and in-flight window,
//! inbound QoS 2 packet ids, and the log positions an offline persistent session resumes from.
//! A session outlives its connections; the connection only borrows it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tokio::sync::{oneshot, Notify};

use crate::codec::{QoS, RetainHandling, SubscriptionOptions};
use crate::message::Message;

use super::queue::{DeliveryQueue, InflightWindow};

/// A log partition of an MQTT log topic (the name shared, not copied, per delivery).
pub type LogPartition = robustmq_broker::follow::LogKey;

/// Where a session reads a log partition instead of being fed live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    /// The next offset to read.
    pub next: i64,
    /// Records from this offset on were published while the session was connected, so QoS 0
    /// ones are owed too; before it the session was away and is owed only QoS 1 and 2.
    pub qos0_from: i64,
}

/// Where a delivered message sits in the log, so a persistent session can find it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogPos {
    #[serde(with = "arc_str")]
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
}

/// Serde for `Arc<str>` as a plain string (serde's `rc` feature would rebuild the world).
mod arc_str {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
        String::deserialize(d).map(Arc::from)
    }
}

impl LogPos {
    pub fn partition_key(&self) -> LogPartition {
        (Arc::clone(&self.topic), self.partition)
    }
}

/// One message on its way to one session.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub message: Arc<Message>,
    pub qos: QoS,
    pub retain: bool,
    pub subscription_ids: Vec<u32>,
    pub pos: Option<LogPos>,
    /// Routed to this session only through a shared subscription: a log read would not find it
    /// again (catch-up reads for the session's own subscriptions), so it is never deferred to
    /// one.
    pub shared: bool,
}

/// An outbound QoS 1/2 message the client has not finished acknowledging.
#[derive(Debug, Clone)]
pub struct Inflight {
    pub delivery: Delivery,
    /// PUBREC received, PUBREL sent: only PUBREL is ever resent.
    pub released: bool,
}

/// A session's subscription as the client asked for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubEntry {
    pub options: SubscriptionOptions,
    pub id: Option<u32>,
}

/// The connection that currently owns the session.
pub struct Owner {
    pub conn_id: u64,
    /// Tells the connection to close (session taken over); carries the v5 reason code.
    pub kick: Option<oneshot::Sender<u8>>,
}

pub struct SessionState {
    pub subscriptions: BTreeMap<String, SubEntry>,
    /// Session Expiry Interval in seconds; 0 ends the session with its connection,
    /// `u32::MAX` never expires.
    pub expiry_interval: u32,
    pub owner: Option<Owner>,
    /// Unix ms of the last disconnect, while offline.
    pub disconnected_at_ms: Option<i64>,
    pub pending: DeliveryQueue,
    pub inflight: InflightWindow,
    pub next_packet_id: u16,
    /// QoS 2 packet ids received and stored, awaiting PUBREL.
    pub inbound_qos2: BTreeSet<u16>,
    /// Offline persistent sessions resume reading the log here.
    pub cursor: BTreeMap<LogPartition, i64>,
    /// Partitions read from the log instead of fed live: after a reconnect, or after falling
    /// `max_queued` behind. Live deliveries of such a partition are dropped (the log read
    /// finds them, in order).
    pub catchup: BTreeMap<LogPartition, CatchUp>,
    /// Bumped at every connect, so a delayed will of an older connection stays unsent.
    pub generation: u64,
    /// The delayed will waiting to be sent, cancelled when the session resumes.
    pub will_task: Option<tokio::task::AbortHandle>,
    /// State changed since it was last written to meta.
    pub dirty: bool,
    /// In-flight messages loaded from meta after a restart, read back from the log when the
    /// client reconnects.
    pub restored_inflight: Vec<StoredInflight>,
}

pub struct Session {
    pub client_id: String,
    state: Mutex<SessionState>,
    /// Wakes the owning connection: there is something to send, or it must close.
    pub wake: Notify,
    /// Signalled when the owner lets go, for a takeover waiting on it.
    pub released: Notify,
    /// Set while the session may be reading some partition from the log (`catchup` not
    /// empty): a hint that lets routing skip, without the lock, sessions that are live.
    pub behind: std::sync::atomic::AtomicBool,
    /// Orders this session's writes to meta (a connection's and the checkpoint's): held from
    /// the snapshot until its write is done, so an older snapshot never lands after a newer
    /// one. Only writers take it; the state lock is never held across a meta call.
    writes: Mutex<()>,
}

impl Session {
    pub fn new(client_id: String, expiry_interval: u32) -> Session {
        Session {
            client_id,
            behind: std::sync::atomic::AtomicBool::new(false),
            writes: Mutex::new(()),
            state: Mutex::new(SessionState {
                subscriptions: BTreeMap::new(),
                expiry_interval,
                owner: None,
                disconnected_at_ms: None,
                pending: DeliveryQueue::default(),
                inflight: InflightWindow::default(),
                next_packet_id: 1,
                inbound_qos2: BTreeSet::new(),
                cursor: BTreeMap::new(),
                catchup: BTreeMap::new(),
                generation: 0,
                will_task: None,
                dirty: false,
                restored_inflight: Vec::new(),
            }),
            wake: Notify::new(),
            released: Notify::new(),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, SessionState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Held by whoever writes this session to meta (see `writes`).
    pub fn lock_writes(&self) -> MutexGuard<'_, ()> {
        self.writes.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SessionState {
    /// A persistent session keeps its state after the connection ends.
    pub fn persistent(&self) -> bool {
        self.expiry_interval > 0
    }

    pub fn online(&self) -> bool {
        self.owner.is_some()
    }

    /// Bytes held in memory for this session: queued and in flight.
    pub fn queued_bytes(&self) -> usize {
        self.pending.bytes() + self.inflight.bytes()
    }

    /// The next free packet id (1..=65535), skipping ids still in flight.
    pub fn take_packet_id(&mut self) -> Option<u16> {
        for _ in 0..u16::MAX {
            let id = self.next_packet_id;
            self.next_packet_id = if id == u16::MAX { 1 } else { id + 1 };
            if !self.inflight.contains_key(&id) {
                return Some(id);
            }
        }
        None
    }

    /// Where the session would resume after a crash now: for each log partition, the lowest
    /// of the first queued delivery, the catch-up position, and `done` (every record below it
    /// has been offered to this session). In-flight messages are saved on their own.
    pub fn resume_cursor(&self, done: &BTreeMap<LogPartition, i64>) -> BTreeMap<LogPartition, i64> {
        let mut out = done.clone();
        for (k, v) in &self.cursor {
            out.entry(k.clone()).or_insert(*v);
        }
        for (k, c) in &self.catchup {
            let e = out.entry(k.clone()).or_insert(c.next);
            *e = (*e).min(c.next);
        }
        for d in self.pending.iter() {
            if let Some(p) = &d.pos {
                let e = out.entry(p.partition_key()).or_insert(p.offset);
                *e = (*e).min(p.offset);
            }
        }
        out
    }

    /// What meta keeps of a persistent session.
    pub fn stored(&self, client_id: &str, done: &BTreeMap<LogPartition, i64>) -> StoredSession {
        StoredSession {
            client_id: client_id.to_string(),
            expiry_interval: self.expiry_interval,
            disconnected_at_ms: self.disconnected_at_ms,
            subscriptions: self
                .subscriptions
                .iter()
                .map(|(f, e)| StoredSub {
                    filter: f.clone(),
                    qos: e.options.qos as u8,
                    no_local: e.options.no_local,
                    retain_as_published: e.options.retain_as_published,
                    id: e.id,
                })
                .collect(),
            cursor: self
                .resume_cursor(done)
                .into_iter()
                .map(|((t, p), o)| (t.to_string(), p, o))
                .collect(),
            inflight: self
                .inflight
                .iter()
                .filter_map(|(&packet_id, f)| {
                    let pos = f.delivery.pos.clone()?;
                    Some(StoredInflight {
                        packet_id,
                        pos,
                        qos: f.delivery.qos as u8,
                        retain: f.delivery.retain,
                        subscription_ids: f.delivery.subscription_ids.clone(),
                        released: f.released,
                    })
                })
                .chain(self.restored_inflight.iter().cloned())
                .collect(),
            inbound_qos2: self.inbound_qos2.iter().copied().collect(),
            next_packet_id: self.next_packet_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSub {
    pub filter: String,
    pub qos: u8,
    pub no_local: bool,
    pub retain_as_published: bool,
    pub id: Option<u32>,
}

impl StoredSub {
    pub fn entry(&self) -> SubEntry {
        SubEntry {
            options: SubscriptionOptions {
                qos: QoS::from_u8(self.qos).unwrap_or(QoS::AtMostOnce),
                no_local: self.no_local,
                retain_as_published: self.retain_as_published,
                retain_handling: RetainHandling::SendAtSubscribe,
            },
            id: self.id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredInflight {
    pub packet_id: u16,
    pub pos: LogPos,
    pub qos: u8,
    pub retain: bool,
    pub subscription_ids: Vec<u32>,
    pub released: bool,
}

/// A persistent session as meta stores it (JSON in namespace `mqtt.session`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredSession {
    pub client_id: String,
    pub expiry_interval: u32,
    pub disconnected_at_ms: Option<i64>,
    pub subscriptions: Vec<StoredSub>,
    pub cursor: Vec<(String, i32, i64)>,
    pub inflight: Vec<StoredInflight>,
    pub inbound_qos2: Vec<u16>,
    pub next_packet_id: u16,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use bytes::Bytes;

    /// A QoS 1 delivery of a `payload_len`-byte message.
    pub(crate) fn delivery_of(payload_len: usize) -> Delivery {
        let mut d = delivery(0);
        d.message = Arc::new(Message {
            payload: Bytes::from(vec![0u8; payload_len]),
            ..(*d.message).clone()
        });
        d
    }

    fn delivery(offset: i64) -> Delivery {
        Delivery {
            message: Arc::new(Message {
                topic: "t".into(),
                payload: Bytes::new(),
                qos: QoS::AtLeastOnce,
                retain: false,
                publisher: None,
                timestamp_ms: 0,
                properties: Default::default(),
            }),
            qos: QoS::AtLeastOnce,
            retain: false,
            subscription_ids: vec![],
            pos: Some(LogPos {
                topic: "mqtt".into(),
                partition: 0,
                offset,
            }),
            shared: false,
        }
    }

    #[test]
    fn the_resume_cursor_never_passes_an_undelivered_message() {
        let s = Session::new("c".into(), 60);
        let mut st = s.lock();
        let key: LogPartition = ("mqtt".into(), 0);
        let done = BTreeMap::from([(key.clone(), 100)]);
        assert_eq!(st.resume_cursor(&done)[&key], 100);
        st.pending.push_back(delivery(40));
        st.pending.push_back(delivery(70));
        assert_eq!(st.resume_cursor(&done)[&key], 40);
        st.catchup.insert(
            key.clone(),
            CatchUp {
                next: 10,
                qos0_from: 10,
            },
        );
        assert_eq!(st.resume_cursor(&done)[&key], 10);
        // Partitions with nothing offered since the start keep their stored position.
        st.cursor.insert(("mqtt".into(), 1), 5);
        assert_eq!(st.resume_cursor(&done)[&("mqtt".into(), 1)], 5);
    }

    #[test]
    fn packet_ids_skip_those_in_flight_and_wrap() {
        let s = Session::new("c".into(), 0);
        let mut st = s.lock();
        st.next_packet_id = u16::MAX;
        st.inflight.insert(
            1,
            Inflight {
                delivery: delivery(0),
                released: false,
            },
        );
        assert_eq!(st.take_packet_id(), Some(u16::MAX));
        assert_eq!(st.take_packet_id(), Some(2));
    }
}
