//! Decodes arbitrary bytes as a client's stream of AMQP 0-9-1 frames, with the handshake's
//! and a negotiated frame-max, checking that decode never panics, never claims more bytes than
//! it was given (nor none), never waits for bytes a whole frame already holds, and that the
//! methods it accepts re-encode to bytes that decode to the same frame; the field-table depth
//! walks also run on the raw bytes. The checks are in `../check.rs`.
//!
//! Run with `cargo fuzz run decode` from `crates/robustmq-amqp`; the seed corpus is in
//! `corpus/decode/` and is replayed by the crate's `fuzz_corpus` test.

#![no_main]

// The daemon's codec, compiled from the same source files (they depend on nothing but
// amq-protocol, cookie-factory, bytes, thiserror and tracing).
#[path = "../../src/codec.rs"]
#[allow(dead_code, unused_imports)]
mod codec;
#[path = "../../src/tables.rs"]
#[allow(dead_code)]
mod tables;

/// The reply codes `codec` names (`src/errors.rs` also converts the broker's errors, so it is
/// not compiled in).
mod errors {
    pub const FRAME_ERROR: u16 = 501;
    pub const SYNTAX_ERROR: u16 = 502;
}

#[path = "../check.rs"]
#[allow(dead_code)]
mod check;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    check::check(data);
});
