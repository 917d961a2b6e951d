//! `robustmq group ...`

use clap::{Args, Subcommand};

use crate::parse::parse_time_ms;

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Every consumer group with its state, members and total lag.
    #[command(after_long_help = "Examples:\n  robustmq group list\n  \
        robustmq group list -o json | jq '.groups[] | select(.lag > 1000)'")]
    List,
    /// Members with their assignments, and committed offset and lag per partition.
    #[command(after_long_help = "Examples:\n  robustmq group describe billing")]
    Describe {
        /// Group name.
        name: String,
    },
    /// Move a group's committed offsets (only while the group has no active members).
    #[command(after_long_help = "Examples:\n  \
        robustmq group reset-offsets billing --topic orders --to-earliest\n  \
        robustmq group reset-offsets billing --topic orders --partition 0 --to-offset 42\n  \
        robustmq group reset-offsets billing --topic orders --to-datetime 2024-05-01T00:00:00Z --dry-run")]
    ResetOffsets(ResetArgs),
    /// Delete a group and its committed offsets (only while it has no active members).
    #[command(after_long_help = "Examples:\n  robustmq group delete billing")]
    Delete {
        /// Group name.
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Group name.
    pub name: String,
    /// The topic whose offsets to reset.
    #[arg(short, long)]
    pub topic: String,
    /// Only these partitions (repeatable); all partitions of the topic when omitted.
    #[arg(short, long = "partition", value_name = "P",
          value_parser = clap::value_parser!(i32).range(0..))]
    pub partitions: Vec<i32>,
    #[command(flatten)]
    pub to: ResetTo,
    /// Show the new offsets without committing them.
    #[arg(long)]
    pub dry_run: bool,
}

/// Where to move the offsets: exactly one of these.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct ResetTo {
    /// The log start of each partition.
    #[arg(long)]
    pub to_earliest: bool,
    /// The log end of each partition (skip everything not yet consumed).
    #[arg(long)]
    pub to_latest: bool,
    /// The first record at or after this time: RFC 3339 (2024-05-01T12:00:00Z) or epoch ms.
    #[arg(long, value_name = "TIME", value_parser = parse_time_ms)]
    pub to_datetime: Option<i64>,
    /// This offset, clamped to each partition's [log start, log end].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub to_offset: Option<i64>,
}

#[cfg(test)]
mod tests {
    use crate::args::{Cli, Command};
    use clap::Parser;

    use super::GroupCommand;

    fn parse(extra: &[&str]) -> Result<super::ResetArgs, clap::Error> {
        let mut argv = vec!["robustmq", "group", "reset-offsets", "g", "--topic", "t"];
        argv.extend_from_slice(extra);
        match Cli::try_parse_from(argv)?.command {
            Command::Group(GroupCommand::ResetOffsets(a)) => Ok(a),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn exactly_one_target() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["--to-earliest", "--to-latest"]).is_err());
        assert!(parse(&["--to-offset", "1", "--to-datetime", "5"]).is_err());
        let a = parse(&["--to-offset", "-1", "-p", "0", "-p", "2", "--dry-run"]).expect("valid");
        assert_eq!(a.to.to_offset, Some(-1));
        assert_eq!(a.partitions, [0, 2]);
        assert!(a.dry_run);
        let a = parse(&["--to-datetime", "1970-01-01T00:00:02Z"]).expect("valid");
        assert_eq!(a.to.to_datetime, Some(2000));
        assert!(parse(&["--to-earliest", "-p", "-1"]).is_err());
    }
}
