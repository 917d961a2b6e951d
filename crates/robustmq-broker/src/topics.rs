//! The topic catalog: meta holds the truth, this cache answers the hot path, the journal holds
//! the partitions.

use robustmq_journal::now_ms;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use robustmq_journal::{Journal, LogConfig, Partition};
use robustmq_meta::{MetaError, MetaStore, TopicMeta};

use crate::error::{BrokerError, Result};
use crate::topic_config;

/// Most partitions one topic may have on this node.
pub const MAX_PARTITIONS: i32 = 10_000;

pub struct Topics {
    meta: Arc<dyn MetaStore>,
    journal: Arc<Journal>,
    defaults: LogConfig,
    cache: RwLock<HashMap<String, TopicMeta>>,
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
        journal: Arc<Journal>,
        defaults: LogConfig,
    ) -> Result<Self> {
        let mut cache = HashMap::new();
        for t in meta.topics()? {
            let config = topic_config::log_config(&defaults, &t.configs);
            for p in 0..t.partitions {
                journal.open_partition(&t.name, p, config.clone())?;
            }
            cache.insert(t.name.clone(), t);
        }
        let removed = journal
            .remove_orphans(&|topic, p| cache.get(topic).is_some_and(|t| p < t.partitions))?;
        if !removed.is_empty() {
            tracing::warn!(?removed, "removed partition directories of deleted topics");
        }
        Ok(Topics {
            meta,
            journal,
            defaults,
            cache: RwLock::new(cache),
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

    pub fn partition(&self, topic: &str, id: i32) -> Option<Arc<Partition>> {
        self.journal.partition(topic, id)
    }

    pub fn defaults(&self) -> &LogConfig {
        &self.defaults
    }

    /// Checks a creation without doing it (Kafka's `validate_only`).
    pub fn validate_create(
        &self,
        name: &str,
        partitions: i32,
        configs: &BTreeMap<String, String>,
    ) -> Result<()> {
        validate_name(name)?;
        if !(1..=MAX_PARTITIONS).contains(&partitions) {
            return Err(BrokerError::InvalidPartitions(format!(
                "{partitions} is not in 1..={MAX_PARTITIONS}"
            )));
        }
        for (k, v) in configs {
            topic_config::validate(k, v)?;
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
        tracing::info!(topic = name, partitions, "topic created");
        Ok(meta)
    }

    pub fn delete(&self, name: &str) -> Result<()> {
        let _g = self.lock_change();
        let Some(t) = self.get(name) else {
            return Err(BrokerError::UnknownTopic(name.to_string()));
        };
        self.meta.delete_topic(name)?;
        self.cache
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(name);
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
        if total > MAX_PARTITIONS {
            return Err(BrokerError::InvalidPartitions(format!(
                "{total} exceeds {MAX_PARTITIONS}"
            )));
        }
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
            topic_config::validate(k, v)?;
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
