//! What the fuzz targets in `fuzz/` check on arbitrary bytes, here so the corpus replay test
//! (`tests/fuzz_corpus.rs`) runs exactly the same checks under `cargo test`.

use std::path::Path;
use std::sync::Arc;

use crate::batch::{self, BatchHeader};
use crate::fault::FaultFs;
use crate::fs::FileSystem;
use crate::record::{read_batch, Records};
use crate::{decompress, segment, FsyncPolicy, JournalError, LogConfig, Partition};

/// Decompression bound for the checks: large enough for real batches, small enough that the
/// fuzzer's memory limit catches an allocation that ignores it.
const LIMIT: usize = 1 << 20;

/// Batch framing, CRC, bounded decompression and the record reader on arbitrary bytes: no
/// panic, nothing past the bytes given, no output past the limit, and records within their
/// batch's count.
pub fn batch_bytes(data: &[u8]) {
    let (headers, end) = batch::scan(data);
    assert!(end <= data.len());
    let mut at = 0;
    for (pos, h) in &headers {
        assert_eq!(*pos, at, "scan returns batches back to back");
        at += h.total_size();
        let whole = &data[*pos..*pos + h.total_size()];
        let _ = batch::verify_crc(h, whole);
        records_of(whole, h);
    }
    assert_eq!(at, end);
    // The first bytes as one batch, whatever scan made of them.
    if let Ok(h) = BatchHeader::parse(data) {
        records_of(data, &h);
    }
}

fn records_of(whole: &[u8], h: &BatchHeader) {
    match decompress::plain_batch(whole, LIMIT) {
        Ok(plain) => {
            assert!(plain.len() <= batch::HEADER_SIZE + LIMIT + 1);
            if let Ok(Records::Plain(records)) = read_batch(&plain) {
                assert!(records.len() <= usize::try_from(h.record_count).unwrap_or(0));
            }
        }
        Err(JournalError::DecompressedTooLarge { .. } | JournalError::Corrupt(_)) => {}
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// Recovery of a partition whose files hold arbitrary bytes. The first byte picks the layout:
/// even, the bytes are the last segment; odd, they are a sealed segment and its index (split at
/// the second byte's share) before an empty last segment. The partition must open or refuse
/// with an error, read back batches in offset order, and take an append after its end.
pub fn recovery(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let fs = FaultFs::new();
    let shared: Arc<dyn FileSystem> = Arc::new(Arc::clone(&fs));
    let dir = Path::new("/j/t-0");
    if shared.create_dir_all(dir).is_err() {
        return;
    }
    let write = |path: &Path, bytes: &[u8]| {
        let f = shared.create(path).expect("create in memory");
        f.write_all_at(bytes, 0).expect("write in memory");
    };
    if mode % 2 == 0 {
        write(&segment::log_path(dir, 0), rest);
    } else {
        let (&cut, rest) = rest.split_first().unwrap_or((&0, &[]));
        let split = rest.len() * usize::from(cut) / 256;
        let (log, index) = rest.split_at(split);
        write(&segment::log_path(dir, 0), log);
        write(&segment::index_path(dir, 0), index);
        write(&segment::log_path(dir, 1 << 20), &[]);
    }
    let config = LogConfig {
        index_interval_bytes: 64,
        ..LogConfig::default()
    };
    let opened = Partition::open_on(
        Arc::clone(&shared),
        FsyncPolicy::Always,
        "t",
        0,
        dir.to_path_buf(),
        config,
    );
    let Ok(p) = opened else { return };
    let Ok(stats) = p.stats() else { return };
    let mut at = stats.log_start_offset;
    let mut reads = 0;
    while at < stats.log_end_offset && reads < 10_000 {
        reads += 1;
        let Ok(r) = p.read(at, 64 * 1024, true) else {
            break;
        };
        let (batches, _) = batch::scan(&r.records);
        let Some((_, last)) = batches.last() else {
            break;
        };
        at = at
            .saturating_add(1)
            .max(last.last_offset().saturating_add(1));
    }
    let _ = p.offset_for_timestamp(0);
    let mut w = crate::record::BatchWriter::new(1);
    w.record(1, Some(b"k"), Some(b"v"));
    if let Ok(info) = p.append(w.finish()) {
        assert_eq!(info.base_offset, stats.log_end_offset);
        let back = p
            .read(info.base_offset, 1 << 16, true)
            .expect("read the append back");
        assert!(!back.records.is_empty());
    }
}
