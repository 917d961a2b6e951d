//! `robustmq acl ...`

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum AclCommand {
    /// The bindings that match the given filters (all of them without filters).
    #[command(after_long_help = "Examples:\n  robustmq acl list\n  \
        robustmq acl list --principal User:alice\n  \
        robustmq acl list --topic orders --pattern match")]
    List(FilterArgs),
    /// Allow (or with --deny, deny) principals operations on a resource.
    ///
    /// One binding is added per principal and operation. Topic bindings apply to Kafka topics
    /// and to MQTT topic names alike.
    #[command(after_long_help = "Examples:\n  \
        robustmq acl add --principal User:alice --operation write --topic orders\n  \
        robustmq acl add --principal User:bob --operation read --topic sensors/ --prefixed\n  \
        robustmq acl add --principal User:bob --operation read --group billing\n  \
        robustmq acl add --principal User:mallory --operation all --topic '*' --deny")]
    Add(AddArgs),
    /// Delete every binding that matches the filters (at least one is required).
    #[command(
        after_long_help = "Examples:\n  robustmq acl delete --principal User:alice\n  \
        robustmq acl delete --topic orders --operation write"
    )]
    Delete(FilterArgs),
}

/// Which resource: exactly one of these.
#[derive(Debug, Args)]
#[group(required = false, multiple = false)]
pub struct Resource {
    /// A topic (Kafka topic or MQTT topic name); `*` for every topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// A consumer group; `*` for every group.
    #[arg(long)]
    pub group: Option<String>,
    /// A transactional id; `*` for every one.
    #[arg(long)]
    pub transactional_id: Option<String>,
    /// The cluster (for create, describe, alter, idempotent-write and the like).
    #[arg(long)]
    pub cluster: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Op {
    All,
    Read,
    Write,
    Create,
    Delete,
    Alter,
    Describe,
    ClusterAction,
    DescribeConfigs,
    AlterConfigs,
    IdempotentWrite,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Pattern {
    /// The exact name (or `*`).
    Literal,
    /// Every name starting with it.
    Prefixed,
    /// Filter only: that name with any pattern.
    Any,
    /// Filter only: every binding that applies to the name (literal, `*` or a prefix of it).
    Match,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Who: `User:<name>` (`User:*` for everyone, `User:ANONYMOUS` for clients that did not
    /// authenticate). Repeat for several.
    #[arg(long, required = true)]
    pub principal: Vec<String>,
    /// What may (or may not) be done. Repeat for several.
    #[arg(long, value_enum, required = true)]
    pub operation: Vec<Op>,
    #[command(flatten)]
    pub resource: Resource,
    /// The name is a prefix: the binding applies to every resource whose name starts with it.
    #[arg(long)]
    pub prefixed: bool,
    /// The client address the binding applies to.
    #[arg(long, default_value = "*")]
    pub host: String,
    /// A DENY binding (it wins over any ALLOW) instead of ALLOW.
    #[arg(long)]
    pub deny: bool,
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    #[command(flatten)]
    pub resource: Resource,
    /// How bindings' names must match the given name (default: that name, any pattern).
    #[arg(long, value_enum)]
    pub pattern: Option<Pattern>,
    #[arg(long)]
    pub principal: Option<String>,
    #[arg(long)]
    pub host: Option<String>,
    #[arg(long, value_enum)]
    pub operation: Option<Op>,
    /// allow or deny.
    #[arg(long, value_parser = ["allow", "deny"])]
    pub permission: Option<String>,
}
