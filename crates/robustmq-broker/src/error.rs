use robustmq_journal::JournalError;
use robustmq_meta::MetaError;

/// Errors of the broker core, each with a protocol-neutral meaning that protocol crates map onto
/// their own codes.
#[derive(Debug, thiserror::Error)]
pub enum BrokerError {
    #[error("topic '{0}' already exists")]
    TopicExists(String),
    #[error("topic '{0}' does not exist")]
    UnknownTopic(String),
    #[error("invalid topic name '{name}': {reason}")]
    InvalidTopic { name: String, reason: String },
    #[error("invalid partition count: {0}")]
    InvalidPartitions(String),
    #[error("invalid config: {0}")]
    InvalidConfig(String),
    #[error("user '{0}' does not exist")]
    UnknownUser(String),
    #[error("{0}")]
    InvalidArgument(String),
    #[error("metadata: {0}")]
    Meta(#[from] MetaError),
    #[error("journal: {0}")]
    Journal(#[from] JournalError),
}

pub type Result<T> = std::result::Result<T, BrokerError>;
