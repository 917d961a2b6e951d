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
    map: RwLock<BTreeMap<String, Arc<Message>>>,
    /// `$SYS` statistics: retained in memory only, never written to meta or the log.
    sys: RwLock<BTreeMap<String, Arc<Message>>>,
}

impl Retained {
    /// Loads the stored messages; an entry that does not decode is logged and skipped.
    pub fn load(meta: Arc<dyn MetaStore>) -> Result<Retained, robustmq_meta::MetaError> {
        let mut map = BTreeMap::new();
        for (key, value) in meta.entries(NAMESPACE)? {
            let msg = decode_batches(&value)
                .ok()
                .and_then(|r| r.into_iter().next().map(|(_, m)| m));
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
            map: RwLock::new(map),
            sys: RwLock::new(BTreeMap::new()),
        })
    }

    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stores `msg` as its topic's retained message, or clears it when the payload is empty.
    /// Synced to disk before it returns, like the log append it accompanies.
    pub fn set(&self, msg: &Message) -> Result<(), robustmq_meta::MetaError> {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        if msg.payload.is_empty() {
            if map.remove(&msg.topic).is_some() {
                self.meta.delete_entry(NAMESPACE, &msg.topic)?;
            }
            return Ok(());
        }
        let batch = encode_batch(std::slice::from_ref(msg));
        self.meta.put_entry(NAMESPACE, &msg.topic, &batch, true)?;
        map.insert(msg.topic.clone(), Arc::new(msg.clone()));
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
