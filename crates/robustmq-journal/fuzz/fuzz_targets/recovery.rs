//! Segment and index recovery from arbitrary file contents
//! (`robustmq_journal::fuzzing::recovery`). Run with `cargo fuzz run recovery` from
//! `crates/robustmq-journal`; `tests/fuzz_corpus.rs` replays `corpus/recovery/`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| robustmq_journal::fuzzing::recovery(data));
