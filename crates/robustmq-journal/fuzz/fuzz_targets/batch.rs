//! Record batch framing, CRC, bounded decompression and the record reader on arbitrary bytes
//! (`robustmq_journal::fuzzing::batch_bytes`). Run with `cargo fuzz run batch` from
//! `crates/robustmq-journal`; `tests/fuzz_corpus.rs` replays `corpus/batch/`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| robustmq_journal::fuzzing::batch_bytes(data));
