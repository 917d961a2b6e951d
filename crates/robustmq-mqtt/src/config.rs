//! The `[mqtt]` config section (its TOML keys, defaults and checks) and the MQTT listeners as
//! the daemon starts them.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use robustmq_broker::protocol::{
    ConfigError, ListenerAddrs, ListenerSpec, Protocol, StartContext, StartError, Started,
};
use robustmq_journal::config::check;
use serde::{Deserialize, Serialize};

use crate::server::{Listener, Transport};
use crate::{MqttConfig, MqttCore, Route};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MqttSection {
    /// Clients without a username may connect (users come from `robustmq user add`).
    pub allow_anonymous: bool,
    /// Log topic every MQTT publish is appended to (created on first use).
    pub log_topic: String,
    pub log_partitions: i32,
    /// MQTT topic filters stored in other log topics: `[[mqtt.routes]] filter = "a/#"`,
    /// `topic = "a-log"`; the first match wins.
    pub routes: Vec<MqttRoute>,
    pub max_packet_size: u32,
    pub receive_maximum: u16,
    /// Longest keep alive granted (seconds); 0 accepts the client's.
    pub max_keep_alive: u16,
    /// Longest session expiry granted (seconds); 4294967295 never expires. 3.x persistent
    /// sessions get exactly this.
    pub max_session_expiry: u32,
    /// Sessions held, online and offline; a CONNECT needing a new one past this is refused.
    pub max_sessions: usize,
    /// Retained messages held; a retained PUBLISH to a new topic past this is refused.
    pub max_retained_messages: usize,
    /// Retained messages one MQTT client id may own.
    pub max_retained_per_client: usize,
    pub topic_alias_maximum: u16,
    /// Most levels in a topic name or filter; deeper ones are refused (0x90 / 0x8F).
    pub max_topic_levels: usize,
    /// Subscriptions one MQTT session may hold.
    pub max_subscriptions_per_session: usize,
    pub max_queued_messages: usize,
    /// Bytes queued plus in flight in memory for one connected session.
    pub max_queued_bytes: usize,
    /// Seconds between `$SYS` updates; 0 disables them.
    pub sys_interval_secs: u64,
    /// Milliseconds a new connection has for its handshake and CONNECT.
    pub connect_timeout_ms: u64,
    pub max_connections: usize,
    /// Connections from one source address across the MQTT listeners (0: no limit).
    pub max_connections_per_ip: usize,
    /// PEM certificate chain and private key for the TLS listener.
    pub tls_cert: String,
    pub tls_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MqttRoute {
    pub filter: String,
    pub topic: String,
}

impl Default for MqttSection {
    fn default() -> Self {
        let d = MqttConfig::default();
        MqttSection {
            allow_anonymous: d.allow_anonymous,
            log_topic: d.log_topic,
            log_partitions: d.log_partitions,
            routes: Vec::new(),
            max_packet_size: d.max_packet_size,
            receive_maximum: d.receive_maximum,
            max_keep_alive: d.max_keep_alive,
            max_session_expiry: d.max_session_expiry,
            max_sessions: d.max_sessions,
            max_retained_messages: d.max_retained,
            max_retained_per_client: d.max_retained_per_client,
            topic_alias_maximum: d.topic_alias_maximum,
            max_topic_levels: d.max_topic_levels,
            max_subscriptions_per_session: d.max_subscriptions,
            max_queued_messages: d.max_queued,
            max_queued_bytes: d.max_queued_bytes,
            sys_interval_secs: d.sys_interval.as_secs(),
            connect_timeout_ms: d.connect_timeout.as_millis() as u64,
            max_connections: 100_000,
            max_connections_per_ip: 10_000,
            tls_cert: String::new(),
            tls_key: String::new(),
        }
    }
}

impl MqttSection {
    pub fn core_config(&self) -> MqttConfig {
        MqttConfig {
            allow_anonymous: self.allow_anonymous,
            log_topic: self.log_topic.clone(),
            log_partitions: self.log_partitions,
            routes: self
                .routes
                .iter()
                .map(|r| Route {
                    filter: r.filter.clone(),
                    topic: r.topic.clone(),
                })
                .collect(),
            max_packet_size: self.max_packet_size,
            receive_maximum: self.receive_maximum,
            max_keep_alive: self.max_keep_alive,
            max_session_expiry: self.max_session_expiry,
            max_sessions: self.max_sessions,
            max_retained: self.max_retained_messages,
            max_retained_per_client: self.max_retained_per_client,
            topic_alias_maximum: self.topic_alias_maximum,
            max_topic_levels: self.max_topic_levels,
            max_subscriptions: self.max_subscriptions_per_session.max(1),
            max_queued: self.max_queued_messages,
            max_queued_bytes: self.max_queued_bytes,
            sys_interval: Duration::from_secs(self.sys_interval_secs),
            connect_timeout: Duration::from_millis(self.connect_timeout_ms.max(1)),
        }
    }
}

/// MQTT 3.1, 3.1.1 and 5.0 over TCP, WebSocket and TLS, for the daemon's table of protocols.
pub struct Mqtt;

impl Protocol for Mqtt {
    type Section = MqttSection;
    const LISTENERS: &'static [ListenerSpec] = &[
        ListenerSpec {
            name: "mqtt",
            default: "0.0.0.0:1883",
            flag: "mqtt-listen",
            about: "MQTT listener (3.1, 3.1.1 and 5.0 over TCP), or `off`",
        },
        ListenerSpec {
            name: "mqtt_ws",
            default: "0.0.0.0:8083",
            flag: "mqtt-ws-listen",
            about: "MQTT over WebSocket listener (path /mqtt), or `off`",
        },
        // Off unless set: TLS needs a certificate.
        ListenerSpec {
            name: "mqtt_tls",
            default: "off",
            flag: "mqtt-tls-listen",
            about: "MQTT over TLS listener (needs mqtt.tls_cert and mqtt.tls_key), or `off`",
        },
    ];

    fn validate(s: &MqttSection, listeners: &ListenerAddrs) -> Result<(), ConfigError> {
        check(
            listeners.get("mqtt_tls").is_none() || !(s.tls_cert.is_empty() || s.tls_key.is_empty()),
            || "listeners.mqtt_tls needs mqtt.tls_cert and mqtt.tls_key (PEM files)".into(),
        )?;
        check(s.log_partitions >= 1, || {
            "mqtt.log_partitions must be at least 1".into()
        })?;
        check(s.receive_maximum >= 1, || {
            "mqtt.receive_maximum must be at least 1".into()
        })?;
        let levels = crate::topic::MAX_LEVELS_LIMIT;
        check((1..=levels).contains(&s.max_topic_levels), || {
            format!("mqtt.max_topic_levels must be between 1 and {levels}")
        })?;
        check(s.max_packet_size >= 1024, || {
            "mqtt.max_packet_size must be at least 1024 bytes".into()
        })?;
        robustmq_broker::topics::validate_name(&s.log_topic)
            .map_err(|e| ConfigError(format!("mqtt.log_topic {:?}: {e}", s.log_topic)))?;
        for r in &s.routes {
            crate::topic::validate_filter(&r.filter, s.max_topic_levels)
                .map_err(|e| ConfigError(format!("mqtt.routes: filter {:?}: {e}", r.filter)))?;
            robustmq_broker::topics::validate_name(&r.topic)
                .map_err(|e| ConfigError(format!("mqtt.routes: topic {:?}: {e}", r.topic)))?;
        }
        Ok(())
    }

    fn max_connections(section: &MqttSection) -> usize {
        section.max_connections
    }

    async fn start(
        section: &MqttSection,
        listeners: &ListenerAddrs,
        ctx: StartContext,
    ) -> Result<Started, StartError> {
        let config = section.core_config();
        let core = tokio::task::spawn_blocking(move || MqttCore::start(config, ctx.broker))
            .await
            .map_err(|e| StartError::Setup(format!("MQTT start-up failed: {e}")))?
            .map_err(|e| {
                StartError::Setup(format!(
                    "cannot load MQTT sessions and retained messages: {e}"
                ))
            })?;
        let limit = robustmq_transport::ConnectionLimit::new(
            section.max_connections,
            section.max_connections_per_ip,
        );
        let mut started = Started::default();
        for spec in Self::LISTENERS {
            let Some(addr) = listeners.get(spec.name) else {
                continue;
            };
            let transport = match spec.name {
                "mqtt_ws" => Transport::Ws,
                "mqtt_tls" => Transport::Tls(
                    robustmq_transport::tls_acceptor(
                        Path::new(&section.tls_cert),
                        Path::new(&section.tls_key),
                    )
                    .map_err(|e| {
                        StartError::Setup(format!("cannot set up the MQTT TLS listener: {e}"))
                    })?,
                ),
                _ => Transport::Tcp,
            };
            let bind_error = |source| StartError::Bind {
                name: spec.name.into(),
                addr,
                source,
            };
            let l = Listener::bind(addr, transport, spec.name)
                .await
                .map_err(bind_error)?;
            let local = l.local_addr().map_err(bind_error)?;
            tracing::info!(addr = %local, "{} listener ready", spec.name);
            started.listeners.push((spec.name.to_string(), local));
            started.tasks.push(Box::pin(crate::server::run(
                l,
                Arc::clone(&core),
                Arc::clone(&limit),
                ctx.stop.clone(),
            )));
        }
        started
            .tasks
            .push(Box::pin(Arc::clone(&core).run_background(ctx.stop)));
        Ok(started)
    }
}
