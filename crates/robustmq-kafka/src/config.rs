//! The `[kafka]` config section and the Kafka listener as the daemon starts it.

use std::time::Duration;

use robustmq_broker::config::LegacyKeys;
use robustmq_broker::protocol::{
    ConfigError, ListenerAddrs, ListenerSpec, Protocol, StartContext, StartError, Started,
};
use serde::{Deserialize, Serialize};

use crate::{KafkaServer, KafkaServerConfig};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaSection {
    /// `host:port` advertised to clients; empty means the address each client connected to.
    pub advertised_listener: String,
    pub max_frame_bytes: usize,
    pub max_connections: usize,
    /// Kafka's `max.connections.per.ip` (0: no limit).
    pub max_connections_per_ip: usize,
    /// Kafka's `connections.max.idle.ms`: a connection with nothing in flight and no request
    /// for this long is closed.
    pub connections_max_idle_ms: u64,
    /// Kafka's broker `fetch.max.bytes`: the most record bytes in one Fetch response.
    pub fetch_max_bytes: usize,
    /// `[kafka]` keys that moved to `[broker]`: still read (with a warning at start) for one
    /// release; see [`KafkaSection::take_legacy`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_create_topics: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_partitions: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_initial_rebalance_delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_min_session_timeout_ms: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_max_session_timeout_ms: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_max_size: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_metadata_max_bytes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_groups: Option<usize>,
}

impl Default for KafkaSection {
    fn default() -> Self {
        KafkaSection {
            advertised_listener: String::new(),
            max_frame_bytes: 100 * 1024 * 1024,
            max_connections: 10_000,
            max_connections_per_ip: 1_000,
            connections_max_idle_ms: 600_000,
            fetch_max_bytes: 55 * 1024 * 1024,
            auto_create_topics: None,
            default_partitions: None,
            group_initial_rebalance_delay_ms: None,
            group_min_session_timeout_ms: None,
            group_max_session_timeout_ms: None,
            group_max_size: None,
            offset_metadata_max_bytes: None,
            max_groups: None,
        }
    }
}

impl KafkaSection {
    /// Moves out the keys that belong to `[broker]` now, for
    /// [`robustmq_broker::config::BrokerSection::apply_legacy`].
    pub fn take_legacy(&mut self) -> LegacyKeys {
        LegacyKeys {
            auto_create_topics: self.auto_create_topics.take(),
            default_partitions: self.default_partitions.take(),
            group_initial_rebalance_delay_ms: self.group_initial_rebalance_delay_ms.take(),
            group_min_session_timeout_ms: self.group_min_session_timeout_ms.take(),
            group_max_session_timeout_ms: self.group_max_session_timeout_ms.take(),
            group_max_size: self.group_max_size.take(),
            offset_metadata_max_bytes: self.offset_metadata_max_bytes.take(),
            max_groups: self.max_groups.take(),
        }
    }

    /// `advertised_listener` as host and port; `None` when it is empty.
    pub fn advertised(&self) -> Result<Option<(String, i32)>, ConfigError> {
        let a = &self.advertised_listener;
        if a.is_empty() {
            return Ok(None);
        }
        let bad = |why: &str| ConfigError(format!("kafka.advertised_listener = {a:?} {why}"));
        let (host, port) = a.rsplit_once(':').ok_or_else(|| bad("must be host:port"))?;
        let port: u16 = port.parse().map_err(|_| bad("has a bad port"))?;
        Ok(Some((host.to_string(), port as i32)))
    }
}

/// The Kafka protocol, for the daemon's table of protocols.
pub struct Kafka;

impl Protocol for Kafka {
    type Section = KafkaSection;
    const LISTENERS: &'static [ListenerSpec] = &[ListenerSpec {
        name: "kafka",
        default: "0.0.0.0:9092",
        flag: "kafka-listen",
        about: "Kafka listener address, or `off`",
    }];

    fn validate(section: &KafkaSection, _: &ListenerAddrs) -> Result<(), ConfigError> {
        section.advertised().map(drop)
    }

    fn max_connections(section: &KafkaSection) -> usize {
        section.max_connections
    }

    async fn start(
        section: &KafkaSection,
        listeners: &ListenerAddrs,
        ctx: StartContext,
    ) -> Result<Started, StartError> {
        let mut started = Started::default();
        let Some(addr) = listeners.get("kafka") else {
            return Ok(started);
        };
        let config = KafkaServerConfig {
            listen: addr,
            advertised: section
                .advertised()
                .map_err(|e| StartError::Setup(e.to_string()))?,
            max_frame_bytes: section.max_frame_bytes,
            max_connections: section.max_connections,
            max_connections_per_ip: section.max_connections_per_ip,
            idle_timeout: Duration::from_millis(section.connections_max_idle_ms.max(1)),
            fetch_max_bytes: section.fetch_max_bytes.max(1),
            cluster_id: ctx.cluster_id,
        };
        let bind_error = |source| StartError::Bind {
            name: "kafka".into(),
            addr,
            source,
        };
        let server = KafkaServer::bind(config, ctx.broker)
            .await
            .map_err(bind_error)?;
        let local = server.local_addr().map_err(bind_error)?;
        tracing::info!(addr = %local, "kafka listener ready");
        started.listeners.push(("kafka".into(), local));
        started.tasks.push(Box::pin(server.run(ctx.stop)));
        Ok(started)
    }
}
