//! `robustmq vhost|exchange|queue|binding ...`: the AMQP 0-9-1 objects, as `rabbitmqctl` and
//! `rabbitmqadmin` show and change them.

use clap::{Args, Subcommand};

/// `-p/--vhost`, as rabbitmqctl spells it.
#[derive(Debug, Clone, Args)]
pub struct VhostOpt {
    /// Virtual host.
    #[arg(short = 'p', long, default_value = "/")]
    pub vhost: String,
}

/// `-p/--vhost` for listings, where leaving it out means every vhost.
#[derive(Debug, Clone, Args)]
pub struct VhostFilter {
    /// Only this virtual host (default: all).
    #[arg(short = 'p', long)]
    pub vhost: Option<String>,
}

/// Arguments of a declaration or binding.
#[derive(Debug, Clone, Args)]
pub struct ArgumentOpts {
    /// An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000,
    /// true, "text", [1,2]), else as a string: --arg x-message-ttl=60000.
    #[arg(long = "arg", value_name = "KEY=VALUE")]
    pub args: Vec<String>,
    /// All arguments as one JSON object (merged under --arg).
    #[arg(long, value_name = "JSON")]
    pub arguments: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum VhostCommand {
    /// Every virtual host with its exchanges, queues and ready messages.
    #[command(after_long_help = "Examples:\n  robustmq vhost list")]
    List,
    /// Create a virtual host (succeeds when it exists already).
    #[command(after_long_help = "Examples:\n  robustmq vhost add staging")]
    Add {
        /// Virtual host name.
        name: String,
    },
    /// Delete a virtual host with its queues (and their messages), exchanges and bindings;
    /// its connections are closed.
    #[command(after_long_help = "Examples:\n  robustmq vhost delete staging")]
    Delete {
        /// Virtual host name (`/` cannot be deleted).
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExchangeCommand {
    /// Exchanges with their type, flags and arguments.
    #[command(
        after_long_help = "Examples:\n  robustmq exchange list\n  robustmq exchange list -p staging"
    )]
    List(VhostFilter),
    /// Declare an exchange; an existing one must have the same type and flags.
    #[command(
        after_long_help = "Examples:\n  robustmq exchange declare orders --type topic\n  \
        robustmq exchange declare events --type fanout --arg alternate-exchange=unrouted"
    )]
    Declare(ExchangeDeclareArgs),
    /// Delete an exchange and its bindings.
    #[command(after_long_help = "Examples:\n  robustmq exchange delete orders --if-unused")]
    Delete {
        #[command(flatten)]
        vhost: VhostOpt,
        /// Exchange name.
        name: String,
        /// Only when it has no bindings.
        #[arg(long)]
        if_unused: bool,
    },
}

#[derive(Debug, Args)]
pub struct ExchangeDeclareArgs {
    #[command(flatten)]
    pub vhost: VhostOpt,
    /// Exchange name.
    pub name: String,
    /// direct, fanout, topic or headers.
    #[arg(long = "type", default_value = "direct")]
    pub kind: String,
    /// Not durable: gone after a restart (durable is the default, as in rabbitmqadmin).
    #[arg(long)]
    pub transient: bool,
    /// Deleted when its last binding goes.
    #[arg(long)]
    pub auto_delete: bool,
    /// Clients cannot publish to it, only other exchanges.
    #[arg(long)]
    pub internal: bool,
    #[command(flatten)]
    pub arguments: ArgumentOpts,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Queues with ready and unacknowledged messages, consumers and their log topic.
    #[command(
        after_long_help = "Examples:\n  robustmq queue list\n  robustmq -o json queue list -p staging"
    )]
    List(VhostFilter),
    /// Declare a queue; an existing one must have the same flags and x- arguments.
    #[command(after_long_help = "Examples:\n  robustmq queue declare jobs\n  \
        robustmq queue declare jobs --arg x-queue-type=quorum --arg x-max-length=100000")]
    Declare(QueueDeclareArgs),
    /// Delete a queue with its messages.
    #[command(after_long_help = "Examples:\n  robustmq queue delete jobs --if-empty")]
    Delete {
        #[command(flatten)]
        vhost: VhostOpt,
        /// Queue name.
        name: String,
        /// Only when it has no consumers.
        #[arg(long)]
        if_unused: bool,
        /// Only when it has no ready messages.
        #[arg(long)]
        if_empty: bool,
    },
    /// Drop a queue's ready messages (unacknowledged ones stay).
    #[command(after_long_help = "Examples:\n  robustmq queue purge jobs")]
    Purge {
        #[command(flatten)]
        vhost: VhostOpt,
        /// Queue name.
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct QueueDeclareArgs {
    #[command(flatten)]
    pub vhost: VhostOpt,
    /// Queue name.
    pub name: String,
    /// Not durable: gone after a restart (durable is the default, as in rabbitmqadmin).
    #[arg(long)]
    pub transient: bool,
    /// Deleted when its last consumer goes.
    #[arg(long)]
    pub auto_delete: bool,
    #[command(flatten)]
    pub arguments: ArgumentOpts,
}

#[derive(Debug, Subcommand)]
pub enum BindingCommand {
    /// Bindings: source exchange, destination queue or exchange, routing key, arguments.
    #[command(
        after_long_help = "Examples:\n  robustmq binding list\n  robustmq binding list -p staging"
    )]
    List(VhostFilter),
    /// Bind a queue (or, with --to-exchange, an exchange) to an exchange.
    #[command(
        after_long_help = "Examples:\n  robustmq binding add orders jobs --routing-key 'eu.*'\n  \
        robustmq binding add amq.headers jobs --arg x-match=any --arg kind=invoice\n  \
        robustmq binding add orders audit --to-exchange --routing-key '#'"
    )]
    Add(BindingArgs),
    /// Remove a binding (same routing key and arguments as it was made with).
    #[command(
        after_long_help = "Examples:\n  robustmq binding delete orders jobs --routing-key 'eu.*'"
    )]
    Delete(BindingArgs),
}

#[derive(Debug, Args)]
pub struct BindingArgs {
    #[command(flatten)]
    pub vhost: VhostOpt,
    /// The exchange messages come from.
    pub source: String,
    /// The queue (or exchange, with --to-exchange) they go to.
    pub destination: String,
    /// The destination is an exchange.
    #[arg(long)]
    pub to_exchange: bool,
    /// Routing key (binding key) of the binding.
    #[arg(long, short = 'k', default_value = "")]
    pub routing_key: String,
    #[command(flatten)]
    pub arguments: ArgumentOpts,
}
