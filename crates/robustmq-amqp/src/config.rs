//! The `[amqp]` section and the AMQP listener, for the daemon's table of protocols.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use robustmq_broker::metrics::ProtocolLabels;
use robustmq_broker::protocol::{
    ConfigError, ListenerAddrs, ListenerSpec, Protocol, StartContext, StartError, Started,
};
use robustmq_transport::listener::RunOptions;
use serde::{Deserialize, Serialize};

use crate::broker::{AmqpConfig, AmqpCore};

/// `[amqp]`: AMQP 0-9-1 settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AmqpSection {
    /// A login whose user does not exist is admitted (users that exist must give their
    /// password). Off: only users made with `robustmq user add`.
    pub allow_anonymous: bool,
    /// Largest message body accepted (bytes).
    pub max_message_bytes: usize,
    /// Channels per connection the server offers (the client may ask for fewer).
    pub channel_max: u16,
    /// Largest frame the server offers (bytes, at least 4096).
    pub frame_max: u32,
    /// Heartbeat interval the server proposes (seconds, 0 = none).
    pub heartbeat_secs: u16,
    /// Unacknowledged deliveries per consumer when it set no prefetch limit.
    pub max_unacked_per_consumer: u32,
    pub max_queues: usize,
    pub max_exchanges: usize,
    pub max_bindings: usize,
    pub max_consumers_per_channel: usize,
    /// Below this much free space (bytes) on the data directory's file system, publishing
    /// connections are blocked (`connection.blocked`) until there is enough again.
    pub disk_free_limit_bytes: u64,
    /// Above this resident memory (bytes) of the process, publishing connections are blocked
    /// until it is below again. 0: 40 % of the machine's memory (RabbitMQ's default).
    pub memory_high_watermark_bytes: u64,
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    /// PEM certificate chain and private key for `listeners.amqp_tls`.
    pub tls_cert: String,
    pub tls_key: String,
}

impl Default for AmqpSection {
    fn default() -> Self {
        let d = AmqpConfig::default();
        AmqpSection {
            allow_anonymous: d.allow_anonymous,
            max_message_bytes: d.max_message_bytes,
            channel_max: d.channel_max,
            frame_max: d.frame_max,
            heartbeat_secs: d.heartbeat_secs,
            max_unacked_per_consumer: d.max_unacked_per_consumer,
            max_queues: d.max_queues,
            max_exchanges: d.max_exchanges,
            max_bindings: d.max_bindings,
            max_consumers_per_channel: d.max_consumers_per_channel,
            disk_free_limit_bytes: d.disk_free_limit_bytes,
            memory_high_watermark_bytes: d.memory_high_watermark_bytes,
            max_connections: 100_000,
            max_connections_per_ip: 10_000,
            tls_cert: String::new(),
            tls_key: String::new(),
        }
    }
}

impl AmqpSection {
    pub fn core_config(&self) -> AmqpConfig {
        AmqpConfig {
            allow_anonymous: self.allow_anonymous,
            max_message_bytes: self.max_message_bytes,
            channel_max: self.channel_max,
            frame_max: self.frame_max,
            heartbeat_secs: self.heartbeat_secs,
            max_unacked_per_consumer: self.max_unacked_per_consumer,
            max_queues: self.max_queues,
            max_exchanges: self.max_exchanges,
            max_bindings: self.max_bindings,
            max_consumers_per_channel: self.max_consumers_per_channel,
            disk_free_limit_bytes: self.disk_free_limit_bytes,
            memory_high_watermark_bytes: self.memory_high_watermark_bytes,
        }
    }
}

fn check(ok: bool, why: impl FnOnce() -> String) -> Result<(), ConfigError> {
    if ok {
        Ok(())
    } else {
        Err(ConfigError(why()))
    }
}

/// AMQP 0-9-1 over TCP, for the daemon's table of protocols.
pub struct Amqp;

impl Protocol for Amqp {
    type Section = AmqpSection;
    const LISTENERS: &'static [ListenerSpec] = &[
        ListenerSpec {
            name: "amqp",
            default: "0.0.0.0:5672",
            flag: "amqp-listen",
            about: "AMQP 0-9-1 listener, or `off`",
        },
        // Off unless set: TLS needs a certificate.
        ListenerSpec {
            name: "amqp_tls",
            default: "off",
            flag: "amqp-tls-listen",
            about: "AMQP 0-9-1 over TLS listener (needs amqp.tls_cert and amqp.tls_key), or `off`",
        },
    ];

    fn validate(s: &AmqpSection, listeners: &ListenerAddrs) -> Result<(), ConfigError> {
        check(
            listeners.get("amqp_tls").is_none() || !(s.tls_cert.is_empty() || s.tls_key.is_empty()),
            || "listeners.amqp_tls needs amqp.tls_cert and amqp.tls_key (PEM files)".into(),
        )?;
        check(s.frame_max >= crate::codec::FRAME_MIN_SIZE, || {
            format!(
                "amqp.frame_max must be at least {}",
                crate::codec::FRAME_MIN_SIZE
            )
        })?;
        check(s.channel_max >= 1, || {
            "amqp.channel_max must be at least 1".into()
        })?;
        check(s.max_message_bytes >= 1, || {
            "amqp.max_message_bytes must be at least 1".into()
        })?;
        check(s.max_message_bytes <= 512 * 1024 * 1024, || {
            "amqp.max_message_bytes must be at most 536870912 (512 MiB)".into()
        })?;
        check(s.max_unacked_per_consumer >= 1, || {
            "amqp.max_unacked_per_consumer must be at least 1".into()
        })?;
        Ok(())
    }

    fn max_connections(section: &AmqpSection) -> usize {
        section.max_connections
    }

    async fn start(
        section: &AmqpSection,
        listeners: &ListenerAddrs,
        ctx: StartContext,
    ) -> Result<Started, StartError> {
        let config = section.core_config();
        let broker = Arc::clone(&ctx.broker);
        let core = tokio::task::spawn_blocking(move || AmqpCore::load(broker, config))
            .await
            .map_err(|e| StartError::Setup(format!("AMQP start-up failed: {e}")))?
            .map_err(|e| {
                StartError::Setup(format!("cannot load AMQP exchanges and queues: {e}"))
            })?;
        core.start_queues();
        let mut started = Started::default();
        started
            .services
            .push(Arc::clone(&core) as Arc<dyn std::any::Any + Send + Sync>);
        let limit = robustmq_transport::ConnectionLimit::new(
            section.max_connections,
            section.max_connections_per_ip,
        );
        for spec in Self::LISTENERS {
            let Some(addr) = listeners.get(spec.name) else {
                continue;
            };
            let tls = if spec.name == "amqp_tls" {
                Some(
                    robustmq_transport::tls_acceptor(
                        Path::new(&section.tls_cert),
                        Path::new(&section.tls_key),
                    )
                    .map_err(|e| {
                        StartError::Setup(format!("cannot set up the AMQP TLS listener: {e}"))
                    })?,
                )
            } else {
                None
            };
            let bind_error = |source| StartError::Bind {
                name: spec.name.into(),
                addr,
                source,
            };
            let l = robustmq_transport::listener::bind(addr).map_err(bind_error)?;
            let local = l.local_addr().map_err(bind_error)?;
            tracing::info!(addr = %local, "{} listener ready", spec.name);
            started.listeners.push((spec.name.to_string(), local));
            let options = RunOptions {
                name: spec.name.into(),
                limit: Arc::clone(&limit),
                drain: Duration::from_secs(10),
            };
            let core = Arc::clone(&core);
            started
                .tasks
                .push(Box::pin(robustmq_transport::listener::run(
                    l,
                    options,
                    ctx.stop.clone(),
                    move |stream, peer, rx| {
                        let core = Arc::clone(&core);
                        let tls = tls.clone();
                        async move {
                            let _ = stream.set_nodelay(true);
                            let labels = ProtocolLabels { protocol: "amqp" };
                            let metrics = &core.broker.metrics;
                            metrics.connections.get_or_create(&labels).inc();
                            metrics.connections_total.get_or_create(&labels).inc();
                            let closed = match tls {
                                None => {
                                    crate::connection::serve(stream, peer, Arc::clone(&core), rx)
                                        .await
                                }
                                Some(acceptor) => {
                                    let accept = acceptor.accept(stream);
                                    match tokio::time::timeout(Duration::from_secs(10), accept)
                                        .await
                                    {
                                        Ok(Ok(s)) => {
                                            crate::connection::serve(s, peer, Arc::clone(&core), rx)
                                                .await
                                        }
                                        Ok(Err(e)) => crate::connection::Closed::Tls(e.to_string()),
                                        Err(_) => crate::connection::Closed::Tls(
                                            "TLS handshake timed out".into(),
                                        ),
                                    }
                                }
                            };
                            core.broker.metrics.connections.get_or_create(&labels).dec();
                            crate::connection::log_close(peer, &closed);
                        }
                    },
                )));
        }
        started.tasks.push(Box::pin(
            Arc::clone(&core).run_background(ctx.data_dir.clone(), ctx.stop),
        ));
        Ok(started)
    }
}
