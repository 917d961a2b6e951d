//! The command line, as clap derive types: one file per noun (as in iggy's CLI), so the
//! grammar can be read without the code that runs it. `Cli::command()` is what tests,
//! completions and man pages are generated from.

pub mod acl;
pub mod amqp;
pub mod cluster;
pub mod data;
pub mod group;
pub mod topic;
pub mod user;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::top::TopArgs;

/// robustmq: administer a robustmqd node over its admin gRPC API.
///
/// Every command talks to the daemon's admin listener (`robustmqd --admin-listen`, by default
/// 127.0.0.1:9082). Output is a plain table, or JSON with `-o json` for scripts: one pretty
/// printed document per command (NDJSON, one record per line, for `consume`).
///
/// Exit codes: 0 success, 1 server or other error, 2 usage error, 3 robustmqd unreachable,
/// 4 not found, 5 already exists, 6 invalid argument or refused precondition,
/// 7 authentication required or rejected.
#[derive(Debug, Parser)]
#[command(
    name = "robustmq",
    version,
    propagate_version = true,
    after_long_help = "Examples:\n  \
        robustmq cluster status\n  \
        robustmq topic create orders --partitions 6 --config retention.ms=86400000\n  \
        seq 10 | robustmq produce orders\n  \
        robustmq consume orders --from-beginning --count 10\n  \
        robustmq --server 10.0.0.5:9082 -o json topic list"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every subcommand accepts, before or after the subcommand name.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalOpts {
    /// Admin address of robustmqd (`host:port` or `http://host:port`).
    #[arg(
        long,
        global = true,
        env = "ROBUSTMQ_SERVER",
        default_value = "127.0.0.1:9082",
        value_name = "HOST:PORT"
    )]
    pub server: String,
    /// Bearer token, when robustmqd sets `[admin] token`.
    #[arg(long, global = true, env = "ROBUSTMQ_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Output format: a table for people, or JSON for scripts.
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the node: roles, version, uptime, listeners and data-dir usage.
    #[command(subcommand)]
    Cluster(cluster::ClusterCommand),
    /// List, describe, create, alter and delete topics.
    #[command(subcommand)]
    Topic(topic::TopicCommand),
    /// Inspect consumer groups, their lag, and reset or delete their offsets.
    #[command(subcommand)]
    Group(group::GroupCommand),
    /// Manage users (stored as salted SCRAM-SHA-256 credentials for protocol authentication).
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage access control lists (Kafka's model), enforced on Kafka and MQTT.
    #[command(subcommand)]
    Acl(acl::AclCommand),
    /// Manage AMQP virtual hosts (each its own namespace of exchanges and queues).
    #[command(subcommand)]
    Vhost(amqp::VhostCommand),
    /// List, declare and delete AMQP exchanges.
    #[command(subcommand)]
    Exchange(amqp::ExchangeCommand),
    /// List, declare, purge and delete AMQP queues (with message and consumer counts).
    #[command(subcommand)]
    Queue(amqp::QueueCommand),
    /// List, add and delete AMQP bindings (exchange to queue, exchange to exchange).
    #[command(subcommand)]
    Binding(amqp::BindingCommand),
    /// Write records to a topic, one per line of stdin or of the given files.
    ///
    /// Each line (without its `\n` or `\r\n`) is one record; an empty line is a record with
    /// an empty value. Records go out in batches of up to 5000 records or 1 MiB (one at a time
    /// when stdin is a terminal, so what you type is sent at once). A summary goes to stderr;
    /// with `-o json` it is also printed to stdout.
    #[command(after_long_help = data::PRODUCE_EXAMPLES)]
    Produce(data::ProduceArgs),
    /// Read records from a topic and print them (kcat-style format strings).
    ///
    /// Where to start: --from-beginning, --offset, --from-timestamp, or --group (the group's
    /// committed offsets). With none of them, consume starts at the end and follows: it prints
    /// records produced from now on until Ctrl-C or --count. With a start, it stops once
    /// caught up unless --follow is given.
    ///
    /// With --group, the offsets of what was printed are committed for the group when consume
    /// ends (also every second while following, and on Ctrl-C), as a standalone client: the
    /// group must have no active members.
    ///
    /// With `-o json`, each record is one JSON object per line (NDJSON) with topic,
    /// partition, offset, timestamp_ms, key, value and headers; keys and values are strings
    /// (non-UTF-8 bytes replaced by U+FFFD) or null.
    #[command(after_long_help = data::CONSUME_EXAMPLES)]
    Consume(data::ConsumeArgs),
    /// Print a shell completion script for robustmq to stdout.
    #[command(after_long_help = "Examples:\n  \
        robustmq completions bash > /etc/bash_completion.d/robustmq\n  \
        robustmq completions zsh > \"${fpath[1]}/_robustmq\"\n  \
        robustmq completions fish > ~/.config/fish/completions/robustmq.fish")]
    Completions(CompletionsArgs),
    /// Live dashboard of rates, topics and groups (press q to quit).
    #[command(after_long_help = "Examples:\n  robustmq top\n  robustmq top --interval-ms 500")]
    Top(TopArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to generate the script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_work_after_the_subcommand() {
        let cli =
            Cli::try_parse_from(["robustmq", "topic", "list", "-o", "json", "--server", "h:1"])
                .expect("parses");
        assert_eq!(cli.global.output, OutputFormat::Json);
        assert_eq!(cli.global.server, "h:1");
    }

    #[test]
    fn every_subcommand_has_an_example() {
        fn walk(cmd: &clap::Command, path: &str) {
            let path = format!("{path} {}", cmd.get_name());
            let subs: Vec<_> = cmd
                .get_subcommands()
                .filter(|s| s.get_name() != "help")
                .collect();
            if subs.is_empty() {
                let help = cmd
                    .get_after_long_help()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                assert!(help.contains("Examples:"), "{path} has no example");
            }
            for s in subs {
                walk(s, &path);
            }
        }
        walk(&Cli::command(), "");
    }
}
