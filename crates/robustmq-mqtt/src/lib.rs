//! MQTT 3.1, 3.1.1 and 5.0 for robustmq: the wire codec, the broker state (sessions,
//! subscriptions, retained messages) over the journal, and the connection loop.

pub mod acl;
pub mod broker;
pub mod codec;
pub mod config;
pub mod connection;
pub mod message;
pub mod server;
pub mod topic;

pub use broker::{MqttConfig, MqttCore, Route};
