//! Server-side WebSocket as a plain byte stream.
//!
//! MQTT (and any other binary protocol we expose over WebSocket) is parsed
//! from a byte stream, so the connection loop must not care whether bytes
//! came from TCP, TLS or WebSocket frames. [`WsStream`] hides the framing:
//! message boundaries are ignored on read, and every write becomes one
//! binary message. TLS, when wanted, is layered underneath by the caller.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use futures_util::{Sink, Stream};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::header::{self, HeaderMap, HeaderValue};
use tokio_tungstenite::tungstenite::http::StatusCode;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::frame::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Bytes, Message};
use tokio_tungstenite::WebSocketStream;

use crate::TransportError;

/// Completes the server side of a WebSocket handshake on `stream`.
///
/// The request path must equal `path` (query string ignored), otherwise the
/// peer gets `404 Not Found`. If the client offers subprotocols, the first
/// one it offers that is in `subprotocols` is echoed back in
/// `Sec-WebSocket-Protocol`; if it offers only unknown ones it gets
/// `400 Bad Request`. A client offering none is accepted without a
/// subprotocol (some MQTT clients omit it), and an empty `subprotocols`
/// disables negotiation altogether.
///
/// Has no timeout of its own: wrap it in `tokio::time::timeout` so a peer
/// that never sends its request cannot hold the task forever.
pub async fn accept<S>(
    stream: S,
    path: &str,
    subprotocols: &[&str],
) -> Result<WsStream<S>, TransportError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut chosen: Option<String> = None;
    // The callback's signature is fixed by tungstenite, large error and all.
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, response: Response| {
        check_request(request, response, path, subprotocols, &mut chosen)
    };
    let inner = tokio_tungstenite::accept_hdr_async(stream, callback)
        .await
        .map_err(|err| match err {
            tungstenite::Error::Http(response) => TransportError::WsRefused {
                status: response.status().as_u16(),
                reason: response
                    .body()
                    .as_deref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default(),
            },
            other => TransportError::WsHandshake(other),
        })?;
    Ok(WsStream {
        inner,
        subprotocol: chosen,
        pending: Bytes::new(),
        read: ReadState::Open,
        ws_closed: false,
    })
}

/// The handshake callback: path check and subprotocol choice.
#[allow(clippy::result_large_err)] // shape imposed by tungstenite's `Callback`
fn check_request(
    request: &Request,
    mut response: Response,
    path: &str,
    subprotocols: &[&str],
    chosen: &mut Option<String>,
) -> Result<Response, ErrorResponse> {
    let requested = request.uri().path();
    if requested != path {
        tracing::debug!(
            requested,
            expected = path,
            "WebSocket upgrade on wrong path"
        );
        return Err(refuse(
            StatusCode::NOT_FOUND,
            format!("no WebSocket endpoint at {requested}"),
        ));
    }
    if subprotocols.is_empty() {
        return Ok(response);
    }
    let offered = offered_subprotocols(request.headers());
    if offered.is_empty() {
        return Ok(response);
    }
    let Some(protocol) = offered.iter().find(|p| subprotocols.contains(p)) else {
        tracing::debug!(?offered, "no acceptable WebSocket subprotocol");
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "unsupported subprotocol(s) {}; supported: {}",
                offered.join(", "),
                subprotocols.join(", ")
            ),
        ));
    };
    // The value came from a valid header, so this cannot fail; refuse
    // rather than panic if that ever changes.
    let Ok(value) = HeaderValue::from_str(protocol) else {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "invalid subprotocol".into(),
        ));
    };
    response
        .headers_mut()
        .insert(header::SEC_WEBSOCKET_PROTOCOL, value);
    *chosen = Some((*protocol).to_owned());
    Ok(response)
}

/// All subprotocols the client lists, in its order of preference. The header
/// may repeat and each occurrence may be a comma-separated list.
fn offered_subprotocols(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// An HTTP error answer; tungstenite writes it and then fails the handshake.
fn refuse(status: StatusCode, reason: String) -> ErrorResponse {
    let length = HeaderValue::from(reason.len());
    let mut response = ErrorResponse::new(Some(reason));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_LENGTH, length);
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Where the read half stands. Kept explicit because rejecting text must
/// write a close frame before the read can report the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadState {
    /// Reading binary messages.
    Open,
    /// Peer sent text; close with 1003 (`queued` once the frame is buffered),
    /// then report the error.
    RejectingText { queued: bool },
    /// End of stream; reads return 0 bytes.
    Eof,
    /// Protocol violation already reported; reads keep failing.
    Failed,
}

/// A WebSocket connection seen as a byte stream: `AsyncRead` yields the
/// concatenated payloads of binary messages, `AsyncWrite` sends each write
/// as one binary message (wrap in a `BufWriter` to coalesce small writes).
///
/// Ping is answered by tungstenite as reads and flushes proceed. A Close
/// from the peer, or the peer dropping TCP, ends the stream (read returns
/// 0). A text message is a protocol violation: the connection is closed
/// with code 1003 and the read fails with `InvalidData`.
#[derive(Debug)]
pub struct WsStream<S> {
    inner: WebSocketStream<S>,
    subprotocol: Option<String>,
    /// Unread rest of the last binary message.
    pending: Bytes,
    read: ReadState,
    /// The WebSocket close handshake was sent by `poll_shutdown`.
    ws_closed: bool,
}

impl<S> WsStream<S> {
    /// The subprotocol agreed in the handshake, if any.
    pub fn subprotocol(&self) -> Option<&str> {
        self.subprotocol.as_deref()
    }
}

/// Maps WebSocket errors to the I/O error kinds a byte-stream reader expects.
fn to_io(err: tungstenite::Error) -> io::Error {
    match err {
        tungstenite::Error::Io(e) => e,
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            io::Error::new(io::ErrorKind::BrokenPipe, "WebSocket connection closed")
        }
        e @ (tungstenite::Error::Protocol(_)
        | tungstenite::Error::Capacity(_)
        | tungstenite::Error::Utf8(_)) => io::Error::new(io::ErrorKind::InvalidData, e),
        other => io::Error::other(other),
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> WsStream<S> {
    /// The underlying stream, e.g. to ask a `TcpStream` for the peer address.
    pub fn get_ref(&self) -> &S {
        self.inner.get_ref()
    }

    /// Queues and flushes a 1003 close frame. Failures are only logged: the
    /// peer already broke the protocol and the read reports that.
    fn poll_reject_text(&mut self, cx: &mut Context<'_>, queued: bool) -> Poll<()> {
        let mut inner = Pin::new(&mut self.inner);
        if !queued {
            if let Err(err) = ready!(inner.as_mut().poll_ready(cx)) {
                tracing::debug!(%err, "cannot close WebSocket after text message");
                return Poll::Ready(());
            }
            let frame = CloseFrame {
                code: CloseCode::Unsupported,
                reason: "only binary messages are accepted".into(),
            };
            if let Err(err) = inner.as_mut().start_send(Message::Close(Some(frame))) {
                tracing::debug!(%err, "cannot close WebSocket after text message");
                return Poll::Ready(());
            }
            self.read = ReadState::RejectingText { queued: true };
        }
        if let Err(err) = ready!(inner.poll_flush(cx)) {
            tracing::debug!(%err, "cannot flush WebSocket close frame");
        }
        Poll::Ready(())
    }
}

fn text_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "text WebSocket message; only binary messages are accepted",
    )
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for WsStream<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            // Data already received goes out first, even after a Close.
            if !this.pending.is_empty() {
                let n = this.pending.len().min(buf.remaining());
                buf.put_slice(&this.pending.split_to(n));
                return Poll::Ready(Ok(()));
            }
            match this.read {
                ReadState::Open => {}
                ReadState::RejectingText { queued } => {
                    ready!(this.poll_reject_text(cx, queued));
                    this.read = ReadState::Failed;
                    return Poll::Ready(Err(text_error()));
                }
                ReadState::Eof => return Poll::Ready(Ok(())),
                ReadState::Failed => return Poll::Ready(Err(text_error())),
            }
            match ready!(Pin::new(&mut this.inner).poll_next(cx)) {
                Some(Ok(Message::Binary(data))) => this.pending = data,
                Some(Ok(Message::Text(_))) => {
                    tracing::debug!("text WebSocket message, closing with 1003");
                    this.read = ReadState::RejectingText { queued: false };
                }
                // Tungstenite queues the Pong, or the Close reply, and sends it
                // on the next poll; after a Close that poll yields `None`.
                Some(Ok(
                    Message::Close(_) | Message::Ping(_) | Message::Pong(_) | Message::Frame(_),
                )) => {}
                // A peer that drops TCP without a close frame is, to a byte
                // stream, simply at its end, as with plain TCP.
                Some(Err(tungstenite::Error::Protocol(
                    tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
                )))
                | None => this.read = ReadState::Eof,
                Some(Err(err)) => return Poll::Ready(Err(to_io(err))),
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for WsStream<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let mut inner = Pin::new(&mut self.get_mut().inner);
        ready!(inner.as_mut().poll_ready(cx)).map_err(to_io)?;
        inner
            .start_send(Message::Binary(Bytes::copy_from_slice(buf)))
            .map_err(to_io)?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner)
            .poll_flush(cx)
            .map_err(to_io)
    }

    /// Sends a WebSocket close frame, then shuts the underlying stream down
    /// (which for TLS sends close_notify).
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.ws_closed {
            match ready!(Pin::new(&mut this.inner).poll_close(cx)) {
                Ok(())
                | Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                }
                Err(err) => return Poll::Ready(Err(to_io(err))),
            }
            this.ws_closed = true;
        }
        Pin::new(this.inner.get_mut()).poll_shutdown(cx)
    }
}
