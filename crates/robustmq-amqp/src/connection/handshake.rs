//! From the protocol header to connection.open-ok: version check, SASL PLAIN or AMQPLAIN
//! against the users in meta, tuning, and the virtual host.

use std::net::SocketAddr;
use std::sync::Arc;

use amq_protocol::protocol::{connection, AMQPClass};
use amq_protocol::types::{AMQPValue, FieldTable};
use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::{Closed, Session};
use crate::broker::AmqpCore;
use crate::codec::{self, Frame, PROTOCOL_HEADER};
use crate::errors::{self, AmqpError};

/// Frames before tuning may be this large (a client's properties table).
const HANDSHAKE_FRAME_MAX: u32 = 131_072;

fn server_properties() -> FieldTable {
    let mut caps = FieldTable::default();
    for cap in [
        "publisher_confirms",
        "basic.nack",
        "consumer_cancel_notify",
        "exchange_exchange_bindings",
        "authentication_failure_close",
        "per_consumer_qos",
        "direct_reply_to",
        "connection.blocked",
    ] {
        caps.insert(cap.into(), AMQPValue::Boolean(true));
    }
    let mut p = FieldTable::default();
    let s = |v: &str| AMQPValue::LongString(v.into());
    p.insert("product".into(), s("robustmq"));
    p.insert("version".into(), s(env!("CARGO_PKG_VERSION")));
    p.insert("platform".into(), s("Rust"));
    p.insert("information".into(), s("https://github.com/robustmq"));
    p.insert("capabilities".into(), AMQPValue::FieldTable(caps));
    p
}

async fn send<W: AsyncWrite + Unpin>(writer: &mut W, method: AMQPClass) -> Result<(), Closed> {
    let mut out = Vec::new();
    codec::put_method(&mut out, 0, &method);
    writer.write_all(&out).await.map_err(Closed::Io)?;
    writer.flush().await.map_err(Closed::Io)
}

/// Sends connection.close with `e` and ends the handshake.
async fn refuse<W: AsyncWrite + Unpin>(writer: &mut W, e: AmqpError) -> Closed {
    tracing::info!(code = e.code, text = %e.text, "refusing an AMQP connection");
    let close = AMQPClass::Connection(connection::AMQPMethod::Close(connection::Close {
        reply_code: e.code,
        reply_text: codec::short(&e.text),
        class_id: e.class_id,
        method_id: e.method_id,
    }));
    let _ = send(writer, close).await;
    Closed::Error(e)
}

async fn next_method<R: AsyncRead + Unpin>(
    reader: &mut R,
    rbuf: &mut BytesMut,
) -> Result<AMQPClass, Closed> {
    loop {
        match codec::decode(rbuf, HANDSHAKE_FRAME_MAX) {
            Ok(Some((frame, used))) => {
                let _ = rbuf.split_to(used);
                match frame {
                    Frame::Method { channel: 0, method } => return Ok(*method),
                    Frame::Heartbeat { .. } => continue,
                    _ => {
                        return Err(Closed::Error(AmqpError::connection(
                            errors::UNEXPECTED_FRAME,
                            "expected a connection method during the handshake",
                        )))
                    }
                }
            }
            Ok(None) => {}
            Err(e) => return Err(Closed::Decode(e)),
        }
        match reader.read_buf(rbuf).await {
            Ok(0) => return Err(Closed::Eof),
            Ok(_) => {}
            Err(e) => return Err(Closed::Io(e)),
        }
    }
}

/// User name and password from a PLAIN (`authzid NUL user NUL password`) or AMQPLAIN (a
/// field table without its length) response.
fn credentials(mechanism: &str, response: &[u8]) -> Option<(String, String)> {
    match mechanism {
        "PLAIN" => {
            let mut parts = response.split(|b| *b == 0);
            let _authzid = parts.next()?;
            let user = String::from_utf8(parts.next()?.to_vec()).ok()?;
            let pass = String::from_utf8(parts.next()?.to_vec()).ok()?;
            Some((user, pass))
        }
        "AMQPLAIN" => {
            let mut framed = (response.len() as u32).to_be_bytes().to_vec();
            framed.extend_from_slice(response);
            crate::tables::check_table(&framed, 0).ok()?;
            let (_, table) = amq_protocol::types::parsing::parse_field_table(&framed[..]).ok()?;
            let get = |k: &str| match table.inner().get(k) {
                Some(AMQPValue::LongString(s)) => String::from_utf8(s.as_bytes().to_vec()).ok(),
                Some(AMQPValue::ShortString(s)) => Some(s.as_str().to_string()),
                _ => None,
            };
            Some((get("LOGIN")?, get("PASSWORD")?))
        }
        _ => None,
    }
}

pub(crate) async fn run<R, W>(
    reader: &mut R,
    writer: &mut W,
    rbuf: &mut BytesMut,
    core: &Arc<AmqpCore>,
    peer: SocketAddr,
) -> Result<Session, Closed>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    while rbuf.len() < PROTOCOL_HEADER.len() {
        match reader.read_buf(rbuf).await {
            Ok(0) => return Err(Closed::Eof),
            Ok(_) => {}
            Err(e) => return Err(Closed::Io(e)),
        }
        // Anything that cannot become our header is answered at once.
        let n = rbuf.len().min(PROTOCOL_HEADER.len());
        if rbuf[..n] != PROTOCOL_HEADER[..n] {
            break;
        }
    }
    if rbuf.len() < PROTOCOL_HEADER.len() || rbuf[..8] != PROTOCOL_HEADER[..] {
        tracing::info!(%peer, "not an AMQP 0-9-1 protocol header; answering with ours and closing");
        let _ = writer.write_all(PROTOCOL_HEADER).await;
        let _ = writer.flush().await;
        return Err(Closed::BadHeader);
    }
    let _ = rbuf.split_to(PROTOCOL_HEADER.len());
    send(
        writer,
        AMQPClass::Connection(connection::AMQPMethod::Start(connection::Start {
            version_major: 0,
            version_minor: 9,
            server_properties: server_properties(),
            mechanisms: "PLAIN AMQPLAIN".into(),
            locales: "en_US".into(),
        })),
    )
    .await?;
    let start_ok = match next_method(reader, rbuf).await? {
        AMQPClass::Connection(connection::AMQPMethod::StartOk(s)) => s,
        _ => {
            return Err(refuse(
                writer,
                AmqpError::connection(errors::COMMAND_INVALID, "expected connection.start-ok"),
            )
            .await)
        }
    };
    // Only clients that say they understand connection.blocked are sent it.
    let blocked_capable = matches!(
        start_ok.client_properties.inner().get("capabilities"),
        Some(AMQPValue::FieldTable(caps))
            if matches!(caps.inner().get("connection.blocked"), Some(AMQPValue::Boolean(true)))
    );
    let mechanism = start_ok.mechanism.as_str().to_string();
    let Some((user, password)) = credentials(&mechanism, start_ok.response.as_bytes()) else {
        return Err(refuse(
            writer,
            AmqpError::connection(
                errors::ACCESS_REFUSED,
                format!("Login was refused using authentication mechanism {mechanism}: unsupported mechanism or malformed response"),
            ),
        )
        .await);
    };
    let meta = Arc::clone(&core.broker.meta);
    let name = user.clone();
    let known = robustmq_meta::off_worker(|| meta.user(&name));
    let admitted = match known {
        Ok(Some(cred)) => robustmq_broker::users::verify(&cred, &password),
        Ok(None) => core.config.allow_anonymous,
        Err(e) => {
            return Err(refuse(
                writer,
                AmqpError::internal(format!("cannot read users: {e}")),
            )
            .await)
        }
    };
    if !admitted {
        tracing::info!(%peer, user = %user, "amqp login refused");
        return Err(refuse(
            writer,
            AmqpError::connection(
                errors::ACCESS_REFUSED,
                format!("Login was refused using authentication mechanism {mechanism}. For details see the broker logfile."),
            ),
        )
        .await);
    }
    let cfg = &core.config;
    send(
        writer,
        AMQPClass::Connection(connection::AMQPMethod::Tune(connection::Tune {
            channel_max: cfg.channel_max,
            frame_max: cfg.frame_max,
            heartbeat: cfg.heartbeat_secs,
        })),
    )
    .await?;
    let tune = match next_method(reader, rbuf).await? {
        AMQPClass::Connection(connection::AMQPMethod::TuneOk(t)) => t,
        _ => {
            return Err(refuse(
                writer,
                AmqpError::connection(errors::COMMAND_INVALID, "expected connection.tune-ok"),
            )
            .await)
        }
    };
    let pick = |asked: u32, ours: u32| if asked == 0 { ours } else { asked.min(ours) };
    let frame_max = pick(tune.frame_max, cfg.frame_max);
    if frame_max < codec::FRAME_MIN_SIZE {
        return Err(refuse(
            writer,
            AmqpError::connection(
                errors::NOT_ALLOWED,
                format!("frame_max={frame_max} < {} min size", codec::FRAME_MIN_SIZE),
            ),
        )
        .await);
    }
    let channel_max = pick(u32::from(tune.channel_max), u32::from(cfg.channel_max)) as u16;
    let open = match next_method(reader, rbuf).await? {
        AMQPClass::Connection(connection::AMQPMethod::Open(o)) => o,
        _ => {
            return Err(refuse(
                writer,
                AmqpError::connection(errors::COMMAND_INVALID, "expected connection.open"),
            )
            .await)
        }
    };
    let vhost = open.virtual_host.as_str().to_string();
    let Some(vhost_id) = core.vhost_id(&vhost) else {
        return Err(refuse(
            writer,
            AmqpError::connection(errors::NOT_ALLOWED, format!("vhost '{vhost}' not found")),
        )
        .await);
    };
    send(
        writer,
        AMQPClass::Connection(connection::AMQPMethod::OpenOk(connection::OpenOk {})),
    )
    .await?;
    Ok(Session {
        vhost,
        vhost_id,
        user,
        frame_max,
        channel_max,
        heartbeat: tune.heartbeat,
        blocked_capable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_amqplain_responses() {
        assert_eq!(
            credentials("PLAIN", b"\0guest\0secret"),
            Some(("guest".into(), "secret".into()))
        );
        let mut t = FieldTable::default();
        t.insert("LOGIN".into(), AMQPValue::LongString("u".into()));
        t.insert("PASSWORD".into(), AMQPValue::LongString("p".into()));
        let (buf, _) = amq_protocol::types::generation::gen_field_table(&t)(Vec::new().into())
            .unwrap()
            .into_inner();
        assert_eq!(
            credentials("AMQPLAIN", &buf[4..]),
            Some(("u".into(), "p".into()))
        );
        assert_eq!(credentials("EXTERNAL", b""), None);
        assert_eq!(credentials("PLAIN", b"nonul"), None);
    }
}
