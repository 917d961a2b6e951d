//! An AMQP message as a log record: key = routing key, value = body, and the exchange and the
//! content-header properties (as the publisher sent their bytes) in `amqp.*` headers, so
//! AMQP -> log -> AMQP is lossless. For consumers of other protocols each property is also
//! written as readable text (`amqp.content-type`, ...) and each scalar entry of the `headers`
//! table as `amqp.header.<name>`.
//!
//! Records written by other protocols (Kafka, MQTT) come without `amqp.properties`: their
//! `amqp.<property>` and `amqp.header.<name>` headers become those properties and header
//! entries, and every other record header an entry of the `headers` table (values as byte
//! strings, a null value as void).

use amq_protocol::protocol::BasicProperties;
use amq_protocol::types::{AMQPValue, ByteArray, FieldTable, LongString, ShortString};

use super::inventory::table_to_json;
use bytes::Bytes;
use robustmq_journal::record::{read_batch, BatchWriter, Records};

use crate::codec::NO_PROPERTIES;

pub const H_EXCHANGE: &str = "amqp.exchange";
pub const H_PROPERTIES: &str = "amqp.properties";
/// The prefix of a `headers` table entry written as a record header.
pub const H_HEADER: &str = "amqp.header.";
/// Bytes of readable `amqp.header.*` values written per message at most; entries past it are
/// left out (they are in `amqp.properties` all the same).
pub const READABLE_BUDGET: usize = 16 * 1024;

/// The readable record header of each property (all but `headers`).
const PROPERTY_HEADERS: [&str; 13] = [
    "amqp.content-type",
    "amqp.content-encoding",
    "amqp.delivery-mode",
    "amqp.priority",
    "amqp.correlation-id",
    "amqp.reply-to",
    "amqp.expiration",
    "amqp.message-id",
    "amqp.timestamp",
    "amqp.type",
    "amqp.user-id",
    "amqp.app-id",
    "amqp.cluster-id",
];

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
        readable_headers(&m.properties, &mut w);
        w.record(now_ms, Some(m.routing_key.as_bytes()), Some(&m.body));
    }
    w.finish()
}

/// Each property as text, and each scalar `headers` entry as `amqp.header.<name>` (tables and
/// arrays as JSON, byte arrays as their bytes). Nothing to do for a message without properties.
fn readable_headers(raw: &[u8], w: &mut BatchWriter) {
    if raw.get(..2).is_none_or(|flags| flags == [0, 0]) {
        return;
    }
    let Ok((_, p)) = amq_protocol::protocol::basic::parse_properties(raw) else {
        return;
    };
    let short = |v: &Option<ShortString>| v.as_ref().map(|s| s.as_str().as_bytes().to_vec());
    let values: [Option<Vec<u8>>; 13] = [
        short(p.content_type()),
        short(p.content_encoding()),
        p.delivery_mode().map(|v| v.to_string().into_bytes()),
        p.priority().map(|v| v.to_string().into_bytes()),
        short(p.correlation_id()),
        short(p.reply_to()),
        short(p.expiration()),
        short(p.message_id()),
        p.timestamp().map(|v| v.to_string().into_bytes()),
        short(p.kind()),
        short(p.user_id()),
        short(p.app_id()),
        short(p.cluster_id()),
    ];
    for (name, value) in PROPERTY_HEADERS.iter().zip(values) {
        if let Some(v) = value {
            w.header(name, Some(&v));
        }
    }
    if let Some(headers) = p.headers() {
        let mut budget = READABLE_BUDGET;
        for (k, v) in headers.inner() {
            let name = format!("{H_HEADER}{}", k.as_str());
            let text = header_text(v);
            let size = name.len() + text.as_ref().map_or(0, Vec::len);
            if size > budget {
                continue;
            }
            budget -= size;
            w.header(&name, text.as_deref());
        }
    }
}

/// A header table value as the bytes of a record header (`None` for void).
fn header_text(v: &AMQPValue) -> Option<Vec<u8>> {
    Some(match v {
        AMQPValue::Void => return None,
        AMQPValue::LongString(s) => s.as_bytes().to_vec(),
        AMQPValue::ShortString(s) => s.as_str().as_bytes().to_vec(),
        AMQPValue::ByteArray(b) => b.as_slice().to_vec(),
        AMQPValue::Boolean(b) => b.to_string().into_bytes(),
        AMQPValue::Float(f) => f.to_string().into_bytes(),
        AMQPValue::Double(f) => f.to_string().into_bytes(),
        AMQPValue::Timestamp(t) => t.to_string().into_bytes(),
        AMQPValue::DecimalValue(d) => super::inventory::decimal_text(d.scale, d.value).into_bytes(),
        AMQPValue::FieldTable(_) | AMQPValue::FieldArray(_) => {
            let mut t = FieldTable::default();
            t.insert("v".into(), v.clone());
            table_to_json(&t)["v"].to_string().into_bytes()
        }
        other => match super::args::int(other) {
            Some(i) => i.to_string().into_bytes(),
            None => Vec::new(),
        },
    })
}

/// Properties from the readable `amqp.<property>` headers of a record another protocol wrote
/// (values that do not parse are left out), with `headers` as the table.
fn from_readable(readable: &[(usize, &[u8])], headers: FieldTable) -> BasicProperties {
    let mut p = BasicProperties::default();
    let text = |v: &[u8]| ShortString::try_new(String::from_utf8_lossy(v).into_owned()).ok();
    let num = |v: &[u8]| {
        std::str::from_utf8(v)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
    };
    for &(i, v) in readable {
        p = match i {
            0 => match text(v) {
                Some(s) => p.with_content_type(s),
                None => p,
            },
            1 => match text(v) {
                Some(s) => p.with_content_encoding(s),
                None => p,
            },
            2 => match num(v).and_then(|n| u8::try_from(n).ok()) {
                Some(n) => p.with_delivery_mode(n),
                None => p,
            },
            3 => match num(v).and_then(|n| u8::try_from(n).ok()) {
                Some(n) => p.with_priority(n),
                None => p,
            },
            4 => match text(v) {
                Some(s) => p.with_correlation_id(s),
                None => p,
            },
            5 => match text(v) {
                Some(s) => p.with_reply_to(s),
                None => p,
            },
            6 => match text(v) {
                Some(s) => p.with_expiration(s),
                None => p,
            },
            7 => match text(v) {
                Some(s) => p.with_message_id(s),
                None => p,
            },
            8 => match num(v) {
                Some(n) => p.with_timestamp(n),
                None => p,
            },
            9 => match text(v) {
                Some(s) => p.with_type(s),
                None => p,
            },
            10 => match text(v) {
                Some(s) => p.with_user_id(s),
                None => p,
            },
            11 => match text(v) {
                Some(s) => p.with_app_id(s),
                None => p,
            },
            12 => match text(v) {
                Some(s) => p.with_cluster_id(s),
                None => p,
            },
            _ => p,
        };
    }
    if headers.inner().is_empty() {
        p
    } else {
        p.with_headers(headers)
    }
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
            let mut readable: Vec<(usize, &[u8])> = Vec::new();
            for (k, v) in &r.headers {
                match (*k, v) {
                    (k, Some(v)) if k == H_EXCHANGE.as_bytes() => {
                        exchange = String::from_utf8_lossy(v).into_owned()
                    }
                    (k, Some(v)) if k == H_PROPERTIES.as_bytes() && v.len() >= 2 => {
                        properties = Some(Bytes::copy_from_slice(v))
                    }
                    (k, Some(v)) if PROPERTY_HEADERS.iter().any(|p| p.as_bytes() == k) => {
                        if let Some(i) = PROPERTY_HEADERS.iter().position(|p| p.as_bytes() == k) {
                            readable.push((i, v));
                        }
                    }
                    (k, v) => {
                        // `amqp.header.x` is entry `x`; names longer than a short string
                        // cannot be table keys.
                        let k = k.strip_prefix(H_HEADER.as_bytes()).unwrap_or(k);
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
                .unwrap_or_else(|| generated(from_readable(&readable, foreign)));
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

/// The property bytes of `props` (none when it is empty).
fn generated(props: BasicProperties) -> Bytes {
    if props == BasicProperties::default() {
        return Bytes::from_static(NO_PROPERTIES);
    }
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

    fn record_headers(batch: &[u8]) -> Vec<(String, Option<Vec<u8>>)> {
        let Ok(Records::Plain(records)) = read_batch(batch) else {
            panic!("a plain batch")
        };
        records[0]
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(k).into_owned(),
                    v.map(|v| v.to_vec()),
                )
            })
            .collect()
    }

    #[test]
    fn properties_and_headers_are_written_as_readable_record_headers() {
        let mut table = FieldTable::default();
        table.insert("s".into(), AMQPValue::LongString("text".into()));
        table.insert("n".into(), AMQPValue::LongInt(-5));
        table.insert("b".into(), AMQPValue::Boolean(true));
        table.insert("v".into(), AMQPValue::Void);
        let props = BasicProperties::default()
            .with_content_type("application/json".into())
            .with_delivery_mode(2)
            .with_priority(3)
            .with_timestamp(1_700_000_000)
            .with_message_id("m-1".into())
            .with_headers(table);
        let raw = cookie_factory::gen_simple(
            amq_protocol::protocol::basic::gen_properties(&props),
            Vec::new(),
        )
        .unwrap();
        let m = Message {
            exchange: "ex".into(),
            routing_key: "k".into(),
            properties: Bytes::from(raw),
            body: Bytes::from_static(b"{}"),
            timestamp: 0,
        };
        let h = record_headers(&encode(&[&m], 0));
        let get = |k: &str| h.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        assert_eq!(
            get("amqp.content-type"),
            Some(Some(b"application/json".to_vec()))
        );
        assert_eq!(get("amqp.delivery-mode"), Some(Some(b"2".to_vec())));
        assert_eq!(get("amqp.priority"), Some(Some(b"3".to_vec())));
        assert_eq!(get("amqp.timestamp"), Some(Some(b"1700000000".to_vec())));
        assert_eq!(get("amqp.message-id"), Some(Some(b"m-1".to_vec())));
        assert_eq!(get("amqp.header.s"), Some(Some(b"text".to_vec())));
        assert_eq!(get("amqp.header.n"), Some(Some(b"-5".to_vec())));
        assert_eq!(get("amqp.header.b"), Some(Some(b"true".to_vec())));
        assert_eq!(get("amqp.header.v"), Some(None));
        assert_eq!(
            get("amqp.reply-to"),
            None,
            "absent properties are not written"
        );
        // AMQP reads back the original bytes, not the readable copies.
        let got = decode_batches(&encode(&[&m], 0), 1 << 20);
        assert_eq!(got[0].1, m);
    }

    #[test]
    fn readable_headers_from_another_protocol_become_properties() {
        let mut w = BatchWriter::new(0);
        w.header("amqp.content-type", Some(b"text/plain"));
        w.header("amqp.delivery-mode", Some(b"2"));
        w.header("amqp.priority", Some(b"300")); // not a u8: left out
        w.header("amqp.correlation-id", Some(b"c-9"));
        w.header("amqp.header.tenant", Some(b"acme"));
        w.header("trace", Some(b"t-1"));
        w.record(0, Some(b"k"), Some(b"v"));
        let got = decode_batches(&w.finish(), 1 << 20);
        let (_, p) =
            amq_protocol::protocol::basic::parse_properties(&got[0].1.properties[..]).unwrap();
        assert_eq!(
            p.content_type().as_ref().map(|s| s.as_str()),
            Some("text/plain")
        );
        assert_eq!(*p.delivery_mode(), Some(2));
        assert_eq!(*p.priority(), None);
        assert_eq!(p.correlation_id().as_ref().map(|s| s.as_str()), Some("c-9"));
        let headers = p.headers().clone().unwrap();
        assert_eq!(
            headers.inner().get("tenant"),
            Some(&AMQPValue::LongString("acme".into()))
        );
        assert_eq!(
            headers.inner().get("trace"),
            Some(&AMQPValue::LongString("t-1".into()))
        );
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
