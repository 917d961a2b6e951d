//! Dead-lettering: a message rejected without requeue, expired, or dropped by a length limit
//! is republished to its queue's dead-letter exchange, with the `x-death` header RabbitMQ
//! writes (one table per queue and reason, with a count, most recent first) and the
//! `x-first-death-*` headers. Like RabbitMQ's classic queues this is at most once: the original
//! is settled when it leaves, before the copy is stored.

use amq_protocol::protocol::basic::{gen_properties, parse_properties};
use amq_protocol::protocol::BasicProperties;
use amq_protocol::types::{AMQPValue, FieldArray, FieldTable, LongString};
use bytes::Bytes;

use super::args::text;
use super::message::Message;

fn long(s: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(s))
}

/// The properties of a dead-lettered copy: `x-death` updated, per-message expiration removed
/// (RabbitMQ keeps it as `original-expiration` in the death record).
pub fn dead_properties(m: &Message, queue: &str, reason: &str, now_ms: i64) -> Option<Bytes> {
    let (_, mut props): (_, BasicProperties) = parse_properties(&m.properties[..]).ok()?;
    let mut headers = props.headers().clone().unwrap_or_default();
    let mut deaths: Vec<AMQPValue> = match headers.inner().get("x-death") {
        Some(AMQPValue::FieldArray(a)) => a.as_slice().to_vec(),
        _ => Vec::new(),
    };
    let same = |t: &FieldTable| {
        t.inner().get("queue").and_then(text).as_deref() == Some(queue)
            && t.inner().get("reason").and_then(text).as_deref() == Some(reason)
    };
    let found = deaths
        .iter()
        .position(|d| matches!(d, AMQPValue::FieldTable(t) if same(t)));
    let mut record = match found.map(|i| deaths.remove(i)) {
        Some(AMQPValue::FieldTable(t)) => t,
        _ => {
            let mut t = FieldTable::default();
            t.insert("count".into(), AMQPValue::LongLongInt(0));
            t.insert("reason".into(), long(reason));
            t.insert("queue".into(), long(queue));
            t.insert("exchange".into(), long(&m.exchange));
            let mut keys = FieldArray::default();
            keys.push(long(&m.routing_key));
            t.insert("routing-keys".into(), AMQPValue::FieldArray(keys));
            t
        }
    };
    let count = match record.inner().get("count") {
        Some(AMQPValue::LongLongInt(n)) => *n,
        Some(AMQPValue::LongInt(n)) => i64::from(*n),
        _ => 0,
    };
    record.insert(
        "count".into(),
        AMQPValue::LongLongInt(count.saturating_add(1)),
    );
    record.insert(
        "time".into(),
        AMQPValue::Timestamp((now_ms / 1000).max(0) as u64),
    );
    if let Some(exp) = props.expiration() {
        record.insert("original-expiration".into(), long(exp.as_str()));
        props = without_expiration(&props);
    }
    deaths.insert(0, AMQPValue::FieldTable(record));
    if !headers.contains_key("x-first-death-reason") {
        headers.insert("x-first-death-reason".into(), long(reason));
        headers.insert("x-first-death-queue".into(), long(queue));
        headers.insert("x-first-death-exchange".into(), long(&m.exchange));
    }
    let mut array = FieldArray::default();
    for d in deaths {
        array.push(d);
    }
    headers.insert("x-death".into(), AMQPValue::FieldArray(array));
    let props = props.with_headers(headers);
    cookie_factory::gen_simple(gen_properties(&props), Vec::new())
        .ok()
        .map(Bytes::from)
}

/// A copy of `p` without its expiration (the fields are private to amq-protocol).
fn without_expiration(p: &BasicProperties) -> BasicProperties {
    let mut n = BasicProperties::default();
    macro_rules! copy {
        ($($get:ident => $with:ident),*) => {
            $(if let Some(v) = p.$get() { n = n.$with(v.clone()); })*
        };
    }
    copy!(
        content_type => with_content_type,
        content_encoding => with_content_encoding,
        headers => with_headers,
        delivery_mode => with_delivery_mode,
        priority => with_priority,
        correlation_id => with_correlation_id,
        reply_to => with_reply_to,
        message_id => with_message_id,
        timestamp => with_timestamp,
        kind => with_type,
        user_id => with_user_id,
        app_id => with_app_id,
        cluster_id => with_cluster_id
    );
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> Message {
        let props = BasicProperties::default().with_expiration("100".into());
        Message {
            exchange: "orders".into(),
            routing_key: "new".into(),
            properties: Bytes::from(
                cookie_factory::gen_simple(gen_properties(&props), Vec::new()).unwrap(),
            ),
            body: Bytes::from_static(b"x"),
            timestamp: 0,
        }
    }

    fn deaths(raw: &[u8]) -> (BasicProperties, Vec<FieldTable>) {
        let (_, p) = parse_properties(raw).unwrap();
        let h = p.headers().clone().unwrap();
        let Some(AMQPValue::FieldArray(a)) = h.inner().get("x-death") else {
            panic!("no x-death")
        };
        let tables = a
            .as_slice()
            .iter()
            .map(|v| match v {
                AMQPValue::FieldTable(t) => t.clone(),
                _ => panic!("not a table"),
            })
            .collect();
        (p, tables)
    }

    #[test]
    fn x_death_counts_per_queue_and_reason() {
        let mut m = message();
        m.properties = dead_properties(&m, "q1", "expired", 5_000).unwrap();
        let (p, d) = deaths(&m.properties);
        assert_eq!(p.expiration(), &None);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].inner().get("count"), Some(&AMQPValue::LongLongInt(1)));
        assert_eq!(d[0].inner().get("original-expiration"), Some(&long("100")));
        m.properties = dead_properties(&m, "q2", "rejected", 6_000).unwrap();
        m.properties = dead_properties(&m, "q1", "expired", 7_000).unwrap();
        let (p, d) = deaths(&m.properties);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].inner().get("queue"), Some(&long("q1")));
        assert_eq!(d[0].inner().get("count"), Some(&AMQPValue::LongLongInt(2)));
        let h = p.headers().clone().unwrap();
        assert_eq!(h.inner().get("x-first-death-queue"), Some(&long("q1")));
        assert_eq!(
            h.inner().get("x-first-death-reason"),
            Some(&long("expired"))
        );
    }
}
