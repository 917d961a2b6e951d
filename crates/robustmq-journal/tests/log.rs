//! The `Log` and `LogStore` contract, run against every implementation: the segmented log on
//! disk and the in-memory one. A property test then drives both with the same operations and
//! requires the same answers, so the in-memory log stays a faithful stand-in.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use kafka_protocol::records::{
    Compression, Record, RecordBatchEncoder, RecordEncodeOptions, TimestampType,
};
use proptest::prelude::*;
use robustmq_journal::txn::{AbortedTxn, Marker, Outcome};
use robustmq_journal::{
    batch, AppendInfo, FsyncPolicy, Journal, JournalError, Log, LogConfig, LogStore, MemoryStore,
};

/// A store with what keeps it alive (the temporary directory of the disk one).
struct Opened {
    _dir: Option<tempfile::TempDir>,
    store: Arc<dyn LogStore>,
}

impl Opened {
    fn log(&self, config: LogConfig) -> Arc<dyn Log> {
        self.store.open_partition("t", 0, config).unwrap()
    }
}

fn disk() -> Opened {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::new(&dir.path().join("journal"), FsyncPolicy::Always).unwrap();
    Opened {
        _dir: Some(dir),
        store: Arc::new(journal),
    }
}

fn memory() -> Opened {
    Opened {
        _dir: None,
        store: Arc::new(MemoryStore::new()),
    }
}

/// Runs each contract test once per implementation.
macro_rules! contract {
    ($($test:ident),* $(,)?) => {
        $(mod $test {
            #[test]
            fn disk() {
                super::$test(super::disk());
            }
            #[test]
            fn memory() {
                super::$test(super::memory());
            }
        })*
    };
}

contract!(
    offsets_are_assigned_and_reads_return_whole_batches,
    oversize_first_batch_only_when_allowed,
    bad_batches_store_nothing,
    offsets_for_timestamps,
    the_largest_timestamp_and_its_record,
    delete_records_moves_the_log_start,
    idempotent_retries_get_the_original_offsets,
    control_batches_from_producers_are_refused,
    transactions_hold_the_stable_offset_and_index_aborts,
    markers_from_an_old_epoch_are_refused,
    compacted_topics_need_keys,
    append_then_sees_appends_in_order_with_offsets,
    end_offset_watchers_wake,
    durable_resolves_for_concurrent_appenders,
    retention_by_bytes_and_time,
    the_store_opens_lists_and_removes,
);

fn record(offset: usize, ts: i64, key: Option<Bytes>, producer: (i64, i16, i32)) -> Record {
    Record {
        transactional: false,
        control: false,
        delete_horizon: false,
        partition_leader_epoch: 0,
        producer_id: producer.0,
        producer_epoch: producer.1,
        timestamp_type: TimestampType::Creation,
        offset: offset as i64,
        // Sequences must run with offsets for the encoder to keep one batch.
        sequence: producer.2.wrapping_add(offset as i32),
        timestamp: ts,
        key,
        value: Some(Bytes::from(vec![(offset % 251) as u8; 40])),
        headers: Default::default(),
    }
}

fn encode(records: &[Record]) -> Vec<u8> {
    let mut buf = BytesMut::new();
    let options = RecordEncodeOptions {
        version: 2,
        compression: Compression::None,
    };
    RecordBatchEncoder::encode(&mut buf, records, &options).unwrap();
    buf.to_vec()
}

/// `n` keyed records, the i-th at `ts + i`, from a non-idempotent producer.
fn batch_of(n: usize, ts: i64) -> Vec<u8> {
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let key = Some(Bytes::from(format!("key-{i}")));
            record(i, ts + i as i64, key, (-1, -1, -1))
        })
        .collect();
    encode(&records)
}

fn from_producer(n: usize, id: i64, seq: i32) -> Vec<u8> {
    let records: Vec<Record> = (0..n)
        .map(|i| record(i, 1_000, Some(Bytes::from_static(b"k")), (id, 0, seq)))
        .collect();
    encode(&records)
}

fn small_segments() -> LogConfig {
    LogConfig {
        segment_bytes: 2048,
        index_interval_bytes: 256,
        ..LogConfig::default()
    }
}

/// Every stored batch from the log start on, as (base offset, bytes).
fn read_all(log: &dyn Log) -> Vec<(i64, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = log.stats().unwrap().log_start_offset;
    loop {
        let r = log.read(at, 100_000, true).unwrap();
        if r.records.is_empty() {
            return out;
        }
        let (batches, _) = batch::scan(&r.records);
        for (pos, h) in batches {
            out.push((h.base_offset, r.records[pos..pos + h.total_size()].to_vec()));
            at = h.last_offset() + 1;
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn offsets_are_assigned_and_reads_return_whole_batches(o: Opened) {
    let log = o.log(small_segments());
    let a = log.append(batch_of(3, 1000)).unwrap();
    let b = log.append(batch_of(2, 2000)).unwrap();
    assert_eq!((a.base_offset, a.last_offset, a.records), (0, 2, 3));
    assert_eq!((b.base_offset, b.last_offset, b.records), (3, 4, 2));
    assert!(!a.duplicate && !b.duplicate);
    let got = log.read(4, 1, true).unwrap();
    let h = batch::BatchHeader::parse(&got.records).unwrap();
    assert_eq!(h.base_offset, 3, "the batch holding the offset comes whole");
    assert_eq!(got.records.len(), h.total_size());
    assert_eq!((got.high_watermark, got.log_start_offset), (5, 0));
    assert!(log.read(5, 100, true).unwrap().records.is_empty());
    assert!(matches!(
        log.read(6, 100, true),
        Err(JournalError::OffsetOutOfRange { .. })
    ));
    let all = read_all(&*log);
    assert_eq!(all.iter().map(|b| b.0).collect::<Vec<_>>(), vec![0, 3]);
    let stats = log.stats().unwrap();
    assert_eq!((stats.log_start_offset, stats.log_end_offset), (0, 5));
    let stored: usize = all.iter().map(|b| b.1.len()).sum();
    assert_eq!(stats.size_bytes, stored as u64);
    assert_eq!(log.log_end_offset(), 5);
}

fn oversize_first_batch_only_when_allowed(o: Opened) {
    let log = o.log(LogConfig::default());
    log.append(batch_of(5, 0)).unwrap();
    log.append(batch_of(5, 0)).unwrap();
    assert!(log.read(0, 10, false).unwrap().records.is_empty());
    let one = log.read(0, 10, true).unwrap();
    let (batches, _) = batch::scan(&one.records);
    assert_eq!(
        batches.len(),
        1,
        "only the first batch, however small the limit"
    );
    let both = log.read(0, 100_000, false).unwrap();
    assert_eq!(batch::scan(&both.records).0.len(), 2);
}

fn bad_batches_store_nothing(o: Opened) {
    let log = o.log(LogConfig {
        max_message_bytes: 2_000,
        ..LogConfig::default()
    });
    let mut flipped = batch_of(2, 0);
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert!(matches!(
        log.append(flipped),
        Err(JournalError::CrcMismatch { .. })
    ));
    let mut cut = batch_of(2, 0);
    cut.truncate(cut.len() - 3);
    assert!(matches!(log.append(cut), Err(JournalError::Corrupt(_))));
    assert!(matches!(
        log.append(Vec::new()),
        Err(JournalError::Corrupt(_))
    ));
    assert!(matches!(
        log.append(batch_of(60, 0)),
        Err(JournalError::BatchTooLarge { .. })
    ));
    // A good batch followed by a bad one: neither is stored.
    let mut mixed = batch_of(1, 0);
    let mut bad = batch_of(1, 0);
    bad[20] ^= 0xff;
    mixed.extend_from_slice(&bad);
    assert!(log.append(mixed).is_err());
    assert_eq!(log.log_end_offset(), 0);
    assert_eq!(log.stats().unwrap().size_bytes, 0);
}

fn offsets_for_timestamps(o: Opened) {
    let log = o.log(small_segments());
    for i in 0..20 {
        log.append(batch_of(4, 10_000 + i * 100)).unwrap();
    }
    assert_eq!(log.offset_for_timestamp(0).unwrap(), Some((0, 10_000)));
    assert_eq!(log.offset_for_timestamp(10_000).unwrap(), Some((0, 10_000)));
    assert_eq!(
        log.offset_for_timestamp(10_502).unwrap(),
        Some((22, 10_502))
    );
    assert_eq!(
        log.offset_for_timestamp(10_504).unwrap(),
        Some((24, 10_600))
    );
    assert_eq!(log.offset_for_timestamp(99_999).unwrap(), None);
    log.delete_records_before(30).unwrap();
    assert_eq!(
        log.offset_for_timestamp(0).unwrap(),
        Some((30, 10_702)),
        "never below the log start"
    );
}

fn the_largest_timestamp_and_its_record(o: Opened) {
    let log = o.log(small_segments());
    assert_eq!(log.max_timestamp().unwrap(), None, "an empty log has none");
    for ts in [10_000, 50_000, 20_000] {
        log.append(batch_of(4, ts)).unwrap();
    }
    let max = log.max_timestamp().unwrap();
    assert_eq!(max, Some(50_003), "timestamps need not grow with offsets");
    assert_eq!(log.offset_for_timestamp(50_003).unwrap(), Some((7, 50_003)));
}

fn delete_records_moves_the_log_start(o: Opened) {
    let log = o.log(small_segments());
    for i in 0..20 {
        log.append(batch_of(4, 10_000 + i * 100)).unwrap();
    }
    assert_eq!(log.delete_records_before(30).unwrap(), 30);
    assert_eq!(
        log.delete_records_before(10).unwrap(),
        30,
        "never backwards"
    );
    assert!(matches!(
        log.read(29, 100, true),
        Err(JournalError::OffsetOutOfRange { .. })
    ));
    assert_eq!(
        read_all(&*log).first().map(|b| b.0),
        Some(28),
        "the batch holding the new start stays"
    );
    assert_eq!(log.stats().unwrap().log_start_offset, 30);
    assert!(matches!(
        log.delete_records_before(81),
        Err(JournalError::OffsetOutOfRange { .. })
    ));
    assert_eq!(log.delete_records_before(-1).unwrap(), 80);
    assert!(read_all(&*log).is_empty());
    let next = log.append(batch_of(1, 0)).unwrap();
    assert_eq!((next.base_offset, next.log_start_offset), (80, 80));
}

fn idempotent_retries_get_the_original_offsets(o: Opened) {
    let log = o.log(LogConfig::default());
    log.append(batch_of(2, 0)).unwrap();
    let first = log.append(from_producer(3, 7, 0)).unwrap();
    let retry = log.append(from_producer(3, 7, 0)).unwrap();
    assert!(retry.duplicate);
    assert_eq!(
        (retry.base_offset, retry.last_offset),
        (first.base_offset, first.last_offset)
    );
    assert_eq!(log.log_end_offset(), 5, "a retry stores nothing");
    assert!(matches!(
        log.append(from_producer(1, 7, 9)),
        Err(JournalError::OutOfOrderSequence { .. })
    ));
    let next = log.append(from_producer(1, 7, 3)).unwrap();
    assert_eq!(next.base_offset, 5);
    // A request that mixes a retried batch with a new one stores neither.
    let mut mixed = from_producer(1, 7, 3);
    mixed.extend_from_slice(&from_producer(1, 7, 4));
    assert!(log.append(mixed).is_err());
    assert_eq!(log.log_end_offset(), 6);
}

fn control_batches_from_producers_are_refused(o: Opened) {
    let log = o.log(LogConfig::default());
    let mut r = record(0, 0, None, (5, 0, 0));
    r.transactional = true;
    r.control = true;
    assert!(matches!(
        log.append(encode(&[r])),
        Err(JournalError::InvalidRecord(_))
    ));
    assert_eq!(log.log_end_offset(), 0);
}

/// `n` records of producer `id` (epoch 0) from sequence `seq`, in its open transaction.
fn in_txn(n: usize, id: i64, seq: i32) -> Vec<u8> {
    let records: Vec<Record> = (0..n)
        .map(|i| {
            let mut r = record(i, 1_000, Some(Bytes::from_static(b"k")), (id, 0, seq));
            r.transactional = true;
            r
        })
        .collect();
    encode(&records)
}

fn marker(id: i64, epoch: i16, outcome: Outcome) -> Marker {
    Marker {
        producer_id: id,
        producer_epoch: epoch,
        outcome,
        coordinator_epoch: 0,
    }
}

fn transactions_hold_the_stable_offset_and_index_aborts(o: Opened) {
    let log = o.log(LogConfig::default());
    log.append(batch_of(2, 0)).unwrap(); // 0..2
    log.append(in_txn(3, 7, 0)).unwrap(); // 2..5, producer 7's transaction opens at 2
    log.append(batch_of(1, 0)).unwrap(); // 5
    log.append(in_txn(2, 8, 0)).unwrap(); // 6..8, producer 8's at 6
    assert_eq!(log.last_stable_offset().unwrap(), 2);
    assert_eq!(log.read(0, 1 << 20, true).unwrap().last_stable_offset, 2);
    let commit = log
        .append_marker(&marker(7, 0, Outcome::Commit), &mut |_, _| {})
        .unwrap();
    assert_eq!(commit.base_offset, 8);
    assert_eq!(
        log.last_stable_offset().unwrap(),
        6,
        "8's transaction is open"
    );
    let abort = log
        .append_marker(&marker(8, 0, Outcome::Abort), &mut |_, _| {})
        .unwrap();
    assert_eq!(abort.base_offset, 9);
    assert_eq!(log.last_stable_offset().unwrap(), 10);
    assert_eq!(log.log_end_offset(), 10);
    let aborted = AbortedTxn {
        producer_id: 8,
        first_offset: 6,
        last_offset: 9,
    };
    assert_eq!(log.aborted_transactions(0, 10).unwrap(), vec![aborted]);
    assert_eq!(log.aborted_transactions(0, 6).unwrap(), vec![]);
    assert_eq!(log.aborted_transactions(10, 20).unwrap(), vec![]);
    // Markers are stored control batches; sequences go on after them in the same epoch.
    let (headers, _) = batch::scan(&log.read(8, 1 << 20, true).unwrap().records);
    assert!(headers[0].1.is_control() && headers[1].1.is_control());
    log.append(in_txn(1, 7, 3)).unwrap(); // 10, a new transaction of 7
    assert_eq!(log.last_stable_offset().unwrap(), 10);
    // A marker for a producer with nothing open here is stored and changes nothing else.
    log.append_marker(&marker(9, 0, Outcome::Abort), &mut |_, _| {})
        .unwrap();
    assert_eq!(log.last_stable_offset().unwrap(), 10);
    assert_eq!(log.aborted_transactions(0, 20).unwrap().len(), 1);
}

fn markers_from_an_old_epoch_are_refused(o: Opened) {
    let log = o.log(LogConfig::default());
    log.append(in_txn(1, 7, 0)).unwrap();
    // The coordinator fenced the producer: its abort carries the next epoch.
    log.append_marker(&marker(7, 1, Outcome::Abort), &mut |_, _| {})
        .unwrap();
    assert!(matches!(
        log.append_marker(&marker(7, 0, Outcome::Commit), &mut |_, _| {}),
        Err(JournalError::InvalidProducerEpoch { .. })
    ));
    // The zombie's data is refused too; the new epoch starts its sequences at 0.
    assert!(matches!(
        log.append(in_txn(1, 7, 1)),
        Err(JournalError::InvalidProducerEpoch { .. })
    ));
    let mut r = record(0, 1_000, Some(Bytes::from_static(b"k")), (7, 1, 0));
    r.transactional = true;
    log.append(encode(&[r])).unwrap();
    assert_eq!(log.last_stable_offset().unwrap(), 2);
}

fn compacted_topics_need_keys(o: Opened) {
    let log = o.log(LogConfig {
        compact: true,
        ..LogConfig::default()
    });
    let keyless = encode(&[record(0, 0, None, (-1, -1, -1))]);
    assert!(log.append(keyless).is_err());
    assert!(log.append(batch_of(2, 0)).is_ok());
    assert_eq!(log.log_end_offset(), 2);
}

fn append_then_sees_appends_in_order_with_offsets(o: Opened) {
    let log = o.log(LogConfig::default());
    let mut seen: Vec<(AppendInfo, i64)> = Vec::new();
    for n in [2usize, 1, 3] {
        let mut observe = |info: &AppendInfo, stored: &[u8]| {
            let h = batch::BatchHeader::parse(stored).unwrap();
            seen.push((*info, h.base_offset));
        };
        log.append_then(batch_of(n, 0), &mut observe).unwrap();
    }
    let bases: Vec<(i64, i64)> = seen
        .iter()
        .map(|(i, stored)| (i.base_offset, *stored))
        .collect();
    assert_eq!(
        bases,
        vec![(0, 0), (2, 2), (3, 3)],
        "stored bytes carry offsets"
    );
    // An idempotent retry is not observed again.
    log.append(from_producer(1, 1, 0)).unwrap();
    let mut called = false;
    log.append_then(from_producer(1, 1, 0), &mut |_, _| called = true)
        .unwrap();
    assert!(!called);
}

fn end_offset_watchers_wake(o: Opened) {
    let log = o.log(LogConfig::default());
    let mut end = log.subscribe();
    assert_eq!(*end.borrow_and_update(), 0);
    log.append(batch_of(3, 0)).unwrap();
    assert!(end.has_changed().unwrap());
    assert_eq!(*end.borrow_and_update(), 3);
}

fn durable_resolves_for_concurrent_appenders(o: Opened) {
    let log = o.log(LogConfig::default());
    let rt = runtime();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let log = Arc::clone(&log);
            tasks.push(tokio::spawn(async move {
                let info = log.append(batch_of(1, 0)).unwrap();
                Arc::clone(&log).durable(info.last_offset + 1).await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
    });
    assert_eq!(log.log_end_offset(), 8);
}

fn retention_by_bytes_and_time(o: Opened) {
    let log = o.log(LogConfig {
        retention_bytes: 4096,
        ..small_segments()
    });
    for i in 0..40 {
        log.append(batch_of(2, i)).unwrap();
    }
    let before = log.stats().unwrap();
    assert!(log.enforce_retention(0).unwrap() > 0);
    let after = log.stats().unwrap();
    assert!(after.size_bytes < before.size_bytes);
    assert!(after.size_bytes <= 4096 + 2048);
    assert!(after.log_start_offset > 0);
    assert_eq!(after.log_end_offset, before.log_end_offset);
    assert_eq!(read_all(&*log).last().map(|b| b.0), Some(78));

    let timed = o
        .store
        .open_partition("timed", 0, small_segments())
        .unwrap();
    for i in 0..40 {
        timed.append(batch_of(2, i * 1000)).unwrap();
    }
    timed.set_config(LogConfig {
        retention_ms: 10_000,
        ..small_segments()
    });
    assert_eq!(timed.config().retention_ms, 10_000);
    assert!(timed.enforce_retention(40_000).unwrap() > 0);
    let first = read_all(&*timed).first().map(|b| b.0).unwrap();
    assert!(first > 0, "old batches went");
    assert!(first <= 60, "batches newer than retention.ms stay");
    assert_eq!(timed.log_end_offset(), 80);
}

fn the_store_opens_lists_and_removes(o: Opened) {
    let a = o
        .store
        .open_partition("a", 0, LogConfig::default())
        .unwrap();
    o.store
        .open_partition("a", 1, LogConfig::default())
        .unwrap();
    a.append(batch_of(2, 0)).unwrap();
    let again = o
        .store
        .open_partition(
            "a",
            0,
            LogConfig {
                retention_ms: 5,
                ..LogConfig::default()
            },
        )
        .unwrap();
    assert_eq!(
        again.log_end_offset(),
        2,
        "opening twice gives the same log"
    );
    assert_eq!(a.config().retention_ms, 5, "with the new config");
    assert_eq!((again.topic(), again.id()), ("a", 0));
    assert_eq!(o.store.partitions().len(), 2);
    o.store.mark_deleting("a", 0).unwrap();
    o.store.remove_partition("a", 0).unwrap();
    assert!(o.store.partition("a", 0).is_none());
    assert!(matches!(
        a.append(batch_of(1, 0)),
        Err(JournalError::Deleted(_))
    ));
    assert!(o.store.partition("a", 1).is_some());
    o.store.sync_all().unwrap();
    o.store.maintain(0);
    let fresh = o
        .store
        .open_partition("a", 0, LogConfig::default())
        .unwrap();
    assert_eq!(
        fresh.log_end_offset(),
        0,
        "a removed partition comes back empty"
    );
}

#[derive(Debug, Clone)]
enum Op {
    Append { records: usize, ts: i64 },
    Retry,
    DeleteBefore(u8),
    ForTimestamp(i64),
    Read { from: u8, max_bytes: u16 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (1usize..6, 0i64..5_000).prop_map(|(records, ts)| Op::Append { records, ts }),
        1 => Just(Op::Retry),
        1 => any::<u8>().prop_map(Op::DeleteBefore),
        1 => (0i64..6_000).prop_map(Op::ForTimestamp),
        2 => (any::<u8>(), any::<u16>()).prop_map(|(from, max_bytes)| Op::Read { from, max_bytes }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// The same operations on the disk log and the memory log give the same answers: append
    /// results, errors, timestamp lookups, log bounds and, read to the end, the same bytes.
    #[test]
    fn disk_and_memory_agree(ops in proptest::collection::vec(op(), 1..40)) {
        let (d, m) = (disk(), memory());
        let config = LogConfig { segment_bytes: 1024, index_interval_bytes: 128, ..LogConfig::default() };
        let logs = [d.log(config.clone()), m.log(config)];
        let mut seq = 0i32;
        let mut ts_base = 0i64;
        for op in ops {
            let answers: Vec<String> = logs.iter().map(|log| match &op {
                Op::Append { records, ts } => {
                    // Timestamps never go backwards, as a producer's clock mostly does not.
                    let at = ts_base + ts;
                    format!("{:?}", log.append(from_producer_at(*records, 3, seq, at)))
                }
                Op::Retry => format!("{:?}", log.append(from_producer_at(1, 3, seq.max(1) - 1, 0))),
                Op::DeleteBefore(k) => {
                    let end = log.log_end_offset();
                    let target = if end == 0 { 0 } else { *k as i64 % (end + 1) };
                    format!("{:?}", log.delete_records_before(target))
                }
                Op::ForTimestamp(ts) => format!("{:?}", log.offset_for_timestamp(*ts)),
                Op::Read { from, max_bytes } => {
                    let s = log.stats().unwrap();
                    let span = s.log_end_offset - s.log_start_offset + 1;
                    let at = s.log_start_offset + *from as i64 % span;
                    match log.read(at, *max_bytes as usize, false) {
                        // One read may stop at a segment's end on disk: compare where it starts.
                        Ok(r) => format!("{:?}", (batch::scan(&r.records).0.first().map(|b| b.1.base_offset), r.high_watermark, r.log_start_offset)),
                        Err(e) => format!("{e:?}"),
                    }
                }
            }).collect();
            prop_assert_eq!(&answers[0], &answers[1], "{:?}", op);
            if let Op::Append { records, ts } = op {
                if answers[0].starts_with("Ok") {
                    seq += records as i32;
                    ts_base += ts;
                }
            }
            let bounds: Vec<_> = logs.iter().map(|l| {
                let s = l.stats().unwrap();
                (s.log_start_offset, s.log_end_offset)
            }).collect();
            prop_assert_eq!(bounds[0], bounds[1]);
        }
        prop_assert_eq!(read_all(&*logs[0]), read_all(&*logs[1]));
    }
}

fn from_producer_at(n: usize, id: i64, seq: i32, ts: i64) -> Vec<u8> {
    let records: Vec<Record> = (0..n)
        .map(|i| {
            record(
                i,
                ts + i as i64,
                Some(Bytes::from_static(b"k")),
                (id, 0, seq),
            )
        })
        .collect();
    encode(&records)
}
