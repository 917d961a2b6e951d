//! Storage faults through the file-system seam: failed writes and fsyncs, a full disk, and
//! power loss (which `kill -9` cannot show). The promise under test: an append is acknowledged
//! only when `Partition::durable` resolved, and every acknowledged record survives a power loss.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Arc;

use proptest::prelude::*;
use robustmq_journal::fault::FaultFs;
use robustmq_journal::record::BatchWriter;
use robustmq_journal::{
    batch, AppendInfo, FileSystem, FsyncPolicy, Journal, JournalError, LogConfig, Partition,
};

const ROOT: &str = "/data/journal";

/// One batch of `n` keyed records whose values carry `tag`, built by the journal's own writer.
fn batch_of(n: usize, tag: u32) -> Vec<u8> {
    let mut w = BatchWriter::new(1_000);
    for i in 0..n {
        let value = format!("{tag}-{i}-{}", "x".repeat(40));
        w.record(
            1_000 + i as i64,
            Some(format!("k{i}").as_bytes()),
            Some(value.as_bytes()),
        );
    }
    w.finish()
}

fn small_segments() -> LogConfig {
    LogConfig {
        segment_bytes: 1024,
        index_interval_bytes: 128,
        ..LogConfig::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn journal(fs: &Arc<FaultFs>, policy: FsyncPolicy) -> Journal {
    let shared: Arc<dyn FileSystem> = Arc::new(Arc::clone(fs));
    Journal::on(shared, Path::new(ROOT), policy, 8).unwrap()
}

type Setup = (
    Arc<FaultFs>,
    tokio::runtime::Runtime,
    Journal,
    Arc<Partition>,
);

/// A journal on a fresh FaultFs with one partition open, and a runtime to wait on it.
fn setup(policy: FsyncPolicy, topic: &str, id: i32, config: LogConfig) -> Setup {
    let fs = FaultFs::new();
    let j = journal(&fs, policy);
    let p = j.open_partition(topic, id, config).unwrap();
    (fs, runtime(), j, p)
}

/// Appends and waits until the append is durable: an acknowledged append.
fn append_acked(rt: &tokio::runtime::Runtime, p: &Arc<Partition>, data: Vec<u8>) -> AppendInfo {
    let info = p.append(data).unwrap();
    rt.block_on(p.wait_durable(info.last_offset + 1)).unwrap();
    info
}

/// Every batch in the log: base offset -> bytes after the base offset field.
fn read_all(p: &Partition) -> BTreeMap<i64, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut at = p.stats().unwrap().log_start_offset;
    loop {
        let r = p.read(at, 1 << 20, true).unwrap();
        if r.records.is_empty() {
            return out;
        }
        let (batches, _) = batch::scan(&r.records);
        for (pos, h) in batches {
            out.insert(
                h.base_offset,
                r.records[pos + 12..pos + h.total_size()].to_vec(),
            );
            at = h.last_offset() + 1;
        }
    }
}

fn payload(stored: &[u8]) -> Vec<u8> {
    stored[12..].to_vec()
}

/// What a test step does.
#[derive(Debug, Clone)]
enum Step {
    /// Append a batch of this many records without waiting.
    Append(usize),
    /// Append, then wait for durability and count it acknowledged.
    AppendAcked(usize),
    /// Kill the process (not the machine): reopen from what the page cache holds.
    Crash,
    /// DeleteRecords up to the log end.
    DeleteAll,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (1usize..6).prop_map(Step::Append),
        4 => (1usize..6).prop_map(Step::AppendAcked),
        1 => Just(Step::Crash),
        1 => Just(Step::DeleteAll),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// After any mix of appends, acknowledgements, process crashes and DeleteRecords, a power
    /// loss keeps every acknowledged batch at its offset, byte for byte, and a log start that
    /// does not pass the recovered end.
    #[test]
    fn power_loss_keeps_every_acknowledged_batch(steps in proptest::collection::vec(step(), 1..30), policy_always in any::<bool>()) {
        let policy = if policy_always { FsyncPolicy::Always } else { FsyncPolicy::Never };
        let fs = FaultFs::new();
        let rt = runtime();
        let mut acked: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
        let mut j = journal(&fs, policy);
        let mut p = j.open_partition("t", 0, small_segments()).unwrap();
        for (tag, s) in steps.iter().enumerate() {
            match s {
                Step::Append(n) | Step::AppendAcked(n) => {
                    let data = batch_of(*n, tag as u32);
                    let info = p.append(data.clone()).unwrap();
                    if matches!(s, Step::AppendAcked(_)) && policy == FsyncPolicy::Always {
                        rt.block_on(p.wait_durable(info.last_offset + 1)).unwrap();
                        acked.insert(info.base_offset, payload(&data));
                    }
                }
                Step::Crash => {
                    drop(p);
                    drop(j);
                    j = journal(&fs, policy);
                    p = j.open_partition("t", 0, small_segments()).unwrap();
                    // Whatever recovery kept is durable once it says so.
                    let end = p.log_end_offset();
                    if policy == FsyncPolicy::Always {
                        rt.block_on(p.wait_durable(end)).unwrap();
                        for (base, bytes) in read_all(&p) {
                            acked.insert(base, bytes);
                        }
                    }
                }
                Step::DeleteAll => {
                    p.delete_records_before(-1).unwrap();
                    acked.clear();
                }
            }
        }
        drop(p);
        drop(j);
        fs.power_loss();
        let j = journal(&fs, policy);
        let p = j.open_partition("t", 0, small_segments()).unwrap();
        let stats = p.stats().unwrap();
        prop_assert!(stats.log_start_offset <= stats.log_end_offset, "{stats:?}");
        let found = read_all(&p);
        for (base, bytes) in &acked {
            prop_assert_eq!(found.get(base), Some(bytes), "acknowledged batch at {} lost", base);
        }
    }
}

#[test]
fn a_failed_fsync_takes_the_partition_offline_and_a_restart_recovers() {
    let (fs, rt, j, p) = setup(FsyncPolicy::Always, "t", 0, LogConfig::default());
    let first = batch_of(3, 1);
    append_acked(&rt, &p, first.clone());

    let second = p.append(batch_of(2, 2)).unwrap();
    fs.fail_syncs(true);
    let err = rt
        .block_on(p.wait_durable(second.last_offset + 1))
        .unwrap_err();
    assert!(matches!(err, JournalError::Offline { .. }), "{err}");
    fs.fail_syncs(false);
    // The kernel may have dropped the pages: a retry that succeeds proves nothing.
    assert!(rt.block_on(p.wait_durable(second.last_offset + 1)).is_err());
    assert!(matches!(
        p.append(batch_of(1, 3)),
        Err(JournalError::Offline { .. })
    ));
    assert!(p.failure().is_some());
    // Durable data stays readable; the batch past the synced offset is not served.
    let readable = read_all(&p);
    assert_eq!(readable.len(), 1);
    assert_eq!(readable.get(&0), Some(&payload(&first)));

    drop(p);
    drop(j);
    fs.power_loss();
    let j = journal(&fs, FsyncPolicy::Always);
    let p = j.open_partition("t", 0, LogConfig::default()).unwrap();
    assert_eq!(read_all(&p).get(&0), Some(&payload(&first)));
    let next = append_acked(&rt, &p, batch_of(1, 4));
    assert_eq!(
        next.base_offset, 3,
        "the unacknowledged batch was lost with the power"
    );
}

#[test]
fn a_full_disk_refuses_the_append_and_loses_nothing_acknowledged() {
    for kind in [io::ErrorKind::StorageFull, io::ErrorKind::Other] {
        let (fs, rt, j, p) = setup(FsyncPolicy::Always, "t", 0, small_segments());
        let mut acked = BTreeMap::new();
        for tag in 0..5 {
            let data = batch_of(4, tag);
            let info = append_acked(&rt, &p, data.clone());
            acked.insert(info.base_offset, payload(&data));
        }
        fs.fail_writes(Some(kind));
        let err = p.append(batch_of(4, 9)).unwrap_err();
        assert!(matches!(err, JournalError::Offline { .. }), "{err}");
        assert_eq!(read_all(&p), acked);
        drop(p);
        drop(j);
        fs.power_loss();
        let j = journal(&fs, FsyncPolicy::Always);
        let p = j.open_partition("t", 0, small_segments()).unwrap();
        assert_eq!(read_all(&p), acked, "{kind:?}");
        p.append(batch_of(1, 10)).unwrap();
    }
}

#[test]
fn faults_in_one_partition_leave_the_others_alone() {
    let fs = FaultFs::new();
    let rt = runtime();
    let j = journal(&fs, FsyncPolicy::Always);
    let bad = j.open_partition("t", 0, LogConfig::default()).unwrap();
    let good = j.open_partition("t", 1, LogConfig::default()).unwrap();
    fs.only_paths_with(Some("/t-0/"));
    fs.fail_syncs(true);
    let i = bad.append(batch_of(1, 0)).unwrap();
    assert!(rt.block_on(bad.wait_durable(i.last_offset + 1)).is_err());
    append_acked(&rt, &good, batch_of(1, 0));
    // Shutdown's sync of everything passes over the offline partition.
    j.sync_all().unwrap();
}

#[test]
fn interval_and_never_policies_still_refuse_on_an_offline_partition() {
    let (fs, rt, j, p) = setup(FsyncPolicy::Interval, "t", 0, LogConfig::default());
    let i = p.append(batch_of(1, 0)).unwrap();
    let before = fs.syncs();
    rt.block_on(p.wait_durable(i.last_offset + 1)).unwrap();
    assert_eq!(fs.syncs(), before, "interval waits for no fsync");
    fs.fail_syncs(true);
    assert!(j.sync_all().is_ok());
    assert!(p.failure().is_some());
    assert!(rt.block_on(p.wait_durable(i.last_offset + 1)).is_err());
}

#[test]
fn a_new_partition_directory_survives_power_loss() {
    let (fs, rt, j, p) = setup(FsyncPolicy::Always, "fresh", 3, LogConfig::default());
    let data = batch_of(2, 0);
    append_acked(&rt, &p, data.clone());
    drop(p);
    drop(j);
    fs.power_loss();
    assert!(fs.is_dir(Path::new("/data/journal/fresh-3")));
    let j = journal(&fs, FsyncPolicy::Always);
    let p = j.open_partition("fresh", 3, LogConfig::default()).unwrap();
    assert_eq!(read_all(&p).get(&0), Some(&payload(&data)));
}

#[test]
fn a_deletion_cut_short_by_power_loss_is_finished_at_start() {
    let (fs, rt, j, p) = setup(FsyncPolicy::Always, "gone", 0, LogConfig::default());
    append_acked(&rt, &p, batch_of(2, 0));
    drop(p);
    j.mark_deleting("gone", 0).unwrap();
    j.remove_partition("gone", 0).unwrap();
    drop(j);
    fs.power_loss();
    // The removal was not durable, so the directory is back, with its marker.
    assert!(fs.is_dir(Path::new("/data/journal/gone-0")));
    let j = journal(&fs, FsyncPolicy::Always);
    let removed = j.remove_orphans(&|_, _| false, false).unwrap();
    assert_eq!(removed, vec!["gone-0".to_string()]);
    fs.power_loss();
    assert!(!fs.exists(Path::new("/data/journal/gone-0")));
}

/// One transactional batch of producer `pid` (epoch 0) at sequence `seq`.
fn txn_batch(pid: i64, seq: i32, tag: u32) -> Vec<u8> {
    let mut b = batch_of(3, tag);
    b[21..23].copy_from_slice(&0x10i16.to_be_bytes());
    b[43..51].copy_from_slice(&pid.to_be_bytes());
    b[51..53].copy_from_slice(&0i16.to_be_bytes());
    b[53..57].copy_from_slice(&seq.to_be_bytes());
    let crc = crc32c::crc32c(&b[21..]);
    b[17..21].copy_from_slice(&crc.to_be_bytes());
    b
}

/// Markers acknowledged (durable) before a power loss keep their transactions ended, and
/// their aborts in the index, across segment rolls; a transaction whose marker was never
/// made durable is still open afterwards (its coordinator writes the marker again).
#[test]
fn acknowledged_markers_and_aborts_survive_power_loss() {
    use robustmq_journal::txn::{Marker, Outcome};
    let (fs, rt, j, p) = setup(FsyncPolicy::Always, "t", 0, small_segments());
    let marker = |pid, outcome| Marker {
        producer_id: pid,
        producer_epoch: 0,
        outcome,
        coordinator_epoch: 0,
    };
    let mut seq = [0i32; 4];
    for round in 0..6u32 {
        for pid in 1..=3i64 {
            append_acked(&rt, &p, txn_batch(pid, seq[pid as usize], round));
            seq[pid as usize] += 3;
        }
        for pid in 1..=2i64 {
            let outcome = if pid == 1 {
                Outcome::Abort
            } else {
                Outcome::Commit
            };
            let info = p.append_marker(&marker(pid, outcome), |_, _| {}).unwrap();
            rt.block_on(p.wait_durable(info.last_offset + 1)).unwrap();
        }
    }
    // Producer 3's transaction has been open since offset 6; its late commit never syncs.
    let lso = p.last_stable_offset().unwrap();
    assert_eq!(lso, 6);
    let aborted = p.aborted_transactions(0, i64::MAX).unwrap();
    assert_eq!(aborted.len(), 6);
    assert!(p.stats().unwrap().segments > 2);
    fs.fail_syncs(true);
    let _ = p.append_marker(&marker(3, Outcome::Commit), |_, _| {});
    drop(p);
    drop(j);
    fs.power_loss();
    fs.fail_syncs(false);
    let j = journal(&fs, FsyncPolicy::Always);
    let p = j.open_partition("t", 0, small_segments()).unwrap();
    assert_eq!(p.aborted_transactions(0, i64::MAX).unwrap(), aborted);
    assert_eq!(
        p.last_stable_offset().unwrap(),
        6,
        "producer 3 is still open"
    );
}
