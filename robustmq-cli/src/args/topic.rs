//! `robustmq topic ...`

use clap::{Args, Subcommand};

use crate::parse::parse_key_value;

#[derive(Debug, Subcommand)]
pub enum TopicCommand {
    /// Every topic with its partition count, records and size.
    #[command(after_long_help = "Examples:\n  robustmq topic list\n  \
        robustmq topic list -o json | jq -r '.topics[].name'")]
    List,
    /// Partitions with offsets and sizes, and every config with its effective value.
    #[command(after_long_help = "Examples:\n  robustmq topic describe orders")]
    Describe {
        /// Topic name.
        name: String,
    },
    /// Create a topic.
    #[command(after_long_help = "Examples:\n  robustmq topic create orders\n  \
        robustmq topic create orders --partitions 6 --config cleanup.policy=compact \
        --config retention.ms=604800000")]
    Create(CreateArgs),
    /// Set or remove per-topic config overrides.
    #[command(after_long_help = "Examples:\n  \
        robustmq topic alter orders --config retention.ms=3600000\n  \
        robustmq topic alter orders --delete-config retention.ms")]
    Alter(AlterArgs),
    /// Grow a topic to a total number of partitions (topics never shrink).
    #[command(after_long_help = "Examples:\n  robustmq topic add-partitions orders --total 12")]
    AddPartitions(AddPartitionsArgs),
    /// Delete a topic and all its records.
    ///
    /// Asks for confirmation when stdin is a terminal; otherwise `--yes` is required.
    #[command(after_long_help = "Examples:\n  robustmq topic delete orders\n  \
        robustmq topic delete orders --yes")]
    Delete(DeleteArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Topic name.
    pub name: String,
    /// Number of partitions; the daemon's default when omitted.
    #[arg(short, long, value_parser = clap::value_parser!(i32).range(1..))]
    pub partitions: Option<i32>,
    /// A topic config as NAME=VALUE (repeatable), e.g. retention.ms=86400000.
    #[arg(short, long = "config", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub configs: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct AlterArgs {
    /// Topic name.
    pub name: String,
    /// Set a config override, NAME=VALUE (repeatable).
    #[arg(short, long = "config", value_name = "NAME=VALUE", value_parser = parse_key_value,
          required_unless_present = "delete_configs")]
    pub configs: Vec<(String, String)>,
    /// Remove an override so the default applies again (repeatable).
    #[arg(long = "delete-config", value_name = "NAME")]
    pub delete_configs: Vec<String>,
}

#[derive(Debug, Args)]
pub struct AddPartitionsArgs {
    /// Topic name.
    pub name: String,
    /// The partition count the topic should have afterwards.
    #[arg(long, value_parser = clap::value_parser!(i32).range(1..))]
    pub total: i32,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Topic name.
    pub name: String,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(short, long)]
    pub yes: bool,
}

#[cfg(test)]
mod tests {
    use crate::args::Cli;
    use clap::Parser;

    #[test]
    fn alter_needs_a_change() {
        let parse = |extra: &[&str]| {
            let mut argv = vec!["robustmq", "topic", "alter", "t"];
            argv.extend_from_slice(extra);
            Cli::try_parse_from(argv)
        };
        assert!(parse(&[]).is_err());
        assert!(parse(&["--config", "a=1"]).is_ok());
        assert!(parse(&["--delete-config", "a"]).is_ok());
        assert!(parse(&["--config", "a=1", "--delete-config", "b"]).is_ok());
    }
}
