//! robustmq's log storage: partitions as segmented logs of Kafka RecordBatch v2 bytes.
//!
//! Batches are stored as producers sent them (only the base offset is rewritten), so a Kafka
//! fetch serves the stored bytes unchanged, with compression, timestamps and headers intact.

pub mod batch;
pub mod compaction;
pub mod config;
pub mod convert;
pub mod crash;
pub mod decompress;
pub mod error;
pub mod fault;
pub mod fd_cache;
pub mod fs;
pub mod fuzzing;
pub mod index;
pub mod log;
pub mod memory;
pub mod partition;
pub mod producer;
pub mod record;
pub mod segment;
pub mod txn;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

pub use convert::{TimestampType, TopicCompression};
pub use error::{JournalError, Result};
pub use fs::{FileSystem, OsFs};
pub use log::{Durable, Log, LogStore};
pub use memory::{MemoryLog, MemoryStore};
pub use partition::{now_ms, AppendInfo, Partition, PartitionStats, ReadResult};

/// When appended data is forced to stable storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FsyncPolicy {
    /// `acks=all` is answered after an fsync that covers it (group commit).
    #[default]
    Always,
    /// A background fsync every `fsync_interval_ms`; nothing waits for it.
    Interval,
    /// Only segment rolls and shutdown fsync.
    Never,
}

/// Per-partition storage settings (Kafka topic configs of the same names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogConfig {
    pub segment_bytes: u64,
    pub segment_ms: i64,
    pub retention_ms: i64,
    pub retention_bytes: i64,
    pub index_interval_bytes: u64,
    pub max_message_bytes: usize,
    /// `cleanup.policy` includes `compact`: keep only the latest record of each key.
    pub compact: bool,
    /// `cleanup.policy` includes `delete`: apply `retention.ms` and `retention.bytes`.
    pub delete: bool,
    /// How long a compacted topic keeps tombstones (null values) before removing them.
    pub delete_retention_ms: i64,
    /// `compression.type` (with its codec's level): the broker recompresses on append.
    pub compression: TopicCompression,
    /// `message.timestamp.type`.
    pub timestamp_type: TimestampType,
    /// `message.timestamp.before.max.ms`: how far in the past a CreateTime may be.
    pub timestamp_before_max_ms: i64,
    /// `message.timestamp.after.max.ms`: how far in the future a CreateTime may be.
    pub timestamp_after_max_ms: i64,
    /// `min.insync.replicas`: acks=all is refused while fewer replicas are in sync.
    pub min_insync_replicas: i32,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            segment_bytes: 1 << 30,
            segment_ms: 7 * 24 * 3600 * 1000,
            retention_ms: 7 * 24 * 3600 * 1000,
            retention_bytes: -1,
            index_interval_bytes: 4096,
            max_message_bytes: 1024 * 1024 + 12,
            compact: false,
            delete: true,
            delete_retention_ms: 24 * 3600 * 1000,
            compression: TopicCompression::Producer,
            timestamp_type: TimestampType::CreateTime,
            timestamp_before_max_ms: i64::MAX,
            // Kafka 4.0's default: an hour of clock skew.
            timestamp_after_max_ms: 3_600_000,
            min_insync_replicas: 1,
        }
    }
}

/// Written into a partition directory before its topic leaves the catalog.
const DELETING_MARKER: &str = "DELETING";

/// A topic partition, as the key of the journal's map.
pub type TopicPartition = (String, i32);

/// Every partition on this node, under `<root>/<topic>-<partition>/`.
pub struct Journal {
    root: PathBuf,
    fs: Arc<dyn FileSystem>,
    policy: FsyncPolicy,
    partitions: RwLock<HashMap<TopicPartition, Arc<Partition>>>,
}

impl Journal {
    /// The journal on the real disk under `root`.
    pub fn new(root: &Path, policy: FsyncPolicy) -> Result<Self> {
        Self::on(OsFs::shared(), root, policy, fd_cache::DEFAULT_CAPACITY)
    }

    /// The journal under `root` of `fs` (a [`fault::FaultFs`] in storage-fault tests), keeping
    /// at most `max_open_files` descriptors of sealed segments open (see [`fd_cache`]).
    pub fn on(
        fs: Arc<dyn FileSystem>,
        root: &Path,
        policy: FsyncPolicy,
        max_open_files: usize,
    ) -> Result<Self> {
        let fs: Arc<dyn FileSystem> = fd_cache::CachedFs::wrap(fs, max_open_files);
        fs::create_dir_durably(&*fs, root)?;
        Ok(Journal {
            root: root.to_path_buf(),
            fs,
            policy,
            partitions: RwLock::new(HashMap::new()),
        })
    }

    pub fn policy(&self) -> FsyncPolicy {
        self.policy
    }

    fn dir_for(&self, topic: &str, id: i32) -> PathBuf {
        self.root.join(format!("{topic}-{id}"))
    }

    /// Opens (recovering from disk) or creates a partition and registers it.
    pub fn open_partition(
        &self,
        topic: &str,
        id: i32,
        config: LogConfig,
    ) -> Result<Arc<Partition>> {
        if let Some(p) = self.partition(topic, id) {
            p.set_config(config);
            return Ok(p);
        }
        let p = Arc::new(Partition::open_on(
            Arc::clone(&self.fs),
            self.policy,
            topic,
            id,
            self.dir_for(topic, id),
            config,
        )?);
        let mut map = self.partitions.write().unwrap_or_else(|e| e.into_inner());
        Ok(Arc::clone(map.entry((topic.to_string(), id)).or_insert(p)))
    }

    pub fn partition(&self, topic: &str, id: i32) -> Option<Arc<Partition>> {
        let map = self.partitions.read().unwrap_or_else(|e| e.into_inner());
        map.get(&(topic.to_string(), id)).cloned()
    }

    pub fn partitions(&self) -> Vec<Arc<Partition>> {
        let map = self.partitions.read().unwrap_or_else(|e| e.into_inner());
        map.values().cloned().collect()
    }

    /// Deletes a partition's data for good.
    pub fn remove_partition(&self, topic: &str, id: i32) -> Result<()> {
        let removed = {
            let mut map = self.partitions.write().unwrap_or_else(|e| e.into_inner());
            map.remove(&(topic.to_string(), id))
        };
        match removed {
            Some(p) => p.delete(),
            None => match self.fs.remove_dir_all(&self.dir_for(topic, id)) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e.into()),
            },
        }
    }

    /// Marks a partition's directory as being deleted, durably, before the catalog forgets it:
    /// only marked directories are removed at start without being asked (see
    /// [`Journal::remove_orphans`]).
    pub fn mark_deleting(&self, topic: &str, id: i32) -> Result<()> {
        let dir = self.dir_for(topic, id);
        if !self.fs.is_dir(&dir) {
            return Ok(());
        }
        self.fs.create(&dir.join(DELETING_MARKER))?.sync()?;
        self.fs.sync_dir(&dir)?;
        Ok(())
    }

    /// Deals with partition directories the catalog does not list. Those marked by
    /// [`Journal::mark_deleting`] (a deletion a crash interrupted) are removed. Any other is
    /// data the catalog lost (a missing or restored meta directory): start-up stops with
    /// [`JournalError::UnknownPartitions`] unless `delete_unknown` says to remove them too.
    pub fn remove_orphans(
        &self,
        known: &dyn Fn(&str, i32) -> bool,
        delete_unknown: bool,
    ) -> Result<Vec<String>> {
        let mut orphans = Vec::new();
        for entry in self.fs.list_dir(&self.root)? {
            let name = entry.name;
            let Some((topic, id)) = name.rsplit_once('-') else {
                continue;
            };
            let Ok(id) = id.parse::<i32>() else { continue };
            if !known(topic, id) && entry.is_dir {
                let path = self.root.join(&name);
                orphans.push((name, path));
            }
        }
        let unknown: Vec<String> = orphans
            .iter()
            .filter(|(_, path)| !self.fs.exists(&path.join(DELETING_MARKER)))
            .map(|(name, _)| name.clone())
            .collect();
        if !unknown.is_empty() && !delete_unknown {
            return Err(JournalError::UnknownPartitions(unknown));
        }
        let mut removed = Vec::new();
        for (name, path) in orphans {
            self.fs.remove_dir_all(&path)?;
            removed.push(name);
        }
        if !removed.is_empty() {
            self.fs.sync_dir(&self.root)?;
        }
        Ok(removed)
    }

    /// Fsyncs every partition (shutdown and the `interval` policy).
    pub fn sync_all(&self) -> Result<()> {
        for p in self.partitions() {
            match p.sync_now() {
                // An offline partition logged its failure when it went offline.
                Ok(()) | Err(JournalError::Deleted(_)) | Err(JournalError::Offline { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Compacts every partition of a compacted topic that has new sealed data.
    pub fn compact(&self, now_ms: i64) {
        for p in self.partitions() {
            if !p.config().compact || p.failure().is_some() {
                continue;
            }
            match compaction::compact(&p, now_ms) {
                Ok(Some(stats)) => {
                    tracing::info!(topic = %p.topic, partition = p.id, ?stats, "compacted")
                }
                Ok(None) | Err(JournalError::Deleted(_)) => {}
                Err(e) => {
                    tracing::error!(topic = %p.topic, partition = p.id, error = %e, "compaction failed")
                }
            }
        }
    }

    /// Applies retention to every partition; returns the number of segments deleted.
    pub fn enforce_retention(&self, now_ms: i64) -> usize {
        let mut deleted = 0;
        for p in self.partitions() {
            match p.enforce_retention(now_ms) {
                Ok(n) => deleted += n,
                Err(JournalError::Deleted(_)) => {}
                Err(e) => {
                    tracing::error!(topic = %p.topic, partition = p.id, error = %e, "retention failed")
                }
            }
        }
        deleted
    }
}
