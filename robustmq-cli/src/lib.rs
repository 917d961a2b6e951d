//! The `robustmq` admin CLI as a library, so tests and the completion/man generator share the
//! clap definitions with the binary.

pub mod args;
pub mod client;
pub mod commands;
pub mod format;
pub mod output;
pub mod parse;
pub mod prompt;
pub mod top;
pub mod units;

pub use args::Cli;
pub use commands::run;
