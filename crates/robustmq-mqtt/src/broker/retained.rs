//! Retained messages: one per topic, in memory for matching and in meta (namespace
//! `mqtt.retained`, value = a one-record batch) so they survive restarts and crashes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use robustmq_meta::MetaStore;

use crate::message::{decode_batches, encode_batch, Message};
use crate::topic;

const NAMESPACE: &str = "mqtt.retained";

/// Retained changes applied in memory, still to be written to meta: each message with the
/// one it replaced.
#[derive(Default)]
pub struct Staged {
    changes: Vec<(Arc<Message>, Option<Arc<Message>>)>,
}

pub struct Retained {
    meta: Arc<dyn MetaStore>,
    /// `mqtt.max_retained_messages`: past it, messages for topics without one are not retained.
    max: usize,
    /// `mqtt.max_retained_per_client`: retained messages one publishing client id may own.
    per_client: usize,
    map: RwLock<Held>,
    /// Serialises [`Retained::persist`] and the deletion of expired messages.
    persisting: Mutex<()>,
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
            persisting: Mutex::new(()),
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
    /// would). Publishers ask first so MQTT 5 can be told; [`Retained::stage`] enforces both
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

    /// Applies retained messages appended together, in order, in memory: each becomes its
    /// topic's retained message, or clears it when its payload is empty. A message for a topic
    /// without one is skipped (logged) once the limit is reached; replacing and clearing always
    /// work. Called under the partition's append lock (so in offset order), with no I/O: what
    /// it returns goes to [`Retained::persist`] once the lock is released.
    pub fn stage(&self, msgs: &[Arc<Message>]) -> Staged {
        let mut staged = Staged::default();
        if msgs.is_empty() {
            return staged;
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
        for m in msgs {
            let before = map.by_topic.get(&m.topic).cloned();
            if m.payload.is_empty() {
                map.remove(&m.topic);
            } else {
                map.insert(m.topic.clone(), Arc::clone(m));
            }
            staged.changes.push((Arc::clone(m), before));
        }
        staged
    }

    /// Writes what [`Retained::stage`] changed to meta, in one synced write, before the log
    /// append it goes with is acknowledged. Each topic's current message is written, so
    /// whichever persist runs last leaves meta with the newest, and persists are serialised so
    /// a slower one never overwrites a newer write. When meta cannot store them, the changes
    /// that are still current are undone in memory: a retained message is never served that
    /// a restart would lose.
    pub fn persist(&self, staged: Staged) -> Result<(), robustmq_meta::MetaError> {
        if staged.changes.is_empty() {
            return Ok(());
        }
        let _turn = self.persisting.lock().unwrap_or_else(|p| p.into_inner());
        let topics: std::collections::BTreeSet<&str> = staged
            .changes
            .iter()
            .map(|(m, _)| m.topic.as_str())
            .collect();
        let current: Vec<(&str, Option<Vec<u8>>)> = {
            let map = self.map.read().unwrap_or_else(|p| p.into_inner());
            topics
                .into_iter()
                .map(|t| {
                    let held = map.by_topic.get(t);
                    (t, held.map(|m| encode_batch(std::slice::from_ref(&**m))))
                })
                .collect()
        };
        let changes: Vec<(&str, Option<&[u8]>)> =
            current.iter().map(|(t, v)| (*t, v.as_deref())).collect();
        let Err(e) = self.meta.write_entries(NAMESPACE, &changes, true) else {
            return Ok(());
        };
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        for (m, before) in staged.changes.into_iter().rev() {
            let held = map.by_topic.get(&m.topic);
            let still_ours = match held {
                Some(h) => Arc::ptr_eq(h, &m),
                None => m.payload.is_empty(),
            };
            if !still_ours {
                continue;
            }
            match before {
                Some(b) => map.insert(m.topic.clone(), b),
                None => map.remove(&m.topic),
            }
        }
        Err(e)
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
            let _turn = self.persisting.lock().unwrap_or_else(|p| p.into_inner());
            let gone: Vec<String> = {
                let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
                // Only those still expired: a new message may have replaced one meanwhile.
                let mut gone = Vec::new();
                for t in expired {
                    if map.by_topic.get(&t).is_some_and(|m| m.is_expired(now_ms)) {
                        map.remove(&t);
                        gone.push(t);
                    }
                }
                gone
            };
            // Outside the map's lock: matching and publishing go on during the meta write.
            for t in gone {
                if let Err(e) = self.meta.delete_entry(NAMESPACE, &t) {
                    tracing::warn!(topic = %t, error = %e, "cannot delete an expired retained message");
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::QoS;
    use robustmq_meta::{FaultMeta, RocksMeta};

    fn msg(topic: &str, payload: &'static [u8]) -> Arc<Message> {
        Arc::new(Message {
            topic: topic.into(),
            payload: bytes::Bytes::from_static(payload),
            qos: QoS::AtLeastOnce,
            retain: true,
            publisher: Some("c".into()),
            timestamp_ms: 0,
            properties: Default::default(),
        })
    }

    fn stored(meta: &dyn MetaStore) -> Vec<(String, Vec<u8>)> {
        let entries = meta.entries(NAMESPACE).unwrap();
        entries
            .into_iter()
            .map(|(k, v)| {
                let (_, m) = decode_batches(&v, v.len()).into_iter().next().unwrap();
                (k, m.payload.to_vec())
            })
            .collect()
    }

    #[test]
    fn persists_in_any_order_leave_meta_with_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let meta: Arc<dyn MetaStore> = Arc::new(RocksMeta::open(dir.path()).unwrap());
        let r = Retained::load(Arc::clone(&meta), 100, 100).unwrap();
        let older = r.stage(&[msg("a", b"1")]);
        let newer = r.stage(&[msg("a", b"2"), msg("b", b"x")]);
        r.persist(newer).unwrap();
        r.persist(older).unwrap();
        assert_eq!(
            stored(&*meta),
            vec![("a".into(), b"2".to_vec()), ("b".into(), b"x".to_vec())]
        );
        let cleared = r.stage(&[msg("b", b"")]);
        r.persist(cleared).unwrap();
        assert_eq!(stored(&*meta), vec![("a".into(), b"2".to_vec())]);
    }

    #[test]
    fn a_failed_persist_undoes_what_is_still_current() {
        let dir = tempfile::tempdir().unwrap();
        let rocks: Arc<dyn MetaStore> = Arc::new(RocksMeta::open(dir.path()).unwrap());
        let faults = Arc::new(FaultMeta::new(rocks));
        let r = Retained::load(Arc::clone(&faults) as Arc<dyn MetaStore>, 100, 100).unwrap();
        r.persist(r.stage(&[msg("a", b"kept")])).unwrap();
        faults.fail_writes(true);
        let lost = r.stage(&[msg("a", b"lost"), msg("a", b"lost too"), msg("n", b"new")]);
        let replaced = r.stage(&[msg("n", b"newer")]);
        assert!(r.persist(lost).is_err());
        let now: Vec<_> = ["a", "n"]
            .iter()
            .map(|t| r.matching(t, 0).first().map(|m| m.payload.to_vec()))
            .collect();
        assert_eq!(
            now,
            vec![Some(b"kept".to_vec()), Some(b"newer".to_vec())],
            "undone where still current, a later message left alone"
        );
        faults.fail_writes(false);
        r.persist(replaced).unwrap();
        assert_eq!(
            stored(&*faults),
            vec![
                ("a".into(), b"kept".to_vec()),
                ("n".into(), b"newer".to_vec())
            ]
        );
    }
}
