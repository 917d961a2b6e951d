//! `robustmq produce` and `robustmq consume`: moving records in and out of topics from a
//! shell, in the spirit of kcat's -P and -C modes.

use std::path::PathBuf;

use clap::Args;

use crate::format::RecordFormat;
use crate::parse::{parse_header, parse_separator, parse_time_ms};

pub const PRODUCE_EXAMPLES: &str = "Examples:\n  \
    seq 1000 | robustmq produce numbers\n  \
    echo 'user-42:{\"total\":10}' | robustmq produce orders --key-separator :\n  \
    robustmq produce orders --file orders.ndjson --header source=backfill\n  \
    robustmq produce orders --key user-42 --partition 3 < events.txt";

pub const CONSUME_EXAMPLES: &str = "Examples:\n  \
    robustmq consume orders                         # new records until Ctrl-C\n  \
    robustmq consume orders --from-beginning --count 10\n  \
    robustmq consume orders -b --format '%p:%o %k=%v\\n'\n  \
    robustmq consume orders --group audit --from-beginning --follow\n  \
    robustmq consume orders --from-timestamp 2024-05-01T00:00:00Z -o json | jq .value";

/// Options of `robustmq produce` (its help text is on `Command::Produce`).
#[derive(Debug, Args)]
pub struct ProduceArgs {
    /// Topic to write to.
    pub topic: String,
    /// Key of every record (default: no key, records spread over partitions).
    #[arg(short, long, conflicts_with = "key_separator")]
    pub key: Option<String>,
    /// Partition of every record (default: by key hash, like Kafka's default partitioner).
    #[arg(short, long, value_parser = clap::value_parser!(i32).range(0..))]
    pub partition: Option<i32>,
    /// A header added to every record, NAME=VALUE (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME=VALUE", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,
    /// Split each line into key and value at the first SEP (like kcat -K); a line without
    /// SEP has no key. `\t` means a tab.
    #[arg(short = 'K', long, value_name = "SEP", value_parser = parse_separator)]
    pub key_separator: Option<String>,
    /// Read records from this file instead of stdin (repeatable, read in order).
    #[arg(long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
}

/// Options of `robustmq consume` (its help text is on `Command::Consume`).
#[derive(Debug, Args)]
pub struct ConsumeArgs {
    /// Topic to read.
    pub topic: String,
    /// Only these partitions (repeatable; default: all).
    #[arg(short, long = "partition", value_name = "P",
          value_parser = clap::value_parser!(i32).range(0..))]
    pub partitions: Vec<i32>,
    /// Start at the log start of each partition (with --group: where it has no commit).
    #[arg(short = 'b', long, group = "start")]
    pub from_beginning: bool,
    /// Start at this offset in every partition.
    #[arg(long, value_name = "N", group = "start", conflicts_with = "group",
          value_parser = clap::value_parser!(i64).range(0..))]
    pub offset: Option<i64>,
    /// Start at the first record at or after this time: epoch ms or RFC 3339.
    #[arg(long, value_name = "MS", group = "start", conflicts_with = "group",
          value_parser = parse_time_ms)]
    pub from_timestamp: Option<i64>,
    /// Start at this group's committed offsets and commit what is printed.
    #[arg(short, long, value_name = "G")]
    pub group: Option<String>,
    /// Stop after N records.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Keep waiting for new records when caught up (until Ctrl-C or --count).
    #[arg(short, long)]
    pub follow: bool,
    /// How to print each record: %t topic, %p partition, %o offset, %k key, %v value,
    /// %T timestamp (ms), %h headers (k=v,...), %% a percent sign; \n \t \r \\ escapes.
    /// Ignored with -o json.
    #[arg(short = 'F', long, value_name = "FMT", default_value = "%v\\n")]
    pub format: RecordFormat,
}
