//! Behaviour of the segmented log beyond the `Log` contract (see `log.rs`): segments,
//! restarts, recovery, group commit, compaction.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use kafka_protocol::records::{
    Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};
use proptest::prelude::*;
use robustmq_journal::txn::{Marker, Outcome};
use robustmq_journal::{batch, JournalError, LogConfig, Partition};

/// One record of a non-idempotent producer at `offset` in its batch.
fn record(offset: usize, ts: i64, key: Bytes, value: Option<Bytes>) -> Record {
    Record {
        transactional: false,
        control: false,
        delete_horizon: false,
        partition_leader_epoch: 0,
        producer_id: -1,
        producer_epoch: -1,
        timestamp_type: TimestampType::Creation,
        offset: offset as i64,
        // The encoder keeps one batch only while sequences run with offsets.
        sequence: -1 + offset as i32,
        timestamp: ts,
        key: Some(key),
        value,
        headers: Default::default(),
    }
}

/// Encodes records as one v2 batch with kafka-protocol's encoder (an independent implementation).
fn encode(records: &[Record], compression: Compression) -> Vec<u8> {
    let mut buf = BytesMut::new();
    let options = RecordEncodeOptions {
        version: 2,
        compression,
    };
    RecordBatchEncoder::encode(&mut buf, records, &options).unwrap();
    buf.to_vec()
}

fn batch_bytes(n: usize, ts: i64, value_len: usize) -> Vec<u8> {
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let value = Bytes::from(vec![(i % 251) as u8; value_len]);
            record(
                i,
                ts + i as i64,
                Bytes::from(format!("key-{i}")),
                Some(value),
            )
        })
        .collect();
    encode(&records, Compression::None)
}

fn small_segments() -> LogConfig {
    LogConfig {
        segment_bytes: 2048,
        index_interval_bytes: 256,
        ..LogConfig::default()
    }
}

fn read_all(p: &Partition) -> Vec<(i64, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = p.stats().unwrap().log_start_offset;
    loop {
        let r = p.read(at, 100_000, true).unwrap();
        if r.records.is_empty() {
            return out;
        }
        let (batches, _) = batch::scan(&r.records);
        for (pos, h) in batches {
            out.push((
                h.base_offset,
                r.records[pos + 12..pos + h.total_size()].to_vec(),
            ));
            at = h.last_offset() + 1;
        }
    }
}

#[test]
fn timestamps_and_delete_records() {
    let dir = tempfile::tempdir().unwrap();
    let p = Partition::open("t", 0, dir.path().join("t-0"), small_segments()).unwrap();
    for i in 0..20 {
        p.append(batch_bytes(4, 10_000 + i * 100, 50)).unwrap();
    }
    assert!(p.stats().unwrap().segments > 2);
    assert_eq!(p.offset_for_timestamp(10_000).unwrap(), Some((0, 10_000)));
    assert_eq!(p.offset_for_timestamp(10_502).unwrap(), Some((22, 10_502)));
    assert_eq!(p.offset_for_timestamp(10_504).unwrap(), Some((24, 10_600)));
    assert_eq!(p.offset_for_timestamp(99_999).unwrap(), None);
    assert_eq!(p.delete_records_before(30).unwrap(), 30);
    assert!(matches!(
        p.read(29, 100, true),
        Err(JournalError::OffsetOutOfRange { .. })
    ));
    assert_eq!(
        read_all(&p).first().map(|(o, _)| *o),
        Some(28),
        "the batch holding offset 30 stays"
    );
    drop(p);
    let p = Partition::open("t", 0, dir.path().join("t-0"), small_segments()).unwrap();
    assert_eq!(
        p.stats().unwrap().log_start_offset,
        30,
        "log start survives a restart"
    );
}

#[tokio::test]
async fn group_commit_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let p =
        Arc::new(Partition::open("t", 0, dir.path().join("t-0"), LogConfig::default()).unwrap());
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let p = Arc::clone(&p);
        tasks.push(tokio::spawn(async move {
            let info = p.append(batch_bytes(1, 0, 10)).unwrap();
            p.sync_to(info.last_offset + 1).await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(p.log_end_offset(), 8);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Whatever is cut off or scribbled over at the end of the last segment, recovery keeps every
    /// batch that was whole before the damage, and the log takes new appends after it.
    #[test]
    fn recovery_keeps_the_intact_prefix(
        sizes in proptest::collection::vec(1usize..6, 1..30),
        cut in 0usize..4000,
        garbage in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let pdir = dir.path().join("t-0");
        let p = Partition::open("t", 0, pdir.clone(), small_segments()).unwrap();
        for (i, n) in sizes.iter().enumerate() {
            p.append(batch_bytes(*n, i as i64, 40)).unwrap();
        }
        let before = read_all(&p);
        drop(p);
        let mut logs: Vec<_> = std::fs::read_dir(&pdir).unwrap().map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "log")).collect();
        logs.sort();
        let last = logs.last().unwrap();
        let len = std::fs::metadata(last).unwrap().len() as usize;
        let keep = len.saturating_sub(cut % (len + 1));
        let mut data = std::fs::read(last).unwrap();
        data.truncate(keep);
        data.extend_from_slice(&garbage);
        std::fs::write(last, &data).unwrap();

        let p = Partition::open("t", 0, pdir.clone(), small_segments()).unwrap();
        let after = read_all(&p);
        prop_assert!(after.len() <= before.len());
        prop_assert_eq!(&after[..], &before[..after.len()], "recovered batches are an exact prefix");
        // Everything in sealed segments and everything before the cut survives.
        let last_base: i64 = last.file_stem().unwrap().to_str().unwrap().parse().unwrap();
        let survived_floor = before.iter().filter(|(o, _)| *o < last_base).count();
        prop_assert!(after.len() >= survived_floor);
        let end = p.log_end_offset();
        let info = p.append(batch_bytes(1, 0, 1)).unwrap();
        prop_assert_eq!(info.base_offset, end);
    }
}

fn keyed(pairs: &[(&str, Option<&str>)], ts: i64) -> Vec<u8> {
    let records: Vec<Record> = pairs
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            record(
                i,
                ts,
                Bytes::from(k.to_string()),
                v.map(|v| Bytes::from(v.to_string())),
            )
        })
        .collect();
    encode(&records, Compression::Lz4)
}

/// Every record in the log: (offset, key, value).
fn records(p: &Partition) -> Vec<(i64, String, Option<String>)> {
    let mut out = Vec::new();
    let mut at = p.stats().unwrap().log_start_offset;
    loop {
        let r = p.read(at, 1 << 20, true).unwrap();
        if r.records.is_empty() {
            return out;
        }
        let mut buf = r.records.clone();
        for set in kafka_protocol::records::RecordBatchDecoder::decode_all(&mut buf).unwrap() {
            for rec in set.records {
                let k = String::from_utf8(rec.key.unwrap().to_vec()).unwrap();
                let v = rec.value.map(|v| String::from_utf8(v.to_vec()).unwrap());
                at = rec.offset + 1;
                out.push((rec.offset, k, v));
            }
        }
        let (batches, _) = batch::scan(&r.records);
        at = at.max(
            batches
                .last()
                .map(|(_, h)| h.last_offset() + 1)
                .unwrap_or(at),
        );
    }
}

#[test]
fn compaction_keeps_the_latest_value_of_each_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = LogConfig {
        segment_bytes: 400,
        compact: true,
        delete: false,
        delete_retention_ms: 1000,
        ..LogConfig::default()
    };
    let p = Partition::open("t", 0, dir.path().join("t-0"), config).unwrap();
    for i in 0..60 {
        // k3 is deleted (a tombstone, long ago by its timestamp) at i = 51 and never written again.
        let key = if i % 4 == 3 && i > 51 {
            "k4".to_string()
        } else {
            format!("k{}", i % 4)
        };
        let value = format!("v{i}");
        let v = if i == 51 { None } else { Some(value.as_str()) };
        p.append(keyed(
            &[(key.as_str(), v)],
            if i == 51 { 0 } else { 1_000_000 },
        ))
        .unwrap();
    }
    assert!(
        matches!(p.append(batch_bytes(1, 0, 1)).map(|_| ()), Ok(())),
        "keys are present here"
    );
    let before = records(&p);
    let latest = |recs: &[(i64, String, Option<String>)]| {
        let mut m = std::collections::BTreeMap::new();
        for (_, k, v) in recs {
            m.insert(k.clone(), v.clone());
        }
        m
    };
    let stats = robustmq_journal::compaction::compact(&p, 2_000_000)
        .unwrap()
        .expect("something to compact");
    assert!(stats.records_removed > 0 && stats.bytes_after < stats.bytes_before);
    let after = records(&p);
    assert!(after.len() < before.len());
    assert!(
        after.windows(2).all(|w| w[0].0 < w[1].0),
        "offsets stay increasing"
    );
    let mut expected = latest(&before);
    if p.stats().unwrap().segments > 1 {
        // The tombstone for k3 sits in a sealed segment and is past delete.retention.ms.
        let active_base = p.segment_views().unwrap().last().unwrap().base_offset;
        if before
            .iter()
            .any(|(o, k, v)| k == "k3" && v.is_none() && *o < active_base)
        {
            expected.remove("k3");
        }
    }
    let got = latest(&after);
    assert_eq!(got.get("k0"), expected.get("k0"));
    assert_eq!(got.get("k1"), expected.get("k1"));
    assert_eq!(got.get("k2"), expected.get("k2"));
    assert_eq!(
        got.get("k3"),
        expected.get("k3"),
        "the old tombstone is gone, or still current"
    );
    // Nothing is compacted twice without new data.
    assert!(robustmq_journal::compaction::compact(&p, 2_000_000)
        .unwrap()
        .is_none());
}

#[test]
fn compacted_partitions_refuse_records_without_keys() {
    let dir = tempfile::tempdir().unwrap();
    let config = LogConfig {
        compact: true,
        ..LogConfig::default()
    };
    let p = Partition::open("t", 0, dir.path().join("t-0"), config).unwrap();
    let mut b = keyed(&[("k", Some("v"))], 0);
    assert!(p.append(b.clone()).is_ok());
    // Same batch without its key: re-encode with key None.
    let mut whole = Bytes::from(std::mem::take(&mut b));
    let mut set = kafka_protocol::records::RecordBatchDecoder::decode(&mut whole).unwrap();
    set.records[0].key = None;
    assert!(matches!(
        p.append(encode(&set.records, Compression::None)),
        Err(JournalError::InvalidRecord(_))
    ));
}

/// A `compact,delete` partition with a 1 h retention where every batch gets its own segment.
fn one_batch_per_segment_compact_delete() -> (tempfile::TempDir, Partition) {
    let dir = tempfile::tempdir().unwrap();
    let config = LogConfig {
        segment_bytes: 14,
        compact: true,
        delete: true,
        retention_ms: 3_600_000,
        ..LogConfig::default()
    };
    let p = Partition::open("t", 0, dir.path().join("t-0"), config).unwrap();
    (dir, p)
}

/// Regression: compaction can leave a gap before the next segment; once retention drops the
/// compacted segment, the log start must move past the gap, and reads from it must find data.
#[test]
fn retention_after_compaction_moves_log_start_past_the_gap() {
    let (_dir, p) = one_batch_per_segment_compact_delete();
    let hour = 3_600_000;
    p.append(keyed(&[("x", Some("1")), ("k", Some("2"))], 0))
        .unwrap(); // offsets 0, 1
    p.append(keyed(&[("k", Some("3"))], 10 * hour)).unwrap(); // offset 2
    p.append(keyed(&[("z", Some("4"))], 10 * hour)).unwrap(); // offset 3, active
    robustmq_journal::compaction::compact(&p, 10 * hour)
        .unwrap()
        .expect("k@1 is superseded");
    assert_eq!(
        p.enforce_retention(10 * hour).unwrap(),
        1,
        "the old compacted segment goes"
    );
    let start = p.stats().unwrap().log_start_offset;
    assert_eq!(
        start, 2,
        "no offset below the first remaining segment is advertised"
    );
    let got = records(&p);
    assert_eq!(
        got.first().map(|(o, k, _)| (*o, k.as_str())),
        Some((2, "k"))
    );
    assert!(!p.read(start, 1 << 20, true).unwrap().records.is_empty());
}

/// Regression: a segment that compaction emptied must not stop time-based retention.
#[test]
fn a_segment_emptied_by_compaction_does_not_block_retention() {
    let (_dir, p) = one_batch_per_segment_compact_delete();
    let hour = 3_600_000;
    p.append(keyed(&[("k", Some("1"))], 0)).unwrap();
    p.append(keyed(&[("k", Some("2"))], 0)).unwrap();
    p.append(keyed(&[("z", Some("3"))], 10 * hour)).unwrap();
    robustmq_journal::compaction::compact(&p, 10 * hour)
        .unwrap()
        .expect("k@0 is superseded");
    assert_eq!(
        p.enforce_retention(10 * hour).unwrap(),
        2,
        "the emptied segment and the expired one go"
    );
    assert_eq!(p.stats().unwrap().log_start_offset, 2);
}

/// `n` records of producer `id` in its open transaction, from sequence `seq`.
fn in_txn(n: usize, id: i64, seq: i32) -> Vec<u8> {
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let mut r = record(
                i,
                1_000,
                Bytes::from_static(b"k"),
                Some(Bytes::from(vec![1u8; 300])),
            );
            r.transactional = true;
            r.producer_id = id;
            r.producer_epoch = 0;
            r.sequence = seq + i as i32;
            r
        })
        .collect();
    encode(&records, Compression::None)
}

fn marker(id: i64, outcome: Outcome) -> Marker {
    Marker {
        producer_id: id,
        producer_epoch: 0,
        outcome,
        coordinator_epoch: 0,
    }
}

#[test]
fn open_transactions_and_aborts_survive_restarts_across_segments() {
    let dir = tempfile::tempdir().unwrap();
    let pdir = dir.path().join("t-0");
    let p = Partition::open("t", 0, pdir.clone(), small_segments()).unwrap();
    // Producer 1 opens a transaction that spans several segments and stays open; producer 2
    // aborts one whose marker lands in a sealed segment, producer 3 one in the active one.
    p.append(in_txn(2, 1, 0)).unwrap(); // 0..2
    p.append(in_txn(2, 2, 0)).unwrap(); // 2..4
    for i in 0..6 {
        p.append(batch_bytes(3, i, 100)).unwrap();
    }
    p.append_marker(&marker(2, Outcome::Abort), |_, _| {})
        .unwrap();
    for i in 0..6 {
        p.append(batch_bytes(3, i, 100)).unwrap();
    }
    p.append(in_txn(1, 3, 0)).unwrap();
    let three = p.log_end_offset() - 1;
    p.append_marker(&marker(3, Outcome::Abort), |_, _| {})
        .unwrap();
    assert!(p.stats().unwrap().segments > 3);
    let lso = p.last_stable_offset().unwrap();
    let aborted = p.aborted_transactions(0, i64::MAX).unwrap();
    assert_eq!(lso, 0);
    assert_eq!(aborted.len(), 2);
    assert_eq!((aborted[0].producer_id, aborted[0].first_offset), (2, 2));
    assert_eq!(
        (aborted[1].producer_id, aborted[1].first_offset),
        (3, three)
    );
    drop(p);

    let p = Partition::open("t", 0, pdir.clone(), small_segments()).unwrap();
    assert_eq!(
        p.last_stable_offset().unwrap(),
        0,
        "producer 1's transaction is still open"
    );
    assert_eq!(p.aborted_transactions(0, i64::MAX).unwrap(), aborted);
    p.append_marker(&marker(1, Outcome::Commit), |_, _| {})
        .unwrap();
    assert_eq!(p.last_stable_offset().unwrap(), p.log_end_offset());
    drop(p);
    let p = Partition::open("t", 0, pdir, small_segments()).unwrap();
    assert_eq!(p.last_stable_offset().unwrap(), p.log_end_offset());
    assert_eq!(p.aborted_transactions(0, i64::MAX).unwrap(), aborted);
    // Deleting records drops the aborts whose markers went with them.
    p.delete_records_before(p.log_end_offset() - 1).unwrap();
    assert!(p.aborted_transactions(0, i64::MAX).unwrap().len() <= 1);
}
