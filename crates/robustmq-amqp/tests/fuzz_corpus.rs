//! Replays the fuzz corpus (`fuzz/corpus/decode/`) through the fuzz target's checks
//! (`fuzz/check.rs`, compiled into both), so inputs the fuzzer found stay covered by
//! `cargo test` without cargo-fuzz installed.

use std::fs;
use std::path::Path;

// What `check.rs` reaches as `super::codec` and `super::tables`.
use robustmq_amqp::{codec, tables};

#[path = "../fuzz/check.rs"]
mod check;

/// Inputs cargo-fuzz wrote (corpus entries and crash artifacts) are named by their SHA-1.
fn from_the_fuzzer(name: &str) -> bool {
    name.rsplit('-')
        .next()
        .is_some_and(|h| h.len() == 40 && h.chars().all(|c| c.is_ascii_hexdigit()))
}

#[test]
fn replay_fuzz_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).expect("corpus directory") {
        let path = entry.expect("corpus entry").path();
        let data = fs::read(&path).expect("corpus file");
        let passes = check::check(&data);
        assert_eq!(passes.len(), check::FRAME_MAXES.len());
        seen += 1;
        // The hand-written seeds say by their names how decoding them ends.
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if from_the_fuzzer(&name) {
            continue;
        }
        for p in &passes {
            let max = p.frame_max;
            if name.starts_with("bad-") {
                assert!(
                    p.error.is_some(),
                    "seed {name} decodes at frame-max {max}: {p:?}"
                );
            } else if name.starts_with("partial-") {
                assert!(
                    p.error.is_none() && p.left > 0 && p.frames > 0,
                    "seed {name} at frame-max {max}: {p:?}"
                );
            } else {
                assert!(
                    p.error.is_none()
                        && p.left == 0
                        && (p.frames > 0 || data[..] == codec::PROTOCOL_HEADER[..]),
                    "seed {name} does not decode whole at frame-max {max}: {p:?}"
                );
            }
        }
    }
    assert!(seen >= 20, "only {seen} corpus files in {}", dir.display());
}
