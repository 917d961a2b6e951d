//! The Kafka listener: accepts connections, caps their number, and stops on shutdown after the
//! open connections have answered what they already read.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use robustmq_broker::metrics::ProtocolLabels;
use robustmq_broker::sasl::Mechanism;
use robustmq_broker::Broker;
use robustmq_transport::listener::RunOptions;
use robustmq_transport::{ConnectionLimit, TlsAcceptor};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::Auth;
use crate::connection::{serve, Closed, Limits};
use crate::handlers::{Ctx, Node};

#[derive(Clone)]
pub struct KafkaServerConfig {
    pub listen: SocketAddr,
    /// `host:port` given to clients; when `None`, the address each client connected to.
    pub advertised: Option<(String, i32)>,
    pub max_frame_bytes: usize,
    pub max_connections: usize,
    /// `max.connections.per.ip` (0: no limit).
    pub max_connections_per_ip: usize,
    /// `connections.max.idle.ms`: how long a connection may sit with nothing in flight.
    pub idle_timeout: Duration,
    /// `fetch.max.bytes`: the most record bytes one Fetch response holds.
    pub fetch_max_bytes: usize,
    pub cluster_id: String,
    /// The listener's name, for logs (`kafka`, `kafka_sasl`, ...).
    pub name: String,
    /// TLS (the `SSL` and `SASL_SSL` security protocols).
    pub tls: Option<TlsAcceptor>,
    /// SASL mechanisms a client must authenticate with; empty for `PLAINTEXT` and `SSL`.
    pub sasl: Arc<[Mechanism]>,
}

/// How long a client has to finish its TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct KafkaServer {
    listener: TcpListener,
    config: KafkaServerConfig,
    broker: Arc<Broker>,
}

impl KafkaServer {
    pub async fn bind(config: KafkaServerConfig, broker: Arc<Broker>) -> std::io::Result<Self> {
        let listener = robustmq_transport::listener::bind(config.listen)?;
        Ok(KafkaServer {
            listener,
            config,
            broker,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        let options = RunOptions {
            name: self.config.name.clone(),
            limit: ConnectionLimit::new(
                self.config.max_connections,
                self.config.max_connections_per_ip,
            ),
            // Connections finish what they read; a stuck one is cut off after this.
            drain: Duration::from_secs(10),
        };
        let labels = ProtocolLabels { protocol: "kafka" };
        let (config, broker) = (self.config, self.broker);
        robustmq_transport::listener::run(self.listener, options, shutdown, move |stream, peer, rx| {
            let local = stream.local_addr().unwrap_or(config.listen);
            let (host, port) = config
                .advertised
                .clone()
                .unwrap_or((local.ip().to_string(), local.port() as i32));
            let ctx = Ctx {
                broker: Arc::clone(&broker),
                node: Node {
                    id: broker.config.node_id,
                    host,
                    port,
                },
                cluster_id: config.cluster_id.clone(),
                peer,
                client_id: String::new(),
                fetch_max_bytes: config.fetch_max_bytes,
                principal: robustmq_broker::acl::ANONYMOUS.to_string(),
                peer_ip: peer.ip().to_string(),
            };
            let limits = Limits {
                max_frame_bytes: config.max_frame_bytes,
                idle: config.idle_timeout,
            };
            let broker = Arc::clone(&broker);
            let labels = labels.clone();
            let auth = Auth::new(Arc::clone(&config.sasl));
            let tls = config.tls.clone();
            let listener = config.name.clone();
            async move {
                let _ = stream.set_nodelay(true);
                broker.metrics.connections.get_or_create(&labels).inc();
                broker.metrics.connections_total.get_or_create(&labels).inc();
                let closed = match tls {
                    None => {
                        let mut stream = stream;
                        let (r, w) = stream.split();
                        serve(r, w, ctx, auth, limits, rx).await
                    }
                    Some(acceptor) => {
                        match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                            Ok(Ok(tls)) => {
                                let (r, w) = tokio::io::split(tls);
                                serve(r, w, ctx, auth, limits, rx).await
                            }
                            Ok(Err(e)) => Closed::Tls(e.to_string()),
                            Err(_) => Closed::Tls(format!(
                                "no TLS handshake within {} s",
                                TLS_HANDSHAKE_TIMEOUT.as_secs()
                            )),
                        }
                    }
                };
                broker.metrics.connections.get_or_create(&labels).dec();
                match closed {
                    Closed::ByPeer | Closed::Shutdown => tracing::debug!(%peer, "kafka connection closed"),
                    Closed::Idle => tracing::info!(%peer, idle_ms = limits.idle.as_millis() as u64, "kafka connection closed: idle (connections_max_idle_ms)"),
                    Closed::Io(e) => tracing::info!(%peer, error = %e, "kafka connection closed on i/o error"),
                    Closed::Protocol(e) => tracing::warn!(%peer, %listener, reason = %e, "kafka connection closed: bad request"),
                    Closed::AuthFailed(why) => tracing::warn!(%peer, %listener, reason = %why, "kafka connection closed: authentication failed"),
                    Closed::Tls(why) => tracing::info!(%peer, %listener, reason = %why, "kafka connection closed: TLS handshake failed"),
                }
            }
        })
        .await;
    }
}
