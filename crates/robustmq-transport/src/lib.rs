//! Byte-stream transports shared by the protocol servers (TLS, WebSocket), and the
//! connection limit their listeners apply.
//!
//! Each layer turns a stream into another `AsyncRead + AsyncWrite` stream, so
//! a server stacks what its listener is configured for (TCP, then TLS, then
//! WebSocket) and hands the result to one protocol loop that is written once
//! against [`Stream`].
//!
//! ```no_run
//! # async fn serve(tls: Option<robustmq_transport::TlsAcceptor>, ws: bool) -> std::io::Result<()> {
//! use robustmq_transport::{ws_accept, BoxStream};
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8084").await?;
//! let (tcp, _peer) = listener.accept().await?;
//! let conn: BoxStream = match (tls, ws) {
//!     (Some(tls), true) => Box::new(ws_accept(tls.accept(tcp).await?, "/mqtt", &["mqtt", "mqttv3.1"]).await.map_err(std::io::Error::other)?),
//!     (Some(tls), false) => Box::new(tls.accept(tcp).await?),
//!     (None, true) => Box::new(ws_accept(tcp, "/mqtt", &["mqtt", "mqttv3.1"]).await.map_err(std::io::Error::other)?),
//!     (None, false) => Box::new(tcp),
//! };
//! // tokio::spawn(connection_loop(conn));
//! # drop(conn); Ok(()) }
//! ```

mod error;
pub mod limit;
pub mod listener;
pub mod replies;
pub mod tls;
pub mod ws;

use tokio::io::{AsyncRead, AsyncWrite};

pub use error::TransportError;
pub use limit::{Admitted, ConnectionLimit, Refused};
pub use tls::acceptor as tls_acceptor;
pub use tls::{acceptor_with_clients as tls_acceptor_with_clients, ClientAuth};
pub use tokio_rustls::server::TlsStream;
pub use tokio_rustls::TlsAcceptor;
pub use ws::{accept as ws_accept, WsStream};

/// Any connection a protocol loop can serve: TCP, TLS, WebSocket, or a
/// stack of them. Blanket-implemented, so it is never implemented by hand.
///
/// `Send + 'static` because connections are moved into spawned tasks.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> Stream for T {}

/// A type-erased connection, for a loop that should be compiled once
/// rather than once per transport stack.
pub type BoxStream = Box<dyn Stream>;
