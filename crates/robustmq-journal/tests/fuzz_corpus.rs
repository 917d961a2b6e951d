//! Replays the fuzz corpora (`fuzz/corpus/<target>/`) through the same checks as the fuzz
//! targets, so every input the fuzzer kept stays covered by `cargo test` without cargo-fuzz.

use std::fs;
use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut seen = 0;
    for entry in fs::read_dir(&dir).expect("corpus directory") {
        let path = entry.expect("corpus entry").path();
        let data = fs::read(&path).expect("corpus file");
        check(&data);
        seen += 1;
    }
    assert!(
        seen >= 10,
        "{target}: only {seen} corpus inputs in {}",
        dir.display()
    );
}

#[test]
fn replay_batch_corpus() {
    replay("batch", robustmq_journal::fuzzing::batch_bytes);
}

#[test]
fn replay_recovery_corpus() {
    replay("recovery", robustmq_journal::fuzzing::recovery);
}
