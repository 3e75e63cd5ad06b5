//! The local store: store objects on disk under a root directory chosen by
//! the caller, with metadata in SQLite.
//!
//! Logical vs physical: every path tern prints, hashes or writes into a
//! `.drv` is under `/nix/store` ([`STORE_DIR`]); the bytes live under
//! `<root>/store/<hash>-<name>`, metadata and locks where the root's
//! [`Layout`] says: tern's own database, or CppNix's when the root is
//! CppNix's store (`--store /`), shared with CppNix. A tern store with
//! objects whose database is missing, empty or unreadable is refused:
//! tern would take every object for garbage.
//!
//! Adding an object: compute its path from the content first (so adding an
//! already-valid path is a hash plus one query), then, under a per-path
//! lock, re-check validity, build the object in a temporary name inside
//! `<root>/store`, canonicalise it (0444/0555, mtime 1), verify it, rename
//! it into place atomically, and only then register it in the database. A
//! crash at any point leaves either nothing or a complete object; an
//! unregistered leftover at the final name is replaced on the next add.
//! Sources are read twice (hash, then copy) but the filter runs only once:
//! its verdicts are recorded during hashing, and the copy is re-hashed so a
//! source that changed in between is an error rather than a wrong object.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::content_address::{ContentAddress, FileIngestionMethod, FixedOutputHash};
use super::db::{Db, PathInfo};
use super::derivation::{Derivation, DerivationLoader};
use super::error::{Result, StoreError};
use super::fsutil::{canonicalise, copy_tree, remove_tree, PathLock, TempObject};
use super::hash::{hash_file, hash_string, Hash, HashAlgo};
use super::layout::{Flavor, Layout};
use super::nar::{self, EntryType};
use super::overlay::Overlay;
use super::path::{fixed_output_path, source_path, split_store_path, text_path, validate_name, StorePath, STORE_DIR};

/// A local store rooted at a directory. `Send + Sync`; several `Store`s
/// (in one or many processes) may share a root.
pub struct Store {
    root: PathBuf,
    layout: Layout,
    objects: PathBuf,
    db: Mutex<Db>,
    /// CppNix's store only: the shared lock on its `big-lock`, held while open.
    _big_lock: Option<fs::File>,
    /// Set for a read-only store (`tern eval`): what would be added is kept in memory.
    overlay: Option<Mutex<Overlay>>,
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Store {
    /// Opens (creating if needed) the store rooted at `root`.
    pub fn open(root: &Path) -> Result<Store> {
        let layout = Layout::of(root);
        for dir in layout.directories() {
            fs::create_dir_all(&dir).map_err(|e| StoreError::io("create directory", &dir, e))?;
        }
        // Absolute physical paths: the builder changes directories.
        let root = fs::canonicalize(root).map_err(|e| StoreError::io("resolve", root, e))?;
        let layout = Layout { root: root.clone(), flavor: layout.flavor };
        let big_lock = layout.join_cppnix()?;
        let db_file = layout.db_file();
        if layout.flavor == Flavor::Tern {
            check_database_present(&layout.objects(), &db_file)?;
        }
        let db = Db::open(&db_file, layout.flavor)?;
        Ok(Store { objects: layout.objects(), layout, root, db: Mutex::new(db), overlay: None, _big_lock: big_lock })
    }

    /// Opens the store read-only, as `nix-instantiate --eval` treats it: texts, `.drv`
    /// files and source imports get their paths computed and are visible to this process
    /// as valid, but are not written (fetched inputs and built outputs still are).
    pub fn open_read_only(root: &Path) -> Result<Store> {
        let mut store = Store::open(root)?;
        store.overlay = Some(Mutex::new(Overlay::default()));
        Ok(store)
    }

    fn overlay(&self) -> Option<MutexGuard<'_, Overlay>> {
        self.overlay.as_ref().map(|o| o.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where this store keeps its parts, and whose conventions it follows.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    fn db(&self) -> MutexGuard<'_, Db> {
        // A panic while holding the lock cannot leave the connection in a
        // half-done state (transactions roll back on drop), so poisoning is
        // safe to ignore.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where the bytes of `path` live on disk.
    pub fn real_path(&self, path: &StorePath) -> PathBuf {
        self.objects.join(path.base_name())
    }

    /// Maps a logical path in the store (`/nix/store/<h>-x/bin/sh`) to its
    /// physical location.
    pub fn real_path_of(&self, logical: &str) -> Result<PathBuf> {
        let (sp, rest) = split_store_path(logical)?;
        // A source only recorded in memory is still at its host path.
        let recorded = self.overlay().and_then(|o| o.sources.get(&sp).cloned());
        let base = recorded.unwrap_or_else(|| self.real_path(&sp));
        Ok(match rest.strip_prefix('/') {
            Some(r) if !r.is_empty() => base.join(r),
            _ => base,
        })
    }

    pub fn is_valid(&self, path: &StorePath) -> Result<bool> {
        if let Some(overlay) = self.overlay() {
            if overlay.contains(path) {
                return Ok(true);
            }
            // An object is in place before it is registered and unregistered before it
            // is removed, so one missing on disk is not valid. A read-only evaluation asks
            // this of every `.drv` it computes, none of which it writes: a `stat` answers
            // without the database's locking (several `fcntl` calls per query).
            if fs::symlink_metadata(self.real_path(path)).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
                return Ok(false);
            }
        }
        self.db().is_valid(path)
    }

    pub fn query_info(&self, path: &StorePath) -> Result<Option<PathInfo>> {
        self.db().query_info(path)
    }

    /// References of a valid path.
    pub fn references(&self, path: &StorePath) -> Result<BTreeSet<StorePath>> {
        if let Some(refs) = self.overlay().and_then(|o| o.references(path)) {
            return Ok(refs);
        }
        self.db().references(path)?.ok_or_else(|| StoreError::NotValid { path: path.to_absolute() })
    }

    /// Valid paths referring to `path`.
    pub fn referrers(&self, path: &StorePath) -> Result<BTreeSet<StorePath>> {
        self.db().referrers(path)
    }

    /// The closure of `paths`: them and everything they reference,
    /// transitively. Every path must be valid.
    pub fn closure<'a>(&self, paths: impl IntoIterator<Item = &'a StorePath>) -> Result<BTreeSet<StorePath>> {
        let mut done = BTreeSet::new();
        let mut todo: Vec<StorePath> = paths.into_iter().cloned().collect();
        while let Some(p) = todo.pop() {
            if done.contains(&p) {
                continue;
            }
            let refs = self.references(&p)?;
            todo.extend(refs.into_iter().filter(|r| !done.contains(r)));
            done.insert(p);
        }
        Ok(done)
    }

    /// All valid paths, sorted.
    pub fn list(&self) -> Result<Vec<StorePath>> {
        self.db().list()
    }

    /// Registers an object already complete at its real path (the builder
    /// uses this for outputs). See [`Store::register_valid_paths`].
    pub fn register_valid(&self, info: PathInfo) -> Result<()> {
        self.register_valid_paths(std::slice::from_ref(&info))
    }

    /// Registers several objects at once (outputs that refer to each
    /// other). Each must exist on disk; references must be valid or in
    /// the batch.
    pub fn register_valid_paths(&self, infos: &[PathInfo]) -> Result<()> {
        for info in infos {
            let real = self.real_path(&info.path);
            fs::symlink_metadata(&real).map_err(|e| StoreError::io("register", &real, e))?;
        }
        self.db().register(infos)
    }

    /// Takes the lock the store holds while creating `path`. The builder
    /// must hold it while producing an output at its real path (and until
    /// it is registered): a source import or fixed output can land on the
    /// same path, and the store replaces unregistered objects it finds.
    pub fn lock_path(&self, path: &StorePath) -> Result<PathLock> {
        PathLock::acquire(&self.layout.lock_file(path))
    }

    /// Like [`Store::lock_path`], but returns `None` at once when another
    /// process (or thread) holds the lock.
    pub fn try_lock_path(&self, path: &StorePath) -> Result<Option<PathLock>> {
        PathLock::try_acquire(&self.layout.lock_file(path))
    }

    /// Removes whatever sits at the real location of `path` if `path` is not
    /// valid: the leftover of a crashed or failed build. The caller must
    /// hold the path's lock. Removing a valid path is refused, and so is
    /// removing something tern did not make: only a path recorded as being
    /// built ([`Store::mark_pending`]) is tern's garbage.
    pub fn remove_invalid(&self, path: &StorePath) -> Result<()> {
        if self.is_valid(path)? {
            return Err(StoreError::Other(format!("refusing to remove '{path}': it is valid")));
        }
        let real = self.real_path(path);
        if fs::symlink_metadata(&real).is_err() {
            return Ok(());
        }
        if !self.db().is_pending(path)? {
            return Err(StoreError::Other(format!(
                "'{}' exists but tern neither registered it nor was building it, so tern will not delete or \
                 overwrite it; if it is garbage, remove it yourself",
                real.display()
            )));
        }
        remove_tree(&real)
    }

    /// Records that tern is about to create `paths` at their real places:
    /// until they are registered, what sits there is tern's to remove.
    pub fn mark_pending(&self, paths: &[StorePath]) -> Result<()> {
        self.db().mark_pending(paths)
    }

    /// Moves a finished, canonical output from an isolated build's staging
    /// directory to the real location of `path`, which must be free: the
    /// caller holds the path's lock and removed any leftover. Nothing in
    /// the store is ever replaced (`RENAME_NOREPLACE`); across file systems
    /// the object is copied.
    pub fn adopt_output(&self, path: &StorePath, from: &Path) -> Result<()> {
        use std::os::unix::ffi::OsStrExt;
        let real = self.real_path(path);
        let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap_or_default();
        let (src, dst) = (c(from), c(&real));
        // SAFETY: plain system call on NUL-terminated paths.
        let r = unsafe {
            libc::renameat2(libc::AT_FDCWD, src.as_ptr(), libc::AT_FDCWD, dst.as_ptr(), libc::RENAME_NOREPLACE)
        };
        if r == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EXDEV) {
            return Err(StoreError::io("move the output into place at", &real, e));
        }
        let tmp = self.temp_object(path);
        copy_tree(from, tmp.path(), &HashSet::new())?;
        canonicalise(tmp.path())?;
        tmp.commit(&real)
    }

    /// Places an output received as a NAR (from a remote builder) at the
    /// real location of `info.path`, after checking it against `info`. The
    /// caller holds the path's lock and cleared its place, and registers
    /// the outputs once all are in place.
    pub fn place_output_from_nar(&self, info: &PathInfo, nar_stream: &mut dyn std::io::Read) -> Result<()> {
        let tmp = self.temp_object(&info.path);
        nar::restore_exact(nar_stream, tmp.path())?;
        canonicalise(tmp.path())?;
        let (hash, size) = nar::hash_path(info.nar_hash.algo(), tmp.path())?;
        if hash != info.nar_hash || size != info.nar_size {
            return Err(StoreError::Other(format!(
                "'{}' as received hashes to {} ({size} bytes), but its metadata says {} ({} bytes)",
                info.path,
                hash.to_sri(),
                info.nar_hash.to_sri(),
                info.nar_size
            )));
        }
        tmp.commit(&self.real_path(&info.path))
    }

    /// Copies an object from another store (CppNix's `/nix/store`) whose
    /// metadata is known: the copy must hash to `info.nar_hash`, and its
    /// references must be valid here already (copy a closure bottom-up).
    pub fn add_path_with_info(&self, src: &Path, info: &PathInfo) -> Result<()> {
        self.add_object(&info.path, |tmp| {
            copy_tree(src, tmp, &HashSet::new())?;
            let (hash, size) = nar::hash_path(info.nar_hash.algo(), tmp)?;
            if hash != info.nar_hash || size != info.nar_size {
                return Err(StoreError::Other(format!(
                    "cannot copy '{}': its contents hash to {} ({size} bytes), but its metadata says {} ({} bytes)",
                    src.display(),
                    hash.to_sri(),
                    info.nar_hash.to_sri(),
                    info.nar_size
                )));
            }
            Ok(info.clone())
        })
    }

    fn temp_object(&self, path: &StorePath) -> TempObject {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        // The hash part (not the name) keeps the temp name under NAME_MAX.
        let name = format!(".tmp-{}-{n}-{}", std::process::id(), path.hash_part());
        TempObject::new(self.objects.join(name))
    }

    /// Runs `create` to produce `path` unless it is valid already; see the
    /// module docs for the protocol. `create` builds the object at the
    /// temp location it is given and returns the metadata to register.
    fn add_object<E: From<StoreError>>(
        &self,
        path: &StorePath,
        create: impl FnOnce(&Path) -> Result<PathInfo, E>,
    ) -> Result<(), E> {
        if self.is_valid(path)? {
            return Ok(());
        }
        let _lock = self.lock_path(path)?;
        if self.is_valid(path)? {
            return Ok(());
        }
        let real = self.real_path(path);
        let tmp = self.temp_object(path);
        let info = create(tmp.path())?;
        canonicalise(tmp.path())?;
        // Something unregistered at the final name (we hold the lock, so
        // nobody is writing it): the same object, left by a crash between
        // the rename and the registration, is kept and registered; anything
        // else is not tern's to replace.
        if fs::symlink_metadata(&real).is_ok() {
            let same = nar::hash_path(info.nar_hash.algo(), &real).is_ok_and(|(h, _)| h == info.nar_hash);
            if !same && !self.db().is_pending(path)? {
                return Err(StoreError::Other(format!(
                    "'{}' exists with other contents and tern did not register it; tern will not overwrite it",
                    real.display()
                ))
                .into());
            }
            if same {
                canonicalise(&real)?;
            } else {
                remove_tree(&real)?;
            }
        }
        if fs::symlink_metadata(&real).is_err() {
            tmp.commit(&real)?;
        }
        self.db().register(std::slice::from_ref(&info))?;
        Ok(())
    }

    /// Adds the tree at `src` as a recursive fixed-output object whose NAR the
    /// caller has just hashed (`nar_hash`, SHA-256, and `nar_size`), *moving*
    /// it into the store rather than copying it. `src` must be a private
    /// directory of the caller's (nothing else may change it), preferably on
    /// the store's file system (`var/tmp` under the root); elsewhere it is
    /// copied. When the object is valid already, `src` is left alone.
    pub fn add_fixed_tree_moving(&self, src: &Path, name: &str, nar_hash: &Hash, nar_size: u64) -> Result<StorePath> {
        validate_name(name)?;
        let hash = nar_hash.clone();
        let path = fixed_output_path(name, FileIngestionMethod::Recursive, &hash, &BTreeSet::new())?;
        self.add_object(&path, |tmp| {
            if fs::rename(src, tmp).is_err() {
                copy_tree(src, tmp, &HashSet::new())?;
                let (copied, _) = nar::hash_path(HashAlgo::Sha256, tmp)?;
                if &copied != nar_hash {
                    return Err(changed_while_adding(src));
                }
            }
            Ok(fixed_source_info(&path, FileIngestionMethod::Recursive, hash, nar_hash.clone(), nar_size))
        })?;
        Ok(path)
    }

    /// Adds an object from its NAR serialisation with the metadata a binary
    /// cache gave for it (substitution). The unpacked tree must hash to
    /// `info.nar_hash`; references must already be valid.
    pub fn add_nar(&self, info: &PathInfo, nar: &[u8]) -> Result<()> {
        self.add_object(&info.path, |tmp| {
            nar::restore(nar, tmp)?;
            let (got, size) = nar::hash_path(info.nar_hash.algo(), tmp)?;
            if got != info.nar_hash || size != info.nar_size {
                return Err(StoreError::Other(format!(
                    "the NAR of '{}' does not match its metadata: NAR hash {} ({size} bytes), expected {} ({} bytes)",
                    info.path,
                    got.to_sri(),
                    info.nar_hash.to_sri(),
                    info.nar_size
                )));
            }
            Ok(info.clone())
        })
    }

    /// Adds a text object (`builtins.toFile`, `.drv` files). References
    /// must be valid.
    pub fn add_text(&self, name: &str, contents: &[u8], references: &BTreeSet<StorePath>) -> Result<StorePath> {
        self.add_text_keeping(name, contents, references, true)
    }

    /// `add_text`; in a read-only store's overlay the bytes are kept only if `keep_bytes`
    /// (a derivation whose output paths are recorded need not keep its text, see
    /// `add_derivation`).
    fn add_text_keeping(
        &self,
        name: &str,
        contents: &[u8],
        references: &BTreeSet<StorePath>,
        keep_bytes: bool,
    ) -> Result<StorePath> {
        let hash = hash_string(HashAlgo::Sha256, contents);
        let path = text_path(name, &hash, references)?;
        // A valid path had its references checked when it was added.
        if self.is_valid(&path)? {
            return Ok(path);
        }
        if self.overlay.is_some() {
            for r in references {
                if !self.is_valid(r)? {
                    return Err(StoreError::Other(format!(
                        "cannot add '{path}' to the store: its reference '{r}' is not valid"
                    )));
                }
            }
            if let Some(mut o) = self.overlay() {
                let bytes = if keep_bytes { contents.into() } else { Box::default() };
                o.texts.insert(path.clone(), (bytes, references.iter().cloned().collect()));
            }
            return Ok(path);
        }
        // Checked before writing anything (registration would refuse too,
        // but only after the object was moved into place).
        for r in references {
            if !self.is_valid(r)? {
                return Err(StoreError::Other(format!(
                    "cannot add '{path}' to the store: its reference '{r}' is not valid"
                )));
            }
        }
        self.add_object(&path, |tmp| {
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o644)
                .open(tmp)
                .map_err(|e| StoreError::io("create", tmp, e))?;
            f.write_all(contents).map_err(|e| StoreError::io("write", tmp, e))?;
            let (nar_hash, nar_size) = nar::hash_contents(HashAlgo::Sha256, contents, false);
            Ok::<_, StoreError>(PathInfo {
                path: path.clone(),
                nar_hash,
                nar_size,
                references: references.clone(),
                deriver: None,
                ca: Some(ContentAddress::Text(hash.clone())),
                registration_time: 0,
            })
        })?;
        Ok(path)
    }

    /// Writes a derivation as `name.drv` (references: its inputs) and
    /// records its output paths. Returns the drv path.
    ///
    /// A read-only store computes the path without writing the file, and does not keep the
    /// text either when every output path is known: an evaluation never reads back a
    /// derivation it made (its modulo hash is memoised when it is made, its output names
    /// are recorded here), and the texts of a package set's derivations were a sixth of an
    /// evaluation's peak memory.
    pub fn add_derivation(&self, drv: &Derivation) -> Result<StorePath> {
        let refs = drv.references()?;
        let outputs_known = drv.outputs.values().all(|o| !o.path.is_empty());
        let drv_path = self.add_text_keeping(&format!("{}.drv", drv.name), &drv.to_aterm(), &refs, !outputs_known)?;
        let outputs = drv
            .outputs
            .iter()
            .filter(|(_, o)| !o.path.is_empty())
            .map(|(n, o)| Ok((n.clone(), StorePath::parse(&o.path)?)))
            .collect::<Result<BTreeMap<_, _>>>()?;
        if let Some(mut o) = self.overlay() {
            // A text in the overlay was put there because the database did not have it.
            if o.texts.contains_key(&drv_path) || !self.db().is_valid(&drv_path)? {
                o.drv_outputs.insert(drv_path.clone(), outputs.into_iter().map(|(n, p)| (n.into(), p)).collect());
                return Ok(drv_path);
            }
        }
        // Re-instantiating is the common case: skip the write transaction when the same
        // outputs are recorded already (a drv path determines its outputs).
        if self.db().derivation_outputs(&drv_path)? != outputs {
            self.db().register_derivation_outputs(&drv_path, &outputs)?;
        }
        Ok(drv_path)
    }

    /// Reads and parses a `.drv` from the store.
    pub fn read_derivation(&self, drv_path: &StorePath) -> Result<Derivation> {
        if let Some(text) = self.overlay().and_then(|o| o.texts.get(drv_path).map(|(t, _)| t.clone())) {
            if text.is_empty() {
                return Err(StoreError::Other(format!(
                    "'{drv_path}' was only computed by this read-only evaluation; \
                     its text is not kept (evaluate with --read-write-mode to write it)"
                )));
            }
            return Derivation::parse_at(&text, drv_path);
        }
        let real = self.real_path(drv_path);
        let text = fs::read(&real).map_err(|e| StoreError::io("read derivation", &real, e))?;
        Derivation::parse_at(&text, drv_path)
    }

    /// The output names of a derivation made by this read-only evaluation (`None` for
    /// any other path).
    pub fn computed_derivation_output_names(&self, drv_path: &StorePath) -> Option<Vec<String>> {
        self.overlay()?.drv_outputs.get(drv_path).map(|outs| outs.iter().map(|(n, _)| n.to_string()).collect())
    }

    /// Output name → path recorded for a `.drv` added with
    /// [`Store::add_derivation`].
    pub fn derivation_outputs(&self, drv_path: &StorePath) -> Result<BTreeMap<String, StorePath>> {
        if let Some(outputs) = self.overlay().and_then(|o| {
            o.drv_outputs.get(drv_path).map(|outs| outs.iter().map(|(n, p)| (n.to_string(), p.clone())).collect())
        }) {
            return Ok(outputs);
        }
        self.db().derivation_outputs(drv_path)
    }

    /// Copies `src` into the store as `name`: recursive = a source object
    /// (NAR sha256, spec §2.2), flat = a fixed-output object of one regular
    /// file's bytes (symlinks followed, spec §2.3).
    pub fn add_path(&self, src: &Path, name: &str, method: FileIngestionMethod) -> Result<StorePath> {
        self.add_path_filtered(src, name, method, &mut |_: &Path, _| Ok::<bool, StoreError>(true))
    }

    /// Like [`Store::add_path`], with a `filterSource`-style filter over
    /// the entries below `src` (ignored for flat ingestion).
    pub fn add_path_filtered<F, E>(
        &self,
        src: &Path,
        name: &str,
        method: FileIngestionMethod,
        filter: &mut F,
    ) -> Result<StorePath, E>
    where
        F: FnMut(&Path, EntryType) -> Result<bool, E>,
        E: From<StoreError>,
    {
        validate_name(name)?;
        match method {
            FileIngestionMethod::Recursive => self.add_recursive(src, name, filter),
            FileIngestionMethod::Flat => Ok(self.add_flat(src, name)?),
        }
    }

    fn add_recursive<F, E>(&self, src: &Path, name: &str, filter: &mut F) -> Result<StorePath, E>
    where
        F: FnMut(&Path, EntryType) -> Result<bool, E>,
        E: From<StoreError>,
    {
        let mut excluded = HashSet::new();
        let mut recording = |p: &Path, t: EntryType| {
            let keep = filter(p, t)?;
            if !keep {
                excluded.insert(p.to_path_buf());
            }
            Ok::<bool, E>(keep)
        };
        let (nar_hash, nar_size) = nar::hash_path_filtered(HashAlgo::Sha256, src, &mut recording)?;
        let path = source_path(name, &nar_hash, &BTreeSet::new())?;
        // Read-only: remember where the bytes are (only unfiltered sources can be read back
        // from there; a filtered one is only named).
        if self.overlay.is_some() && !self.is_valid(&path)? {
            if let Some(mut o) = self.overlay() {
                o.sources.insert(path.clone(), src.to_path_buf());
            }
            return Ok(path);
        }
        self.add_object(&path, |tmp| {
            copy_tree(src, tmp, &excluded)?;
            let (copied, _) = nar::hash_path(HashAlgo::Sha256, tmp)?;
            if copied != nar_hash {
                return Err(changed_while_adding(src));
            }
            Ok(fixed_source_info(&path, FileIngestionMethod::Recursive, nar_hash.clone(), nar_hash.clone(), nar_size))
        })?;
        Ok(path)
    }

    fn add_flat(&self, src: &Path, name: &str) -> Result<StorePath> {
        let meta = fs::metadata(src).map_err(|e| StoreError::io("get status of", src, e))?;
        if !meta.is_file() {
            return Err(StoreError::Other(format!(
                "cannot add '{}' to the store with flat hashing: it is not a regular file",
                src.display()
            )));
        }
        let hash = hash_file(HashAlgo::Sha256, src)?;
        let path = fixed_output_path(name, FileIngestionMethod::Flat, &hash, &BTreeSet::new())?;
        if self.overlay.is_some() && !self.is_valid(&path)? {
            if let Some(mut o) = self.overlay() {
                o.sources.insert(path.clone(), src.to_path_buf());
            }
            return Ok(path);
        }
        self.add_object(&path, |tmp| {
            fs::copy(src, tmp).map_err(|e| StoreError::io("copy", src, e))?;
            // Flat objects are plain files; the source's exec bit is not
            // part of their hash and is dropped.
            fs::set_permissions(tmp, std::os::unix::fs::PermissionsExt::from_mode(0o644))
                .map_err(|e| StoreError::io("set the permissions of", tmp, e))?;
            if hash_file(HashAlgo::Sha256, tmp)? != hash {
                return Err(changed_while_adding(src));
            }
            let (nar_hash, nar_size) = nar::hash_path(HashAlgo::Sha256, tmp)?;
            Ok(fixed_source_info(&path, FileIngestionMethod::Flat, hash.clone(), nar_hash, nar_size))
        })?;
        Ok(path)
    }
}

impl Store {
    /// Adds `src` as a fixed-output object for a known `hash` (of any algorithm): flat =
    /// one regular file's bytes, recursive = the NAR of the tree. The caller has checked
    /// the hash (fetchers report mismatches in their own words); it is verified again on
    /// the copy. Used by the fetchers, whose results land where a fixed-output derivation
    /// with the same hash would.
    pub fn add_fixed(&self, src: &Path, name: &str, method: FileIngestionMethod, hash: &Hash) -> Result<StorePath> {
        validate_name(name)?;
        let path = fixed_output_path(name, method, hash, &BTreeSet::new())?;
        self.add_object(&path, |tmp| {
            let copied = match method {
                FileIngestionMethod::Flat => {
                    fs::copy(src, tmp).map_err(|e| StoreError::io("copy", src, e))?;
                    fs::set_permissions(tmp, std::os::unix::fs::PermissionsExt::from_mode(0o644))
                        .map_err(|e| StoreError::io("set the permissions of", tmp, e))?;
                    hash_file(hash.algo(), tmp)?
                }
                FileIngestionMethod::Recursive => {
                    copy_tree(src, tmp, &HashSet::new())?;
                    nar::hash_path(hash.algo(), tmp)?.0
                }
            };
            if &copied != hash {
                return Err(changed_while_adding(src));
            }
            let (nar_hash, nar_size) = nar::hash_path(HashAlgo::Sha256, tmp)?;
            Ok(fixed_source_info(&path, method, hash.clone(), nar_hash, nar_size))
        })?;
        Ok(path)
    }
}

/// The metadata of a content-addressed object without references (a
/// source or fixed output added here): `hash` is its content address.
fn fixed_source_info(
    path: &StorePath,
    method: FileIngestionMethod,
    hash: Hash,
    nar_hash: Hash,
    nar_size: u64,
) -> PathInfo {
    PathInfo {
        path: path.clone(),
        nar_hash,
        nar_size,
        references: BTreeSet::new(),
        deriver: None,
        ca: Some(ContentAddress::Fixed(FixedOutputHash { method, hash })),
        registration_time: 0,
    }
}

/// A store with objects must have its database: a missing, empty or
/// unreadable one would otherwise be taken for a new, empty store, and
/// every object for garbage. (An empty main file whose write-ahead log
/// has the data is a database in use.)
fn check_database_present(objects: &Path, db_file: &Path) -> Result<()> {
    let has_objects = match fs::read_dir(objects) {
        Ok(mut entries) => entries.any(|e| e.is_ok_and(|e| !e.file_name().as_encoded_bytes().starts_with(b"."))),
        Err(_) => false,
    };
    if !has_objects {
        return Ok(());
    }
    let problem = match fs::metadata(db_file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "is missing".to_string(),
        Err(e) => format!("cannot be read ({e})"),
        Ok(m) if m.len() == 0 => {
            let wal = db_file.with_extension("sqlite-wal");
            if fs::metadata(&wal).is_ok_and(|w| w.len() > 0) {
                return Ok(());
            }
            "is empty".to_string()
        }
        Ok(_) => match fs::File::open(db_file) {
            Ok(_) => return Ok(()),
            Err(e) => format!("cannot be read ({e})"),
        },
    };
    Err(StoreError::Other(format!(
        "the store database '{}' {problem}, but the store '{}' has objects; tern will not take it for a new, empty \
         store (that would make every object garbage). Restore the database from a backup, or move the store \
         away to start afresh",
        db_file.display(),
        objects.display()
    )))
}

fn changed_while_adding(src: &Path) -> StoreError {
    StoreError::Other(format!("'{}' changed while it was being added to the store", src.display()))
}

/// Loads input derivations from the store, for modulo hashing.
impl DerivationLoader for &Store {
    fn load_derivation(&mut self, drv_path: &str) -> Result<Derivation> {
        self.read_derivation(&StorePath::parse(drv_path)?)
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("root", &self.root).field("store_dir", &STORE_DIR).finish()
    }
}
