//! Command-line arguments. Every struct also serializes into the JSON report's `settings`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

#[derive(Debug, Parser)]
#[command(
    name = "robustmq-bench",
    version,
    about = "Load generator for Kafka, MQTT and AMQP 0-9-1 brokers: throughput, end-to-end latency, connections"
)]
pub struct Cli {
    #[command(subcommand)]
    pub proto: Proto,
}

#[derive(Debug, Subcommand)]
pub enum Proto {
    /// Kafka producers and consumers (librdkafka).
    Kafka {
        #[command(subcommand)]
        cmd: KafkaCmd,
    },
    /// MQTT publishers and subscribers (3.1.1 or 5), and idle connections (3.1.1).
    Mqtt {
        #[command(subcommand)]
        cmd: MqttCmd,
    },
    /// AMQP 0-9-1 publishers and consumers (queues, publisher confirms, prefetch).
    Amqp {
        #[command(subcommand)]
        cmd: AmqpCmd,
    },
}

#[derive(Debug, Subcommand)]
pub enum KafkaCmd {
    /// Produce only; rates and latency count broker acknowledgements.
    Produce(KafkaArgs),
    /// Consume only, from the beginning of the topic(s).
    Consume(KafkaArgs),
    /// Produce and consume in one process: end-to-end latency from the payload timestamp.
    E2e(KafkaArgs),
}

#[derive(Debug, Subcommand)]
pub enum MqttCmd {
    /// Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP.
    Pub(MqttArgs),
    /// Subscribe only and count what arrives.
    Sub(MqttArgs),
    /// Publish and subscribe in one process: end-to-end latency from the payload timestamp.
    Pubsub(MqttArgs),
    /// Open N idle connections and hold them: connect rate, failures, broker RSS per connection.
    Conn(ConnArgs),
}

#[derive(Debug, Subcommand)]
pub enum AmqpCmd {
    /// Publish only; with --confirm-window rates and latency count publisher confirms.
    Publish(AmqpArgs),
    /// Consume only and count what arrives (acknowledging it).
    Consume(AmqpArgs),
    /// Consume and publish in one process: end-to-end latency from the payload timestamp.
    Pubsub(AmqpArgs),
}

/// Flags shared by every message mode.
#[derive(Debug, Args, Serialize)]
pub struct Common {
    /// Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT,
    /// 127.0.0.1:5672 for AMQP).
    #[arg(long, value_name = "HOST:PORT")]
    pub target: Option<String>,
    /// Payload size in bytes (the first 16 carry the send time and a run nonce).
    #[arg(long, default_value_t = 1024, value_name = "BYTES")]
    pub size: usize,
    /// Messages in total (sent, or received for consume/sub); stops the run when reached.
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given).
    #[arg(long, value_name = "SECS")]
    pub duration: Option<f64>,
    /// Total messages per second over all senders; 0 = as fast as possible.
    #[arg(long, default_value_t = 0.0, value_name = "MSGS")]
    pub rate: f64,
    /// Seconds at the start whose messages are not measured.
    #[arg(long, default_value_t = 0.0, value_name = "SECS")]
    pub warmup: f64,
    /// Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1).
    #[arg(long, default_value = "robustmq-bench")]
    pub topic: String,
    /// Number of topics; senders spread messages over them round-robin.
    #[arg(long, default_value_t = 1)]
    pub topics: u32,
    /// Seconds to wait for outstanding acks and messages after sending stops.
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    pub drain: f64,
    /// Write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Never draw the progress line (it is drawn only on a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
}

impl Common {
    pub fn topic_names(&self) -> Vec<String> {
        if self.topics <= 1 {
            vec![self.topic.clone()]
        } else {
            (0..self.topics)
                .map(|i| format!("{}-{i}", self.topic))
                .collect()
        }
    }

    pub fn target_or(&self, default: &str) -> String {
        self.target.clone().unwrap_or_else(|| default.to_string())
    }
}

#[derive(Debug, Args, Serialize)]
pub struct KafkaArgs {
    #[command(flatten)]
    #[serde(flatten)]
    pub common: Common,
    /// Producer acks: all (-1), 1 or 0.
    #[arg(long, default_value = "all", value_parser = ["all", "-1", "0", "1"])]
    pub acks: String,
    /// Producer instances (each one librdkafka client with its own connection).
    #[arg(long, default_value_t = 1)]
    pub producers: u32,
    /// Consumer instances; partitions are spread over them.
    #[arg(long, default_value_t = 1)]
    pub consumers: u32,
    /// Partitions per topic when the tool creates the topic.
    #[arg(long, default_value_t = 1)]
    pub partitions: i32,
    /// Producer compression.
    #[arg(long, default_value = "none", value_parser = ["none", "gzip", "snappy", "lz4"])]
    pub compression: String,
    /// Producer linger.ms.
    #[arg(long, default_value_t = 5)]
    pub linger_ms: u64,
    /// Producer batch.size in bytes.
    #[arg(long, default_value_t = 1_000_000)]
    pub batch_size: u64,
    /// Consume through this consumer group (subscribe) instead of assigning partitions directly.
    #[arg(long)]
    pub group: Option<String>,
    /// Produce in transactions of this many records each (0: no transactions). Each producer
    /// gets its own transactional id and commits every N records.
    #[arg(long, default_value_t = 0)]
    pub transaction_records: u64,
    /// Extra librdkafka settings, KEY=VALUE, for producers and consumers.
    #[arg(short = 'X', long = "config", value_name = "KEY=VALUE")]
    pub config: Vec<String>,
}

#[derive(Debug, Args, Serialize)]
pub struct MqttArgs {
    #[command(flatten)]
    #[serde(flatten)]
    pub common: Common,
    /// QoS of publishes and subscriptions.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: u8,
    /// Publisher connections.
    #[arg(long, default_value_t = 1, alias = "connections")]
    pub publishers: u32,
    /// Subscriber connections; each subscribes to every topic (fan-out).
    #[arg(long, default_value_t = 1)]
    pub subscribers: u32,
    /// Unacknowledged QoS 1/2 publishes allowed per connection.
    #[arg(long, default_value_t = 100)]
    pub inflight: u16,
    /// Publish with the retain flag: every publish replaces its topic's retained message.
    #[arg(long)]
    pub retain: bool,
    /// MQTT protocol version: 3 (3.1.1) or 5.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(3..=5))]
    pub mqtt_version: u8,
}

#[derive(Debug, Args, Serialize)]
pub struct AmqpArgs {
    #[command(flatten)]
    #[serde(flatten)]
    pub common: Common,
    /// Publisher connections (one channel each).
    #[arg(long, default_value_t = 1)]
    pub publishers: u32,
    /// Consumer connections; each consumes from every queue (competing consumers: every
    /// message reaches one of them).
    #[arg(long, default_value_t = 1)]
    pub consumers: u32,
    /// Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub confirm_window: u32,
    /// Publish persistent messages (delivery-mode 2).
    #[arg(long)]
    pub persistent: bool,
    /// Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub prefetch: u16,
    /// Publish to this exchange (declared as a direct exchange, each queue bound with its own
    /// name as routing key); empty = the default exchange.
    #[arg(long, default_value = "", value_name = "NAME")]
    pub exchange: String,
    /// User name for SASL PLAIN.
    #[arg(long, default_value = "guest")]
    pub user: String,
    /// Password for SASL PLAIN (not written into the JSON report).
    #[arg(long, default_value = "guest")]
    #[serde(skip_serializing)]
    pub password: String,
}

#[derive(Debug, Args, Serialize)]
pub struct ConnArgs {
    /// Broker address.
    #[arg(long, default_value = "127.0.0.1:1883", value_name = "HOST:PORT")]
    pub target: String,
    /// Connections to open.
    #[arg(long, default_value_t = 100)]
    pub connections: u64,
    /// Connection attempts in flight at once.
    #[arg(long, default_value_t = 200)]
    pub concurrency: usize,
    /// Seconds to hold the connections open once they are up.
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    pub duration: f64,
    /// Seconds allowed for one connect (TCP and CONNACK).
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    pub connect_timeout: f64,
    /// Broker process id: its VmRSS is read before and after to report bytes per connection.
    #[arg(long)]
    pub pid: Option<u32>,
    /// Source addresses 127.0.0.1..=127.0.0.K to spread over (loopback targets only;
    /// default: one per 20,000 connections).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..=254))]
    pub source_addrs: Option<u32>,
    /// MQTT keep-alive sent in CONNECT, in seconds (0 = off; default: long enough to hold).
    #[arg(long)]
    pub keepalive: Option<u16>,
    /// Write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Never draw the progress line.
    #[arg(long)]
    pub no_progress: bool,
}
