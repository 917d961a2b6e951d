//! Topic configs: every topic config Apache Kafka 4.x documents, with Kafka's types, defaults
//! and validation rules, which of them robustmq honours, and how an override set becomes a
//! journal [`LogConfig`].

use std::collections::BTreeMap;

use robustmq_journal::{LogConfig, TimestampType, TopicCompression};

use crate::error::{BrokerError, Result};

/// A config's type, as Kafka declares it (DescribeConfigs reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigType {
    Boolean,
    String,
    Int,
    Long,
    Double,
    List,
}

impl ConfigType {
    /// DescribeConfigs' `config_type` code.
    pub fn kafka_code(self) -> i8 {
        match self {
            ConfigType::Boolean => 1,
            ConfigType::String => 2,
            ConfigType::Int => 3,
            ConfigType::Long => 5,
            ConfigType::Double => 6,
            ConfigType::List => 7,
        }
    }
}

/// Where a config's effective value comes from (Kafka's `ConfigSource`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigSource {
    /// Set on the topic.
    Topic,
    /// This node's `[journal]` section changed the default.
    Node,
    /// The built-in default, the same as Kafka's.
    Default,
}

impl ConfigSource {
    /// DescribeConfigs' `config_source` code.
    pub fn kafka_code(self) -> i8 {
        match self {
            ConfigSource::Topic => 1,
            ConfigSource::Node => 4,
            ConfigSource::Default => 5,
        }
    }
}

/// A value's constraint, with Kafka's wording when it fails.
#[derive(Debug, Clone, Copy)]
enum Rule {
    Any,
    AtLeast(i64),
    Between(i64, i64),
    /// 1 to 9, or -1 (`compression.gzip.level`).
    GzipLevel,
    Ratio,
    OneOf(&'static [&'static str]),
    /// Every element one of these (an empty list is allowed).
    ListOf(&'static [&'static str]),
    /// `*`, or `partition:broker` pairs.
    ThrottledReplicas,
}

/// Where the default comes from: Kafka's built-in value, or this node's journal settings.
#[derive(Clone, Copy)]
enum Default {
    Fixed(&'static str),
    Node(fn(&LogConfig) -> String),
}

/// One topic config.
pub struct Def {
    pub name: &'static str,
    pub ty: ConfigType,
    /// Kafka's default, as DescribeConfigs shows it.
    pub kafka_default: &'static str,
    default: Default,
    rule: Rule,
    /// The broker-wide property Kafka names as this config's synonym.
    pub synonym: Option<&'static str>,
    /// robustmq acts on it; otherwise it is accepted, stored and shown, and has no effect.
    pub honoured: bool,
    pub doc: &'static str,
}

const LONG_MAX: &str = "9223372036854775807";
const CODECS: &[&str] = &["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

macro_rules! def {
    ($name:literal, $ty:ident, $kd:expr, $default:expr, $rule:expr, $syn:expr, $honoured:literal, $doc:literal) => {
        Def {
            name: $name,
            ty: ConfigType::$ty,
            kafka_default: $kd,
            default: $default,
            rule: $rule,
            synonym: $syn,
            honoured: $honoured,
            doc: $doc,
        }
    };
}

/// Every topic config of Apache Kafka 4.x, in Kafka's order.
pub static DEFS: &[Def] = &[
    def!("cleanup.policy", List, "delete", Default::Fixed("delete"), Rule::ListOf(&["compact", "delete"]), Some("log.cleanup.policy"), true,
        "delete: drop segments past retention; compact: keep the latest record per key; both; or empty: keep everything"),
    def!("compression.gzip.level", Int, "-1", Default::Fixed("-1"), Rule::GzipLevel, Some("compression.gzip.level"), true,
        "The gzip level used when compression.type is gzip"),
    def!("compression.lz4.level", Int, "9", Default::Fixed("9"), Rule::Between(1, 17), Some("compression.lz4.level"), true,
        "The lz4 level used when compression.type is lz4"),
    def!("compression.type", String, "producer", Default::Fixed("producer"), Rule::OneOf(CODECS), Some("compression.type"), true,
        "The codec batches are stored in; producer keeps the producer's"),
    def!("compression.zstd.level", Int, "3", Default::Fixed("3"), Rule::Between(-131072, 22), Some("compression.zstd.level"), true,
        "The zstd level used when compression.type is zstd"),
    def!("delete.retention.ms", Long, "86400000", Default::Node(|c| c.delete_retention_ms.to_string()), Rule::AtLeast(0), Some("log.cleaner.delete.retention.ms"), true,
        "How long a compacted topic keeps tombstones"),
    def!("file.delete.delay.ms", Long, "60000", Default::Fixed("60000"), Rule::AtLeast(0), Some("log.segment.delete.delay.ms"), false,
        "Accepted, no effect: segments are deleted at once (readers keep open files)"),
    def!("flush.messages", Long, LONG_MAX, Default::Fixed(LONG_MAX), Rule::AtLeast(1), Some("log.flush.interval.messages"), false,
        "Accepted, no effect: journal.fsync decides when data is fsynced"),
    def!("flush.ms", Long, LONG_MAX, Default::Fixed(LONG_MAX), Rule::AtLeast(0), Some("log.flush.interval.ms"), false,
        "Accepted, no effect: journal.fsync decides when data is fsynced"),
    def!("follower.replication.throttled.replicas", List, "", Default::Fixed(""), Rule::ThrottledReplicas, None, false,
        "Accepted, no effect: there is no replication throttling"),
    def!("index.interval.bytes", Int, "4096", Default::Node(|c| c.index_interval_bytes.to_string()), Rule::AtLeast(0), Some("log.index.interval.bytes"), true,
        "Bytes between offset index entries"),
    def!("leader.replication.throttled.replicas", List, "", Default::Fixed(""), Rule::ThrottledReplicas, None, false,
        "Accepted, no effect: there is no replication throttling"),
    def!("local.retention.bytes", Long, "-2", Default::Fixed("-2"), Rule::AtLeast(-2), Some("log.local.retention.bytes"), false,
        "Accepted, no effect: tiered storage is not built yet"),
    def!("local.retention.ms", Long, "-2", Default::Fixed("-2"), Rule::AtLeast(-2), Some("log.local.retention.ms"), false,
        "Accepted, no effect: tiered storage is not built yet"),
    def!("max.compaction.lag.ms", Long, LONG_MAX, Default::Fixed(LONG_MAX), Rule::AtLeast(1), Some("log.cleaner.max.compaction.lag.ms"), false,
        "Accepted, no effect: compaction runs on every retention pass"),
    def!("max.message.bytes", Int, "1048588", Default::Node(|c| c.max_message_bytes.to_string()), Rule::AtLeast(0), Some("message.max.bytes"), true,
        "The largest record batch the topic accepts"),
    def!("message.downconversion.enable", Boolean, "true", Default::Fixed("true"), Rule::Any, Some("log.message.downconversion.enable"), false,
        "Accepted, no effect (a no-op in Kafka 4 too): only RecordBatch v2 is served"),
    def!("message.timestamp.after.max.ms", Long, "3600000", Default::Fixed("3600000"), Rule::AtLeast(0), Some("log.message.timestamp.after.max.ms"), true,
        "How far past the broker's time a CreateTime may be"),
    def!("message.timestamp.before.max.ms", Long, LONG_MAX, Default::Fixed(LONG_MAX), Rule::AtLeast(0), Some("log.message.timestamp.before.max.ms"), true,
        "How far before the broker's time a CreateTime may be"),
    def!("message.timestamp.type", String, "CreateTime", Default::Fixed("CreateTime"), Rule::OneOf(&["CreateTime", "LogAppendTime"]), Some("log.message.timestamp.type"), true,
        "CreateTime keeps producer timestamps; LogAppendTime stamps the broker's"),
    def!("min.cleanable.dirty.ratio", Double, "0.5", Default::Fixed("0.5"), Rule::Ratio, Some("log.cleaner.min.cleanable.ratio"), false,
        "Accepted, no effect: compaction runs on every retention pass"),
    def!("min.compaction.lag.ms", Long, "0", Default::Fixed("0"), Rule::AtLeast(0), Some("log.cleaner.min.compaction.lag.ms"), false,
        "Accepted, no effect: only sealed segments are compacted"),
    def!("min.insync.replicas", Int, "1", Default::Fixed("1"), Rule::AtLeast(1), Some("min.insync.replicas"), true,
        "acks=all fails with NOT_ENOUGH_REPLICAS while fewer replicas are in sync"),
    def!("preallocate", Boolean, "false", Default::Fixed("false"), Rule::Any, Some("log.preallocate"), false,
        "Accepted, no effect: segments grow as they are written"),
    def!("remote.log.copy.disable", Boolean, "false", Default::Fixed("false"), Rule::Any, None, false,
        "Accepted, no effect: tiered storage is not built yet"),
    def!("remote.log.delete.on.disable", Boolean, "false", Default::Fixed("false"), Rule::Any, None, false,
        "Accepted, no effect: tiered storage is not built yet"),
    def!("remote.storage.enable", Boolean, "false", Default::Fixed("false"), Rule::Any, None, true,
        "Tiered storage; only false until it is built"),
    def!("retention.bytes", Long, "-1", Default::Node(|c| c.retention_bytes.to_string()), Rule::Any, Some("log.retention.bytes"), true,
        "Bytes a partition keeps before its oldest segments go; -1 for no limit"),
    def!("retention.ms", Long, "604800000", Default::Node(|c| c.retention_ms.to_string()), Rule::AtLeast(-1), Some("log.retention.ms"), true,
        "How long segments are kept; -1 for ever"),
    def!("segment.bytes", Int, "1073741824", Default::Node(|c| c.segment_bytes.to_string()), Rule::AtLeast(14), Some("log.segment.bytes"), true,
        "Size at which a segment is rolled"),
    def!("segment.index.bytes", Int, "10485760", Default::Fixed("10485760"), Rule::AtLeast(4), Some("log.index.size.max.bytes"), false,
        "Accepted, no effect: the offset index grows with its segment"),
    def!("segment.jitter.ms", Long, "0", Default::Fixed("0"), Rule::AtLeast(0), Some("log.roll.jitter.ms"), false,
        "Accepted, no effect: segments roll at segment.ms exactly"),
    def!("segment.ms", Long, "604800000", Default::Node(|c| c.segment_ms.to_string()), Rule::AtLeast(1), Some("log.roll.ms"), true,
        "Age at which a segment is rolled"),
    def!("unclean.leader.election.enable", Boolean, "false", Default::Fixed("false"), Rule::Any, Some("unclean.leader.election.enable"), false,
        "Accepted, no effect: a standalone node has one replica"),
];

/// The definition of a topic config, if Kafka has one by that name.
pub fn def(name: &str) -> Option<&'static Def> {
    DEFS.iter().find(|d| d.name == name)
}

/// True for a topic config name Kafka 4.x documents.
pub fn is_known(name: &str) -> bool {
    def(name).is_some()
}

fn invalid(name: &str, value: &str, why: &str) -> BrokerError {
    BrokerError::InvalidConfig(format!(
        "Invalid value {value} for configuration {name}: {why}"
    ))
}

/// The elements of a list config (comma-separated, trimmed; empty means none).
pub fn list_items(value: &str) -> Vec<&str> {
    let v = value.trim();
    if v.is_empty() {
        return Vec::new();
    }
    v.split(',').map(str::trim).collect()
}

fn parse_int(name: &str, value: &str, ty: ConfigType) -> Result<i64> {
    let v = value.trim();
    let parsed = match ty {
        ConfigType::Int => v.parse::<i32>().map(i64::from).ok(),
        _ => v.parse::<i64>().ok(),
    };
    let kind = if ty == ConfigType::Int { "INT" } else { "LONG" };
    parsed.ok_or_else(|| invalid(name, value, &format!("Not a number of type {kind}")))
}

/// Checks one config name and value with Kafka's type and rule.
pub fn validate(name: &str, value: &str) -> Result<()> {
    let Some(d) = def(name) else {
        return Err(BrokerError::InvalidConfig(format!(
            "unknown topic config '{name}'"
        )));
    };
    match d.ty {
        ConfigType::Int | ConfigType::Long => {
            let n = parse_int(name, value, d.ty)?;
            match d.rule {
                Rule::AtLeast(min) if n < min => {
                    return Err(invalid(
                        name,
                        value,
                        &format!("Value must be at least {min}"),
                    ))
                }
                Rule::Between(lo, hi) if n < lo || n > hi => {
                    return Err(invalid(
                        name,
                        value,
                        &format!("Value must be no less than {lo} and no more than {hi}"),
                    ))
                }
                Rule::GzipLevel if n != -1 && !(1..=9).contains(&n) => {
                    return Err(invalid(name, value, "Value must be between 1 and 9, or -1"))
                }
                _ => {}
            }
        }
        ConfigType::Double => {
            let x: f64 = value
                .trim()
                .parse()
                .map_err(|_| invalid(name, value, "Not a number of type DOUBLE"))?;
            if !(0.0..=1.0).contains(&x) {
                return Err(invalid(
                    name,
                    value,
                    "Value must be no less than 0 and no more than 1",
                ));
            }
        }
        ConfigType::Boolean => {
            let v = value.trim();
            if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") {
                return Err(invalid(
                    name,
                    value,
                    "Expected value to be either true or false",
                ));
            }
            if name == "remote.storage.enable" && v.eq_ignore_ascii_case("true") {
                return Err(BrokerError::InvalidConfig(
                    "remote.storage.enable=true: tiered storage is not available on this node"
                        .into(),
                ));
            }
        }
        ConfigType::String => {
            if let Rule::OneOf(allowed) = d.rule {
                if !allowed.contains(&value.trim()) {
                    return Err(invalid(
                        name,
                        value,
                        &format!("String must be one of: {}", allowed.join(", ")),
                    ));
                }
            }
        }
        ConfigType::List => {
            let items = list_items(value);
            match d.rule {
                Rule::ListOf(allowed) => {
                    if let Some(bad) = items.iter().find(|i| !allowed.contains(i)) {
                        return Err(invalid(
                            name,
                            value,
                            &format!("'{bad}' is not one of: {}", allowed.join(", ")),
                        ));
                    }
                }
                Rule::ThrottledReplicas => {
                    let ok = items == ["*"]
                        || items.iter().all(|i| {
                            i.split_once(':').is_some_and(|(p, b)| {
                                p.trim().parse::<u32>().is_ok() && b.trim().parse::<u32>().is_ok()
                            })
                        });
                    if !ok {
                        return Err(invalid(
                            name,
                            value,
                            "must be the literal '*' or a list of replicas in the form [PartitionId]:[BrokerId],...",
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Parses `cleanup.policy` into (compact, delete). Empty keeps everything.
fn cleanup_policy(value: &str) -> (bool, bool) {
    let items = list_items(value);
    (items.contains(&"compact"), items.contains(&"delete"))
}

/// The default a topic without an override gets on this node.
fn default_of(d: &Def, defaults: &LogConfig) -> String {
    match d.default {
        Default::Fixed(v) => v.to_string(),
        Default::Node(f) => f(defaults),
    }
}

/// The effective log config of a topic: the daemon defaults with the topic's overrides.
pub fn log_config(defaults: &LogConfig, overrides: &BTreeMap<String, String>) -> LogConfig {
    let mut c = defaults.clone();
    let int = |k: &str| overrides.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    if let Some(v) = int("retention.ms") {
        c.retention_ms = v;
    }
    if let Some(v) = int("retention.bytes") {
        c.retention_bytes = v;
    }
    if let Some(v) = int("segment.bytes") {
        c.segment_bytes = v.max(14) as u64;
    }
    if let Some(v) = int("segment.ms") {
        c.segment_ms = v;
    }
    if let Some(v) = int("max.message.bytes") {
        c.max_message_bytes = v.max(0) as usize;
    }
    if let Some(v) = int("index.interval.bytes") {
        c.index_interval_bytes = v.max(0) as u64;
    }
    if let Some(v) = int("delete.retention.ms") {
        c.delete_retention_ms = v;
    }
    if let Some(v) = overrides.get("cleanup.policy") {
        (c.compact, c.delete) = cleanup_policy(v);
    }
    if let Some(v) = int("message.timestamp.before.max.ms") {
        c.timestamp_before_max_ms = v;
    }
    if let Some(v) = int("message.timestamp.after.max.ms") {
        c.timestamp_after_max_ms = v;
    }
    if let Some(v) = int("min.insync.replicas") {
        c.min_insync_replicas = i32::try_from(v).unwrap_or(i32::MAX);
    }
    if overrides
        .get("message.timestamp.type")
        .is_some_and(|v| v.trim() == "LogAppendTime")
    {
        c.timestamp_type = TimestampType::LogAppendTime;
    }
    let level = |k: &str, default: i64| int(k).unwrap_or(default) as i32;
    c.compression = match overrides.get("compression.type").map(|v| v.trim()) {
        Some("uncompressed") => TopicCompression::Uncompressed,
        Some("gzip") => TopicCompression::Gzip(level("compression.gzip.level", -1)),
        Some("snappy") => TopicCompression::Snappy,
        Some("lz4") => TopicCompression::Lz4(level("compression.lz4.level", 9)),
        Some("zstd") => TopicCompression::Zstd(level("compression.zstd.level", 3)),
        _ => TopicCompression::Producer,
    };
    c
}

/// A topic config as DescribeConfigs shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub name: &'static str,
    pub value: String,
    pub source: ConfigSource,
    pub is_default: bool,
    pub read_only: bool,
    pub ty: ConfigType,
    pub doc: &'static str,
    /// The value without the topic's override, and where it comes from.
    pub default_value: String,
    pub default_source: ConfigSource,
    pub synonym: Option<&'static str>,
}

/// Every topic config with its effective value.
pub fn describe(defaults: &LogConfig, overrides: &BTreeMap<String, String>) -> Vec<ConfigEntry> {
    DEFS.iter()
        .map(|d| {
            let default_value = default_of(d, defaults);
            let default_source = if default_value == d.kafka_default {
                ConfigSource::Default
            } else {
                ConfigSource::Node
            };
            let (value, source) = match overrides.get(d.name) {
                Some(v) => (v.clone(), ConfigSource::Topic),
                None => (default_value.clone(), default_source),
            };
            ConfigEntry {
                name: d.name,
                value,
                is_default: source != ConfigSource::Topic,
                source,
                read_only: false,
                ty: d.ty,
                doc: d.doc,
                default_value,
                default_source,
                synonym: d.synonym,
            }
        })
        .collect()
}

/// IncrementalAlterConfigs' operations on one config, applied to an override set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlterOp {
    Set,
    Delete,
    Append,
    Subtract,
}

impl AlterOp {
    pub fn from_kafka(code: i8) -> Option<AlterOp> {
        match code {
            0 => Some(AlterOp::Set),
            1 => Some(AlterOp::Delete),
            2 => Some(AlterOp::Append),
            3 => Some(AlterOp::Subtract),
            _ => None,
        }
    }
}

/// Applies one operation as Kafka does: APPEND and SUBTRACT only on list configs, working
/// on the current value (the override, else the default), APPEND skipping elements already
/// there. The result is validated later with the rest of the set.
pub fn alter(
    configs: &mut BTreeMap<String, String>,
    defaults: &LogConfig,
    name: &str,
    op: AlterOp,
    value: Option<&str>,
) -> Result<()> {
    let d = def(name)
        .ok_or_else(|| BrokerError::InvalidConfig(format!("unknown topic config '{name}'")))?;
    match op {
        AlterOp::Set => {
            let v = value.ok_or_else(|| {
                BrokerError::InvalidArgument(format!("SET of '{name}' needs a value"))
            })?;
            configs.insert(name.to_string(), v.to_string());
        }
        AlterOp::Delete => {
            configs.remove(name);
        }
        AlterOp::Append | AlterOp::Subtract => {
            if d.ty != ConfigType::List {
                return Err(BrokerError::InvalidArgument(format!(
                    "Config value append is not allowed for config key: {name}"
                )));
            }
            let current = configs
                .get(name)
                .cloned()
                .unwrap_or_else(|| default_of(d, defaults));
            let mut items: Vec<String> =
                list_items(&current).into_iter().map(String::from).collect();
            let given = list_items(value.unwrap_or(""));
            if op == AlterOp::Append {
                for g in given {
                    if !items.iter().any(|i| i == g) {
                        items.push(g.to_string());
                    }
                }
            } else {
                items.retain(|i| !given.contains(&i.as_str()));
            }
            configs.insert(name.to_string(), items.join(","));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_with_kafkas_types_and_rules() {
        assert!(validate("retention.ms", "1000").is_ok());
        assert!(validate("retention.ms", "soon").is_err());
        assert!(validate("retention.ms", "-2").is_err());
        assert!(validate("retention.bytes", "-5").is_ok());
        assert!(validate("no.such.thing", "1").is_err());
        assert!(validate("message.format.version", "3.0").is_err());
        assert!(validate("cleanup.policy", "compact").is_ok());
        assert!(validate("cleanup.policy", "compact,delete").is_ok());
        assert!(validate("cleanup.policy", "").is_ok());
        assert!(validate("cleanup.policy", "shred").is_err());
        assert!(validate("compression.type", "gzip").is_ok());
        assert!(validate("compression.type", "brotli").is_err());
        assert!(validate("compression.gzip.level", "-1").is_ok());
        assert!(validate("compression.gzip.level", "0").is_err());
        assert!(validate("compression.gzip.level", "10").is_err());
        assert!(validate("compression.zstd.level", "-131072").is_ok());
        assert!(validate("compression.zstd.level", "23").is_err());
        assert!(validate("segment.bytes", "3000000000").is_err(), "an INT");
        assert!(validate("min.cleanable.dirty.ratio", "0.7").is_ok());
        assert!(validate("min.cleanable.dirty.ratio", "1.5").is_err());
        assert!(validate("preallocate", "TRUE").is_ok());
        assert!(validate("preallocate", "yes").is_err());
        assert!(validate("remote.storage.enable", "false").is_ok());
        assert!(validate("remote.storage.enable", "true").is_err());
        assert!(validate("min.insync.replicas", "0").is_err());
        assert!(validate("message.timestamp.type", "LogAppendTime").is_ok());
        assert!(validate("message.timestamp.type", "Now").is_err());
        assert!(validate("leader.replication.throttled.replicas", "*").is_ok());
        assert!(validate("leader.replication.throttled.replicas", "0:1, 1:2").is_ok());
        assert!(validate("leader.replication.throttled.replicas", "").is_ok());
        assert!(validate("leader.replication.throttled.replicas", "x").is_err());
        assert!(validate("file.delete.delay.ms", "0").is_ok());
    }

    #[test]
    fn every_default_passes_its_own_rule() {
        for d in DEFS {
            if d.name != "remote.storage.enable" {
                validate(d.name, d.kafka_default).unwrap();
            }
            let shown = default_of(d, &LogConfig::default());
            assert_eq!(shown, d.kafka_default, "{}", d.name);
        }
    }

    #[test]
    fn overrides_reach_the_log_config() {
        let o = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        let d = LogConfig::default();
        assert_eq!(log_config(&d, &o("retention.ms", "5")).retention_ms, 5);
        let lc = log_config(&d, &o("cleanup.policy", "compact"));
        assert!(lc.compact && !lc.delete);
        let lc = log_config(&d, &o("cleanup.policy", ""));
        assert!(!lc.compact && !lc.delete);
        assert_eq!(
            log_config(&d, &o("compression.type", "gzip")).compression,
            TopicCompression::Gzip(-1)
        );
        let mut z = o("compression.type", "zstd");
        z.insert("compression.zstd.level".into(), "9".into());
        assert_eq!(log_config(&d, &z).compression, TopicCompression::Zstd(9));
        assert_eq!(
            log_config(&d, &o("message.timestamp.type", "LogAppendTime")).timestamp_type,
            TimestampType::LogAppendTime
        );
        assert_eq!(
            log_config(&d, &o("min.insync.replicas", "2")).min_insync_replicas,
            2
        );
    }

    #[test]
    fn describe_says_where_each_value_comes_from() {
        let node = LogConfig {
            retention_ms: 1000,
            ..LogConfig::default()
        };
        let o = BTreeMap::from([("segment.ms".to_string(), "5".to_string())]);
        let d = describe(&node, &o);
        assert_eq!(d.len(), DEFS.len());
        let get = |n: &str| d.iter().find(|e| e.name == n).unwrap();
        assert_eq!(
            (get("segment.ms").source, get("segment.ms").value.as_str()),
            (ConfigSource::Topic, "5")
        );
        assert_eq!(get("retention.ms").source, ConfigSource::Node);
        assert_eq!(get("flush.ms").source, ConfigSource::Default);
        assert_eq!(get("cleanup.policy").ty, ConfigType::List);
    }

    #[test]
    fn append_and_subtract_work_on_lists_only() {
        let d = LogConfig::default();
        let mut c = BTreeMap::new();
        let mut policy = |op, v| {
            alter(&mut c, &d, "cleanup.policy", op, Some(v)).unwrap();
            c["cleanup.policy"].clone()
        };
        assert_eq!(policy(AlterOp::Append, "compact"), "delete,compact");
        assert_eq!(policy(AlterOp::Append, "delete"), "delete,compact");
        assert_eq!(policy(AlterOp::Subtract, "delete"), "compact");
        assert_eq!(policy(AlterOp::Subtract, "compact"), "");
        assert!(alter(&mut c, &d, "retention.ms", AlterOp::Append, Some("1")).is_err());
        alter(&mut c, &d, "retention.ms", AlterOp::Set, Some("1")).unwrap();
        alter(&mut c, &d, "retention.ms", AlterOp::Delete, None).unwrap();
        assert!(!c.contains_key("retention.ms"));
    }
}
