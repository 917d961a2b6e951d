//! Configuration: defaults < TOML file < `ROBUSTMQ_*` environment < flags. Unknown keys in the
//! file or the environment's known sections are errors that name the key.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use robustmq_journal::FsyncPolicy;
use serde::{Deserialize, Serialize};

pub use robustmqd::cli::Cli;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub data_dir: PathBuf,
    pub roles: String,
    pub log_level: String,
    pub listeners: Listeners,
    pub admin: AdminConfig,
    pub broker: BrokerSection,
    pub kafka: KafkaConfig,
    pub mqtt: MqttSection,
    pub journal: JournalConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Listeners {
    pub kafka: String,
    pub mqtt: String,
    pub mqtt_ws: String,
    /// Off unless set: TLS needs a certificate.
    pub mqtt_tls: String,
    pub http: String,
    pub admin: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AdminConfig {
    /// When set, admin calls must carry `authorization: Bearer <token>`.
    pub token: String,
    /// Milliseconds a new admin connection has to send its first bytes.
    pub connect_timeout_ms: u64,
    /// Milliseconds an admin connection may stay silent before it is closed.
    pub connections_max_idle_ms: u64,
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig {
            token: String::new(),
            connect_timeout_ms: 10_000,
            connections_max_idle_ms: 600_000,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaConfig {
    /// `host:port` advertised to clients; empty means the address each client connected to.
    pub advertised_listener: String,
    pub max_frame_bytes: usize,
    pub max_connections: usize,
    /// Kafka's `max.connections.per.ip` (0: no limit).
    pub max_connections_per_ip: usize,
    /// Kafka's `connections.max.idle.ms`: a connection with nothing in flight and no request
    /// for this long is closed.
    pub connections_max_idle_ms: u64,
    /// Kafka's broker `fetch.max.bytes`: the most record bytes in one Fetch response.
    pub fetch_max_bytes: usize,
    /// `[kafka]` keys that moved to `[broker]`: still read (with a warning at start) for one
    /// release. A `[broker]` value set away from its default wins over its old spelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_create_topics: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_partitions: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_initial_rebalance_delay_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_min_session_timeout_ms: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_max_session_timeout_ms: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_max_size: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_metadata_max_bytes: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_groups: Option<usize>,
}

/// Settings of the broker core that every protocol shares (topics, consumer groups).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BrokerSection {
    /// Kafka Metadata/Produce and MQTT-free paths create unknown topics on first use.
    pub auto_create_topics: bool,
    /// Partitions of topics created without a count.
    pub default_partitions: i32,
    pub group_initial_rebalance_delay_ms: u64,
    pub group_min_session_timeout_ms: i32,
    pub group_max_session_timeout_ms: i32,
    /// Kafka's `group.max.size`.
    pub group_max_size: usize,
    /// Kafka's `offset.metadata.max.bytes`.
    pub offset_metadata_max_bytes: usize,
    /// Consumer groups held on this node.
    pub max_groups: usize,
}

impl Default for BrokerSection {
    fn default() -> Self {
        BrokerSection {
            auto_create_topics: true,
            default_partitions: 1,
            group_initial_rebalance_delay_ms: 3000,
            group_min_session_timeout_ms: 1000,
            group_max_session_timeout_ms: 1_800_000,
            group_max_size: 1000,
            offset_metadata_max_bytes: 4096,
            max_groups: 100_000,
        }
    }
}

impl Config {
    /// Moves deprecated `[kafka]` keys into `[broker]`; returns one warning per key used.
    fn apply_deprecated(&mut self) -> Vec<String> {
        let old = &mut self.kafka;
        let defaults = BrokerSection::default();
        let b = &mut self.broker;
        let mut warnings = Vec::new();
        macro_rules! moved {
            ($($key:ident),*) => {$(
                if let Some(v) = old.$key.take() {
                    warnings.push(format!(
                        "kafka.{0} is deprecated and will be removed in the next release; use broker.{0}",
                        stringify!($key)
                    ));
                    if b.$key == defaults.$key {
                        b.$key = v;
                    }
                }
            )*};
        }
        moved!(
            auto_create_topics,
            default_partitions,
            group_initial_rebalance_delay_ms,
            group_min_session_timeout_ms,
            group_max_session_timeout_ms,
            group_max_size,
            offset_metadata_max_bytes,
            max_groups
        );
        warnings
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MqttSection {
    /// Clients without a username may connect (users come from `robustmq user add`).
    pub allow_anonymous: bool,
    /// Log topic every MQTT publish is appended to (created on first use).
    pub log_topic: String,
    pub log_partitions: i32,
    /// MQTT topic filters stored in other log topics: `[[mqtt.routes]] filter = "a/#"`,
    /// `topic = "a-log"`; the first match wins.
    pub routes: Vec<MqttRoute>,
    pub max_packet_size: u32,
    pub receive_maximum: u16,
    /// Longest keep alive granted (seconds); 0 accepts the client's.
    pub max_keep_alive: u16,
    /// Longest session expiry granted (seconds); 4294967295 never expires. 3.x persistent
    /// sessions get exactly this.
    pub max_session_expiry: u32,
    /// Sessions held, online and offline; a CONNECT needing a new one past this is refused.
    pub max_sessions: usize,
    /// Retained messages held; a retained PUBLISH to a new topic past this is refused.
    pub max_retained_messages: usize,
    /// Retained messages one MQTT client id may own.
    pub max_retained_per_client: usize,
    pub topic_alias_maximum: u16,
    /// Most levels in a topic name or filter; deeper ones are refused (0x90 / 0x8F).
    pub max_topic_levels: usize,
    /// Subscriptions one MQTT session may hold.
    pub max_subscriptions_per_session: usize,
    pub max_queued_messages: usize,
    /// Bytes queued plus in flight in memory for one connected session.
    pub max_queued_bytes: usize,
    /// Seconds between `$SYS` updates; 0 disables them.
    pub sys_interval_secs: u64,
    /// Milliseconds a new connection has for its handshake and CONNECT.
    pub connect_timeout_ms: u64,
    pub max_connections: usize,
    /// Connections from one source address across the MQTT listeners (0: no limit).
    pub max_connections_per_ip: usize,
    /// PEM certificate chain and private key for the TLS listener.
    pub tls_cert: String,
    pub tls_key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MqttRoute {
    pub filter: String,
    pub topic: String,
}

impl Default for MqttSection {
    fn default() -> Self {
        let d = robustmq_mqtt::MqttConfig::default();
        MqttSection {
            allow_anonymous: d.allow_anonymous,
            log_topic: d.log_topic,
            log_partitions: d.log_partitions,
            routes: Vec::new(),
            max_packet_size: d.max_packet_size,
            receive_maximum: d.receive_maximum,
            max_keep_alive: d.max_keep_alive,
            max_session_expiry: d.max_session_expiry,
            max_sessions: d.max_sessions,
            max_retained_messages: d.max_retained,
            max_retained_per_client: d.max_retained_per_client,
            topic_alias_maximum: d.topic_alias_maximum,
            max_topic_levels: d.max_topic_levels,
            max_subscriptions_per_session: d.max_subscriptions,
            max_queued_messages: d.max_queued,
            max_queued_bytes: d.max_queued_bytes,
            sys_interval_secs: d.sys_interval.as_secs(),
            connect_timeout_ms: d.connect_timeout.as_millis() as u64,
            max_connections: 100_000,
            max_connections_per_ip: 10_000,
            tls_cert: String::new(),
            tls_key: String::new(),
        }
    }
}

impl MqttSection {
    pub fn core_config(&self) -> robustmq_mqtt::MqttConfig {
        robustmq_mqtt::MqttConfig {
            allow_anonymous: self.allow_anonymous,
            log_topic: self.log_topic.clone(),
            log_partitions: self.log_partitions,
            routes: self
                .routes
                .iter()
                .map(|r| robustmq_mqtt::Route {
                    filter: r.filter.clone(),
                    topic: r.topic.clone(),
                })
                .collect(),
            max_packet_size: self.max_packet_size,
            receive_maximum: self.receive_maximum,
            max_keep_alive: self.max_keep_alive,
            max_session_expiry: self.max_session_expiry,
            max_sessions: self.max_sessions,
            max_retained: self.max_retained_messages,
            max_retained_per_client: self.max_retained_per_client,
            topic_alias_maximum: self.topic_alias_maximum,
            max_topic_levels: self.max_topic_levels,
            max_subscriptions: self.max_subscriptions_per_session.max(1),
            max_queued: self.max_queued_messages,
            max_queued_bytes: self.max_queued_bytes,
            sys_interval: std::time::Duration::from_secs(self.sys_interval_secs),
            connect_timeout: std::time::Duration::from_millis(self.connect_timeout_ms.max(1)),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct JournalConfig {
    pub fsync: FsyncPolicy,
    pub fsync_interval_ms: u64,
    pub segment_bytes: u64,
    pub segment_ms: i64,
    pub retention_ms: i64,
    pub retention_bytes: i64,
    pub retention_check_interval_ms: u64,
    pub index_interval_bytes: u64,
    pub max_message_bytes: usize,
    /// Most partitions one topic may have.
    pub max_partitions_per_topic: i32,
    /// Most partitions of all topics together on this node.
    pub max_partitions: i32,
    /// Smallest `segment.bytes` a topic may set.
    pub min_segment_bytes: u64,
    /// Descriptors kept open for sealed segments and their indexes (an LRU cache); active
    /// segments hold two each on top of it.
    pub max_open_files: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./data"),
            roles: "meta,journal,broker".into(),
            log_level: "info".into(),
            listeners: Listeners::default(),
            admin: AdminConfig::default(),
            broker: BrokerSection::default(),
            kafka: KafkaConfig::default(),
            mqtt: MqttSection::default(),
            journal: JournalConfig::default(),
        }
    }
}

impl Default for Listeners {
    fn default() -> Self {
        Listeners {
            kafka: "0.0.0.0:9092".into(),
            mqtt: "0.0.0.0:1883".into(),
            mqtt_ws: "0.0.0.0:8083".into(),
            mqtt_tls: "off".into(),
            http: "0.0.0.0:9081".into(),
            // Loopback only unless configured: the admin API can delete topics.
            admin: "127.0.0.1:9082".into(),
        }
    }
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            advertised_listener: String::new(),
            max_frame_bytes: 100 * 1024 * 1024,
            max_connections: 10_000,
            max_connections_per_ip: 1_000,
            connections_max_idle_ms: 600_000,
            fetch_max_bytes: 55 * 1024 * 1024,
            auto_create_topics: None,
            default_partitions: None,
            group_initial_rebalance_delay_ms: None,
            group_min_session_timeout_ms: None,
            group_max_session_timeout_ms: None,
            group_max_size: None,
            offset_metadata_max_bytes: None,
            max_groups: None,
        }
    }
}

impl Default for JournalConfig {
    fn default() -> Self {
        let log = robustmq_journal::LogConfig::default();
        let limits = robustmq_broker::topics::TopicLimits::default();
        JournalConfig {
            fsync: FsyncPolicy::Always,
            fsync_interval_ms: 1000,
            segment_bytes: log.segment_bytes,
            segment_ms: log.segment_ms,
            retention_ms: log.retention_ms,
            retention_bytes: log.retention_bytes,
            retention_check_interval_ms: 300_000,
            index_interval_bytes: log.index_interval_bytes,
            max_message_bytes: log.max_message_bytes,
            max_partitions_per_topic: limits.max_partitions_per_topic,
            max_partitions: limits.max_partitions,
            min_segment_bytes: limits.min_segment_bytes,
            max_open_files: robustmq_journal::fd_cache::DEFAULT_CAPACITY,
        }
    }
}

/// Sections and keys the environment may set; other `ROBUSTMQ_*` variables belong to other
/// tools (the CLI's `ROBUSTMQ_SERVER`, say) and are ignored here.
const ENV_SECTIONS: &[&str] = &[
    "admin",
    "broker",
    "data_dir",
    "roles",
    "log_level",
    "listeners",
    "kafka",
    "mqtt",
    "journal",
];

#[derive(Serialize)]
struct FlagListeners {
    #[serde(skip_serializing_if = "Option::is_none")]
    kafka: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mqtt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mqtt_ws: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mqtt_tls: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    http: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin: Option<String>,
}

/// The effective configuration, and warnings for the daemon to log once logging is up.
pub fn load(cli: &Cli) -> anyhow::Result<(Config, Vec<String>)> {
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    if let Some(path) = &cli.config {
        if !path.is_file() {
            bail!("config file {} does not exist", path.display());
        }
        fig = fig.merge(Toml::file_exact(path));
    }
    fig = fig.merge(
        Env::prefixed("ROBUSTMQ_")
            .filter(|k| {
                let section = k.as_str().split("__").next().unwrap_or_default();
                ENV_SECTIONS.iter().any(|s| s.eq_ignore_ascii_case(section))
            })
            .split("__"),
    );
    fig = fig.merge(Serialized::globals(cli));
    let listeners = FlagListeners {
        kafka: cli.kafka_listen.clone(),
        mqtt: cli.mqtt_listen.clone(),
        mqtt_ws: cli.mqtt_ws_listen.clone(),
        mqtt_tls: cli.mqtt_tls_listen.clone(),
        http: cli.http_listen.clone(),
        admin: cli.admin_listen.clone(),
    };
    fig = fig.merge(Serialized::global("listeners", listeners));
    let mut config: Config = fig
        .extract()
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
    let warnings = config.apply_deprecated();
    config.validate()?;
    Ok((config, warnings))
}

/// Parses a listener value: an address, or `off`.
pub fn listener(name: &str, value: &str) -> anyhow::Result<Option<SocketAddr>> {
    if value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    value.parse().map(Some).with_context(|| {
        format!("listeners.{name} = {value:?} is neither an address (host:port) nor 'off'")
    })
}

impl Config {
    fn validate(&self) -> anyhow::Result<()> {
        listener("kafka", &self.listeners.kafka)?;
        listener("http", &self.listeners.http)?;
        listener("admin", &self.listeners.admin)?;
        listener("mqtt", &self.listeners.mqtt)?;
        listener("mqtt_ws", &self.listeners.mqtt_ws)?;
        if listener("mqtt_tls", &self.listeners.mqtt_tls)?.is_some()
            && (self.mqtt.tls_cert.is_empty() || self.mqtt.tls_key.is_empty())
        {
            bail!("listeners.mqtt_tls needs mqtt.tls_cert and mqtt.tls_key (PEM files)");
        }
        if self.mqtt.log_partitions < 1 {
            bail!("mqtt.log_partitions must be at least 1");
        }
        if self.mqtt.receive_maximum == 0 {
            bail!("mqtt.receive_maximum must be at least 1");
        }
        if !(1..=robustmq_mqtt::topic::MAX_LEVELS_LIMIT).contains(&self.mqtt.max_topic_levels) {
            bail!(
                "mqtt.max_topic_levels must be between 1 and {}",
                robustmq_mqtt::topic::MAX_LEVELS_LIMIT
            );
        }
        if self.mqtt.max_packet_size < 1024 {
            bail!("mqtt.max_packet_size must be at least 1024 bytes");
        }
        robustmq_broker::topics::validate_name(&self.mqtt.log_topic)
            .map_err(|e| anyhow::anyhow!("mqtt.log_topic {:?}: {e}", self.mqtt.log_topic))?;
        for r in &self.mqtt.routes {
            robustmq_mqtt::topic::validate_filter(&r.filter, self.mqtt.max_topic_levels)
                .with_context(|| format!("mqtt.routes: filter {:?}", r.filter))?;
            robustmq_broker::topics::validate_name(&r.topic)
                .map_err(|e| anyhow::anyhow!("mqtt.routes: topic {:?}: {e}", r.topic))?;
        }
        if !(14..=i32::MAX as u64).contains(&self.journal.segment_bytes) {
            bail!(
                "journal.segment_bytes must be between 14 and {} (index positions are 32-bit)",
                i32::MAX
            );
        }
        let j = &self.journal;
        if j.max_partitions_per_topic < 1 || j.max_partitions < 1 {
            bail!("journal.max_partitions_per_topic and journal.max_partitions must be at least 1");
        }
        if j.max_open_files < 16 {
            bail!("journal.max_open_files must be at least 16");
        }
        if !(14..=i32::MAX as u64).contains(&j.min_segment_bytes) {
            bail!(
                "journal.min_segment_bytes must be between 14 and {}",
                i32::MAX
            );
        }
        let roles = self.roles()?;
        if roles != ["broker", "journal", "meta"] {
            bail!(
                "roles {:?}: running a subset of roles needs cluster mode, which this build does not have yet; \
                 run all three (the default)",
                self.roles
            );
        }
        if self.broker.default_partitions < 1 {
            bail!("broker.default_partitions must be at least 1");
        }
        if !self.kafka.advertised_listener.is_empty() {
            self.advertised()?;
        }
        Ok(())
    }

    /// The sorted, de-duplicated role names.
    pub fn roles(&self) -> anyhow::Result<Vec<&str>> {
        let mut roles: Vec<&str> = self
            .roles
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .collect();
        for r in &roles {
            if !matches!(*r, "meta" | "journal" | "broker") {
                bail!("unknown role '{r}': the roles are meta, journal and broker");
            }
        }
        roles.sort_unstable();
        roles.dedup();
        Ok(roles)
    }

    pub fn advertised(&self) -> anyhow::Result<Option<(String, i32)>> {
        let a = &self.kafka.advertised_listener;
        if a.is_empty() {
            return Ok(None);
        }
        let (host, port) = a
            .rsplit_once(':')
            .with_context(|| format!("kafka.advertised_listener = {a:?} must be host:port"))?;
        let port: u16 = port
            .parse()
            .with_context(|| format!("kafka.advertised_listener = {a:?} has a bad port"))?;
        Ok(Some((host.to_string(), port as i32)))
    }

    pub fn meta_dir(&self) -> PathBuf {
        self.data_dir.join("meta")
    }
    pub fn journal_dir(&self) -> PathBuf {
        self.data_dir.join("journal")
    }
}

pub fn to_toml(config: &Config) -> anyhow::Result<String> {
    toml::to_string_pretty(config).context("could not render the configuration")
}
