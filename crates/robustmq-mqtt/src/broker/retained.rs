//! Retained messages: one per topic, in memory for matching and in meta (namespace
//! `mqtt.retained`, value = a one-record batch) so they survive restarts and crashes.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use robustmq_meta::MetaStore;

use crate::message::{decode_batches, encode_batch, Message};
use crate::topic;

const NAMESPACE: &str = "mqtt.retained";

pub struct Retained {
    meta: Arc<dyn MetaStore>,
    /// `mqtt.max_retained_messages`: past it, messages for topics without one are not retained.
    max: usize,
    map: RwLock<BTreeMap<String, Arc<Message>>>,
    /// `$SYS` statistics: retained in memory only, never written to meta or the log.
    sys: RwLock<BTreeMap<String, Arc<Message>>>,
}

impl Retained {
    /// Loads the stored messages; an entry that does not decode is logged and skipped.
    pub fn load(
        meta: Arc<dyn MetaStore>,
        max: usize,
    ) -> Result<Retained, robustmq_meta::MetaError> {
        let mut map = BTreeMap::new();
        for (key, value) in meta.entries(NAMESPACE)? {
            // Stored uncompressed by us: nothing in it may decompress past its own size.
            let msg = decode_batches(&value, value.len())
                .into_iter()
                .next()
                .map(|(_, m)| m);
            match msg {
                Some(m) => {
                    map.insert(key, Arc::new(m));
                }
                None => {
                    tracing::warn!(topic = %key, "skipping a retained message that does not decode")
                }
            }
        }
        Ok(Retained {
            meta,
            max,
            map: RwLock::new(map),
            sys: RwLock::new(BTreeMap::new()),
        })
    }

    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether a new retained message for `topic` would pass the limit (replacing one would
    /// not). Publishers ask first so MQTT 5 can be told; [`Retained::set_all`] enforces it for
    /// every path (wills, records written by other protocols).
    pub fn is_full_for(&self, topic: &str) -> bool {
        let map = self.map.read().unwrap_or_else(|p| p.into_inner());
        map.len() >= self.max && !map.contains_key(topic)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Applies retained messages appended together, in order: each becomes its topic's
    /// retained message, or clears it when its payload is empty. One synced meta write for all
    /// of them (not one fsync per message), before the log append they accompany is
    /// acknowledged. A message for a topic without one is skipped (logged) once the limit
    /// is reached; replacing and clearing always work.
    pub fn set_all(&self, msgs: &[Arc<Message>]) -> Result<(), robustmq_meta::MetaError> {
        if msgs.is_empty() {
            return Ok(());
        }
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        let mut room = self.max.saturating_sub(map.len());
        let mut added = std::collections::HashSet::new();
        let before = msgs.len();
        let msgs: Vec<&Arc<Message>> = msgs
            .iter()
            .filter(|m| {
                let known = map.contains_key(&m.topic) || added.contains(m.topic.as_str());
                if m.payload.is_empty() || known {
                    return true;
                }
                if room == 0 {
                    return false;
                }
                room -= 1;
                added.insert(m.topic.as_str());
                true
            })
            .collect();
        if msgs.len() < before {
            tracing::warn!(
                skipped = before - msgs.len(),
                max = self.max,
                "retained messages not stored: mqtt.max_retained_messages reached"
            );
        }
        let encoded: Vec<Option<Vec<u8>>> = msgs
            .iter()
            .map(|m| (!m.payload.is_empty()).then(|| encode_batch(std::slice::from_ref(&**m))))
            .collect();
        let changes: Vec<(&str, Option<&[u8]>)> = msgs
            .iter()
            .zip(&encoded)
            .map(|(m, e)| (m.topic.as_str(), e.as_deref()))
            .collect();
        self.meta.write_entries(NAMESPACE, &changes, true)?;
        for m in msgs {
            if m.payload.is_empty() {
                map.remove(&m.topic);
            } else {
                map.insert(m.topic.clone(), Arc::clone(m));
            }
        }
        Ok(())
    }

    pub fn set_sys(&self, msg: Message) {
        let mut sys = self.sys.write().unwrap_or_else(|p| p.into_inner());
        sys.insert(msg.topic.clone(), Arc::new(msg));
    }

    /// Retained messages whose topic matches `filter`, expired ones left out (and dropped).
    pub fn matching(&self, filter: &str, now_ms: i64) -> Vec<Arc<Message>> {
        let mut out = Vec::new();
        let mut expired = Vec::new();
        for map in [&self.map, &self.sys] {
            let map = map.read().unwrap_or_else(|p| p.into_inner());
            for (t, m) in map.iter() {
                if topic::matches(filter, t) {
                    if m.is_expired(now_ms) {
                        expired.push(t.clone());
                    } else {
                        out.push(Arc::clone(m));
                    }
                }
            }
        }
        if !expired.is_empty() {
            let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
            for t in expired {
                map.remove(&t);
                if let Err(e) = self.meta.delete_entry(NAMESPACE, &t) {
                    tracing::warn!(topic = %t, error = %e, "cannot delete an expired retained message");
                }
            }
        }
        out
    }
}
