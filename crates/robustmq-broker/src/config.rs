//! The `[broker]` section: settings of the core every protocol shares (topics, consumer
//! groups), and the old `[kafka]` spellings of its keys, still read for one release.

use std::time::Duration;

use robustmq_journal::config::{check, ConfigError, JournalSection};
use serde::{Deserialize, Serialize};

use crate::acl::AclConfig;
use crate::txn::TxnConfig;
use crate::{BrokerConfig, CoordinatorConfig};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BrokerSection {
    /// Kafka Metadata/Produce and MQTT-free paths create unknown topics on first use.
    pub auto_create_topics: bool,
    /// Partitions of topics created without a count.
    pub default_partitions: i32,
    pub group_initial_rebalance_delay_ms: u64,
    pub group_min_session_timeout_ms: i32,
    pub group_max_session_timeout_ms: i32,
    /// Kafka's `group.max.size`.
    pub group_max_size: usize,
    /// Kafka's `offset.metadata.max.bytes`.
    pub offset_metadata_max_bytes: usize,
    /// Consumer groups held on this node.
    pub max_groups: usize,
    /// `[broker.acl]`: access control lists (Kafka's authorizer), off by default.
    pub acl: AclConfig,
    /// `[broker.transactions]`: the transaction coordinator's limits and timers.
    pub transactions: TxnConfig,
}

impl Default for BrokerSection {
    fn default() -> Self {
        let g = CoordinatorConfig::default();
        BrokerSection {
            auto_create_topics: true,
            default_partitions: 1,
            group_initial_rebalance_delay_ms: g.initial_rebalance_delay.as_millis() as u64,
            group_min_session_timeout_ms: g.min_session_timeout_ms,
            group_max_session_timeout_ms: g.max_session_timeout_ms,
            group_max_size: g.max_size,
            offset_metadata_max_bytes: g.offset_metadata_max_bytes,
            max_groups: g.max_groups,
            acl: AclConfig::default(),
            transactions: TxnConfig::default(),
        }
    }
}

/// `[broker]` keys as they were spelled under `[kafka]` before they moved. The section that
/// used to hold them carries this and hands it over with [`BrokerSection::apply_legacy`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LegacyKeys {
    pub auto_create_topics: Option<bool>,
    pub default_partitions: Option<i32>,
    pub group_initial_rebalance_delay_ms: Option<u64>,
    pub group_min_session_timeout_ms: Option<i32>,
    pub group_max_session_timeout_ms: Option<i32>,
    pub group_max_size: Option<usize>,
    pub offset_metadata_max_bytes: Option<usize>,
    pub max_groups: Option<usize>,
}

impl BrokerSection {
    /// Applies keys set under their old section `old` (a `[broker]` value set away from its
    /// default wins); returns one warning per key used.
    pub fn apply_legacy(&mut self, old: &str, keys: LegacyKeys) -> Vec<String> {
        let defaults = BrokerSection::default();
        let mut warnings = Vec::new();
        macro_rules! moved {
            ($($key:ident),*) => {$(
                if let Some(v) = keys.$key {
                    warnings.push(format!(
                        "{old}.{0} is deprecated and will be removed in the next release; use broker.{0}",
                        stringify!($key)
                    ));
                    if self.$key == defaults.$key {
                        self.$key = v;
                    }
                }
            )*};
        }
        moved!(
            auto_create_topics,
            default_partitions,
            group_initial_rebalance_delay_ms,
            group_min_session_timeout_ms,
            group_max_session_timeout_ms,
            group_max_size,
            offset_metadata_max_bytes,
            max_groups
        );
        warnings
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        check(self.default_partitions >= 1, || {
            "broker.default_partitions must be at least 1".into()
        })?;
        let t = &self.transactions;
        check(t.max_timeout_ms >= 1, || {
            "broker.transactions.max_timeout_ms must be at least 1".into()
        })?;
        check(t.abort_check_interval_ms >= 1, || {
            "broker.transactions.abort_check_interval_ms must be at least 1".into()
        })?;
        check(
            t.max_transactional_ids >= 1 && t.max_partitions_per_transaction >= 1,
            || "broker.transactions limits must be at least 1".into(),
        )?;
        for p in &self.acl.super_users {
            check(
                p.split_once(':')
                    .is_some_and(|(kind, name)| !kind.is_empty() && !name.is_empty()),
                || format!("broker.acl.super_users: '{p}' is not a principal (User:<name>)"),
            )?;
        }
        Ok(())
    }

    /// The core's settings, with the topic defaults and limits of the `[journal]` section.
    pub fn broker_config(
        &self,
        journal: &JournalSection,
        delete_unknown_partitions: bool,
    ) -> BrokerConfig {
        BrokerConfig {
            node_id: 0,
            auto_create_topics: self.auto_create_topics,
            default_partitions: self.default_partitions,
            log_defaults: journal.log_defaults(),
            groups: CoordinatorConfig {
                initial_rebalance_delay: Duration::from_millis(
                    self.group_initial_rebalance_delay_ms,
                ),
                min_session_timeout_ms: self.group_min_session_timeout_ms,
                max_session_timeout_ms: self.group_max_session_timeout_ms,
                max_size: self.group_max_size.max(1),
                offset_metadata_max_bytes: self.offset_metadata_max_bytes,
                max_groups: self.max_groups.max(1),
            },
            topic_limits: journal.into(),
            delete_unknown_partitions,
            acl: self.acl.clone(),
            transactions: self.transactions.clone(),
        }
    }
}
