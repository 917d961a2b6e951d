//! The transaction coordinator (Kafka's): one state per transactional id, kept in meta and
//! changed with a synced write before anyone is answered, so it survives restarts and
//! `kill -9`.
//!
//! A transaction ends in three durable steps: the state becomes `PrepareCommit` or
//! `PrepareAbort`; a marker goes into every partition of the transaction (and on commit the
//! offsets committed in it become the groups' offsets); the state becomes `Empty`. A restart
//! finds a prepared transaction and finishes it (markers are idempotent: a second one for a
//! producer with nothing open in a partition changes nothing there). Ending is done before
//! EndTxn is answered, so a producer never sees a transaction half-way.
//!
//! Producers are fenced by epoch: InitProducerId for a transactional id bumps it (aborting
//! what the previous holder left open), markers carry the new epoch into the partitions, and
//! the partitions then refuse the old epoch's data. Transactional Produce requests are checked
//! against the coordinator first, so only partitions added to an ongoing transaction of the
//! producer's current epoch take transactional data (no transaction a coordinator does not
//! know about can hold a partition's last stable offset back).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use robustmq_journal::txn::{Marker, Outcome};
use robustmq_journal::{now_ms, JournalError};
use robustmq_meta::{off_worker, CommittedOffset, MetaError, MetaStore};
use serde::{Deserialize, Serialize};

use crate::Broker;

const NS_TXN: &str = "txn";

/// `[broker.transactions]`: limits and timers of the transaction coordinator.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TxnConfig {
    /// Kafka's `transaction.max.timeout.ms`: the longest timeout a producer may ask for.
    pub max_timeout_ms: i32,
    /// Kafka's `transaction.abort.timed.out.transaction.cleanup.interval.ms`.
    pub abort_check_interval_ms: u64,
    /// Kafka's `transactional.id.expiration.ms`: an idle transactional id is forgotten.
    pub id_expiration_ms: i64,
    /// Transactional ids held at once; InitProducerId for a new one is refused past it.
    pub max_transactional_ids: usize,
    /// Partitions (and, separately, committed offsets) one transaction may hold.
    pub max_partitions_per_transaction: usize,
}

impl Default for TxnConfig {
    fn default() -> Self {
        TxnConfig {
            max_timeout_ms: 900_000,
            abort_check_interval_ms: 10_000,
            id_expiration_ms: 7 * 24 * 3600 * 1000,
            max_transactional_ids: 100_000,
            max_partitions_per_transaction: 10_000,
        }
    }
}

/// Where a transactional id's current transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TxnState {
    /// No transaction open; `last` says how the previous one ended, so a retried EndTxn is
    /// answered as it was.
    Empty {
        last: Option<Outcome>,
    },
    Ongoing,
    PrepareCommit,
    PrepareAbort,
}

/// One offset committed inside a transaction, applied to its group on commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOffset {
    pub group: String,
    pub topic: String,
    pub partition: i32,
    pub offset: CommittedOffset,
}

/// What the coordinator keeps per transactional id (stored as JSON in meta).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxnMeta {
    pub transactional_id: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// The epoch before the coordinator last bumped it on its own (a timeout abort): a
    /// producer still at that epoch may re-initialise (KIP-360) rather than being fenced.
    pub last_epoch: i16,
    pub timeout_ms: i32,
    pub state: TxnState,
    pub partitions: BTreeSet<(String, i32)>,
    pub groups: BTreeSet<String>,
    pub offsets: Vec<PendingOffset>,
    /// When the current transaction started (its timeout counts from here).
    pub started_ms: i64,
    pub updated_ms: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum TxnError {
    #[error("transaction timeout {0} ms is outside 1..=transaction.max.timeout.ms")]
    InvalidTimeout(i32),
    #[error("the producer id does not belong to this transactional id")]
    InvalidProducerIdMapping,
    #[error("producer fenced: a newer producer with the same transactional id exists")]
    ProducerFenced,
    #[error("invalid transaction state: {0}")]
    InvalidTxnState(String),
    #[error("{0}")]
    LimitReached(String),
    #[error("a transaction marker could not be written: {0}")]
    Marker(JournalError),
    #[error("metadata: {0}")]
    Meta(#[from] MetaError),
}

/// The coordinator's view of a producer with an ongoing transaction, for Produce checks.
#[derive(Debug, Clone, Default)]
struct Ongoing {
    epoch: i16,
    partitions: BTreeSet<(String, i32)>,
}

pub struct TxnCoordinator {
    meta: Arc<dyn MetaStore>,
    config: TxnConfig,
    /// Each id's state behind its own lock: one id's requests run one at a time, and ending
    /// one transaction never waits for another.
    txns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<TxnMeta>>>>,
    /// Producer id -> what it may write now (ongoing transactions only).
    ongoing: RwLock<HashMap<i64, Ongoing>>,
    /// Producer ids that belong to transactional ids, with their current epochs (an idempotent
    /// re-init may not take them; an older epoch is a fenced producer).
    transactional_pids: RwLock<HashMap<i64, (String, i16)>>,
    /// Groups with offsets committed in an ongoing transaction, with how many transactions.
    pending_groups: RwLock<BTreeMap<String, usize>>,
}

fn decode(key: &str, v: &[u8]) -> Result<TxnMeta, MetaError> {
    serde_json::from_slice(v).map_err(|e| MetaError::Corrupt {
        key: format!("{NS_TXN}/{key}"),
        reason: e.to_string(),
    })
}

impl TxnCoordinator {
    pub fn load(meta: Arc<dyn MetaStore>, config: TxnConfig) -> Result<Self, MetaError> {
        let c = TxnCoordinator {
            meta: Arc::clone(&meta),
            config,
            txns: Mutex::new(HashMap::new()),
            ongoing: RwLock::new(HashMap::new()),
            transactional_pids: RwLock::new(HashMap::new()),
            pending_groups: RwLock::new(BTreeMap::new()),
        };
        for (key, v) in meta.entries(NS_TXN)? {
            let t = decode(&key, &v)?;
            c.index(None, &t);
            c.lock_map()
                .insert(key, Arc::new(tokio::sync::Mutex::new(t)));
        }
        Ok(c)
    }

    pub fn config(&self) -> &TxnConfig {
        &self.config
    }

    fn lock_map(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<TxnMeta>>>> {
        self.txns.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps the in-memory indexes in step with a state change from `before` to `after`.
    fn index(&self, before: Option<&TxnMeta>, after: &TxnMeta) {
        let mut pids = self
            .transactional_pids
            .write()
            .unwrap_or_else(|p| p.into_inner());
        let mut ongoing = self.ongoing.write().unwrap_or_else(|p| p.into_inner());
        let mut groups = self
            .pending_groups
            .write()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(b) = before {
            pids.remove(&b.producer_id);
            ongoing.remove(&b.producer_id);
            for g in pending_groups_of(b) {
                if let Some(n) = groups.get_mut(&g) {
                    *n -= 1;
                    if *n == 0 {
                        groups.remove(&g);
                    }
                }
            }
        }
        if after.producer_id >= 0 {
            pids.insert(
                after.producer_id,
                (after.transactional_id.clone(), after.producer_epoch),
            );
        }
        if after.state == TxnState::Ongoing {
            ongoing.insert(
                after.producer_id,
                Ongoing {
                    epoch: after.producer_epoch,
                    partitions: after.partitions.clone(),
                },
            );
        }
        for g in pending_groups_of(after) {
            *groups.entry(g).or_default() += 1;
        }
    }

    fn forget(&self, t: &TxnMeta) {
        let mut pids = self
            .transactional_pids
            .write()
            .unwrap_or_else(|p| p.into_inner());
        pids.remove(&t.producer_id);
        self.ongoing
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&t.producer_id);
    }

    /// Stores `t` (synced) and updates the indexes; `before` is the state it replaces.
    /// On failure `t` goes back to `before`: memory never holds a state meta does not.
    fn save(&self, before: &TxnMeta, t: &mut TxnMeta) -> Result<(), TxnError> {
        t.updated_ms = now_ms();
        let stored = serde_json::to_vec(&*t)
            .map_err(|e| MetaError::Storage(e.to_string()))
            .and_then(|v| {
                off_worker(|| self.meta.put_entry(NS_TXN, &t.transactional_id, &v, true))
            });
        if let Err(e) = stored {
            *t = before.clone();
            return Err(e.into());
        }
        self.index(Some(before), t);
        Ok(())
    }

    fn entry(&self, id: &str) -> Option<Arc<tokio::sync::Mutex<TxnMeta>>> {
        self.lock_map().get(id).cloned()
    }

    /// Whether `producer_id` belongs to a transactional id (its batches must then all be
    /// transactional and go through [`TxnCoordinator::with_verified`]).
    pub fn is_transactional(&self, producer_id: i64) -> bool {
        self.transactional_pids
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(&producer_id)
    }

    /// Whether a transactional batch of `producer_id` at `epoch` may go into `topic`/`partition`:
    /// the producer's transaction is ongoing at that epoch and holds the partition.
    pub fn verify_produce(
        &self,
        transactional_id: &str,
        producer_id: i64,
        epoch: i16,
        topic: &str,
        partition: i32,
    ) -> Result<(), TxnError> {
        self.with_verified(
            transactional_id,
            producer_id,
            epoch,
            topic,
            partition,
            || (),
        )
    }

    /// Runs `append` if [`TxnCoordinator::verify_produce`] allows the batch, with the
    /// transaction kept from ending meanwhile: ending takes the producer out of the ongoing
    /// set (under the write lock held off here) before it writes any marker, so every batch
    /// appended this way lands before its transaction's markers and none after them (which
    /// would open a transaction no coordinator knows about in the partition).
    pub fn with_verified<R>(
        &self,
        transactional_id: &str,
        producer_id: i64,
        epoch: i16,
        topic: &str,
        partition: i32,
        append: impl FnOnce() -> R,
    ) -> Result<R, TxnError> {
        // The same lock order as `index`: producer ids, then ongoing transactions.
        let pids = self
            .transactional_pids
            .read()
            .unwrap_or_else(|p| p.into_inner());
        match pids.get(&producer_id) {
            Some((id, _)) if id != transactional_id => {
                return Err(TxnError::InvalidProducerIdMapping)
            }
            Some((_, current)) if epoch < *current => return Err(TxnError::ProducerFenced),
            Some(_) => {}
            None => return Err(TxnError::InvalidProducerIdMapping),
        }
        let ongoing = self.ongoing.read().unwrap_or_else(|p| p.into_inner());
        match ongoing.get(&producer_id) {
            Some(o) if o.epoch != epoch => Err(TxnError::ProducerFenced),
            Some(o) if o.partitions.contains(&(topic.to_string(), partition)) => Ok(append()),
            _ => Err(TxnError::InvalidTxnState(format!(
                "{topic}-{partition} is not in an ongoing transaction of producer {producer_id}"
            ))),
        }
    }

    /// Whether `group` has offsets committed in a transaction that has not ended (an
    /// OffsetFetch with `require_stable` must wait for it).
    pub fn has_pending_offsets(&self, group: &str) -> bool {
        self.pending_groups
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(group)
    }

    /// InitProducerId with a transactional id: a new producer id at epoch 0, or the id's
    /// producer with its epoch bumped (the previous holder is fenced, and what it left open
    /// is aborted or finished first).
    pub async fn init_producer_id(
        &self,
        broker: &Broker,
        id: &str,
        timeout_ms: i32,
        producer_id: i64,
        producer_epoch: i16,
    ) -> Result<(i64, i16), TxnError> {
        if timeout_ms <= 0 || timeout_ms > self.config.max_timeout_ms {
            return Err(TxnError::InvalidTimeout(timeout_ms));
        }
        let now = now_ms();
        // The id's entry, locked; again when an expiry removed the one we waited for.
        let mut t = loop {
            let entry = {
                let mut map = self.lock_map();
                match map.get(id) {
                    Some(e) => Arc::clone(e),
                    None => {
                        if map.len() >= self.config.max_transactional_ids {
                            tracing::warn!(transactional_id = id, max = self.config.max_transactional_ids,
                            "transactional id refused: broker.transactions.max_transactional_ids reached");
                            return Err(TxnError::LimitReached(format!(
                                "at most {} transactional ids",
                                self.config.max_transactional_ids
                            )));
                        }
                        // Held in the map before it is stored, so two first requests for one id
                        // take turns on the same state; the producer id comes below.
                        let e = Arc::new(tokio::sync::Mutex::new(TxnMeta {
                            transactional_id: id.to_string(),
                            producer_id: -1,
                            producer_epoch: -1,
                            last_epoch: -1,
                            timeout_ms,
                            state: TxnState::Empty { last: None },
                            partitions: BTreeSet::new(),
                            groups: BTreeSet::new(),
                            offsets: Vec::new(),
                            started_ms: now,
                            updated_ms: now,
                        }));
                        map.insert(id.to_string(), Arc::clone(&e));
                        e
                    }
                }
            };
            let guard = Arc::clone(&entry).lock_owned().await;
            if self.current(id, &entry) {
                break guard;
            }
        };
        if t.producer_id < 0 {
            let before = t.clone();
            t.producer_id = off_worker(|| self.meta.next_producer_id())?;
            t.producer_epoch = 0;
            t.timeout_ms = timeout_ms;
            self.save(&before, &mut t)?;
            return Ok((t.producer_id, 0));
        }
        if producer_id >= 0
            && (producer_id != t.producer_id
                || (producer_epoch != t.producer_epoch && producer_epoch != t.last_epoch))
        {
            return Err(TxnError::ProducerFenced);
        }
        match t.state {
            TxnState::Ongoing => {
                // The previous holder is fenced: its transaction is aborted at the new epoch.
                let fenced = bump(&t);
                self.finish(broker, &mut t, Outcome::Abort, Some(fenced))
                    .await?;
            }
            TxnState::PrepareCommit => self.finish(broker, &mut t, Outcome::Commit, None).await?,
            TxnState::PrepareAbort => self.finish(broker, &mut t, Outcome::Abort, None).await?,
            TxnState::Empty { .. } => {}
        }
        let before = t.clone();
        let (pid, epoch) = match bump(&t) {
            (pid, epoch) if pid == t.producer_id => (pid, epoch),
            _ => (off_worker(|| self.meta.next_producer_id())?, 0),
        };
        t.last_epoch = -1;
        t.producer_id = pid;
        t.producer_epoch = epoch;
        t.timeout_ms = timeout_ms;
        self.save(&before, &mut t)?;
        Ok((pid, epoch))
    }

    /// Checks that the request comes from the id's current producer.
    fn check_producer(t: &TxnMeta, producer_id: i64, epoch: i16) -> Result<(), TxnError> {
        if producer_id != t.producer_id {
            return Err(TxnError::InvalidProducerIdMapping);
        }
        if epoch != t.producer_epoch {
            return Err(TxnError::ProducerFenced);
        }
        Ok(())
    }

    async fn locked(&self, id: &str) -> Result<tokio::sync::OwnedMutexGuard<TxnMeta>, TxnError> {
        let entry = self.entry(id).ok_or(TxnError::InvalidProducerIdMapping)?;
        let guard = Arc::clone(&entry).lock_owned().await;
        if !self.current(id, &entry) {
            return Err(TxnError::InvalidProducerIdMapping);
        }
        Ok(guard)
    }

    /// Whether `entry` is still `id`'s (an expired id's entry is removed while locked).
    fn current(&self, id: &str, entry: &Arc<tokio::sync::Mutex<TxnMeta>>) -> bool {
        self.lock_map()
            .get(id)
            .is_some_and(|e| Arc::ptr_eq(e, entry))
    }

    /// Starts the transaction if none is ongoing (a prepared one is finished by now: ending
    /// runs under the same lock).
    fn begin(t: &mut TxnMeta) {
        if t.state != TxnState::Ongoing {
            t.state = TxnState::Ongoing;
            t.started_ms = now_ms();
        }
    }

    /// AddPartitionsToTxn: the partitions may now take the producer's transactional data.
    pub async fn add_partitions(
        &self,
        id: &str,
        producer_id: i64,
        epoch: i16,
        partitions: &[(String, i32)],
    ) -> Result<(), TxnError> {
        let mut t = self.locked(id).await?;
        Self::check_producer(&t, producer_id, epoch)?;
        let new: Vec<_> = partitions
            .iter()
            .filter(|p| !t.partitions.contains(*p))
            .collect();
        if new.is_empty() && t.state == TxnState::Ongoing {
            return Ok(());
        }
        if t.partitions.len() + new.len() > self.config.max_partitions_per_transaction {
            return Err(TxnError::LimitReached(format!(
                "at most {} partitions per transaction",
                self.config.max_partitions_per_transaction
            )));
        }
        let before = t.clone();
        for p in new {
            t.partitions.insert(p.clone());
        }
        Self::begin(&mut t);
        self.save(&before, &mut t)
    }

    /// AddOffsetsToTxn: the transaction may commit offsets of `group`.
    pub async fn add_offsets(
        &self,
        id: &str,
        producer_id: i64,
        epoch: i16,
        group: &str,
    ) -> Result<(), TxnError> {
        let mut t = self.locked(id).await?;
        Self::check_producer(&t, producer_id, epoch)?;
        if t.groups.contains(group) && t.state == TxnState::Ongoing {
            return Ok(());
        }
        if t.groups.len() >= self.config.max_partitions_per_transaction {
            return Err(TxnError::LimitReached(
                "too many groups in one transaction".into(),
            ));
        }
        let before = t.clone();
        t.groups.insert(group.to_string());
        Self::begin(&mut t);
        self.save(&before, &mut t)
    }

    /// TxnOffsetCommit: offsets that become `group`'s committed offsets if the transaction
    /// commits. The group must have been added with AddOffsetsToTxn.
    pub async fn commit_offsets(
        &self,
        id: &str,
        producer_id: i64,
        epoch: i16,
        group: &str,
        offsets: Vec<(String, i32, CommittedOffset)>,
    ) -> Result<(), TxnError> {
        let mut t = self.locked(id).await?;
        Self::check_producer(&t, producer_id, epoch)?;
        if t.state != TxnState::Ongoing || !t.groups.contains(group) {
            return Err(TxnError::InvalidTxnState(format!(
                "group {group} was not added to the transaction"
            )));
        }
        let before = t.clone();
        for (topic, partition, offset) in offsets {
            let same = |p: &PendingOffset| {
                p.group == group && p.topic == topic && p.partition == partition
            };
            match t.offsets.iter_mut().find(|p| same(p)) {
                Some(p) => p.offset = offset,
                None => {
                    if t.offsets.len() >= self.config.max_partitions_per_transaction {
                        return Err(TxnError::LimitReached(
                            "too many offsets in one transaction".into(),
                        ));
                    }
                    t.offsets.push(PendingOffset {
                        group: group.to_string(),
                        topic,
                        partition,
                        offset,
                    })
                }
            }
        }
        self.save(&before, &mut t)
    }

    /// EndTxn: commits or aborts the ongoing transaction, returning once it is complete. A
    /// retry of an EndTxn that completed is answered the same way.
    pub async fn end(
        &self,
        broker: &Broker,
        id: &str,
        producer_id: i64,
        epoch: i16,
        commit: bool,
    ) -> Result<(), TxnError> {
        let outcome = if commit {
            Outcome::Commit
        } else {
            Outcome::Abort
        };
        let mut t = self.locked(id).await?;
        Self::check_producer(&t, producer_id, epoch)?;
        match (t.state, outcome) {
            (TxnState::Ongoing, _) => self.finish(broker, &mut t, outcome, None).await,
            (TxnState::PrepareCommit, Outcome::Commit)
            | (TxnState::PrepareAbort, Outcome::Abort) => {
                self.finish(broker, &mut t, outcome, None).await
            }
            (TxnState::Empty { last }, _) if last == Some(outcome) => Ok(()),
            // Kafka answers an abort with nothing ongoing as done.
            (TxnState::Empty { last: None }, Outcome::Abort) => Ok(()),
            (state, _) => Err(TxnError::InvalidTxnState(format!(
                "cannot {} in state {state:?}",
                if commit { "commit" } else { "abort" }
            ))),
        }
    }

    /// Ends `t`'s transaction: prepared (durably), markers written and durable, offsets
    /// applied on commit, then empty. With `fence`, the producer moves to that id and epoch
    /// first and the markers carry it, so the previous epoch can write no more.
    async fn finish(
        &self,
        broker: &Broker,
        t: &mut TxnMeta,
        outcome: Outcome,
        fence: Option<(i64, i16)>,
    ) -> Result<(), TxnError> {
        let before = t.clone();
        t.state = match outcome {
            Outcome::Commit => TxnState::PrepareCommit,
            Outcome::Abort => TxnState::PrepareAbort,
        };
        if let Some((pid, epoch)) = fence {
            if pid == t.producer_id {
                t.last_epoch = t.producer_epoch;
                t.producer_epoch = epoch;
            }
        }
        if before.state != t.state || fence.is_some() {
            self.save(&before, t)?;
        }
        let marker = Marker {
            producer_id: t.producer_id,
            producer_epoch: t.producer_epoch,
            outcome,
            coordinator_epoch: 0,
        };
        let mut waits = Vec::with_capacity(t.partitions.len());
        for (topic, partition) in &t.partitions {
            // A topic deleted meanwhile has no partition to mark.
            let Some(log) = broker.topics.partition(topic, *partition) else {
                continue;
            };
            match broker.append_marker(&*log, &marker) {
                Ok(info) => waits.push((log, info.last_offset + 1)),
                Err(JournalError::Deleted(_)) => {}
                Err(e) => {
                    tracing::error!(transactional_id = %t.transactional_id, %topic, partition, error = %e,
                        "transaction marker not written; the transaction stays prepared until a retry or restart finishes it");
                    return Err(TxnError::Marker(e));
                }
            }
        }
        // Synced whatever the fsync policy: the end of the transaction is stored with a synced
        // meta write next, and a marker lost under it would leave the partition's transaction
        // open with no coordinator left to end it.
        for (log, _) in waits {
            if let Err(e) = off_worker(|| log.sync()) {
                return Err(TxnError::Marker(e));
            }
        }
        if outcome == Outcome::Commit && !t.offsets.is_empty() {
            let mut by_group: BTreeMap<&str, Vec<(String, i32, CommittedOffset)>> = BTreeMap::new();
            for p in &t.offsets {
                by_group.entry(&p.group).or_default().push((
                    p.topic.clone(),
                    p.partition,
                    p.offset.clone(),
                ));
            }
            for (group, offsets) in by_group {
                off_worker(|| self.meta.commit_offsets(group, &offsets))?;
            }
        }
        let prepared = t.clone();
        t.state = TxnState::Empty {
            last: Some(outcome),
        };
        t.partitions.clear();
        t.groups.clear();
        t.offsets.clear();
        self.save(&prepared, t)?;
        tracing::debug!(transactional_id = %t.transactional_id, ?outcome, "transaction complete");
        Ok(())
    }

    /// Finishes the transactions a restart found prepared.
    pub async fn recover(&self, broker: &Broker) {
        let all: Vec<_> = self.lock_map().values().cloned().collect();
        for entry in all {
            let mut t = entry.lock().await;
            let outcome = match t.state {
                TxnState::PrepareCommit => Outcome::Commit,
                TxnState::PrepareAbort => Outcome::Abort,
                _ => continue,
            };
            if let Err(e) = self.finish(broker, &mut t, outcome, None).await {
                tracing::error!(transactional_id = %t.transactional_id, error = %e, "could not finish a prepared transaction");
            } else {
                tracing::info!(transactional_id = %t.transactional_id, ?outcome, "finished a transaction prepared before the restart");
            }
        }
    }

    /// Aborts ongoing transactions past their timeout (fencing their producers' epoch, as
    /// Kafka does), and forgets transactional ids idle past `id_expiration_ms`.
    pub async fn expire(&self, broker: &Broker, now: i64) {
        let all: Vec<_> = self.lock_map().values().cloned().collect();
        for entry in all {
            let mut t = entry.lock().await;
            match t.state {
                TxnState::Ongoing | TxnState::PrepareAbort | TxnState::PrepareCommit
                    if t.started_ms + i64::from(t.timeout_ms) <= now =>
                {
                    let fence = (t.state == TxnState::Ongoing).then(|| bump(&t));
                    let outcome = if t.state == TxnState::PrepareCommit {
                        Outcome::Commit
                    } else {
                        Outcome::Abort
                    };
                    let id = t.transactional_id.clone();
                    match self.finish(broker, &mut t, outcome, fence).await {
                        Ok(()) => {
                            tracing::info!(transactional_id = %id, ?outcome, "transaction timed out and was ended")
                        }
                        Err(e) => {
                            tracing::error!(transactional_id = %id, error = %e, "could not end a timed-out transaction")
                        }
                    }
                }
                TxnState::Empty { .. } if t.updated_ms + self.config.id_expiration_ms <= now => {
                    let id = t.transactional_id.clone();
                    if let Err(e) = off_worker(|| self.meta.delete_entry(NS_TXN, &id)) {
                        tracing::error!(transactional_id = %id, error = %e, "could not forget an expired transactional id");
                        continue;
                    }
                    self.forget(&t);
                    // Removed while its lock is held: whoever waited on it sees it is no
                    // longer the id's entry (see `current`).
                    self.lock_map().remove(&id);
                    drop(t);
                }
                _ => {}
            }
        }
    }

    /// One id's state (DescribeTransactions).
    pub async fn describe(&self, id: &str) -> Option<TxnMeta> {
        let entry = self.entry(id)?;
        let t = entry.lock().await;
        Some(t.clone())
    }

    /// What ListTransactions shows of every id, sorted by id; partitions and offsets are not
    /// copied, so a listing costs a few words per id however large the transactions are.
    pub async fn summaries(&self) -> Vec<TxnSummary> {
        let all: Vec<_> = self.lock_map().values().cloned().collect();
        let mut out = Vec::with_capacity(all.len());
        for e in all {
            let t = e.lock().await;
            if t.producer_id >= 0 {
                out.push(TxnSummary {
                    transactional_id: t.transactional_id.clone(),
                    producer_id: t.producer_id,
                    state: t.state,
                    started_ms: t.started_ms,
                });
            }
        }
        out.sort_by(|a, b| a.transactional_id.cmp(&b.transactional_id));
        out
    }
}

/// A transactional id as ListTransactions shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnSummary {
    pub transactional_id: String,
    pub producer_id: i64,
    pub state: TxnState,
    pub started_ms: i64,
}

fn pending_groups_of(t: &TxnMeta) -> BTreeSet<String> {
    if matches!(t.state, TxnState::Empty { .. }) {
        return BTreeSet::new();
    }
    t.offsets.iter().map(|p| p.group.clone()).collect()
}

/// The producer id and epoch after a bump: the next epoch, or (at the last one) the same id
/// marked for a new one by the caller, since the epoch cannot grow further.
fn bump(t: &TxnMeta) -> (i64, i16) {
    if t.producer_epoch < i16::MAX - 1 {
        (t.producer_id, t.producer_epoch + 1)
    } else {
        (-1, 0)
    }
}
