//! The seam between storage and everything above it. The broker core and the protocol crates
//! see a partition as a [`Log`] and the set of partitions as a [`LogStore`], never as files, so
//! the same code runs on the local segmented log ([`Partition`], [`Journal`]), on the in-memory
//! one ([`crate::memory`]), and later on a replicated log whose durability is a quorum.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::watch;

use crate::batch::{self, BatchHeader};
use crate::error::{JournalError, Result};
use crate::partition::{AppendInfo, Partition, PartitionStats, ReadResult};
use crate::producer::{ProducerStates, SequenceCheck};
use crate::txn::{AbortedTxn, Marker};
use crate::{Journal, LogConfig};

/// Resolves when the records it was made for are as durable as the log promises.
pub type Durable = Pin<Box<dyn Future<Output = Result<()>> + Send + 'static>>;

/// One partition: an append-only log of Kafka v2 record batches, addressed by offset.
///
/// Appends are synchronous and in offset order; acknowledging them is a separate step
/// ([`Log::durable`]), so a caller can append many batches and wait once.
pub trait Log: Send + Sync + 'static {
    fn topic(&self) -> &str;
    fn id(&self) -> i32;

    /// Appends whole v2 batches (offsets assigned here, CRCs checked first, so a bad batch
    /// stores nothing), then calls `appended` with the stored bytes before the next append
    /// can land: so `appended` sees the partition's appends in offset order, and anyone who
    /// reads the log end afterwards knows every record below it went through `appended`.
    /// Keep it short and free of I/O. Not called for an idempotent producer's retry.
    fn append_then(
        &self,
        data: Vec<u8>,
        appended: &mut dyn FnMut(&AppendInfo, &[u8]),
    ) -> Result<AppendInfo>;

    fn append(&self, data: Vec<u8>) -> Result<AppendInfo> {
        self.append_then(data, &mut |_, _| {})
    }

    /// Appends a transaction marker (only the transaction coordinator writes them): the
    /// producer's open transaction in this partition ends, committed or aborted. `appended`
    /// as in [`Log::append_then`].
    fn append_marker(
        &self,
        marker: &Marker,
        appended: &mut dyn FnMut(&AppendInfo, &[u8]),
    ) -> Result<AppendInfo>;

    /// Offsets below it belong to no open transaction: what `read_committed` readers see.
    fn last_stable_offset(&self) -> Result<i64>;

    /// The aborted transactions overlapping `[from, to)`, by marker offset.
    fn aborted_transactions(&self, from: i64, to: i64) -> Result<Vec<AbortedTxn>>;

    /// Resolves once every offset below `end` is as durable as this log promises (local:
    /// fsynced under the `always` policy; replicated: on a quorum). Fails once the log has
    /// lost data it took, so no acknowledgement ever covers it. What protocols wait on before
    /// they acknowledge.
    fn durable(self: Arc<Self>, end: i64) -> Durable;

    /// Makes everything appended so far durable now, whatever the fsync policy (blocking): for
    /// writes whose loss would contradict state stored elsewhere with a synced write, such as
    /// transaction markers.
    fn sync(&self) -> Result<()>;

    /// Whole batches starting with the one that holds `offset`, up to `max_bytes`; with
    /// `allow_oversize` a first batch larger than that comes whole (Kafka's KIP-74).
    fn read(&self, offset: i64, max_bytes: usize, allow_oversize: bool) -> Result<ReadResult>;

    /// The first offset whose record timestamp is at or after `timestamp`, with that timestamp.
    fn offset_for_timestamp(&self, timestamp: i64) -> Result<Option<(i64, i64)>>;

    /// The largest batch max timestamp of the log at or after its start; `None` when empty.
    /// With [`Log::offset_for_timestamp`] it finds the record with the largest timestamp
    /// (Kafka's ListOffsets `MAX_TIMESTAMP`).
    fn max_timestamp(&self) -> Result<Option<i64>>;

    fn log_end_offset(&self) -> i64;

    /// Sees the log end offset move: long-polling reads and followers wait on it.
    fn subscribe(&self) -> watch::Receiver<i64>;

    fn stats(&self) -> Result<PartitionStats>;

    /// Makes `offset` the new log start (Kafka's DeleteRecords); `-1` means the log end.
    fn delete_records_before(&self, offset: i64) -> Result<i64>;

    /// Drops what `retention.ms` / `retention.bytes` no longer keep; returns how many units
    /// (segments, batches) went.
    fn enforce_retention(&self, now_ms: i64) -> Result<usize>;

    fn config(&self) -> LogConfig;
    fn set_config(&self, config: LogConfig);
}

/// Every partition a node holds: what the topic catalog opens, removes and maintains.
pub trait LogStore: Send + Sync + 'static {
    /// Opens (recovering what is stored) or creates a partition; an open one gets `config`.
    fn open_partition(&self, topic: &str, id: i32, config: LogConfig) -> Result<Arc<dyn Log>>;
    fn partition(&self, topic: &str, id: i32) -> Option<Arc<dyn Log>>;
    fn partitions(&self) -> Vec<Arc<dyn Log>>;
    /// Deletes a partition's data for good.
    fn remove_partition(&self, topic: &str, id: i32) -> Result<()>;
    /// Records durably that a partition is being deleted, before the catalog forgets it.
    fn mark_deleting(&self, topic: &str, id: i32) -> Result<()>;
    /// Deals with stored partitions the catalog does not list (see [`Journal::remove_orphans`]).
    fn remove_orphans(
        &self,
        known: &dyn Fn(&str, i32) -> bool,
        delete_unknown: bool,
    ) -> Result<Vec<String>>;
    /// Makes everything appended durable (shutdown, the `interval` policy).
    fn sync_all(&self) -> Result<()>;
    /// Retention and compaction of every partition (blocking; run off the runtime).
    fn maintain(&self, now_ms: i64);
}

/// What an append checks before it takes any lock: whole v2 batches, CRCs, size, no
/// control batches, one offset per record, keys on compacted topics. Returns each batch's
/// position and header, and the number of records.
pub(crate) fn check_batches(
    data: &[u8],
    config: &LogConfig,
) -> Result<(Vec<(usize, BatchHeader)>, i64)> {
    let (headers, end) = batch::scan(data);
    if headers.is_empty() || end != data.len() {
        // Name the precise problem (an old message format, say) when the header tells it.
        if let Err(e @ JournalError::UnsupportedMagic(_)) = BatchHeader::parse(&data[end..]) {
            return Err(e);
        }
        return Err(JournalError::Corrupt(format!(
            "records are not whole v2 batches ({} of {} bytes parse)",
            end,
            data.len()
        )));
    }
    let mut records = 0i64;
    for (pos, h) in &headers {
        let whole = &data[*pos..*pos + h.total_size()];
        batch::verify_crc(h, whole)?;
        if h.total_size() > config.max_message_bytes {
            return Err(JournalError::BatchTooLarge {
                size: h.total_size(),
                limit: config.max_message_bytes,
            });
        }
        crate::txn::refuse_control(h)?;
        // A producer's batch has one offset per record; anything else would skew offsets.
        if h.record_count == 0 || h.record_count as i64 != h.last_offset_delta as i64 + 1 {
            return Err(JournalError::Corrupt(format!(
                "batch has {} records but last offset delta {}",
                h.record_count, h.last_offset_delta
            )));
        }
        if config.compact {
            crate::compaction::require_keys(whole, config.max_message_bytes)?;
        }
        records += h.last_offset_delta as i64 + 1;
    }
    Ok((headers, records))
}

impl Log for Partition {
    fn topic(&self) -> &str {
        &self.topic
    }
    fn id(&self) -> i32 {
        self.id
    }
    fn append_then(
        &self,
        data: Vec<u8>,
        appended: &mut dyn FnMut(&AppendInfo, &[u8]),
    ) -> Result<AppendInfo> {
        Partition::append_then(self, data, |i, b| appended(i, b))
    }
    fn append_marker(
        &self,
        marker: &Marker,
        appended: &mut dyn FnMut(&AppendInfo, &[u8]),
    ) -> Result<AppendInfo> {
        Partition::append_marker(self, marker, |i, b| appended(i, b))
    }
    fn last_stable_offset(&self) -> Result<i64> {
        Partition::last_stable_offset(self)
    }
    fn aborted_transactions(&self, from: i64, to: i64) -> Result<Vec<AbortedTxn>> {
        Partition::aborted_transactions(self, from, to)
    }
    fn durable(self: Arc<Self>, end: i64) -> Durable {
        Box::pin(async move { self.wait_durable(end).await })
    }
    fn sync(&self) -> Result<()> {
        Partition::sync_now(self)
    }
    fn read(&self, offset: i64, max_bytes: usize, allow_oversize: bool) -> Result<ReadResult> {
        Partition::read(self, offset, max_bytes, allow_oversize)
    }
    fn offset_for_timestamp(&self, timestamp: i64) -> Result<Option<(i64, i64)>> {
        Partition::offset_for_timestamp(self, timestamp)
    }
    fn max_timestamp(&self) -> Result<Option<i64>> {
        Partition::max_timestamp(self)
    }
    fn log_end_offset(&self) -> i64 {
        Partition::log_end_offset(self)
    }
    fn subscribe(&self) -> watch::Receiver<i64> {
        Partition::subscribe(self)
    }
    fn stats(&self) -> Result<PartitionStats> {
        Partition::stats(self)
    }
    fn delete_records_before(&self, offset: i64) -> Result<i64> {
        Partition::delete_records_before(self, offset)
    }
    fn enforce_retention(&self, now_ms: i64) -> Result<usize> {
        Partition::enforce_retention(self, now_ms)
    }
    fn config(&self) -> LogConfig {
        Partition::config(self)
    }
    fn set_config(&self, config: LogConfig) {
        Partition::set_config(self, config)
    }
}

impl LogStore for Journal {
    fn open_partition(&self, topic: &str, id: i32, config: LogConfig) -> Result<Arc<dyn Log>> {
        Ok(Journal::open_partition(self, topic, id, config)?)
    }
    fn partition(&self, topic: &str, id: i32) -> Option<Arc<dyn Log>> {
        Journal::partition(self, topic, id).map(|p| p as Arc<dyn Log>)
    }
    fn partitions(&self) -> Vec<Arc<dyn Log>> {
        Journal::partitions(self)
            .into_iter()
            .map(|p| p as Arc<dyn Log>)
            .collect()
    }
    fn remove_partition(&self, topic: &str, id: i32) -> Result<()> {
        Journal::remove_partition(self, topic, id)
    }
    fn mark_deleting(&self, topic: &str, id: i32) -> Result<()> {
        Journal::mark_deleting(self, topic, id)
    }
    fn remove_orphans(
        &self,
        known: &dyn Fn(&str, i32) -> bool,
        delete_unknown: bool,
    ) -> Result<Vec<String>> {
        Journal::remove_orphans(self, known, delete_unknown)
    }
    fn sync_all(&self) -> Result<()> {
        Journal::sync_all(self)
    }
    fn maintain(&self, now_ms: i64) {
        Journal::enforce_retention(self, now_ms);
        Journal::compact(self, now_ms);
    }
}

/// Gives the checked batches in `data` their offsets from `base` on (rewriting each batch's
/// base offset in place). Returns the placed headers and the offset after the last record.
pub(crate) fn place(
    data: &mut [u8],
    headers: &[(usize, BatchHeader)],
    base: i64,
) -> (Vec<(usize, BatchHeader)>, i64) {
    let mut next = base;
    let mut placed = Vec::with_capacity(headers.len());
    for (pos, h) in headers {
        let mut h = *h;
        batch::set_base_offset(&mut data[*pos..], next);
        h.base_offset = next;
        next = h.last_offset() + 1;
        placed.push((*pos, h));
    }
    (placed, next)
}

/// A retried request is answered with the original offsets (`Some`); one that mixes retried and
/// new batches is refused rather than half-stored.
pub(crate) fn retried(
    producers: &ProducerStates,
    headers: &[(usize, BatchHeader)],
    log_start: i64,
) -> Result<Option<AppendInfo>> {
    let Some((_, first)) = headers.first() else {
        return Ok(None);
    };
    let SequenceCheck::Duplicate(m) = producers.check(first)? else {
        return Ok(None);
    };
    let mut last = m.last_offset;
    for (_, h) in &headers[1..] {
        match producers.check(h) {
            Ok(SequenceCheck::Duplicate(d)) => last = last.max(d.last_offset),
            _ => {
                return Err(JournalError::Corrupt(
                    "a request mixes retried batches with new ones".into(),
                ))
            }
        }
    }
    Ok(Some(AppendInfo {
        base_offset: m.base_offset,
        last_offset: last,
        log_start_offset: log_start,
        duplicate: true,
        records: 0,
        log_append_time: None,
    }))
}
