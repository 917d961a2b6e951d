//! What the daemon needs from a protocol crate: its config section, the listeners it serves
//! and one call that starts them. The daemon keeps one table of protocols, so adding a protocol
//! is one entry there; flags, defaults, `--print-config` and validation follow from it.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::watch;

pub use robustmq_journal::config::ConfigError;

use crate::Broker;

/// One listener a protocol serves: `listeners.<name>` in the config, `--<flag>` on the
/// command line.
#[derive(Debug, Clone, Copy)]
pub struct ListenerSpec {
    pub name: &'static str,
    /// An address, or `off`.
    pub default: &'static str,
    /// The command-line flag, without the leading dashes.
    pub flag: &'static str,
    /// The flag's help line.
    pub about: &'static str,
}

/// Every listener's address after parsing: `None` when it is `off`.
#[derive(Debug, Clone, Default)]
pub struct ListenerAddrs(pub BTreeMap<String, Option<SocketAddr>>);

impl ListenerAddrs {
    pub fn get(&self, name: &str) -> Option<SocketAddr> {
        self.0.get(name).copied().flatten()
    }
}

/// What every protocol's start gets.
#[derive(Clone)]
pub struct StartContext {
    pub broker: Arc<Broker>,
    pub cluster_id: String,
    /// The node's data directory (for free-space checks).
    pub data_dir: std::path::PathBuf,
    /// Turns true at shutdown; every task stops after it (listeners drain their connections).
    pub stop: watch::Receiver<bool>,
}

pub type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A started protocol: where its listeners are bound, and the tasks that serve them (and its
/// background work). The daemon runs the tasks and waits for them at shutdown.
#[derive(Default)]
pub struct Started {
    pub listeners: Vec<(String, SocketAddr)>,
    pub tasks: Vec<Task>,
    /// State the protocol lets the daemon's admin API reach (found there by its type), such
    /// as the AMQP core behind `robustmq queue`.
    pub services: Vec<Arc<dyn std::any::Any + Send + Sync>>,
}

/// Why a protocol could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen for {name} on {addr}: {source}")]
    Bind {
        name: String,
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("{0}")]
    Setup(String),
}

/// A protocol the daemon can serve.
pub trait Protocol {
    /// Its config section, `[<name>]` under the name the daemon's table gives it.
    type Section: Serialize + DeserializeOwned + Default + Clone + std::fmt::Debug + PartialEq;
    const LISTENERS: &'static [ListenerSpec];

    /// Checks the section, given the parsed listener addresses (a TLS listener needs a
    /// certificate in the section, say).
    fn validate(section: &Self::Section, listeners: &ListenerAddrs) -> Result<(), ConfigError>;

    /// Connections its listeners may hold together, for sizing the open-file limit.
    fn max_connections(section: &Self::Section) -> usize;

    /// Loads the protocol's state and binds its listeners that are not `off`.
    fn start(
        section: &Self::Section,
        listeners: &ListenerAddrs,
        ctx: StartContext,
    ) -> impl Future<Output = Result<Started, StartError>> + Send;
}
