//! The directories one build works in, and removing those a killed tern
//! left behind.
//!
//! Each build gets an id `<pid>-<n>` and, under `<root>/var/builds/`:
//!
//! * `<id>.lock`, locked for as long as the build runs;
//! * `<id>.dir`, the path of its build directory
//!   (`$TMPDIR/nix-build-<drv name>-<n>`, mode 0700);
//! * `<id>/`, its scratch space: `store/` (the staging store an isolated
//!   builder sees as `/nix/store`, or the scratch store of `--check`) and
//!   `root/` (the mount point of the sandbox's root file system).
//!
//! They are created in that order after the lock is taken and removed in
//! the reverse order before it is released. So an id whose lock can be
//! taken belongs to a build whose tern died (kill -9, power loss):
//! [`clean_stale`], run before each set of builds, removes its build
//! directory, scratch space and record. A build directory kept on purpose
//! (`--keep-failed`) has its record removed first, so it stays.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::store::{remove_tree, PathLock, StorePath};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The directories of one running build.
pub(crate) struct WorkDir {
    pub build_dir: PathBuf,
    scratch: PathBuf,
    record: PathBuf,
    _lock: PathLock,
}

fn builds_dir(root: &Path) -> PathBuf {
    root.join("var/builds")
}

/// `$TMPDIR` (else `/tmp`), resolved.
fn temp_root() -> PathBuf {
    let tmp = std::env::var_os("TMPDIR").filter(|s| !s.is_empty()).map(PathBuf::from).unwrap_or_else(|| "/tmp".into());
    fs::canonicalize(&tmp).unwrap_or(tmp)
}

/// Creates `<tmp>/nix-build-<drv name>-<n>` (0700) with the first free `n`.
fn make_build_dir(drv_path: &StorePath) -> Result<PathBuf, String> {
    let tmp = temp_root();
    for n in 0u32.. {
        let dir = tmp.join(format!("nix-build-{}-{n}", drv_path.name()));
        match fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create build directory '{}': {e}", dir.display())),
        }
    }
    unreachable!("u32 range exhausted")
}

impl WorkDir {
    /// Takes a new id and creates the build directory and scratch space.
    pub(crate) fn create(root: &Path, drv_path: &StorePath) -> Result<WorkDir, String> {
        let builds = builds_dir(root);
        fs::create_dir_all(&builds).map_err(|e| format!("cannot create '{}': {e}", builds.display()))?;
        let id = format!("{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let lock = PathLock::acquire(&builds.join(format!("{id}.lock"))).map_err(|e| e.to_string())?;
        let build_dir = make_build_dir(drv_path)?;
        let record = builds.join(format!("{id}.dir"));
        let scratch = builds.join(&id);
        let work = WorkDir { build_dir, scratch, record, _lock: lock };
        fs::write(&work.record, work.build_dir.as_os_str().as_encoded_bytes())
            .map_err(|e| format!("cannot write '{}': {e}", work.record.display()))?;
        for dir in [work.staging(), work.root_mount_point()] {
            fs::create_dir_all(&dir).map_err(|e| format!("cannot create '{}': {e}", dir.display()))?;
        }
        Ok(work)
    }

    /// The staging (or `--check` scratch) store.
    pub(crate) fn staging(&self) -> PathBuf {
        self.scratch.join("store")
    }

    /// Where an isolated build's root file system is mounted.
    pub(crate) fn root_mount_point(&self) -> PathBuf {
        self.scratch.join("root")
    }

    /// Removes everything; the build directory stays if `keep_build_dir`.
    pub(crate) fn finish(self, keep_build_dir: bool) {
        if keep_build_dir {
            let _ = fs::remove_file(&self.record);
        } else {
            let _ = remove_tree(&self.build_dir);
        }
        let _ = remove_tree(&self.scratch);
        let _ = fs::remove_file(&self.record);
    }
}

/// Removes what builds of dead tern processes left; returns how many
/// builds were cleaned up.
pub(crate) fn clean_stale(root: &Path) -> usize {
    let builds = builds_dir(root);
    let Ok(entries) = fs::read_dir(&builds) else { return 0 };
    let mut ids: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let id = name.strip_suffix(".lock").or_else(|| name.strip_suffix(".dir")).unwrap_or(&name);
            Some(id.to_string())
        })
        .collect();
    ids.sort();
    ids.dedup();
    let mut cleaned = 0;
    for id in ids {
        // Held by a running build (ours or another tern's): leave it.
        let Ok(Some(lock)) = PathLock::try_acquire(&builds.join(format!("{id}.lock"))) else { continue };
        let record = builds.join(format!("{id}.dir"));
        if let Ok(bytes) = fs::read(&record) {
            // Only a directory named as tern names build directories is
            // removed, whatever the record says.
            let dir = PathBuf::from(std::ffi::OsStr::from_bytes(&bytes));
            let ours = dir.is_absolute()
                && dir.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("nix-build-"));
            if ours {
                let _ = remove_tree(&dir);
            }
        }
        let _ = remove_tree(&builds.join(&id));
        let _ = fs::remove_file(&record);
        drop(lock);
        cleaned += 1;
    }
    cleaned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_builds_are_removed_and_running_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        // A dead tern's build: record, scratch and build directory, no lock holder.
        let builds = builds_dir(root.path());
        fs::create_dir_all(builds.join("1-0/store")).unwrap();
        let dead_build_dir = tmp.path().join("nix-build-x.drv-0");
        fs::create_dir(&dead_build_dir).unwrap();
        fs::write(builds.join("1-0.dir"), dead_build_dir.as_os_str().as_encoded_bytes()).unwrap();
        fs::write(builds.join("1-0.lock"), b"").unwrap();
        // A record naming something that is not a build directory.
        let precious = tmp.path().join("precious");
        fs::create_dir(&precious).unwrap();
        fs::write(builds.join("2-0.dir"), precious.as_os_str().as_encoded_bytes()).unwrap();
        // A running build.
        let drv = StorePath::parse("/nix/store/wnjclzlnf4asslbc8c33cqkgr3cwfw8a-x.drv").unwrap();
        let running = WorkDir::create(root.path(), &drv).unwrap();

        assert_eq!(clean_stale(root.path()), 2);
        assert!(!dead_build_dir.exists());
        assert!(!builds.join("1-0").exists() && !builds.join("1-0.dir").exists());
        assert!(precious.exists());
        assert!(running.build_dir.exists() && running.staging().exists());
        running.finish(false);
        assert_eq!(fs::read_dir(&builds).unwrap().count(), 0);
    }
}
