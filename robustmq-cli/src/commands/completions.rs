//! `robustmq completions SHELL`: the clap_complete script, generated from the same clap
//! definitions as the binary so it never drifts.

use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs};
use crate::client::CliError;

pub fn run(args: &CompletionsArgs) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "robustmq", &mut buf);
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(&buf)
        .and_then(|_| out.flush())
        .map_err(super::io_err)
}
