//! Exchanges and their bindings: direct (a map by routing key), fanout (every binding), topic
//! (the shared trie with AMQP's rules: `.` words, `*` one word, `#` zero or more) and headers
//! (binding arguments matched against message headers, `x-match` all/any and their
//! `-with-x` forms).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use amq_protocol::types::{AMQPValue, FieldTable};
use robustmq_trie::{Amqp, Trie};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    Direct,
    Fanout,
    Topic,
    Headers,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "direct" => Kind::Direct,
            "fanout" => Kind::Fanout,
            "topic" => Kind::Topic,
            "headers" => Kind::Headers,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::Fanout => "fanout",
            Kind::Topic => "topic",
            Kind::Headers => "headers",
        }
    }
}

/// How an exchange was declared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeDecl {
    pub name: String,
    pub kind: Kind,
    pub durable: bool,
    pub auto_delete: bool,
    pub internal: bool,
    pub arguments: FieldTable,
}

/// One binding of an exchange to a queue, or to another exchange (`to_exchange`). Arguments
/// are compared as their JSON form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BindingKey {
    /// The destination: a queue, or an exchange when `to_exchange`.
    pub queue: String,
    pub to_exchange: bool,
    pub routing_key: String,
    pub arguments: String,
}

pub struct Exchange {
    pub decl: ExchangeDecl,
    bindings: BTreeMap<BindingKey, FieldTable>,
    direct: HashMap<String, BTreeSet<Dest>>,
    topic: Trie<Amqp, BTreeSet<Dest>>,
    /// The `alternate-exchange` argument: where messages this exchange cannot route go.
    pub alternate: Option<String>,
    /// The `x-log-topic` argument: a log topic that gets every message published through
    /// this exchange (so Kafka consumers read AMQP publishes).
    pub log_topic: Option<String>,
}

/// Where a binding leads: (is an exchange, name).
pub type Dest = (bool, String);

impl Exchange {
    pub fn new(decl: ExchangeDecl) -> Exchange {
        let alternate = decl
            .arguments
            .inner()
            .get("alternate-exchange")
            .and_then(super::args::text);
        let log_topic = decl
            .arguments
            .inner()
            .get("x-log-topic")
            .and_then(super::args::text);
        Exchange {
            alternate,
            log_topic,
            decl,
            bindings: BTreeMap::new(),
            direct: HashMap::new(),
            topic: Trie::default(),
        }
    }

    pub fn bindings(&self) -> impl Iterator<Item = &BindingKey> {
        self.bindings.keys()
    }

    /// Every binding with the arguments it was made with.
    pub fn bindings_with_arguments(&self) -> impl Iterator<Item = (&BindingKey, &FieldTable)> {
        self.bindings.iter()
    }

    pub fn has_bindings(&self) -> bool {
        !self.bindings.is_empty()
    }

    /// Adds a binding; false when it was there already.
    pub fn bind(&mut self, key: BindingKey, arguments: FieldTable) -> bool {
        if self.bindings.contains_key(&key) {
            return false;
        }
        match self.decl.kind {
            Kind::Direct => {
                self.direct
                    .entry(key.routing_key.clone())
                    .or_default()
                    .insert((key.to_exchange, key.queue.clone()));
            }
            Kind::Topic => {
                self.topic
                    .get_or_insert_with(&key.routing_key, BTreeSet::new)
                    .insert((key.to_exchange, key.queue.clone()));
            }
            Kind::Fanout | Kind::Headers => {}
        }
        self.bindings.insert(key, arguments);
        true
    }

    /// Removes a binding; false when there was none.
    pub fn unbind(&mut self, key: &BindingKey) -> bool {
        if self.bindings.remove(key).is_none() {
            return false;
        }
        // Another binding with other arguments may still route this key to the queue.
        let still = self.bindings.keys().any(|k| {
            k.queue == key.queue
                && k.to_exchange == key.to_exchange
                && k.routing_key == key.routing_key
        });
        if still {
            return true;
        }
        match self.decl.kind {
            Kind::Direct => {
                if let Some(set) = self.direct.get_mut(&key.routing_key) {
                    set.remove(&(key.to_exchange, key.queue.clone()));
                    if set.is_empty() {
                        self.direct.remove(&key.routing_key);
                    }
                }
            }
            Kind::Topic => {
                self.topic.update(
                    &key.routing_key,
                    |set| set.remove(&(key.to_exchange, key.queue.clone())),
                    |set| set.is_empty(),
                );
            }
            Kind::Fanout | Kind::Headers => {}
        }
        true
    }

    /// Removes every binding to queue (or, with `to_exchange`, exchange) `name`.
    pub fn unbind_dest(&mut self, name: &str, to_exchange: bool) {
        let keys: Vec<BindingKey> = self
            .bindings
            .keys()
            .filter(|k| k.queue == name && k.to_exchange == to_exchange)
            .cloned()
            .collect();
        for k in keys {
            self.unbind(&k);
        }
    }

    /// Adds where a message goes: queues and exchanges.
    pub fn route(&self, routing_key: &str, headers: Option<&FieldTable>, out: &mut BTreeSet<Dest>) {
        match self.decl.kind {
            Kind::Direct => {
                if let Some(set) = self.direct.get(routing_key) {
                    out.extend(set.iter().cloned());
                }
            }
            Kind::Fanout => out.extend(
                self.bindings
                    .keys()
                    .map(|k| (k.to_exchange, k.queue.clone())),
            ),
            Kind::Topic => self
                .topic
                .for_each_match(routing_key, |set| out.extend(set.iter().cloned())),
            Kind::Headers => {
                let empty = FieldTable::default();
                let headers = headers.unwrap_or(&empty);
                for (k, args) in &self.bindings {
                    if headers_match(args, headers) {
                        out.insert((k.to_exchange, k.queue.clone()));
                    }
                }
            }
        }
    }
}

/// Whether a headers-exchange binding's arguments match a message's headers.
pub fn headers_match(args: &FieldTable, headers: &FieldTable) -> bool {
    let mode = match args.inner().get("x-match") {
        Some(AMQPValue::LongString(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
        Some(AMQPValue::ShortString(s)) => s.as_str().to_string(),
        _ => "all".to_string(),
    };
    let (any, with_x) = match mode.as_str() {
        "any" => (true, false),
        "any-with-x" => (true, true),
        "all-with-x" => (false, true),
        _ => (false, false),
    };
    let mut considered = args
        .inner()
        .iter()
        .filter(|(k, _)| k.as_str() != "x-match" && (with_x || !k.as_str().starts_with("x-")));
    let one = |(k, v): (&amq_protocol::types::ShortString, &AMQPValue)| match headers
        .inner()
        .get(k.as_str())
    {
        None => false,
        Some(_) if matches!(v, AMQPValue::Void) => true,
        Some(h) => values_equal(v, h),
    };
    if any {
        considered.any(one)
    } else {
        considered.all(one)
    }
}

/// Equal values; integers compare by value whatever their width, strings whatever their kind.
pub fn values_equal(a: &AMQPValue, b: &AMQPValue) -> bool {
    match (super::args::int(a), super::args::int(b)) {
        (Some(x), Some(y)) => return x == y,
        (Some(_), None) | (None, Some(_)) => return false,
        _ => {}
    }
    match (str_of(a), str_of(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn str_of(v: &AMQPValue) -> Option<&[u8]> {
    match v {
        AMQPValue::LongString(s) => Some(s.as_bytes()),
        AMQPValue::ShortString(s) => Some(s.as_str().as_bytes()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(kind: Kind) -> Exchange {
        Exchange::new(ExchangeDecl {
            name: "x".into(),
            kind,
            durable: false,
            auto_delete: false,
            internal: false,
            arguments: FieldTable::default(),
        })
    }

    fn key(queue: &str, rk: &str) -> BindingKey {
        BindingKey {
            queue: queue.into(),
            to_exchange: false,
            routing_key: rk.into(),
            arguments: "{}".into(),
        }
    }

    fn routed(e: &Exchange, rk: &str, headers: Option<&FieldTable>) -> Vec<String> {
        let mut out = BTreeSet::new();
        e.route(rk, headers, &mut out);
        out.into_iter().map(|(_, name)| name).collect()
    }

    #[test]
    fn topic_words() {
        let mut e = ex(Kind::Topic);
        e.bind(key("star", "a.*"), FieldTable::default());
        e.bind(key("hash", "a.#"), FieldTable::default());
        e.bind(key("mid", "a.#.b"), FieldTable::default());
        e.bind(key("all", "#"), FieldTable::default());
        assert_eq!(routed(&e, "a", None), ["all", "hash"]);
        assert_eq!(routed(&e, "a.b", None), ["all", "hash", "mid", "star"]);
        assert_eq!(routed(&e, "a.x.y.b", None), ["all", "hash", "mid"]);
        assert!(e.unbind(&key("all", "#")));
        assert_eq!(routed(&e, "z", None), Vec::<String>::new());
    }

    #[test]
    fn direct_keeps_a_queue_while_another_binding_routes_it() {
        let mut e = ex(Kind::Direct);
        let mut other = key("q", "k");
        other.arguments = "{\"a\":1}".into();
        e.bind(key("q", "k"), FieldTable::default());
        e.bind(other.clone(), FieldTable::default());
        e.unbind(&key("q", "k"));
        assert_eq!(routed(&e, "k", None), ["q"]);
        e.unbind(&other);
        assert!(routed(&e, "k", None).is_empty());
    }

    #[test]
    fn headers_all_any_and_x_keys() {
        let mut args = FieldTable::default();
        args.insert("x-match".into(), AMQPValue::LongString("any".into()));
        args.insert("a".into(), AMQPValue::LongInt(1));
        args.insert("x-b".into(), AMQPValue::LongString("2".into()));
        let mut h = FieldTable::default();
        h.insert("a".into(), AMQPValue::LongLongInt(1));
        assert!(headers_match(&args, &h));
        let mut only_x = FieldTable::default();
        only_x.insert("x-b".into(), AMQPValue::LongString("2".into()));
        assert!(!headers_match(&args, &only_x));
        args.insert("x-match".into(), AMQPValue::LongString("any-with-x".into()));
        assert!(headers_match(&args, &only_x));
        args.insert("x-match".into(), AMQPValue::LongString("all".into()));
        assert!(headers_match(&args, &h));
        args.insert("c".into(), AMQPValue::Void);
        assert!(!headers_match(&args, &h));
    }
}
