//! Kafka request framing, header parsing and every supported request decoder (kafka-protocol,
//! as the daemon drives it) on arbitrary bytes, under the daemon's allocator:
//! `robustmq_kafka::apis::fuzz_check`. Run with `cargo fuzz run request` from
//! `crates/robustmq-kafka`; `tests/fuzz_corpus.rs` replays `corpus/request/`.

#![no_main]

// The daemon's own files: they depend on nothing but kafka-protocol, bytes and the allocator.
#[path = "../../src/apis.rs"]
#[allow(dead_code)]
mod apis;
#[path = "../../src/codec.rs"]
#[allow(dead_code)]
mod codec;
#[path = "../../src/lazy_alloc.rs"]
mod lazy_alloc;

use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOC: lazy_alloc::LazyHugeAlloc = lazy_alloc::LazyHugeAlloc;

fuzz_target!(|data: &[u8]| apis::fuzz_check(data));
