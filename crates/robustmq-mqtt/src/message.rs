//! An application message and its journal record (docs/protocols.md, "MQTT mapping"): key = the
//! MQTT topic, value = the payload, MQTT attributes as `mqtt.*` headers, user properties as
//! plain headers. Any protocol's record on an MQTT log topic reads back as a message.

use bytes::{Bytes, BytesMut};
use kafka_protocol::indexmap::IndexMap;
use kafka_protocol::protocol::StrBytes;
use kafka_protocol::records::{
    Compression, Record, RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};

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

    pub fn to_record(&self, offset_delta: i64) -> Record {
        let mut headers: IndexMap<StrBytes, Option<Bytes>> = IndexMap::new();
        let mut put = |k: &str, v: Bytes| {
            headers.insert(StrBytes::from_string(k.to_string()), Some(v));
        };
        put(header::QOS, Bytes::from((self.qos as u8).to_string()));
        if self.retain {
            put(header::RETAIN, Bytes::from_static(b"1"));
        }
        if let Some(c) = &self.publisher {
            put(header::CLIENT_ID, Bytes::from(c.clone()));
        }
        let p = &self.properties;
        if let Some(f) = p.payload_format_indicator {
            put(header::PAYLOAD_FORMAT, Bytes::from(f.to_string()));
        }
        if let Some(e) = p.message_expiry_interval {
            put(header::MESSAGE_EXPIRY, Bytes::from(e.to_string()));
        }
        if let Some(c) = &p.content_type {
            put(header::CONTENT_TYPE, Bytes::from(c.clone()));
        }
        if let Some(r) = &p.response_topic {
            put(header::RESPONSE_TOPIC, Bytes::from(r.clone()));
        }
        if let Some(c) = &p.correlation_data {
            put(header::CORRELATION_DATA, c.clone());
        }
        let mut record = Record {
            transactional: false,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: -1,
            producer_id: -1,
            producer_epoch: -1,
            timestamp_type: TimestampType::Creation,
            offset: offset_delta,
            sequence: -1,
            timestamp: self.timestamp_ms,
            key: Some(Bytes::from(self.topic.clone())),
            value: Some(self.payload.clone()),
            headers,
        };
        for (k, v) in &p.user_properties {
            let name = if k.starts_with(header::PREFIX) {
                format!("{}{k}", header::USER_ESCAPE)
            } else {
                k.clone()
            };
            // kafka-protocol keys headers by name: a repeated user property name keeps its
            // last value (docs/protocols.md says so).
            record
                .headers
                .insert(StrBytes::from_string(name), Some(Bytes::from(v.clone())));
        }
        record
    }

    /// The message a record carries, or `None` when its key is not a usable topic name.
    pub fn from_record(r: &Record) -> Option<Message> {
        let topic = std::str::from_utf8(r.key.as_deref()?).ok()?;
        crate::topic::validate_name(topic).ok()?;
        let mut m = Message {
            topic: topic.to_string(),
            payload: r.value.clone().unwrap_or_default(),
            qos: FOREIGN_QOS,
            retain: false,
            publisher: None,
            timestamp_ms: r.timestamp,
            properties: Properties::default(),
        };
        let text = |v: &Option<Bytes>| {
            v.as_deref()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        };
        for (k, v) in &r.headers {
            let k: &str = k.as_ref();
            let p = &mut m.properties;
            match k {
                header::QOS => {
                    m.qos = text(v)
                        .parse::<u8>()
                        .ok()
                        .and_then(QoS::from_u8)
                        .unwrap_or(FOREIGN_QOS)
                }
                header::RETAIN => m.retain = text(v) == "1",
                header::CLIENT_ID => m.publisher = Some(text(v)),
                header::PAYLOAD_FORMAT => p.payload_format_indicator = text(v).parse().ok(),
                header::MESSAGE_EXPIRY => p.message_expiry_interval = text(v).parse().ok(),
                header::CONTENT_TYPE => p.content_type = Some(text(v)),
                header::RESPONSE_TOPIC => p.response_topic = Some(text(v)),
                header::CORRELATION_DATA => p.correlation_data = v.clone(),
                _ => {
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

/// One uncompressed RecordBatch v2 holding `messages`.
pub fn encode_batch(messages: &[&Message]) -> Result<Vec<u8>, String> {
    let records: Vec<Record> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| m.to_record(i as i64))
        .collect();
    let mut buf = BytesMut::new();
    let options = RecordEncodeOptions {
        version: 2,
        compression: Compression::None,
    };
    RecordBatchEncoder::encode(&mut buf, records.iter(), &options).map_err(|e| e.to_string())?;
    // Reuses the buffer's allocation: no copy.
    Ok(Vec::from(buf))
}

/// Every record of whole batches, with its offset (compressed batches included).
pub fn decode_batches(data: &[u8]) -> Result<Vec<Record>, String> {
    let mut bytes = Bytes::copy_from_slice(data);
    let sets = RecordBatchDecoder::decode_all(&mut bytes).map_err(|e| e.to_string())?;
    Ok(sets
        .into_iter()
        .flat_map(|s| s.records)
        .filter(|r| !r.control)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_survives_the_record_round_trip() {
        let m = Message {
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
                user_properties: vec![("unit".into(), "C".into()), ("mqtt.x".into(), "y".into())],
                ..Properties::default()
            },
        };
        let batch = encode_batch(&[&m]).unwrap();
        let records = decode_batches(&batch).unwrap();
        assert_eq!(records.len(), 1);
        let r = &records[0];
        assert_eq!(r.key.as_deref(), Some(&b"sensors/1/temp"[..]));
        assert!(r
            .headers
            .contains_key(&StrBytes::from_static_str("mqtt.user.mqtt.x")));
        assert_eq!(Message::from_record(r).unwrap(), m);
    }

    #[test]
    fn foreign_records_read_as_qos1_with_headers_as_user_properties() {
        let mut headers = IndexMap::new();
        headers.insert(
            StrBytes::from_static_str("trace"),
            Some(Bytes::from_static(b"abc")),
        );
        let r = Record {
            transactional: false,
            control: false,
            delete_horizon: false,
            partition_leader_epoch: -1,
            producer_id: -1,
            producer_epoch: -1,
            timestamp_type: TimestampType::Creation,
            offset: 0,
            sequence: -1,
            timestamp: 5,
            key: Some(Bytes::from_static(b"a/b")),
            value: None,
            headers,
        };
        let m = Message::from_record(&r).unwrap();
        assert_eq!(m.qos, QoS::AtLeastOnce);
        assert!(m.payload.is_empty());
        assert_eq!(
            m.properties.user_properties,
            vec![("trace".into(), "abc".into())]
        );
        let mut bad = r.clone();
        bad.key = Some(Bytes::from_static(b"a/+"));
        assert!(Message::from_record(&bad).is_none());
        bad.key = None;
        assert!(Message::from_record(&bad).is_none());
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
