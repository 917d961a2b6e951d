//! The `[kafka]` config section and the Kafka listener as the daemon starts it.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use robustmq_broker::config::LegacyKeys;
use robustmq_broker::protocol::{
    ConfigError, ListenerAddrs, ListenerSpec, Protocol, StartContext, StartError, Started,
};
use robustmq_broker::sasl::Mechanism;
use robustmq_transport::ClientAuth;
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
    /// Kafka's `sasl.enabled.mechanisms`: what the `kafka_sasl` and `kafka_sasl_ssl`
    /// listeners offer (`PLAIN`, `SCRAM-SHA-256`), checked against the users in meta.
    pub sasl_enabled_mechanisms: Vec<String>,
    /// PEM certificate chain and private key for the `kafka_ssl` and `kafka_sasl_ssl`
    /// listeners.
    pub tls_cert: String,
    pub tls_key: String,
    /// Kafka's `ssl.client.auth` on the TLS listeners: `none`, `requested` or `required`.
    pub tls_client_auth: String,
    /// PEM file of the CAs that issue client certificates (for `requested` and `required`).
    pub tls_client_ca: String,
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
            sasl_enabled_mechanisms: vec![
                "PLAIN".into(),
                "SCRAM-SHA-256".into(),
                "SCRAM-SHA-512".into(),
            ],
            tls_cert: String::new(),
            tls_key: String::new(),
            tls_client_auth: "none".into(),
            tls_client_ca: String::new(),
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

    /// The enabled SASL mechanisms, checked.
    pub fn mechanisms(&self) -> Result<Vec<Mechanism>, ConfigError> {
        let mut out = Vec::new();
        for name in &self.sasl_enabled_mechanisms {
            let m = Mechanism::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Mechanism::ALL.iter().map(|m| m.name()).collect();
                ConfigError(format!(
                    "kafka.sasl_enabled_mechanisms: unknown mechanism {name:?} (robustmq serves {})",
                    known.join(", ")
                ))
            })?;
            if !out.contains(&m) {
                out.push(m);
            }
        }
        Ok(out)
    }

    /// `tls_client_auth` and `tls_client_ca`, checked.
    pub fn client_auth(&self) -> Result<ClientAuth<'_>, ConfigError> {
        let ca = Path::new(&self.tls_client_ca);
        let need_ca = |mode: &str| {
            ConfigError(format!(
                "kafka.tls_client_auth = \"{mode}\" needs kafka.tls_client_ca (the PEM file of the CAs that issue client certificates)"
            ))
        };
        match self.tls_client_auth.as_str() {
            "none" => Ok(ClientAuth::None),
            "requested" if self.tls_client_ca.is_empty() => Err(need_ca("requested")),
            "required" if self.tls_client_ca.is_empty() => Err(need_ca("required")),
            "requested" => Ok(ClientAuth::Requested(ca)),
            "required" => Ok(ClientAuth::Required(ca)),
            other => Err(ConfigError(format!(
                "kafka.tls_client_auth = {other:?}: expected none, requested or required"
            ))),
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
    const LISTENERS: &'static [ListenerSpec] = &[
        ListenerSpec {
            name: "kafka",
            default: "0.0.0.0:9092",
            flag: "kafka-listen",
            about: "Kafka listener (security protocol PLAINTEXT), or `off`",
        },
        // Off unless set: SASL needs users, TLS a certificate.
        ListenerSpec {
            name: "kafka_sasl",
            default: "off",
            flag: "kafka-sasl-listen",
            about: "Kafka SASL_PLAINTEXT listener (kafka.sasl_enabled_mechanisms), or `off`",
        },
        ListenerSpec {
            name: "kafka_ssl",
            default: "off",
            flag: "kafka-ssl-listen",
            about: "Kafka SSL listener (needs kafka.tls_cert and kafka.tls_key), or `off`",
        },
        ListenerSpec {
            name: "kafka_sasl_ssl",
            default: "off",
            flag: "kafka-sasl-ssl-listen",
            about: "Kafka SASL_SSL listener (TLS and SASL), or `off`",
        },
    ];

    fn validate(section: &KafkaSection, listeners: &ListenerAddrs) -> Result<(), ConfigError> {
        section.advertised()?;
        section.client_auth()?;
        let mechanisms = section.mechanisms()?;
        for name in ["kafka_sasl", "kafka_sasl_ssl"] {
            if listeners.get(name).is_some() && mechanisms.is_empty() {
                return Err(ConfigError(format!(
                    "listeners.{name} needs at least one kafka.sasl_enabled_mechanisms"
                )));
            }
        }
        for name in ["kafka_ssl", "kafka_sasl_ssl"] {
            if listeners.get(name).is_some()
                && (section.tls_cert.is_empty() || section.tls_key.is_empty())
            {
                return Err(ConfigError(format!(
                    "listeners.{name} needs kafka.tls_cert and kafka.tls_key (PEM files)"
                )));
            }
        }
        Ok(())
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
        let mechanisms: Arc<[Mechanism]> = section
            .mechanisms()
            .map_err(|e| StartError::Setup(e.to_string()))?
            .into();
        for (name, tls, sasl) in [
            ("kafka", false, false),
            ("kafka_sasl", false, true),
            ("kafka_ssl", true, false),
            ("kafka_sasl_ssl", true, true),
        ] {
            let Some(addr) = listeners.get(name) else {
                continue;
            };
            let tls = if tls {
                let clients = section
                    .client_auth()
                    .map_err(|e| StartError::Setup(e.to_string()))?;
                let acceptor = robustmq_transport::tls_acceptor_with_clients(
                    Path::new(&section.tls_cert),
                    Path::new(&section.tls_key),
                    clients,
                )
                .map_err(|e| StartError::Setup(format!("listeners.{name}: {e}")))?;
                Some(acceptor)
            } else {
                None
            };
            let config = KafkaServerConfig {
                listen: addr,
                // One advertised address can only name one listener: the PLAINTEXT one.
                advertised: if name == "kafka" {
                    section
                        .advertised()
                        .map_err(|e| StartError::Setup(e.to_string()))?
                } else {
                    None
                },
                max_frame_bytes: section.max_frame_bytes,
                max_connections: section.max_connections,
                max_connections_per_ip: section.max_connections_per_ip,
                idle_timeout: Duration::from_millis(section.connections_max_idle_ms.max(1)),
                fetch_max_bytes: section.fetch_max_bytes.max(1),
                cluster_id: ctx.cluster_id.clone(),
                name: name.to_string(),
                tls,
                sasl: if sasl {
                    Arc::clone(&mechanisms)
                } else {
                    Arc::from(Vec::new())
                },
            };
            let bind_error = |source| StartError::Bind {
                name: name.into(),
                addr,
                source,
            };
            let server = KafkaServer::bind(config, Arc::clone(&ctx.broker))
                .await
                .map_err(bind_error)?;
            let local = server.local_addr().map_err(bind_error)?;
            tracing::info!(addr = %local, listener = name, "kafka listener ready");
            started.listeners.push((name.into(), local));
            started.tasks.push(Box::pin(server.run(ctx.stop.clone())));
        }
        Ok(started)
    }
}
