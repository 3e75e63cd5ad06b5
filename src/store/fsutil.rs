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
use std::os::unix::fs::OpenOptionsExt;
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
/// When tern runs as root, everything is also given to root (an isolated
/// builder's files belong to its unprivileged build user). Files are
/// changed through descriptors opened without following symlinks, so a
/// symlink swapped in meanwhile is refused rather than followed.
pub fn canonicalise(path: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: no side effects.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let meta = fs::symlink_metadata(path).map_err(|e| StoreError::io("get status of", path, e))?;
    let mode = match EntryType::of(&meta.file_type()) {
        EntryType::Symlink => {
            if uid == 0 && (meta.uid() != uid || meta.gid() != gid) {
                std::os::unix::fs::lchown(path, Some(uid), Some(gid))
                    .map_err(|e| StoreError::io("change the owner of", path, e))?;
            }
            return Ok(());
        }
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
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| StoreError::io("open", path, e))?;
    let now = file.metadata().map_err(|e| StoreError::io("get status of", path, e))?;
    if now.ino() != meta.ino() || now.dev() != meta.dev() {
        return Err(StoreError::Other(format!("'{}' changed while it was being canonicalised", path.display())));
    }
    if uid == 0 && (meta.uid() != uid || meta.gid() != gid) {
        std::os::unix::fs::fchown(&file, Some(uid), Some(gid))
            .map_err(|e| StoreError::io("change the owner of", path, e))?;
    }
    file.set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
        .map_err(|e| StoreError::io("set the modification time of", path, e))?;
    file.set_permissions(fs::Permissions::from_mode(mode))
        .map_err(|e| StoreError::io("set the permissions of", path, e))
}

/// Gives every regular file under `roots` that is also linked from
/// somewhere else (its link count exceeds the links found under `roots`)
/// its own copy, leaving the other file untouched: a builder may not make
/// tern change the mode, owner or time of a file outside its outputs by
/// hard-linking it in. Returns how many files were copied.
pub fn unshare_hard_links(roots: &[PathBuf]) -> Result<usize> {
    use std::collections::HashMap;
    use std::os::unix::fs::MetadataExt;
    let mut seen: HashMap<(u64, u64), (u64, Vec<PathBuf>)> = HashMap::new();
    fn walk(path: &Path, seen: &mut HashMap<(u64, u64), (u64, Vec<PathBuf>)>) -> Result<()> {
        let meta = fs::symlink_metadata(path).map_err(|e| StoreError::io("get status of", path, e))?;
        if meta.is_dir() {
            for name in sorted_entries(path)? {
                walk(&path.join(name), seen)?;
            }
        } else if meta.is_file() && meta.nlink() > 1 {
            seen.entry((meta.dev(), meta.ino())).or_insert_with(|| (meta.nlink(), Vec::new())).1.push(path.into());
        }
        Ok(())
    }
    for root in roots {
        walk(root, &mut seen)?;
    }
    let mut copied = 0;
    for (links, paths) in seen.into_values() {
        if paths.len() as u64 >= links {
            continue;
        }
        for path in paths {
            let dir = path.parent().unwrap_or(Path::new("."));
            let tmp = dir.join(format!(".tern-unlink-{}", std::process::id()));
            let _ = fs::remove_file(&tmp);
            // A directory made read-only by the builder must take the copy.
            let dir_mode = fs::symlink_metadata(dir).map_err(|e| StoreError::io("get status of", dir, e))?.mode();
            fs::set_permissions(dir, fs::Permissions::from_mode(dir_mode | 0o700))
                .map_err(|e| StoreError::io("make writable", dir, e))?;
            fs::copy(&path, &tmp).map_err(|e| StoreError::io("copy", &path, e))?;
            fs::rename(&tmp, &path).map_err(|e| StoreError::io("replace", &path, e))?;
            copied += 1;
        }
    }
    Ok(copied)
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
