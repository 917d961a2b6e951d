//! The MQTT broker state: sessions, the subscription index, retained messages, and the bridge
//! to the journal. Every publish, whatever protocol wrote it, reaches subscribers through one
//! path: the record is appended to an MQTT log topic and the append tap
//! ([`robustmq_broker::AppendTap`]) offers it to the matching sessions from memory.

mod catchup;
mod config;
mod keyed_lock;
mod lifecycle;
mod queue;
pub mod retained;
pub mod session;
pub mod subscriptions;
mod sys;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Instant;

use robustmq_broker::follow::LiveMarks;
use robustmq_broker::partitioner::partition_for;
use robustmq_broker::{AppendTap, Appended, Broker, BrokerError, Followup, TapError};
use robustmq_journal::{now_ms, Log};

use crate::codec::QoS;
use crate::message::{decode_batches, encode_batch, Message};
use crate::topic;

pub use config::{MqttConfig, Route};
use keyed_lock::KeyedLock;
pub use lifecycle::{OpenError, SubscribeError};
use retained::Retained;
use session::{CatchUp, Delivery, LogPartition, LogPos, Session};
use subscriptions::{Subscriber, Subscriptions};

/// Where a publish was stored: its partition and the end offset to sync to for durability.
pub type Published = Result<(Arc<dyn Log>, i64), PublishError>;

/// Messages of one log partition, with their positions in the caller's list.
struct Group {
    key: LogPartition,
    positions: Vec<usize>,
    messages: Vec<Message>,
}

/// One session a message goes to, merged over every subscription of it that matched.
struct Target {
    session: Arc<Session>,
    /// The highest granted QoS.
    qos: QoS,
    subscription_ids: Vec<u32>,
    retain_as_published: bool,
    /// Only shared subscriptions matched (see [`Delivery::shared`]).
    only_shared: bool,
}

/// Whether a catch-up step on one of `keys` happened within [`CATCHING_UP_WITHIN`] of `now`.
fn should_wait<'a>(
    stepping: &HashMap<LogPartition, Instant>,
    keys: impl IntoIterator<Item = &'a LogPartition>,
    now: Instant,
) -> bool {
    !stepping.is_empty()
        && keys.into_iter().any(|k| {
            stepping
                .get(k)
                .is_some_and(|at| now.saturating_duration_since(*at) < CATCHING_UP_WITHIN)
        })
}

#[cfg(test)]
mod give_way_tests {
    use super::*;

    #[test]
    fn publishers_wait_only_for_recent_steps_on_their_own_partitions() {
        let a: LogPartition = ("mqtt".into(), 0);
        let b: LogPartition = ("mqtt".into(), 1);
        let t0 = Instant::now();
        let stepping = HashMap::from([(a.clone(), t0)]);
        assert!(should_wait(
            &stepping,
            [&a],
            t0 + std::time::Duration::from_millis(5)
        ));
        assert!(!should_wait(&stepping, [&b], t0), "another partition");
        assert!(
            !should_wait(&stepping, [&a], t0 + CATCHING_UP_WITHIN),
            "a session that stopped reading slows nobody"
        );
        assert!(!should_wait(&HashMap::new(), [&a], t0));
    }
}

/// A partition counts as being caught up on while a session took a step within this long.
const CATCHING_UP_WITHIN: std::time::Duration = std::time::Duration::from_millis(20);

/// Shared groups whose round-robin position is remembered at once.
const MAX_SHARED_TURNS: usize = 65_536;

/// Deliveries collected while routing a batch of messages, grouped by session in first-seen
/// order, so each session is locked and woken once per batch rather than once per message.
#[derive(Default)]
struct Outbox {
    index: HashMap<*const Session, usize>,
    /// Each session's deliveries and their bytes.
    sessions: Vec<(Arc<Session>, Vec<Delivery>, usize)>,
}

impl Outbox {
    fn push(&mut self, session: Arc<Session>, d: Delivery) {
        let next = self.sessions.len();
        let i = *self.index.entry(Arc::as_ptr(&session)).or_insert(next);
        if i == next {
            self.sessions.push((session, Vec::new(), 0));
        }
        let entry = &mut self.sessions[i];
        entry.2 += queue::weight(&d);
        entry.1.push(d);
    }

    /// Deliveries collected for `session` so far, and their bytes.
    fn queued_for(&self, session: &Arc<Session>) -> (usize, usize) {
        self.index
            .get(&Arc::as_ptr(session))
            .map_or((0, 0), |&i| (self.sessions[i].1.len(), self.sessions[i].2))
    }

    fn deliver(self, core: &MqttCore) {
        for (session, deliveries, _) in self.sessions {
            core.offer_all(&session, deliveries);
        }
    }
}

/// Why a publish was not stored.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot create log topic '{0}': {1}")]
    Topic(String, BrokerError),
    #[error("cannot append to the log: {0}")]
    Append(#[from] robustmq_journal::JournalError),
    #[error("cannot encode the record: {0}")]
    Encode(String),
    /// The append of the batch this message was part of failed.
    #[error("{0}")]
    Batch(String),
}

/// Counters for `$SYS` and metrics.
#[derive(Default)]
pub struct Stats {
    pub connected: AtomicI64,
    pub messages_received: AtomicU64,
    pub messages_sent: AtomicU64,
    pub bytes_received: AtomicU64,
    pub bytes_sent: AtomicU64,
    pub dropped: AtomicU64,
}

pub struct MqttCore {
    pub config: MqttConfig,
    pub broker: Arc<Broker>,
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    /// Client ids whose session is being opened (see [`MqttCore::open_session`]).
    opening: KeyedLock,
    subs: RwLock<Subscriptions>,
    pub retained: Retained,
    /// How far the tap got per log partition (see `robustmq_broker::follow`).
    marks: LiveMarks,
    /// When a session last took a catch-up step on each partition (see
    /// [`MqttCore::publishers_should_wait`]).
    stepping: Mutex<HashMap<LogPartition, Instant>>,
    /// When the last catch-up step on any partition was (µs since `started`), so publishers
    /// need neither the map's lock nor their partitions while nobody is catching up.
    last_step_us: AtomicU64,
    shared_turn: Mutex<HashMap<(String, String), usize>>,
    pub stats: Stats,
    next_conn: AtomicU64,
    pub started: Instant,
}

struct Tap(Weak<MqttCore>);

impl AppendTap for Tap {
    fn wants(&self, topic: &str) -> bool {
        self.0.upgrade().is_some_and(|c| c.is_log_topic(topic))
    }

    fn appended(&self, partition: &dyn Log, append: &mut Appended<'_>) -> Option<Followup> {
        self.0.upgrade()?.appended(partition, append)
    }
}

impl MqttCore {
    /// Loads retained messages and persistent sessions from meta and installs the append tap.
    pub fn start(config: MqttConfig, broker: Arc<Broker>) -> Result<Arc<MqttCore>, BrokerError> {
        let retained = Retained::load(
            Arc::clone(&broker.meta),
            config.max_retained,
            config.max_retained_per_client,
        )?;
        let core = Arc::new(MqttCore {
            config,
            broker,
            sessions: Mutex::new(HashMap::new()),
            opening: KeyedLock::default(),
            subs: RwLock::new(Subscriptions::default()),
            retained,
            marks: LiveMarks::default(),
            stepping: Mutex::new(HashMap::new()),
            last_step_us: AtomicU64::new(0),
            shared_turn: Mutex::new(HashMap::new()),
            stats: Stats::default(),
            next_conn: AtomicU64::new(1),
            started: Instant::now(),
        });
        for (t, p, part) in core.log_partitions() {
            core.marks.start_at((t, p), part.log_end_offset());
        }
        core.load_sessions()?;
        core.broker.add_tap(Arc::new(Tap(Arc::downgrade(&core))));
        Ok(core)
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn next_conn_id(&self) -> u64 {
        self.next_conn.fetch_add(1, Ordering::Relaxed)
    }

    pub fn session_count(&self) -> usize {
        self.lock_sessions().len()
    }

    pub fn subscription_count(&self) -> usize {
        self.subs.read().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The log topic an MQTT topic is stored in: the first route whose filter matches, else
    /// the default.
    pub fn log_topic_for(&self, mqtt_topic: &str) -> &str {
        self.config
            .routes
            .iter()
            .find(|r| topic::matches(&r.filter, mqtt_topic))
            .map(|r| r.topic.as_str())
            .unwrap_or(&self.config.log_topic)
    }

    fn is_log_topic(&self, name: &str) -> bool {
        name == self.config.log_topic || self.config.routes.iter().any(|r| r.topic == name)
    }

    /// Every partition of the MQTT log topics that exist.
    fn log_partitions(&self) -> Vec<(Arc<str>, i32, Arc<dyn Log>)> {
        let mut names = vec![self.config.log_topic.clone()];
        names.extend(self.config.routes.iter().map(|r| r.topic.clone()));
        names.sort();
        names.dedup();
        let mut out = Vec::new();
        for name in names {
            if let Some(t) = self.broker.topics.get(&name) {
                for p in 0..t.partitions {
                    if let Some(part) = self.broker.topics.partition(&name, p) {
                        out.push((Arc::from(name.as_str()), p, part));
                    }
                }
            }
        }
        out
    }

    fn done_marks(&self) -> BTreeMap<LogPartition, i64> {
        self.marks.done()
    }

    fn claimed_mark(&self, key: &LogPartition) -> i64 {
        self.marks.get(key).claimed
    }

    /// Appends `msg` to its log topic (created on first use). Subscribers are offered it by the
    /// tap before this returns; the caller waits for `Log::durable(end)` when the
    /// publisher needs durability. Returns the partition and the end offset to wait for.
    pub fn publish(&self, msg: Message) -> Published {
        self.publish_batch(vec![msg])
            .pop()
            .unwrap_or_else(|| Err(PublishError::Encode("nothing to publish".into())))
    }

    /// Publishes several messages with one append per log partition (one write instead of
    /// one per message); results are in the order of `msgs`. Per-topic order is kept: a topic
    /// always maps to the same partition.
    pub fn publish_batch(&self, msgs: Vec<Message>) -> Vec<Published> {
        let n = msgs.len();
        // (log topic, partition) -> positions and messages, in first-seen order.
        let mut groups: Vec<Group> = Vec::new();
        let mut results: Vec<Option<Published>> = (0..n).map(|_| None).collect();
        // Partition counts looked up once per log topic, not per message (the catalog hands
        // out copies of topic metadata).
        let mut counts: HashMap<String, i32> = HashMap::new();
        for (i, msg) in msgs.into_iter().enumerate() {
            let log = self.log_topic_for(&msg.topic);
            let partitions = match counts.get(log) {
                Some(&n) => n,
                None => match self.log_topic_partitions(log) {
                    Ok(n) => *counts.entry(log.to_string()).or_insert(n),
                    Err(e) => {
                        results[i] = Some(Err(e));
                        continue;
                    }
                },
            };
            let p = partition_for(msg.topic.as_bytes(), partitions);
            match groups.iter_mut().find(|g| g.key.1 == p && &*g.key.0 == log) {
                Some(g) => {
                    g.positions.push(i);
                    g.messages.push(msg);
                }
                None => {
                    // Usually every message goes to one partition: size for that.
                    let mut messages = Vec::with_capacity(n - i);
                    messages.push(msg);
                    groups.push(Group {
                        key: (Arc::from(log), p),
                        positions: vec![i],
                        messages,
                    })
                }
            }
        }
        for g in groups {
            let outcome = self.append_group(&g.key.0, g.key.1, g.messages);
            for i in g.positions {
                results[i] = Some(match &outcome {
                    Ok((part, end)) => Ok((Arc::clone(part), *end)),
                    Err(e) => Err(PublishError::Batch(e.to_string())),
                });
            }
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(PublishError::Encode("not published".into()))))
            .collect()
    }

    fn log_topic_partitions(&self, log: &str) -> Result<i32, PublishError> {
        if let Some(t) = self.broker.topics.get(log) {
            return Ok(t.partitions);
        }
        match self
            .broker
            .topics
            .create(log, self.config.log_partitions, self.log_topic_configs())
        {
            Ok(t) => Ok(t.partitions),
            Err(BrokerError::TopicExists(_)) => Ok(self
                .broker
                .topics
                .get(log)
                .map(|t| t.partitions)
                .unwrap_or(1)),
            Err(e) => Err(PublishError::Topic(log.to_string(), e)),
        }
    }

    fn append_group(&self, log: &str, p: i32, group: Vec<Message>) -> Published {
        let part = self.broker.topics.partition(log, p).ok_or_else(|| {
            PublishError::Topic(log.to_string(), BrokerError::UnknownTopic(log.to_string()))
        })?;
        let batch = encode_batch(&group);
        // The tap takes the messages back instead of decoding the batch.
        let info = self
            .broker
            .append_decoded(&*part, batch, Some(Box::new(group)))?;
        Ok((part, info.last_offset + 1))
    }

    /// Configs of a log topic created on first use: batches must fit the largest packet we
    /// accept, plus the record's headers.
    fn log_topic_configs(&self) -> std::collections::BTreeMap<String, String> {
        let max = u64::from(self.config.max_packet_size) + 4096;
        let default = self.broker.topics.defaults().max_message_bytes as u64;
        std::collections::BTreeMap::from([(
            "max.message.bytes".to_string(),
            max.max(default).to_string(),
        )])
    }

    /// The tap: runs under the partition's lock, in offset order; the retained messages are
    /// written to meta in the follow-up, after the lock is released.
    fn appended(
        self: Arc<Self>,
        partition: &dyn Log,
        append: &mut Appended<'_>,
    ) -> Option<Followup> {
        let info = append.info;
        let key: LogPartition = (Arc::from(partition.topic()), partition.id());
        let end = info.last_offset + 1;
        self.marks.claim(&key, end);
        let messages: Vec<(i64, Message)> = match append.take_decoded::<Vec<Message>>() {
            Some(ms) if ms.len() as i64 == info.records => (info.base_offset..).zip(ms).collect(),
            _ => decode_batches(append.batches, partition.config().max_message_bytes),
        };
        let mut out = Outbox::default();
        let mut retained = Vec::new();
        for (offset, msg) in messages {
            let msg = Arc::new(msg);
            if msg.retain {
                retained.push(Arc::clone(&msg));
            }
            let pos = LogPos {
                topic: Arc::clone(&key.0),
                partition: key.1,
                offset,
            };
            self.route(msg, Some(pos), &mut out);
        }
        // Staged in memory now (in offset order), written to meta before the append is
        // answered, so before its PUBACKs. When meta cannot store them, the append is not
        // acknowledged (the publisher sees an error and may retry) and the retained state is as
        // before; the records are in the log all the same, so subscribers get them.
        let staged = self.retained.stage(&retained);
        out.deliver(&self);
        self.marks.finish(&key, end);
        if retained.is_empty() {
            return None;
        }
        let topic = partition.topic().to_string();
        Some(Box::new(move || {
            self.retained.persist(staged).map_err(|e| {
                tracing::error!(%topic, messages = retained.len(), error = %e, "cannot store retained messages; the append is not acknowledged");
                TapError(format!("cannot store retained messages: {e}"))
            })
        }))
    }

    /// Offers a message to every session whose subscriptions match it (see [`Self::route`]).
    pub fn dispatch(&self, msg: Arc<Message>, pos: Option<LogPos>) {
        let mut out = Outbox::default();
        self.route(msg, pos, &mut out);
        out.deliver(self);
    }

    /// Adds a message's deliveries to `out`: one copy per session at the highest granted QoS
    /// with every matching subscription id, and one member per shared group.
    fn route(&self, msg: Arc<Message>, pos: Option<LogPos>, out: &mut Outbox) {
        let matches = self
            .subs
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .matches(&msg.topic);
        // Usually one or two sessions: a short list beats hashing.
        let mut targets: Vec<Target> = Vec::new();
        let mut merge = |s: &Subscriber, shared: bool| {
            let i = match targets
                .iter()
                .position(|t| Arc::ptr_eq(&t.session, &s.session))
            {
                Some(i) => i,
                None => {
                    targets.push(Target {
                        session: Arc::clone(&s.session),
                        qos: QoS::AtMostOnce,
                        subscription_ids: Vec::new(),
                        retain_as_published: false,
                        only_shared: true,
                    });
                    targets.len() - 1
                }
            };
            let t = &mut targets[i];
            t.qos = t.qos.max(s.options.qos);
            t.subscription_ids.extend(s.id);
            t.retain_as_published |= s.options.retain_as_published;
            t.only_shared &= shared;
        };
        for s in &matches.plain {
            if s.options.no_local && msg.publisher.as_deref() == Some(s.session.client_id.as_str())
            {
                continue;
            }
            merge(s, false);
        }
        for (key, members) in matches.shared {
            if let Some(s) = self.pick_member(key, &members, out) {
                merge(s, true);
            }
        }
        for t in targets {
            // A session reading this partition from the log would drop the live copy: not
            // made at all (when many sessions fell behind, this is most of the routing).
            if !t.only_shared && t.session.behind.load(Ordering::Relaxed) {
                if let Some(p) = &pos {
                    let key = p.partition_key();
                    if t.session.lock().catchup.contains_key(&key) {
                        continue;
                    }
                }
            }
            let d = Delivery {
                message: Arc::clone(&msg),
                qos: t.qos.min(msg.qos),
                retain: t.retain_as_published && msg.retain,
                subscription_ids: t.subscription_ids,
                pos: pos.clone(),
                shared: t.only_shared,
            };
            out.push(t.session, d);
        }
    }

    /// Round robin over a shared group's members, skipping offline ones and, while one has
    /// room, those whose queue (with what `out` holds for them) is full.
    fn pick_member<'a>(
        &self,
        key: (String, String),
        members: &'a [Subscriber],
        out: &Outbox,
    ) -> Option<&'a Subscriber> {
        if members.is_empty() {
            return None;
        }
        let mut turns = self.shared_turn.lock().unwrap_or_else(|p| p.into_inner());
        if turns.len() >= MAX_SHARED_TURNS && !turns.contains_key(&key) {
            // Groups come and go with subscriptions and this map never hears of it: forget
            // every position rather than grow (each group then starts again at its first member).
            turns.clear();
        }
        let turn = turns.entry(key).or_insert(0);
        let mut full = None;
        for i in 0..members.len() {
            let m = &members[(*turn + i) % members.len()];
            let st = m.session.lock();
            if !st.online() {
                continue;
            }
            let (n, bytes) = out.queued_for(&m.session);
            if self.is_full(st.pending.len() + n, st.queued_bytes() + bytes) {
                full.get_or_insert(i);
                continue;
            }
            *turn = (*turn + i + 1) % members.len();
            return Some(m);
        }
        // Every online member is full: the first of them gets it (and drops it).
        let i = full?;
        let m = &members[(*turn + i) % members.len()];
        *turn = (*turn + i + 1) % members.len();
        Some(m)
    }

    /// A session holding `queued` messages and `bytes` in memory takes no more live ones.
    /// One holding nothing always takes the next, however large.
    pub(crate) fn is_full(&self, queued: usize, bytes: usize) -> bool {
        bytes > 0 && (queued >= self.config.max_queued || bytes >= self.config.max_queued_bytes)
    }

    /// Queues a delivery for an online session. Offline sessions get nothing here: persistent
    /// ones read the log when they return.
    pub fn offer(&self, session: &Session, d: Delivery) {
        self.offer_all(session, vec![d]);
    }

    /// Queues deliveries for one session under one lock, and wakes its connection once.
    fn offer_all(&self, session: &Session, deliveries: Vec<Delivery>) {
        let mut st = session.lock();
        if !st.online() {
            return;
        }
        let mut queued = false;
        for d in deliveries {
            if let Some(pos) = d.pos.as_ref().filter(|_| !d.shared) {
                if !st.catchup.is_empty() && st.catchup.contains_key(&pos.partition_key()) {
                    continue;
                }
                if self.is_full(st.pending.len(), st.queued_bytes()) {
                    // Too far behind: read the rest of this partition from the log, at the
                    // subscriber's pace, instead of queueing it in memory or dropping it.
                    tracing::debug!(client_id = %session.client_id, topic = %pos.topic, partition = pos.partition, offset = pos.offset, "session fell behind; reading the log from here");
                    let c = CatchUp {
                        next: pos.offset,
                        qos0_from: pos.offset,
                    };
                    st.catchup.insert(pos.partition_key(), c);
                    self.set_behind(session, true);
                    continue;
                }
            } else if self.is_full(st.pending.len(), st.queued_bytes()) {
                self.stats.dropped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            st.pending.push_back(d);
            queued = true;
        }
        if queued {
            st.dirty = true;
            drop(st);
            session.wake.notify_one();
        }
    }

    /// Writes a persistent session to meta. `sync` for state whose loss would break a
    /// guarantee (subscriptions, QoS 2 steps); checkpoints of cursors skip the fsync. False
    /// when that failed (logged, and the session left dirty so the next checkpoint tries
    /// again): the caller must not acknowledge what depended on it.
    pub fn persist(&self, session: &Session, sync: bool) -> bool {
        let _order = session.lock_writes();
        let stored = {
            let mut st = session.lock();
            if !st.persistent() {
                return true;
            }
            st.dirty = false;
            let done = if st.online() {
                self.done_marks()
            } else {
                BTreeMap::new()
            };
            st.stored(&session.client_id, &done)
        };
        let value = match serde_json::to_vec(&stored) {
            Ok(v) => v,
            Err(e) => {
                tracing::error!(client_id = %session.client_id, error = %e, "cannot encode session");
                session.lock().dirty = true;
                return false;
            }
        };
        if let Err(e) = self
            .broker
            .meta
            .put_entry(SESSION_NS, &session.client_id, &value, sync)
        {
            tracing::error!(client_id = %session.client_id, error = %e, "cannot store session");
            session.lock().dirty = true;
            return false;
        }
        true
    }

    /// Marks a session as reading (or no longer reading) some partition from the log.
    pub(crate) fn set_behind(&self, s: &Session, behind: bool) {
        s.behind.store(behind, Ordering::Relaxed);
    }

    /// A session took a catch-up step on `key`.
    pub(crate) fn stepped(&self, key: &LogPartition) {
        let since_start = self.started.elapsed().as_micros() as u64;
        self.last_step_us
            .store(since_start.max(1), Ordering::Relaxed);
        let mut stepping = self.stepping.lock().unwrap_or_else(|p| p.into_inner());
        match stepping.get_mut(key) {
            Some(at) => *at = Instant::now(),
            None => {
                stepping.insert(key.clone(), Instant::now());
            }
        }
    }

    /// Whether any session took a catch-up step within [`CATCHING_UP_WITHIN`]: without one,
    /// no publisher gives way (checked without a lock on every store).
    pub fn anyone_catching_up(&self) -> bool {
        let last = self.last_step_us.load(Ordering::Relaxed);
        last != 0
            && self.started.elapsed().as_micros() as u64
                <= last + CATCHING_UP_WITHIN.as_micros() as u64
    }

    /// Whether a publisher that just wrote to these partitions should give way before reading
    /// more: some session is catching up on one of them and made progress in the last
    /// [`CATCHING_UP_WITHIN`]. QoS 0 publishers are slowed by nothing else, and without this
    /// a fast one keeps sessions that fell behind from ever catching up. A session that stopped
    /// reading slows nobody for long.
    pub fn publishers_should_wait<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a LogPartition>,
    ) -> bool {
        let stepping = self.stepping.lock().unwrap_or_else(|p| p.into_inner());
        should_wait(&stepping, keys, Instant::now())
    }

    /// Current time for expiry decisions.
    pub fn now_ms(&self) -> i64 {
        now_ms()
    }
}

/// Meta namespace of persistent sessions.
pub const SESSION_NS: &str = "mqtt.session";
