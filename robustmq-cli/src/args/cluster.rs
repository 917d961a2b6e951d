//! `robustmq cluster ...`

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ClusterCommand {
    /// Roles, version, uptime, listeners and data-dir usage of each node.
    #[command(after_long_help = "Examples:\n  robustmq cluster status\n  \
        robustmq cluster status -o json | jq '.nodes[0].uptime_seconds'")]
    Status,
}
