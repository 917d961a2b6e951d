//! The protocol-neutral broker core: the topic catalog over meta and the journal, consumer
//! groups, and metrics. Protocol crates translate wire requests into calls on [`Broker`].

pub mod acl;
pub mod config;
pub mod durable;
pub mod error;
pub mod follow;
pub mod groups;
pub mod metrics;
pub mod partitioner;
pub mod protocol;
pub mod sasl;
pub mod topic_config;
pub mod topics;
pub mod txn;
pub mod users;

use std::any::Any;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use robustmq_journal::{convert, now_ms, AppendInfo, JournalError, Log, LogConfig, LogStore};
use robustmq_meta::{MetaStore, TopicMeta};

pub use durable::DurableWait;
pub use error::{BrokerError, Result};
pub use groups::{CoordinatorConfig, GroupCoordinator};
pub use metrics::Metrics;
pub use topics::Topics;

/// Settings of the broker core.
#[derive(Debug, Clone)]
pub struct BrokerConfig {
    pub node_id: i32,
    pub auto_create_topics: bool,
    pub default_partitions: i32,
    pub log_defaults: LogConfig,
    pub groups: CoordinatorConfig,
    pub topic_limits: topics::TopicLimits,
    /// Start even when partition directories are not in meta, deleting them.
    pub delete_unknown_partitions: bool,
    /// Whether and how ACLs are enforced.
    pub acl: acl::AclConfig,
    /// The transaction coordinator's limits and timers.
    pub transactions: txn::TxnConfig,
}

/// Follows the appends to the topics it names, at append time and in offset order per
/// partition (see [`Log::append_then`]): how a push protocol feeds live subscribers from memory
/// whatever protocol wrote the records. Any number may be installed (MQTT today; AMQP and
/// RocketMQ next), each sees every append to the topics it wants.
pub trait AppendTap: Send + Sync {
    fn wants(&self, topic: &str) -> bool;
    /// Runs under the partition's append lock, so it must do no I/O: routing to memory only.
    /// Work that needs I/O (writing MQTT retained messages to meta) goes in the returned
    /// follow-up, which runs after the lock is released and before the append is answered.
    fn appended(&self, partition: &dyn Log, append: &mut Appended<'_>) -> Option<Followup>;
}

/// One append as a tap sees it.
pub struct Appended<'a> {
    pub info: &'a AppendInfo,
    /// The batches as stored.
    pub batches: &'a [u8],
    decoded: &'a mut Option<Box<dyn Any + Send>>,
}

impl Appended<'_> {
    /// What the appending protocol gave [`Broker::append_decoded`] (its messages before it
    /// encoded them), if that is a `T` and no tap took it yet: a tap of the same protocol need
    /// not decode the batches it was just encoded into. Appends from other protocols, or from
    /// another process, come without it, and the tap decodes `batches`.
    pub fn take_decoded<T: Any>(&mut self) -> Option<T> {
        match self.decoded.take()?.downcast::<T>() {
            Ok(t) => Some(*t),
            Err(other) => {
                *self.decoded = Some(other);
                None
            }
        }
    }
}

/// What a tap still has to do for an append, outside the partition lock. An error means state
/// that goes with the records (MQTT retained messages) was not stored: the append is then not
/// acknowledged, though the records are in the log.
pub type Followup = Box<dyn FnOnce() -> std::result::Result<(), TapError> + Send>;

/// What an [`AppendTap`] could not do for an append.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TapError(pub String);

pub struct Broker {
    pub config: BrokerConfig,
    pub meta: Arc<dyn MetaStore>,
    pub journal: Arc<dyn LogStore>,
    pub topics: Topics,
    pub groups: GroupCoordinator,
    pub acls: acl::Acls,
    pub txns: txn::TxnCoordinator,
    pub metrics: Metrics,
    taps: RwLock<Arc<[Arc<dyn AppendTap>]>>,
}

impl Broker {
    pub fn new(
        config: BrokerConfig,
        meta: Arc<dyn MetaStore>,
        journal: Arc<dyn LogStore>,
    ) -> Result<Self> {
        let topics = Topics::load(
            Arc::clone(&meta),
            Arc::clone(&journal),
            config.log_defaults.clone(),
            config.topic_limits,
            config.delete_unknown_partitions,
        )?;
        let groups = GroupCoordinator::new(Arc::clone(&meta), config.groups.clone())
            .map_err(|e| BrokerError::Meta(robustmq_meta::MetaError::Storage(e.to_string())))?;
        let acls = acl::Acls::load(Arc::clone(&meta), config.acl.clone())?;
        let txns = txn::TxnCoordinator::load(Arc::clone(&meta), config.transactions.clone())?;
        Ok(Broker {
            config,
            meta,
            journal,
            topics,
            groups,
            acls,
            txns,
            metrics: Metrics::new(),
            taps: RwLock::new(Arc::new([])),
        })
    }

    /// The topic, created with defaults first when auto-creation is on.
    pub fn topic_or_create(&self, name: &str) -> Result<Option<TopicMeta>> {
        if let Some(t) = self.topics.get(name) {
            return Ok(Some(t));
        }
        if !self.config.auto_create_topics {
            return Ok(None);
        }
        match self
            .topics
            .create(name, self.config.default_partitions, Default::default())
        {
            Ok(t) => Ok(Some(t)),
            Err(BrokerError::TopicExists(_)) => Ok(self.topics.get(name)),
            Err(e) => Err(e),
        }
    }

    /// Appends one RecordBatch to a partition and counts it in the topic's metrics (a
    /// duplicate retry of an idempotent producer counts its records, not its bytes, again).
    pub fn append(
        &self,
        partition: &dyn Log,
        data: Vec<u8>,
    ) -> std::result::Result<AppendInfo, JournalError> {
        self.append_decoded(partition, data, None)
    }

    /// [`Broker::append`], handing the taps what `data` was encoded from (see
    /// [`Appended::take_decoded`]).
    pub fn append_decoded(
        &self,
        partition: &dyn Log,
        data: Vec<u8>,
        mut decoded: Option<Box<dyn Any + Send>>,
    ) -> std::result::Result<AppendInfo, JournalError> {
        let len = data.len() as u64;
        // The topic's timestamp rules and compression.type, before any tap or the log sees it.
        let prepared = convert::prepare(data, &partition.config(), now_ms())?;
        let data = prepared.data;
        let taps = Arc::clone(&*self.taps.read().unwrap_or_else(|p| p.into_inner()));
        let info = if taps.iter().any(|t| t.wants(partition.topic())) {
            // Taps decode every record: refuse here, before storing, what they could not read
            // within the topic's limit (a decompression bomb, counts the bytes lie about).
            check_records(partition, &data)?;
            let mut followups = Vec::new();
            let info = partition.append_then(
                data,
                &mut offer_to(&taps, partition, &mut decoded, &mut followups),
            )?;
            let failed: Vec<TapError> = followups.into_iter().filter_map(|f| f().err()).collect();
            // The records are stored either way, so they are counted either way.
            self.count_in(partition, &info, len);
            if !failed.is_empty() {
                let why: Vec<String> = failed.iter().map(|e| e.to_string()).collect();
                return Err(JournalError::Io(std::io::Error::other(format!(
                    "records stored at offsets {}..={}, but {}",
                    info.base_offset,
                    info.last_offset,
                    why.join("; ")
                ))));
            }
            info
        } else {
            let info = partition.append(data)?;
            self.count_in(partition, &info, len);
            info
        };
        Ok(AppendInfo {
            log_append_time: prepared.log_append_time.filter(|_| !info.duplicate),
            ..info
        })
    }

    /// Appends a transaction marker (the transaction coordinator's), through the taps like any
    /// append so their marks follow the log end; taps skip control batches.
    pub fn append_marker(
        &self,
        partition: &dyn Log,
        marker: &robustmq_journal::txn::Marker,
    ) -> std::result::Result<AppendInfo, JournalError> {
        let taps = Arc::clone(&*self.taps.read().unwrap_or_else(|p| p.into_inner()));
        if !taps.iter().any(|t| t.wants(partition.topic())) {
            return partition.append_marker(marker, &mut |_, _| {});
        }
        let (mut decoded, mut followups) = (None, Vec::new());
        let info = partition.append_marker(
            marker,
            &mut offer_to(&taps, partition, &mut decoded, &mut followups),
        )?;
        for f in followups {
            if let Err(e) = f() {
                tracing::warn!(topic = %partition.topic(), error = %e, "a tap's follow-up failed for a transaction marker");
            }
        }
        Ok(info)
    }

    fn count_in(&self, partition: &dyn Log, info: &AppendInfo, len: u64) {
        let labels = metrics::TopicLabels {
            topic: partition.topic().to_string(),
        };
        if !info.duplicate {
            self.metrics.bytes_in.get_or_create(&labels).inc_by(len);
        }
        self.metrics
            .records_in
            .get_or_create(&labels)
            .inc_by(info.records as u64);
    }

    /// Installs an append tap next to those already there.
    pub fn add_tap(&self, tap: Arc<dyn AppendTap>) {
        let mut taps = self.taps.write().unwrap_or_else(|p| p.into_inner());
        let mut all = taps.to_vec();
        all.push(tap);
        *taps = all.into();
    }

    /// Runs `f` on the blocking pool and waits for it. For core calls that write meta (group
    /// state, offsets, sessions): a synced RocksDB write here, a round trip to the meta quorum
    /// in a cluster; either way no runtime worker should sit in it. Fails only when the call
    /// could not finish (the runtime shutting down).
    pub async fn off_runtime<R, E>(
        self: &Arc<Self>,
        f: impl FnOnce(&Broker) -> std::result::Result<R, E> + Send + 'static,
    ) -> std::result::Result<R, E>
    where
        R: Send + 'static,
        E: From<robustmq_meta::MetaError> + Send + 'static,
    {
        let this = Arc::clone(self);
        match tokio::task::spawn_blocking(move || f(&this)).await {
            Ok(r) => r,
            Err(e) => Err(robustmq_meta::MetaError::Storage(format!(
                "the meta call did not finish: {e}"
            ))
            .into()),
        }
    }

    /// Background upkeep until `shutdown` fires: group timers every 100 ms in one loop, and
    /// retention, compaction and the periodic fsync in another, so a long compaction never
    /// delays a rebalance or a session expiry.
    pub async fn run_background(
        self: Arc<Self>,
        retention_every: Duration,
        fsync_every: Option<Duration>,
        shutdown: tokio::sync::watch::Receiver<bool>,
    ) {
        let groups = {
            let this = Arc::clone(&self);
            let mut stop = shutdown.clone();
            async move {
                let mut tick = tokio::time::interval(Duration::from_millis(100));
                loop {
                    tokio::select! {
                        _ = tick.tick() => {
                            // Completed rebalances write group state: off the runtime.
                            let now = std::time::Instant::now();
                            let this = Arc::clone(&this);
                            let _ = tokio::task::spawn_blocking(move || this.groups.tick(now)).await;
                        }
                        _ = stop.changed() => return,
                    }
                }
            }
        };
        let transactions = {
            let this = Arc::clone(&self);
            let mut stop = shutdown.clone();
            async move {
                // Transactions a restart found prepared are finished before anything else.
                this.txns.recover(&this).await;
                let every = Duration::from_millis(this.txns.config().abort_check_interval_ms);
                let mut tick = tokio::time::interval(every);
                loop {
                    tokio::select! {
                        _ = tick.tick() => this.txns.expire(&this, now_ms()).await,
                        _ = stop.changed() => return,
                    }
                }
            }
        };
        let storage = {
            let mut stop = shutdown;
            async move {
                let mut retention = tokio::time::interval(retention_every);
                let mut fsync =
                    tokio::time::interval(fsync_every.unwrap_or(Duration::from_secs(3600)));
                loop {
                    tokio::select! {
                        _ = retention.tick() => {
                            let journal = Arc::clone(&self.journal);
                            let now = std::time::SystemTime::now()
                                .duration_since(std::time::UNIX_EPOCH)
                                .map(|d| d.as_millis() as i64)
                                .unwrap_or(0);
                            let _ = tokio::task::spawn_blocking(move || {
                                journal.maintain(now);
                            })
                            .await;
                        }
                        _ = fsync.tick(), if fsync_every.is_some() => {
                            let journal = Arc::clone(&self.journal);
                            if let Ok(Err(e)) = tokio::task::spawn_blocking(move || journal.sync_all()).await {
                                tracing::error!(error = %e, "periodic fsync failed");
                            }
                        }
                        _ = stop.changed() => return,
                    }
                }
            }
        };
        tokio::join!(groups, transactions, storage);
    }
}

/// The `appended` callback of an append: offers it to every tap that wants the topic and
/// collects their follow-ups.
fn offer_to<'a>(
    taps: &'a [Arc<dyn AppendTap>],
    partition: &'a dyn Log,
    decoded: &'a mut Option<Box<dyn Any + Send>>,
    followups: &'a mut Vec<Followup>,
) -> impl FnMut(&AppendInfo, &[u8]) + 'a {
    move |info, batches| {
        let mut append = Appended {
            info,
            batches,
            decoded,
        };
        let wanting = taps.iter().filter(|t| t.wants(partition.topic()));
        followups.extend(wanting.filter_map(|t| t.appended(partition, &mut append)));
    }
}

/// Checks that every compressed batch in `data` decompresses within `max.message.bytes` and
/// holds well formed records. (Uncompressed ones are read by a reader that trusts no count;
/// the MQTT server's own batches are never re-read.)
fn check_records(partition: &dyn Log, data: &[u8]) -> std::result::Result<(), JournalError> {
    let limit = partition.config().max_message_bytes;
    let (headers, _) = robustmq_journal::batch::scan(data);
    for (pos, h) in headers.into_iter().filter(|(_, h)| h.compression() != 0) {
        let end = (pos + h.total_size()).min(data.len());
        robustmq_journal::decompress::check_batch(&data[pos..end], limit)?;
    }
    Ok(())
}
