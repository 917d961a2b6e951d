//! Running a parsed command line: one file per noun, each turning arguments into admin calls
//! and responses into tables or JSON.

pub mod acl;
pub mod amqp;
pub mod cluster;
pub mod completions;
pub mod consume;
pub mod group;
pub mod produce;
pub mod topic;
pub mod user;

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tonic::{Response, Status};

use crate::args::{Cli, Command};
use crate::client::{connect, CliError};
use crate::output::Output;

/// What every command needs besides the client: where it is connected and how to print.
pub struct Ctx {
    pub server: String,
    pub out: Output,
}

impl Ctx {
    /// Reports a deletion: `{"deleted": name}` in JSON, `deleted <kind> <name>` otherwise.
    pub fn deleted(&self, kind: &str, name: &str) -> Result<(), CliError> {
        if self.out.json() {
            return self
                .out
                .print_json(&serde_json::json!({ "deleted": name }))
                .map_err(io_err);
        }
        self.out
            .line(&format!("deleted {kind} {name}"))
            .map_err(io_err)
    }

    /// The body of a successful call, or the error it maps to (with its exit code).
    pub fn rpc<T>(&self, r: Result<Response<T>, Status>) -> Result<T, CliError> {
        r.map(Response::into_inner)
            .map_err(|s| CliError::from_status(&self.server, s))
    }
}

/// Runs the command; the error says what went wrong and which exit code to use.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let global = cli.global;
    // Completions need no daemon.
    if let Command::Completions(args) = &cli.command {
        return completions::run(args);
    }
    let token = global.token.as_deref().filter(|t| !t.is_empty());
    let mut client = connect(&global.server, token).await?;
    let ctx = Ctx {
        server: global.server.clone(),
        out: Output::new(global.output),
    };
    match cli.command {
        Command::Cluster(cmd) => cluster::run(&ctx, &mut client, cmd).await,
        Command::Topic(cmd) => topic::run(&ctx, &mut client, cmd).await,
        Command::Group(cmd) => group::run(&ctx, &mut client, cmd).await,
        Command::User(cmd) => user::run(&ctx, &mut client, cmd).await,
        Command::Acl(cmd) => acl::run(&ctx, &mut client, cmd).await,
        Command::Vhost(cmd) => amqp::vhost(&ctx, &mut client, cmd).await,
        Command::Exchange(cmd) => amqp::exchange(&ctx, &mut client, cmd).await,
        Command::Queue(cmd) => amqp::queue(&ctx, &mut client, cmd).await,
        Command::Binding(cmd) => amqp::binding(&ctx, &mut client, cmd).await,
        Command::Produce(args) => produce::run(&ctx, &mut client, args).await,
        Command::Consume(args) => consume::run(&ctx, &mut client, args).await,
        Command::Top(args) => crate::top::run(client, args)
            .await
            .map_err(|e| from_anyhow(&ctx.server, e)),
        Command::Completions(_) => Ok(()),
    }
}

/// Keeps the exit code of a [`CliError`] or gRPC status that travelled inside an anyhow error.
fn from_anyhow(server: &str, e: anyhow::Error) -> CliError {
    match e.downcast::<CliError>() {
        Ok(c) => c,
        Err(e) => match e.downcast::<Status>() {
            Ok(s) => CliError::from_status(server, s),
            Err(e) => CliError::Other(e),
        },
    }
}

/// An I/O failure on our side (stdout, stdin, files).
pub fn io_err(e: std::io::Error) -> CliError {
    CliError::Other(e.into())
}

/// A progress bar on stderr when it is a terminal, else a hidden one (so logs stay clean).
/// `len` is the total for a bar; `None` makes a spinner.
pub fn progress(len: Option<u64>, template: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = match len {
        Some(n) => ProgressBar::new(n),
        None => ProgressBar::new_spinner(),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        pb.set_style(style);
    }
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}
