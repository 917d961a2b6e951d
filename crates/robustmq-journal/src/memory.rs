//! A [`Log`] and [`LogStore`] in memory: the same checks, offsets, idempotence, reads,
//! timestamps, log start and retention as the segmented log, with no files. It lets the broker
//! core and the protocols be tested without a disk, and is the reference the journal's
//! conformance suite holds the local log to. Durable means "appended" here: nothing survives
//! the process, and compaction is left to the segmented log (keys are still required on a
//! compacted topic, so a topic behaves the same on both).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use bytes::Bytes;
use tokio::sync::watch;

use crate::batch;
use crate::error::{JournalError, Result};
use crate::log::{check_batches, retried, Durable, Log, LogStore};
use crate::partition::{first_record_at_or_after, AppendInfo, PartitionStats, ReadResult};
use crate::producer::ProducerStates;
use crate::txn::{self, AbortedTxn, Marker};
use crate::LogConfig;

struct Stored {
    last_offset: i64,
    max_timestamp: i64,
    bytes: Bytes,
}

#[derive(Default)]
struct Inner {
    batches: VecDeque<Stored>,
    log_start: i64,
    next_offset: i64,
    size: u64,
    producers: ProducerStates,
    /// Aborted transactions by marker offset.
    aborted: Vec<AbortedTxn>,
    deleted: bool,
}

impl Inner {
    /// Index of the first batch whose last offset is at or past `offset`.
    fn first_holding(&self, offset: i64) -> usize {
        self.batches.partition_point(|b| b.last_offset < offset)
    }
    fn drop_front(&mut self) {
        if let Some(b) = self.batches.pop_front() {
            self.size -= b.bytes.len() as u64;
            // Aborts whose markers went with the dropped batches are no reader's concern.
            let gone = self
                .aborted
                .partition_point(|a| a.last_offset <= b.last_offset);
            self.aborted.drain(..gone);
        }
    }
    fn stable_end(&self) -> i64 {
        self.producers
            .first_unstable()
            .map_or(self.next_offset, |f| {
                f.max(self.log_start).min(self.next_offset)
            })
    }
}

pub struct MemoryLog {
    topic: String,
    id: i32,
    config: RwLock<LogConfig>,
    inner: Mutex<Inner>,
    end_tx: watch::Sender<i64>,
}

impl MemoryLog {
    pub fn new(topic: &str, id: i32, config: LogConfig) -> Self {
        MemoryLog {
            topic: topic.to_string(),
            id,
            config: RwLock::new(config),
            inner: Mutex::new(Inner::default()),
            end_tx: watch::channel(0).0,
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.deleted {
            return Err(JournalError::Deleted(format!("{}-{}", self.topic, self.id)));
        }
        Ok(inner)
    }

    fn delete(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *inner = Inner {
            deleted: true,
            ..Inner::default()
        };
    }
}

impl Log for MemoryLog {
    fn topic(&self) -> &str {
        &self.topic
    }
    fn id(&self) -> i32 {
        self.id
    }

    fn append_then(
        &self,
        mut data: Vec<u8>,
        appended: &mut dyn FnMut(&AppendInfo, &[u8]),
    ) -> Result<AppendInfo> {
        let config = self.config();
        let (headers, records) = check_batches(&data, &config)?;
        let mut inner = self.lock()?;
        if let Some(retry) = retried(&inner.producers, &headers, inner.log_start)? {
            return Ok(retry);
        }
        let plain: Vec<_> = headers.iter().map(|(_, h)| *h).collect();
        inner.producers.check_new(&plain)?;
        let base_offset = inner.next_offset;
        let (placed, next) = crate::log::place(&mut data, &headers, base_offset);
        let data = Bytes::from(data);
        for (pos, h) in &placed {
            inner.producers.update(h);
            inner.batches.push_back(Stored {
                last_offset: h.last_offset(),
                max_timestamp: h.max_timestamp,
                bytes: data.slice(*pos..*pos + h.total_size()),
            });
        }
        inner.size += data.len() as u64;
        inner.next_offset = next;
        let info = AppendInfo {
            base_offset,
            last_offset: next - 1,
            log_start_offset: inner.log_start,
            duplicate: false,
            records,
            log_append_time: None,
        };
        self.end_tx.send_replace(next);
        appended(&info, &data);
        drop(inner);
        Ok(info)
    }

    fn append_marker(
        &self,
        marker: &Marker,
        appended: &mut dyn FnMut(&AppendInfo, &[u8]),
    ) -> Result<AppendInfo> {
        let mut data = txn::marker_batch(marker, crate::now_ms());
        let mut inner = self.lock()?;
        inner
            .producers
            .check_marker(marker.producer_id, marker.producer_epoch)?;
        let base_offset = inner.next_offset;
        let (headers, _) = batch::scan(&data);
        let (placed, next) = crate::log::place(&mut data, &headers, base_offset);
        let data = Bytes::from(data);
        for (_, h) in &placed {
            inner.batches.push_back(Stored {
                last_offset: h.last_offset(),
                max_timestamp: h.max_timestamp,
                bytes: data.clone(),
            });
        }
        inner.size += data.len() as u64;
        inner.next_offset = next;
        let state = &mut *inner;
        txn::marker_stored(
            &mut state.producers,
            &mut state.aborted,
            marker.producer_id,
            marker.producer_epoch,
            marker.outcome,
            base_offset,
        );
        let info = AppendInfo {
            base_offset,
            last_offset: next - 1,
            log_start_offset: inner.log_start,
            duplicate: false,
            records: 0,
            log_append_time: None,
        };
        self.end_tx.send_replace(next);
        appended(&info, &data);
        drop(inner);
        Ok(info)
    }

    fn last_stable_offset(&self) -> Result<i64> {
        Ok(self.lock()?.stable_end())
    }

    fn aborted_transactions(&self, from: i64, to: i64) -> Result<Vec<AbortedTxn>> {
        Ok(txn::overlapping(&self.lock()?.aborted, from, to))
    }

    fn sync(&self) -> Result<()> {
        self.lock().map(drop)
    }

    fn durable(self: Arc<Self>, _end: i64) -> Durable {
        Box::pin(async move { self.lock().map(drop) })
    }

    fn read(&self, offset: i64, max_bytes: usize, allow_oversize: bool) -> Result<ReadResult> {
        let inner = self.lock()?;
        let (start, end) = (inner.log_start, inner.next_offset);
        if offset < start || offset > end {
            return Err(JournalError::OffsetOutOfRange { offset, start, end });
        }
        let mut out = ReadResult {
            records: Bytes::new(),
            high_watermark: end,
            log_start_offset: start,
            last_stable_offset: inner.stable_end(),
        };
        let first = inner.first_holding(offset);
        let Some(head) = inner.batches.get(first) else {
            return Ok(out);
        };
        if head.bytes.len() > max_bytes && !allow_oversize {
            return Ok(out);
        }
        let budget = max_bytes.max(head.bytes.len());
        let mut buf = Vec::new();
        for b in inner.batches.range(first..) {
            if buf.len() + b.bytes.len() > budget {
                break;
            }
            buf.extend_from_slice(&b.bytes);
        }
        out.records = Bytes::from(buf);
        Ok(out)
    }

    fn offset_for_timestamp(&self, timestamp: i64) -> Result<Option<(i64, i64)>> {
        let inner = self.lock()?;
        let limit = self.config().max_message_bytes;
        for b in &inner.batches {
            if b.max_timestamp >= timestamp && b.last_offset >= inner.log_start {
                let h = batch::BatchHeader::parse(&b.bytes)?;
                return Ok(Some(first_record_at_or_after(
                    &h,
                    &b.bytes,
                    timestamp,
                    inner.log_start,
                    limit,
                )));
            }
        }
        Ok(None)
    }

    fn max_timestamp(&self) -> Result<Option<i64>> {
        let inner = self.lock()?;
        Ok(inner
            .batches
            .iter()
            .filter(|b| b.last_offset >= inner.log_start)
            .map(|b| b.max_timestamp)
            .max())
    }

    fn log_end_offset(&self) -> i64 {
        *self.end_tx.borrow()
    }

    fn subscribe(&self) -> watch::Receiver<i64> {
        self.end_tx.subscribe()
    }

    fn stats(&self) -> Result<PartitionStats> {
        let inner = self.lock()?;
        Ok(PartitionStats {
            log_start_offset: inner.log_start,
            log_end_offset: inner.next_offset,
            size_bytes: inner.size,
            segments: 1,
        })
    }

    fn delete_records_before(&self, offset: i64) -> Result<i64> {
        let mut inner = self.lock()?;
        let end = inner.next_offset;
        let target = if offset == -1 { end } else { offset };
        if target < 0 || target > end {
            return Err(JournalError::OffsetOutOfRange {
                offset,
                start: inner.log_start,
                end,
            });
        }
        if target > inner.log_start {
            inner.log_start = target;
            while inner
                .batches
                .front()
                .is_some_and(|b| b.last_offset < target)
            {
                inner.drop_front();
            }
        }
        Ok(inner.log_start)
    }

    /// Drops the oldest batches past `retention.ms` or beyond `retention.bytes`, keeping the
    /// newest one (as the segmented log keeps its active segment).
    fn enforce_retention(&self, now: i64) -> Result<usize> {
        let config = self.config();
        if !config.delete {
            return Ok(0);
        }
        let mut inner = self.lock()?;
        let mut dropped = 0;
        while inner.batches.len() > 1 {
            let Some(first) = inner.batches.front() else {
                break;
            };
            let expired =
                config.retention_ms >= 0 && first.max_timestamp < now - config.retention_ms;
            let oversize = config.retention_bytes >= 0
                && inner.size - first.bytes.len() as u64 >= config.retention_bytes as u64;
            if !(expired || oversize) {
                break;
            }
            let next = first.last_offset + 1;
            inner.drop_front();
            inner.log_start = inner.log_start.max(next);
            dropped += 1;
        }
        Ok(dropped)
    }

    fn config(&self) -> LogConfig {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
    fn set_config(&self, config: LogConfig) {
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = config;
    }
}

/// Partitions in memory, for tests of the broker core and protocols without a disk.
#[derive(Default)]
pub struct MemoryStore {
    partitions: RwLock<HashMap<(String, i32), Arc<MemoryLog>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl LogStore for MemoryStore {
    fn open_partition(&self, topic: &str, id: i32, config: LogConfig) -> Result<Arc<dyn Log>> {
        let mut map = self.partitions.write().unwrap_or_else(|p| p.into_inner());
        let log = map
            .entry((topic.to_string(), id))
            .or_insert_with(|| Arc::new(MemoryLog::new(topic, id, config.clone())));
        log.set_config(config);
        Ok(Arc::clone(log) as Arc<dyn Log>)
    }
    fn partition(&self, topic: &str, id: i32) -> Option<Arc<dyn Log>> {
        let map = self.partitions.read().unwrap_or_else(|p| p.into_inner());
        map.get(&(topic.to_string(), id))
            .map(|p| Arc::clone(p) as Arc<dyn Log>)
    }
    fn partitions(&self) -> Vec<Arc<dyn Log>> {
        let map = self.partitions.read().unwrap_or_else(|p| p.into_inner());
        map.values()
            .map(|p| Arc::clone(p) as Arc<dyn Log>)
            .collect()
    }
    fn remove_partition(&self, topic: &str, id: i32) -> Result<()> {
        let removed = self
            .partitions
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(topic.to_string(), id));
        if let Some(p) = removed {
            p.delete();
        }
        Ok(())
    }
    fn mark_deleting(&self, _topic: &str, _id: i32) -> Result<()> {
        Ok(())
    }
    /// Nothing outlives the process, so nothing can be unknown to the catalog.
    fn remove_orphans(
        &self,
        _known: &dyn Fn(&str, i32) -> bool,
        _delete_unknown: bool,
    ) -> Result<Vec<String>> {
        Ok(Vec::new())
    }
    fn sync_all(&self) -> Result<()> {
        Ok(())
    }
    fn maintain(&self, now_ms: i64) {
        for p in self.partitions() {
            if let Err(e) = p.enforce_retention(now_ms) {
                tracing::debug!(topic = p.topic(), partition = p.id(), error = %e, "retention skipped");
            }
        }
    }
}
