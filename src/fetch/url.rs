//! Files and tarballs named by a URL (`http://`, `https://`, `file://`, or
//! an absolute path), as `fetchurl`, `fetchTarball` and `fetchTree` of type
//! `file`/`tarball` want them.
//!
//! With an expected hash, a store path already holding that content answers
//! without any download. Otherwise a cached fetch of the same URL and name
//! is reused while younger than `tarball-ttl` (and always in offline mode);
//! an older one is revalidated with its ETag. A download lands in a private
//! scratch directory, is hashed (and unpacked), compared with the expected
//! hash — a mismatch names the URL and both hashes — and only then added to
//! the store. Local files (`file://`, paths) are read afresh every time.

use std::path::{Path, PathBuf};

use super::cache::{self, Entry};
use super::unpack::{remove_scratch, scratch_dir, scratch_dir_in, unpack};
use crate::store::download::{download_with, Request};
use crate::store::hash::hash_file;
use crate::store::local::Store;
use crate::store::path::fixed_output_path;
use crate::store::{FileIngestionMethod, Hash, HashAlgo, StorePath};

/// What to make of the bytes at the URL.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// `fetchurl`: the file itself, hashed flat.
    File,
    /// `fetchurl { executable = true; }` and `fetchTree { type = "file"; }`:
    /// the file as a NAR (executable or not).
    FileTree { executable: bool },
    /// `fetchTarball`, `fetchTree { type = "tarball"; }`: the unpacked tree.
    Tarball,
}

impl Kind {
    fn method(self) -> FileIngestionMethod {
        match self {
            Kind::File => FileIngestionMethod::Flat,
            _ => FileIngestionMethod::Recursive,
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Kind::File => "file",
            Kind::FileTree { executable: false } => "file-nar",
            Kind::FileTree { executable: true } => "file-nar-x",
            Kind::Tarball => "tarball",
        }
    }
}

/// A fetch request.
pub struct Fetch<'a> {
    pub url: &'a str,
    pub name: &'a str,
    pub kind: Kind,
    /// The expected hash: of the file (flat) or of its NAR / the unpacked tree's NAR.
    pub expected: Option<&'a Hash>,
    /// Extra request headers (forge tokens).
    pub headers: Vec<(String, String)>,
    /// Reuse a cached result whatever its age (immutable URLs).
    pub immutable: bool,
}

/// What a fetch produced.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub path: StorePath,
    /// SHA-256 of the store object's NAR.
    pub nar_hash: Hash,
    /// For archives: the newest entry time.
    pub last_modified: Option<i64>,
    /// The lockable URL the server named (`Link: <URL>; rel="immutable"`).
    pub immutable_url: Option<String>,
}

/// Where a `file://` URL or absolute path is on this machine.
pub fn local_path(url: &str) -> Option<PathBuf> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Some(PathBuf::from(crate::store::download::percent_decode(rest)));
    }
    if let Some(rest) = url.strip_prefix("path:") {
        return Some(PathBuf::from(rest));
    }
    url.starts_with('/').then(|| PathBuf::from(url))
}

fn is_remote(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

fn nar_sha256(store: &Store, path: &StorePath) -> Result<Hash, String> {
    if let Ok(Some(info)) = store.query_info(path) {
        return Ok(info.nar_hash);
    }
    let real = store.real_path_of(&path.to_absolute()).map_err(|e| e.to_string())?;
    Ok(crate::store::nar::hash_path(HashAlgo::Sha256, &real).map_err(|e| e.to_string())?.0)
}

#[cold]
fn mismatch(url: &str, specified: &Hash, got: &Hash) -> String {
    format!(
        "hash mismatch in file downloaded from '{url}':\n  specified: {}\n  got:       {}",
        specified.to_sri(),
        got.to_sri()
    )
}

/// Fetches `f` into `store`.
pub fn fetch(store: &Store, f: &Fetch<'_>) -> Result<Fetched, String> {
    let key = format!("{}\0{}\0{}", f.kind.tag(), f.name, f.url);
    let remote = is_remote(f.url);
    let entry = if remote { cache::lookup(store, &key) } else { None };
    let cached_last_modified = entry.as_ref().and_then(|e| e.last_modified);
    if let Some(expected) = f.expected {
        let path =
            fixed_output_path(f.name, f.kind.method(), expected, &Default::default()).map_err(|e| e.to_string())?;
        // Already here, or in a binary cache (a content-addressed path needs no signature).
        let subst = super::binary_cache::Substituters::from_settings();
        let substituted = || match subst.urls.is_empty() {
            true => false,
            false => subst.substitute(store, &path).unwrap_or(false),
        };
        if store.is_valid(&path).map_err(|e| e.to_string())? || substituted() {
            let nar_hash = nar_sha256(store, &path)?;
            let immutable_url = entry.as_ref().and_then(|e| e.immutable_url.clone());
            return Ok(Fetched { path, nar_hash, last_modified: cached_last_modified, immutable_url });
        }
    }
    let settings = super::settings();
    let valid = entry.as_ref().and_then(|e| cache::valid_path(store, e).map(|p| (e.clone(), p)));
    if let Some((e, path)) = &valid {
        if settings.offline || f.immutable || e.fresh(settings.tarball_ttl) {
            return finish_cached(store, f, e, path.clone());
        }
    }
    if remote && settings.offline {
        return Err(super::offline_error(f.url));
    }
    if !remote && local_path(f.url).is_none() {
        return Err(format!("cannot fetch '{}': tern fetches http://, https:// and file:// URLs", f.url));
    }
    // On the store's file system, so an unpacked tree can be moved into the store.
    let tmp_parent = super::state_dir(store).join("tmp");
    let scratch = match std::fs::create_dir_all(&tmp_parent) {
        Ok(()) => scratch_dir_in(&tmp_parent, "download")?,
        Err(_) => scratch_dir("download")?,
    };
    let result = fetch_into(store, f, &scratch, valid.as_ref().map(|(e, p)| (e, p)));
    remove_scratch(&scratch);
    let (fetched, etag) = result?;
    if remote {
        let entry = Entry {
            store_path: Some(fetched.path.to_absolute()),
            nar_hash: Some(fetched.nar_hash.to_sri()),
            etag,
            last_modified: fetched.last_modified,
            rev: None,
            immutable_url: fetched.immutable_url.clone(),
            time: super::now(),
        };
        cache::put(store, &key, &entry);
    }
    Ok(fetched)
}

fn finish_cached(store: &Store, f: &Fetch<'_>, e: &Entry, path: StorePath) -> Result<Fetched, String> {
    let nar_hash = match e.nar_hash.as_deref().and_then(|h| Hash::parse_any(h, None).ok()) {
        Some(h) => h,
        None => nar_sha256(store, &path)?,
    };
    if let Some(expected) = f.expected {
        // The cached copy is not what is asked for: say so rather than fetch again.
        let got = match f.kind {
            Kind::File => {
                let real = store.real_path_of(&path.to_absolute()).map_err(|e| e.to_string())?;
                hash_file(expected.algo(), &real).map_err(|e| e.to_string())?
            }
            _ if expected.algo() == HashAlgo::Sha256 => nar_hash.clone(),
            _ => {
                let real = store.real_path_of(&path.to_absolute()).map_err(|e| e.to_string())?;
                crate::store::nar::hash_path(expected.algo(), &real).map_err(|e| e.to_string())?.0
            }
        };
        if &got != expected {
            return Err(mismatch(f.url, expected, &got));
        }
    }
    Ok(Fetched { path, nar_hash, last_modified: e.last_modified, immutable_url: e.immutable_url.clone() })
}

/// Downloads (or copies) into `scratch`, checks and adds. Returns the result and the ETag.
fn fetch_into(
    store: &Store,
    f: &Fetch<'_>,
    scratch: &Path,
    cached: Option<(&Entry, &StorePath)>,
) -> Result<(Fetched, Option<String>), String> {
    let file = scratch.join("download");
    let mut etag = None;
    let mut immutable_url = None;
    if let Some(src) = local_path(f.url) {
        let meta = std::fs::metadata(&src).map_err(|e| format!("cannot read '{}': {e}", src.display()))?;
        if f.kind != Kind::Tarball && !meta.is_file() {
            return Err(format!("'{}' is not a regular file", src.display()));
        }
        std::fs::copy(&src, &file).map_err(|e| format!("cannot read '{}': {e}", src.display()))?;
    } else {
        let request = Request {
            url: f.url.to_string(),
            headers: f.headers.clone(),
            etag: cached.and_then(|(e, _)| e.etag.clone()),
        };
        let mut progress = Progress::new(f.url);
        let got =
            download_with(&request, &file, &mut |done, total| progress.report(done, total)).map_err(|e| e.message)?;
        progress.done();
        if got.not_modified {
            if let Some((e, path)) = cached {
                let refreshed = Entry { time: super::now(), ..e.clone() };
                cache::put(store, &format!("{}\0{}\0{}", f.kind.tag(), f.name, f.url), &refreshed);
                return Ok((finish_cached(store, f, &refreshed, path.clone())?, refreshed.etag));
            }
        }
        etag = got.etag;
        immutable_url = got.immutable_url;
    }
    let add_err = |e: crate::store::StoreError| e.to_string();
    let fetched = match f.kind {
        Kind::File => {
            let algo = f.expected.map(Hash::algo).unwrap_or(HashAlgo::Sha256);
            let got = hash_file(algo, &file).map_err(add_err)?;
            check(f, &got)?;
            let path = store.add_fixed(&file, f.name, FileIngestionMethod::Flat, &got).map_err(add_err)?;
            Fetched { nar_hash: nar_sha256(store, &path)?, path, last_modified: None, immutable_url: None }
        }
        Kind::FileTree { executable } => {
            use std::os::unix::fs::PermissionsExt;
            let mode = if executable { 0o755 } else { 0o644 };
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).map_err(|e| e.to_string())?;
            add_tree(store, f, &file, None)?
        }
        Kind::Tarball => {
            let dest = scratch.join("unpacked");
            std::fs::create_dir(&dest).map_err(|e| format!("cannot create '{}': {e}", dest.display()))?;
            let unpacked = unpack(&file, &dest).map_err(|e| format!("{e} (downloaded from '{}')", f.url))?;
            let _ = std::fs::remove_file(&file);
            add_tree_moving(store, f, &unpacked.root, unpacked.last_modified)?
        }
    };
    Ok((Fetched { immutable_url, ..fetched }, etag))
}

fn check(f: &Fetch<'_>, got: &Hash) -> Result<(), String> {
    match f.expected {
        Some(e) if e != got => Err(mismatch(f.url, e, got)),
        _ => Ok(()),
    }
}

fn add_tree(store: &Store, f: &Fetch<'_>, root: &Path, last_modified: Option<i64>) -> Result<Fetched, String> {
    let (nar_hash, _) = crate::store::nar::hash_path(HashAlgo::Sha256, root).map_err(|e| e.to_string())?;
    let got = match f.expected {
        Some(e) if e.algo() != HashAlgo::Sha256 => {
            crate::store::nar::hash_path(e.algo(), root).map_err(|e| e.to_string())?.0
        }
        _ => nar_hash.clone(),
    };
    check(f, &got)?;
    let path = store.add_fixed(root, f.name, FileIngestionMethod::Recursive, &got).map_err(|e| e.to_string())?;
    Ok(Fetched { path, nar_hash, last_modified, immutable_url: None })
}

/// [`add_tree`] for an unpacked archive in a private scratch directory: hashed once and
/// moved into the store.
fn add_tree_moving(store: &Store, f: &Fetch<'_>, root: &Path, last_modified: i64) -> Result<Fetched, String> {
    if f.expected.is_some_and(|e| e.algo() != HashAlgo::Sha256) {
        return add_tree(store, f, root, Some(last_modified));
    }
    let (nar_hash, nar_size) = crate::store::nar::hash_path(HashAlgo::Sha256, root).map_err(|e| e.to_string())?;
    check(f, &nar_hash)?;
    let path = store.add_fixed_tree_moving(root, f.name, &nar_hash, nar_size).map_err(|e| e.to_string())?;
    Ok(Fetched { path, nar_hash, last_modified: Some(last_modified), immutable_url: None })
}

/// A progress line on a terminal for downloads that take a while.
struct Progress<'a> {
    url: &'a str,
    shown: bool,
    tty: bool,
    start: std::time::Instant,
}

impl<'a> Progress<'a> {
    fn new(url: &'a str) -> Progress<'a> {
        use std::io::IsTerminal;
        Progress { url, shown: false, tty: std::io::stderr().is_terminal(), start: std::time::Instant::now() }
    }

    fn report(&mut self, done: u64, total: Option<u64>) {
        if !self.tty || self.start.elapsed() < std::time::Duration::from_secs(1) {
            return;
        }
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        let of = total.map(|t| format!(" of {:.1} MiB", mib(t))).unwrap_or_default();
        eprint!("\r\x1b[Kdownloading '{}': {:.1} MiB{of}", self.url, mib(done));
        self.shown = true;
    }

    fn done(&mut self) {
        if self.shown {
            eprint!("\r\x1b[K");
        }
    }
}
