//! Printing results: plain tables for people and JSON for scripts.
//!
//! Tables use box-drawing characters only on a terminal; piped, they are bare space-aligned
//! columns with a header line (like kubectl), so `grep` and `awk '{print $1}'` work. JSON is
//! one pretty-printed document per command with the proto's field names.

use std::io::{self, IsTerminal, Write};

use comfy_table::{presets, ContentArrangement, Table};
use serde_json::Value;

use crate::args::OutputFormat;

/// Where and how a command prints its result.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub format: OutputFormat,
    tty: bool,
}

impl Output {
    pub fn new(format: OutputFormat) -> Self {
        Output {
            format,
            tty: io::stdout().is_terminal(),
        }
    }

    pub fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// A table with this header, styled for where stdout goes.
    pub fn table<I, S>(&self, header: I) -> Table
    where
        I: IntoIterator<Item = S>,
        S: Into<comfy_table::Cell>,
    {
        let mut t = Table::new();
        if self.tty {
            // Fit the terminal when its width is known; an unknown or silly width (0 under
            // `script`, some CI ptys) would squeeze every cell to one character a line.
            let arrangement = match crossterm::terminal::size() {
                Ok((w, _)) if w >= 40 => ContentArrangement::Dynamic,
                _ => ContentArrangement::Disabled,
            };
            t.load_preset(presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(arrangement);
        } else {
            // No wrapping either: one row is one line for grep.
            t.load_preset(presets::NOTHING)
                .force_no_tty()
                .set_content_arrangement(ContentArrangement::Disabled);
        }
        t.set_header(
            header
                .into_iter()
                .map(Into::into)
                .collect::<Vec<comfy_table::Cell>>(),
        );
        t
    }

    /// How to join several values in one cell: one per line on a terminal, commas when
    /// piped (where a row must stay one line).
    pub fn list_separator(&self) -> &'static str {
        if self.tty {
            "\n"
        } else {
            ","
        }
    }

    /// Prints a table; piped, without the cell padding's leading and trailing blanks.
    pub fn print_table(&self, mut t: Table) -> io::Result<()> {
        let mut out = io::stdout().lock();
        if self.tty {
            writeln!(out, "{t}")?;
        } else {
            for (i, c) in t.column_iter_mut().enumerate() {
                c.set_padding((if i == 0 { 0 } else { 1 }, 1));
            }
            for line in t.lines() {
                writeln!(out, "{}", line.trim_end())?;
            }
        }
        out.flush()
    }

    /// Prints one pretty-printed JSON document.
    pub fn print_json(&self, v: &Value) -> io::Result<()> {
        let mut out = io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, v)?;
        writeln!(out)?;
        out.flush()
    }

    /// A line of text on stdout (table mode's answer to commands without a table).
    pub fn line(&self, s: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{s}")?;
        out.flush()
    }
}

/// `1536` -> `1.5KiB`: no space, so a column of a piped table stays one word for `awk`.
pub fn human_bytes(n: u64) -> String {
    crate::units::fmt_bytes(n).replace(' ', "")
}

/// `3725` -> `1h02m`, one word for the same reason.
pub fn human_duration(secs: u64) -> String {
    crate::units::fmt_uptime(secs).replace(' ', "")
}

/// Bytes as JSON: a string, lossily decoded, or null when absent.
pub fn json_bytes(b: Option<&[u8]>) -> Value {
    match b {
        Some(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        None => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_one_word() {
        assert_eq!(human_bytes(0), "0B");
        assert_eq!(human_bytes(1023), "1023B");
        assert_eq!(human_bytes(1536), "1.5KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024 * 1024), "5.0GiB");
        assert_eq!(human_bytes(u64::MAX), "16384PiB");
    }

    #[test]
    fn durations() {
        assert_eq!(human_duration(5), "5s");
        assert_eq!(human_duration(65), "1m05s");
        assert_eq!(human_duration(3725), "1h02m");
        assert_eq!(human_duration(90_061), "1d01h");
    }

    #[test]
    fn piped_tables_are_plain() {
        let o = Output {
            format: OutputFormat::Table,
            tty: false,
        };
        let mut t = o.table(["NAME", "PARTITIONS"]);
        t.add_row(vec!["orders", "3"]);
        let text = t.to_string();
        assert!(text.is_ascii(), "{text}");
        assert!(!text.contains('|'), "{text}");
        assert!(text.contains("orders"));
    }
}
