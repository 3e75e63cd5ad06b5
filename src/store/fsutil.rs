//! File system helpers for store objects: copying a source tree, putting a
//! finished object into its canonical form, removing read-only trees, and
//! per-path lock files.
//!
//! Canonical form (as CppNix): regular files 0444, or 0555 when the owner
//! execute bit was set; directories 0555; modification time 1 (one second
//! after the epoch) on files and directories. Symlinks keep their own
//! metadata: std offers no way to change a symlink's mtime without
//! following it, and a NAR never records it anyway.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::error::{Result, StoreError};
use super::nar::{sorted_entries, EntryType};

/// Copies the file system object at `src` to `dest` (which must not exist)
/// without following symlinks, skipping every path in `excluded` (full
/// paths as the NAR filter saw them, i.e. `src` joined with the relative
/// path). Permissions are copied; canonicalise afterwards.
pub(crate) fn copy_tree(src: &Path, dest: &Path, excluded: &HashSet<PathBuf>) -> Result<()> {
    let meta = fs::symlink_metadata(src).map_err(|e| StoreError::io("get status of", src, e))?;
    match EntryType::of(&meta.file_type()) {
        EntryType::Regular => {
            fs::copy(src, dest).map_err(|e| StoreError::io("copy", src, e))?;
        }
        EntryType::Symlink => {
            let target = fs::read_link(src).map_err(|e| StoreError::io("read symlink", src, e))?;
            std::os::unix::fs::symlink(&target, dest).map_err(|e| StoreError::io("create symlink", dest, e))?;
        }
        EntryType::Directory => {
            fs::create_dir(dest).map_err(|e| StoreError::io("create directory", dest, e))?;
            for name in sorted_entries(src)? {
                let child = src.join(&name);
                if excluded.contains(&child) {
                    continue;
                }
                copy_tree(&child, &dest.join(&name), excluded)?;
            }
        }
        EntryType::Unknown => return Err(StoreError::UnsupportedFileType { path: src.to_path_buf() }),
    }
    Ok(())
}

/// Puts the tree at `path` into canonical form, children first (setting a
/// directory read-only or its mtime must come after its entries are done).
pub fn canonicalise(path: &Path) -> Result<()> {
    let meta = fs::symlink_metadata(path).map_err(|e| StoreError::io("get status of", path, e))?;
    let mode = match EntryType::of(&meta.file_type()) {
        EntryType::Symlink => return Ok(()),
        EntryType::Directory => {
            for name in sorted_entries(path)? {
                canonicalise(&path.join(name))?;
            }
            0o555
        }
        EntryType::Regular if meta.permissions().mode() & 0o100 != 0 => 0o555,
        EntryType::Regular => 0o444,
        EntryType::Unknown => return Err(StoreError::UnsupportedFileType { path: path.to_path_buf() }),
    };
    // The mtime goes first: opening needs read permission, which both modes
    // grant, and the chmod does not touch the mtime.
    let file = File::open(path).map_err(|e| StoreError::io("open", path, e))?;
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
        .map_err(|e| StoreError::io("set the modification time of", path, e))?;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|e| StoreError::io("set the permissions of", path, e))
}

/// Removes a file system object, making read-only directories writable
/// first. A missing path is not an error.
pub fn remove_tree(path: &Path) -> Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::io("get status of", path, e)),
    };
    if meta.is_dir() {
        make_dirs_writable(path)?;
        fs::remove_dir_all(path).map_err(|e| StoreError::io("remove", path, e))
    } else {
        fs::remove_file(path).map_err(|e| StoreError::io("remove", path, e))
    }
}

fn make_dirs_writable(dir: &Path) -> Result<()> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).map_err(|e| StoreError::io("make writable", dir, e))?;
    for name in sorted_entries(dir)? {
        let child = dir.join(name);
        let meta = fs::symlink_metadata(&child).map_err(|e| StoreError::io("get status of", &child, e))?;
        if meta.is_dir() {
            make_dirs_writable(&child)?;
        }
    }
    Ok(())
}

/// An exclusive advisory lock on a lock file, held until dropped. The lock
/// file exists only while someone holds or waits for it.
#[derive(Debug)]
pub struct PathLock {
    file: File,
    path: PathBuf,
}

impl PathLock {
    /// Blocks until the lock at `lock_file` is ours.
    ///
    /// The holder deletes the file before unlocking (so lock files do not
    /// pile up, one per store object); a waiter that then gets the lock
    /// holds it on a deleted file, notices (link count 0) and retries on a
    /// fresh file. Same protocol as CppNix's path locks.
    pub(crate) fn acquire(lock_file: &Path) -> Result<PathLock> {
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(lock_file)
                .map_err(|e| StoreError::io("open lock file", lock_file, e))?;
            file.lock().map_err(|e| StoreError::io("lock", lock_file, e))?;
            let meta = file.metadata().map_err(|e| StoreError::io("get status of", lock_file, e))?;
            if std::os::unix::fs::MetadataExt::nlink(&meta) > 0 {
                return Ok(PathLock { file, path: lock_file.to_path_buf() });
            }
        }
    }
}

impl PathLock {
    /// Like [`PathLock::acquire`], but returns `None` at once when someone
    /// else holds the lock (callers poll, so they can notice an interrupt).
    pub(crate) fn try_acquire(lock_file: &Path) -> Result<Option<PathLock>> {
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(lock_file)
                .map_err(|e| StoreError::io("open lock file", lock_file, e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => return Ok(None),
                Err(fs::TryLockError::Error(e)) => return Err(StoreError::io("lock", lock_file, e)),
            }
            let meta = file.metadata().map_err(|e| StoreError::io("get status of", lock_file, e))?;
            if std::os::unix::fs::MetadataExt::nlink(&meta) > 0 {
                return Ok(Some(PathLock { file, path: lock_file.to_path_buf() }));
            }
        }
    }
}

impl Drop for PathLock {
    fn drop(&mut self) {
        // Unlink while still holding the lock (see `acquire`); the lock is
        // released when `file` is closed right after. Failure only leaves a
        // stale lock file, which is harmless.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// A temporary object inside the store directory, removed on drop unless
/// it was moved into place with [`TempObject::commit`].
pub(crate) struct TempObject {
    path: PathBuf,
    armed: bool,
}

impl TempObject {
    pub(crate) fn new(path: PathBuf) -> TempObject {
        TempObject { path, armed: true }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Atomically renames the object to `dest` (same directory).
    pub(crate) fn commit(mut self, dest: &Path) -> Result<()> {
        fs::rename(&self.path, dest).map_err(|e| StoreError::io("move into place", dest, e))?;
        self.armed = false;
        Ok(())
    }
}

impl Drop for TempObject {
    fn drop(&mut self) {
        if self.armed {
            // Best effort: a leftover temp object is harmless garbage.
            let _ = remove_tree(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn canonical_modes_and_mtime() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("obj");
        fs::create_dir(&root).unwrap();
        fs::write(root.join("f"), "x").unwrap();
        fs::write(root.join("x"), "y").unwrap();
        fs::set_permissions(root.join("x"), fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::symlink("f", root.join("l")).unwrap();
        canonicalise(&root).unwrap();
        let mode = |p: &str| fs::symlink_metadata(root.join(p)).unwrap().mode() & 0o7777;
        assert_eq!(mode("f"), 0o444);
        assert_eq!(mode("x"), 0o555);
        assert_eq!(fs::metadata(&root).unwrap().mode() & 0o7777, 0o555);
        assert_eq!(fs::metadata(root.join("f")).unwrap().mtime(), 1);
        assert_eq!(fs::metadata(&root).unwrap().mtime(), 1);
        remove_tree(&root).unwrap();
        assert!(!root.exists());
    }

    #[test]
    fn lock_files_do_not_pile_up() {
        let tmp = tempfile::tempdir().unwrap();
        let lf = tmp.path().join("x.lock");
        let l = PathLock::acquire(&lf).unwrap();
        assert!(lf.exists());
        drop(l);
        assert!(!lf.exists());
        // Contended: the second locker waits, then gets a fresh file.
        let first = PathLock::acquire(&lf).unwrap();
        let waiter = {
            let lf = lf.clone();
            std::thread::spawn(move || {
                let l = PathLock::acquire(&lf).unwrap();
                assert!(lf.exists());
                drop(l);
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(first);
        waiter.join().unwrap();
        assert!(!lf.exists());
    }

    #[test]
    fn temp_object_cleans_up() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join(".tmp-x");
        fs::create_dir(&p).unwrap();
        fs::write(p.join("f"), "x").unwrap();
        canonicalise(&p).unwrap();
        drop(TempObject::new(p.clone()));
        assert!(!p.exists());
    }
}
