//! robustmq-bench: a load generator for Kafka, MQTT and AMQP 0-9-1 brokers.
//!
//! Every run is bounded (by `--count` or `--duration`), contacts only `--target`, and prints a
//! summary (also on Ctrl-C, then marked partial).

mod amqp;
mod kafka;
mod mqtt;
mod pace;
mod payload;
mod progress;
mod stats;
mod threads;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;

use pace::Limit;
use payload::now_ns;
use robustmq_bench::args::{self, AmqpCmd, Cli, Common, KafkaCmd, MqttCmd, Proto};
use stats::{Report, Stats};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(true) => ExitCode::from(130),
        Ok(false) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs one benchmark; returns whether it was interrupted.
fn run(cli: Cli) -> anyhow::Result<bool> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    rt.block_on(async move {
        let report = match cli.proto {
            Proto::Kafka { cmd } => match cmd {
                KafkaCmd::Produce(a) => kafka::produce::run(a, Ctx::new("kafka produce")).await?,
                KafkaCmd::Consume(a) => kafka::consume::run(a, Ctx::new("kafka consume")).await?,
                KafkaCmd::E2e(a) => kafka::e2e::run(a, Ctx::new("kafka e2e")).await?,
            },
            Proto::Mqtt { cmd } => match cmd {
                MqttCmd::Pub(a) => mqtt::pub_sub::run_pub(a, Ctx::new("mqtt pub")).await?,
                MqttCmd::Sub(a) => mqtt::pub_sub::run_sub(a, Ctx::new("mqtt sub")).await?,
                MqttCmd::Pubsub(a) => mqtt::pub_sub::run_pubsub(a, Ctx::new("mqtt pubsub")).await?,
                MqttCmd::Conn(a) => mqtt::conn::run(a, Ctx::new("mqtt conn")).await?,
            },
            Proto::Amqp { cmd } => match cmd {
                AmqpCmd::Publish(a) => {
                    amqp::pub_sub::run_publish(a, Ctx::new("amqp publish")).await?
                }
                AmqpCmd::Consume(a) => {
                    amqp::pub_sub::run_consume(a, Ctx::new("amqp consume")).await?
                }
                AmqpCmd::Pubsub(a) => amqp::pub_sub::run_pubsub(a, Ctx::new("amqp pubsub")).await?,
            },
        };
        output(&report)?;
        Ok(report.interrupted)
    })
}

/// Prints the table and writes the JSON file.
fn output(report: &Report) -> anyhow::Result<()> {
    if let Some(path) = report
        .settings
        .get("json")
        .and_then(|v| v.as_str())
        .map(std::path::PathBuf::from)
    {
        let text = serde_json::to_string_pretty(report)?;
        std::fs::write(&path, text + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
    }
    // A closed stdout (e.g. piped into `head`) is not an error of the benchmark.
    let _ = writeln!(std::io::stdout().lock(), "{}", report.table());
    Ok(())
}

/// What every mode needs: its name and a Ctrl-C watcher.
pub struct Ctx {
    pub mode: String,
}

impl Ctx {
    fn new(mode: &str) -> Self {
        Ctx {
            mode: mode.to_string(),
        }
    }

    /// Creates the run's counters and bounds from the common flags, and arms Ctrl-C.
    pub fn start(&self, c: &Common) -> (Arc<Stats>, Limit) {
        let start = now_ns();
        let warmup_end = start + secs_ns(c.warmup);
        let default = if c.count.is_some() { 300.0 } else { 10.0 };
        let duration = c.duration.unwrap_or(default);
        let stats = Arc::new(Stats::new(start, warmup_end));
        let s = stats.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("\ninterrupted: stopping, the result below is partial");
                s.stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let limit = Limit {
            count: c.count,
            deadline_ns: warmup_end + secs_ns(duration),
        };
        (stats, limit)
    }
}

pub fn secs_ns(s: f64) -> u64 {
    Duration::try_from_secs_f64(s.max(0.0)).map_or(u64::MAX / 4, |d| d.as_nanos() as u64)
}

/// Splits `HOST:PORT` (brackets allowed around IPv6 hosts).
pub fn host_port(target: &str) -> anyhow::Result<(String, u16)> {
    let (h, p) = target
        .rsplit_once(':')
        .with_context(|| format!("--target {target:?}: expected HOST:PORT"))?;
    let port = p
        .parse()
        .with_context(|| format!("--target {target:?}: bad port"))?;
    Ok((h.trim_matches(['[', ']']).to_string(), port))
}
