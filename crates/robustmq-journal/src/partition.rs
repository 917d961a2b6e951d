//! One partition: an ordered set of segments, the only writer of its active segment, group
//! commit of fsyncs, retention, and reads that hand out stored bytes without re-encoding.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};

use bytes::Bytes;
use tokio::sync::watch;

use crate::batch::{self, BatchHeader};
use crate::error::{JournalError, Result};
use crate::fd_cache;
use crate::fs::{self as jfs, FileSystem, FsFile, OsFs};
use crate::producer::ProducerStates;
use crate::segment::{self, Segment};
use crate::txn::{self, AbortedTxn, Marker, Outcome};
use crate::{FsyncPolicy, LogConfig};

const LOG_START_FILE: &str = "log-start-offset";

/// Where an append landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendInfo {
    pub base_offset: i64,
    pub last_offset: i64,
    pub log_start_offset: i64,
    /// True when the batches were a producer retry of data already stored.
    pub duplicate: bool,
    pub records: i64,
    /// The broker time stamped on the batches (`message.timestamp.type=LogAppendTime`).
    pub log_append_time: Option<i64>,
}

/// Bytes of whole batches read from the log.
#[derive(Debug, Clone)]
pub struct ReadResult {
    pub records: Bytes,
    pub high_watermark: i64,
    pub log_start_offset: i64,
    /// Offsets below it belong to no open transaction (at most the high watermark); a
    /// `read_committed` reader stops there.
    pub last_stable_offset: i64,
}

/// Size and offsets of a partition, for metadata and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionStats {
    pub log_start_offset: i64,
    pub log_end_offset: i64,
    pub size_bytes: u64,
    pub segments: usize,
}

struct Inner {
    segments: BTreeMap<i64, Segment>,
    log_start: i64,
    producers: ProducerStates,
    /// Aborted transactions by marker offset, of every segment kept (Kafka's transaction
    /// index). Sealed segments keep theirs in a `.txnindex` file; the active one's is rebuilt
    /// from its markers at start. One entry per abort marker (a 78-byte batch on disk).
    aborted: Vec<AbortedTxn>,
    deleted: bool,
}

impl Inner {
    /// The last stable offset: below the first record of any open transaction.
    /// Never below the log start: retention or DeleteRecords may have removed the start of an
    /// open transaction, and offsets below the start cannot be read.
    fn stable_end(&self) -> i64 {
        self.producers
            .first_unstable()
            .map_or(self.next_offset(), |f| {
                f.max(self.log_start).min(self.next_offset())
            })
    }
    /// Records a marker that is now stored at `offset`.
    fn marker_stored(&mut self, producer_id: i64, epoch: i16, outcome: Outcome, offset: i64) {
        let (producers, aborted) = (&mut self.producers, &mut self.aborted);
        txn::marker_stored(producers, aborted, producer_id, epoch, outcome, offset);
    }
    /// Forgets aborted transactions whose markers went with deleted segments.
    fn trim_aborted(&mut self) {
        let start = self.segments.keys().next().copied().unwrap_or(0);
        let gone = self.aborted.partition_point(|a| a.last_offset < start);
        self.aborted.drain(..gone);
    }
    fn active(&self) -> &Segment {
        self.segments
            .values()
            .next_back()
            .expect("a partition always has a segment")
    }
    fn active_mut(&mut self) -> &mut Segment {
        self.segments
            .values_mut()
            .next_back()
            .expect("a partition always has a segment")
    }
    fn next_offset(&self) -> i64 {
        self.active().next_offset
    }
    /// After segments are dropped, offsets below the first remaining one are gone, even where
    /// compaction left a gap before it.
    fn raise_start_to_first_segment(&mut self) {
        if let Some(&first) = self.segments.keys().next() {
            self.log_start = self.log_start.max(first);
        }
        self.trim_aborted();
    }
}

pub struct Partition {
    pub topic: String,
    pub id: i32,
    dir: PathBuf,
    fs: Arc<dyn FileSystem>,
    policy: FsyncPolicy,
    /// Set by the first failed write or fsync (why): the partition takes no more appends, and
    /// serves reads only below the synced mark, until a restart recovers it from disk.
    failed: OnceLock<String>,
    config: RwLock<LogConfig>,
    inner: Mutex<Inner>,
    /// Offsets below this are on stable storage.
    synced: AtomicI64,
    /// Serialises fsyncs: whoever holds it syncs for everyone who queued behind (group commit).
    sync_lock: tokio::sync::Mutex<()>,
    end_tx: watch::Sender<i64>,
    /// Log end offset and wall-clock time of the last compaction pass, to skip partitions with
    /// nothing new (until tombstones may have expired).
    compacted_end: AtomicI64,
    compacted_at_ms: AtomicI64,
}

/// A segment's file and size, for reading outside the partition lock.
pub struct SegmentView {
    pub base_offset: i64,
    pub file: Arc<dyn FsFile>,
    pub size: u64,
}

/// Milliseconds since the Unix epoch (0 if the clock is before it); the one clock every crate
/// uses for record timestamps, commits and retention.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn list_segments(fs: &dyn FileSystem, dir: &Path) -> Result<Vec<i64>> {
    let mut bases = Vec::new();
    for entry in fs.list_dir(dir)? {
        let name = entry.name;
        if name.ends_with(".cleaned") || name.ends_with(".tmp") {
            // Left by a compaction or a snapshot write that a crash interrupted.
            fs.remove_file(&dir.join(&name))?;
            continue;
        }
        if let Some(stem) = name.strip_suffix(".log") {
            if let Ok(base) = stem.parse::<i64>() {
                bases.push(base);
            }
        }
    }
    bases.sort_unstable();
    Ok(bases)
}

fn read_log_start(fs: &dyn FileSystem, dir: &Path) -> Result<i64> {
    match fs.read(&dir.join(LOG_START_FILE)) {
        Ok(s) => Ok(String::from_utf8_lossy(&s).trim().parse().unwrap_or(0)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e.into()),
    }
}

impl Partition {
    /// Opens (recovering) or creates the partition stored in `dir` on the real disk, with
    /// the `always` fsync policy.
    pub fn open(topic: &str, id: i32, dir: PathBuf, config: LogConfig) -> Result<Self> {
        Self::open_on(OsFs::shared(), FsyncPolicy::Always, topic, id, dir, config)
    }

    /// Opens (recovering) or creates the partition stored in `dir` of `fs`.
    pub fn open_on(
        fs: Arc<dyn FileSystem>,
        policy: FsyncPolicy,
        topic: &str,
        id: i32,
        dir: PathBuf,
        config: LogConfig,
    ) -> Result<Self> {
        jfs::create_dir_durably(&*fs, &dir)?;
        let bases = list_segments(&*fs, &dir)?;
        let mut segments = BTreeMap::new();
        let mut producers = ProducerStates::default();
        let mut aborted = Vec::new();
        if bases.is_empty() {
            segments.insert(0, Segment::create(&*fs, &dir, 0)?);
            fs.sync_dir(&dir)?;
        }
        for (i, &base) in bases.iter().enumerate() {
            let is_last = i + 1 == bases.len();
            if is_last {
                // The snapshot taken when this segment was opened holds every producer before it.
                if let Ok(json) = fs.read(&segment::snapshot_path(&dir, base)) {
                    producers = serde_json::from_slice(&json).unwrap_or_else(|e| {
                        tracing::warn!(dir = %dir.display(), error = %e,
                            "unreadable producer snapshot: idempotence state comes from the last segment only");
                        ProducerStates::default()
                    });
                    producers.rebuild_open();
                }
            } else {
                aborted.extend(txn::read_index(&*fs, &dir, base)?);
            }
            // The active segment's batches replay producer and transaction state; a marker's
            // outcome is read from the start of its record.
            let mut replay_error = None;
            let mut on_batch = |h: &BatchHeader, file: &dyn FsFile, pos: u64| {
                if !is_last {
                    return;
                }
                if !h.is_control() {
                    producers.update(h);
                    return;
                }
                let mut prefix = vec![0u8; txn::MARKER_PREFIX.min(h.total_size())];
                let outcome = file
                    .read_exact_at(&mut prefix, pos)
                    .map_err(JournalError::from)
                    .and_then(|()| txn::marker_outcome(&prefix));
                match outcome {
                    Ok(Some(outcome)) => txn::marker_stored(
                        &mut producers,
                        &mut aborted,
                        h.producer_id,
                        h.producer_epoch,
                        outcome,
                        h.base_offset,
                    ),
                    Ok(None) => {}
                    Err(e) => replay_error = Some(e),
                }
            };
            let seg = Segment::open(
                &*fs,
                &dir,
                base,
                is_last,
                config.index_interval_bytes,
                &mut on_batch,
            )?;
            if let Some(e) = replay_error {
                return Err(e);
            }
            segments.insert(base, seg);
        }
        // What recovery kept may still be only in the page cache (a crash of this process, not
        // of the machine): make it durable before counting it as synced. Sealed segments were
        // synced when they were rolled.
        if let Some(active) = segments.values().next_back() {
            active.file.sync()?;
        }
        let first_base = *segments.keys().next().unwrap_or(&0);
        let inner = Inner {
            segments,
            log_start: read_log_start(&*fs, &dir)?.max(first_base),
            producers,
            aborted,
            deleted: false,
        };
        let end = inner.next_offset();
        let (end_tx, _) = watch::channel(end);
        Ok(Partition {
            topic: topic.to_string(),
            id,
            dir,
            fs,
            policy,
            failed: OnceLock::new(),
            config: RwLock::new(config),
            inner: Mutex::new(inner),
            synced: AtomicI64::new(end),
            sync_lock: tokio::sync::Mutex::new(()),
            end_tx,
            compacted_end: AtomicI64::new(-1),
            compacted_at_ms: AtomicI64::new(0),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.deleted {
            return Err(JournalError::Deleted(format!("{}-{}", self.topic, self.id)));
        }
        Ok(inner)
    }

    /// The file system this partition lives on.
    pub fn fs(&self) -> &dyn FileSystem {
        &*self.fs
    }

    /// Why the partition went offline (a failed write or fsync), if it did.
    pub fn failure(&self) -> Option<&str> {
        self.failed.get().map(String::as_str)
    }

    fn check_online(&self) -> Result<()> {
        match self.failed.get() {
            None => Ok(()),
            Some(reason) => Err(self.offline(reason)),
        }
    }

    fn offline(&self, reason: &str) -> JournalError {
        JournalError::Offline {
            partition: format!("{}-{}", self.topic, self.id),
            reason: reason.to_string(),
        }
    }

    /// Takes the partition offline after a failed write or fsync. What was written since the
    /// last good fsync may be gone (Linux can drop the dirty pages of a failed fsync and report
    /// the next one clean), so nothing past it may ever be acknowledged; Kafka takes a log
    /// directory offline for the same reason. A restart recovers from what is on disk.
    fn fail(&self, e: &std::io::Error) -> JournalError {
        if self.failed.set(e.to_string()).is_ok() {
            tracing::error!(
                topic = %self.topic,
                partition = self.id,
                error = %e,
                synced_offset = self.synced.load(Ordering::Acquire),
                "storage failure: partition offline until restart (data below the synced offset is safe and still readable)"
            );
        }
        self.offline(self.failed.get().map_or("", String::as_str))
    }

    /// An I/O error on the write path takes the partition offline; other errors pass.
    fn on_write_error(&self, e: JournalError) -> JournalError {
        match e {
            JournalError::Io(io) => self.fail(&io),
            other => other,
        }
    }

    /// The end offset readers may see: everything, or only the synced part once offline.
    fn readable_end(&self, inner: &Inner) -> i64 {
        let end = inner.next_offset();
        match self.failed.get() {
            None => end,
            Some(_) => end.min(self.synced.load(Ordering::Acquire)),
        }
    }

    pub fn config(&self) -> LogConfig {
        self.config
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
    pub fn set_config(&self, config: LogConfig) {
        *self.config.write().unwrap_or_else(|p| p.into_inner()) = config;
    }

    /// Appends one or more complete v2 batches. Offsets are assigned here; the CRC of every batch
    /// is checked first, so a bad batch stores nothing.
    pub fn append(&self, data: Vec<u8>) -> Result<AppendInfo> {
        self.append_then(data, |_, _| {})
    }

    /// Like [`Partition::append`], then calls `appended` with the stored batches (offsets
    /// assigned) while still holding the partition lock, after the log end offset moved. So
    /// `appended` sees a partition's appends in offset order, and anyone who reads the log end
    /// offset afterwards knows every record below it has been through `appended`. Keep it
    /// short: it delays the partition's next append. Not called for a duplicate retry.
    pub fn append_then(
        &self,
        mut data: Vec<u8>,
        appended: impl FnOnce(&AppendInfo, &[u8]),
    ) -> Result<AppendInfo> {
        let config = self.config();
        let (headers, records) = crate::log::check_batches(&data, &config)?;
        let mut inner = self.lock()?;
        self.check_online()?;
        if let Some(retry) = crate::log::retried(&inner.producers, &headers, inner.log_start)? {
            return Ok(retry);
        }
        let now = now_ms();
        self.maybe_roll(&mut inner, data.len() as u64, &config, now)
            .map_err(|e| self.on_write_error(e))?;
        let base_offset = inner.next_offset();
        let plain: Vec<BatchHeader> = headers.iter().map(|(_, h)| *h).collect();
        inner.producers.check_new(&plain)?;
        let (placed, next) = crate::log::place(&mut data, &headers, base_offset);
        inner
            .active_mut()
            .append(&data, &placed, config.index_interval_bytes, now)
            .map_err(|e| self.on_write_error(e))?;
        for (_, h) in &placed {
            inner.producers.update(h);
        }
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

    /// Appends a transaction marker (see [`crate::txn`]): the producer's open transaction here
    /// ends, and an abort enters the aborted-transaction index. Refused from an epoch older
    /// than the producer's last one here. `appended` as in [`Partition::append_then`].
    pub fn append_marker(
        &self,
        marker: &Marker,
        appended: impl FnOnce(&AppendInfo, &[u8]),
    ) -> Result<AppendInfo> {
        let config = self.config();
        let now = now_ms();
        let mut data = txn::marker_batch(marker, now);
        let mut inner = self.lock()?;
        self.check_online()?;
        inner
            .producers
            .check_marker(marker.producer_id, marker.producer_epoch)?;
        self.maybe_roll(&mut inner, data.len() as u64, &config, now)
            .map_err(|e| self.on_write_error(e))?;
        let base_offset = inner.next_offset();
        let (headers, _) = batch::scan(&data);
        let (placed, next) = crate::log::place(&mut data, &headers, base_offset);
        inner
            .active_mut()
            .append(&data, &placed, config.index_interval_bytes, now)
            .map_err(|e| self.on_write_error(e))?;
        inner.marker_stored(
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

    /// The last stable offset: what a `read_committed` consumer may read up to.
    pub fn last_stable_offset(&self) -> Result<i64> {
        let inner = self.lock()?;
        Ok(inner.stable_end().min(self.readable_end(&inner)))
    }

    /// Aborted transactions overlapping `[from, to)`.
    pub fn aborted_transactions(&self, from: i64, to: i64) -> Result<Vec<AbortedTxn>> {
        Ok(txn::overlapping(&self.lock()?.aborted, from, to))
    }

    fn maybe_roll(
        &self,
        inner: &mut Inner,
        incoming: u64,
        config: &LogConfig,
        now: i64,
    ) -> Result<()> {
        let active = inner.active();
        let full = active.size > 0 && active.size + incoming > config.segment_bytes;
        let old = active
            .first_append_ms
            .is_some_and(|t| config.segment_ms >= 0 && now - t >= config.segment_ms);
        // Offsets relative to the base must fit the index's u32.
        let wide = active.next_offset - active.base_offset > i64::from(u32::MAX) / 2;
        if !(full || old || wide) {
            return Ok(());
        }
        active.sync()?;
        let base = active.next_offset;
        let sealed_base = active.base_offset;
        let sealed_aborts = &inner.aborted[inner
            .aborted
            .partition_point(|a| a.last_offset < sealed_base)..];
        txn::write_index(&*self.fs, &self.dir, sealed_base, sealed_aborts)?;
        let snapshot = serde_json::to_vec(&inner.producers)
            .map_err(|e| JournalError::Corrupt(e.to_string()))?;
        jfs::write_atomic(
            &*self.fs,
            &self.dir,
            &format!("{base:020}.snapshot"),
            &snapshot,
        )?;
        let seg = Segment::create(&*self.fs, &self.dir, base)?;
        self.fs.sync_dir(&self.dir)?;
        inner.active().seal();
        inner.segments.insert(base, seg);
        // Snapshots of sealed segments are no longer needed: only the active one's is read.
        for &b in inner.segments.keys() {
            if b != base {
                let _ = self.fs.remove_file(&segment::snapshot_path(&self.dir, b));
            }
        }
        Ok(())
    }

    /// Resolves once every offset below `end` is as durable as this partition promises:
    /// fsynced (group commit) under the `always` policy, at once under `interval` and `never`.
    /// Fails once the partition is offline, so no acknowledgement covers data a failed write
    /// or fsync may have lost. What protocols wait on before they acknowledge.
    pub async fn wait_durable(self: &Arc<Self>, end: i64) -> Result<()> {
        match self.policy {
            FsyncPolicy::Always => self.sync_to(end).await,
            FsyncPolicy::Interval | FsyncPolicy::Never => self.check_online(),
        }
    }

    /// Waits until every offset below `end` is on stable storage; one fsync serves every caller
    /// queued while the previous one ran.
    pub async fn sync_to(self: &Arc<Self>, end: i64) -> Result<()> {
        if self.synced.load(Ordering::Acquire) >= end {
            return Ok(());
        }
        let _turn = self.sync_lock.lock().await;
        if self.synced.load(Ordering::Acquire) >= end {
            return Ok(());
        }
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || this.sync_now())
            .await
            .map_err(|e| JournalError::Io(std::io::Error::other(e)))??;
        Ok(())
    }

    /// Fsyncs the active segment now (blocking), advancing the synced mark.
    pub fn sync_now(&self) -> Result<()> {
        let (file, end) = {
            let inner = self.lock()?;
            self.check_online()?;
            (fd_cache::pinned(&inner.active().file), inner.next_offset())
        };
        file.and_then(|f| f.sync()).map_err(|e| self.fail(&e))?;
        self.synced.fetch_max(end, Ordering::AcqRel);
        Ok(())
    }

    pub fn log_end_offset(&self) -> i64 {
        *self.end_tx.borrow()
    }

    /// A receiver that sees the log end offset change, for long-polling fetches.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.end_tx.subscribe()
    }

    pub fn stats(&self) -> Result<PartitionStats> {
        let inner = self.lock()?;
        Ok(PartitionStats {
            log_start_offset: inner.log_start,
            log_end_offset: inner.next_offset(),
            size_bytes: inner.segments.values().map(|s| s.size).sum(),
            segments: inner.segments.len(),
        })
    }

    /// Reads whole batches starting with the one that holds `offset`, up to `max_bytes`. With
    /// `allow_oversize`, a first batch larger than `max_bytes` is returned whole, so a consumer
    /// can make progress past it (Kafka's KIP-74); without, nothing is returned then.
    pub fn read(&self, offset: i64, max_bytes: usize, allow_oversize: bool) -> Result<ReadResult> {
        let mut from = offset;
        loop {
            // Snapshot what to read under the lock; do the I/O without it.
            let (file, start_pos, seg_end, next_base, hw, log_start, lso) = {
                let inner = self.lock()?;
                let end = inner.next_offset();
                if offset < inner.log_start || offset > end {
                    return Err(JournalError::OffsetOutOfRange {
                        offset,
                        start: inner.log_start,
                        end,
                    });
                }
                let hw = self.readable_end(&inner);
                let lso = inner.stable_end().min(hw);
                let empty = ReadResult {
                    records: Bytes::new(),
                    high_watermark: hw,
                    log_start_offset: inner.log_start,
                    last_stable_offset: lso,
                };
                if from >= hw {
                    return Ok(empty);
                }
                let Some((_, seg)) = inner.segments.range(..=from).next_back() else {
                    // Below the first segment (offsets compacted away): start at it.
                    match inner.segments.keys().next() {
                        Some(&first) if first > from => {
                            from = first;
                            continue;
                        }
                        _ => return Ok(empty),
                    }
                };
                let rel = u32::try_from(from - seg.base_offset).unwrap_or(u32::MAX);
                let pos = seg
                    .index
                    .floor_offset(rel)
                    .map(|e| e.position as u64)
                    .unwrap_or(0);
                // Where to go on when this segment holds nothing at or past `from`.
                let next_base = inner.segments.range(from + 1..).next().map(|(b, _)| *b);
                (
                    fd_cache::pinned(&seg.file)?,
                    pos,
                    seg.size,
                    next_base.unwrap_or(hw),
                    hw,
                    inner.log_start,
                    lso,
                )
            };
            let mut pos = start_pos;
            let mut found = None;
            while pos < seg_end {
                let h = Segment::header_at(&*file, pos)?;
                if h.last_offset() >= from {
                    found = Some(h);
                    break;
                }
                pos += h.total_size() as u64;
            }
            let Some(first) = found else {
                // Nothing at or past `from` here (compacted away, or the segment ended): go on
                // with the next segment.
                from = next_base.max(from + 1);
                continue;
            };
            if first.total_size() > max_bytes && !allow_oversize {
                let records = Bytes::new();
                return Ok(ReadResult {
                    records,
                    high_watermark: hw,
                    log_start_offset: log_start,
                    last_stable_offset: lso,
                });
            }
            let want = (max_bytes as u64)
                .max(first.total_size() as u64)
                .min(seg_end - pos);
            let mut buf = vec![0u8; want as usize];
            file.read_exact_at(&mut buf, pos)?;
            let (headers, whole) = batch::scan(&buf);
            // Never past the readable end (the synced offset of an offline partition).
            let keep = headers
                .iter()
                .find(|(_, h)| h.base_offset >= hw)
                .map_or(whole, |(at, _)| *at);
            buf.truncate(keep);
            return Ok(ReadResult {
                records: Bytes::from(buf),
                high_watermark: hw,
                log_start_offset: log_start,
                last_stable_offset: lso,
            });
        }
    }

    /// The first offset whose record timestamp is at or after `timestamp`, with that timestamp.
    pub fn offset_for_timestamp(&self, timestamp: i64) -> Result<Option<(i64, i64)>> {
        let candidates: Vec<i64> = {
            let inner = self.lock()?;
            inner
                .segments
                .values()
                .filter(|s| s.max_timestamp >= timestamp)
                .map(|s| s.base_offset)
                .collect()
        };
        let log_start = self.lock()?.log_start;
        for base in candidates {
            // One segment's file at a time (usually the first one answers), taken under the
            // lock so a compaction swapping the file cannot mix two files' positions.
            let (file, mut pos, end) = {
                let inner = self.lock()?;
                let Some(s) = inner.segments.get(&base) else {
                    continue;
                };
                let pos = s
                    .index
                    .floor_timestamp(timestamp)
                    .map(|e| e.position as u64)
                    .unwrap_or(0);
                (fd_cache::pinned(&s.file)?, pos, s.size)
            };
            while pos < end {
                let h = Segment::header_at(&*file, pos)?;
                if pos + h.total_size() as u64 > end {
                    // A damaged sealed segment: its header claims more than the file holds.
                    break;
                }
                if h.max_timestamp >= timestamp && h.last_offset() >= log_start {
                    let mut whole = vec![0u8; h.total_size()];
                    file.read_exact_at(&mut whole, pos)?;
                    let limit = self.config().max_message_bytes;
                    return Ok(Some(first_record_at_or_after(
                        &h, &whole, timestamp, log_start, limit,
                    )));
                }
                pos += h.total_size() as u64;
            }
        }
        Ok(None)
    }

    /// The largest max timestamp of the segments holding offsets at or after the log start.
    pub fn max_timestamp(&self) -> Result<Option<i64>> {
        let inner = self.lock()?;
        let log_start = inner.log_start;
        Ok(inner
            .segments
            .values()
            .filter(|s| s.size > 0 && s.next_offset > log_start)
            .map(|s| s.max_timestamp)
            .max())
    }

    /// Makes `offset` the new log start (Kafka's DeleteRecords); `-1` means the log end.
    pub fn delete_records_before(&self, offset: i64) -> Result<i64> {
        // Make the log durable up to the new start before it is persisted (see below), with
        // the fsync outside the partition lock so appends are not held up by it.
        let wanted = if offset == -1 {
            self.log_end_offset()
        } else {
            offset
        };
        if wanted > self.synced.load(Ordering::Acquire) {
            self.sync_now()?;
        }
        let mut inner = self.lock()?;
        self.check_online()?;
        let end = inner.next_offset();
        let target = if offset == -1 { end } else { offset };
        if target < 0 || target > end {
            return Err(JournalError::OffsetOutOfRange {
                offset,
                start: inner.log_start,
                end,
            });
        }
        if target > inner.log_start {
            // Never persist a log start past what is durable: a power loss would leave a start
            // beyond the recovered end. (Only an append racing the sync above gets here.)
            if target > self.synced.load(Ordering::Acquire) {
                inner.active().file.sync().map_err(|e| self.fail(&e))?;
                self.synced.fetch_max(end, Ordering::AcqRel);
            }
            jfs::write_atomic(
                &*self.fs,
                &self.dir,
                LOG_START_FILE,
                target.to_string().as_bytes(),
            )
            .map_err(|e| self.fail(&e))?;
            inner.log_start = target;
            self.drop_segments_below_start(&mut inner)?;
        }
        Ok(inner.log_start)
    }

    fn drop_segments_below_start(&self, inner: &mut Inner) -> Result<()> {
        while inner.segments.len() > 1 {
            let (&base, first) = inner.segments.iter().next().expect("len > 1");
            if first.next_offset > inner.log_start {
                break;
            }
            inner.segments.remove(&base);
            Segment::delete_files(&*self.fs, &self.dir, base)?;
        }
        inner.raise_start_to_first_segment();
        Ok(())
    }

    /// Deletes sealed segments past `retention.ms` or beyond `retention.bytes`. Returns how many.
    pub fn enforce_retention(&self, now: i64) -> Result<usize> {
        let config = self.config();
        if !config.delete {
            return Ok(0);
        }
        let mut inner = self.lock()?;
        let mut total: u64 = inner.segments.values().map(|s| s.size).sum();
        let mut deleted = 0;
        while inner.segments.len() > 1 {
            let (&base, first) = inner.segments.iter().next().expect("len > 1");
            // A sealed segment that compaction emptied has no timestamp left and goes too.
            let expired = config.retention_ms >= 0
                && (first.size == 0 || first.max_timestamp < now - config.retention_ms);
            let oversize =
                config.retention_bytes >= 0 && total - first.size >= config.retention_bytes as u64;
            if !(expired || oversize) {
                break;
            }
            total -= first.size;
            let next = first.next_offset;
            inner.segments.remove(&base);
            Segment::delete_files(&*self.fs, &self.dir, base)?;
            inner.log_start = inner.log_start.max(next);
            inner.raise_start_to_first_segment();
            deleted += 1;
        }
        if deleted > 0 {
            tracing::info!(topic = %self.topic, partition = self.id, deleted, log_start = inner.log_start, "retention deleted segments");
        }
        Ok(deleted)
    }

    /// Marks the partition deleted and removes its directory.
    pub fn delete(&self) -> Result<()> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.deleted = true;
        inner.segments.clear();
        match self.fs.remove_dir_all(&self.dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every segment (the active one last) as it is now. The files are the segments' own
    /// handles, opened on use through the descriptor cache (resolving them all here would hold
    /// one descriptor per segment at once). Only compaction reads them, and compaction is also
    /// the only thing that swaps a file under its name, so no rename can come between.
    pub fn segment_views(&self) -> Result<Vec<SegmentView>> {
        let inner = self.lock()?;
        Ok(inner
            .segments
            .values()
            .map(|s| SegmentView {
                base_offset: s.base_offset,
                file: Arc::clone(&s.file),
                size: s.size,
            })
            .collect())
    }

    /// Swaps a sealed segment for its compacted copy at `cleaned`. Returns false (and removes the
    /// copy) when the segment went away meanwhile, through retention or DeleteRecords.
    pub(crate) fn replace_sealed(&self, base: i64, cleaned: &Path) -> Result<bool> {
        let mut inner = self.lock()?;
        let sealed = inner.segments.contains_key(&base) && inner.active().base_offset != base;
        if !sealed {
            let _ = self.fs.remove_file(cleaned);
            return Ok(false);
        }
        // The old index goes first: a crash between the two steps leaves a log without an index,
        // which is rebuilt, never an index that points into the wrong file.
        let _ = self.fs.remove_file(&segment::index_path(&self.dir, base));
        self.fs
            .rename(cleaned, &segment::log_path(&self.dir, base))?;
        self.fs.sync_dir(&self.dir)?;
        let interval = self.config().index_interval_bytes;
        let seg = Segment::open(
            &*self.fs,
            &self.dir,
            base,
            false,
            interval,
            &mut |_, _, _| {},
        )?;
        inner.segments.insert(base, seg);
        Ok(true)
    }

    /// Whether a compaction pass at `now_ms` could change anything: new data since the last
    /// pass, or tombstones that may have passed `delete.retention.ms` since.
    pub(crate) fn compaction_due(&self, now_ms: i64) -> bool {
        let end = self.log_end_offset();
        let new_data = self.compacted_end.load(Ordering::Acquire) != end;
        let since = now_ms - self.compacted_at_ms.load(Ordering::Acquire);
        new_data || since >= self.config().delete_retention_ms
    }

    pub(crate) fn mark_compacted_at(&self, end: i64, now_ms: i64) {
        self.compacted_end.store(end, Ordering::Release);
        self.compacted_at_ms.store(now_ms, Ordering::Release);
    }
}

/// Finds the exact record inside a batch; when its records cannot be decoded the batch start
/// is the answer (a consumer starting there sees the record too).
pub(crate) fn first_record_at_or_after(
    h: &BatchHeader,
    whole: &[u8],
    timestamp: i64,
    log_start: i64,
    limit: usize,
) -> (i64, i64) {
    // Decompressed within a bound: a stored bomb must not cost more than one batch's limit.
    let plain = crate::decompress::plain_batch(whole, limit);
    let records = plain.as_deref().map(crate::record::read_batch);
    if let Ok(Ok(crate::record::Records::Plain(records))) = records {
        for r in records {
            if r.timestamp >= timestamp && r.offset >= log_start {
                return (r.offset, r.timestamp);
            }
        }
    }
    (h.base_offset.max(log_start), h.max_timestamp)
}
