//! robustmqd's command line, in the library so the completion and man-page generator uses the
//! same definitions as the binary.

use std::path::PathBuf;

use clap::Parser;
use serde::Serialize;

/// robustmqd: one daemon for MQTT and Kafka (and, as they land, AMQP and RocketMQ) clients.
#[derive(Debug, Parser, Serialize, Default)]
#[command(name = "robustmqd", version, about)]
pub struct Cli {
    /// Roles this process runs: any of meta, journal, broker (comma-separated).
    #[arg(long, value_name = "ROLES")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<String>,
    /// Directory for all data (journal segments, metadata).
    #[arg(long, value_name = "DIR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// TOML configuration file.
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Kafka listener address, or `off`.
    #[arg(long, value_name = "ADDR")]
    #[serde(skip)]
    pub kafka_listen: Option<String>,
    /// MQTT listener (3.1, 3.1.1 and 5.0 over TCP), or `off`.
    #[arg(long, value_name = "ADDR")]
    #[serde(skip)]
    pub mqtt_listen: Option<String>,
    /// MQTT over WebSocket listener (path /mqtt), or `off`.
    #[arg(long, value_name = "ADDR")]
    #[serde(skip)]
    pub mqtt_ws_listen: Option<String>,
    /// MQTT over TLS listener (needs mqtt.tls_cert and mqtt.tls_key), or `off`.
    #[arg(long, value_name = "ADDR")]
    #[serde(skip)]
    pub mqtt_tls_listen: Option<String>,
    /// HTTP listener (/healthz, /readyz, /metrics), or `off`.
    #[arg(long, value_name = "ADDR")]
    #[serde(skip)]
    pub http_listen: Option<String>,
    /// Admin gRPC listener (the `robustmq` CLI talks to it), or `off`.
    #[arg(long, value_name = "ADDR")]
    #[serde(skip)]
    pub admin_listen: Option<String>,
    /// Log filter, e.g. `info` or `robustmq_kafka=debug` (RUST_LOG overrides it).
    #[arg(long, value_name = "FILTER")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    /// Delete partition directories that the metadata store does not list, instead of
    /// refusing to start (use only when that data is known to be unwanted).
    #[arg(long)]
    #[serde(skip)]
    pub delete_unknown_partitions: bool,
    /// Print the merged configuration as TOML and exit.
    #[arg(long)]
    #[serde(skip)]
    pub print_config: bool,
}
