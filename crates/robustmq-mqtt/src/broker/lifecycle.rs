//! Sessions over time: open (with takeover), subscribe, close, expire, will messages, and the
//! periodic checkpoint of persistent sessions.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use super::session::{CatchUp, LogPartition, Owner, Session, StoredSession, SubEntry};
use super::subscriptions::Subscriber;
use super::{MqttCore, SESSION_NS};
use crate::codec::SubscriptionOptions;
use crate::message::Message;
use crate::topic::{self, TopicError};

/// How long a takeover waits for the previous connection to let go.
const TAKEOVER_WAIT: Duration = Duration::from_secs(5);

/// Why a SUBSCRIBE filter is refused.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error(transparent)]
    Topic(#[from] TopicError),
    #[error("the session holds mqtt.max_subscriptions_per_session = {0} subscriptions")]
    TooMany(usize),
}

/// Why a CONNECT gets no session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenError {
    /// A new session is needed and `mqtt.max_sessions` are held.
    Full,
    /// A new persistent session could not be stored in meta.
    NotStored,
}

/// v5 reason code a taken-over connection is closed with.
pub const SESSION_TAKEN_OVER: u8 = 0x8E;

impl MqttCore {
    /// Rebuilds persistent sessions and their subscriptions from meta, all offline.
    pub(super) fn load_sessions(&self) -> Result<(), robustmq_broker::BrokerError> {
        let entries = self.broker.meta.entries(SESSION_NS)?;
        let mut sessions = self.lock_sessions();
        let mut subs = self.subs.write().unwrap_or_else(|p| p.into_inner());
        for (client_id, value) in entries {
            let stored: StoredSession = match serde_json::from_slice(&value) {
                Ok(s) => s,
                Err(e) => {
                    tracing::warn!(%client_id, error = %e, "skipping a stored session that does not decode");
                    continue;
                }
            };
            // A lower mqtt.max_session_expiry since it was stored applies to it too.
            let expiry = stored.expiry_interval.min(self.config.max_session_expiry);
            let session = Arc::new(Session::new(client_id.clone(), expiry));
            {
                let mut st = session.lock();
                st.disconnected_at_ms = stored.disconnected_at_ms.or(Some(self.now_ms()));
                st.next_packet_id = stored.next_packet_id.max(1);
                st.inbound_qos2 = stored.inbound_qos2.iter().copied().collect();
                st.cursor = stored
                    .cursor
                    .iter()
                    .map(|(t, p, o)| ((Arc::from(t.as_str()), *p), *o))
                    .collect();
                st.restored_inflight = stored.inflight.clone();
                for s in &stored.subscriptions {
                    let entry = s.entry();
                    // A filter stored before a lower mqtt.max_topic_levels (or by a version
                    // without the cap) is dropped, never walked.
                    let f = match topic::parse_filter(&s.filter, self.config.max_topic_levels) {
                        Ok(f) => f,
                        Err(e) => {
                            tracing::warn!(%client_id, filter_len = s.filter.len(), error = %e, "dropping a stored subscription");
                            continue;
                        }
                    };
                    subs.insert(
                        f.filter,
                        f.share_group,
                        Subscriber {
                            session: Arc::clone(&session),
                            options: entry.options,
                            id: entry.id,
                        },
                    );
                    st.subscriptions.insert(s.filter.clone(), entry);
                }
            }
            sessions.insert(client_id, session);
        }
        tracing::info!(
            sessions = sessions.len(),
            retained = self.retained.len(),
            "mqtt state loaded"
        );
        Ok(())
    }

    /// Opens the session of `client_id` for a new connection, taking it over from any
    /// connection that holds it. Returns the session, whether it was present, the connection
    /// id, and the receiver the connection watches for being kicked. Opens of one client id run one at a time
    /// (an async lock per client id, held across the meta write of a new session), so two
    /// CONNECTs racing cannot both create or both resume it.
    pub async fn open_session(
        self: &Arc<Self>,
        client_id: &str,
        clean_start: bool,
        expiry_interval: u32,
    ) -> Result<(Arc<Session>, bool, u64, oneshot::Receiver<u8>), OpenError> {
        let _opening = self.opening.lock(client_id).await;
        let existing = self.lock_sessions().get(client_id).cloned();
        if existing.is_none() && self.lock_sessions().len() >= self.config.max_sessions {
            return Err(OpenError::Full);
        }
        if let Some(old) = &existing {
            let released = old.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            let kick = old.lock().owner.as_mut().and_then(|o| o.kick.take());
            if let Some(kick) = kick {
                let _ = kick.send(SESSION_TAKEN_OVER);
                old.wake.notify_one();
                if tokio::time::timeout(TAKEOVER_WAIT, released).await.is_err() {
                    tracing::warn!(%client_id, "previous connection did not let go of the session in time");
                }
            }
        }
        let conn_id = self.next_conn_id();
        let (kick_tx, kick_rx) = oneshot::channel();
        let owner = Owner {
            conn_id,
            kick: Some(kick_tx),
        };
        let now = self.now_ms();
        let expiry = expiry_interval.min(self.config.max_session_expiry);
        match existing {
            Some(s) if !clean_start && !self.expired(&s, now) => {
                let claimed = self.claimed_marks();
                let restored = {
                    let mut st = s.lock();
                    st.owner = Some(owner);
                    st.generation += 1;
                    st.disconnected_at_ms = None;
                    if let Some(will) = st.will_task.take() {
                        will.abort(); // resumed in time: the delayed will is not sent
                    }
                    st.expiry_interval = expiry;
                    // Resume reading every log partition where this session left it; what is
                    // published from now on is owed at every QoS.
                    for (key, claimed) in claimed {
                        let from = st.cursor.get(&key).copied().unwrap_or(0);
                        if from < claimed && !st.subscriptions.is_empty() {
                            let c = CatchUp {
                                next: from,
                                qos0_from: claimed,
                            };
                            st.catchup.insert(key, c);
                            self.set_behind(&s, true);
                        }
                    }
                    std::mem::take(&mut st.restored_inflight)
                };
                self.restore_inflight(&s, restored);
                Ok((s, true, conn_id, kick_rx))
            }
            old => {
                if let Some(old) = old {
                    self.discard(&old);
                }
                let s = Arc::new(Session::new(client_id.to_string(), expiry));
                {
                    let mut st = s.lock();
                    st.owner = Some(owner);
                    st.generation = 1;
                    st.cursor = self.claimed_marks();
                }
                self.lock_sessions()
                    .insert(client_id.to_string(), Arc::clone(&s));
                // Written off the runtime; the open lock of this client id stays held so a
                // racing CONNECT cannot discard the session before it is stored (and have this
                // write bring it back). No other lock is held.
                let (core, session) = (Arc::clone(self), Arc::clone(&s));
                let stored = tokio::task::spawn_blocking(move || core.persist(&session, true))
                    .await
                    .unwrap_or(false);
                if !stored {
                    // A persistent session meta does not hold would be lost by a crash while
                    // the client believes it exists: refuse the CONNECT instead.
                    self.lock_sessions().remove(client_id);
                    return Err(OpenError::NotStored);
                }
                Ok((s, false, conn_id, kick_rx))
            }
        }
    }

    /// Every existing log partition with the offset the tap has started to dispatch.
    fn claimed_marks(&self) -> BTreeMap<LogPartition, i64> {
        self.log_partitions()
            .into_iter()
            .map(|(t, p, _)| {
                let key = (t, p);
                let c = self.claimed_mark(&key);
                (key, c)
            })
            .collect()
    }

    fn expired(&self, s: &Session, now: i64) -> bool {
        let st = s.lock();
        match st.disconnected_at_ms {
            Some(at) if !st.online() && st.expiry_interval != u32::MAX => {
                now - at >= i64::from(st.expiry_interval) * 1000
            }
            _ => false,
        }
    }

    /// Removes a session and its subscriptions everywhere.
    fn discard(&self, s: &Arc<Session>) {
        let filters: Vec<String> = s.lock().subscriptions.keys().cloned().collect();
        {
            let mut subs = self.subs.write().unwrap_or_else(|p| p.into_inner());
            for raw in &filters {
                if let Ok(f) = topic::parse_filter(raw, self.config.max_topic_levels) {
                    subs.remove(f.filter, f.share_group, &s.client_id);
                }
            }
        }
        let mut sessions = self.lock_sessions();
        if sessions
            .get(&s.client_id)
            .is_some_and(|x| Arc::ptr_eq(x, s))
        {
            sessions.remove(&s.client_id);
        }
        drop(sessions);
        let _order = s.lock_writes();
        if let Err(e) = self.broker.meta.delete_entry(SESSION_NS, &s.client_id) {
            tracing::warn!(client_id = %s.client_id, error = %e, "cannot delete stored session");
        }
    }

    /// The connection `conn_id` ends. A persistent session keeps its state and remembers where
    /// to resume; any other session ends here.
    pub fn close_session(&self, s: &Arc<Session>, conn_id: u64) {
        let persistent = {
            let done = self.done_marks();
            let mut st = s.lock();
            if st.owner.as_ref().map(|o| o.conn_id) != Some(conn_id) {
                return; // taken over: the new connection owns it now
            }
            st.cursor = st.resume_cursor(&done);
            st.owner = None;
            st.pending.clear();
            st.catchup.clear();
            self.set_behind(s, false);
            st.disconnected_at_ms = Some(self.now_ms());
            st.persistent()
        };
        if persistent {
            self.persist(s, true);
        } else {
            self.discard(s);
        }
        s.released.notify_waiters();
    }

    /// Adds or replaces a subscription; returns whether it existed before.
    pub fn subscribe(
        &self,
        s: &Arc<Session>,
        raw: &str,
        options: SubscriptionOptions,
        id: Option<u32>,
    ) -> Result<bool, SubscribeError> {
        let f = topic::parse_filter(raw, self.config.max_topic_levels)?;
        {
            let st = s.lock();
            let max = self.config.max_subscriptions;
            if st.subscriptions.len() >= max && !st.subscriptions.contains_key(raw) {
                return Err(SubscribeError::TooMany(max));
            }
        }
        self.subs.write().unwrap_or_else(|p| p.into_inner()).insert(
            f.filter,
            f.share_group,
            Subscriber {
                session: Arc::clone(s),
                options,
                id,
            },
        );
        let existed = s
            .lock()
            .subscriptions
            .insert(raw.to_string(), SubEntry { options, id })
            .is_some();
        Ok(existed)
    }

    /// Removes a subscription; false when there was none.
    pub fn unsubscribe(&self, s: &Arc<Session>, raw: &str) -> bool {
        let existed = s.lock().subscriptions.remove(raw).is_some();
        if let Ok(f) = topic::parse_filter(raw, self.config.max_topic_levels) {
            self.subs.write().unwrap_or_else(|p| p.into_inner()).remove(
                f.filter,
                f.share_group,
                &s.client_id,
            );
        }
        existed
    }

    /// Publishes a will now, or after `delay` seconds unless the session has been resumed
    /// (or ended) in between.
    pub fn schedule_will(self: &Arc<Self>, s: &Arc<Session>, will: Message, delay: u32) {
        let delay = delay.min(s.lock().expiry_interval);
        if delay == 0 {
            self.publish_will(will);
            return;
        }
        let generation = s.lock().generation;
        let (core, session) = (Arc::clone(self), Arc::clone(s));
        let task = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(u64::from(delay))).await;
            let mut st = session.lock();
            let resumed = st.generation != generation || st.online();
            // Forget the handle only if it is still this task's (a newer will replaced it).
            if st
                .will_task
                .as_ref()
                .is_some_and(|h| h.id() == tokio::task::id())
            {
                st.will_task = None;
            }
            drop(st);
            if !resumed {
                core.publish_will(will);
            }
        });
        // One delayed will per session: a newer one replaces (and cancels) an older one.
        if let Some(old) = s.lock().will_task.replace(task.abort_handle()) {
            old.abort();
        }
    }

    fn publish_will(&self, mut will: Message) {
        will.timestamp_ms = self.now_ms();
        if let Err(e) = self.publish(will) {
            tracing::warn!(error = %e, "cannot publish a will message");
        }
    }

    /// Drops offline sessions whose expiry interval has passed.
    pub fn expire_sessions(&self) {
        let now = self.now_ms();
        let all: Vec<Arc<Session>> = self.lock_sessions().values().cloned().collect();
        for s in all {
            if self.expired(&s, now) {
                tracing::debug!(client_id = %s.client_id, "session expired");
                self.discard(&s);
            }
        }
    }

    /// Writes every changed online persistent session (cursor and in-flight window) without
    /// an fsync, so a restart resends little.
    pub fn checkpoint(&self, sync: bool) {
        let all: Vec<Arc<Session>> = self.lock_sessions().values().cloned().collect();
        for s in all {
            let dirty = {
                let st = s.lock();
                st.persistent() && (st.dirty || sync)
            };
            if dirty {
                self.persist(&s, sync);
            }
        }
    }

    /// Session expiry, checkpoints and `$SYS` until `shutdown`; then a final synced
    /// checkpoint.
    pub async fn run_background(self: Arc<Self>, mut shutdown: tokio::sync::watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let sys_every = self.config.sys_interval;
        let mut sys = tokio::time::interval(if sys_every.is_zero() {
            Duration::from_secs(3600)
        } else {
            sys_every
        });
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    self.expire_sessions();
                    self.checkpoint(false);
                }
                _ = sys.tick(), if !sys_every.is_zero() => self.publish_sys(),
                _ = shutdown.changed() => break,
            }
        }
        self.checkpoint(true);
    }

    /// Subscriptions of a session, for the admin API and tests.
    pub fn session_subscriptions(&self, client_id: &str) -> Option<BTreeMap<String, SubEntry>> {
        let s = self.lock_sessions().get(client_id).cloned()?;
        let subs = s.lock().subscriptions.clone();
        Some(subs)
    }
}
