//! One segment of a partition log: `<base offset>.log` holding whole batches back to back, and
//! its sparse `<base offset>.index`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::batch::{self, BatchHeader, HEADER_SIZE};
use crate::error::Result;
use crate::fs::{remove_if_exists, FileSystem, FsFile};
use crate::index::{IndexEntry, SparseIndex};

pub fn log_path(dir: &Path, base: i64) -> PathBuf {
    dir.join(format!("{base:020}.log"))
}
pub fn index_path(dir: &Path, base: i64) -> PathBuf {
    dir.join(format!("{base:020}.index"))
}
pub fn snapshot_path(dir: &Path, base: i64) -> PathBuf {
    dir.join(format!("{base:020}.snapshot"))
}

#[derive(Debug)]
pub struct Segment {
    pub base_offset: i64,
    pub file: Arc<dyn FsFile>,
    /// Bytes of whole batches in the file.
    pub size: u64,
    /// One past the last offset stored here (`base_offset` when empty).
    pub next_offset: i64,
    /// Largest batch max timestamp (`i64::MIN` when empty).
    pub max_timestamp: i64,
    /// Wall-clock milliseconds of the first append, for `segment.ms` rolls.
    pub first_append_ms: Option<i64>,
    pub index: SparseIndex,
    last_indexed_pos: Option<u64>,
}

/// What a scan of a segment file found.
struct ScanOutcome {
    valid_end: u64,
    torn: Option<String>,
}

impl Segment {
    /// Creates an empty segment; its names are durable once the caller syncs `dir`.
    pub fn create(fs: &dyn FileSystem, dir: &Path, base_offset: i64) -> Result<Self> {
        let file = fs.create(&log_path(dir, base_offset))?;
        Ok(Segment::empty(
            base_offset,
            file,
            SparseIndex::create(fs, &index_path(dir, base_offset))?,
        ))
    }

    /// The state of a segment before any batch is counted.
    fn empty(base_offset: i64, file: Arc<dyn FsFile>, index: SparseIndex) -> Self {
        Segment {
            base_offset,
            file,
            size: 0,
            next_offset: base_offset,
            max_timestamp: i64::MIN,
            first_append_ms: None,
            index,
            last_indexed_pos: None,
        }
    }

    /// Opens an existing segment. The last segment of a partition is scanned in full with CRC
    /// checks and a torn or corrupt tail is cut off; sealed segments trust their index and scan
    /// only past its last entry. `on_batch` sees every batch scanned.
    pub fn open(
        fs: &dyn FileSystem,
        dir: &Path,
        base_offset: i64,
        is_last: bool,
        index_interval: u64,
        on_batch: &mut dyn FnMut(&BatchHeader, &dyn FsFile, u64),
    ) -> Result<Self> {
        let file = fs.open(&log_path(dir, base_offset))?;
        let file_len = file.size()?;
        let loaded = if is_last {
            None
        } else {
            SparseIndex::load(fs, &index_path(dir, base_offset), file_len)?
        };
        let index = match loaded {
            Some(idx) => idx,
            None => SparseIndex::create(fs, &index_path(dir, base_offset))?,
        };
        let mut seg = Segment::empty(base_offset, file, index);
        let start = match seg.index.last() {
            Some(e) => {
                seg.last_indexed_pos = Some(e.position as u64);
                seg.max_timestamp = e.max_timestamp_before;
                seg.next_offset = base_offset + e.relative_offset as i64;
                e.position as u64
            }
            None => 0,
        };
        let outcome = seg.scan_from(start, file_len, is_last, index_interval, on_batch)?;
        if let Some(reason) = outcome.torn {
            tracing::warn!(
                segment = %log_path(dir, base_offset).display(),
                valid_bytes = outcome.valid_end,
                file_bytes = file_len,
                %reason,
                "truncating torn or corrupt tail of the log"
            );
            seg.file.set_len(outcome.valid_end)?;
            seg.file.sync()?;
        }
        seg.size = outcome.valid_end;
        if !is_last {
            seg.seal();
        }
        Ok(seg)
    }

    fn scan_from(
        &mut self,
        mut pos: u64,
        end: u64,
        verify: bool,
        index_interval: u64,
        on_batch: &mut dyn FnMut(&BatchHeader, &dyn FsFile, u64),
    ) -> Result<ScanOutcome> {
        let mut head = [0u8; HEADER_SIZE];
        let mut torn = None;
        while pos < end {
            if end - pos < HEADER_SIZE as u64 {
                torn = Some(format!("{} trailing bytes are no batch header", end - pos));
                break;
            }
            self.file.read_exact_at(&mut head, pos)?;
            let h = match BatchHeader::parse(&head) {
                Ok(h) => h,
                Err(e) => {
                    torn = Some(e.to_string());
                    break;
                }
            };
            if pos + h.total_size() as u64 > end {
                torn = Some(format!(
                    "batch at {pos} needs {} bytes, file ends first",
                    h.total_size()
                ));
                break;
            }
            if h.base_offset < self.next_offset {
                torn = Some(format!(
                    "batch at {pos} goes back to offset {}",
                    h.base_offset
                ));
                break;
            }
            if verify {
                let mut whole = vec![0u8; h.total_size()];
                self.file.read_exact_at(&mut whole, pos)?;
                if let Err(e) = batch::verify_crc(&h, &whole) {
                    torn = Some(e.to_string());
                    break;
                }
            }
            // Entries already loaded from the index file are not added twice.
            if self.last_indexed_pos.is_none_or(|p| pos > p) {
                self.maybe_index(pos, &h, index_interval)?;
            }
            self.note_batch(&h);
            // After a restart the segment's age for `segment.ms` counts from its first batch's
            // timestamp, as Kafka does, rather than starting over.
            self.first_append_ms.get_or_insert(h.max_timestamp.max(0));
            on_batch(&h, &*self.file, pos);
            pos += h.total_size() as u64;
        }
        Ok(ScanOutcome {
            valid_end: pos,
            torn,
        })
    }

    fn maybe_index(&mut self, pos: u64, h: &BatchHeader, interval: u64) -> Result<()> {
        let due = match self.last_indexed_pos {
            None => true,
            Some(last) => pos - last >= interval,
        };
        if due {
            let relative = h.base_offset - self.base_offset;
            if let (Ok(relative_offset), Ok(position)) =
                (u32::try_from(relative), u32::try_from(pos))
            {
                self.index.append(IndexEntry {
                    relative_offset,
                    position,
                    max_timestamp_before: self.max_timestamp,
                })?;
                self.last_indexed_pos = Some(pos);
            }
        }
        Ok(())
    }

    fn note_batch(&mut self, h: &BatchHeader) {
        self.next_offset = h.last_offset() + 1;
        self.max_timestamp = self.max_timestamp.max(h.max_timestamp);
    }

    /// Appends whole batches (offsets already assigned) in one write.
    pub fn append(
        &mut self,
        bytes: &[u8],
        headers: &[(usize, BatchHeader)],
        index_interval: u64,
        now_ms: i64,
    ) -> Result<()> {
        self.file.write_all_at(bytes, self.size)?;
        for (rel_pos, h) in headers {
            self.maybe_index(self.size + *rel_pos as u64, h, index_interval)?;
            self.note_batch(h);
        }
        self.size += bytes.len() as u64;
        self.first_append_ms.get_or_insert(now_ms);
        Ok(())
    }

    /// Reads the header of the batch at `pos`.
    pub fn header_at(file: &dyn FsFile, pos: u64) -> Result<BatchHeader> {
        let mut head = [0u8; HEADER_SIZE];
        file.read_exact_at(&mut head, pos)?;
        BatchHeader::parse(&head)
    }

    /// The segment takes no more appends (synced, no longer the active one): its files may be
    /// closed while nobody reads them.
    pub fn seal(&self) {
        self.file.release();
        self.index.release();
    }

    /// Flushes the log and its index to stable storage.
    pub fn sync(&self) -> Result<()> {
        self.file.sync()?;
        self.index.sync()
    }

    /// Removes this segment's files.
    pub fn delete_files(fs: &dyn FileSystem, dir: &Path, base: i64) -> Result<()> {
        for p in [
            log_path(dir, base),
            index_path(dir, base),
            snapshot_path(dir, base),
            crate::txn::index_path(dir, base),
        ] {
            remove_if_exists(fs, &p)?;
        }
        Ok(())
    }
}
