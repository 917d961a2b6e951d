//! One Kafka client connection: reads frames, dispatches them in order, writes responses in
//! request order. Produce acknowledgements that wait for an fsync are pipelined: later requests
//! are read and appended while earlier ones wait, so one fsync covers many of them.

use std::collections::VecDeque;

use bytes::{Bytes, BytesMut};
use futures::future::BoxFuture;
use futures::stream::{FuturesOrdered, StreamExt};
use futures::FutureExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{Duration, Instant};

use crate::codec::{parse_request, take_frame, FrameError};
use crate::handlers::{dispatch, Ctx, Reply};

/// Most responses a connection may owe before it stops reading more requests.
const MAX_IN_FLIGHT: usize = 64;

/// Per-connection limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_frame_bytes: usize,
    /// Closes a connection that has nothing in flight and sends nothing for this long.
    pub idle: Duration,
}

/// Why a connection ended.
#[derive(Debug)]
pub enum Closed {
    ByPeer,
    Shutdown,
    /// Nothing in flight and no request for [`Limits::idle`].
    Idle,
    Io(std::io::Error),
    Protocol(FrameError),
}

type Pending = BoxFuture<'static, Result<Bytes, FrameError>>;

pub async fn serve(
    mut stream: TcpStream,
    mut ctx: Ctx,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) -> Closed {
    let max_frame_bytes = limits.max_frame_bytes;
    // Last whole request read, or last response completed: the idle clock's start. Bytes
    // alone do not reset it, so a request trickled in a byte at a time still times out.
    let mut last_read = Instant::now();
    let _ = stream.set_nodelay(true);
    let (mut reader, mut writer) = stream.split();
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut pending: FuturesOrdered<Pending> = FuturesOrdered::new();
    let mut ready: VecDeque<Bytes> = VecDeque::new();
    let mut closing = false;
    loop {
        // Requests already buffered are handled before reading more.
        if !closing && pending.len() < MAX_IN_FLIGHT {
            match take_frame(&mut buf, max_frame_bytes) {
                Err(e) => return Closed::Protocol(e),
                Ok(Some(frame)) => {
                    last_read = Instant::now();
                    let raw = match parse_request(frame) {
                        Ok(r) => r,
                        Err(e) => return Closed::Protocol(e),
                    };
                    if let Some(id) = raw.header.client_id.as_ref() {
                        if ctx.client_id.as_str() != id.as_str() {
                            ctx.client_id = id.to_string();
                        }
                    }
                    match dispatch(&ctx, raw).await {
                        Err(e) => return Closed::Protocol(e),
                        Ok(Reply::Nothing) => {}
                        Ok(Reply::Now(b)) if pending.is_empty() => ready.push_back(b),
                        Ok(Reply::Now(b)) => {
                            pending.push_back(futures::future::ready(Ok(b)).boxed())
                        }
                        Ok(Reply::Later(f)) => pending.push_back(f),
                    }
                    if !ready.is_empty() && pending.is_empty() && buf.len() < 4 {
                        if let Err(e) = flush(&mut writer, &mut ready).await {
                            return Closed::Io(e);
                        }
                    }
                    continue;
                }
                Ok(None) => {}
            }
        }
        if let Err(e) = flush(&mut writer, &mut ready).await {
            return Closed::Io(e);
        }
        if closing && pending.is_empty() {
            return Closed::Shutdown;
        }
        tokio::select! {
            Some(done) = pending.next(), if !pending.is_empty() => match done {
                Ok(b) => {
                    last_read = Instant::now();
                    ready.push_back(b);
                }
                Err(e) => return Closed::Protocol(e),
            },
            read = reader.read_buf(&mut buf), if !closing && pending.len() < MAX_IN_FLIGHT => match read {
                Ok(0) => return Closed::ByPeer,
                Ok(_) => {}
                Err(e) => return Closed::Io(e),
            },
            // Idle: nothing owed and nothing read (a half-sent request counts as idle too, so
            // a client trickling a frame cannot hold the connection).
            _ = tokio::time::sleep_until(last_read + limits.idle), if pending.is_empty() && !closing => {
                return Closed::Idle;
            }
            _ = shutdown.changed(), if !closing => closing = true,
        }
    }
}

async fn flush<W: AsyncWriteExt + Unpin>(
    w: &mut W,
    ready: &mut VecDeque<Bytes>,
) -> std::io::Result<()> {
    while let Some(b) = ready.pop_front() {
        w.write_all(&b).await?;
    }
    Ok(())
}
