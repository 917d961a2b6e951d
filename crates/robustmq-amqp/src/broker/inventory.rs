//! What the admin API shows and changes of the AMQP state: exchanges, queues and bindings per
//! vhost, with arguments as JSON (as RabbitMQ's management API and `rabbitmqadmin` write
//! them). Changes go through the same paths as the protocol's declarations, as connection
//! [`ADMIN`](super::ADMIN), which may also delete, purge, bind and unbind exclusive queues.
//! Names are short strings in the protocol, so longer ones are refused here too.

use amq_protocol::types::{AMQPValue, FieldArray, FieldTable, ShortString};
use serde_json::Value;

use super::exchange::{values_equal, ExchangeDecl, Kind};
use super::queue::QueueDecl;
use super::{unknown_exchange_type, AmqpCore, ADMIN};
use crate::errors::{AmqpError, Result};

/// Nesting of JSON arguments accepted (the protocol's own limit for field tables).
const MAX_DEPTH: usize = crate::tables::MAX_DEPTH;
/// Names and routing keys are short strings in AMQP.
const MAX_NAME: usize = 255;

fn check_name(what: &str, name: &str) -> Result<()> {
    if name.len() > MAX_NAME {
        return Err(AmqpError::precondition(format!(
            "{what} is longer than {MAX_NAME} bytes"
        )));
    }
    Ok(())
}

/// Tables with the same keys whose values are equal (integers by value, whatever their width:
/// the CLI sends 64-bit integers where pika sends 32-bit ones).
fn tables_equal(a: &FieldTable, b: &FieldTable) -> bool {
    a.inner().len() == b.inner().len()
        && a.inner()
            .iter()
            .all(|(k, v)| b.inner().get(k).is_some_and(|w| value_equal(v, w)))
}

fn value_equal(a: &AMQPValue, b: &AMQPValue) -> bool {
    match (a, b) {
        (AMQPValue::FieldTable(x), AMQPValue::FieldTable(y)) => tables_equal(x, y),
        (AMQPValue::FieldArray(x), AMQPValue::FieldArray(y)) => {
            x.as_slice().len() == y.as_slice().len()
                && x.as_slice()
                    .iter()
                    .zip(y.as_slice())
                    .all(|(v, w)| value_equal(v, w))
        }
        _ => values_equal(a, b),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeInfo {
    pub vhost: String,
    pub name: String,
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    pub arguments: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueInfo {
    pub vhost: String,
    pub name: String,
    pub durable: bool,
    pub exclusive: bool,
    pub auto_delete: bool,
    pub arguments: Value,
    pub ready: u64,
    pub unacked: u64,
    pub consumers: u64,
    /// The log topic that holds its messages.
    pub topic: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BindingInfo {
    pub vhost: String,
    pub source: String,
    pub destination: String,
    /// The destination is an exchange (exchange.bind), else a queue.
    pub to_exchange: bool,
    pub routing_key: String,
    pub arguments: Value,
}

/// What to declare through the admin API.
#[derive(Debug, Clone, Default)]
pub struct Declare {
    pub vhost: String,
    pub name: String,
    /// Exchange type; ignored for queues.
    pub kind: String,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    /// A JSON object, or empty for none.
    pub arguments: String,
}

impl AmqpCore {
    /// Exchanges of one vhost, or of all when `vhost` is empty, by vhost and name.
    pub fn list_exchanges(&self, vhost: &str) -> Vec<ExchangeInfo> {
        let mut out = Vec::new();
        for (vh, v) in self.read().iter() {
            if !vhost.is_empty() && vh != vhost {
                continue;
            }
            for e in v.exchanges.values() {
                out.push(ExchangeInfo {
                    vhost: vh.clone(),
                    name: e.decl.name.clone(),
                    kind: e.decl.kind.name().to_string(),
                    durable: e.decl.durable,
                    auto_delete: e.decl.auto_delete,
                    internal: e.decl.internal,
                    arguments: table_to_json(&e.decl.arguments),
                });
            }
        }
        out.sort_by(|a, b| (&a.vhost, &a.name).cmp(&(&b.vhost, &b.name)));
        out
    }

    /// Queues of one vhost (or all) with their counts, by vhost and name.
    pub fn list_queues(&self, vhost: &str) -> Vec<QueueInfo> {
        let queues: Vec<_> = self
            .read()
            .iter()
            .filter(|(vh, _)| vhost.is_empty() || vh.as_str() == vhost)
            .flat_map(|(_, v)| v.queues.values().cloned())
            .collect();
        let mut out: Vec<QueueInfo> = queues
            .into_iter()
            .map(|q| QueueInfo {
                vhost: q.vhost.clone(),
                name: q.name().to_string(),
                durable: q.decl.durable,
                exclusive: q.decl.exclusive,
                auto_delete: q.decl.auto_delete,
                arguments: table_to_json(&q.decl.arguments),
                ready: q.ready(),
                unacked: q.unacked() as u64,
                consumers: q.consumers() as u64,
                topic: q.decl.topic.clone(),
            })
            .collect();
        out.sort_by(|a, b| (&a.vhost, &a.name).cmp(&(&b.vhost, &b.name)));
        out
    }

    /// Bindings of one vhost (or all), by vhost, source and destination.
    pub fn list_bindings(&self, vhost: &str) -> Vec<BindingInfo> {
        let mut out = Vec::new();
        for (vh, v) in self.read().iter() {
            if !vhost.is_empty() && vh != vhost {
                continue;
            }
            for (name, e) in &v.exchanges {
                for (key, args) in e.bindings_with_arguments() {
                    out.push(BindingInfo {
                        vhost: vh.clone(),
                        source: name.clone(),
                        destination: key.queue.clone(),
                        to_exchange: key.to_exchange,
                        routing_key: key.routing_key.clone(),
                        arguments: table_to_json(args),
                    });
                }
            }
        }
        out.sort_by(|a, b| {
            (&a.vhost, &a.source, &a.destination, &a.routing_key).cmp(&(
                &b.vhost,
                &b.source,
                &b.destination,
                &b.routing_key,
            ))
        });
        out
    }

    /// Declares an exchange; an existing one must be equivalent (406 otherwise).
    pub fn admin_declare_exchange(&self, d: Declare) -> Result<()> {
        check_name("an exchange name", &d.name)?;
        let kind = Kind::parse(&d.kind).ok_or_else(|| unknown_exchange_type(&d.kind))?;
        let decl = ExchangeDecl {
            name: d.name,
            kind,
            durable: d.durable,
            auto_delete: d.auto_delete,
            internal: d.internal,
            arguments: json_to_table(&d.arguments)?,
        };
        self.exchange_declare(&d.vhost, decl, false)
    }

    /// Declares a queue (never exclusive: no connection would own it); returns its name.
    pub fn admin_declare_queue(&self, d: Declare) -> Result<String> {
        check_name("a queue name", &d.name)?;
        let decl = QueueDecl {
            name: d.name,
            durable: d.durable,
            exclusive: false,
            auto_delete: d.auto_delete,
            arguments: json_to_table(&d.arguments)?,
            topic: String::new(),
        };
        Ok(self.queue_declare(&d.vhost, decl, false, ADMIN)?.0)
    }

    /// Deletes a queue; returns the messages it held.
    pub fn admin_delete_queue(
        &self,
        vhost: &str,
        name: &str,
        if_unused: bool,
        if_empty: bool,
    ) -> Result<u32> {
        self.queue(vhost, name, ADMIN)?;
        self.queue_delete(vhost, name, if_unused, if_empty, ADMIN)
    }

    /// Deletes an exchange (404 when there is none, unlike exchange.delete).
    pub fn admin_delete_exchange(&self, vhost: &str, name: &str, if_unused: bool) -> Result<()> {
        let exists = self
            .read()
            .get(vhost)
            .is_some_and(|v| v.exchanges.contains_key(name));
        if !exists {
            return Err(AmqpError::not_found(format!(
                "no exchange '{name}' in vhost '{vhost}'"
            )));
        }
        self.exchange_delete(vhost, name, if_unused)
    }

    pub fn admin_purge_queue(&self, vhost: &str, name: &str) -> Result<u32> {
        self.queue_purge(vhost, name, ADMIN)
    }

    /// Binds (or unbinds) a queue or exchange `destination` to exchange `source`.
    /// Removing one that does not exist is NOT_FOUND; its arguments are matched by value.
    pub fn admin_binding(&self, b: &BindingInfo, arguments: &str, bind: bool) -> Result<()> {
        for (what, name) in [
            ("a source exchange name", &b.source),
            ("a destination name", &b.destination),
            ("a routing key", &b.routing_key),
        ] {
            check_name(what, name)?;
        }
        let mut table = json_to_table(arguments)?;
        if !bind {
            table = self.existing_binding(b, &table)?;
        }
        match (b.to_exchange, bind) {
            (true, _) => self.bind_exchange(
                &b.vhost,
                &b.destination,
                &b.source,
                &b.routing_key,
                table,
                bind,
            ),
            (false, true) => self.bind(
                &b.vhost,
                &b.destination,
                &b.source,
                &b.routing_key,
                table,
                ADMIN,
            ),
            (false, false) => self.unbind(
                &b.vhost,
                &b.destination,
                &b.source,
                &b.routing_key,
                &table,
                ADMIN,
            ),
        }
    }
}

impl AmqpCore {
    /// The arguments of the existing binding `b` whose arguments equal `table` by value.
    fn existing_binding(&self, b: &BindingInfo, table: &FieldTable) -> Result<FieldTable> {
        let r = self.read();
        let found = r
            .get(&b.vhost)
            .and_then(|v| v.exchanges.get(&b.source))
            .and_then(|e| {
                e.bindings_with_arguments().find(|(k, args)| {
                    k.queue == b.destination
                        && k.to_exchange == b.to_exchange
                        && k.routing_key == b.routing_key
                        && tables_equal(args, table)
                })
            })
            .map(|(_, args)| args.clone());
        found.ok_or_else(|| {
            AmqpError::not_found(format!(
                "no binding from '{}' to '{}' with routing key '{}' and those arguments in vhost '{}'",
                b.source, b.destination, b.routing_key, b.vhost
            ))
        })
    }
}

/// A field table as JSON: integers and floats as numbers, strings as strings, byte arrays
/// and non-UTF-8 long strings as arrays of numbers, timestamps as numbers, decimals as
/// strings.
pub fn table_to_json(t: &FieldTable) -> Value {
    Value::Object(
        t.inner()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), value_to_json(v)))
            .collect(),
    )
}

fn value_to_json(v: &AMQPValue) -> Value {
    match v {
        AMQPValue::Boolean(b) => Value::Bool(*b),
        AMQPValue::Float(f) => {
            serde_json::Number::from_f64(f64::from(*f)).map_or(Value::Null, Value::Number)
        }
        AMQPValue::Double(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        AMQPValue::DecimalValue(d) => Value::String(decimal_text(d.scale, d.value)),
        AMQPValue::ShortString(s) => Value::String(s.as_str().to_string()),
        AMQPValue::LongString(s) => match std::str::from_utf8(s.as_bytes()) {
            Ok(text) => Value::String(text.to_string()),
            Err(_) => Value::Array(s.as_bytes().iter().map(|b| Value::from(*b)).collect()),
        },
        AMQPValue::FieldArray(a) => Value::Array(a.as_slice().iter().map(value_to_json).collect()),
        AMQPValue::Timestamp(t) => Value::from(*t),
        AMQPValue::FieldTable(t) => table_to_json(t),
        AMQPValue::ByteArray(b) => {
            Value::Array(b.as_slice().iter().map(|x| Value::from(*x)).collect())
        }
        AMQPValue::Void => Value::Null,
        other => match super::args::int(other) {
            Some(i) => i64::try_from(i).map_or_else(|_| Value::String(i.to_string()), Value::from),
            None => Value::Null,
        },
    }
}

/// A decimal as text: value 15 with scale 1 is "1.5".
pub fn decimal_text(scale: u8, value: u32) -> String {
    let digits = value.to_string();
    let scale = usize::from(scale);
    if scale == 0 {
        return digits;
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{int}.{frac}")
}

/// A JSON object as a field table, as RabbitMQ's management API converts it: integers to
/// signed 64-bit, other numbers to doubles, strings to long strings, arrays and objects
/// nested, null to void. Empty text is an empty table.
pub fn json_to_table(text: &str) -> Result<FieldTable> {
    if text.trim().is_empty() {
        return Ok(FieldTable::default());
    }
    let bad = |why: String| AmqpError::precondition(format!("invalid arguments: {why}"));
    let value: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    match json_to_value(&value, 0).map_err(bad)? {
        AMQPValue::FieldTable(t) => Ok(t),
        _ => Err(bad("expected a JSON object".into())),
    }
}

fn json_to_value(v: &Value, depth: usize) -> std::result::Result<AMQPValue, String> {
    if depth > MAX_DEPTH {
        return Err(format!("nested deeper than {MAX_DEPTH} levels"));
    }
    Ok(match v {
        Value::Null => AMQPValue::Void,
        Value::Bool(b) => AMQPValue::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => AMQPValue::LongLongInt(i),
            None => AMQPValue::Double(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => AMQPValue::LongString(s.as_str().into()),
        Value::Array(items) => {
            let mut a = FieldArray::default();
            for item in items {
                a.push(json_to_value(item, depth + 1)?);
            }
            AMQPValue::FieldArray(a)
        }
        Value::Object(map) => {
            let mut t = FieldTable::default();
            for (k, item) in map {
                let key = ShortString::try_new(k.as_str())
                    .map_err(|_| format!("key '{k}' is longer than 255 bytes"))?;
                t.insert(key, json_to_value(item, depth + 1)?);
            }
            AMQPValue::FieldTable(t)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_arguments_round_trip_as_rabbitmq_converts_them() {
        let t = json_to_table(r#"{"x-message-ttl": 60000, "x-queue-type": "quorum", "f": 1.5, "b": true, "n": null, "a": [1, "x"], "o": {"k": 2}}"#).unwrap();
        assert_eq!(
            t.inner().get("x-message-ttl"),
            Some(&AMQPValue::LongLongInt(60000))
        );
        assert_eq!(t.inner().get("f"), Some(&AMQPValue::Double(1.5)));
        let back = table_to_json(&t);
        assert_eq!(back["x-queue-type"], "quorum");
        assert_eq!(back["a"][1], "x");
        assert_eq!(back["o"]["k"], 2);
        assert!(back["n"].is_null());
        assert_eq!(json_to_table("").unwrap(), FieldTable::default());
    }

    #[test]
    fn decimals_read_as_decimals() {
        assert_eq!(decimal_text(1, 15), "1.5");
        assert_eq!(decimal_text(3, 5), "0.005");
        assert_eq!(decimal_text(0, 42), "42");
        assert_eq!(decimal_text(255, 1).len(), 257);
    }

    #[test]
    fn bad_json_arguments_are_refused() {
        assert!(json_to_table("[1]").is_err());
        assert!(json_to_table("{").is_err());
        let long_key = format!("{{\"{}\": 1}}", "k".repeat(256));
        assert!(json_to_table(&long_key).is_err());
        let deep = format!("{{\"a\": {}1{}}}", "[".repeat(40), "]".repeat(40));
        assert!(json_to_table(&deep).is_err());
    }
}
