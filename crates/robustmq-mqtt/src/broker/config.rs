//! Settings of the MQTT server (`[mqtt]` in robustmqd's configuration).

use std::time::Duration;

/// Stores MQTT topics matching `filter` in log topic `topic` instead of the default one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub filter: String,
    pub topic: String,
}

#[derive(Debug, Clone)]
pub struct MqttConfig {
    /// Clients without a username may connect.
    pub allow_anonymous: bool,
    /// The log topic every MQTT publish goes to unless a route says otherwise.
    pub log_topic: String,
    /// Partitions of a log topic created on first use.
    pub log_partitions: i32,
    pub routes: Vec<Route>,
    /// Largest packet we accept (Maximum Packet Size in CONNACK).
    pub max_packet_size: u32,
    /// QoS 1/2 publishes a client may have unacknowledged towards us (Receive Maximum).
    pub receive_maximum: u16,
    /// Longest keep alive we allow; 0 accepts what the client asks.
    pub max_keep_alive: u16,
    /// Longest session expiry we grant, in seconds (`u32::MAX`: never expire). MQTT 3.x
    /// sessions with clean session 0 get exactly this.
    pub max_session_expiry: u32,
    /// Sessions (online and offline persistent) the server holds; a CONNECT that needs a new
    /// one past this is refused.
    pub max_sessions: usize,
    /// Retained messages the server holds; a retained PUBLISH to a new topic past this is
    /// refused.
    pub max_retained: usize,
    /// Retained messages one client id may own (it published the current one of the topic);
    /// a retained PUBLISH that would own one more is refused like one past `max_retained`.
    pub max_retained_per_client: usize,
    pub topic_alias_maximum: u16,
    /// Most levels a topic name or filter may have; deeper ones are refused.
    pub max_topic_levels: usize,
    /// Subscriptions one session may hold; a SUBSCRIBE of a new filter past it is refused.
    pub max_subscriptions: usize,
    /// Messages queued in memory per online session before the rest waits in the log.
    pub max_queued: usize,
    /// Bytes (queued plus in flight) held in memory per online session before the rest waits
    /// in the log, or is dropped if the log cannot give it back (QoS 0 of a shared
    /// subscription).
    pub max_queued_bytes: usize,
    /// How often `$SYS` statistics are published; zero disables them.
    pub sys_interval: Duration,
    /// How long a new connection may take for its TLS or WebSocket handshake, and then for
    /// its CONNECT: a connection that sends nothing is closed after it.
    pub connect_timeout: Duration,
}

impl Default for MqttConfig {
    fn default() -> Self {
        MqttConfig {
            allow_anonymous: true,
            log_topic: "mqtt".into(),
            log_partitions: 1,
            routes: Vec::new(),
            max_packet_size: 10 * 1024 * 1024,
            receive_maximum: 1024,
            max_keep_alive: 0,
            max_session_expiry: 7 * 24 * 3600,
            max_sessions: 200_000,
            max_retained: 1_000_000,
            max_retained_per_client: 10_000,
            topic_alias_maximum: 64,
            max_topic_levels: crate::topic::DEFAULT_MAX_LEVELS,
            max_subscriptions: 1_000,
            max_queued: 10_000,
            max_queued_bytes: 16 * 1024 * 1024,
            sys_interval: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
        }
    }
}
