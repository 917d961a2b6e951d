//! The metadata catalog: topics and their configs, consumer-group offsets and state, users,
//! producer ids.
//!
//! [`MetaStore`] is the role boundary: the broker depends on the trait only. [`RocksMeta`] is the
//! single-node implementation; the cluster will serve the same trait from a replicated state
//! machine. Methods are blocking calls. The core makes the ones that matter (group state,
//! offsets, new sessions) on the blocking pool (`Broker::off_runtime`), and every write of
//! [`RocksMeta`] that still runs on a runtime worker goes through [`off_worker`], so no worker
//! sits in an fsync (or, later, a round trip to the meta quorum) while its other tasks wait.

mod fault;
mod rocks;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use fault::FaultMeta;
pub use rocks::RocksMeta;

/// Runs blocking `f` without stalling a tokio runtime: on a multi-threaded runtime's worker
/// the worker's other tasks move to another thread while `f` runs (`block_in_place`); anywhere
/// else (the blocking pool, a plain thread, a single-threaded test runtime) `f` just runs.
pub fn off_worker<R>(f: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MetaError {
    #[error("topic '{0}' already exists")]
    TopicExists(String),
    #[error("topic '{0}' does not exist")]
    UnknownTopic(String),
    #[error("metadata storage error: {0}")]
    Storage(String),
    #[error("corrupt metadata under key '{key}': {reason}")]
    Corrupt { key: String, reason: String },
}

pub type Result<T> = std::result::Result<T, MetaError>;

/// A topic as the catalog knows it. Configs are Kafka topic config names and string values;
/// only those set explicitly are stored, defaults come from the daemon's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMeta {
    pub name: String,
    /// Kafka topic id (UUID), stable for the life of the topic.
    pub id: String,
    pub partitions: i32,
    pub configs: BTreeMap<String, String>,
    pub created_ms: i64,
}

/// A committed consumer-group offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommittedOffset {
    pub offset: i64,
    pub leader_epoch: i32,
    pub metadata: String,
    pub commit_ms: i64,
}

/// The part of a consumer group's state that outlives its members: after a restart members
/// rejoin, and generations keep counting up from here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMeta {
    pub name: String,
    pub protocol_type: String,
    pub protocol: String,
    pub generation: i32,
}

/// A user's SCRAM-SHA-256 credential (RFC 5802/7677): what is needed to verify a password or
/// run a SCRAM exchange, never the password itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCredential {
    pub name: String,
    pub mechanism: String,
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub stored_key: Vec<u8>,
    pub server_key: Vec<u8>,
    /// The SCRAM-SHA-512 keys, for users whose password was set since robustmq derives them
    /// (older records have none until the password is set again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha512: Option<ScramKeys>,
}

/// One SCRAM mechanism's salted keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScramKeys {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub stored_key: Vec<u8>,
    pub server_key: Vec<u8>,
}

/// One committed offset of a group, with its topic and partition.
pub type GroupOffset = (String, i32, CommittedOffset);

pub trait MetaStore: Send + Sync {
    fn create_topic(&self, topic: &TopicMeta) -> Result<()>;
    /// Replaces a topic's partition count or configs.
    fn update_topic(&self, topic: &TopicMeta) -> Result<()>;
    /// Removes a topic and every committed offset of it.
    fn delete_topic(&self, name: &str) -> Result<()>;
    fn topic(&self, name: &str) -> Result<Option<TopicMeta>>;
    fn topics(&self) -> Result<Vec<TopicMeta>>;

    fn commit_offsets(&self, group: &str, offsets: &[GroupOffset]) -> Result<()>;
    fn committed_offsets(&self, group: &str) -> Result<Vec<GroupOffset>>;
    fn delete_offsets(&self, group: &str, partitions: &[(String, i32)]) -> Result<()>;

    fn put_group(&self, group: &GroupMeta) -> Result<()>;
    /// Compare-and-set on the generation: writes `group` unless the stored state has a newer
    /// generation, and says whether it wrote. So a late write of an older rebalance (here, or
    /// from another broker) never replaces a newer one; states of the same generation (the
    /// sync after a join, a leave that empties the group) replace each other in order.
    fn put_group_if_newer(&self, group: &GroupMeta) -> Result<bool>;
    fn groups(&self) -> Result<Vec<GroupMeta>>;
    /// Removes a group's state and all its committed offsets.
    fn delete_group(&self, name: &str) -> Result<()>;
    /// Names of groups with committed offsets or stored state.
    fn group_names(&self) -> Result<Vec<String>>;

    /// Creates or replaces a user; true when it did not exist.
    fn put_user(&self, user: &UserCredential) -> Result<bool>;
    fn user(&self, name: &str) -> Result<Option<UserCredential>>;
    fn users(&self) -> Result<Vec<UserCredential>>;
    /// False when there was no such user.
    fn delete_user(&self, name: &str) -> Result<bool>;

    /// Stores a protocol's own state (MQTT sessions, retained messages) as opaque bytes under
    /// `(namespace, key)`. `sync: false` survives a process crash (the write-ahead log is in the
    /// OS's cache) but not a power loss; use it for state written on every acknowledgement.
    fn put_entry(&self, namespace: &str, key: &str, value: &[u8], sync: bool) -> Result<()>;
    fn delete_entry(&self, namespace: &str, key: &str) -> Result<()>;
    /// Puts (`Some`) and deletes (`None`) entries of a namespace in one atomic write, so state
    /// changed by a batch of messages costs one write (and one fsync with `sync`).
    fn write_entries(
        &self,
        namespace: &str,
        changes: &[(&str, Option<&[u8]>)],
        sync: bool,
    ) -> Result<()>;
    /// Every (key, value) of a namespace, in key order.
    fn entries(&self, namespace: &str) -> Result<Vec<(String, Vec<u8>)>>;

    /// Allocates a producer id never handed out before, even across restarts.
    fn next_producer_id(&self) -> Result<i64>;
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::off_worker;

    /// With one runtime worker, a task blocked in `off_worker` must not stop another task: the
    /// blocked closure waits for a message only the other task sends.
    #[test]
    fn a_blocking_call_leaves_the_worker_to_other_tasks() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let (tx, rx) = mpsc::channel::<()>();
        let got = rt.block_on(async move {
            let blocked = tokio::spawn(async move {
                off_worker(|| rx.recv_timeout(Duration::from_secs(10)).is_ok())
            });
            tokio::task::yield_now().await;
            let other = tokio::spawn(async move { tx.send(()).is_ok() });
            let sent = other.await.unwrap();
            (sent, blocked.await.unwrap())
        });
        assert_eq!(got, (true, true));
        // Outside a runtime and on a single-threaded one it just runs.
        assert_eq!(off_worker(|| 7), 7);
        let single = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(single.block_on(async { off_worker(|| 8) }), 8);
    }
}
