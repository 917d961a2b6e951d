//! Decodes arbitrary bytes as every protocol version (and as a first packet), checking that
//! decode never panics, never claims more bytes than it was given, and that whatever it accepts
//! re-encodes to bytes that decode to the same packet.
//!
//! Run with `cargo fuzz run decode` from `crates/robustmq-mqtt`; the seed corpus is in
//! `corpus/decode/` and is replayed by the crate's `fuzz_corpus` test.

#![no_main]

// The daemon's codec, compiled from the same source files (it depends on nothing but bytes).
#[path = "../../src/codec/mod.rs"]
#[allow(dead_code, unused_imports)]
mod codec;

use bytes::BytesMut;
use codec::{decode, encode, Packet, ProtocolVersion};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let versions = [
        None,
        Some(ProtocolVersion::V3_1),
        Some(ProtocolVersion::V3_1_1),
        Some(ProtocolVersion::V5),
    ];
    for version in versions {
        if let Ok(Some((packet, consumed))) = decode(data, version, usize::MAX) {
            assert!(consumed <= data.len());
            let v = match (&packet, version) {
                (Packet::Connect(c), _) => c.protocol,
                (_, Some(v)) => v,
                (_, None) => unreachable!("only CONNECT decodes without a version"),
            };
            let mut out = BytesMut::new();
            encode(&packet, v, &mut out).expect("a decoded packet encodes");
            let again = decode(&out, Some(v), usize::MAX).expect("re-decodes");
            assert_eq!(again, Some((packet, out.len())));
        }
    }
});
