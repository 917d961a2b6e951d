//! A bounded cache of file descriptors for files the journal only reads: sealed segments and
//! their indexes. Without it every segment holds two descriptors for life, so the data on disk,
//! not a setting, decides how many files the daemon keeps open.
//!
//! [`CachedFs`] wraps the journal's [`FileSystem`]. Files it opens come back as lazy handles
//! whose descriptor lives in a shared LRU of at most `capacity` entries, reopened on use after
//! an eviction. A handle that is written to (or synced) pins its descriptor until
//! [`FsFile::release`] (a segment roll): an fsync must go through the descriptor that wrote, or
//! Linux may not report a write-back error to it. Files it creates are pinned from the start.
//!
//! Renames and removals evict the names they touch, so a cached descriptor never stands for a
//! file that a name no longer points at. A reader that must see one file throughout (while a
//! compaction may swap the file under the name) resolves the handle once with [`pinned`].

use std::fmt;
use std::io;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::fs::{DirEntry, FileSystem, FsFile};

/// Descriptors kept open for read-only journal files unless configured otherwise.
pub const DEFAULT_CAPACITY: usize = 4096;

struct Cache {
    fs: Arc<dyn FileSystem>,
    open: Mutex<LruCache<PathBuf, Arc<dyn FsFile>>>,
    /// Opens done because a descriptor was not cached (first use or after an eviction).
    opens: AtomicU64,
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<PathBuf, Arc<dyn FsFile>>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The descriptor of `path`, opened (and the least recently used one closed) on a miss.
    fn get(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        let mut open = self.lock();
        if let Some(f) = open.get(path) {
            return Ok(Arc::clone(f));
        }
        let f = self.fs.open(path)?;
        self.opens.fetch_add(1, Ordering::Relaxed);
        let evicted = open.push(path.to_path_buf(), Arc::clone(&f));
        drop(open);
        drop(evicted); // closed outside the lock
        Ok(f)
    }

    fn insert(&self, path: &Path, f: Arc<dyn FsFile>) {
        let evicted = self.lock().push(path.to_path_buf(), f);
        drop(evicted);
    }

    fn evict(&self, path: &Path) {
        let gone = self.lock().pop(path);
        drop(gone);
    }

    fn evict_under(&self, dir: &Path) {
        let mut open = self.lock();
        let under: Vec<PathBuf> = open
            .iter()
            .filter(|(p, _)| p.starts_with(dir))
            .map(|(p, _)| p.clone())
            .collect();
        let gone: Vec<_> = under.iter().filter_map(|p| open.pop(p)).collect();
        drop(open);
        drop(gone);
    }
}

/// The journal's file system with a bounded descriptor cache in front of it.
pub struct CachedFs {
    cache: Arc<Cache>,
    capacity: usize,
}

impl fmt::Debug for CachedFs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedFs")
            .field("capacity", &self.capacity)
            .field("inner", &self.cache.fs)
            .finish()
    }
}

impl CachedFs {
    /// Wraps `fs`, keeping at most `capacity` (at least 1) descriptors of unpinned files open.
    pub fn wrap(fs: Arc<dyn FileSystem>, capacity: usize) -> Arc<CachedFs> {
        let cap = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Arc::new(CachedFs {
            cache: Arc::new(Cache {
                fs,
                open: Mutex::new(LruCache::new(cap)),
                opens: AtomicU64::new(0),
            }),
            capacity: cap.get(),
        })
    }

    /// Descriptors cached now (pinned ones not counted).
    pub fn cached(&self) -> usize {
        self.cache.lock().len()
    }

    /// Opens done on a cache miss since start.
    pub fn opens(&self) -> u64 {
        self.cache.opens.load(Ordering::Relaxed)
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn handle(&self, path: &Path, pinned: Option<Arc<dyn FsFile>>) -> Arc<dyn FsFile> {
        Arc::new(LazyFile {
            path: path.to_path_buf(),
            cache: Arc::clone(&self.cache),
            pinned: Mutex::new(pinned),
        })
    }
}

impl FileSystem for CachedFs {
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        self.cache.fs.create_dir_all(path)
    }
    fn open(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        // Opened now, so a missing file fails here and not at first use.
        let f = self.cache.fs.open(path)?;
        self.cache.insert(path, f);
        Ok(self.handle(path, None))
    }
    fn create(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        self.cache.evict(path);
        let f = self.cache.fs.create(path)?;
        Ok(self.handle(path, Some(f)))
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.cache.fs.read(path)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.cache.evict(from);
        self.cache.evict(to);
        self.cache.fs.rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        self.cache.evict(path);
        self.cache.fs.remove_file(path)
    }
    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        self.cache.evict_under(path);
        self.cache.fs.remove_dir_all(path)
    }
    fn list_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        self.cache.fs.list_dir(path)
    }
    fn exists(&self, path: &Path) -> bool {
        self.cache.fs.exists(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.cache.fs.is_dir(path)
    }
    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        self.cache.fs.sync_dir(path)
    }
}

/// A file of [`CachedFs`]: its descriptor comes from the cache, or is pinned to the handle.
struct LazyFile {
    path: PathBuf,
    cache: Arc<Cache>,
    pinned: Mutex<Option<Arc<dyn FsFile>>>,
}

impl fmt::Debug for LazyFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyFile")
            .field("path", &self.path)
            .finish()
    }
}

impl LazyFile {
    fn current(&self) -> io::Result<Arc<dyn FsFile>> {
        if let Some(f) = &*self.pinned.lock().unwrap_or_else(|p| p.into_inner()) {
            return Ok(Arc::clone(f));
        }
        self.cache.get(&self.path)
    }

    /// The descriptor, kept by this handle from now on (writes and syncs).
    fn pin(&self) -> io::Result<Arc<dyn FsFile>> {
        let mut pinned = self.pinned.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = &*pinned {
            return Ok(Arc::clone(f));
        }
        let f = self.cache.get(&self.path)?;
        *pinned = Some(Arc::clone(&f));
        Ok(f)
    }
}

impl FsFile for LazyFile {
    fn size(&self) -> io::Result<u64> {
        self.current()?.size()
    }
    fn read_exact_at(&self, buf: &mut [u8], pos: u64) -> io::Result<()> {
        self.current()?.read_exact_at(buf, pos)
    }
    fn write_all_at(&self, buf: &[u8], pos: u64) -> io::Result<()> {
        self.pin()?.write_all_at(buf, pos)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        self.pin()?.set_len(len)
    }
    fn sync(&self) -> io::Result<()> {
        self.pin()?.sync()
    }
    fn resolve(&self) -> io::Result<Option<Arc<dyn FsFile>>> {
        self.current().map(Some)
    }
    fn release(&self) {
        let f = self.pinned.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(f) = f {
            // Back to the cache, which bounds it like any other.
            self.cache.insert(&self.path, f);
        }
    }
}

/// The descriptor behind `f` as of now: reads through it see this file even if a compaction
/// renames another over its name later. For a plain file, `f` itself.
pub fn pinned(f: &Arc<dyn FsFile>) -> io::Result<Arc<dyn FsFile>> {
    Ok(f.resolve()?.unwrap_or_else(|| Arc::clone(f)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::OsFs;

    #[test]
    fn reads_of_many_files_keep_at_most_capacity_descriptors() {
        let dir = tempfile::tempdir().unwrap();
        let fs = CachedFs::wrap(OsFs::shared(), 4);
        let mut files = Vec::new();
        for i in 0..50u8 {
            let p = dir.path().join(format!("{i}.log"));
            std::fs::write(&p, [i; 8]).unwrap();
            files.push(fs.open(&p).unwrap());
        }
        for _ in 0..3 {
            for (i, f) in files.iter().enumerate() {
                let mut b = [0u8; 8];
                f.read_exact_at(&mut b, 0).unwrap();
                assert_eq!(b, [i as u8; 8]);
            }
        }
        assert_eq!(fs.cached(), 4);
        assert!(fs.opens() >= 50 * 3, "each pass reopens what was evicted");
    }

    #[test]
    fn written_files_keep_their_descriptor_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let fs = CachedFs::wrap(OsFs::shared(), 1);
        let a = fs.create(&dir.path().join("a")).unwrap();
        let b = fs.create(&dir.path().join("b")).unwrap();
        a.write_all_at(b"aa", 0).unwrap();
        b.write_all_at(b"bb", 0).unwrap();
        let opens = fs.opens();
        for _ in 0..10 {
            a.write_all_at(b"a", 2).unwrap();
            b.write_all_at(b"b", 2).unwrap();
            a.sync().unwrap();
            b.sync().unwrap();
        }
        assert_eq!(fs.opens(), opens, "pinned files are never reopened");
        a.release();
        b.release();
        assert_eq!(fs.cached(), 1);
        let mut buf = [0u8; 3];
        a.read_exact_at(&mut buf, 0).unwrap();
        assert_eq!(&buf, b"aaa");
    }

    #[test]
    fn a_pinned_reader_keeps_its_file_when_another_is_renamed_over_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let fs = CachedFs::wrap(OsFs::shared(), 8);
        let name = dir.path().join("0.log");
        std::fs::write(&name, b"old!").unwrap();
        let f = fs.open(&name).unwrap();
        let reader = pinned(&f).unwrap();
        let cleaned = dir.path().join("0.cleaned");
        std::fs::write(&cleaned, b"new!").unwrap();
        fs.rename(&cleaned, &name).unwrap();
        let mut buf = [0u8; 4];
        reader.read_exact_at(&mut buf, 0).unwrap();
        assert_eq!(&buf, b"old!");
        // The name now means the new file: a fresh open (or an unpinned handle) reads it.
        fs.open(&name).unwrap().read_exact_at(&mut buf, 0).unwrap();
        assert_eq!(&buf, b"new!");
    }

    #[test]
    fn removed_files_leave_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let fs = CachedFs::wrap(OsFs::shared(), 64);
        let sub = dir.path().join("t-0");
        std::fs::create_dir(&sub).unwrap();
        for i in 0..10 {
            let p = sub.join(format!("{i}.log"));
            std::fs::write(&p, b"x").unwrap();
            fs.open(&p).unwrap();
        }
        assert_eq!(fs.cached(), 10);
        fs.remove_file(&sub.join("0.log")).unwrap();
        assert_eq!(fs.cached(), 9);
        fs.remove_dir_all(&sub).unwrap();
        assert_eq!(fs.cached(), 0);
    }
}
