//! The `[journal]` section of robustmqd's configuration: its keys, defaults and checks live
//! beside the code they configure, so the daemon only places the section.

use serde::{Deserialize, Serialize};

use crate::{FsyncPolicy, LogConfig};

/// A configuration value a section refuses, naming the key.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Fails with `message` unless `ok`.
pub fn check(ok: bool, message: impl FnOnce() -> String) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError(message()))
    }
}

/// Index positions are 32-bit, so no segment may pass `i32::MAX` bytes.
const SEGMENT_BYTES: std::ops::RangeInclusive<u64> = 14..=i32::MAX as u64;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct JournalSection {
    pub fsync: FsyncPolicy,
    pub fsync_interval_ms: u64,
    pub segment_bytes: u64,
    pub segment_ms: i64,
    pub retention_ms: i64,
    pub retention_bytes: i64,
    pub retention_check_interval_ms: u64,
    pub index_interval_bytes: u64,
    pub max_message_bytes: usize,
    /// Most partitions one topic may have.
    pub max_partitions_per_topic: i32,
    /// Most partitions of all topics together on this node.
    pub max_partitions: i32,
    /// Smallest `segment.bytes` a topic may set (Kafka 4 refuses below 1 MiB too).
    pub min_segment_bytes: u64,
    /// Descriptors kept open for sealed segments and their indexes (an LRU cache); active
    /// segments hold two each on top of it.
    pub max_open_files: usize,
}

impl Default for JournalSection {
    fn default() -> Self {
        let log = LogConfig::default();
        JournalSection {
            fsync: FsyncPolicy::Always,
            fsync_interval_ms: 1000,
            segment_bytes: log.segment_bytes,
            segment_ms: log.segment_ms,
            retention_ms: log.retention_ms,
            retention_bytes: log.retention_bytes,
            retention_check_interval_ms: 300_000,
            index_interval_bytes: log.index_interval_bytes,
            max_message_bytes: log.max_message_bytes,
            max_partitions_per_topic: 1_000,
            max_partitions: 10_000,
            min_segment_bytes: 1 << 20,
            max_open_files: crate::fd_cache::DEFAULT_CAPACITY,
        }
    }
}

impl JournalSection {
    pub fn validate(&self) -> Result<(), ConfigError> {
        check(SEGMENT_BYTES.contains(&self.segment_bytes), || {
            format!(
                "journal.segment_bytes must be between 14 and {} (index positions are 32-bit)",
                i32::MAX
            )
        })?;
        check(
            self.max_partitions_per_topic >= 1 && self.max_partitions >= 1,
            || {
                "journal.max_partitions_per_topic and journal.max_partitions must be at least 1"
                    .into()
            },
        )?;
        check(self.max_open_files >= 16, || {
            "journal.max_open_files must be at least 16".into()
        })?;
        check(SEGMENT_BYTES.contains(&self.min_segment_bytes), || {
            format!(
                "journal.min_segment_bytes must be between 14 and {}",
                i32::MAX
            )
        })
    }

    /// The settings a topic gets unless its own config says otherwise.
    pub fn log_defaults(&self) -> LogConfig {
        LogConfig {
            segment_bytes: self.segment_bytes,
            segment_ms: self.segment_ms,
            retention_ms: self.retention_ms,
            retention_bytes: self.retention_bytes,
            index_interval_bytes: self.index_interval_bytes,
            max_message_bytes: self.max_message_bytes,
            ..LogConfig::default()
        }
    }

    /// How often the background fsync runs: only under the `interval` policy.
    pub fn fsync_every(&self) -> Option<std::time::Duration> {
        (self.fsync == FsyncPolicy::Interval)
            .then(|| std::time::Duration::from_millis(self.fsync_interval_ms.max(1)))
    }

    pub fn retention_every(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.retention_check_interval_ms.max(100))
    }
}
