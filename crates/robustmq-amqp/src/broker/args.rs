//! Queue arguments (`x-...` in queue.declare) as RabbitMQ reads them. An argument this server
//! does not implement is refused with 406 rather than silently ignored; arguments without the
//! `x-` prefix are accepted and ignored, as RabbitMQ does.

use amq_protocol::types::{AMQPValue, FieldTable};

use crate::errors::{AmqpError, Result};

/// What a queue does when a publish would take it past its length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overflow {
    /// Drop (or dead-letter) the oldest ready messages.
    #[default]
    DropHead,
    /// Refuse the new message (nacked under confirms).
    RejectPublish,
    /// Refuse it and dead-letter it.
    RejectPublishDlx,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueArgs {
    /// `x-message-ttl`: ready messages older than this (ms) are dropped or dead-lettered.
    pub message_ttl: Option<u64>,
    /// `x-expires`: the queue is deleted after this long (ms) unused.
    pub expires: Option<u64>,
    /// `x-max-length`: ready messages at most.
    pub max_length: Option<u64>,
    /// `x-max-length-bytes`: body bytes of the ready messages at most.
    pub max_length_bytes: Option<u64>,
    pub overflow: Overflow,
    /// `x-dead-letter-exchange` and `x-dead-letter-routing-key`.
    pub dead_letter_exchange: Option<String>,
    pub dead_letter_routing_key: Option<String>,
    /// `x-single-active-consumer`: one consumer gets every message; the next takes over when
    /// it goes.
    pub single_active_consumer: bool,
    /// `x-queue-type = stream`, with its retention.
    pub stream: Option<StreamArgs>,
}

/// A stream queue: messages stay (until retention removes them) and every consumer reads from
/// an offset of its own (`x-stream-offset`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamArgs {
    /// `x-max-length-bytes`: retention by size (whole segments go).
    pub max_bytes: Option<u64>,
    /// `x-max-age`: retention by age, in ms.
    pub max_age_ms: Option<u64>,
    /// `x-stream-max-segment-size-bytes`: the log's segment size.
    pub segment_bytes: Option<u64>,
}

/// Arguments a stream queue takes (RabbitMQ refuses the others with 406).
const STREAM_ARGS: &[&str] = &[
    "x-queue-type",
    "x-max-length-bytes",
    "x-max-age",
    "x-stream-max-segment-size-bytes",
    "x-initial-cluster-size",
    "x-queue-leader-locator",
];

/// `x-max-age` as RabbitMQ writes it: a number and one of the units Y, M, D, h, m, s.
pub fn max_age_ms(text: &str) -> Option<u64> {
    let unit = text.chars().last()?;
    let n: u64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let ms: u64 = match unit {
        'Y' => 365 * 86_400_000,
        'M' => 30 * 86_400_000,
        'D' => 86_400_000,
        'h' => 3_600_000,
        'm' => 60_000,
        's' => 1_000,
        _ => return None,
    };
    n.checked_mul(ms)
}

/// An integer of any width, by value.
pub fn int(v: &AMQPValue) -> Option<i128> {
    Some(match v {
        AMQPValue::ShortShortInt(x) => i128::from(*x),
        AMQPValue::ShortShortUInt(x) => i128::from(*x),
        AMQPValue::ShortInt(x) => i128::from(*x),
        AMQPValue::ShortUInt(x) => i128::from(*x),
        AMQPValue::LongInt(x) => i128::from(*x),
        AMQPValue::LongUInt(x) => i128::from(*x),
        AMQPValue::LongLongInt(x) => i128::from(*x),
        _ => return None,
    })
}

pub fn text(v: &AMQPValue) -> Option<String> {
    match v {
        AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        AMQPValue::ShortString(s) => Some(s.as_str().to_string()),
        _ => None,
    }
}

impl QueueArgs {
    /// Reads and checks the arguments of queue `name`.
    pub fn parse(name: &str, vhost: &str, args: &FieldTable) -> Result<QueueArgs> {
        let invalid = |k: &str, why: &str| {
            AmqpError::precondition(format!(
                "invalid arg '{k}' for queue '{name}' in vhost '{vhost}': {why}"
            ))
        };
        let mut out = QueueArgs::default();
        let stream = args
            .inner()
            .get("x-queue-type")
            .and_then(text)
            .is_some_and(|t| t == "stream");
        if stream {
            let mut s = StreamArgs::default();
            for (k, v) in args.inner() {
                let k = k.as_str();
                if k.starts_with("x-") && !STREAM_ARGS.contains(&k) {
                    return Err(AmqpError::precondition(format!(
                        "invalid arg '{k}' for queue '{name}' in vhost '{vhost}' of queue type stream"
                    )));
                }
                let positive = || match int(v) {
                    Some(n) if n >= 1 && n <= i128::from(i64::MAX) => Ok(n as u64),
                    _ => Err(invalid(k, "not a positive integer")),
                };
                match k {
                    "x-max-length-bytes" => s.max_bytes = Some(positive()?),
                    "x-stream-max-segment-size-bytes" => s.segment_bytes = Some(positive()?),
                    "x-max-age" => {
                        let age = text(v).as_deref().and_then(max_age_ms).filter(|&ms| ms > 0);
                        s.max_age_ms = Some(age.ok_or_else(|| {
                            invalid(k, "not a duration such as 7D, 12h, 30m or 10s")
                        })?);
                    }
                    _ => {}
                }
            }
            out.stream = Some(s);
            return Ok(out);
        }
        for (k, v) in args.inner() {
            let k = k.as_str();
            let non_negative = |min: i128| match int(v) {
                Some(n) if n >= min && n <= i128::from(u64::MAX) => Ok(n as u64),
                Some(_) => Err(invalid(k, "value out of range")),
                None => Err(invalid(k, "not an integer")),
            };
            match k {
                "x-message-ttl" => out.message_ttl = Some(non_negative(0)?),
                "x-expires" => out.expires = Some(non_negative(1)?),
                "x-max-length" => out.max_length = Some(non_negative(0)?),
                "x-max-length-bytes" => out.max_length_bytes = Some(non_negative(0)?),
                "x-overflow" => {
                    out.overflow = match text(v).as_deref() {
                        Some("drop-head") => Overflow::DropHead,
                        Some("reject-publish") => Overflow::RejectPublish,
                        Some("reject-publish-dlx") => Overflow::RejectPublishDlx,
                        _ => {
                            return Err(invalid(
                                k,
                                "not drop-head, reject-publish or reject-publish-dlx",
                            ))
                        }
                    }
                }
                "x-dead-letter-exchange" => {
                    out.dead_letter_exchange =
                        Some(text(v).ok_or_else(|| invalid(k, "not a string"))?)
                }
                "x-dead-letter-routing-key" => {
                    out.dead_letter_routing_key =
                        Some(text(v).ok_or_else(|| invalid(k, "not a string"))?)
                }
                "x-single-active-consumer" => {
                    out.single_active_consumer = match v {
                        AMQPValue::Boolean(b) => *b,
                        _ => return Err(invalid(k, "not a boolean")),
                    }
                }
                "x-queue-type" => match text(v).as_deref() {
                    Some("classic") | Some("quorum") => {}
                    other => {
                        return Err(invalid(
                            k,
                            &format!(
                                "'{}' is not supported (classic, quorum and stream are)",
                                other.unwrap_or("?")
                            ),
                        ))
                    }
                },
                k if k.starts_with("x-") => {
                    tracing::info!(
                        argument = k,
                        "refusing a queue argument AMQP does not support yet"
                    );
                    return Err(AmqpError::precondition(format!(
                        "queue argument '{k}' is not supported by this server yet"
                    )));
                }
                _ => {}
            }
        }
        if out.dead_letter_routing_key.is_some() && out.dead_letter_exchange.is_none() {
            return Err(invalid(
                "x-dead-letter-routing-key",
                "x-dead-letter-exchange is required with it",
            ));
        }
        Ok(out)
    }
}

/// Milliseconds from a message's `expiration` property, if it has a valid one.
pub fn expiration_ms(raw_properties: &[u8]) -> Option<u64> {
    // Flags: expiration is bit 8 of the first word; skip the parse when it is not set.
    let flags = u16::from_be_bytes([*raw_properties.first()?, *raw_properties.get(1)?]);
    if flags & 0x0100 == 0 {
        return None;
    }
    let (_, p) = amq_protocol::protocol::basic::parse_properties(raw_properties).ok()?;
    p.expiration().as_ref()?.as_str().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rabbitmq_arguments() {
        let mut t = FieldTable::default();
        t.insert("x-message-ttl".into(), AMQPValue::LongInt(500));
        t.insert("x-max-length".into(), AMQPValue::LongLongInt(3));
        t.insert("x-max-length-bytes".into(), AMQPValue::LongInt(1000));
        t.insert(
            "x-overflow".into(),
            AMQPValue::LongString("reject-publish".into()),
        );
        t.insert(
            "x-dead-letter-exchange".into(),
            AMQPValue::LongString("dlx".into()),
        );
        t.insert("x-single-active-consumer".into(), AMQPValue::Boolean(true));
        t.insert("other".into(), AMQPValue::Boolean(true));
        let a = QueueArgs::parse("q", "/", &t).unwrap();
        assert_eq!(a.message_ttl, Some(500));
        assert_eq!(a.max_length, Some(3));
        assert_eq!(a.max_length_bytes, Some(1000));
        assert_eq!(a.overflow, Overflow::RejectPublish);
        assert_eq!(a.dead_letter_exchange.as_deref(), Some("dlx"));
        assert!(a.single_active_consumer);
        let mut bad = FieldTable::default();
        bad.insert("x-message-ttl".into(), AMQPValue::LongInt(-1));
        assert_eq!(QueueArgs::parse("q", "/", &bad).unwrap_err().code, 406);
        let mut unknown = FieldTable::default();
        unknown.insert("x-max-priority".into(), AMQPValue::LongInt(10));
        assert_eq!(QueueArgs::parse("q", "/", &unknown).unwrap_err().code, 406);
    }

    #[test]
    fn reads_stream_arguments_and_refuses_what_a_stream_does_not_take() {
        let mut t = FieldTable::default();
        t.insert(
            "x-queue-type".into(),
            AMQPValue::LongString("stream".into()),
        );
        t.insert("x-max-age".into(), AMQPValue::LongString("7D".into()));
        t.insert("x-max-length-bytes".into(), AMQPValue::LongInt(1 << 20));
        let a = QueueArgs::parse("s", "/", &t).unwrap();
        let s = a.stream.unwrap();
        assert_eq!(s.max_age_ms, Some(7 * 86_400_000));
        assert_eq!(s.max_bytes, Some(1 << 20));
        assert_eq!(
            a.max_length_bytes, None,
            "retention, not a ready-bytes limit"
        );
        t.insert("x-max-length".into(), AMQPValue::LongInt(10));
        assert_eq!(QueueArgs::parse("s", "/", &t).unwrap_err().code, 406);
        assert_eq!(max_age_ms("30m"), Some(1_800_000));
        assert_eq!(max_age_ms("1Y"), Some(365 * 86_400_000));
        for bad in ["", "m", "10", "x1h", "1w", "99999999999999999999Y"] {
            assert_eq!(max_age_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn expiration_property() {
        let props =
            amq_protocol::protocol::BasicProperties::default().with_expiration("250".into());
        let raw = cookie_factory::gen_simple(
            amq_protocol::protocol::basic::gen_properties(&props),
            Vec::new(),
        )
        .unwrap();
        assert_eq!(expiration_ms(&raw), Some(250));
        assert_eq!(expiration_ms(crate::codec::NO_PROPERTIES), None);
    }
}
