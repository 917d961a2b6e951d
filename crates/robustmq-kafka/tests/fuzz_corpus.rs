//! Replays the fuzz corpus (`fuzz/corpus/request/`) through the fuzz target's checks, under
//! the daemon's allocator, so every input the fuzzer kept stays covered by `cargo test`.

use std::fs;
use std::path::Path;

use robustmq_kafka::lazy_alloc::LazyHugeAlloc;

#[global_allocator]
static ALLOC: LazyHugeAlloc = LazyHugeAlloc;

#[test]
fn replay_request_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/request");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).expect("corpus directory") {
        let data = fs::read(entry.expect("corpus entry").path()).expect("corpus file");
        robustmq_kafka::apis::fuzz_check(&data);
        seen += 1;
    }
    assert!(seen >= 10, "only {seen} corpus inputs in {}", dir.display());
}
