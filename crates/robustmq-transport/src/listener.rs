//! The accept loop every protocol listener runs: accept, admit through the shared
//! [`ConnectionLimit`] (refused connections are closed at once, with a warning), one task per
//! connection, and on shutdown a graceful drain: connections finish what they are doing for up
//! to `drain`, then the rest are cut off. What a connection does (its protocol, gauges, close
//! log) is the caller's `serve`.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::ConnectionLimit;

/// The accept queue the kernel keeps for a listener (capped by `net.core.somaxconn`). The
/// default a plain bind gets, 128, overflows under a burst of connects from a few hundred
/// clients at once, and every connection dropped that way costs its client a 1 s SYN
/// retransmit.
pub const LISTEN_BACKLOG: u32 = 1024;

/// Binds a protocol listener with [`LISTEN_BACKLOG`] (and `SO_REUSEADDR`, as
/// `TcpListener::bind` sets it, so a restart can bind at once).
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// How one listener runs.
pub struct RunOptions {
    /// Names the listener in logs ("kafka", "mqtt", "mqtt_ws", ...).
    pub name: String,
    pub limit: Arc<ConnectionLimit>,
    /// How long connections may take to finish after shutdown.
    pub drain: Duration,
}

/// Serves `listener` until `shutdown` turns true, calling `serve` for each admitted
/// connection in its own task (with a receiver of `shutdown` it should watch).
pub async fn run<F, Fut>(
    listener: TcpListener,
    options: RunOptions,
    mut shutdown: watch::Receiver<bool>,
    mut serve: F,
) where
    F: FnMut(TcpStream, SocketAddr, watch::Receiver<bool>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let name = options.name;
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of descriptors, say: back off instead of spinning.
                        tracing::warn!(error = %e, "{name} accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let permit = match options.limit.try_admit(peer.ip()) {
                    Ok(p) => p,
                    Err(why) => {
                        tracing::warn!(%peer, "{name} connection refused: {why}");
                        continue;
                    }
                };
                let work = serve(stream, peer, shutdown.clone());
                conns.spawn(async move {
                    let _permit = permit;
                    work.await;
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(options.drain, drain).await.is_err() {
        tracing::warn!(
            open = conns.len(),
            "{name} connections still open after the drain period; closing them"
        );
        conns.abort_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn connections_past_the_limit_are_closed_and_shutdown_drains() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop_tx, stop_rx) = watch::channel(false);
        let options = RunOptions {
            name: "test".into(),
            limit: ConnectionLimit::new(2, 2),
            drain: Duration::from_millis(200),
        };
        // Each connection echoes one byte, then waits for shutdown (or forever: aborted).
        let server = tokio::spawn(run(listener, options, stop_rx, |mut s, _, _| async move {
            let mut b = [0u8; 1];
            if s.read_exact(&mut b).await.is_ok() {
                let _ = s.write_all(&b).await;
            }
            std::future::pending::<()>().await;
        }));
        let mut held = Vec::new();
        for i in 0..2u8 {
            let mut c = TcpStream::connect(addr).await.unwrap();
            c.write_all(&[i]).await.unwrap();
            let mut b = [0u8; 1];
            c.read_exact(&mut b).await.unwrap();
            assert_eq!(b, [i]);
            held.push(c);
        }
        let mut third = TcpStream::connect(addr).await.unwrap();
        let mut b = [0u8; 1];
        assert_eq!(
            third.read(&mut b).await.unwrap(),
            0,
            "refused: closed at once"
        );
        stop_tx.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), server)
            .await
            .expect("the drain period bounds shutdown")
            .unwrap();
        for mut c in held {
            assert_eq!(
                c.read(&mut b).await.unwrap_or(0),
                0,
                "cut off after the drain"
            );
        }
    }
}
