//! The topic catalog: meta holds the truth, this cache answers the hot path, the journal holds
//! the partitions.

use robustmq_journal::now_ms;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use robustmq_journal::{Log, LogConfig, LogStore};
use robustmq_meta::{MetaError, MetaStore, TopicMeta};

use crate::error::{BrokerError, Result};
use crate::topic_config;

/// What clients may grow: every partition holds open files and an index in memory, every
/// segment open files too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicLimits {
    pub max_partitions_per_topic: i32,
    /// All partitions of all topics on this node.
    pub max_partitions: i32,
    /// Smallest `segment.bytes` a topic may set (Kafka 4 refuses below 1 MiB too).
    pub min_segment_bytes: u64,
}

impl Default for TopicLimits {
    fn default() -> Self {
        TopicLimits::from(&robustmq_journal::config::JournalSection::default())
    }
}

impl From<&robustmq_journal::config::JournalSection> for TopicLimits {
    fn from(j: &robustmq_journal::config::JournalSection) -> Self {
        TopicLimits {
            max_partitions_per_topic: j.max_partitions_per_topic,
            max_partitions: j.max_partitions,
            min_segment_bytes: j.min_segment_bytes,
        }
    }
}

pub struct Topics {
    meta: Arc<dyn MetaStore>,
    journal: Arc<dyn LogStore>,
    defaults: LogConfig,
    limits: TopicLimits,
    cache: RwLock<HashMap<String, TopicMeta>>,
    /// Topic id -> name, for the requests that name topics by id (Kafka Fetch v13+, Produce v13+).
    ids: RwLock<HashMap<uuid::Uuid, String>>,
    /// Serialises catalog changes so meta and journal never disagree mid-change.
    change: std::sync::Mutex<()>,
}

/// Kafka's topic name rules: 1 to 249 of `[a-zA-Z0-9._-]`, and not `.` or `..`.
pub fn validate_name(name: &str) -> Result<()> {
    let bad = |reason: &str| {
        Err(BrokerError::InvalidTopic {
            name: name.to_string(),
            reason: reason.to_string(),
        })
    };
    if name.is_empty() || name.len() > 249 {
        return bad("must be 1 to 249 characters");
    }
    if name == "." || name == ".." {
        return bad("'.' and '..' are reserved");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
    {
        return bad("may contain only ASCII letters, digits, '.', '_' and '-'");
    }
    Ok(())
}

impl Topics {
    /// Loads the catalog and opens (recovering) every partition it lists.
    pub fn load(
        meta: Arc<dyn MetaStore>,
        journal: Arc<dyn LogStore>,
        defaults: LogConfig,
        limits: TopicLimits,
        delete_unknown: bool,
    ) -> Result<Self> {
        let mut cache = HashMap::new();
        for t in meta.topics()? {
            let config = topic_config::log_config(&defaults, &t.configs);
            for p in 0..t.partitions {
                journal.open_partition(&t.name, p, config.clone())?;
            }
            cache.insert(t.name.clone(), t);
        }
        let known = |topic: &str, p: i32| cache.get(topic).is_some_and(|t| p < t.partitions);
        let removed = journal.remove_orphans(&known, delete_unknown)?;
        let ids = cache
            .values()
            .filter_map(|t| Some((uuid::Uuid::parse_str(&t.id).ok()?, t.name.clone())))
            .collect();
        if !removed.is_empty() {
            tracing::warn!(
                ?removed,
                "removed partition directories the catalog does not list"
            );
        }
        Ok(Topics {
            meta,
            journal,
            defaults,
            limits,
            cache: RwLock::new(cache),
            ids: RwLock::new(ids),
            change: Default::default(),
        })
    }

    fn lock_change(&self) -> std::sync::MutexGuard<'_, ()> {
        self.change.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self, name: &str) -> Option<TopicMeta> {
        self.cache
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(name)
            .cloned()
    }

    /// The name of the topic with this id.
    pub fn name_of(&self, id: &uuid::Uuid) -> Option<String> {
        self.ids
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    pub fn list(&self) -> Vec<TopicMeta> {
        let mut v: Vec<_> = self
            .cache
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    pub fn partition(&self, topic: &str, id: i32) -> Option<Arc<dyn Log>> {
        self.journal.partition(topic, id)
    }

    pub fn defaults(&self) -> &LogConfig {
        &self.defaults
    }

    pub fn limits(&self) -> TopicLimits {
        self.limits
    }

    /// Checks one topic config override against its rules and this node's limits.
    pub fn validate_config(&self, name: &str, value: &str) -> Result<()> {
        topic_config::validate(name, value)?;
        if name == "segment.bytes" {
            let min = self.limits.min_segment_bytes;
            if value.trim().parse::<u64>().is_ok_and(|v| v < min) {
                return Err(BrokerError::InvalidConfig(format!(
                    "segment.bytes={value} is below the minimum {min} (journal.min_segment_bytes)"
                )));
            }
        }
        Ok(())
    }

    /// Partitions of every topic together.
    fn total_partitions(&self) -> i64 {
        let cache = self.cache.read().unwrap_or_else(|p| p.into_inner());
        cache.values().map(|t| i64::from(t.partitions)).sum()
    }

    /// Refuses a topic of `count` partitions, or growing the total by `added`, past the limits.
    fn check_partition_limits(&self, count: i32, added: i32) -> Result<()> {
        let per_topic = self.limits.max_partitions_per_topic;
        if !(1..=per_topic).contains(&count) {
            return Err(BrokerError::InvalidPartitions(format!(
                "{count} is not in 1..={per_topic} (journal.max_partitions_per_topic)"
            )));
        }
        let total = self.total_partitions();
        let max = self.limits.max_partitions;
        if total + i64::from(added) > i64::from(max) {
            return Err(BrokerError::InvalidPartitions(format!(
                "this node has {total} partitions; {added} more would pass journal.max_partitions = {max}"
            )));
        }
        Ok(())
    }

    /// Checks a creation without doing it (Kafka's `validate_only`).
    pub fn validate_create(
        &self,
        name: &str,
        partitions: i32,
        configs: &BTreeMap<String, String>,
    ) -> Result<()> {
        validate_name(name)?;
        self.check_partition_limits(partitions, partitions)?;
        for (k, v) in configs {
            self.validate_config(k, v)?;
        }
        if self.get(name).is_some() {
            return Err(BrokerError::TopicExists(name.to_string()));
        }
        Ok(())
    }

    pub fn create(
        &self,
        name: &str,
        partitions: i32,
        configs: BTreeMap<String, String>,
    ) -> Result<TopicMeta> {
        let _g = self.lock_change();
        self.validate_create(name, partitions, &configs)?;
        let meta = TopicMeta {
            name: name.to_string(),
            id: uuid::Uuid::new_v4().to_string(),
            partitions,
            configs,
            created_ms: now_ms(),
        };
        self.meta.create_topic(&meta).map_err(|e| match e {
            MetaError::TopicExists(n) => BrokerError::TopicExists(n),
            e => e.into(),
        })?;
        let config = topic_config::log_config(&self.defaults, &meta.configs);
        for p in 0..partitions {
            self.journal.open_partition(name, p, config.clone())?;
        }
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), meta.clone());
        if let Ok(id) = uuid::Uuid::parse_str(&meta.id) {
            self.ids
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(id, name.to_string());
        }
        tracing::info!(topic = name, partitions, "topic created");
        Ok(meta)
    }

    pub fn delete(&self, name: &str) -> Result<()> {
        let _g = self.lock_change();
        let Some(t) = self.get(name) else {
            return Err(BrokerError::UnknownTopic(name.to_string()));
        };
        for p in 0..t.partitions {
            self.journal.mark_deleting(name, p)?;
        }
        self.meta.delete_topic(name)?;
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
        if let Ok(id) = uuid::Uuid::parse_str(&t.id) {
            self.ids
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
        }
        for p in 0..t.partitions {
            self.journal.remove_partition(name, p)?;
        }
        tracing::info!(topic = name, "topic deleted");
        Ok(())
    }

    /// Grows a topic to `total` partitions (Kafka never shrinks one).
    pub fn add_partitions(&self, name: &str, total: i32, validate_only: bool) -> Result<()> {
        let _g = self.lock_change();
        let Some(mut t) = self.get(name) else {
            return Err(BrokerError::UnknownTopic(name.to_string()));
        };
        if total <= t.partitions {
            return Err(BrokerError::InvalidPartitions(format!(
                "topic has {} partitions; the new count {total} must be larger",
                t.partitions
            )));
        }
        self.check_partition_limits(total, total - t.partitions)?;
        if validate_only {
            return Ok(());
        }
        let old = t.partitions;
        t.partitions = total;
        self.meta.update_topic(&t)?;
        let config = topic_config::log_config(&self.defaults, &t.configs);
        for p in old..total {
            self.journal.open_partition(name, p, config.clone())?;
        }
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), t);
        Ok(())
    }

    /// Replaces a topic's config overrides (already validated by the caller).
    pub fn set_configs(&self, name: &str, configs: BTreeMap<String, String>) -> Result<()> {
        let _g = self.lock_change();
        let Some(mut t) = self.get(name) else {
            return Err(BrokerError::UnknownTopic(name.to_string()));
        };
        for (k, v) in &configs {
            self.validate_config(k, v)?;
        }
        t.configs = configs;
        self.meta.update_topic(&t)?;
        let config = topic_config::log_config(&self.defaults, &t.configs);
        for p in 0..t.partitions {
            if let Some(part) = self.journal.partition(name, p) {
                part.set_config(config.clone());
            }
        }
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), t);
        Ok(())
    }
}
