//! An application message and its journal record (docs/protocols.md, "MQTT mapping"): key = the
//! MQTT topic, value = the payload, MQTT attributes as `mqtt.*` headers, user properties as
//! plain headers. Any protocol's record on an MQTT log topic reads back as a message.

use bytes::Bytes;
use robustmq_journal::record::{read_batch, BatchWriter, Records};

use crate::codec::{Properties, QoS};

/// Header names under the reserved `mqtt.` prefix.
pub mod header {
    pub const QOS: &str = "mqtt.qos";
    pub const RETAIN: &str = "mqtt.retain";
    pub const CLIENT_ID: &str = "mqtt.client_id";
    pub const PAYLOAD_FORMAT: &str = "mqtt.payload_format";
    pub const CONTENT_TYPE: &str = "mqtt.content_type";
    pub const RESPONSE_TOPIC: &str = "mqtt.response_topic";
    pub const CORRELATION_DATA: &str = "mqtt.correlation_data";
    pub const MESSAGE_EXPIRY: &str = "mqtt.message_expiry";
    /// A user property whose own name starts with `mqtt.` is stored under this prefix.
    pub const USER_ESCAPE: &str = "mqtt.user.";
    pub const PREFIX: &str = "mqtt.";
}

/// QoS of records written by other protocols (no `mqtt.qos` header): they are durable in the
/// log, so subscribers get them at least once when their subscription asks for it.
pub const FOREIGN_QOS: QoS = QoS::AtLeastOnce;

/// An application message as the broker routes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    pub payload: Bytes,
    pub qos: QoS,
    pub retain: bool,
    /// Client id of the MQTT publisher, for No Local; `None` for other protocols.
    pub publisher: Option<String>,
    /// When it was published (record timestamp), for Message Expiry.
    pub timestamp_ms: i64,
    /// Only the properties a PUBLISH forwards: payload format, expiry, content type, response
    /// topic, correlation data, user properties.
    pub properties: Properties,
}

impl Message {
    /// Keeps only the properties that travel with the message.
    pub fn message_properties(p: &Properties) -> Properties {
        Properties {
            payload_format_indicator: p.payload_format_indicator,
            message_expiry_interval: p.message_expiry_interval,
            content_type: p.content_type.clone(),
            response_topic: p.response_topic.clone(),
            correlation_data: p.correlation_data.clone(),
            user_properties: p.user_properties.clone(),
            ..Properties::default()
        }
    }

    /// Seconds left before it expires at `now_ms`: `None` without an expiry interval, zero
    /// once expired (the interval a forwarded PUBLISH carries is what is left, 3.3.2.3.3).
    pub fn expiry_left(&self, now_ms: i64) -> Option<u32> {
        let interval = self.properties.message_expiry_interval?;
        let elapsed = ((now_ms - self.timestamp_ms).max(0) / 1000) as u64;
        Some(u64::from(interval).saturating_sub(elapsed) as u32)
    }

    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expiry_left(now_ms) == Some(0)
    }

    /// Adds this message as the next record of `w`: key = topic, value = payload, headers in
    /// the documented order.
    fn write_record(&self, w: &mut BatchWriter) {
        let mut num = itoa_buf();
        w.header(header::QOS, Some(num.format(self.qos as u8)));
        if self.retain {
            w.header(header::RETAIN, Some(b"1"));
        }
        if let Some(c) = &self.publisher {
            w.header(header::CLIENT_ID, Some(c.as_bytes()));
        }
        let p = &self.properties;
        if let Some(f) = p.payload_format_indicator {
            w.header(header::PAYLOAD_FORMAT, Some(num.format(f)));
        }
        if let Some(e) = p.message_expiry_interval {
            w.header(header::MESSAGE_EXPIRY, Some(num.format(e)));
        }
        if let Some(c) = &p.content_type {
            w.header(header::CONTENT_TYPE, Some(c.as_bytes()));
        }
        if let Some(r) = &p.response_topic {
            w.header(header::RESPONSE_TOPIC, Some(r.as_bytes()));
        }
        if let Some(c) = &p.correlation_data {
            w.header(header::CORRELATION_DATA, Some(c));
        }
        for (k, v) in &p.user_properties {
            if k.starts_with(header::PREFIX) {
                w.header(&format!("{}{k}", header::USER_ESCAPE), Some(v.as_bytes()));
            } else {
                w.header(k, Some(v.as_bytes()));
            }
        }
        w.record(
            self.timestamp_ms,
            Some(self.topic.as_bytes()),
            Some(&self.payload),
        );
    }

    /// The message a record carries, or `None` when its key is not a usable topic name.
    /// Headers are read in order, so repeated user property names survive.
    pub fn from_parts<'a>(
        key: Option<&[u8]>,
        value: Option<Bytes>,
        timestamp_ms: i64,
        headers: impl IntoIterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    ) -> Option<Message> {
        let topic = std::str::from_utf8(key?).ok()?;
        // Written by another protocol: no level cap (matching is bounded by the trie's depth).
        crate::topic::validate_name(topic, usize::MAX).ok()?;
        let mut m = Message {
            topic: topic.to_string(),
            payload: value.unwrap_or_default(),
            qos: FOREIGN_QOS,
            retain: false,
            publisher: None,
            timestamp_ms,
            properties: Properties::default(),
        };
        let text = |v: Option<&[u8]>| {
            v.map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        };
        for (k, v) in headers {
            let k = String::from_utf8_lossy(k);
            let p = &mut m.properties;
            match &*k {
                header::QOS => {
                    m.qos = text(v)
                        .parse::<u8>()
                        .ok()
                        .and_then(QoS::from_u8)
                        .unwrap_or(FOREIGN_QOS)
                }
                header::RETAIN => m.retain = v == Some(b"1"),
                header::CLIENT_ID => m.publisher = Some(text(v)),
                header::PAYLOAD_FORMAT => p.payload_format_indicator = text(v).parse().ok(),
                header::MESSAGE_EXPIRY => p.message_expiry_interval = text(v).parse().ok(),
                header::CONTENT_TYPE => p.content_type = Some(text(v)),
                header::RESPONSE_TOPIC => p.response_topic = Some(text(v)),
                header::CORRELATION_DATA => p.correlation_data = v.map(Bytes::copy_from_slice),
                k => {
                    if let Some(name) = k.strip_prefix(header::USER_ESCAPE) {
                        p.user_properties.push((name.to_string(), text(v)));
                    } else if !k.starts_with(header::PREFIX) {
                        p.user_properties.push((k.to_string(), text(v)));
                    }
                }
            }
        }
        Some(m)
    }
}

/// A small stack buffer for formatting header numbers without allocating.
struct NumBuf([u8; 10]);

fn itoa_buf() -> NumBuf {
    NumBuf([0; 10])
}

impl NumBuf {
    fn format(&mut self, v: impl Into<u32>) -> &[u8] {
        let mut v: u32 = v.into();
        let mut i = self.0.len();
        loop {
            i -= 1;
            self.0[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        &self.0[i..]
    }
}

/// One uncompressed RecordBatch v2 holding `messages`.
pub fn encode_batch(messages: &[Message]) -> Vec<u8> {
    let first = messages.first().map_or(0, |m| m.timestamp_ms);
    let mut w = BatchWriter::new(first);
    for m in messages {
        m.write_record(&mut w);
    }
    w.finish()
}

/// Every message in whole batches, with its offset; records whose key is not a topic name
/// are skipped. Compressed batches are decompressed to at most `limit` bytes each. A batch
/// that cannot be read is skipped alone, with a log line naming its offsets, and the others
/// are still returned.
pub fn decode_batches(data: &[u8], limit: usize) -> Vec<(i64, Message)> {
    let (headers, _) = robustmq_journal::batch::scan(data);
    let mut out = Vec::new();
    for (pos, h) in headers {
        let batch = &data[pos..pos + h.total_size()];
        if let Err(e) = decode_batch(batch, limit, &mut out) {
            tracing::warn!(
                base_offset = h.base_offset,
                last_offset = h.last_offset(),
                error = %e,
                "skipping a record batch MQTT cannot read"
            );
        }
    }
    out
}

fn decode_batch(
    batch: &[u8],
    limit: usize,
    out: &mut Vec<(i64, Message)>,
) -> Result<(), robustmq_journal::JournalError> {
    let plain = robustmq_journal::decompress::plain_batch(batch, limit)?;
    if let Records::Plain(records) = read_batch(&plain)? {
        out.extend(records.into_iter().filter_map(|r| {
            let value = r.value.map(Bytes::copy_from_slice);
            Message::from_parts(r.key, value, r.timestamp, r.headers).map(|m| (r.offset, m))
        }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Message {
        Message {
            topic: "sensors/1/temp".into(),
            payload: Bytes::from_static(b"\x00\xff21.5"),
            qos: QoS::ExactlyOnce,
            retain: true,
            publisher: Some("dev-1".into()),
            timestamp_ms: 1_700_000_000_000,
            properties: Properties {
                payload_format_indicator: Some(1),
                message_expiry_interval: Some(60),
                content_type: Some("text/plain".into()),
                response_topic: Some("replies/1".into()),
                correlation_data: Some(Bytes::from_static(b"\x01\x02")),
                user_properties: vec![
                    ("unit".into(), "C".into()),
                    ("mqtt.x".into(), "y".into()),
                    ("unit".into(), "K".into()),
                ],
                ..Properties::default()
            },
        }
    }

    #[test]
    fn a_message_survives_the_record_round_trip_with_repeated_user_properties() {
        let m = sample();
        let mut second = m.clone();
        second.topic = "a/b".into();
        second.timestamp_ms += 5;
        let batch = encode_batch(&[m.clone(), second.clone()]);
        assert_eq!(decode_batches(&batch, 1 << 20), vec![(0, m), (1, second)]);
    }

    #[test]
    fn kafka_clients_see_the_documented_headers() {
        let batch = encode_batch(&[sample()]);
        let mut bytes = Bytes::from(batch);
        let set = kafka_protocol::records::RecordBatchDecoder::decode(&mut bytes).unwrap();
        let r = &set.records[0];
        assert_eq!(r.key.as_deref(), Some(&b"sensors/1/temp"[..]));
        let names: Vec<&str> = r.headers.keys().map(|k| k.as_str()).collect();
        for h in [
            "mqtt.qos",
            "mqtt.retain",
            "mqtt.client_id",
            "mqtt.user.mqtt.x",
            "unit",
        ] {
            assert!(names.contains(&h), "{h} in {names:?}");
        }
        let qos = r.headers.iter().find(|(k, _)| k.as_str() == "mqtt.qos");
        assert_eq!(qos.and_then(|(_, v)| v.as_deref()), Some(&b"2"[..]));
    }

    #[test]
    fn foreign_records_read_as_qos1_with_headers_as_user_properties() {
        let mut w = BatchWriter::new(5);
        w.header("trace", Some(b"abc"));
        w.record(5, Some(b"a/b"), None);
        w.record(6, Some(b"a/+"), Some(b"bad topic"));
        w.record(7, None, Some(b"no key"));
        let got = decode_batches(&w.finish(), 1 << 20);
        assert_eq!(got.len(), 1, "records without a usable topic are skipped");
        let (offset, m) = &got[0];
        assert_eq!(*offset, 0);
        assert_eq!(m.qos, QoS::AtLeastOnce);
        assert!(m.payload.is_empty());
        assert_eq!(
            m.properties.user_properties,
            vec![("trace".into(), "abc".into())]
        );
    }

    #[test]
    fn compressed_batches_are_read_within_the_limit() {
        use kafka_protocol::records::{
            Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
        };
        let record = Record {
            transactional: false,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: -1,
            producer_id: -1,
            producer_epoch: -1,
            timestamp_type: TimestampType::Creation,
            offset: 0,
            sequence: -1,
            timestamp: 9,
            key: Some(Bytes::from_static(b"x/y")),
            value: Some(Bytes::from_static(b"zipped")),
            headers: Default::default(),
        };
        let mut buf = bytes::BytesMut::new();
        let options = RecordEncodeOptions {
            version: 2,
            compression: Compression::Gzip,
        };
        RecordBatchEncoder::encode(&mut buf, [record].iter(), &options).unwrap();
        let got = decode_batches(&buf, 1 << 20);
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].1.topic.as_str(), &got[0].1.payload[..]),
            ("x/y", &b"zipped"[..])
        );
        assert!(decode_batches(&buf, 3).is_empty(), "past the limit");
    }

    #[test]
    fn a_batch_that_cannot_be_read_is_skipped_alone() {
        let one = |topic: &str, base: i64| {
            let mut m = sample();
            m.topic = topic.into();
            let mut b = encode_batch(&[m]);
            b[0..8].copy_from_slice(&base.to_be_bytes());
            b
        };
        let mut bad = one("bad", 1);
        // Claim a second record the bytes do not hold.
        bad[57..61].copy_from_slice(&2i32.to_be_bytes());
        let data = [one("a", 0), bad, one("c", 2)].concat();
        let got: Vec<(i64, String)> = decode_batches(&data, 1 << 20)
            .into_iter()
            .map(|(o, m)| (o, m.topic))
            .collect();
        assert_eq!(got, vec![(0, "a".to_string()), (2, "c".to_string())]);
    }

    #[test]
    fn header_numbers_format_without_allocating() {
        let mut n = itoa_buf();
        assert_eq!(n.format(0u8), b"0");
        assert_eq!(n.format(u32::MAX), b"4294967295");
        assert_eq!(n.format(60u32), b"60");
    }

    #[test]
    fn expiry_counts_down_and_ends() {
        let mut m = Message {
            topic: "t".into(),
            payload: Bytes::new(),
            qos: QoS::AtMostOnce,
            retain: false,
            publisher: None,
            timestamp_ms: 10_000,
            properties: Properties::default(),
        };
        assert_eq!(m.expiry_left(99_999_999), None);
        assert!(!m.is_expired(99_999_999));
        m.properties.message_expiry_interval = Some(5);
        assert_eq!(m.expiry_left(12_500), Some(3));
        assert!(!m.is_expired(14_999));
        assert!(m.is_expired(15_000));
    }
}
