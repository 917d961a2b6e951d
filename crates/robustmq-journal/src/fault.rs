//! An in-memory [`FileSystem`] that injects storage faults, for tests of what the journal (and
//! every protocol above it) acknowledges.
//!
//! It keeps, for every file, the bytes written and the bytes durable as of its last successful
//! fsync, and for every directory the names created and the names durable as of its last
//! directory fsync. [`FaultFs::power_loss`] throws away everything not durable, as a machine
//! that loses power does (and as `kill -9` never does). Writes can fail (`EIO`), the disk can be
//! full (writes stop half way with `ENOSPC`), and fsyncs can fail; a failed fsync loses the
//! file's unsynced bytes for good, even if a later fsync reports success, as Linux may.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::fs::{DirEntry, FileSystem, FsFile};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    File(u64),
    Dir,
}

#[derive(Debug, Default, Clone)]
struct Dir {
    entries: BTreeMap<String, Entry>,
    durable: BTreeMap<String, Entry>,
}

#[derive(Debug, Default)]
struct Inode {
    data: Vec<u8>,
    durable: Vec<u8>,
    /// A failed fsync dropped the dirty pages: nothing more becomes durable.
    poisoned: bool,
}

/// Which faults are armed.
#[derive(Debug, Default, Clone)]
struct Faults {
    fail_syncs: bool,
    fail_writes: Option<io::ErrorKind>,
    /// Faults hit only paths containing this text (all paths when `None`).
    only: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    dirs: HashMap<PathBuf, Dir>,
    inodes: HashMap<u64, Inode>,
    next_inode: u64,
    /// Bumped by a power loss: handles opened before it fail.
    generation: u64,
    faults: Faults,
    syncs: u64,
}

/// See the module docs. Paths must be absolute.
#[derive(Debug, Default)]
pub struct FaultFs {
    state: Mutex<State>,
}

fn root() -> PathBuf {
    PathBuf::from("/")
}

fn not_found(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::NotFound,
        format!("{} not found", path.display()),
    )
}

fn split(path: &Path) -> io::Result<(PathBuf, String)> {
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => Ok((parent.to_path_buf(), name.to_string_lossy().into())),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} has no parent", path.display()),
        )),
    }
}

impl State {
    fn faulty(&self, path: &Path) -> bool {
        self.faults
            .only
            .as_ref()
            .is_none_or(|s| path.to_string_lossy().contains(s.as_str()))
    }

    fn lookup(&self, path: &Path) -> Option<Entry> {
        if path == Path::new("/") {
            return Some(Entry::Dir);
        }
        let (parent, name) = split(path).ok()?;
        self.dirs.get(&parent)?.entries.get(&name).copied()
    }

    fn inode_at(&self, path: &Path) -> io::Result<u64> {
        match self.lookup(path) {
            Some(Entry::File(ino)) => Ok(ino),
            Some(Entry::Dir) => Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                format!("{} is a directory", path.display()),
            )),
            None => Err(not_found(path)),
        }
    }

    fn dir_mut(&mut self, path: &Path) -> io::Result<&mut Dir> {
        self.dirs.get_mut(path).ok_or_else(|| not_found(path))
    }
}

/// A handle on one file of a [`FaultFs`].
#[derive(Debug)]
struct FaultFile {
    fs: Arc<FaultFs>,
    inode: u64,
    path: PathBuf,
    generation: u64,
}

impl FaultFile {
    fn with<T>(&self, f: impl FnOnce(&mut State, u64) -> io::Result<T>) -> io::Result<T> {
        let mut st = self.fs.lock();
        if st.generation != self.generation || !st.inodes.contains_key(&self.inode) {
            return Err(io::Error::other("the machine lost power"));
        }
        f(&mut st, self.inode)
    }
}

impl FsFile for FaultFile {
    fn size(&self) -> io::Result<u64> {
        self.with(|st, ino| Ok(st.inodes[&ino].data.len() as u64))
    }

    fn read_exact_at(&self, buf: &mut [u8], pos: u64) -> io::Result<()> {
        self.with(|st, ino| {
            let data = &st.inodes[&ino].data;
            let start = usize::try_from(pos).map_err(io::Error::other)?;
            let end = start.checked_add(buf.len()).filter(|&e| e <= data.len());
            match end {
                Some(end) => {
                    buf.copy_from_slice(&data[start..end]);
                    Ok(())
                }
                None => Err(io::Error::from(io::ErrorKind::UnexpectedEof)),
            }
        })
    }

    fn write_all_at(&self, buf: &[u8], pos: u64) -> io::Result<()> {
        let path = self.path.clone();
        self.with(|st, ino| {
            let fail = st.faults.fail_writes.filter(|_| st.faulty(&path));
            // A full disk takes part of the write before it refuses the rest.
            let take = match fail {
                Some(io::ErrorKind::StorageFull) => buf.len() / 2,
                Some(_) => 0,
                None => buf.len(),
            };
            let start = usize::try_from(pos).map_err(io::Error::other)?;
            let node = st.inodes.get_mut(&ino).ok_or_else(|| not_found(&path))?;
            if take > 0 {
                if node.data.len() < start + take {
                    node.data.resize(start + take, 0);
                }
                node.data[start..start + take].copy_from_slice(&buf[..take]);
            }
            match fail {
                Some(kind) => Err(io::Error::new(kind, "injected write fault")),
                None => Ok(()),
            }
        })
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let path = self.path.clone();
        self.with(|st, ino| {
            if let Some(kind) = st.faults.fail_writes.filter(|_| st.faulty(&path)) {
                return Err(io::Error::new(kind, "injected write fault"));
            }
            let len = usize::try_from(len).map_err(io::Error::other)?;
            let node = st.inodes.get_mut(&ino).ok_or_else(|| not_found(&path))?;
            node.data.resize(len, 0);
            Ok(())
        })
    }

    fn sync(&self) -> io::Result<()> {
        let path = self.path.clone();
        self.with(|st, ino| {
            st.syncs += 1;
            let fail = st.faults.fail_syncs && st.faulty(&path);
            let node = st.inodes.get_mut(&ino).ok_or_else(|| not_found(&path))?;
            if fail {
                node.poisoned = true;
                return Err(io::Error::other("injected fsync failure"));
            }
            if !node.poisoned {
                node.durable.clone_from(&node.data);
            }
            Ok(())
        })
    }
}

impl FaultFs {
    pub fn new() -> Arc<Self> {
        let fs = FaultFs::default();
        fs.lock().dirs.insert(root(), Dir::default());
        Arc::new(fs)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes every fsync (file or directory) fail while `on`.
    pub fn fail_syncs(&self, on: bool) {
        self.lock().faults.fail_syncs = on;
    }

    /// Makes writes and truncations fail with `kind` (`StorageFull`: a full disk, which takes
    /// half of each write first), or heals them with `None`.
    pub fn fail_writes(&self, kind: Option<io::ErrorKind>) {
        self.lock().faults.fail_writes = kind;
    }

    /// Limits the armed faults to paths that contain `text` (`None`: every path).
    pub fn only_paths_with(&self, text: Option<&str>) {
        self.lock().faults.only = text.map(str::to_string);
    }

    /// How many file fsyncs were asked for, successful or not.
    pub fn syncs(&self) -> u64 {
        self.lock().syncs
    }

    /// The machine loses power: every file keeps only its durable bytes, every directory only
    /// its durable names, and handles opened before fail. Faults are disarmed (a new boot).
    pub fn power_loss(&self) {
        let mut st = self.lock();
        st.generation += 1;
        st.faults = Faults::default();
        for dir in st.dirs.values_mut() {
            dir.entries = dir.durable.clone();
        }
        // Keep the directories still reachable from the root, and the files they name.
        let mut reachable: HashMap<PathBuf, Dir> = HashMap::new();
        let mut files = Vec::new();
        let mut todo = vec![root()];
        while let Some(path) = todo.pop() {
            let Some(dir) = st.dirs.get(&path).cloned() else {
                continue;
            };
            for (name, entry) in &dir.entries {
                match entry {
                    Entry::Dir => todo.push(path.join(name)),
                    Entry::File(ino) => files.push(*ino),
                }
            }
            reachable.insert(path, dir);
        }
        st.dirs = reachable;
        let mut inodes = HashMap::new();
        for ino in files {
            if let Some(mut node) = st.inodes.remove(&ino) {
                node.data.clone_from(&node.durable);
                node.poisoned = false;
                inodes.insert(ino, node);
            }
        }
        st.inodes = inodes;
    }

    fn handle(self: &Arc<Self>, st: &State, inode: u64, path: &Path) -> Arc<dyn FsFile> {
        Arc::new(FaultFile {
            fs: Arc::clone(self),
            inode,
            path: path.to_path_buf(),
            generation: st.generation,
        })
    }
}

/// The file-system face of a shared [`FaultFs`].
impl FileSystem for Arc<FaultFs> {
    fn create_dir_all(&self, path: &Path) -> io::Result<()> {
        let mut st = self.lock();
        let mut at = root();
        for part in path.components() {
            let Component::Normal(name) = part else {
                continue;
            };
            let name = name.to_string_lossy().to_string();
            let child = at.join(&name);
            match st.dir_mut(&at)?.entries.get(&name) {
                Some(Entry::Dir) => {}
                Some(Entry::File(_)) => {
                    return Err(io::Error::new(
                        io::ErrorKind::AlreadyExists,
                        format!("{} is a file", child.display()),
                    ))
                }
                None => {
                    st.dir_mut(&at)?.entries.insert(name, Entry::Dir);
                    st.dirs.insert(child.clone(), Dir::default());
                }
            }
            at = child;
        }
        Ok(())
    }

    fn open(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        let st = self.lock();
        let ino = st.inode_at(path)?;
        Ok(self.handle(&st, ino, path))
    }

    fn create(&self, path: &Path) -> io::Result<Arc<dyn FsFile>> {
        let mut st = self.lock();
        let (parent, name) = split(path)?;
        if let Some(kind) = st.faults.fail_writes.filter(|_| st.faulty(path)) {
            return Err(io::Error::new(kind, "injected write fault"));
        }
        let existing = st.dir_mut(&parent)?.entries.get(&name).copied();
        let ino = match existing {
            Some(Entry::File(ino)) => {
                if let Some(node) = st.inodes.get_mut(&ino) {
                    node.data.clear();
                }
                ino
            }
            Some(Entry::Dir) => return Err(io::Error::from(io::ErrorKind::IsADirectory)),
            None => {
                st.next_inode += 1;
                let ino = st.next_inode;
                st.inodes.insert(ino, Inode::default());
                st.dir_mut(&parent)?.entries.insert(name, Entry::File(ino));
                ino
            }
        };
        Ok(self.handle(&st, ino, path))
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let st = self.lock();
        let ino = st.inode_at(path)?;
        Ok(st
            .inodes
            .get(&ino)
            .map(|n| n.data.clone())
            .unwrap_or_default())
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut st = self.lock();
        let (from_dir, from_name) = split(from)?;
        let (to_dir, to_name) = split(to)?;
        if !st.dirs.contains_key(&to_dir) {
            return Err(not_found(&to_dir));
        }
        let entry = st
            .dir_mut(&from_dir)?
            .entries
            .remove(&from_name)
            .ok_or_else(|| not_found(from))?;
        st.dir_mut(&to_dir)?.entries.insert(to_name, entry);
        if entry == Entry::Dir {
            // Move the directory's subtree to its new path.
            let moved: Vec<PathBuf> = st
                .dirs
                .keys()
                .filter(|p| p.starts_with(from))
                .cloned()
                .collect();
            for old in moved {
                if let (Some(dir), Ok(rest)) = (st.dirs.remove(&old), old.strip_prefix(from)) {
                    st.dirs.insert(to.join(rest), dir);
                }
            }
        }
        Ok(())
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        let mut st = self.lock();
        st.inode_at(path)?;
        let (parent, name) = split(path)?;
        st.dir_mut(&parent)?.entries.remove(&name);
        Ok(())
    }

    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        let mut st = self.lock();
        if st.lookup(path) != Some(Entry::Dir) {
            return Err(not_found(path));
        }
        let (parent, name) = split(path)?;
        st.dir_mut(&parent)?.entries.remove(&name);
        // Its names go at once; like the name in the parent, their removal is not durable
        // until synced, so a power loss brings the tree back as it was last synced.
        let inside: Vec<PathBuf> = st
            .dirs
            .keys()
            .filter(|p| p.starts_with(path))
            .cloned()
            .collect();
        for p in inside {
            if let Some(dir) = st.dirs.get_mut(&p) {
                dir.entries.clear();
            }
        }
        Ok(())
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<DirEntry>> {
        let st = self.lock();
        if st.lookup(path) != Some(Entry::Dir) {
            return Err(not_found(path));
        }
        let dir = st.dirs.get(path).ok_or_else(|| not_found(path))?;
        Ok(dir
            .entries
            .iter()
            .map(|(name, e)| DirEntry {
                name: name.clone(),
                is_dir: *e == Entry::Dir,
            })
            .collect())
    }

    fn exists(&self, path: &Path) -> bool {
        self.lock().lookup(path).is_some()
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.lock().lookup(path) == Some(Entry::Dir)
    }

    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        let mut st = self.lock();
        if st.faults.fail_syncs && st.faulty(path) {
            return Err(io::Error::other("injected fsync failure"));
        }
        if st.lookup(path) != Some(Entry::Dir) {
            return Err(not_found(path));
        }
        let dir = st.dir_mut(path)?;
        dir.durable = dir.entries.clone();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn power_loss_keeps_only_synced_bytes_and_names() {
        let fs = FaultFs::new();
        fs.create_dir_all(&p("/j/t-0")).unwrap();
        fs.sync_dir(&p("/")).unwrap();
        fs.sync_dir(&p("/j")).unwrap();
        let f = fs.create(&p("/j/t-0/a")).unwrap();
        f.write_all_at(b"hello", 0).unwrap();
        f.sync().unwrap();
        f.write_all_at(b" world", 5).unwrap();
        fs.sync_dir(&p("/j/t-0")).unwrap();
        let g = fs.create(&p("/j/t-0/b")).unwrap();
        g.write_all_at(b"x", 0).unwrap();
        g.sync().unwrap();
        fs.power_loss();
        assert!(f.size().is_err(), "old handles die with the power");
        assert_eq!(fs.read(&p("/j/t-0/a")).unwrap(), b"hello");
        assert!(!fs.exists(&p("/j/t-0/b")), "b's name was never synced");
    }

    #[test]
    fn an_unsynced_directory_vanishes_with_its_synced_files() {
        let fs = FaultFs::new();
        fs.create_dir_all(&p("/j/t-0")).unwrap();
        fs.sync_dir(&p("/j/t-0")).unwrap();
        let f = fs.create(&p("/j/t-0/a")).unwrap();
        f.sync().unwrap();
        fs.sync_dir(&p("/j/t-0")).unwrap();
        fs.power_loss();
        assert!(!fs.exists(&p("/j")));
    }

    #[test]
    fn a_failed_fsync_loses_the_dirty_bytes_for_good() {
        let fs = FaultFs::new();
        fs.create_dir_all(&p("/d")).unwrap();
        fs.sync_dir(&p("/")).unwrap();
        let f = fs.create(&p("/d/a")).unwrap();
        fs.sync_dir(&p("/d")).unwrap();
        f.write_all_at(b"abc", 0).unwrap();
        fs.fail_syncs(true);
        assert!(f.sync().is_err());
        fs.fail_syncs(false);
        f.sync().expect("the retry reports success");
        fs.power_loss();
        assert_eq!(fs.read(&p("/d/a")).unwrap(), b"");
    }

    #[test]
    fn a_full_disk_takes_half_a_write() {
        let fs = FaultFs::new();
        let f = fs.create(&p("/a")).unwrap();
        fs.fail_writes(Some(io::ErrorKind::StorageFull));
        let e = f.write_all_at(b"abcd", 0).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert_eq!(fs.read(&p("/a")).unwrap(), b"ab");
        fs.only_paths_with(Some("other"));
        f.write_all_at(b"cd", 2).unwrap();
        assert_eq!(fs.read(&p("/a")).unwrap(), b"abcd");
    }

    #[test]
    fn removes_and_renames_are_undone_until_the_directory_is_synced() {
        let fs = FaultFs::new();
        let f = fs.create(&p("/a")).unwrap();
        f.write_all_at(b"1", 0).unwrap();
        f.sync().unwrap();
        fs.sync_dir(&p("/")).unwrap();
        fs.rename(&p("/a"), &p("/b")).unwrap();
        assert!(fs.exists(&p("/b")) && !fs.exists(&p("/a")));
        fs.power_loss();
        assert!(fs.exists(&p("/a")) && !fs.exists(&p("/b")));
        fs.remove_file(&p("/a")).unwrap();
        fs.sync_dir(&p("/")).unwrap();
        fs.power_loss();
        assert!(!fs.exists(&p("/a")));
    }
}
