//! Many partitions with many sealed segments under a small descriptor cache: the journal keeps
//! two descriptors per partition (the active segment's log and index) plus at most the cache's
//! capacity, however many segments are on disk, and reads, restarts and compaction still see
//! every record. One test in its own binary, so counting the process's descriptors is exact.

use std::path::Path;

use robustmq_journal::record::BatchWriter;
use robustmq_journal::{batch, compaction, FsyncPolicy, Journal, LogConfig, OsFs, Partition};

const PARTITIONS: i32 = 30;
const BATCHES: usize = 40;
const CACHE: usize = 16;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn batch_of(tag: usize) -> Vec<u8> {
    let mut w = BatchWriter::new(1_000);
    for i in 0..3 {
        let value = format!("{tag}-{i}-{}", "x".repeat(60));
        w.record(
            1_000,
            Some(format!("k{i}").as_bytes()),
            Some(value.as_bytes()),
        );
    }
    w.finish()
}

fn config(compact: bool) -> LogConfig {
    LogConfig {
        segment_bytes: 1024,
        index_interval_bytes: 128,
        compact,
        ..LogConfig::default()
    }
}

fn records(p: &Partition) -> i64 {
    let mut n = 0;
    let mut at = p.stats().unwrap().log_start_offset;
    loop {
        let r = p.read(at, 4096, true).unwrap();
        if r.records.is_empty() {
            return n;
        }
        let (batches, _) = batch::scan(&r.records);
        for (_, h) in batches {
            n += i64::from(h.record_count);
            at = h.last_offset() + 1;
        }
    }
}

fn open(root: &Path) -> Journal {
    Journal::on(OsFs::shared(), root, FsyncPolicy::Never, CACHE).unwrap()
}

fn open_all(j: &Journal) -> Vec<std::sync::Arc<Partition>> {
    (0..PARTITIONS)
        .map(|i| j.open_partition("t", i, config(i == 0)).unwrap())
        .collect()
}

#[test]
fn sealed_segments_share_a_bounded_descriptor_cache() {
    let dir = tempfile::tempdir().unwrap();
    let before = open_fds();
    // Two per partition for its active segment, the cache, and a few for the directories.
    let ceiling = before + 2 * PARTITIONS as usize + CACHE + 8;
    let j = open(dir.path());
    let parts = open_all(&j);
    for (tag, p) in (0..BATCHES).flat_map(|b| parts.iter().map(move |p| (b, p))) {
        p.append(batch_of(tag)).unwrap();
    }
    let segments: usize = parts.iter().map(|p| p.segment_views().unwrap().len()).sum();
    assert!(
        segments > 10 * PARTITIONS as usize,
        "only {segments} segments"
    );
    assert!(
        open_fds() <= ceiling,
        "{} descriptors open, ceiling {ceiling}",
        open_fds()
    );
    for p in &parts {
        assert_eq!(records(p), 3 * BATCHES as i64);
    }
    assert!(
        open_fds() <= ceiling,
        "{} descriptors after reads",
        open_fds()
    );

    // Compaction rewrites sealed segments under their names; readers still see the right file.
    let stats = compaction::compact(&parts[0], i64::MAX / 2).unwrap();
    assert!(stats.is_some_and(|s| s.segments_rewritten > 0));
    assert_eq!(records(&parts[0]) % 3, 0);
    for p in &parts[1..] {
        assert_eq!(records(p), 3 * BATCHES as i64);
    }
    let compacted = records(&parts[0]);

    drop(parts);
    drop(j);
    let j = open(dir.path());
    let parts = open_all(&j);
    assert!(
        open_fds() <= ceiling,
        "{} descriptors after a restart",
        open_fds()
    );
    assert_eq!(records(&parts[0]), compacted);
    for p in &parts[1..] {
        assert_eq!(records(p), 3 * BATCHES as i64);
    }
    assert!(
        open_fds() <= ceiling,
        "{} descriptors at the end",
        open_fds()
    );
}
