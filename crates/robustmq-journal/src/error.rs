use std::io;

/// Everything the journal can refuse or fail with. Callers map these onto protocol error codes.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
    #[error("corrupt record batch: {0}")]
    Corrupt(String),
    #[error("record batch CRC mismatch (expected {expected:#010x}, computed {computed:#010x})")]
    CrcMismatch { expected: u32, computed: u32 },
    #[error("unsupported record batch magic {0} (only v2 is stored)")]
    UnsupportedMagic(i8),
    #[error("record batch of {size} bytes exceeds max.message.bytes {limit}")]
    BatchTooLarge { size: usize, limit: usize },
    #[error("records decompress to more than max.message.bytes {limit}")]
    DecompressedTooLarge { limit: usize },
    #[error("offset {offset} is outside the log [{start}, {end}]")]
    OffsetOutOfRange { offset: i64, start: i64, end: i64 },
    #[error("producer {producer_id}: sequence {got} is out of order (expected {expected})")]
    OutOfOrderSequence {
        producer_id: i64,
        expected: i32,
        got: i32,
    },
    #[error("producer {producer_id}: epoch {got} is older than {current}")]
    InvalidProducerEpoch {
        producer_id: i64,
        current: i16,
        got: i16,
    },
    #[error("invalid timestamp: {0}")]
    InvalidTimestamp(String),
    #[error("invalid record: {0}")]
    InvalidRecord(String),
    #[error("partition directories {0:?} hold data the metadata store does not list (a missing or restored meta directory?); restore meta, or start with --delete-unknown-partitions to delete them")]
    UnknownPartitions(Vec<String>),
    #[error("partition {0} is deleted")]
    Deleted(String),
    #[error("partition {partition} is offline after a storage failure ({reason}); restart robustmqd to recover it")]
    Offline { partition: String, reason: String },
}

pub type Result<T> = std::result::Result<T, JournalError>;
