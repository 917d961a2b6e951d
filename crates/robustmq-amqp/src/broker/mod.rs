//! The AMQP state of a node: per virtual host its exchanges (with bindings) and queues (each
//! a one-partition log topic). Declarations are in meta (namespaces `amqp.vhosts`,
//! `amqp.exchanges`, `amqp.queues`, `amqp.bindings`), and each queue's delivery state in
//! `amqp.acks`.
//!
//! Declarations are ordered by one mutex that nothing on the message path takes; the meta
//! write happens under it, and the in-memory maps (read by every publish) are locked only to
//! apply the change after the write.

pub mod args;
pub mod deadletter;
pub mod exchange;
pub mod inventory;
pub mod message;
pub mod queue;
pub mod settled;
pub mod stream;
pub mod vhosts;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use amq_protocol::types::FieldTable;
use robustmq_broker::Broker;
use robustmq_meta::off_worker;

use crate::errors::{AmqpError, Result, ACCESS_REFUSED, COMMAND_INVALID, RESOURCE_LOCKED};
use args::QueueArgs;
use exchange::{BindingKey, Exchange, ExchangeDecl, Kind};
use queue::{DeadLetter, Persisted, Queue, QueueDecl, QueueOptions};

const NS_EXCHANGES: &str = "amqp.exchanges";
const NS_QUEUES: &str = "amqp.queues";
const NS_BINDINGS: &str = "amqp.bindings";
const NS_ACKS: &str = "amqp.acks";
/// The pseudo-queue of direct reply-to, and the prefix of the addresses it hands out.
pub const REPLY_TO: &str = "amq.rabbitmq.reply-to";
pub const REPLY_TO_PREFIX: &str = "amq.rabbitmq.reply-to.";
/// Dead letters waiting to be republished; more are dropped with a warning.
const DEAD_LETTER_QUEUE: usize = 10_000;
pub const DEFAULT_VHOST: &str = "/";
/// The connection id of operations made through the admin API: never a connection's (ids
/// start at 1), and allowed on exclusive queues, as RabbitMQ's management API is.
pub const ADMIN: u64 = 0;

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
    /// Below this much free space on the data directory's file system, publishing
    /// connections are blocked (`connection.blocked`) until it is free again.
    pub disk_free_limit_bytes: u64,
    /// Above this resident memory, publishing connections are blocked; 0 is 40 % of the
    /// machine's memory.
    pub memory_high_watermark_bytes: u64,
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
            disk_free_limit_bytes: 50_000_000,
            memory_high_watermark_bytes: 0,
        }
    }
}

struct Vhost {
    /// Unique in this process: a vhost deleted and made again is another one, so connections
    /// opened on the first close (see [`AmqpCore::vhost_id`]).
    id: u64,
    exchanges: HashMap<String, Exchange>,
    queues: HashMap<String, Arc<Queue>>,
}

pub struct AmqpCore {
    pub broker: Arc<Broker>,
    pub config: AmqpConfig,
    vhosts: RwLock<HashMap<String, Vhost>>,
    declare: Mutex<()>,
    /// Orders writes of delivery state with queue deletions, so a late write never brings
    /// back the state of a deleted queue.
    acks_write: Arc<Mutex<()>>,
    next_id: AtomicU64,
    dead_tx: tokio::sync::mpsc::Sender<DeadLetter>,
    /// Direct reply-to consumers by the token in their address.
    reply_to: Mutex<HashMap<String, ReplyTarget>>,
    /// Why publishers are blocked (the resource alarms that are on), or `None`.
    pub blocked: tokio::sync::watch::Sender<Option<String>>,
    /// The disk and memory alarms, each with its reason when on.
    alarms: Mutex<[Option<String>; 2]>,
    /// Bumped when a vhost is deleted: its connections close.
    pub vhosts_changed: tokio::sync::watch::Sender<u64>,
    dead_rx: Mutex<Option<tokio::sync::mpsc::Receiver<DeadLetter>>>,
}

/// Meta keys are JSON arrays of the names, so no name can run into the next.
fn key2(vhost: &str, name: &str) -> String {
    serde_json::to_string(&(vhost, name)).unwrap_or_default()
}

fn binding_entry(vhost: &str, exchange: &str, b: &BindingKey) -> String {
    serde_json::to_string(&(
        vhost,
        exchange,
        b.to_exchange,
        &b.queue,
        &b.routing_key,
        &b.arguments,
    ))
    .unwrap_or_default()
}

/// `value` as stored in meta, refused (406) when it would not load again: JSON has no NaN or
/// infinity and bounds nesting, and a declaration that fails to load would vanish.
fn storable<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) -> Result<Vec<u8>> {
    let refused = || {
        AmqpError::precondition(
            "arguments that cannot be stored (a NaN or infinite float, or tables nested too deeply)",
        )
    };
    let bytes = serde_json::to_vec(value).map_err(|_| refused())?;
    serde_json::from_slice::<T>(&bytes).map_err(|_| refused())?;
    Ok(bytes)
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

/// Where replies to one direct reply-to address go.
pub struct ReplyTarget {
    pub tx: tokio::sync::mpsc::Sender<queue::ToConnection>,
    pub channel: u16,
    pub consumer_tag: String,
}

impl AmqpCore {
    pub fn register_reply(&self, token: String, target: ReplyTarget) {
        self.reply_to
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(token, target);
    }

    pub fn unregister_reply(&self, token: &str) {
        self.reply_to
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(token);
    }

    /// Hands a reply to the consumer behind `token`; false when there is none. At most once,
    /// as in RabbitMQ: a reply to a consumer whose connection is full is dropped.
    pub fn send_reply(&self, token: &str, message: Arc<message::Message>) -> bool {
        let replies = self.reply_to.lock().unwrap_or_else(|p| p.into_inner());
        let Some(t) = replies.get(token) else {
            return false;
        };
        let reply = queue::ToConnection::Reply {
            channel: t.channel,
            consumer_tag: t.consumer_tag.clone(),
            message,
        };
        if t.tx.try_send(reply).is_err() {
            tracing::warn!("dropping a direct reply-to reply: its consumer's connection is full");
        }
        true
    }

    /// Loads declarations from meta, opening every durable queue's log; non-durable and
    /// exclusive queues of the previous run are deleted with their logs.
    pub fn load(broker: Arc<Broker>, config: AmqpConfig) -> Result<Arc<AmqpCore>> {
        let meta = Arc::clone(&broker.meta);
        let mut vhosts = HashMap::new();
        vhosts.insert(DEFAULT_VHOST.to_string(), vhosts::new_vhost());
        let stored: HashSet<String> = meta
            .entries(vhosts::NS_VHOSTS)?
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        for name in &stored {
            vhosts.insert(name.clone(), vhosts::new_vhost());
        }
        for (_, v) in meta.entries(NS_EXCHANGES)? {
            let Ok((vhost, d)) = serde_json::from_slice::<(String, ExchangeDecl)>(&v) else {
                tracing::error!(key = %String::from_utf8_lossy(&v), "cannot read an AMQP exchange from meta; skipping it");
                continue;
            };
            let vh = vhosts.entry(vhost).or_insert_with(vhosts::new_vhost);
            vh.exchanges.insert(d.name.clone(), Exchange::new(d));
        }
        let acks: HashMap<String, Persisted> = meta
            .entries(NS_ACKS)?
            .into_iter()
            .filter_map(|(k, v)| Some((k, serde_json::from_slice(&v).ok()?)))
            .collect();
        let read_limit = config.max_message_bytes.saturating_mul(2).max(1 << 20);
        let (dead_tx, dead_rx) = tokio::sync::mpsc::channel(DEAD_LETTER_QUEUE);
        for (key, v) in meta.entries(NS_QUEUES)? {
            let Ok((vhost, d)) = serde_json::from_slice::<(String, QueueDecl)>(&v) else {
                tracing::error!(key = %key, "cannot read an AMQP queue from meta; skipping it");
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
            let args = QueueArgs::parse(&d.name, &vhost, &d.arguments).unwrap_or_default();
            let options = QueueOptions {
                read_limit,
                dead_letters: args.dead_letter_exchange.as_ref().map(|_| dead_tx.clone()),
                args,
            };
            let q = Queue::new(&vhost, d, None, log, persisted, options);
            let vh = vhosts.entry(vhost).or_insert_with(vhosts::new_vhost);
            vh.queues.insert(q.name().to_string(), q);
        }
        for (key, v) in meta.entries(NS_BINDINGS)? {
            let Ok((vhost, ex, to_exchange, dest, rk, args)) =
                serde_json::from_str::<(String, String, bool, String, String, String)>(&key)
            else {
                tracing::error!(key = %key, "cannot read an AMQP binding from meta; skipping it");
                continue;
            };
            let table: FieldTable = serde_json::from_slice(&v).unwrap_or_default();
            let Some(vh) = vhosts.get_mut(&vhost) else {
                continue;
            };
            let exists = if to_exchange {
                vh.exchanges.contains_key(&dest)
            } else {
                vh.queues.contains_key(&dest)
            };
            if !exists {
                meta.delete_entry(NS_BINDINGS, &key)?;
                continue;
            }
            if let Some(e) = vh.exchanges.get_mut(&ex) {
                e.bind(
                    BindingKey {
                        queue: dest,
                        to_exchange,
                        routing_key: rk,
                        arguments: args,
                    },
                    table,
                );
            }
        }
        // A vhost known only from its declarations (its own entry lost) is stored again, so
        // it does not vanish once they are gone.
        for name in vhosts.keys() {
            if name != DEFAULT_VHOST && !stored.contains(name) {
                tracing::warn!(vhost = %name, "amqp vhost without its meta entry; storing it again");
                meta.put_entry(vhosts::NS_VHOSTS, name, b"{}", true)?;
            }
        }
        let queues: usize = vhosts.values().map(|v| v.queues.len()).sum();
        tracing::info!(queues, "amqp state loaded");
        Ok(Arc::new(AmqpCore {
            broker,
            config,
            vhosts: RwLock::new(vhosts),
            declare: Mutex::new(()),
            acks_write: Arc::new(Mutex::new(())),
            next_id: AtomicU64::new(1),
            dead_tx,
            dead_rx: Mutex::new(Some(dead_rx)),
            reply_to: Mutex::new(HashMap::new()),
            blocked: tokio::sync::watch::Sender::new(None),
            alarms: Mutex::new([None, None]),
            vhosts_changed: tokio::sync::watch::Sender::new(0),
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

    /// Declarations wait for each other (and for meta writes) off the runtime's workers.
    fn lock_declare(&self) -> std::sync::MutexGuard<'_, ()> {
        off_worker(|| self.declare.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn vhost_exists(&self, vhost: &str) -> bool {
        self.read().contains_key(vhost)
    }

    pub fn exchange_declare(&self, vhost: &str, d: ExchangeDecl, passive: bool) -> Result<()> {
        let _g = self.lock_declare();
        self.check_vhost(vhost)?;
        if d.name.is_empty() {
            return Err(default_exchange_refused());
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
        if let Some(v) = d.arguments.inner().get("x-log-topic") {
            let topic = args::text(v).unwrap_or_default();
            let invalid = |why: String| {
                AmqpError::precondition(format!(
                    "invalid arg 'x-log-topic' for exchange '{}' in vhost '{vhost}': {why}",
                    d.name
                ))
            };
            robustmq_broker::topics::validate_name(&topic).map_err(|e| invalid(e.to_string()))?;
            match off_worker(|| self.broker.topic_or_create(&topic)) {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Err(invalid(format!(
                        "topic '{topic}' does not exist and broker.auto_create_topics is off"
                    )))
                }
                Err(e) => return Err(invalid(e.to_string())),
            }
        }
        if d.durable {
            let v = storable(&(vhost.to_string(), d.clone()))?;
            let meta = &self.broker.meta;
            off_worker(|| meta.put_entry(NS_EXCHANGES, &key2(vhost, &d.name), &v, true))?;
        }
        if let Some(v) = self.write().get_mut(vhost) {
            v.exchanges.insert(d.name.clone(), Exchange::new(d));
        }
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

    /// Every binding (with its source exchange) whose destination is queue, or with
    /// `to_exchange` exchange, `name`.
    fn bindings_to(&self, vhost: &str, name: &str, to_exchange: bool) -> Vec<(String, BindingKey)> {
        let r = self.read();
        let Some(v) = r.get(vhost) else {
            return Vec::new();
        };
        v.exchanges
            .iter()
            .flat_map(|(ex, e)| {
                e.bindings()
                    .filter(|b| b.to_exchange == to_exchange && b.queue == name)
                    .map(move |b| (ex.clone(), b.clone()))
            })
            .collect()
    }

    fn forget_exchange(&self, vhost: &str, name: &str, bindings: &[BindingKey]) -> Result<()> {
        // Its own bindings, and those of other exchanges to it.
        let to_it = self.bindings_to(vhost, name, true);
        let keys: Vec<String> = bindings
            .iter()
            .map(|b| binding_entry(vhost, name, b))
            .chain(to_it.iter().map(|(ex, b)| binding_entry(vhost, ex, b)))
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
            for (ex, _) in &to_it {
                if let Some(e) = v.exchanges.get_mut(ex) {
                    e.unbind_dest(name, true);
                }
            }
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
        self.check_vhost(vhost)?;
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
            q.touch();
            // A stream has no ready messages to count (RabbitMQ answers 0 too).
            let ready = if q.is_stream() { 0 } else { q.ready() as u32 };
            let counts = (q.name().to_string(), ready, q.consumers() as u32);
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
                let same = have
                    .arguments
                    .inner()
                    .get(k)
                    .is_some_and(|h| exchange::values_equal(h, v));
                if k.as_str().starts_with("x-") && !same {
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
        let args = QueueArgs::parse(&d.name, vhost, &d.arguments)?;
        if args.stream.is_some() {
            // As RabbitMQ: a stream is durable and shared.
            let refused = [
                (!d.durable, "non-durable"),
                (d.exclusive, "exclusive-owner"),
                (d.auto_delete, "auto-delete"),
            ];
            if let Some((_, property)) = refused.iter().find(|(bad, _)| *bad) {
                return Err(AmqpError::precondition(format!(
                    "invalid property '{property}' for queue '{}' in vhost '{vhost}'",
                    d.name
                )));
            }
        }
        storable(&(vhost.to_string(), d.clone()))?;
        let count: usize = self.read().values().map(|v| v.queues.len()).sum();
        if count >= self.config.max_queues {
            return Err(AmqpError::precondition(format!(
                "queue limit reached ({} queues; amqp.max_queues)",
                self.config.max_queues
            )));
        }
        d.topic = self.create_topic(vhost, &d.name, &args)?;
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
        let options = QueueOptions {
            read_limit: self.config.max_message_bytes.saturating_mul(2).max(1 << 20),
            dead_letters: args
                .dead_letter_exchange
                .as_ref()
                .map(|_| self.dead_tx.clone()),
            args,
        };
        let q = Queue::new(vhost, d, owner, log, Persisted::default(), options);
        tokio::spawn(Arc::clone(&q).run());
        let name = q.name().to_string();
        if let Some(v) = self.write().get_mut(vhost) {
            v.queues.insert(name.clone(), q);
        }
        Ok((name, 0, 0))
    }

    /// The log topic for a new queue: `amqp.<name>` when the name is a valid topic name and
    /// free, else `amqp.q-<uuid>`.
    fn create_topic(&self, vhost: &str, name: &str, args: &QueueArgs) -> Result<String> {
        // Room for the properties (at most a frame) and their readable copies.
        let max = self
            .config
            .max_message_bytes
            .saturating_add(self.config.frame_max as usize)
            .saturating_add(64 * 1024 + message::READABLE_BUDGET)
            .min(i32::MAX as usize);
        // A queue keeps messages until they are settled; a stream until its retention.
        let stream = args.stream.clone().unwrap_or_default();
        let limit = |v: Option<u64>| v.map_or("-1".to_string(), |n| n.to_string());
        let mut configs: BTreeMap<String, String> = [
            ("retention.ms", limit(stream.max_age_ms)),
            ("retention.bytes", limit(stream.max_bytes)),
            ("max.message.bytes", max.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        if let Some(n) = stream.segment_bytes {
            // Raised to the node's minimum (journal.min_segment_bytes): a client must not
            // make a file per message.
            let min = self.broker.topics.limits().min_segment_bytes;
            let n = n.clamp(min, (i32::MAX as u64).max(min));
            configs.insert("segment.bytes".into(), n.to_string());
        }
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
            match off_worker(|| self.broker.topics.create(&topic, 1, configs.clone())) {
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
        let bound = self.bindings_to(vhost, q.name(), false);
        let keys: Vec<String> = bound
            .iter()
            .map(|(ex, b)| binding_entry(vhost, ex, b))
            .collect();
        let changes: Vec<(&str, Option<&[u8]>)> = keys.iter().map(|k| (k.as_str(), None)).collect();
        let meta = &self.broker.meta;
        let topic = q.decl.topic.clone();
        // Deleted first, so no delivery state is written for it from here on.
        q.delete();
        off_worker(|| -> Result<()> {
            meta.write_entries(NS_BINDINGS, &changes, true)?;
            meta.delete_entry(NS_QUEUES, &key2(vhost, q.name()))?;
            let _g = self.acks_write.lock().unwrap_or_else(|p| p.into_inner());
            meta.delete_entry(NS_ACKS, &topic)?;
            Ok(())
        })?;
        let mut emptied = Vec::new();
        {
            let mut w = self.write();
            if let Some(v) = w.get_mut(vhost) {
                if v.queues
                    .get(q.name())
                    .is_some_and(|held| Arc::ptr_eq(held, q))
                {
                    v.queues.remove(q.name());
                }
                for (ex, _) in &bound {
                    if let Some(e) = v.exchanges.get_mut(ex) {
                        e.unbind_dest(q.name(), false);
                        if e.decl.auto_delete && !e.has_bindings() {
                            emptied.push(ex.clone());
                        }
                    }
                }
            }
        }
        if self.broker.topics.get(&topic).is_some() {
            off_worker(|| self.broker.topics.delete(&topic))?;
        }
        for ex in emptied {
            self.forget_exchange(vhost, &ex, &[])?;
        }
        Ok(())
    }

    pub fn queue_purge(&self, vhost: &str, name: &str, conn: u64) -> Result<u32> {
        let q = self.queue(vhost, name, conn)?;
        if q.is_stream() {
            return Err(stream::not_supported("queue.purge", &q));
        }
        Ok(q.purge() as u32)
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
            to_exchange: false,
            routing_key: routing_key.to_string(),
            arguments: args_key(&arguments),
        };
        self.check_binding_limit()?;
        let v = storable(&arguments)?;
        if durable && q.decl.durable {
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
            to_exchange: false,
            routing_key: routing_key.to_string(),
            arguments: args_key(arguments),
        };
        self.remove_binding(vhost, exchange, &key)
    }

    /// Removes a binding of `source` from meta and memory; an auto-delete exchange that loses
    /// its last binding goes too.
    fn remove_binding(&self, vhost: &str, source: &str, key: &BindingKey) -> Result<()> {
        let meta = &self.broker.meta;
        off_worker(|| meta.delete_entry(NS_BINDINGS, &binding_entry(vhost, source, key)))?;
        let mut emptied = false;
        if let Some(e) = self
            .write()
            .get_mut(vhost)
            .and_then(|v| v.exchanges.get_mut(source))
        {
            // Only removing a binding can leave an auto-delete exchange empty.
            emptied = e.unbind(key) && e.decl.auto_delete && !e.has_bindings();
        }
        if emptied {
            self.forget_exchange(vhost, source, &[])?;
        }
        Ok(())
    }

    /// Refuses a new binding past `amqp.max_bindings`.
    fn check_binding_limit(&self) -> Result<()> {
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
            return Err(default_exchange_refused());
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
        Ok(self.route_all(vhost, exchange, routing_key, headers)?.0)
    }

    /// The queues a publish goes to, and the log topics (`x-log-topic` of the exchanges it
    /// passes through).
    pub fn route_all(
        &self,
        vhost: &str,
        exchange: &str,
        routing_key: &str,
        headers: Option<&FieldTable>,
    ) -> Result<(Vec<Arc<Queue>>, Vec<String>)> {
        self.route_from(vhost, exchange, routing_key, headers, false)
    }

    /// [`AmqpCore::route_all`]; the server itself (dead-lettering) may publish to an internal
    /// exchange.
    fn route_from(
        &self,
        vhost: &str,
        exchange: &str,
        routing_key: &str,
        headers: Option<&FieldTable>,
        allow_internal: bool,
    ) -> Result<(Vec<Arc<Queue>>, Vec<String>)> {
        let r = self.read();
        let Some(v) = r.get(vhost) else {
            return Ok((Vec::new(), Vec::new()));
        };
        if exchange.is_empty() {
            let q = v.queues.get(routing_key).cloned().into_iter().collect();
            return Ok((q, Vec::new()));
        }
        let e = v.exchanges.get(exchange).ok_or_else(|| {
            AmqpError::not_found(format!("no exchange '{exchange}' in vhost '{vhost}'"))
        })?;
        if e.decl.internal && !allow_internal {
            return Err(AmqpError::channel(
                ACCESS_REFUSED,
                format!("cannot publish to internal exchange '{exchange}' in vhost '{vhost}'"),
            ));
        }
        // Through exchange-to-exchange bindings and alternate exchanges, each exchange once,
        // so a cycle of bindings ends.
        let mut seen: HashSet<&str> = HashSet::from([exchange]);
        let mut next = vec![e];
        let mut queues = BTreeSet::new();
        let mut topics = BTreeSet::new();
        while let Some(e) = next.pop() {
            if let Some(t) = &e.log_topic {
                topics.insert(t.clone());
            }
            let mut dests = BTreeSet::new();
            e.route(routing_key, headers, &mut dests);
            if dests.is_empty() {
                if let Some(alt) = &e.alternate {
                    dests.insert((true, alt.clone()));
                }
            }
            for (to_exchange, name) in dests {
                if !to_exchange {
                    queues.insert(name);
                } else if let Some((key, x)) = v.exchanges.get_key_value(name.as_str()) {
                    if seen.insert(key.as_str()) {
                        next.push(x);
                    }
                }
            }
        }
        let queues = queues
            .iter()
            .filter_map(|n| v.queues.get(n).cloned())
            .collect();
        Ok((queues, topics.into_iter().collect()))
    }

    /// Binds exchange `source` to exchange `destination` (`exchange.bind`).
    pub fn bind_exchange(
        &self,
        vhost: &str,
        destination: &str,
        source: &str,
        routing_key: &str,
        arguments: FieldTable,
        bind: bool,
    ) -> Result<()> {
        let _g = self.lock_declare();
        if destination.is_empty() || source.is_empty() {
            return Err(default_exchange_refused());
        }
        let durable = |name: &str| {
            self.read()
                .get(vhost)
                .and_then(|v| v.exchanges.get(name).map(|e| e.decl.durable))
                .ok_or_else(|| {
                    AmqpError::not_found(format!("no exchange '{name}' in vhost '{vhost}'"))
                })
        };
        let both_durable = durable(destination)? && durable(source)?;
        if bind {
            self.check_binding_limit()?;
        }
        let key = BindingKey {
            queue: destination.to_string(),
            to_exchange: true,
            routing_key: routing_key.to_string(),
            arguments: args_key(&arguments),
        };
        let entry = binding_entry(vhost, source, &key);
        let meta = &self.broker.meta;
        if bind {
            let v = storable(&arguments)?;
            if both_durable {
                off_worker(|| meta.put_entry(NS_BINDINGS, &entry, &v, true))?;
            }
            if let Some(e) = self
                .write()
                .get_mut(vhost)
                .and_then(|v| v.exchanges.get_mut(source))
            {
                e.bind(key, arguments);
            }
            return Ok(());
        }
        self.remove_binding(vhost, source, &key)
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
        // One the operator deleted meanwhile is gone (a new queue may have its name).
        for q in owned.into_iter().filter(|q| !q.is_deleted()) {
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
    /// Raises or clears the disk alarm from the free space on `data_dir`'s file system.
    fn check_disk(&self, data_dir: &std::path::Path) {
        let free = match rustix::fs::statvfs(data_dir) {
            Ok(s) => s.f_bavail.saturating_mul(s.f_frsize),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the free disk space");
                return;
            }
        };
        let limit = self.config.disk_free_limit_bytes;
        let alarm = (free < limit).then(|| {
            format!("low on disk space: {free} bytes free, amqp.disk_free_limit_bytes is {limit}")
        });
        self.set_alarm(
            0,
            alarm,
            "disk space is back above amqp.disk_free_limit_bytes",
        );
    }

    /// Raises or clears the memory alarm from this process's resident memory.
    fn check_memory(&self) {
        let Some(rss) = proc_kib("/proc/self/status", "VmRSS:") else {
            return;
        };
        let limit = match self.config.memory_high_watermark_bytes {
            0 => match memory_available() {
                Some(total) => total / 5 * 2,
                None => return,
            },
            n => n,
        };
        let alarm = (rss > limit).then(|| {
            format!("memory alarm: resident memory is {rss} bytes, above the high watermark of {limit} (amqp.memory_high_watermark_bytes)")
        });
        self.set_alarm(
            1,
            alarm,
            "resident memory is back below amqp.memory_high_watermark_bytes",
        );
    }

    /// Sets alarm `i` (0 disk, 1 memory); publishers are blocked while any is on, with
    /// every reason that holds.
    fn set_alarm(&self, i: usize, alarm: Option<String>, cleared: &str) {
        let combined = {
            let mut alarms = self.alarms.lock().unwrap_or_else(|p| p.into_inner());
            // On or off is what counts; the reason stays as it was first written.
            if alarms[i].is_some() == alarm.is_some() {
                return;
            }
            match &alarm {
                Some(why) => tracing::warn!("blocking AMQP publishers: {why}"),
                None => tracing::info!("{cleared}; that alarm is off"),
            }
            alarms[i] = alarm;
            let on: Vec<&str> = alarms.iter().flatten().map(String::as_str).collect();
            (!on.is_empty()).then(|| on.join("; "))
        };
        if combined.is_none() {
            tracing::info!("no resource alarm is on; unblocking AMQP publishers");
        }
        self.blocked.send_replace(combined);
    }

    pub async fn run_background(
        self: Arc<Self>,
        data_dir: std::path::PathBuf,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        self.check_disk(&data_dir);
        self.check_memory();
        let dead = self
            .dead_rx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut rx) = dead {
            let this = Arc::clone(&self);
            let mut stop = stop.clone();
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        Some(letter) = rx.recv() => this.republish(letter),
                        _ = stop.changed() => return,
                    }
                }
            });
        }
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
            if rounds.is_multiple_of(5) {
                self.expire();
            }
            if rounds.is_multiple_of(50) {
                self.trim_logs().await;
                self.check_disk(&data_dir);
                self.check_memory();
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
        let lock = Arc::clone(&self.acks_write);
        let entries: Vec<(Arc<Queue>, Vec<u8>)> = dirty.clone();
        let written = tokio::task::spawn_blocking(move || {
            let _g = lock.lock().unwrap_or_else(|p| p.into_inner());
            let changes: Vec<(&str, Option<&[u8]>)> = entries
                .iter()
                .filter(|(q, _)| !q.is_deleted())
                .map(|(q, v)| (q.decl.topic.as_str(), Some(v.as_slice())))
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

    /// Expired messages at the heads of queues with a TTL, and queues unused past their
    /// `x-expires`.
    fn expire(&self) {
        let now = robustmq_journal::now_ms();
        for q in self.all_queues() {
            // With a dead-letter exchange, per-message expirations must fire without a
            // consumer too (the delay-queue pattern).
            if q.args.message_ttl.is_some() || q.args.dead_letter_exchange.is_some() {
                q.expire_head();
            }
            if q.expired_unused(now) {
                tracing::info!(
                    queue = q.name(),
                    "deleting a queue unused past its x-expires"
                );
                let _g = self.lock_declare();
                if !q.is_deleted() {
                    if let Err(e) = self.remove_queue(&q) {
                        tracing::warn!(queue = q.name(), error = %e, "cannot delete an expired queue");
                    }
                }
            }
        }
    }

    /// Publishes a dead letter to its exchange (dropped, as in RabbitMQ, when the exchange
    /// does not exist or routes it nowhere).
    fn republish(&self, letter: DeadLetter) {
        let now = robustmq_journal::now_ms();
        let m = &letter.message;
        let Some(properties) = deadletter::dead_properties(m, &letter.queue, letter.reason, now)
        else {
            return;
        };
        let routing_key = letter.routing_key.unwrap_or_else(|| m.routing_key.clone());
        let copy = message::Message {
            exchange: letter.exchange.clone(),
            routing_key,
            properties,
            body: m.body.clone(),
            timestamp: now,
        };
        let parsed = amq_protocol::protocol::basic::parse_properties(&copy.properties[..])
            .ok()
            .map(|(_, p)| p);
        let headers = parsed.as_ref().and_then(|p| p.headers().clone());
        let routed = self.route_from(
            &letter.vhost,
            &copy.exchange,
            &copy.routing_key,
            headers.as_ref(),
            true,
        );
        let Ok((queues, topics)) = routed else {
            return;
        };
        // RabbitMQ's cycle rule: a message that already died in a queue goes back to it only
        // when a client rejected it somewhere on the way (a retry loop), never round and round
        // by expiry or length limits alone.
        let deaths: Vec<(String, String)> = headers
            .as_ref()
            .and_then(|h| match h.inner().get("x-death") {
                Some(amq_protocol::types::AMQPValue::FieldArray(a)) => Some(a.clone()),
                _ => None,
            })
            .map(|a| {
                a.as_slice()
                    .iter()
                    .filter_map(|d| match d {
                        amq_protocol::types::AMQPValue::FieldTable(t) => Some((
                            t.inner()
                                .get("queue")
                                .and_then(args::text)
                                .unwrap_or_default(),
                            t.inner()
                                .get("reason")
                                .and_then(args::text)
                                .unwrap_or_default(),
                        )),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let rejected_on_the_way = deaths.iter().any(|(_, reason)| reason == "rejected");
        let cycles = |queue: &str| !rejected_on_the_way && deaths.iter().any(|(q, _)| q == queue);
        for q in queues {
            if cycles(q.name()) {
                tracing::debug!(queue = q.name(), "dropping a dead letter that would cycle");
                continue;
            }
            if !q.admits(copy.body.len() as u64) {
                continue;
            }
            let batch = message::encode(&[&copy], now);
            if let Err(e) = self.broker.append(&*q.log, batch) {
                tracing::warn!(queue = q.name(), error = %e, "cannot store a dead letter");
            }
            q.enforce_max_length();
        }
        for topic in topics {
            if let Ok(Some(meta)) = self.broker.topic_or_create(&topic) {
                let p = robustmq_broker::partitioner::partition_for(
                    copy.routing_key.as_bytes(),
                    meta.partitions.max(1),
                );
                if let Some(log) = self.broker.topics.partition(&topic, p) {
                    let _ = self.broker.append(&*log, message::encode(&[&copy], now));
                }
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
        Some(owner) if owner != conn && conn != ADMIN => Err(AmqpError::channel(
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

/// Declaring, binding or unbinding the default exchange: 403, as in RabbitMQ.
fn default_exchange_refused() -> AmqpError {
    AmqpError::channel(
        ACCESS_REFUSED,
        "operation not permitted on the default exchange",
    )
}

/// The memory this process may use: the machine's, or its cgroup's limit when lower (in a
/// container the machine's is the host's).
fn memory_available() -> Option<u64> {
    let total = proc_kib("/proc/meminfo", "MemTotal:")?;
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    Some(cgroup.map_or(total, |c| c.min(total)))
}

/// A `<field> <n> kB` line of a /proc file, in bytes.
fn proc_kib(path: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib.saturating_mul(1024))
}

/// An exchange type this server does not know: a connection error, as in RabbitMQ.
pub fn unknown_exchange_type(kind: &str) -> AmqpError {
    AmqpError::connection(COMMAND_INVALID, format!("unknown exchange type '{kind}'"))
}
