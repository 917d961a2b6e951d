//! The admin listener's connections, bounded before tonic sees them: at most
//! [`MAX_CONNECTIONS`] at once, and each closed when nothing arrives from the client for
//! `admin.connect_timeout_ms` after accept (a silent or stalled connection: slowloris) or for
//! `admin.connections_max_idle_ms` later. The server pings every connection at half that
//! interval (HTTP/2 keepalive), and a live client answers, so only connections whose peer has
//! gone silent are closed, streaming calls that wait for records included.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tonic::transport::server::{Connected, TcpConnectInfo};

/// Most admin connections at once (the CLI and a few `robustmq top` need a handful).
pub const MAX_CONNECTIONS: usize = 256;

/// Accepts connections until the returned receiver is dropped, refusing (closing at once)
/// those past the limit. A connection must send its first bytes within `first` and is closed
/// once the client sends nothing for `idle`.
pub fn accept(
    listener: TcpListener,
    first: Duration,
    idle: Duration,
) -> mpsc::Receiver<io::Result<Guarded>> {
    let (tx, rx) = mpsc::channel(16);
    let limit = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                _ = tx.closed() => return,
            };
            let (stream, peer) = match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::debug!(error = %e, "admin accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Ok(permit) = Arc::clone(&limit).try_acquire_owned() else {
                tracing::warn!(%peer, limit = MAX_CONNECTIONS, "admin connection refused: too many connections");
                continue;
            };
            let guarded = Guarded::new(stream, permit, first, idle);
            if tx.send(Ok(guarded)).await.is_err() {
                return;
            }
        }
    });
    rx
}

/// A connection that holds a slot of the limit and fails its reads once the client is silent
/// for too long, which makes tonic close it.
pub struct Guarded {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl Guarded {
    fn new(
        stream: TcpStream,
        permit: OwnedSemaphorePermit,
        first: Duration,
        idle: Duration,
    ) -> Self {
        Guarded {
            stream,
            _permit: permit,
            idle,
            deadline: Box::pin(tokio::time::sleep(first)),
        }
    }
}

impl Connected for Guarded {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.stream.connect_info()
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    let next = Instant::now() + self.idle;
                    self.deadline.as_mut().reset(next);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    if let Ok(peer) = self.stream.peer_addr() {
                        tracing::debug!(%peer, "admin connection closed: the client sent nothing in time");
                    }
                    Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "admin connection idle",
                    )))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
