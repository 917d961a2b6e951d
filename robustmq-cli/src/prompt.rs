//! Asking the person at the terminal: yes/no confirmations and passwords without echo.
//! Callers check that stdin is a terminal first; these block, so they run off the runtime.

use std::io::{self, BufRead, Write};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;

use crate::client::CliError;

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CliError> + Send + 'static,
) -> Result<T, CliError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CliError::Other(e.into()))?
}

/// Asks `question [y/N]` on stderr; true only for `y` or `yes`.
pub async fn confirm(question: &str) -> Result<bool, CliError> {
    let question = question.to_string();
    blocking(move || {
        eprint!("{question} [y/N] ");
        io::stderr().flush().map_err(crate::commands::io_err)?;
        let mut answer = String::new();
        io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(crate::commands::io_err)?;
        Ok(matches!(
            answer.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    })
    .await
}

/// The first line of stdin, without its line ending.
pub async fn read_line() -> Result<String, CliError> {
    blocking(|| {
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::Invalid(format!("cannot read the password from stdin: {e}")))?;
        Ok(trim_newline(&line).to_string())
    })
    .await
}

pub fn trim_newline(s: &str) -> &str {
    let s = s.strip_suffix('\n').unwrap_or(s);
    s.strip_suffix('\r').unwrap_or(s)
}

/// Restores the terminal even when reading fails.
struct RawMode;

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// Reads a password typed at the terminal without echoing it.
pub async fn password(prompt: &str) -> Result<String, CliError> {
    let prompt = prompt.to_string();
    blocking(move || {
        let err = |e: io::Error| CliError::Other(e.into());
        eprint!("{prompt}");
        io::stderr().flush().map_err(err)?;
        terminal::enable_raw_mode().map_err(err)?;
        let guard = RawMode;
        let mut pw = String::new();
        let outcome = loop {
            match event::read().map_err(err)? {
                Event::Key(k) if k.kind != KeyEventKind::Release => match k.code {
                    KeyCode::Enter => break Ok(()),
                    KeyCode::Char('c' | 'd') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                        break Err(CliError::Other(anyhow::anyhow!("aborted")))
                    }
                    KeyCode::Backspace => {
                        pw.pop();
                    }
                    KeyCode::Char(c) => pw.push(c),
                    _ => {}
                },
                Event::Paste(s) => pw.push_str(&s),
                _ => {}
            }
        };
        drop(guard);
        eprintln!();
        outcome.map(|()| pw)
    })
    .await
}
