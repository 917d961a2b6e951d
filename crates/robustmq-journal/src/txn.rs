//! Kafka transactions inside one partition: the control batches (commit and abort markers) the
//! coordinator writes, the aborted-transaction index that `read_committed` fetches return, and
//! the file each sealed segment keeps it in.
//!
//! A marker is a one-record batch with the transactional and control attributes whose key is
//! `(version: i16 = 0, type: i16)` (0 abort, 1 commit) and whose value is `(version: i16 = 0,
//! coordinator_epoch: i32)`, as Kafka writes it.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::batch::{BatchHeader, HEADER_SIZE};
use crate::error::{JournalError, Result};
use crate::fs::{self as jfs, FileSystem};
use crate::producer::ProducerStates;

/// Attributes of a marker batch: transactional (0x10) and control (0x20), uncompressed.
const MARKER_ATTRIBUTES: i16 = 0x30;

/// How a transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Commit,
    Abort,
}

impl Outcome {
    fn control_type(self) -> i16 {
        match self {
            Outcome::Abort => 0,
            Outcome::Commit => 1,
        }
    }
}

/// A transaction marker to append: written by the transaction coordinator, never by producers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub outcome: Outcome,
    pub coordinator_epoch: i32,
}

/// An aborted transaction of one producer: its records from `first_offset` up to its abort
/// marker at `last_offset`. A `read_committed` consumer drops that producer's transactional
/// records in between (Kafka's aborted-transaction index).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbortedTxn {
    pub producer_id: i64,
    pub first_offset: i64,
    pub last_offset: i64,
}

/// The marker batch for `m`, with base offset 0 (the log places it).
pub fn marker_batch(m: &Marker, timestamp: i64) -> Vec<u8> {
    let mut key = Vec::with_capacity(4);
    key.extend_from_slice(&0i16.to_be_bytes());
    key.extend_from_slice(&m.outcome.control_type().to_be_bytes());
    let mut value = Vec::with_capacity(6);
    value.extend_from_slice(&0i16.to_be_bytes());
    value.extend_from_slice(&m.coordinator_epoch.to_be_bytes());
    let mut w = crate::record::BatchWriter::new(timestamp);
    w.record(timestamp, Some(&key), Some(&value));
    let mut b = w.finish();
    b[21..23].copy_from_slice(&MARKER_ATTRIBUTES.to_be_bytes());
    b[43..51].copy_from_slice(&m.producer_id.to_be_bytes());
    b[51..53].copy_from_slice(&m.producer_epoch.to_be_bytes());
    let crc = crc32c::crc32c(&b[21..]);
    b[17..21].copy_from_slice(&crc.to_be_bytes());
    b
}

/// The outcome a control batch records, from the first bytes of the batch (its header and
/// the start of its record: [`MARKER_PREFIX`] bytes are enough). `None` for a control batch
/// of another kind, which is no transaction's end.
pub fn marker_outcome(prefix: &[u8]) -> Result<Option<Outcome>> {
    let h = BatchHeader::parse(prefix)?;
    if !h.is_control() || h.record_count < 1 {
        return Ok(None);
    }
    let key = crate::record::first_key(&prefix[HEADER_SIZE.min(prefix.len())..])?;
    match key {
        Some([_, _, 0, 0, ..]) => Ok(Some(Outcome::Abort)),
        Some([_, _, 0, 1, ..]) => Ok(Some(Outcome::Commit)),
        _ => Ok(None),
    }
}

/// Bytes from a control batch's start that hold its header and its record's key.
pub const MARKER_PREFIX: usize = HEADER_SIZE + 32;

/// Checks that `data` holds no control batch: only the coordinator writes those.
pub fn refuse_control(h: &BatchHeader) -> Result<()> {
    if h.is_control() {
        return Err(JournalError::InvalidRecord(
            "control batches are written by the transaction coordinator, not by producers".into(),
        ));
    }
    if h.is_transactional() && !h.has_producer_id() {
        return Err(JournalError::InvalidRecord(
            "a transactional batch needs a producer id".into(),
        ));
    }
    Ok(())
}

/// Records a marker stored at `offset`: the producer's open transaction ends, and an abort
/// of one that was open enters `aborted` (kept in marker-offset order by appending).
pub fn marker_stored(
    producers: &mut ProducerStates,
    aborted: &mut Vec<AbortedTxn>,
    producer_id: i64,
    epoch: i16,
    outcome: Outcome,
    offset: i64,
) {
    let first = producers.end_txn(producer_id, epoch);
    if let (Outcome::Abort, Some(first_offset)) = (outcome, first) {
        aborted.push(AbortedTxn {
            producer_id,
            first_offset,
            last_offset: offset,
        });
    }
}

pub fn index_path(dir: &Path, base: i64) -> PathBuf {
    dir.join(format!("{base:020}.txnindex"))
}

/// Writes the aborted transactions whose markers lie in the segment at `base`, atomically and
/// durably (nothing is written when there are none).
pub fn write_index(
    fs: &dyn FileSystem,
    dir: &Path,
    base: i64,
    aborted: &[AbortedTxn],
) -> Result<()> {
    if aborted.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_vec(aborted).map_err(|e| JournalError::Corrupt(e.to_string()))?;
    jfs::write_atomic(fs, dir, &format!("{base:020}.txnindex"), &json)?;
    Ok(())
}

/// The aborted transactions recorded for the sealed segment at `base` (none when it has no
/// index file). An unreadable index is logged: its transactions then read as committed.
pub fn read_index(fs: &dyn FileSystem, dir: &Path, base: i64) -> Result<Vec<AbortedTxn>> {
    match fs.read(&index_path(dir, base)) {
        Ok(json) => Ok(serde_json::from_slice(&json).unwrap_or_else(|e| {
            tracing::error!(dir = %dir.display(), base, error = %e,
                "unreadable aborted-transaction index: its aborted records will read as committed");
            Vec::new()
        })),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// The aborted transactions in `index` (sorted by marker offset) that overlap `[from, to)`:
/// what a `read_committed` fetch of that range must be told about.
pub fn overlapping(index: &[AbortedTxn], from: i64, to: i64) -> Vec<AbortedTxn> {
    let start = index.partition_point(|a| a.last_offset < from);
    index[start..]
        .iter()
        .filter(|a| a.first_offset < to)
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use kafka_protocol::records::RecordBatchDecoder;

    #[test]
    fn markers_decode_with_an_independent_decoder() {
        for outcome in [Outcome::Commit, Outcome::Abort] {
            let m = Marker {
                producer_id: 42,
                producer_epoch: 3,
                outcome,
                coordinator_epoch: 7,
            };
            let b = marker_batch(&m, 1_000);
            let h = BatchHeader::parse(&b).unwrap();
            crate::batch::verify_crc(&h, &b).unwrap();
            assert!(h.is_control() && h.is_transactional());
            assert_eq!((h.producer_id, h.producer_epoch), (42, 3));
            let set = RecordBatchDecoder::decode(&mut Bytes::from(b.clone())).unwrap();
            let r = &set.records[0];
            assert!(r.control && r.transactional);
            let expected = match outcome {
                Outcome::Commit => 1,
                Outcome::Abort => 0,
            };
            let key = r.key.as_ref().unwrap();
            assert_eq!(i16::from_be_bytes([key[2], key[3]]), expected);
            assert_eq!(
                marker_outcome(&b[..MARKER_PREFIX.min(b.len())]).unwrap(),
                Some(outcome)
            );
        }
    }

    #[test]
    fn overlap_is_by_first_and_marker_offsets() {
        let idx = [
            AbortedTxn {
                producer_id: 1,
                first_offset: 0,
                last_offset: 5,
            },
            AbortedTxn {
                producer_id: 2,
                first_offset: 3,
                last_offset: 9,
            },
            AbortedTxn {
                producer_id: 3,
                first_offset: 20,
                last_offset: 25,
            },
        ];
        assert_eq!(overlapping(&idx, 6, 21).len(), 2);
        assert_eq!(overlapping(&idx, 10, 20).len(), 0);
        assert_eq!(overlapping(&idx, 0, 1).len(), 1);
    }
}
