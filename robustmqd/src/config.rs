//! Configuration: defaults < TOML file < `ROBUSTMQ_*` environment < flags. Unknown keys in the
//! file or the environment's known sections are errors that name the key. Each section but the
//! daemon's own (`admin`, `listeners`) belongs to the crate it configures; the protocols'
//! sections come from the table in `robustmqd::protocols`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{bail, Context};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::value::Value;
use figment::Figment;
use robustmq_broker::config::BrokerSection;
use robustmq_broker::protocol::ListenerAddrs;
use robustmq_journal::config::JournalSection;
use robustmqd::protocols::{listener_specs, ProtocolSections};
use serde::{Deserialize, Serialize};

pub use robustmqd::cli::Cli;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Config {
    pub data_dir: PathBuf,
    pub roles: String,
    pub log_level: String,
    /// Every listener's address or `off`, by name (`listeners.kafka`, `listeners.mqtt_ws`, ...).
    pub listeners: BTreeMap<String, String>,
    pub admin: AdminConfig,
    pub broker: BrokerSection,
    pub journal: JournalSection,
    /// Printed as top-level sections; read on their own from the whole configuration, so an
    /// error names its key and source (a flattened read would not).
    #[serde(flatten, skip_deserializing)]
    pub protocols: ProtocolSections,
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

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./data"),
            roles: "meta,journal,broker".into(),
            log_level: "info".into(),
            listeners: listener_specs()
                .map(|s| (s.name.to_string(), s.default.to_string()))
                .collect(),
            admin: AdminConfig::default(),
            broker: BrokerSection::default(),
            journal: JournalSection::default(),
            protocols: ProtocolSections::default(),
        }
    }
}

/// The top-level keys a configuration may have: the sections and settings of the defaults.
fn top_level_keys() -> anyhow::Result<BTreeSet<String>> {
    match Value::serialize(Config::default()).context("cannot list the configuration keys")? {
        Value::Dict(_, dict) => Ok(dict.into_keys().collect()),
        _ => bail!("the default configuration is not a table"),
    }
}

/// The effective configuration, and warnings for the daemon to log once logging is up.
pub fn load(cli: &Cli) -> anyhow::Result<(Config, Vec<String>)> {
    let known = top_level_keys()?;
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    if let Some(path) = &cli.config {
        if !path.is_file() {
            bail!("config file {} does not exist", path.display());
        }
        fig = fig.merge(Toml::file_exact(path));
    }
    // Other `ROBUSTMQ_*` variables belong to other tools (the CLI's `ROBUSTMQ_SERVER`, say)
    // and are ignored here.
    let env_known = known.clone();
    fig = fig.merge(
        Env::prefixed("ROBUSTMQ_")
            .filter(move |k| {
                let section = k.as_str().split("__").next().unwrap_or_default();
                env_known.iter().any(|s| s.eq_ignore_ascii_case(section))
            })
            .split("__"),
    );
    fig = fig.merge(Serialized::globals(cli));
    fig = fig.merge(Serialized::global("listeners", &cli.listen.0));
    // Sections are strict (deny_unknown_fields); the top level holds the protocols' sections
    // flattened, so its keys are checked here.
    let given: BTreeMap<String, Value> = fig
        .extract()
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
    if let Some(key) = given.keys().find(|k| !known.contains(*k)) {
        bail!(
            "invalid configuration: unknown key `{key}` (the top-level keys are {})",
            known.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let invalid = |e| anyhow::anyhow!("invalid configuration: {e}");
    let mut config: Config = fig.extract().map_err(invalid)?;
    config.protocols = fig.extract().map_err(invalid)?;
    let legacy = config.protocols.kafka.take_legacy();
    let warnings = config.broker.apply_legacy("kafka", legacy);
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
    /// Every listener's parsed address; an unknown listener name is an error.
    pub fn listener_addrs(&self) -> anyhow::Result<ListenerAddrs> {
        let mut addrs = BTreeMap::new();
        for (name, value) in &self.listeners {
            if !listener_specs().any(|s| s.name == name) {
                let names: Vec<&str> = listener_specs().map(|s| s.name).collect();
                bail!(
                    "invalid configuration: unknown listener `listeners.{name}` (the listeners are {})",
                    names.join(", ")
                );
            }
            addrs.insert(name.clone(), listener(name, value)?);
        }
        Ok(ListenerAddrs(addrs))
    }

    fn validate(&self) -> anyhow::Result<()> {
        let addrs = self.listener_addrs()?;
        self.journal.validate()?;
        self.broker.validate()?;
        self.protocols.validate(&addrs)?;
        let roles = self.roles()?;
        if roles != ["broker", "journal", "meta"] {
            bail!(
                "roles {:?}: running a subset of roles needs cluster mode, which this build does not have yet; \
                 run all three (the default)",
                self.roles
            );
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn load_args(args: &[&str]) -> anyhow::Result<Config> {
        let mut argv = vec!["robustmqd"];
        argv.extend_from_slice(args);
        load(&Cli::parse_from(argv)).map(|(c, _)| c)
    }

    #[test]
    fn every_listener_has_a_default_a_flag_and_an_address() {
        let config = load_args(&[]).unwrap();
        let addrs = config.listener_addrs().unwrap();
        for spec in listener_specs() {
            assert_eq!(config.listeners[spec.name], spec.default, "{}", spec.name);
            assert_eq!(addrs.get(spec.name).is_some(), spec.default != "off");
            let flag = format!("--{}", spec.flag);
            let cli = Cli::parse_from(["robustmqd", flag.as_str(), "127.0.0.1:7"]);
            assert_eq!(cli.listen.0[spec.name], "127.0.0.1:7", "{flag}");
        }
    }

    #[test]
    fn a_listener_flag_sets_its_key_and_a_bad_value_names_it() {
        let set = load_args(&["--mqtt-ws-listen", "127.0.0.1:7"]).unwrap();
        assert_eq!(set.listeners["mqtt_ws"], "127.0.0.1:7");
        let e = load_args(&["--mqtt-ws-listen", "nowhere"]).unwrap_err();
        assert!(e.to_string().contains("listeners.mqtt_ws"), "{e}");
    }

    #[test]
    fn sections_are_validated_by_their_crates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        for (text, needle) in [
            ("[journal]\nmax_open_files = 3\n", "journal.max_open_files"),
            (
                "[broker]\ndefault_partitions = 0\n",
                "broker.default_partitions",
            ),
            (
                "[kafka]\nadvertised_listener = \"nohost\"\n",
                "kafka.advertised_listener",
            ),
            ("[mqtt]\nlog_partitions = 0\n", "mqtt.log_partitions"),
            ("[listeners]\namqq = \"0.0.0.0:1\"\n", "listeners.amqq"),
            ("surplus = 1\n", "surplus"),
            ("[mqtt]\nmax_sessions = \"x\"\n", "mqtt.max_sessions"),
            ("[kafka]\nmax_frame_byte = 1\n", "kafka.max_frame_byte"),
        ] {
            std::fs::write(&path, text).unwrap();
            let e = load_args(&["--config", path.to_str().unwrap()]).unwrap_err();
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
    }
}
