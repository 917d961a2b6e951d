//! One Kafka client connection: reads frames, dispatches them in order, writes responses in
//! request order, each as soon as it and every one before it are ready. Produce
//! acknowledgements that wait for an fsync are pipelined: later requests are read and appended
//! while earlier ones wait, so one fsync covers many of them. A request whose handler waits (a
//! long-polling Fetch, a JoinGroup) holds back the requests after it, as in Kafka, but never
//! an answer owed before it.

use bytes::{Bytes, BytesMut};
use futures::FutureExt;
use robustmq_transport::replies::Replies;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use tokio::time::{Duration, Instant};

use crate::auth::{Auth, Gate};
use crate::codec::{parse_request, take_frame, FrameError};
use crate::handlers::{dispatch, Ctx, Reply};

/// Most responses a connection may owe (waiting or not yet written) before it stops reading
/// more requests.
const MAX_IN_FLIGHT: usize = 64;
/// Bytes of finished responses a connection may hold unwritten before it stops handling more
/// requests: a client that pipelines Fetches and never reads could otherwise make it hold
/// `MAX_IN_FLIGHT` responses of `fetch.max.bytes` each. One response past it is still taken.
const MAX_QUEUED_BYTES: usize = 16 << 20;

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
    /// SASL failed; the client was told why, then the connection closed.
    AuthFailed(String),
    /// The TLS handshake failed or timed out.
    Tls(String),
}

/// A response owed, and whether its bytes count against [`MAX_QUEUED_BYTES`] (those built at
/// once do; a produce waiting for durability is small).
type Response = Result<(Bytes, bool), FrameError>;

/// Responses owed, in request order, and the bytes of those already built.
#[derive(Default)]
struct Owed {
    replies: Replies<Response>,
    /// Bytes of responses built but not written (ready, or queued behind an earlier one),
    /// counted when built and released when written.
    queued_bytes: usize,
}

impl Owed {
    /// Queues a response that is built already, counting its bytes.
    fn push_now(&mut self, b: Bytes) {
        self.queued_bytes += b.len();
        self.replies.push_ready(Ok((b, true)));
    }

    fn room(&self) -> bool {
        self.replies.len() < MAX_IN_FLIGHT && self.queued_bytes < MAX_QUEUED_BYTES
    }
}

/// Serves one connection over its read and write halves (plain TCP or TLS).
pub async fn serve<R, W>(
    mut reader: R,
    mut writer: W,
    mut ctx: Ctx,
    mut auth: Auth,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) -> Closed
where
    R: AsyncRead + Unpin,
    W: AsyncWriteExt + Unpin,
{
    let max_frame_bytes = limits.max_frame_bytes;
    // Last whole request read, or last response completed: the idle clock's start. Bytes
    // alone do not reset it, so a request trickled in a byte at a time still times out.
    let mut last_read = Instant::now();
    // Why the connection ends once what is owed is written (a failed SASL exchange).
    let mut end: Option<Closed> = None;
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut owed = Owed::default();
    let mut closing = false;
    loop {
        // Requests already buffered are handled before reading more.
        if !closing && owed.room() {
            match take_frame(&mut buf, max_frame_bytes) {
                Err(e) => return Closed::Protocol(e),
                Ok(Some(frame)) if auth.raw_tokens() => {
                    last_read = Instant::now();
                    if let Err(closed) = flush(&mut writer, &mut owed).await {
                        return closed;
                    }
                    match auth.raw_step(&ctx, frame).await {
                        Ok(reply) => {
                            owed.push_now(reply);
                            take_principal(&mut ctx, &auth);
                        }
                        Err(why) => {
                            end = Some(Closed::AuthFailed(why));
                            closing = true;
                        }
                    }
                    continue;
                }
                Ok(Some(frame)) => {
                    last_read = Instant::now();
                    let mut raw = match parse_request(frame) {
                        Ok(r) => r,
                        Err(e) => return Closed::Protocol(e),
                    };
                    if let Some(id) = raw.header.client_id.as_ref() {
                        if ctx.client_id.as_str() != id.as_str() {
                            ctx.client_id = id.to_string();
                        }
                    }
                    // What is ready goes out before this request runs: it may wait (a
                    // long-polling Fetch, a JoinGroup), and answers owed before it must not.
                    if let Err(closed) = flush(&mut writer, &mut owed).await {
                        return closed;
                    }
                    match auth.gate(&ctx, &mut raw).await {
                        Gate::Pass => {}
                        Gate::Refuse(e) => return Closed::Protocol(e),
                        Gate::Answer { reply, close } => {
                            owed.push_now(reply);
                            take_principal(&mut ctx, &auth);
                            if let Some(why) = close {
                                end = Some(Closed::AuthFailed(why));
                                closing = true;
                            }
                            continue;
                        }
                    }
                    let handled = dispatch(&ctx, raw);
                    tokio::pin!(handled);
                    let reply = loop {
                        tokio::select! {
                            reply = &mut handled => break reply,
                            // Earlier answers that become ready meanwhile (a produce's fsync).
                            _ = owed.replies.next_ready(), if owed.replies.waiting() => {
                                if let Err(closed) = flush(&mut writer, &mut owed).await {
                                    return closed;
                                }
                            }
                        }
                    };
                    match reply {
                        Err(e) => return Closed::Protocol(e),
                        Ok(Reply::Nothing) => {}
                        Ok(Reply::Now(b)) => owed.push_now(b),
                        Ok(Reply::Later(f)) => {
                            owed.replies.push_later(f.map(|r| r.map(|b| (b, false))))
                        }
                    }
                    if !owed.replies.waiting() && buf.len() < 4 {
                        if let Err(closed) = flush(&mut writer, &mut owed).await {
                            return closed;
                        }
                    }
                    continue;
                }
                Ok(None) => {}
            }
        }
        if let Err(closed) = flush(&mut writer, &mut owed).await {
            return closed;
        }
        if closing && !owed.replies.waiting() {
            return end.take().unwrap_or(Closed::Shutdown);
        }
        if !closing && owed.room() && frame_buffered(&buf) {
            // Writing made room again for requests already read: no need to wait for bytes.
            continue;
        }
        tokio::select! {
            _ = owed.replies.next_ready(), if owed.replies.waiting() => last_read = Instant::now(),
            read = reader.read_buf(&mut buf), if !closing && owed.room() => match read {
                Ok(0) => return Closed::ByPeer,
                Ok(_) => {}
                Err(e) => return Closed::Io(e),
            },
            // Idle: nothing owed and nothing read (a half-sent request counts as idle too, so
            // a client trickling a frame cannot hold the connection).
            _ = tokio::time::sleep_until(last_read + limits.idle), if !owed.replies.waiting() && !closing => {
                return Closed::Idle;
            }
            _ = shutdown.changed(), if !closing => closing = true,
        }
    }
}

/// After a SASL step: the authenticated user becomes the connection's principal for ACLs.
fn take_principal(ctx: &mut Ctx, auth: &Auth) {
    if let Some(user) = auth.user() {
        ctx.principal = robustmq_broker::acl::user_principal(user);
    }
}

/// Whether `buf` holds a whole frame (or a size that [`take_frame`] refuses).
fn frame_buffered(buf: &[u8]) -> bool {
    match buf.get(..4) {
        Some(&[a, b, c, d]) => {
            let size = i32::from_be_bytes([a, b, c, d]);
            usize::try_from(size).map_or(true, |n| buf.len() - 4 >= n)
        }
        _ => false,
    }
}

/// Writes every response that is ready, in order; a handler's failure ends the connection.
async fn flush<W: AsyncWriteExt + Unpin>(w: &mut W, owed: &mut Owed) -> Result<(), Closed> {
    while let Some(reply) = owed.replies.pop_ready() {
        let (b, counted) = reply.map_err(Closed::Protocol)?;
        w.write_all(&b).await.map_err(Closed::Io)?;
        if counted {
            owed.queued_bytes -= b.len();
        }
    }
    Ok(())
}
