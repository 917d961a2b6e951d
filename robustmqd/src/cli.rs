//! robustmqd's command line, in the library so the completion and man-page generator uses the
//! same definitions as the binary.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Arg, ArgMatches, Args, Command, FromArgMatches, Parser};
use serde::Serialize;

/// robustmqd: one daemon for MQTT and Kafka (and, as they land, AMQP and RocketMQ) clients.
#[derive(Debug, Parser, Serialize, Default)]
#[command(name = "robustmqd", version, about)]
pub struct Cli {
    /// Roles this process runs: any of meta, journal, broker (comma-separated).
    #[arg(long, value_name = "ROLES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<String>,
    /// Directory for all data (journal segments, metadata).
    #[arg(long, value_name = "DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// TOML configuration file.
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    // One `--<name>-listen ADDR` flag per listener in the table of protocols.
    #[command(flatten)]
    #[serde(skip)]
    pub listen: ListenFlags,
    /// Log filter, e.g. `info` or `robustmq_kafka=debug` (RUST_LOG overrides it).
    #[arg(long, value_name = "FILTER")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    /// Delete partition directories that the metadata store does not list, instead of
    /// refusing to start (use only when that data is known to be unwanted).
    #[arg(long)]
    #[serde(skip)]
    pub delete_unknown_partitions: bool,
    /// Print the merged configuration as TOML and exit.
    #[arg(long)]
    #[serde(skip)]
    pub print_config: bool,
}

/// Listener addresses given on the command line, by listener name. The flags are made from
/// [`crate::protocols::listener_specs`], so a protocol added there gets its flag here.
#[derive(Debug, Clone, Default)]
pub struct ListenFlags(pub BTreeMap<&'static str, String>);

impl FromArgMatches for ListenFlags {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = ListenFlags::default();
        flags.update_from_arg_matches(matches)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for spec in crate::protocols::listener_specs() {
            if let Some(v) = matches.get_one::<String>(spec.name) {
                self.0.insert(spec.name, v.clone());
            }
        }
        Ok(())
    }
}

impl Args for ListenFlags {
    fn augment_args(cmd: Command) -> Command {
        crate::protocols::listener_specs().fold(cmd, |cmd, spec| {
            cmd.arg(
                Arg::new(spec.name)
                    .long(spec.flag)
                    .value_name("ADDR")
                    .help(spec.about),
            )
        })
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}
