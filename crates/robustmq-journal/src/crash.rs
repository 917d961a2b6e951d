//! Power loss on the real disk, for end-to-end tests of a running daemon with real clients.
//!
//! [`CrashFs`] wraps [`OsFs`] and remembers, for every file this process wrote, how many bytes
//! its last successful fsync made durable, and which files and directories it created whose
//! names no directory fsync has made durable yet. [`CrashFs::power_loss`] stops every file
//! operation, cuts each file back to its durable length, deletes the files and directories whose
//! names were never made durable, and aborts the process: what a machine losing power leaves of
//! an append-only log (`kill -9` leaves the page cache intact). [`CrashFs::fail_syncs`] makes
//! every later fsync fail, and a file whose fsync failed never gains durable bytes again.
//!
//! It models appends, which is how the journal writes; an overwrite inside the durable length is
//! kept as written. Files that existed before the process started count as durable as found.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::fs::{DirEntry, FileSystem, FsFile, OsFs};

#[derive(Debug, Default)]
struct Tracked {
    durable_len: u64,
    /// A failed fsync lost the dirty pages: nothing more becomes durable.
    poisoned: bool,
}

#[derive(Debug, Default)]
struct State {
    files: HashMap<PathBuf, Tracked>,
    /// Files and directories created (or renamed into place) since their parent's last fsync.
    new_names: HashSet<PathBuf>,
    fail_syncs: bool,
}

/// See the module docs.
#[derive(Default)]
pub struct CrashFs {
    state: Mutex<State>,
}

impl fmt::Debug for CrashFs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CrashFs")
    }
}

struct CrashFile {
    fs: Arc<CrashFs>,
    file: File,
    path: PathBuf,
}

impl fmt::Debug for CrashFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CrashFile({})", self.path.display())
    }
}

impl CrashFs {
    pub fn new() -> Arc<Self> {
        Arc::new(CrashFs::default())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes every fsync from now on fail with `EIO`.
    pub fn fail_syncs(&self) {
        self.lock().fail_syncs = true;
        tracing::warn!("fault injection: every fsync fails from now on");
    }

    /// Loses power: cuts every file back to what was durable and aborts the process. Holds
    /// the state lock to the end, so no file operation runs after the cut.
    pub fn power_loss(&self) -> ! {
        let st = self.lock();
        let mut cut = 0u64;
        let mut removed = 0usize;
        let mut new: Vec<&PathBuf> = st.new_names.iter().collect();
        // Deepest first, so a directory's unsynced files go before it.
        new.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        for path in new {
            let gone = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else {
                std::fs::remove_file(path)
            };
            if gone.is_ok() {
                removed += 1;
            }
        }
        for (path, t) in &st.files {
            if st.new_names.contains(path) {
                continue;
            }
            if let Ok(meta) = std::fs::metadata(path) {
                if meta.len() > t.durable_len {
                    cut += meta.len() - t.durable_len;
                    if let Ok(f) = File::options().write(true).open(path) {
                        let _ = f.set_len(t.durable_len);
                        let _ = f.sync_all();
                    }
                }
            }
        }
        tracing::error!(
            bytes_dropped = cut,
            names_dropped = removed,
            "fault injection: simulated power loss; aborting"
        );
        eprintln!(
            "robustmqd: simulated power loss: dropped {cut} unsynced bytes and {removed} unsynced names"
        );
        std::process::abort()
    }

    fn track_existing(&self, path: &Path, len: u64) {
        self.lock()
            .files
            .entry(path.to_path_buf())
            .or_insert(Tracked {
                durable_len: len,
                poisoned: false,
            });
    }
}

impl FsFile for CrashFile {
    fn size(&self) -> io::Result<u64> {
        FsFile::size(&self.file)
    }
    fn read_exact_at(&self, buf: &mut [u8], pos: u64) -> io::Result<()> {
        FsFile::read_exact_at(&self.file, buf, pos)
    }
    fn write_all_at(&self, buf: &[u8], pos: u64) -> io::Result<()> {
        // Under the lock, so a power loss cannot run between a write and its bookkeeping.
        let _st = self.fs.lock();
        FsFile::write_all_at(&self.file, buf, pos)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        let mut st = self.fs.lock();
        FsFile::set_len(&self.file, len)?;
        if let Some(t) = st.files.get_mut(&self.path) {
            t.durable_len = t.durable_len.min(len);
        }
        Ok(())
    }
    fn sync(&self) -> io::Result<()> {
        // The length is taken before the fsync and counted after it, outside the lock (an
        // fsync is slow): bytes written meanwhile count as not durable, which errs safe.
        let len = {
            let mut st = self.fs.lock();
            if st.fail_syncs {
                st.files.entry(self.path.clone()).or_default().poisoned = true;
                return Err(io::Error::other("injected fsync failure"));
            }
            self.file.metadata()?.len()
        };
        FsFile::sync(&self.file)?;
        let mut st = self.fs.lock();
        let t = st.files.entry(self.path.clone()).or_default();
        if !t.poisoned {
            t.durable_len = t.durable_len.max(len);
        }
        Ok(())
    }
}

impl FileSystem for Arc<CrashFs> {
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        let mut st = self.lock();
        let mut missing = Vec::new();
        let mut at = Some(path);
        while let Some(p) = at.filter(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
            missing.push(p.to_path_buf());
            at = p.parent();
        }
        OsFs.create_dir_all(path)?;
        st.new_names.extend(missing);
        Ok(())
    }
    fn open(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        let file = File::options().read(true).write(true).open(path)?;
        self.track_existing(path, file.metadata()?.len());
        Ok(Arc::new(CrashFile {
            fs: Arc::clone(self),
            file,
            path: path.to_path_buf(),
        }))
    }
    fn create(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        let mut st = self.lock();
        let existed = path.exists();
        let file = crate::fs::create_file(path)?;
        let t = st.files.entry(path.to_path_buf()).or_default();
        t.durable_len = 0;
        if !existed {
            st.new_names.insert(path.to_path_buf());
        }
        Ok(Arc::new(CrashFile {
            fs: Arc::clone(self),
            file,
            path: path.to_path_buf(),
        }))
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        OsFs.read(path)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut st = self.lock();
        OsFs.rename(from, to)?;
        if let Some(t) = st.files.remove(from) {
            st.files.insert(to.to_path_buf(), t);
        }
        st.new_names.remove(from);
        st.new_names.insert(to.to_path_buf());
        Ok(())
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        let mut st = self.lock();
        OsFs.remove_file(path)?;
        st.files.remove(path);
        st.new_names.remove(path);
        Ok(())
    }
    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        let mut st = self.lock();
        OsFs.remove_dir_all(path)?;
        st.files.retain(|p, _| !p.starts_with(path));
        st.new_names.retain(|p| !p.starts_with(path));
        Ok(())
    }
    fn list_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        OsFs.list_dir(path)
    }
    fn exists(&self, path: &Path) -> bool {
        OsFs.exists(path)
    }
    fn is_dir(&self, path: &Path) -> bool {
        OsFs.is_dir(path)
    }
    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        let mut st = self.lock();
        if st.fail_syncs {
            return Err(io::Error::other("injected fsync failure"));
        }
        OsFs.sync_dir(path)?;
        st.new_names.retain(|p| p.parent() != Some(path));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_durable_lengths_and_names() {
        let dir = tempfile::tempdir().unwrap();
        let fs = CrashFs::new();
        let sub = dir.path().join("t-0");
        fs.create_dir_all(&sub).unwrap();
        assert!(fs.lock().new_names.contains(&sub));
        fs.sync_dir(dir.path()).unwrap();
        assert!(!fs.lock().new_names.contains(&sub));
        let f = fs.create(&sub.join("a")).unwrap();
        f.write_all_at(b"abc", 0).unwrap();
        f.sync().unwrap();
        f.write_all_at(b"def", 3).unwrap();
        assert_eq!(fs.lock().files[&sub.join("a")].durable_len, 3);
        fs.fail_syncs();
        assert!(f.sync().is_err());
        assert!(fs.lock().files[&sub.join("a")].poisoned);
    }
}
