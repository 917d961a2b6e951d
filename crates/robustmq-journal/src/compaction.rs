//! Log compaction (`cleanup.policy=compact`): sealed segments are rewritten to keep only the
//! latest record of each key; tombstones (null values) go once older than `delete.retention.ms`.
//!
//! Batches that lose no record are copied byte for byte; a batch that loses some is re-encoded
//! with its own compression, producer id and sequences, and its records keep their offsets, so
//! consumers see gaps, as in Kafka. The active segment is never touched. The key map holds every
//! distinct key of the partition in memory: bounded by the key space, not by the log size.

use std::collections::HashMap;

use bytes::{Bytes, BytesMut};
use kafka_protocol::records::{
    RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions, RecordSet,
};

use crate::batch::{BatchHeader, HEADER_SIZE};
use crate::error::{JournalError, Result};
use crate::partition::{Partition, SegmentView};
use crate::record::{read_batch, Records};

/// What one compaction pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CompactStats {
    pub segments_rewritten: usize,
    pub records_removed: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

fn decode_err(e: impl std::fmt::Display) -> JournalError {
    JournalError::Corrupt(format!("cannot decode records: {e}"))
}

/// Calls `f` with every whole batch of a segment, as bytes.
fn for_each_batch(
    view: &SegmentView,
    mut f: impl FnMut(BatchHeader, Vec<u8>) -> Result<()>,
) -> Result<()> {
    let mut pos = 0u64;
    let mut head = [0u8; HEADER_SIZE];
    while pos + HEADER_SIZE as u64 <= view.size {
        view.file.read_exact_at(&mut head, pos)?;
        let h = BatchHeader::parse(&head)?;
        if pos + h.total_size() as u64 > view.size {
            return Err(JournalError::Corrupt(format!(
                "batch at {pos} of segment {} claims {} bytes past its end",
                view.base_offset,
                h.total_size()
            )));
        }
        let mut whole = vec![0u8; h.total_size()];
        view.file.read_exact_at(&mut whole, pos)?;
        pos += whole.len() as u64;
        f(h, whole)?;
    }
    Ok(())
}

/// Refuses a batch with a record without key: a compacted topic cannot keep it. Records are
/// decompressed up to `limit` bytes (`max.message.bytes`) and read without trusting counts.
pub fn require_keys(batch: &[u8], limit: usize) -> Result<()> {
    let plain = crate::decompress::plain_batch(batch, limit)?;
    let Records::Plain(records) = read_batch(&plain)? else {
        return Ok(()); // control batch: no user records
    };
    if records.iter().any(|r| r.key.is_none()) {
        return Err(JournalError::InvalidRecord(
            "a compacted topic needs a key on every record".into(),
        ));
    }
    Ok(())
}

/// Decodes a stored batch for compaction, or `None` (logged) when it does not pass the bounded
/// check: such a batch is kept as it is rather than handed to a decoder that trusts counts.
fn decode_checked(p: &Partition, h: &BatchHeader, whole: &[u8]) -> Option<RecordSet> {
    let checked =
        crate::decompress::check_batch(whole, p.config().max_message_bytes).and_then(|()| {
            RecordBatchDecoder::decode(&mut Bytes::copy_from_slice(whole)).map_err(decode_err)
        });
    match checked {
        Ok(set) => Some(set),
        Err(e) => {
            tracing::warn!(topic = %p.topic, partition = p.id, base_offset = h.base_offset, error = %e, "compaction keeps a batch it cannot decode");
            None
        }
    }
}

/// Transactional batches and markers are kept as they are, and their keys do not supersede
/// others: dropping records of a transaction (or markers, which all share one key) would
/// change what `read_committed` readers see.
fn keeps_whole(h: &BatchHeader) -> bool {
    h.is_transactional() || h.is_control()
}

/// Compacts the sealed segments of `p` when anything was appended since the last pass, or
/// when tombstones may have expired since.
pub fn compact(p: &Partition, now_ms: i64) -> Result<Option<CompactStats>> {
    let views = p.segment_views()?;
    let end = p.log_end_offset();
    let Some((_, sealed)) = views.split_last() else {
        return Ok(None);
    };
    if sealed.is_empty() || !p.compaction_due(now_ms) {
        return Ok(None);
    }
    let result = rewrite(p, &views, now_ms);
    if result.is_ok() {
        p.mark_compacted_at(end, now_ms);
    }
    result
}

fn rewrite(p: &Partition, views: &[SegmentView], now_ms: i64) -> Result<Option<CompactStats>> {
    let sealed = &views[..views.len() - 1];
    let delete_retention_ms = p.config().delete_retention_ms;

    // Pass 1: the latest offset of every key, over the whole log.
    let mut latest: HashMap<Bytes, i64> = HashMap::new();
    for view in views {
        for_each_batch(view, |h, whole| {
            if keeps_whole(&h) {
                return Ok(());
            }
            let Some(set) = decode_checked(p, &h, &whole) else {
                return Ok(());
            };
            for r in set.records {
                if let Some(k) = r.key {
                    latest.insert(k, r.offset);
                }
            }
            Ok(())
        })?;
    }

    // Pass 2: rewrite each sealed segment that holds something obsolete.
    let mut stats = CompactStats::default();
    for view in sealed {
        let cleaned_path = p
            .dir()
            .join(format!("{:020}.log.cleaned", view.base_offset));
        let out = p.fs().create(&cleaned_path)?;
        let mut removed = 0u64;
        let mut written = 0u64;
        for_each_batch(view, |h, whole| {
            let tombstones_expire = h.max_timestamp < now_ms - delete_retention_ms;
            let decoded = (!keeps_whole(&h))
                .then(|| decode_checked(p, &h, &whole))
                .flatten();
            let Some(mut set) = decoded else {
                out.write_all_at(&whole, written)?;
                written += whole.len() as u64;
                return Ok(());
            };
            let before = set.records.len();
            set.records.retain(|r| {
                let current = r.key.as_ref().and_then(|k| latest.get(k)) == Some(&r.offset);
                current && !(r.value.is_none() && tombstones_expire)
            });
            removed += (before - set.records.len()) as u64;
            if set.records.len() == before {
                out.write_all_at(&whole, written)?;
                written += whole.len() as u64;
            } else if !set.records.is_empty() {
                let mut buf = BytesMut::new();
                let options = RecordEncodeOptions {
                    version: 2,
                    compression: set.compression,
                };
                RecordBatchEncoder::encode(&mut buf, &set.records, &options).map_err(decode_err)?;
                out.write_all_at(&buf, written)?;
                written += buf.len() as u64;
            }
            Ok(())
        })?;
        if removed == 0 {
            drop(out);
            p.fs().remove_file(&cleaned_path)?;
            continue;
        }
        out.sync()?;
        drop(out);
        if p.replace_sealed(view.base_offset, &cleaned_path)? {
            stats.segments_rewritten += 1;
            stats.records_removed += removed;
            stats.bytes_before += view.size;
            stats.bytes_after += written;
        }
    }
    Ok((stats.segments_rewritten > 0).then_some(stats))
}
