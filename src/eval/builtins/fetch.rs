//! Fetchers: `fetchurl fetchTarball fetchGit fetchTree fetchMercurial`.
//!
//! tern runs without network access, so fetchers take their input from this machine:
//! `file://` URLs and absolute paths, and local git repositories (through the `git`
//! command). Anything else is refused with a message saying how to supply it locally.
//! Results land where CppNix puts them: `fetchurl` gives a flat fixed-output path,
//! `fetchTarball` and `fetchGit` a recursive one (named `source` by default), so a later
//! fixed-output derivation with the same hash finds them. A given hash is checked first; a
//! mismatch names both hashes and adds nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use crate::diag::source_map::Span;
use crate::store::{FileIngestionMethod, Hash, HashAlgo, StorePath};
use crate::symbol::Symbol;

use super::super::attrs::{Attrs, AttrsBuilder};
use super::super::coerce::Coerce;
use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::super::string::{Context, ContextElem, NixString};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::git_tree::{export_commit, export_work_tree, git};
use super::PrimOp;

/// The arguments every fetcher understands, from a URL string or an attrset.
struct Request {
    url: String,
    name: Option<String>,
    hash: Option<String>,
    attrs: Option<Rc<Attrs>>,
}

impl Request {
    fn get(&self, ev: &Evaluator, name: &str) -> EvalResult<Option<Value>> {
        match self.attrs.as_ref().and_then(|a| a.get(Symbol::intern(name)).cloned()) {
            Some(v) => Ok(Some(ev.force(&v)?)),
            None => Ok(None),
        }
    }

    fn get_string(&self, ev: &Evaluator, name: &str) -> EvalResult<Option<String>> {
        match self.get(ev, name)? {
            Some(v) => Ok(Some(ev.coerce_to_nix_string(&v, Coerce::STRICT)?.to_str_lossy().into_owned())),
            None => Ok(None),
        }
    }

    fn get_bool(&self, ev: &Evaluator, name: &str) -> EvalResult<bool> {
        match self.get(ev, name)? {
            Some(Value::Bool(b)) => Ok(b),
            Some(other) => Err(EvalError::msg(format!(
                "expected a Boolean but found {} for the '{name}' argument",
                other.type_description()
            ))),
            None => Ok(false),
        }
    }
}

fn request(ev: &Evaluator, builtin: &'static str, v: &Value, allowed: &[&str]) -> EvalResult<Request> {
    let v = ev.force_arg(arg(builtin, std::slice::from_ref(v), 0))?;
    match &v {
        Value::Attrs(a) => {
            for attr in a.iter() {
                let n = attr.name.as_str();
                if !allowed.contains(&n.as_ref()) {
                    return Err(EvalError::msg(format!("unsupported argument '{n}' to '{builtin}'")));
                }
            }
            let mut r = Request { url: String::new(), name: None, hash: None, attrs: Some(a.clone()) };
            r.url = r.get_string(ev, "url")?.ok_or_else(|| {
                // fetchGit goes through CppNix's input schemes, which word it differently.
                if builtin == "fetchGit" {
                    EvalError::msg("input attribute 'url' is missing")
                } else {
                    EvalError::msg(format!("'url' argument required by '{builtin}'"))
                }
            })?;
            r.name = r.get_string(ev, "name")?;
            r.hash = match r.get_string(ev, "hash")? {
                Some(h) => Some(h),
                None => r.get_string(ev, "sha256")?,
            };
            Ok(r)
        }
        // fetchGit coerces (`fetchGit ./.`); fetchurl and fetchTarball want a plain string.
        _ if builtin != "fetchGit" => {
            let url = ev.arg_string_no_ctx(arg(builtin, std::slice::from_ref(&v), 0))?.to_str_lossy().into_owned();
            Ok(Request { url, name: None, hash: None, attrs: None })
        }
        _ => {
            let url = ev.coerce_to_nix_string(&v, Coerce::STRICT)?.to_str_lossy().into_owned();
            Ok(Request { url, name: None, hash: None, attrs: None })
        }
    }
}

/// Where a URL's bytes are on this machine; a refusal for anything needing the network.
fn local_source(url: &str) -> EvalResult<PathBuf> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Ok(PathBuf::from(crate::store::download::percent_decode(rest)));
    }
    if let Some(rest) = url.strip_prefix("path:") {
        return Ok(PathBuf::from(rest));
    }
    if url.starts_with('/') {
        return Ok(PathBuf::from(url));
    }
    Err(EvalError::new(
        ErrorKind::Io,
        format!(
            "cannot fetch '{url}': tern has no network access here. Download it yourself and pass it \
             as a local path or a file:// URL (for example `builtins.fetchurl \"file:///path/to/file\"`)"
        ),
        None,
    ))
}

/// The base name of a URL's path (query and fragment removed).
fn url_base_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path).to_string()
}

fn expected_hash(hash: &Option<String>, default_algo: HashAlgo) -> EvalResult<Option<Hash>> {
    match hash.as_deref() {
        None | Some("") => Ok(None),
        Some(h) => Ok(Some(Hash::parse_any(h, Some(default_algo)).or_else(|_| Hash::parse_any(h, None))?)),
    }
}

#[cold]
fn mismatch(what: &str, url: &str, specified: &Hash, got: &Hash) -> EvalError {
    EvalError::new(
        ErrorKind::Eval,
        format!("hash mismatch in {what} '{url}':\n  specified: {}\n  got:       {}", specified.to_sri(), got.to_sri()),
        None,
    )
}

fn store_path_value(path: &StorePath) -> Value {
    let p = path.to_absolute();
    let ctx = Context::from([ContextElem::Plain(Rc::from(p.as_str()))]);
    Value::String(Rc::new(NixString::with_context(p.into_bytes(), ctx)))
}

pub(super) fn io_error(what: &str, path: &Path, e: std::io::Error) -> EvalError {
    EvalError::new(ErrorKind::Io, format!("cannot {what} '{}': {e}", path.display()), None)
}

/// Adds a local tree as a recursive fixed-output object, checking `expected`.
fn add_tree(
    ev: &Evaluator,
    root: &Path,
    name: &str,
    expected: Option<Hash>,
    url: &str,
) -> EvalResult<(StorePath, Hash)> {
    let algo = expected.as_ref().map(Hash::algo).unwrap_or(HashAlgo::Sha256);
    let (got, _) = crate::store::nar::hash_path(algo, root)?;
    if let Some(e) = &expected {
        if e != &got {
            return Err(mismatch("file downloaded from", url, e, &got));
        }
    }
    let path = ev.store()?.add_fixed(root, name, FileIngestionMethod::Recursive, &got)?;
    let (nar_sha256, _) = crate::store::nar::hash_path(HashAlgo::Sha256, root)?;
    Ok((path, nar_sha256))
}

fn fetchurl(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let r = request(ev, "fetchurl", &args[0], &["url", "sha256", "hash", "name", "executable", "unpack"])?;
    let src = local_source(&r.url)?;
    let name = r.name.clone().unwrap_or_else(|| url_base_name(&r.url));
    let expected = expected_hash(&r.hash, HashAlgo::Sha256)?;
    if ev.settings.pure && expected.is_none() {
        return Err(EvalError::msg("in pure evaluation mode, 'fetchurl' requires a 'sha256' argument"));
    }
    let meta = std::fs::metadata(&src).map_err(|e| io_error("read", &src, e))?;
    if !meta.is_file() {
        return Err(EvalError::msg(format!("'{}' is not a regular file", src.display())));
    }
    let algo = expected.as_ref().map(Hash::algo).unwrap_or(HashAlgo::Sha256);
    let got = crate::store::hash::hash_file(algo, &src)?;
    if let Some(e) = &expected {
        if e != &got {
            return Err(mismatch("file downloaded from", &r.url, e, &got));
        }
    }
    let path = ev.store()?.add_fixed(&src, &name, FileIngestionMethod::Flat, &got)?;
    Ok(store_path_value(&path))
}

/// Unpacks an archive with the system `tar` (which recognises gzip, bzip2, xz and zstd)
/// and returns its root: the single top-level directory if there is one. An archive with
/// an entry named by an absolute path or through `..` is refused before anything is
/// unpacked, as CppNix refuses it.
fn unpack(archive: &Path, dest: &Path) -> EvalResult<PathBuf> {
    let tar_failed = |what: &str, out: &std::process::Output| {
        EvalError::new(
            ErrorKind::Io,
            format!("cannot {what} '{}': {}", archive.display(), String::from_utf8_lossy(&out.stderr).trim()),
            None,
        )
    };
    let run = |args: &[&std::ffi::OsStr]| {
        Command::new("tar").args(args).output().map_err(|e| {
            EvalError::new(ErrorKind::Io, format!("cannot run 'tar' to unpack '{}': {e}", archive.display()), None)
        })
    };
    // `escape` quoting puts every name on one line, whatever it contains.
    let listing = run(&["--list".as_ref(), "--quoting-style=escape".as_ref(), "-f".as_ref(), archive.as_os_str()])?;
    if !listing.status.success() {
        return Err(tar_failed("list", &listing));
    }
    if let Some(bad) = String::from_utf8_lossy(&listing.stdout).lines().find(|name| unsafe_entry_name(name)) {
        return Err(EvalError::new(
            ErrorKind::Io,
            format!("cannot unpack '{}': archive entry '{bad}' is outside the archive's directory", archive.display()),
            None,
        ));
    }
    let out = run(&["-xf".as_ref(), archive.as_os_str(), "-C".as_ref(), dest.as_os_str(), "--no-same-owner".as_ref()])?;
    if !out.status.success() {
        return Err(tar_failed("unpack", &out));
    }
    let entries: Vec<_> = std::fs::read_dir(dest).map_err(|e| io_error("read", dest, e))?.flatten().collect();
    if entries.len() == 1 && entries[0].file_type().map(|t| t.is_dir()).unwrap_or(false) {
        return Ok(entries[0].path());
    }
    Ok(dest.to_path_buf())
}

/// An archive entry name that would land outside the directory it is unpacked in.
fn unsafe_entry_name(name: &str) -> bool {
    name.starts_with('/') || name.split('/').any(|c| c == "..")
}

/// A fresh directory for unpacking, created exclusively with an unpredictable name
/// (`mkdtemp`), so nothing planted in the temporary directory beforehand is used.
fn scratch_dir(tag: &str) -> EvalResult<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let template = std::env::temp_dir().join(format!("tern-fetch-{tag}-XXXXXX"));
    let mut bytes = template.as_os_str().as_bytes().to_vec();
    bytes.push(0);
    // SAFETY: `bytes` is a NUL-terminated template that mkdtemp rewrites in place.
    let made = unsafe { libc::mkdtemp(bytes.as_mut_ptr().cast()) };
    if made.is_null() {
        return Err(io_error("create a directory like", &template, std::io::Error::last_os_error()));
    }
    bytes.pop();
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(&bytes)))
}

fn fetch_tarball_path(ev: &Evaluator, r: &Request) -> EvalResult<(StorePath, Hash)> {
    let src = local_source(&r.url)?;
    let name = r.name.clone().unwrap_or_else(|| "source".to_string());
    let expected = expected_hash(&r.hash, HashAlgo::Sha256)?;
    if ev.settings.pure && expected.is_none() {
        return Err(EvalError::msg("in pure evaluation mode, 'fetchTarball' requires a 'sha256' argument"));
    }
    let scratch = scratch_dir("tarball")?;
    let result = (|| {
        let root = unpack(&src, &scratch)?;
        add_tree(ev, &root, &name, expected, &r.url)
    })();
    let _ = make_writable_and_remove(&scratch);
    result
}

fn make_writable_and_remove(dir: &Path) -> std::io::Result<()> {
    let _ = Command::new("chmod").arg("-R").arg("u+w").arg(dir).status();
    std::fs::remove_dir_all(dir)
}

fn fetch_tarball(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let r = request(ev, "fetchTarball", &args[0], &["url", "sha256", "name"])?;
    let (path, _) = fetch_tarball_path(ev, &r)?;
    Ok(store_path_value(&path))
}

/// `YYYYMMDDHHMMSS` in UTC, as `lastModifiedDate` is written.
pub(crate) fn date_string(secs: i64) -> String {
    let (y, m, d, hh, mm, ss) = civil_from_unix(secs);
    format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}")
}

/// (year, month, day, hour, minute, second) in UTC of a Unix time.
pub(crate) fn civil_from_unix(secs: i64) -> (i64, i64, i64, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

struct GitResult {
    path: StorePath,
    nar_hash: Hash,
    rev: Option<String>,
    dirty_rev: Option<String>,
    rev_count: i64,
    last_modified: i64,
    submodules: bool,
}

fn fetch_git_repo(ev: &Evaluator, r: &Request) -> EvalResult<GitResult> {
    let url = r.url.strip_prefix("git+").unwrap_or(&r.url);
    let repo = local_source(url).map_err(|_| {
        EvalError::new(
            ErrorKind::Io,
            format!(
                "cannot fetch the git repository '{}': tern has no network access here. Clone it yourself \
                 and pass its local path (for example `builtins.fetchGit /path/to/clone`)",
                r.url
            ),
            None,
        )
    })?;
    git(&repo, &["rev-parse", "--git-dir"])?;
    let name = r.name.clone().unwrap_or_else(|| "source".to_string());
    let submodules = r.get_bool(ev, "submodules")?;
    let rev_arg = r.get_string(ev, "rev")?;
    let ref_arg = r.get_string(ev, "ref")?;
    let scratch = scratch_dir("git")?;
    let result = (|| {
        let (rev, dirty) = match (&rev_arg, &ref_arg) {
            (Some(rev), _) => (git(&repo, &["rev-parse", "--verify", &format!("{rev}^{{commit}}")])?, false),
            (None, Some(r)) => {
                let full = if r.starts_with("refs/") { r.clone() } else { format!("refs/heads/{r}") };
                let resolved = git(&repo, &["rev-parse", "--verify", &full])
                    .or_else(|_| git(&repo, &["rev-parse", "--verify", r]))?;
                (resolved, false)
            }
            (None, None) => {
                let head = git(&repo, &["rev-parse", "HEAD"])?;
                let status = git(&repo, &["status", "--porcelain", "--untracked-files=no"])?;
                (head, !status.is_empty())
            }
        };
        let root = scratch.join("tree");
        if dirty {
            eprintln!("warning: Git tree '{}' is dirty", repo.display());
            export_work_tree(&repo, &root, submodules)?;
        } else {
            export_commit(&repo, &rev, &root, submodules)?;
        }
        let expected = expected_hash(&r.hash, HashAlgo::Sha256)?;
        let (path, nar_hash) = add_tree(ev, &root, &name, expected, &r.url)?;
        let rev_count = git(&repo, &["rev-list", "--count", &rev])?.parse().unwrap_or(0);
        let last_modified = git(&repo, &["log", "-1", "--format=%ct", &rev])?.parse().unwrap_or(0);
        Ok(GitResult {
            path,
            nar_hash,
            rev: (!dirty).then(|| rev.clone()),
            dirty_rev: dirty.then(|| format!("{rev}-dirty")),
            rev_count,
            last_modified,
            submodules,
        })
    })();
    let _ = make_writable_and_remove(&scratch);
    result
}

/// A git revision copied into the store, for flake inputs.
pub(crate) struct GitTree {
    pub store_path: String,
    pub nar_hash: String,
    pub rev: Option<String>,
    pub dirty_rev: Option<String>,
    pub rev_count: i64,
    pub last_modified: i64,
}

fn string_attrs(pairs: &[(&str, Option<&str>)]) -> Rc<Attrs> {
    let mut b = AttrsBuilder::with_capacity(pairs.len());
    for (k, v) in pairs {
        if let Some(v) = v {
            b.insert_str(k, Value::string(*v));
        }
    }
    Rc::new(b.finish())
}

/// Copies a revision (`rev`, else the tip of `ref`, else `HEAD` with uncommitted changes)
/// of a local git repository into the store, checking `nar_hash` if given.
pub(crate) fn fetch_git_tree(
    ev: &Evaluator,
    url: &str,
    rev: Option<&str>,
    git_ref: Option<&str>,
    nar_hash: Option<&str>,
) -> EvalResult<GitTree> {
    let attrs = string_attrs(&[("url", Some(url)), ("rev", rev), ("ref", git_ref)]);
    let r = Request { url: url.to_string(), name: None, hash: nar_hash.map(String::from), attrs: Some(attrs) };
    let g = fetch_git_repo(ev, &r)?;
    Ok(GitTree {
        store_path: g.path.to_absolute(),
        nar_hash: g.nar_hash.to_sri(),
        rev: g.rev,
        dirty_rev: g.dirty_rev,
        rev_count: g.rev_count,
        last_modified: g.last_modified,
    })
}

/// Unpacks a local tarball (`file://` URL or path) into the store; returns the store path
/// and its NAR hash (SRI).
pub(crate) fn fetch_tarball_tree(ev: &Evaluator, url: &str, nar_hash: Option<&str>) -> EvalResult<(String, String)> {
    let r = Request { url: url.to_string(), name: None, hash: nar_hash.map(String::from), attrs: None };
    let (path, nar) = fetch_tarball_path(ev, &r)?;
    Ok((path.to_absolute(), nar.to_sri()))
}

/// Copies a local file (`file://` URL or path) into the store as a NAR-hashed object.
pub(crate) fn fetch_file_tree(ev: &Evaluator, url: &str, nar_hash: Option<&str>) -> EvalResult<(String, String)> {
    let src = local_source(url)?;
    let name = url_base_name(url);
    let (path, nar) = add_tree(ev, &src, &name, expected_hash(&nar_hash.map(String::from), HashAlgo::Sha256)?, url)?;
    Ok((path.to_absolute(), nar.to_sri()))
}

/// What `git` says about a work tree: the `HEAD` commit, whether tracked files have
/// uncommitted changes, the commit count and the commit time.
pub(crate) struct WorkTreeInfo {
    pub rev: Option<String>,
    pub dirty: bool,
    pub rev_count: i64,
    pub last_modified: i64,
}

pub(crate) fn git_work_tree_info(repo: &Path) -> EvalResult<WorkTreeInfo> {
    let rev = git(repo, &["rev-parse", "--verify", "-q", "HEAD"]).ok().filter(|r| !r.is_empty());
    let dirty = !git(repo, &["status", "--porcelain", "--untracked-files=no"])?.is_empty();
    let (rev_count, last_modified) = match &rev {
        Some(r) => (
            git(repo, &["rev-list", "--count", r])?.parse().unwrap_or(0),
            git(repo, &["log", "-1", "--format=%ct", r])?.parse().unwrap_or(0),
        ),
        None => (0, 0),
    };
    Ok(WorkTreeInfo { rev, dirty, rev_count, last_modified })
}

/// The branch `HEAD` is on (`master`), if any.
pub(crate) fn git_head_branch(repo: &Path) -> Option<String> {
    git(repo, &["symbolic-ref", "-q", "--short", "HEAD"]).ok().filter(|b| !b.is_empty())
}

/// The files git tracks in a work tree, relative to `repo` (for copying a git flake's
/// source without untracked files).
pub(crate) fn git_tracked_files(repo: &Path) -> EvalResult<Vec<String>> {
    Ok(git(repo, &["ls-files", "-z"])?.split('\0').filter(|f| !f.is_empty()).map(String::from).collect())
}

fn git_result_value(g: &GitResult) -> Value {
    let mut b = AttrsBuilder::with_capacity(9);
    b.insert_str("outPath", store_path_value(&g.path));
    b.insert_str("narHash", Value::string(g.nar_hash.to_sri()));
    if let Some(rev) = &g.rev {
        b.insert_str("rev", Value::string(rev.as_str()));
        b.insert_str("shortRev", Value::string(&rev[..7.min(rev.len())]));
    }
    if let Some(rev) = &g.dirty_rev {
        b.insert_str("dirtyRev", Value::string(rev.as_str()));
        b.insert_str("dirtyShortRev", Value::string(format!("{}-dirty", &rev[..7.min(rev.len())])));
    }
    b.insert_str("revCount", Value::Int(g.rev_count));
    b.insert_str("lastModified", Value::Int(g.last_modified));
    b.insert_str("lastModifiedDate", Value::string(date_string(g.last_modified)));
    b.insert_str("submodules", Value::Bool(g.submodules));
    Value::attrs(b.finish())
}

fn fetch_git(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let r = request(
        ev,
        "fetchGit",
        &args[0],
        &["url", "ref", "rev", "name", "submodules", "shallow", "allRefs", "narHash", "lfs", "exportIgnore"],
    )?;
    Ok(git_result_value(&fetch_git_repo(ev, &r)?))
}

fn fetch_tree(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let v = ev.force_arg(arg("fetchTree", args, 0))?;
    let (kind, r) = match &v {
        Value::Attrs(a) => {
            let kind = match a.get(Symbol::intern("type")) {
                Some(t) => ev.coerce_to_nix_string(t, Coerce::STRICT)?.to_str_lossy().into_owned(),
                None => return Err(EvalError::msg("attribute 'type' missing in call to 'fetchTree'")),
            };
            let mut r = Request { url: String::new(), name: None, hash: None, attrs: Some(a.clone()) };
            r.url = match kind.as_str() {
                "path" => r.get_string(ev, "path")?.unwrap_or_default(),
                _ => r.get_string(ev, "url")?.unwrap_or_default(),
            };
            r.name = r.get_string(ev, "name")?;
            r.hash = r.get_string(ev, "narHash")?;
            (kind, r)
        }
        _ => {
            let s = ev.coerce_to_nix_string(&v, Coerce::STRICT)?.to_str_lossy().into_owned();
            let kind = if s.starts_with("git+") {
                "git"
            } else if s.starts_with("path:") || s.starts_with('/') {
                "path"
            } else if s.starts_with("tarball+") || is_archive(&s) {
                "tarball"
            } else if s.starts_with("file+") || s.starts_with("file://") {
                "file"
            } else {
                return Err(EvalError::new(
                    ErrorKind::Io,
                    format!("cannot fetch '{s}': tern has no network access here; use a path:, git+file: or file: reference"),
                    None,
                ));
            };
            let url = s.trim_start_matches("tarball+").trim_start_matches("file+").to_string();
            (kind.to_string(), Request { url, name: None, hash: None, attrs: None })
        }
    };
    match kind.as_str() {
        "git" => Ok(git_result_value(&fetch_git_repo(ev, &r)?)),
        "tarball" => {
            let (path, nar) = fetch_tarball_path(ev, &r)?;
            Ok(tree_value(&path, &nar))
        }
        "path" => {
            let src = local_source(&r.url)?;
            let name = r.name.clone().unwrap_or_else(|| "source".to_string());
            let (path, nar) = add_tree(ev, &src, &name, expected_hash(&r.hash, HashAlgo::Sha256)?, &r.url)?;
            Ok(tree_value(&path, &nar))
        }
        "file" => {
            let src = local_source(&r.url)?;
            let name = r.name.clone().unwrap_or_else(|| url_base_name(&r.url));
            let (path, nar) = add_tree(ev, &src, &name, expected_hash(&r.hash, HashAlgo::Sha256)?, &r.url)?;
            Ok(tree_value(&path, &nar))
        }
        other => Err(EvalError::msg(format!("unsupported fetcher type '{other}' in 'fetchTree'"))),
    }
}

fn is_archive(s: &str) -> bool {
    [".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar.zst", ".zip"].iter().any(|ext| s.ends_with(ext))
}

fn tree_value(path: &StorePath, nar: &Hash) -> Value {
    let mut b = AttrsBuilder::with_capacity(2);
    b.insert_str("outPath", store_path_value(path));
    b.insert_str("narHash", Value::string(nar.to_sri()));
    Value::attrs(b.finish())
}

fn fetch_mercurial(_: &Evaluator, _: &[Value], _: Span) -> EvalResult<Value> {
    Err(EvalError::new(
        ErrorKind::Io,
        "tern does not fetch Mercurial repositories; check the revision out yourself and use its path".to_string(),
        None,
    ))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "fetchurl", arity: 1, func: fetchurl, args: &["arg"], doc: "Copies a file given by a `file://` URL or path into the store (flat), checking `sha256`/`hash` if given; returns its store path. tern has no network access." },
    PrimOp { name: "fetchTarball", arity: 1, func: fetch_tarball, args: &["args"], doc: "Unpacks a local tarball (`file://` URL or path; gzip, bzip2, xz, zstd) into the store as `source`, checking `sha256` if given." },
    PrimOp { name: "fetchGit", arity: 1, func: fetch_git, args: &["args"], doc: "Copies a revision of a local git repository into the store; returns `{ outPath; rev; shortRev; revCount; lastModified; narHash; … }`. A dirty working tree is copied with its changes." },
    PrimOp { name: "fetchTree", arity: 1, func: fetch_tree, args: &["input"], doc: "Fetches a local `path`, `git`, `tarball` or `file` input into the store; returns `{ outPath; narHash; … }`." },
    PrimOp { name: "fetchMercurial", arity: 1, func: fetch_mercurial, args: &["args"], doc: "Not supported by tern: check the revision out yourself and use its path." },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scratch_directories_are_fresh_private_and_unpredictable() {
        use std::os::unix::fs::PermissionsExt;
        let a = scratch_dir("t").unwrap();
        let b = scratch_dir("t").unwrap();
        assert_ne!(a, b);
        for d in [&a, &b] {
            let meta = std::fs::symlink_metadata(d).unwrap();
            assert!(meta.is_dir());
            assert_eq!(meta.permissions().mode() & 0o777, 0o700);
            let name = d.file_name().unwrap().to_str().unwrap();
            assert!(!name.contains(&std::process::id().to_string()), "{name}");
            std::fs::remove_dir(d).unwrap();
        }
    }

    #[test]
    fn entry_names_outside_the_archive() {
        for bad in ["/etc/passwd", "../x", "a/../../x", "a/.."] {
            assert!(unsafe_entry_name(bad), "{bad}");
        }
        for good in ["a/b", "a..b/c", "./a", "..a"] {
            assert!(!unsafe_entry_name(good), "{good}");
        }
    }
}
