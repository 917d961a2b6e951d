//! The sparse index of one segment: one entry every `index_interval_bytes` of log.
//!
//! Each 16-byte entry holds both columns Kafka keeps in two files (offset index and time index):
//! the relative offset and file position of a batch start, and the largest timestamp of all batches
//! before it. Offset lookups find the last entry at or below an offset; timestamp lookups find the
//! last entry whose preceding batches are all older than the target, then scan forward.

use std::path::Path;
use std::sync::Arc;

use crate::error::Result;
use crate::fs::{FileSystem, FsFile};

pub const ENTRY_SIZE: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    /// Offset of the batch at `position`, relative to the segment's base offset.
    pub relative_offset: u32,
    pub position: u32,
    /// Largest timestamp of the batches before `position` (`i64::MIN` when there are none).
    pub max_timestamp_before: i64,
}

impl IndexEntry {
    fn encode(&self) -> [u8; ENTRY_SIZE] {
        let mut b = [0u8; ENTRY_SIZE];
        b[0..4].copy_from_slice(&self.relative_offset.to_be_bytes());
        b[4..8].copy_from_slice(&self.position.to_be_bytes());
        b[8..16].copy_from_slice(&self.max_timestamp_before.to_be_bytes());
        b
    }
    fn decode(b: &[u8]) -> Self {
        let mut ro = [0u8; 4];
        let mut po = [0u8; 4];
        let mut ts = [0u8; 8];
        ro.copy_from_slice(&b[0..4]);
        po.copy_from_slice(&b[4..8]);
        ts.copy_from_slice(&b[8..16]);
        IndexEntry {
            relative_offset: u32::from_be_bytes(ro),
            position: u32::from_be_bytes(po),
            max_timestamp_before: i64::from_be_bytes(ts),
        }
    }
}

/// In-memory copy of the entries plus the file they are appended to.
#[derive(Debug)]
pub struct SparseIndex {
    entries: Vec<IndexEntry>,
    file: Arc<dyn FsFile>,
}

impl SparseIndex {
    /// Creates an empty index, truncating any file at `path`.
    pub fn create(fs: &dyn FileSystem, path: &Path) -> Result<Self> {
        Ok(SparseIndex {
            entries: Vec::new(),
            file: fs.create(path)?,
        })
    }

    /// Loads entries from `path`, keeping only a strictly increasing prefix that lies inside a log
    /// of `log_size` bytes. Returns `None` when the file is missing.
    pub fn load(fs: &dyn FileSystem, path: &Path, log_size: u64) -> Result<Option<Self>> {
        let bytes = match fs.read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let mut entries: Vec<IndexEntry> = Vec::with_capacity(bytes.len() / ENTRY_SIZE);
        for chunk in bytes.chunks_exact(ENTRY_SIZE) {
            let e = IndexEntry::decode(chunk);
            let increasing = entries
                .last()
                .is_none_or(|p| e.position > p.position && e.relative_offset > p.relative_offset);
            if !increasing || e.position as u64 >= log_size {
                break;
            }
            entries.push(e);
        }
        let file = fs.open(path)?;
        file.set_len((entries.len() * ENTRY_SIZE) as u64)?;
        Ok(Some(SparseIndex { entries, file }))
    }

    pub fn append(&mut self, entry: IndexEntry) -> Result<()> {
        let at = (self.entries.len() * ENTRY_SIZE) as u64;
        self.file.write_all_at(&entry.encode(), at)?;
        self.entries.push(entry);
        Ok(())
    }

    /// Drops entries at or past `position` (after a log truncation).
    pub fn truncate_to_position(&mut self, position: u32) -> Result<()> {
        let keep = self.entries.partition_point(|e| e.position < position);
        self.entries.truncate(keep);
        self.file.set_len((keep * ENTRY_SIZE) as u64)?;
        Ok(())
    }

    pub fn last(&self) -> Option<IndexEntry> {
        self.entries.last().copied()
    }

    /// The last entry whose batch starts at or below `relative_offset`.
    pub fn floor_offset(&self, relative_offset: u32) -> Option<IndexEntry> {
        let i = self
            .entries
            .partition_point(|e| e.relative_offset <= relative_offset);
        i.checked_sub(1).map(|i| self.entries[i])
    }

    /// The last entry before which every batch is older than `timestamp`.
    pub fn floor_timestamp(&self, timestamp: i64) -> Option<IndexEntry> {
        let i = self
            .entries
            .partition_point(|e| e.max_timestamp_before < timestamp);
        i.checked_sub(1).map(|i| self.entries[i])
    }

    /// No more appends: the file may be closed while unused.
    pub fn release(&self) {
        self.file.release();
    }

    pub fn sync(&self) -> Result<()> {
        self.file.sync()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::OsFs;
    use proptest::prelude::*;

    fn entry(o: u32, p: u32, t: i64) -> IndexEntry {
        IndexEntry {
            relative_offset: o,
            position: p,
            max_timestamp_before: t,
        }
    }

    #[test]
    fn floor_lookups() {
        let dir = tempfile::tempdir().unwrap();
        let mut idx = SparseIndex::create(&OsFs, &dir.path().join("0.index")).unwrap();
        idx.append(entry(0, 0, i64::MIN)).unwrap();
        idx.append(entry(10, 4096, 100)).unwrap();
        idx.append(entry(25, 8192, 300)).unwrap();
        assert_eq!(idx.floor_offset(0).unwrap().position, 0);
        assert_eq!(idx.floor_offset(24).unwrap().position, 4096);
        assert_eq!(idx.floor_offset(99).unwrap().position, 8192);
        assert_eq!(idx.floor_timestamp(50).unwrap().position, 0);
        assert_eq!(idx.floor_timestamp(101).unwrap().position, 4096);
        assert_eq!(idx.floor_timestamp(1000).unwrap().position, 8192);
    }

    proptest! {
        /// Whatever bytes an index file holds, loading keeps a valid increasing prefix inside the log.
        #[test]
        fn load_keeps_a_valid_prefix(data in proptest::collection::vec(any::<u8>(), 0..400), log_size in 0u64..100_000) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("0.index");
            std::fs::write(&path, &data).unwrap();
            let idx = SparseIndex::load(&OsFs, &path, log_size).unwrap().unwrap();
            for w in idx.entries.windows(2) {
                prop_assert!(w[0].position < w[1].position && w[0].relative_offset < w[1].relative_offset);
            }
            for e in &idx.entries { prop_assert!((e.position as u64) < log_size); }
            prop_assert_eq!(std::fs::metadata(&path).unwrap().len() as usize, idx.entries.len() * ENTRY_SIZE);
        }

        /// Appended entries survive a reload byte for byte.
        #[test]
        fn append_then_load_round_trips(steps in proptest::collection::vec((1u32..1000, 1u32..5000, any::<i64>()), 0..50)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("0.index");
            let mut idx = SparseIndex::create(&OsFs, &path).unwrap();
            let (mut o, mut p) = (0u32, 0u32);
            let mut want = Vec::new();
            for (d_o, dp, t) in steps {
                let e = entry(o, p, t);
                idx.append(e).unwrap();
                want.push(e);
                o += d_o; p += dp;
            }
            let loaded = SparseIndex::load(&OsFs, &path, u64::MAX).unwrap().unwrap();
            prop_assert_eq!(loaded.entries, want);
        }
    }
}
