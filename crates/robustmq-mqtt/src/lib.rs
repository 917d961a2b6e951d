//! The MQTT 3.1, 3.1.1 and 5.0 protocol over the robustmq broker core.
//!
//! For now only [`codec`]: pure functions between bytes and typed packets, with no I/O and no
//! runtime. The `connection` and `handlers` layers will sit on top of it.

pub mod codec;
