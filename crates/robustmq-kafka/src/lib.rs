//! The Kafka wire protocol over the robustmq broker core.
//!
//! `codec` frames and parses (pure), `connection` owns one socket, `handlers` turn each request
//! into broker-core calls. Requests are decoded and encoded with the `kafka-protocol` crate.

pub mod apis;
pub mod auth;
pub mod codec;
pub mod config;
pub mod connection;
pub mod errors;
pub mod handlers;
pub mod lazy_alloc;
pub mod server;

pub use server::{KafkaServer, KafkaServerConfig};

/// Tests decode hostile bytes too, so they run under the same allocator as the daemon.
#[cfg(test)]
#[global_allocator]
static TEST_ALLOC: lazy_alloc::LazyHugeAlloc = lazy_alloc::LazyHugeAlloc;
