//! `robustmq user ...`

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Every user with its SCRAM mechanism and iteration count (never the password).
    #[command(after_long_help = "Examples:\n  robustmq user list")]
    List,
    /// Create a user, or replace an existing user's password.
    ///
    /// Without --password or --password-stdin the password is read from stdin: prompted for
    /// (twice, without echo) on a terminal, else the first line.
    #[command(after_long_help = "Examples:\n  robustmq user add alice\n  \
        printf '%s\\n' \"$ALICE_PASSWORD\" | robustmq user add alice --password-stdin")]
    Add(AddArgs),
    /// Delete a user.
    #[command(after_long_help = "Examples:\n  robustmq user delete alice")]
    Delete {
        /// User name.
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// User name.
    pub name: String,
    /// The password (visible in `ps` and shell history; prefer --password-stdin).
    #[arg(long, conflicts_with = "password_stdin")]
    pub password: Option<String>,
    /// Read the password from the first line of stdin.
    #[arg(long)]
    pub password_stdin: bool,
}
