//! MQTT listeners: accept, cap the number of connections, hand each stream to the connection
//! loop, and on shutdown tell clients (v5 DISCONNECT 0x8B) and wait for them to finish.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use robustmq_broker::metrics::ProtocolLabels;
use robustmq_transport::listener::RunOptions;
use robustmq_transport::ConnectionLimit;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use robustmq_transport::{BoxStream, TlsAcceptor};

use crate::broker::MqttCore;
use crate::connection::{serve, Closed};

/// How a listener's byte streams are wrapped before MQTT reads them.
#[derive(Clone)]
pub enum Transport {
    Tcp,
    Tls(TlsAcceptor),
    /// WebSocket on path `/mqtt`, subprotocol `mqtt` (or the 3.1 name `mqttv3.1`).
    Ws,
}

/// One listener and what it speaks.
pub struct Listener {
    pub tcp: TcpListener,
    pub transport: Transport,
    pub name: &'static str,
}

impl Listener {
    pub async fn bind(
        addr: SocketAddr,
        transport: Transport,
        name: &'static str,
    ) -> std::io::Result<Self> {
        Ok(Listener {
            tcp: robustmq_transport::listener::bind(addr)?,
            transport,
            name,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}

/// Accepts connections on `listener` until `shutdown`, at most `limit` at once across every
/// listener sharing it.
pub async fn run(
    listener: Listener,
    core: Arc<MqttCore>,
    limit: Arc<ConnectionLimit>,
    shutdown: watch::Receiver<bool>,
) {
    let labels = ProtocolLabels { protocol: "mqtt" };
    let options = RunOptions {
        name: listener.name.to_string(),
        limit,
        drain: Duration::from_secs(10),
    };
    let transport = listener.transport.clone();
    robustmq_transport::listener::run(listener.tcp, options, shutdown, move |stream, peer, rx| {
        let core = Arc::clone(&core);
        let transport = transport.clone();
        let labels = labels.clone();
        async move {
            let metrics = &core.broker.metrics;
            metrics.connections.get_or_create(&labels).inc();
            metrics.connections_total.get_or_create(&labels).inc();
            let closed = connect(stream, peer, transport, Arc::clone(&core), rx).await;
            core.broker.metrics.connections.get_or_create(&labels).dec();
            log_close(peer, &closed);
        }
    })
    .await;
}

async fn connect(
    stream: TcpStream,
    peer: SocketAddr,
    transport: Transport,
    core: Arc<MqttCore>,
    shutdown: watch::Receiver<bool>,
) -> Closed {
    let _ = stream.set_nodelay(true);
    let stream: BoxStream = match transport {
        // Boxed: an idle connection then holds only the state of the phase it is in, not the
        // largest state of every phase and transport.
        Transport::Tcp => return Box::pin(serve(stream, peer, core, shutdown)).await,
        Transport::Tls(acceptor) => {
            let accept = Box::pin(acceptor.accept(stream));
            match tokio::time::timeout(core.config.connect_timeout, accept).await {
                Ok(Ok(s)) => Box::new(s),
                Ok(Err(e)) => return Closed::Refused(format!("TLS handshake failed: {e}")),
                Err(_) => return Closed::Refused("TLS handshake timed out".into()),
            }
        }
        Transport::Ws => {
            let ws = Box::pin(robustmq_transport::ws_accept(
                stream,
                "/mqtt",
                &["mqtt", "mqttv3.1"],
            ));
            match tokio::time::timeout(core.config.connect_timeout, ws).await {
                Ok(Ok(s)) => Box::new(s),
                Ok(Err(e)) => return Closed::Refused(format!("WebSocket handshake failed: {e}")),
                Err(_) => return Closed::Refused("WebSocket handshake timed out".into()),
            }
        }
    };
    Box::pin(serve(stream, peer, core, shutdown)).await
}

fn log_close(peer: SocketAddr, closed: &Closed) {
    match closed {
        Closed::Normal | Closed::ByPeer | Closed::Shutdown | Closed::TakenOver => {
            tracing::debug!(%peer, ?closed, "mqtt connection closed")
        }
        Closed::KeepAliveTimeout => {
            tracing::info!(%peer, "mqtt connection closed: keep alive timeout")
        }
        Closed::Io(e) => tracing::info!(%peer, error = %e, "mqtt connection closed on i/o error"),
        Closed::Protocol(code, why) => {
            tracing::warn!(%peer, reason_code = format!("{code:#04x}"), reason = %why, "mqtt connection closed: bad packet")
        }
        Closed::Refused(why) => tracing::info!(%peer, reason = %why, "mqtt connection refused"),
    }
}
