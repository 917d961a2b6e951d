//! The journal's file-system seam. Every file the journal creates, writes, syncs, renames or
//! deletes goes through [`FileSystem`], so a test can swap the real disk ([`OsFs`]) for one that
//! fails writes and fsyncs or loses power ([`crate::fault::FaultFs`]): `kill -9` keeps the page
//! cache, so only such a seam shows whether an acknowledgement ever covers data a crash loses.

use std::fmt::Debug;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

/// One open file, read and written at explicit positions.
pub trait FsFile: Send + Sync + Debug {
    /// The file's length in bytes.
    fn size(&self) -> io::Result<u64>;
    fn read_exact_at(&self, buf: &mut [u8], pos: u64) -> io::Result<()>;
    fn write_all_at(&self, buf: &[u8], pos: u64) -> io::Result<()>;
    fn set_len(&self, len: u64) -> io::Result<()>;
    /// Makes the file's data and length durable (fdatasync). After an error nothing written
    /// before it may be counted durable, even if a later call succeeds: Linux can drop the
    /// dirty pages of a failed fsync and report the next one clean.
    fn sync(&self) -> io::Result<()>;
    /// The file behind a handle that opens it on demand ([`crate::fd_cache`]); `None` for a
    /// handle that is its own file.
    fn resolve(&self) -> io::Result<Option<Arc<dyn FsFile>>> {
        Ok(None)
    }
    /// Done writing: a handle that opens on demand may close the file when it is not in use.
    fn release(&self) {}
}

/// A directory entry: its name and whether it is a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
}

/// The directory operations the journal needs. Names created, renamed or removed in a
/// directory are durable only after [`FileSystem::sync_dir`] on it.
pub trait FileSystem: Send + Sync + Debug {
    fn create_dir_all(&self, path: &Path) -> io::Result<()>;
    /// Opens an existing file for reading and writing.
    fn open(&self, path: &Path) -> io::Result<Arc<dyn FsFile>>;
    /// Creates a file for reading and writing, truncating one that exists.
    fn create(&self, path: &Path) -> io::Result<Arc<dyn FsFile>>;
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    fn remove_dir_all(&self, path: &Path) -> io::Result<()>;
    fn list_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>>;
    fn exists(&self, path: &Path) -> bool;
    fn is_dir(&self, path: &Path) -> bool;
    fn sync_dir(&self, path: &Path) -> io::Result<()>;
}

/// Writes a small file atomically: temp file, fsync, rename, fsync the directory.
pub fn write_atomic(fs: &dyn FileSystem, dir: &Path, name: &str, data: &[u8]) -> io::Result<()> {
    let tmp = dir.join(format!("{name}.tmp"));
    let file = fs.create(&tmp)?;
    file.write_all_at(data, 0)?;
    file.sync()?;
    drop(file);
    fs.rename(&tmp, &dir.join(name))?;
    fs.sync_dir(dir)
}

/// Removes a file, counting one that is already gone as removed.
pub fn remove_if_exists(fs: &dyn FileSystem, path: &Path) -> io::Result<()> {
    match fs.remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Creates `dir` if it is missing and makes its name durable in its parent, so a power loss
/// cannot drop a partition (or the journal root) whose files were already fsynced.
pub fn create_dir_durably(fs: &dyn FileSystem, dir: &Path) -> io::Result<()> {
    let parent = |p: &Path| {
        p.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
    };
    let mut missing = Vec::new();
    let mut at = Some(dir.to_path_buf());
    while let Some(p) = at.filter(|p| !fs.is_dir(p)) {
        at = parent(&p);
        missing.push(p);
    }
    if missing.is_empty() {
        return Ok(());
    }
    fs.create_dir_all(dir)?;
    // Top down: each new directory's name goes into its parent.
    for created in missing.iter().rev() {
        if let Some(p) = parent(created) {
            fs.sync_dir(&p)?;
        }
    }
    Ok(())
}

/// Creates (or truncates) a file for reading and writing on the real disk.
pub(crate) fn create_file(path: &Path) -> io::Result<File> {
    File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsFs;

impl OsFs {
    pub fn shared() -> Arc<dyn FileSystem> {
        Arc::new(OsFs)
    }
}

impl FsFile for File {
    fn size(&self) -> io::Result<u64> {
        Ok(self.metadata()?.len())
    }
    fn read_exact_at(&self, buf: &mut [u8], pos: u64) -> io::Result<()> {
        FileExt::read_exact_at(self, buf, pos)
    }
    fn write_all_at(&self, buf: &[u8], pos: u64) -> io::Result<()> {
        FileExt::write_all_at(self, buf, pos)
    }
    fn set_len(&self, len: u64) -> io::Result<()> {
        File::set_len(self, len)
    }
    fn sync(&self) -> io::Result<()> {
        self.sync_data()
    }
}

impl FileSystem for OsFs {
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        std::fs::create_dir_all(path)
    }
    fn open(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        Ok(Arc::new(File::options().read(true).write(true).open(path)?))
    }
    fn create(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        Ok(Arc::new(create_file(path)?))
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }
    fn remove_file(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_file(path)
    }
    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        std::fs::remove_dir_all(path)
    }
    fn list_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            out.push(DirEntry {
                name: entry.file_name().to_string_lossy().into_owned(),
                is_dir: entry.file_type()?.is_dir(),
            });
        }
        Ok(out)
    }
    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }
    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        File::open(path)?.sync_all()
    }
}
