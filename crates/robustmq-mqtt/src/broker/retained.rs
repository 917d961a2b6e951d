//! Retained messages: one per topic, in memory for matching and in meta (namespace
//! `mqtt.retained`, value = a one-record batch) so they survive restarts and crashes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use robustmq_meta::MetaStore;

use crate::message::{decode_batches, encode_batch, Message};
use crate::topic;

const NAMESPACE: &str = "mqtt.retained";

pub struct Retained {
    meta: Arc<dyn MetaStore>,
    /// `mqtt.max_retained_messages`: past it, messages for topics without one are not retained.
    max: usize,
    /// `mqtt.max_retained_per_client`: retained messages one publishing client id may own.
    per_client: usize,
    map: RwLock<Held>,
    /// `$SYS` statistics: retained in memory only, never written to meta or the log.
    sys: RwLock<BTreeMap<String, Arc<Message>>>,
}

/// The retained messages by topic, and how many each publisher owns (it sent the current one).
#[derive(Default)]
struct Held {
    by_topic: BTreeMap<String, Arc<Message>>,
    owned: HashMap<String, usize>,
}

impl Held {
    fn owner_of(&self, topic: &str) -> Option<&str> {
        self.by_topic.get(topic)?.publisher.as_deref()
    }

    fn owned_by(&self, client: &str) -> usize {
        self.owned.get(client).copied().unwrap_or(0)
    }

    fn insert(&mut self, topic: String, m: Arc<Message>) {
        if let Some(p) = &m.publisher {
            *self.owned.entry(p.clone()).or_default() += 1;
        }
        if let Some(old) = self.by_topic.insert(topic, m) {
            self.disown(&old);
        }
    }

    fn remove(&mut self, topic: &str) {
        if let Some(old) = self.by_topic.remove(topic) {
            self.disown(&old);
        }
    }

    fn disown(&mut self, m: &Message) {
        let Some(p) = &m.publisher else { return };
        if let Some(n) = self.owned.get_mut(p) {
            *n -= 1;
            if *n == 0 {
                self.owned.remove(p);
            }
        }
    }
}

impl Retained {
    /// Loads the stored messages; an entry that does not decode is logged and skipped.
    pub fn load(
        meta: Arc<dyn MetaStore>,
        max: usize,
        per_client: usize,
    ) -> Result<Retained, robustmq_meta::MetaError> {
        let mut map = Held::default();
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
            per_client,
            map: RwLock::new(map),
            sys: RwLock::new(BTreeMap::new()),
        })
    }

    pub fn len(&self) -> usize {
        self.map
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .by_topic
            .len()
    }

    /// Whether a new retained message for `topic` from `publisher` would pass a limit: the
    /// server's (replacing one would not) or the publisher's (taking over another client's
    /// would). Publishers ask first so MQTT 5 can be told; [`Retained::set_all`] enforces both
    /// for every path (wills, records written by other protocols).
    pub fn is_full_for(&self, topic: &str, publisher: Option<&str>) -> bool {
        let held = self.map.read().unwrap_or_else(|p| p.into_inner());
        self.refuses(&held, topic, publisher, 0, 0)
    }

    /// The limits' verdict on one more message, with `added` topics and `taken` messages of
    /// the publisher already accepted in the same batch.
    fn refuses(
        &self,
        held: &Held,
        topic: &str,
        publisher: Option<&str>,
        added: usize,
        taken: usize,
    ) -> bool {
        let known = held.by_topic.contains_key(topic);
        if !known && held.by_topic.len() + added >= self.max {
            return true;
        }
        match publisher {
            Some(p) if held.owner_of(topic) != Some(p) => {
                held.owned_by(p) + taken >= self.per_client
            }
            _ => false,
        }
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
        let mut added = std::collections::HashSet::new();
        let mut taken: HashMap<&str, std::collections::HashSet<&str>> = HashMap::new();
        let before = msgs.len();
        let msgs: Vec<&Arc<Message>> = msgs
            .iter()
            .filter(|m| {
                if m.payload.is_empty() {
                    return true;
                }
                let publisher = m.publisher.as_deref();
                let new_topic = !map.by_topic.contains_key(&m.topic);
                let again = added.contains(m.topic.as_str())
                    || publisher.is_some_and(|p| {
                        taken.get(p).is_some_and(|t| t.contains(m.topic.as_str()))
                    });
                let mine = publisher.map_or(0, |p| taken.get(p).map_or(0, |t| t.len()));
                if !again && self.refuses(&map, &m.topic, publisher, added.len(), mine) {
                    return false;
                }
                if new_topic {
                    added.insert(m.topic.as_str());
                }
                if let Some(p) = publisher.filter(|p| map.owner_of(&m.topic) != Some(p)) {
                    taken.entry(p).or_default().insert(m.topic.as_str());
                }
                true
            })
            .collect();
        if msgs.len() < before {
            tracing::warn!(
                skipped = before - msgs.len(),
                max = self.max,
                per_client = self.per_client,
                "retained messages not stored: mqtt.max_retained_messages or mqtt.max_retained_per_client reached"
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
        let held = self.map.read().unwrap_or_else(|p| p.into_inner());
        let sys = self.sys.read().unwrap_or_else(|p| p.into_inner());
        for map in [&held.by_topic, &*sys] {
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
        drop((held, sys));
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
