//! AMQP 0-9-1, as RabbitMQ clients speak it, over the robustmq broker core: exchanges route
//! to queues, and each queue is a one-partition log topic with a cursor and the offsets handed
//! out and not yet settled (see `broker::queue`).
//!
//! `codec` is pure (frames in, frames out), `connection` owns the socket, `broker` holds the
//! state. Frame and method encoding comes from `amq-protocol` (generated from the spec); the
//! frame envelope is read here, to enforce frame-max and field-table depth first.

pub mod broker;
pub mod codec;
pub mod config;
pub mod connection;
pub mod errors;
pub mod tables;
