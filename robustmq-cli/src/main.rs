//! `robustmq`: parse, run on a tokio runtime, and turn the outcome into an exit code
//! (ripgrep-style: errors are values until here, printed once as `robustmq: <message>`).

use std::process::ExitCode;

use clap::Parser;
use robustmq_cli::client::CliError;
use robustmq_cli::Cli;

fn main() -> ExitCode {
    // Usage errors print clap's message and exit 2; --help and --version exit 0.
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("robustmq: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = rt.block_on(robustmq_cli::run(cli));
    // Do not wait for a reader thread blocked on stdin.
    rt.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("robustmq: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// The reader of our stdout went away (`robustmq consume t | head`): not an error.
fn is_broken_pipe(e: &CliError) -> bool {
    match e {
        CliError::Other(e) => e
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe),
        _ => false,
    }
}
