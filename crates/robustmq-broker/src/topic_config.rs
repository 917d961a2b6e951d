//! Topic configs: which Kafka topic config names robustmq honours, their defaults, and how an
//! override set becomes a journal [`LogConfig`].

use std::collections::BTreeMap;

use robustmq_journal::LogConfig;

use crate::error::{BrokerError, Result};

/// A topic config as DescribeConfigs shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigEntry {
    pub name: &'static str,
    pub value: String,
    pub is_default: bool,
    pub read_only: bool,
}

/// Config names accepted on topics. Anything else is refused with a message naming it.
const KNOWN: &[(&str, bool)] = &[
    // (name, read-only)
    ("cleanup.policy", false),
    ("delete.retention.ms", false),
    ("retention.ms", false),
    ("retention.bytes", false),
    ("segment.bytes", false),
    ("segment.ms", false),
    ("max.message.bytes", false),
    ("index.interval.bytes", false),
    ("message.timestamp.type", true),
    ("compression.type", true),
    ("min.insync.replicas", true),
];

fn parse_i64(name: &str, v: &str, min: i64) -> Result<i64> {
    let n: i64 = v
        .trim()
        .parse()
        .map_err(|_| BrokerError::InvalidConfig(format!("{name}={v} is not an integer")))?;
    if n < min {
        return Err(BrokerError::InvalidConfig(format!(
            "{name}={v} is below the minimum {min}"
        )));
    }
    Ok(n)
}

/// True for a config name robustmq honours on topics.
pub fn is_known(name: &str) -> bool {
    KNOWN.iter().any(|(n, _)| *n == name)
}

/// Checks one config name and value.
pub fn validate(name: &str, value: &str) -> Result<()> {
    let Some((_, read_only)) = KNOWN.iter().find(|(n, _)| *n == name) else {
        return Err(BrokerError::InvalidConfig(format!(
            "unknown topic config '{name}'"
        )));
    };
    match name {
        "cleanup.policy" => cleanup_policy(value).map(|_| ()),
        "retention.ms" | "retention.bytes" | "segment.ms" => parse_i64(name, value, -1).map(|_| ()),
        "delete.retention.ms" => parse_i64(name, value, 0).map(|_| ()),
        // Index positions are 32-bit, as Kafka's segment.bytes is an int.
        "segment.bytes" => match parse_i64(name, value, 14)? {
            n if n > i32::MAX as i64 => Err(BrokerError::InvalidConfig(format!(
                "{name}={value} is above the maximum {}",
                i32::MAX
            ))),
            _ => Ok(()),
        },
        "max.message.bytes" => parse_i64(name, value, 0).map(|_| ()),
        "index.interval.bytes" => parse_i64(name, value, 0).map(|_| ()),
        _ if *read_only => {
            let default = defaults_map(&LogConfig::default());
            if default.get(name).is_some_and(|d| d == value) {
                Ok(())
            } else {
                Err(BrokerError::InvalidConfig(format!(
                    "{name} is fixed at its default in robustmq"
                )))
            }
        }
        _ => Ok(()),
    }
}

/// Parses `cleanup.policy` (`delete`, `compact`, or both, comma-separated) into
/// (compact, delete).
fn cleanup_policy(value: &str) -> Result<(bool, bool)> {
    let (mut compact, mut delete) = (false, false);
    for part in value.split(',').map(str::trim) {
        match part {
            "compact" => compact = true,
            "delete" => delete = true,
            other => {
                return Err(BrokerError::InvalidConfig(format!(
                    "cleanup.policy={value}: '{other}' is neither 'delete' nor 'compact'"
                )))
            }
        }
    }
    Ok((compact, delete))
}

fn defaults_map(d: &LogConfig) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("cleanup.policy", "delete".to_string()),
        ("delete.retention.ms", d.delete_retention_ms.to_string()),
        ("retention.ms", d.retention_ms.to_string()),
        ("retention.bytes", d.retention_bytes.to_string()),
        ("segment.bytes", d.segment_bytes.to_string()),
        ("segment.ms", d.segment_ms.to_string()),
        ("max.message.bytes", d.max_message_bytes.to_string()),
        ("index.interval.bytes", d.index_interval_bytes.to_string()),
        ("message.timestamp.type", "CreateTime".to_string()),
        ("compression.type", "producer".to_string()),
        ("min.insync.replicas", "1".to_string()),
    ])
}

/// The effective log config of a topic: the daemon defaults with the topic's overrides.
pub fn log_config(defaults: &LogConfig, overrides: &BTreeMap<String, String>) -> LogConfig {
    let mut c = defaults.clone();
    let get = |k: &str| overrides.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    if let Some(v) = get("retention.ms") {
        c.retention_ms = v;
    }
    if let Some(v) = get("retention.bytes") {
        c.retention_bytes = v;
    }
    if let Some(v) = get("segment.bytes") {
        c.segment_bytes = v.max(14) as u64;
    }
    if let Some(v) = get("segment.ms") {
        c.segment_ms = v;
    }
    if let Some(v) = get("max.message.bytes") {
        c.max_message_bytes = v.max(0) as usize;
    }
    if let Some(v) = get("index.interval.bytes") {
        c.index_interval_bytes = v.max(0) as u64;
    }
    if let Some(v) = get("delete.retention.ms") {
        c.delete_retention_ms = v;
    }
    if let Some(Ok((compact, delete))) = overrides.get("cleanup.policy").map(|v| cleanup_policy(v))
    {
        c.compact = compact;
        c.delete = delete;
    }
    c
}

/// Every known config of a topic with its effective value.
pub fn describe(defaults: &LogConfig, overrides: &BTreeMap<String, String>) -> Vec<ConfigEntry> {
    defaults_map(defaults)
        .into_iter()
        .map(|(name, default)| {
            let read_only = KNOWN.iter().any(|(n, ro)| *n == name && *ro);
            match overrides.get(name) {
                Some(v) => ConfigEntry {
                    name,
                    value: v.clone(),
                    is_default: false,
                    read_only,
                },
                None => ConfigEntry {
                    name,
                    value: default,
                    is_default: true,
                    read_only,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_and_merges() {
        assert!(validate("retention.ms", "1000").is_ok());
        assert!(validate("retention.ms", "soon").is_err());
        assert!(validate("no.such.thing", "1").is_err());
        assert!(validate("cleanup.policy", "compact").is_ok());
        assert!(validate("cleanup.policy", "compact,delete").is_ok());
        assert!(validate("cleanup.policy", "shred").is_err());
        let o = BTreeMap::from([("retention.ms".to_string(), "5".to_string())]);
        assert_eq!(log_config(&LogConfig::default(), &o).retention_ms, 5);
        let c = BTreeMap::from([("cleanup.policy".to_string(), "compact".to_string())]);
        let lc = log_config(&LogConfig::default(), &c);
        assert!(lc.compact && !lc.delete);
        let d = describe(&LogConfig::default(), &o);
        assert!(d
            .iter()
            .any(|e| e.name == "retention.ms" && e.value == "5" && !e.is_default));
    }
}
