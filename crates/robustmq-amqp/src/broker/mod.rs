//! The AMQP state of a node: per virtual host its exchanges (with bindings) and queues (each
//! a one-partition log topic). Declarations are in meta (namespaces `amqp.exchanges`,
//! `amqp.queues`, `amqp.bindings`), and each queue's delivery state in `amqp.acks`.
//!
//! Declarations are ordered by one mutex that nothing on the message path takes; the meta
//! write happens under it, and the in-memory maps (read by every publish) are locked only to
//! apply the change after the write.

pub mod exchange;
pub mod message;
pub mod queue;
pub mod settled;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use amq_protocol::types::{AMQPValue, FieldTable};
use robustmq_broker::Broker;
use robustmq_meta::off_worker;

use crate::errors::{AmqpError, Result, ACCESS_REFUSED, COMMAND_INVALID, RESOURCE_LOCKED};
use exchange::{BindingKey, Exchange, ExchangeDecl, Kind};
use queue::{Persisted, Queue, QueueDecl};

const NS_EXCHANGES: &str = "amqp.exchanges";
const NS_QUEUES: &str = "amqp.queues";
const NS_BINDINGS: &str = "amqp.bindings";
const NS_ACKS: &str = "amqp.acks";
pub const DEFAULT_VHOST: &str = "/";

/// Settings of the AMQP core.
#[derive(Debug, Clone)]
pub struct AmqpConfig {
    pub allow_anonymous: bool,
    pub max_message_bytes: usize,
    pub channel_max: u16,
    pub frame_max: u32,
    pub heartbeat_secs: u16,
    /// Unacknowledged deliveries per consumer when it asked for no limit (prefetch 0).
    pub max_unacked_per_consumer: u32,
    pub max_queues: usize,
    pub max_exchanges: usize,
    pub max_bindings: usize,
    pub max_consumers_per_channel: usize,
}

impl Default for AmqpConfig {
    fn default() -> Self {
        AmqpConfig {
            allow_anonymous: true,
            max_message_bytes: 16 * 1024 * 1024,
            channel_max: 2047,
            frame_max: 131_072,
            heartbeat_secs: 60,
            max_unacked_per_consumer: 10_000,
            max_queues: 100_000,
            max_exchanges: 10_000,
            max_bindings: 1_000_000,
            max_consumers_per_channel: 1_000,
        }
    }
}

#[derive(Default)]
struct Vhost {
    exchanges: HashMap<String, Exchange>,
    queues: HashMap<String, Arc<Queue>>,
}

pub struct AmqpCore {
    pub broker: Arc<Broker>,
    pub config: AmqpConfig,
    vhosts: RwLock<HashMap<String, Vhost>>,
    declare: Mutex<()>,
    next_id: AtomicU64,
}

fn key2(vhost: &str, name: &str) -> String {
    format!("{vhost}\n{name}")
}

fn binding_entry(vhost: &str, exchange: &str, b: &BindingKey) -> String {
    format!(
        "{vhost}\n{exchange}\n{}\n{}\n{}",
        b.queue, b.routing_key, b.arguments
    )
}

fn args_key(args: &FieldTable) -> String {
    serde_json::to_string(args).unwrap_or_default()
}

fn predeclared() -> Vec<ExchangeDecl> {
    [
        ("amq.direct", Kind::Direct),
        ("amq.fanout", Kind::Fanout),
        ("amq.topic", Kind::Topic),
        ("amq.headers", Kind::Headers),
        ("amq.match", Kind::Headers),
    ]
    .into_iter()
    .map(|(name, kind)| ExchangeDecl {
        name: name.into(),
        kind,
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: FieldTable::default(),
    })
    .collect()
}

fn inequivalent(
    what: &str,
    name: &str,
    vhost: &str,
    arg: &str,
    got: String,
    have: String,
) -> AmqpError {
    AmqpError::precondition(format!(
        "inequivalent arg '{arg}' for {what} '{name}' in vhost '{vhost}': received '{got}' but current is '{have}'"
    ))
}

/// Queue arguments this server honours; any other `x-` argument is refused rather than
/// silently ignored.
fn check_queue_arguments(args: &FieldTable) -> Result<()> {
    for (k, v) in args.inner() {
        let k = k.as_str();
        match k {
            "x-queue-type" => {
                let kind = match v {
                    AMQPValue::LongString(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
                    AMQPValue::ShortString(s) => s.as_str().to_string(),
                    _ => String::new(),
                };
                if kind != "classic" && kind != "quorum" {
                    return Err(AmqpError::precondition(format!(
                        "invalid arg 'x-queue-type': '{kind}' is not supported (classic and quorum are, both durable on the journal)"
                    )));
                }
            }
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
    Ok(())
}

impl AmqpCore {
    /// Loads declarations from meta, opening every durable queue's log; non-durable and
    /// exclusive queues of the previous run are deleted with their logs.
    pub fn load(broker: Arc<Broker>, config: AmqpConfig) -> Result<Arc<AmqpCore>> {
        let meta = Arc::clone(&broker.meta);
        let mut vh = Vhost::default();
        for d in predeclared() {
            vh.exchanges.insert(d.name.clone(), Exchange::new(d));
        }
        let mut vhosts = HashMap::new();
        vhosts.insert(DEFAULT_VHOST.to_string(), vh);
        for (_, v) in meta.entries(NS_EXCHANGES)? {
            let Ok((vhost, d)) = serde_json::from_slice::<(String, ExchangeDecl)>(&v) else {
                continue;
            };
            let vh = vhosts.entry(vhost).or_default();
            vh.exchanges.insert(d.name.clone(), Exchange::new(d));
        }
        let acks: HashMap<String, Persisted> = meta
            .entries(NS_ACKS)?
            .into_iter()
            .filter_map(|(k, v)| Some((k, serde_json::from_slice(&v).ok()?)))
            .collect();
        let read_limit = config.max_message_bytes.saturating_mul(2).max(1 << 20);
        for (key, v) in meta.entries(NS_QUEUES)? {
            let Ok((vhost, d)) = serde_json::from_slice::<(String, QueueDecl)>(&v) else {
                continue;
            };
            if !d.durable || d.exclusive {
                tracing::info!(queue = %d.name, "deleting a non-durable AMQP queue of the previous run");
                if broker.topics.get(&d.topic).is_some() {
                    broker.topics.delete(&d.topic)?;
                }
                meta.delete_entry(NS_ACKS, &d.topic)?;
                meta.delete_entry(NS_QUEUES, &key)?;
                continue;
            }
            let Some(log) = broker.topics.partition(&d.topic, 0) else {
                tracing::warn!(queue = %d.name, topic = %d.topic, "AMQP queue without its log topic; dropping the queue");
                meta.delete_entry(NS_QUEUES, &key)?;
                continue;
            };
            let persisted = acks.get(&d.topic).cloned().unwrap_or_default();
            let q = Queue::new(&vhost, d, None, log, persisted, read_limit);
            let vh = vhosts.entry(vhost).or_default();
            vh.queues.insert(q.name().to_string(), q);
        }
        for (key, v) in meta.entries(NS_BINDINGS)? {
            let parts: Vec<&str> = key.splitn(5, '\n').collect();
            let [vhost, ex, queue, rk, args] = parts[..] else {
                continue;
            };
            let table: FieldTable = serde_json::from_slice(&v).unwrap_or_default();
            let Some(vh) = vhosts.get_mut(vhost) else {
                continue;
            };
            if !vh.queues.contains_key(queue) {
                meta.delete_entry(NS_BINDINGS, &key)?;
                continue;
            }
            if let Some(e) = vh.exchanges.get_mut(ex) {
                e.bind(
                    BindingKey {
                        queue: queue.into(),
                        routing_key: rk.into(),
                        arguments: args.into(),
                    },
                    table,
                );
            }
        }
        let queues: usize = vhosts.values().map(|v| v.queues.len()).sum();
        tracing::info!(queues, "amqp state loaded");
        Ok(Arc::new(AmqpCore {
            broker,
            config,
            vhosts: RwLock::new(vhosts),
            declare: Mutex::new(()),
            next_id: AtomicU64::new(1),
        }))
    }

    /// Starts the delivery task of every loaded queue.
    pub fn start_queues(&self) {
        for vh in self.read().values() {
            for q in vh.queues.values() {
                tokio::spawn(Arc::clone(q).run());
            }
        }
    }

    /// A number unique in this process (connections, consumers).
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Vhost>> {
        self.vhosts.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Vhost>> {
        self.vhosts.write().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_declare(&self) -> std::sync::MutexGuard<'_, ()> {
        self.declare.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn vhost_exists(&self, vhost: &str) -> bool {
        self.read().contains_key(vhost)
    }

    pub fn exchange_declare(&self, vhost: &str, d: ExchangeDecl, passive: bool) -> Result<()> {
        let _g = self.lock_declare();
        if d.name.is_empty() {
            return Err(AmqpError::channel(
                ACCESS_REFUSED,
                "operation not permitted on the default exchange",
            ));
        }
        let existing = self
            .read()
            .get(vhost)
            .and_then(|v| v.exchanges.get(&d.name).map(|e| e.decl.clone()));
        if let Some(have) = existing {
            if passive {
                return Ok(());
            }
            let ineq = |arg: &str, got: String, have: String| {
                Err(inequivalent("exchange", &d.name, vhost, arg, got, have))
            };
            if have.kind != d.kind {
                return ineq("type", d.kind.name().into(), have.kind.name().into());
            }
            if have.durable != d.durable {
                return ineq("durable", d.durable.to_string(), have.durable.to_string());
            }
            if have.auto_delete != d.auto_delete {
                return ineq(
                    "auto_delete",
                    d.auto_delete.to_string(),
                    have.auto_delete.to_string(),
                );
            }
            if have.internal != d.internal {
                return ineq(
                    "internal",
                    d.internal.to_string(),
                    have.internal.to_string(),
                );
            }
            return Ok(());
        }
        if passive {
            return Err(AmqpError::not_found(format!(
                "no exchange '{}' in vhost '{vhost}'",
                d.name
            )));
        }
        if d.name.starts_with("amq.") {
            return Err(AmqpError::channel(
                ACCESS_REFUSED,
                format!(
                    "exchange name '{}' contains reserved prefix 'amq.*'",
                    d.name
                ),
            ));
        }
        let count: usize = self.read().values().map(|v| v.exchanges.len()).sum();
        if count >= self.config.max_exchanges {
            return Err(AmqpError::precondition(format!(
                "exchange limit reached ({} exchanges; amqp.max_exchanges)",
                self.config.max_exchanges
            )));
        }
        if d.durable {
            let v = serde_json::to_vec(&(vhost, &d)).map_err(AmqpError::internal)?;
            let meta = &self.broker.meta;
            off_worker(|| meta.put_entry(NS_EXCHANGES, &key2(vhost, &d.name), &v, true))?;
        }
        let mut w = self.write();
        w.entry(vhost.to_string())
            .or_default()
            .exchanges
            .insert(d.name.clone(), Exchange::new(d));
        Ok(())
    }

    pub fn exchange_delete(&self, vhost: &str, name: &str, if_unused: bool) -> Result<()> {
        let _g = self.lock_declare();
        if name.is_empty() || name.starts_with("amq.") {
            return Err(AmqpError::channel(
                ACCESS_REFUSED,
                format!("operation not permitted on exchange '{name}'"),
            ));
        }
        let bindings: Option<Vec<BindingKey>> = self
            .read()
            .get(vhost)
            .and_then(|v| v.exchanges.get(name))
            .map(|e| e.bindings().cloned().collect());
        let Some(bindings) = bindings else {
            return Ok(());
        };
        if if_unused && !bindings.is_empty() {
            return Err(AmqpError::precondition(format!(
                "exchange '{name}' in vhost '{vhost}' in use"
            )));
        }
        self.forget_exchange(vhost, name, &bindings)
    }

    fn forget_exchange(&self, vhost: &str, name: &str, bindings: &[BindingKey]) -> Result<()> {
        let keys: Vec<String> = bindings
            .iter()
            .map(|b| binding_entry(vhost, name, b))
            .collect();
        let mut changes: Vec<(&str, Option<&[u8]>)> =
            keys.iter().map(|k| (k.as_str(), None)).collect();
        let meta = &self.broker.meta;
        off_worker(|| {
            meta.write_entries(NS_BINDINGS, &changes, true)?;
            changes.clear();
            meta.delete_entry(NS_EXCHANGES, &key2(vhost, name))
        })?;
        if let Some(v) = self.write().get_mut(vhost) {
            v.exchanges.remove(name);
        }
        Ok(())
    }

    /// Declares (or checks) a queue; returns its name, ready messages and consumers.
    pub fn queue_declare(
        &self,
        vhost: &str,
        mut d: QueueDecl,
        passive: bool,
        conn: u64,
    ) -> Result<(String, u32, u32)> {
        let _g = self.lock_declare();
        let generated = d.name.is_empty();
        if generated {
            d.name = format!("amq.gen-{}", uuid::Uuid::new_v4().simple());
        }
        let existing = self
            .read()
            .get(vhost)
            .and_then(|v| v.queues.get(&d.name).cloned());
        if let Some(q) = existing {
            check_owner(&q, conn)?;
            let counts = (q.name().to_string(), q.ready() as u32, q.consumers() as u32);
            if passive {
                return Ok(counts);
            }
            let have = &q.decl;
            let ineq = |arg: &str, got: bool, have: bool| {
                Err(inequivalent(
                    "queue",
                    &d.name,
                    vhost,
                    arg,
                    got.to_string(),
                    have.to_string(),
                ))
            };
            if have.durable != d.durable {
                return ineq("durable", d.durable, have.durable);
            }
            if have.exclusive != d.exclusive {
                return ineq("exclusive", d.exclusive, have.exclusive);
            }
            if have.auto_delete != d.auto_delete {
                return ineq("auto_delete", d.auto_delete, have.auto_delete);
            }
            for (k, v) in d.arguments.inner() {
                if k.as_str().starts_with("x-") && have.arguments.inner().get(k) != Some(v) {
                    return Err(inequivalent(
                        "queue",
                        &d.name,
                        vhost,
                        k.as_str(),
                        format!("{v:?}"),
                        format!("{:?}", have.arguments.inner().get(k)),
                    ));
                }
            }
            return Ok(counts);
        }
        if passive {
            return Err(AmqpError::not_found(format!(
                "no queue '{}' in vhost '{vhost}'",
                d.name
            )));
        }
        if !generated && d.name.starts_with("amq.") {
            return Err(AmqpError::channel(
                ACCESS_REFUSED,
                format!("queue name '{}' contains reserved prefix 'amq.*'", d.name),
            ));
        }
        check_queue_arguments(&d.arguments)?;
        let count: usize = self.read().values().map(|v| v.queues.len()).sum();
        if count >= self.config.max_queues {
            return Err(AmqpError::precondition(format!(
                "queue limit reached ({} queues; amqp.max_queues)",
                self.config.max_queues
            )));
        }
        d.topic = self.create_topic(vhost, &d.name)?;
        let v = serde_json::to_vec(&(vhost, &d)).map_err(AmqpError::internal)?;
        let meta = &self.broker.meta;
        off_worker(|| meta.put_entry(NS_QUEUES, &key2(vhost, &d.name), &v, true))?;
        let Some(log) = self.broker.topics.partition(&d.topic, 0) else {
            return Err(AmqpError::internal(format!(
                "the log of queue '{}' is missing",
                d.name
            )));
        };
        let owner = d.exclusive.then_some(conn);
        let read_limit = self.config.max_message_bytes.saturating_mul(2).max(1 << 20);
        let q = Queue::new(vhost, d, owner, log, Persisted::default(), read_limit);
        tokio::spawn(Arc::clone(&q).run());
        let name = q.name().to_string();
        self.write()
            .entry(vhost.to_string())
            .or_default()
            .queues
            .insert(name.clone(), q);
        Ok((name, 0, 0))
    }

    /// The log topic for a new queue: `amqp.<name>` when the name is a valid topic name and
    /// free, else `amqp.q-<uuid>`.
    fn create_topic(&self, vhost: &str, name: &str) -> Result<String> {
        let max = self
            .config
            .max_message_bytes
            .saturating_add(64 * 1024)
            .min(i32::MAX as usize);
        let configs: BTreeMap<String, String> = [
            ("retention.ms", "-1".to_string()),
            ("retention.bytes", "-1".to_string()),
            ("max.message.bytes", max.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let readable = format!("amqp.{name}");
        let mut candidates = Vec::new();
        if vhost == DEFAULT_VHOST
            && robustmq_broker::topics::validate_name(&readable).is_ok()
            && self.broker.topics.get(&readable).is_none()
        {
            candidates.push(readable);
        }
        candidates.push(format!("amqp.q-{}", uuid::Uuid::new_v4().simple()));
        let mut last = None;
        for topic in candidates {
            match self.broker.topics.create(&topic, 1, configs.clone()) {
                Ok(_) => return Ok(topic),
                Err(e) => last = Some(e),
            }
        }
        Err(last.map_or_else(|| AmqpError::internal("no topic name"), AmqpError::from))
    }

    /// A queue this connection may use.
    pub fn queue(&self, vhost: &str, name: &str, conn: u64) -> Result<Arc<Queue>> {
        let q = self
            .read()
            .get(vhost)
            .and_then(|v| v.queues.get(name).cloned())
            .ok_or_else(|| AmqpError::not_found(format!("no queue '{name}' in vhost '{vhost}'")))?;
        check_owner(&q, conn)?;
        Ok(q)
    }

    /// Deletes a queue; returns the messages it held. Deleting a queue that does not exist
    /// succeeds, as in RabbitMQ.
    pub fn queue_delete(
        &self,
        vhost: &str,
        name: &str,
        if_unused: bool,
        if_empty: bool,
        conn: u64,
    ) -> Result<u32> {
        let _g = self.lock_declare();
        let q = match self.queue(vhost, name, conn) {
            Ok(q) => q,
            Err(e) if e.code == crate::errors::NOT_FOUND => return Ok(0),
            Err(e) => return Err(e),
        };
        if if_unused && q.consumers() > 0 {
            return Err(AmqpError::precondition(format!(
                "queue '{name}' in vhost '{vhost}' in use"
            )));
        }
        let ready = q.ready();
        if if_empty && ready > 0 {
            return Err(AmqpError::precondition(format!(
                "queue '{name}' in vhost '{vhost}' is not empty"
            )));
        }
        self.remove_queue(&q)?;
        Ok(ready as u32)
    }

    fn remove_queue(&self, q: &Arc<Queue>) -> Result<()> {
        let vhost = q.vhost.as_str();
        let bound: Vec<(String, BindingKey)> = self
            .read()
            .get(vhost)
            .map(|v| {
                v.exchanges
                    .iter()
                    .flat_map(|(ex, e)| {
                        e.bindings()
                            .filter(|b| b.queue == q.name())
                            .map(|b| (ex.clone(), b.clone()))
                            .collect::<Vec<_>>()
                    })
                    .collect()
            })
            .unwrap_or_default();
        let keys: Vec<String> = bound
            .iter()
            .map(|(ex, b)| binding_entry(vhost, ex, b))
            .collect();
        let changes: Vec<(&str, Option<&[u8]>)> = keys.iter().map(|k| (k.as_str(), None)).collect();
        let meta = &self.broker.meta;
        let topic = q.decl.topic.clone();
        off_worker(|| -> Result<()> {
            meta.write_entries(NS_BINDINGS, &changes, true)?;
            meta.delete_entry(NS_QUEUES, &key2(vhost, q.name()))?;
            meta.delete_entry(NS_ACKS, &topic)?;
            Ok(())
        })?;
        let mut emptied = Vec::new();
        {
            let mut w = self.write();
            if let Some(v) = w.get_mut(vhost) {
                v.queues.remove(q.name());
                for (ex, _) in &bound {
                    if let Some(e) = v.exchanges.get_mut(ex) {
                        e.unbind_queue(q.name());
                        if e.decl.auto_delete && !e.has_bindings() {
                            emptied.push(ex.clone());
                        }
                    }
                }
            }
        }
        q.delete();
        if self.broker.topics.get(&topic).is_some() {
            off_worker(|| self.broker.topics.delete(&topic))?;
        }
        for ex in emptied {
            self.forget_exchange(vhost, &ex, &[])?;
        }
        Ok(())
    }

    pub fn queue_purge(&self, vhost: &str, name: &str, conn: u64) -> Result<u32> {
        Ok(self.queue(vhost, name, conn)?.purge() as u32)
    }

    pub fn bind(
        &self,
        vhost: &str,
        queue: &str,
        exchange: &str,
        routing_key: &str,
        arguments: FieldTable,
        conn: u64,
    ) -> Result<()> {
        let _g = self.lock_declare();
        let (q, durable) = self.binding_ends(vhost, queue, exchange, conn)?;
        let key = BindingKey {
            queue: q.name().to_string(),
            routing_key: routing_key.to_string(),
            arguments: args_key(&arguments),
        };
        let total: usize = self
            .read()
            .values()
            .flat_map(|v| v.exchanges.values())
            .map(|e| e.bindings().count())
            .sum();
        if total >= self.config.max_bindings {
            return Err(AmqpError::precondition(format!(
                "binding limit reached ({}; amqp.max_bindings)",
                self.config.max_bindings
            )));
        }
        if durable && q.decl.durable {
            let v = serde_json::to_vec(&arguments).map_err(AmqpError::internal)?;
            let meta = &self.broker.meta;
            off_worker(|| {
                meta.put_entry(NS_BINDINGS, &binding_entry(vhost, exchange, &key), &v, true)
            })?;
        }
        if let Some(e) = self
            .write()
            .get_mut(vhost)
            .and_then(|v| v.exchanges.get_mut(exchange))
        {
            e.bind(key, arguments);
        }
        Ok(())
    }

    pub fn unbind(
        &self,
        vhost: &str,
        queue: &str,
        exchange: &str,
        routing_key: &str,
        arguments: &FieldTable,
        conn: u64,
    ) -> Result<()> {
        let _g = self.lock_declare();
        let (q, _) = self.binding_ends(vhost, queue, exchange, conn)?;
        let key = BindingKey {
            queue: q.name().to_string(),
            routing_key: routing_key.to_string(),
            arguments: args_key(arguments),
        };
        let meta = &self.broker.meta;
        off_worker(|| meta.delete_entry(NS_BINDINGS, &binding_entry(vhost, exchange, &key)))?;
        let mut emptied = false;
        if let Some(e) = self
            .write()
            .get_mut(vhost)
            .and_then(|v| v.exchanges.get_mut(exchange))
        {
            e.unbind(&key);
            emptied = e.decl.auto_delete && !e.has_bindings();
        }
        if emptied {
            self.forget_exchange(vhost, exchange, &[])?;
        }
        Ok(())
    }

    /// The queue and whether the exchange is durable, for a bind or unbind.
    fn binding_ends(
        &self,
        vhost: &str,
        queue: &str,
        exchange: &str,
        conn: u64,
    ) -> Result<(Arc<Queue>, bool)> {
        if exchange.is_empty() {
            return Err(AmqpError::channel(
                ACCESS_REFUSED,
                "operation not permitted on the default exchange",
            ));
        }
        let durable = self
            .read()
            .get(vhost)
            .and_then(|v| v.exchanges.get(exchange).map(|e| e.decl.durable))
            .ok_or_else(|| {
                AmqpError::not_found(format!("no exchange '{exchange}' in vhost '{vhost}'"))
            })?;
        Ok((self.queue(vhost, queue, conn)?, durable))
    }

    /// The queues a publish goes to.
    pub fn route(
        &self,
        vhost: &str,
        exchange: &str,
        routing_key: &str,
        headers: Option<&FieldTable>,
    ) -> Result<Vec<Arc<Queue>>> {
        let r = self.read();
        let Some(v) = r.get(vhost) else {
            return Ok(Vec::new());
        };
        if exchange.is_empty() {
            return Ok(v.queues.get(routing_key).cloned().into_iter().collect());
        }
        let e = v.exchanges.get(exchange).ok_or_else(|| {
            AmqpError::not_found(format!("no exchange '{exchange}' in vhost '{vhost}'"))
        })?;
        if e.decl.internal {
            return Err(AmqpError::channel(
                ACCESS_REFUSED,
                format!("cannot publish to internal exchange '{exchange}' in vhost '{vhost}'"),
            ));
        }
        let mut names = BTreeSet::new();
        e.route(routing_key, headers, &mut names);
        Ok(names
            .iter()
            .filter_map(|n| v.queues.get(n).cloned())
            .collect())
    }

    /// Deletes the exclusive queues of a closed connection, and auto-delete queues whose last
    /// consumer it was.
    pub fn connection_closed(&self, conn: u64) {
        let owned: Vec<Arc<Queue>> = self
            .read()
            .values()
            .flat_map(|v| v.queues.values())
            .filter(|q| q.owner == Some(conn))
            .cloned()
            .collect();
        let _g = self.lock_declare();
        for q in owned {
            if let Err(e) = self.remove_queue(&q) {
                tracing::warn!(queue = q.name(), error = %e, "cannot delete an exclusive queue");
            }
        }
    }

    /// Deletes an auto-delete queue after its last consumer went.
    pub fn auto_delete(&self, q: &Arc<Queue>) {
        let _g = self.lock_declare();
        if q.is_deleted() || q.consumers() > 0 {
            return;
        }
        if let Err(e) = self.remove_queue(q) {
            tracing::warn!(queue = q.name(), error = %e, "cannot auto-delete a queue");
        }
    }

    /// Writes changed delivery state of every queue, in one meta write per round; every
    /// second also lets the log drop what every consumer has settled.
    pub async fn run_background(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        let mut rounds = 0u64;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => {
                    self.persist_acks().await;
                    return;
                }
            }
            self.persist_acks().await;
            rounds += 1;
            if rounds.is_multiple_of(50) {
                self.trim_logs().await;
            }
        }
    }

    fn all_queues(&self) -> Vec<Arc<Queue>> {
        self.read()
            .values()
            .flat_map(|v| v.queues.values().cloned())
            .collect()
    }

    async fn persist_acks(&self) {
        let dirty: Vec<(Arc<Queue>, Vec<u8>)> = self
            .all_queues()
            .into_iter()
            .filter_map(|q| {
                let p = q.take_dirty()?;
                let v = serde_json::to_vec(&p).ok()?;
                Some((q, v))
            })
            .collect();
        if dirty.is_empty() {
            return;
        }
        let meta = Arc::clone(&self.broker.meta);
        let entries: Vec<(String, Vec<u8>)> = dirty
            .iter()
            .filter(|(q, _)| !q.is_deleted())
            .map(|(q, v)| (q.decl.topic.clone(), v.clone()))
            .collect();
        let written = tokio::task::spawn_blocking(move || {
            let changes: Vec<(&str, Option<&[u8]>)> = entries
                .iter()
                .map(|(k, v)| (k.as_str(), Some(v.as_slice())))
                .collect();
            // Survives a crash of the process (the write-ahead log is in the OS's cache); an
            // acknowledgement lost to a power cut means a redelivery, never a loss.
            meta.write_entries(NS_ACKS, &changes, false)
        })
        .await;
        if !matches!(written, Ok(Ok(()))) {
            tracing::warn!("cannot persist AMQP acknowledgements; retrying");
            for (q, _) in dirty {
                q.mark_dirty();
            }
        }
    }

    async fn trim_logs(&self) {
        let queues = self.all_queues();
        let _ = tokio::task::spawn_blocking(move || {
            for q in queues {
                let floor = q.settled_floor();
                let start = q.log.stats().map(|s| s.log_start_offset).unwrap_or(0);
                if floor > start {
                    let _ = q.log.delete_records_before(floor);
                }
            }
        })
        .await;
    }
}

fn check_owner(q: &Queue, conn: u64) -> Result<()> {
    match q.owner {
        Some(owner) if owner != conn => Err(AmqpError::channel(
            RESOURCE_LOCKED,
            format!(
                "cannot obtain exclusive access to locked queue '{}' in vhost '{}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.",
                q.name(),
                q.vhost
            ),
        )),
        _ => Ok(()),
    }
}

/// An exchange type this server does not know: a connection error, as in RabbitMQ.
pub fn unknown_exchange_type(kind: &str) -> AmqpError {
    AmqpError::connection(COMMAND_INVALID, format!("unknown exchange type '{kind}'"))
}
