//! An AMQP message as a log record: key = routing key, value = body, and the exchange and the
//! content-header properties (as the publisher sent their bytes) in `amqp.*` headers, so
//! AMQP -> log -> AMQP is lossless. Records written by other protocols (Kafka, MQTT) come
//! without them: their record headers become the message's `headers` table (values as byte
//! strings, a null value as void), and no other property is set.

use amq_protocol::protocol::BasicProperties;
use amq_protocol::types::{AMQPValue, ByteArray, FieldTable, LongString, ShortString};
use bytes::Bytes;
use robustmq_journal::record::{read_batch, BatchWriter, Records};

use crate::codec::NO_PROPERTIES;

pub const H_EXCHANGE: &str = "amqp.exchange";
pub const H_PROPERTIES: &str = "amqp.properties";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub exchange: String,
    pub routing_key: String,
    /// Property flags and values, byte for byte as published.
    pub properties: Bytes,
    pub body: Bytes,
    /// When it was stored (ms since the epoch; the record's timestamp), for TTLs.
    pub timestamp: i64,
}

/// One batch holding `messages` in order, stamped `now_ms`.
pub fn encode(messages: &[&Message], now_ms: i64) -> Vec<u8> {
    let mut w = BatchWriter::new(now_ms);
    for m in messages {
        w.header(H_EXCHANGE, Some(m.exchange.as_bytes()));
        w.header(H_PROPERTIES, Some(&m.properties));
        w.record(now_ms, Some(m.routing_key.as_bytes()), Some(&m.body));
    }
    w.finish()
}

/// Every record of whole batches with its offset. Compressed batches (from Kafka producers)
/// are decompressed to at most `limit` bytes each; a batch that cannot be read is skipped with
/// a log line.
pub fn decode_batches(data: &[u8], limit: usize) -> Vec<(i64, Message)> {
    let (headers, _) = robustmq_journal::batch::scan(data);
    let mut out = Vec::new();
    for (pos, h) in headers {
        let batch = &data[pos..pos + h.total_size()];
        let plain = match robustmq_journal::decompress::plain_batch(batch, limit) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(base_offset = h.base_offset, error = %e, "skipping a batch AMQP cannot read");
                continue;
            }
        };
        let records = match read_batch(&plain) {
            Ok(Records::Plain(r)) => r,
            Ok(_) => continue,
            Err(e) => {
                tracing::warn!(base_offset = h.base_offset, error = %e, "skipping a batch AMQP cannot read");
                continue;
            }
        };
        for r in records {
            let mut exchange = String::new();
            let mut properties = None;
            let mut foreign = FieldTable::default();
            for (k, v) in &r.headers {
                match (*k, v) {
                    (k, Some(v)) if k == H_EXCHANGE.as_bytes() => {
                        exchange = String::from_utf8_lossy(v).into_owned()
                    }
                    (k, Some(v)) if k == H_PROPERTIES.as_bytes() && v.len() >= 2 => {
                        properties = Some(Bytes::copy_from_slice(v))
                    }
                    (k, v) => {
                        // Names longer than a short string cannot be table keys.
                        let Ok(name) = ShortString::try_new(String::from_utf8_lossy(k)) else {
                            continue;
                        };
                        let value = match v {
                            Some(v) => match std::str::from_utf8(v) {
                                Ok(_) => AMQPValue::LongString(LongString::from(v.to_vec())),
                                Err(_) => AMQPValue::ByteArray(ByteArray::from(v.to_vec())),
                            },
                            None => AMQPValue::Void,
                        };
                        foreign.insert(name, value);
                    }
                }
            }
            // Properties stored by AMQP were checked when published; a record from another
            // protocol may carry anything under that name, so they are checked again.
            let properties = properties
                .filter(|p| valid_properties(p))
                .unwrap_or_else(|| headers_only(foreign));
            out.push((
                r.offset,
                Message {
                    exchange,
                    routing_key: r
                        .key
                        .map(|k| String::from_utf8_lossy(k).into_owned())
                        .unwrap_or_default(),
                    properties,
                    body: r.value.map(Bytes::copy_from_slice).unwrap_or_default(),
                    timestamp: r.timestamp,
                },
            ));
        }
    }
    out
}

fn valid_properties(raw: &[u8]) -> bool {
    crate::tables::check_properties(raw).is_ok()
        && matches!(
            amq_protocol::protocol::basic::parse_properties(raw),
            Ok((rest, _)) if rest.is_empty()
        )
}

/// Property bytes holding only a `headers` table (none when it is empty).
fn headers_only(headers: FieldTable) -> Bytes {
    if headers.inner().is_empty() {
        return Bytes::from_static(NO_PROPERTIES);
    }
    let props = BasicProperties::default().with_headers(headers);
    match cookie_factory::gen_simple(
        amq_protocol::protocol::basic::gen_properties(&props),
        Vec::new(),
    ) {
        Ok(b) => Bytes::from(b),
        Err(_) => Bytes::from_static(NO_PROPERTIES),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_a_batch() {
        let a = Message {
            exchange: "ex".into(),
            routing_key: "a.b".into(),
            properties: Bytes::from_static(&[0x10, 0, 2]),
            body: Bytes::from_static(b"hello"),
            timestamp: 1000,
        };
        let b = Message {
            exchange: String::new(),
            routing_key: "q".into(),
            properties: Bytes::from_static(NO_PROPERTIES),
            body: Bytes::new(),
            timestamp: 1000,
        };
        let mut batch = encode(&[&a, &b], 1000);
        batch[0..8].copy_from_slice(&5i64.to_be_bytes());
        let got = decode_batches(&batch, 1 << 20);
        assert_eq!(got, vec![(5, a), (6, b)]);
    }

    #[test]
    fn forged_properties_from_another_protocol_are_dropped() {
        let mut w = BatchWriter::new(0);
        w.header(H_PROPERTIES, Some(&[0x80, 0x00, 200, b'x']));
        w.record(0, Some(b"k"), Some(b"v"));
        let got = decode_batches(&w.finish(), 1 << 20);
        assert_eq!(&got[0].1.properties[..], NO_PROPERTIES);
    }

    #[test]
    fn foreign_record_headers_become_amqp_headers() {
        let mut w = BatchWriter::new(0);
        w.header("trace", Some(b"abc"));
        w.header("bin", Some(&[0xff, 0x00]));
        w.header("none", None);
        w.record(0, Some(b"k"), Some(b"v"));
        let got = decode_batches(&w.finish(), 1 << 20);
        let props = &got[0].1.properties;
        let (_, parsed) = amq_protocol::protocol::basic::parse_properties(&props[..]).unwrap();
        let headers = parsed.headers().clone().unwrap();
        assert_eq!(
            headers.inner().get("trace"),
            Some(&AMQPValue::LongString("abc".into()))
        );
        assert_eq!(
            headers.inner().get("bin"),
            Some(&AMQPValue::ByteArray(vec![0xff, 0].into()))
        );
        assert_eq!(headers.inner().get("none"), Some(&AMQPValue::Void));
        assert_eq!(got[0].1.routing_key, "k");
    }
}
