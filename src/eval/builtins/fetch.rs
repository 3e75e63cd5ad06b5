//! Fetchers: `fetchurl fetchTarball fetchGit fetchTree fetchMercurial`.
//!
//! URLs (`http(s)://`, `file://`, paths) go through `crate::fetch::url` (download, cache,
//! unpacking), remote git repositories through `crate::fetch::git` (a cache of bare
//! clones), forge inputs (`github:` …) through the flake input fetcher; local git
//! repositories are read in place with the `git` command.
//! Results land where CppNix puts them: `fetchurl` gives a flat fixed-output path,
//! `fetchTarball` and `fetchGit` a recursive one (named `source` by default), so a later
//! fixed-output derivation with the same hash finds them. A given hash is checked first; a
//! mismatch names both hashes and adds nothing.

use crate::eval::shared::Shared;
use std::path::{Path, PathBuf};
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
use super::git_input::{git_result_value, GitInput};
use super::hg::HgInput;
use super::PrimOp;
use crate::fetch::url::{Fetched, Kind as UrlKind};

/// The arguments every fetcher understands, from a URL string or an attrset.
struct Request {
    url: String,
    name: Option<String>,
    hash: Option<String>,
    attrs: Option<Shared<Attrs>>,
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
        // fetchGit and fetchMercurial coerce (`fetchGit ./.`); fetchurl and fetchTarball want a plain string.
        _ if builtin != "fetchGit" && builtin != "fetchMercurial" => {
            let url = ev.arg_string_no_ctx(arg(builtin, std::slice::from_ref(&v), 0))?.to_str_lossy().into_owned();
            Ok(Request { url, name: None, hash: None, attrs: None })
        }
        _ => {
            let url = ev.coerce_to_nix_string(&v, Coerce::STRICT)?.to_str_lossy().into_owned();
            Ok(Request { url, name: None, hash: None, attrs: None })
        }
    }
}

/// Where a local URL's bytes are on this machine (`file://`, `path:`, absolute paths).
fn local_source(url: &str) -> EvalResult<PathBuf> {
    crate::fetch::url::local_path(url).ok_or_else(|| {
        EvalError::new(ErrorKind::Io, format!("cannot fetch '{url}': expected a local path or a file:// URL"), None)
    })
}

pub(super) fn fetch_error(message: String) -> EvalError {
    EvalError::new(ErrorKind::Io, message, None)
}

/// Fetches a URL (remote or local) through `crate::fetch::url`.
fn fetch_url(ev: &Evaluator, url: &str, name: &str, kind: UrlKind, expected: Option<&Hash>) -> EvalResult<Fetched> {
    let f = crate::fetch::url::Fetch { url, name, kind, expected, headers: Vec::new(), immutable: false };
    crate::fetch::url::fetch(ev.store()?, &f).map_err(fetch_error)
}

/// The base name of a URL's path (query and fragment removed).
fn url_base_name(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path).to_string()
}

pub(super) fn expected_hash(hash: &Option<String>, default_algo: HashAlgo) -> EvalResult<Option<Hash>> {
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

pub(super) fn store_path_value(path: &StorePath) -> Value {
    let p = path.to_absolute();
    let ctx = Context::from([ContextElem::Plain(Rc::from(p.as_str()))]);
    Value::String(Shared::new(NixString::with_context(p.into_bytes(), ctx)))
}

pub(super) fn io_error(what: &str, path: &Path, e: std::io::Error) -> EvalError {
    EvalError::new(ErrorKind::Io, format!("cannot {what} '{}': {e}", path.display()), None)
}

/// Adds a local tree as a recursive fixed-output object, checking `expected`.
pub(super) fn add_tree(
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
    let name = r.name.clone().unwrap_or_else(|| url_base_name(&r.url));
    let expected = expected_hash(&r.hash, HashAlgo::Sha256)?;
    if ev.settings.pure && expected.is_none() {
        return Err(EvalError::msg("in pure evaluation mode, 'fetchurl' requires a 'sha256' argument"));
    }
    let kind = if r.get_bool(ev, "unpack")? {
        UrlKind::Tarball
    } else if r.get_bool(ev, "executable")? {
        UrlKind::FileTree { executable: true }
    } else {
        UrlKind::File
    };
    let fetched = fetch_url(ev, &r.url, &name, kind, expected.as_ref())?;
    Ok(store_path_value(&fetched.path))
}

fn fetch_tarball_path(ev: &Evaluator, r: &Request) -> EvalResult<Fetched> {
    let name = r.name.clone().unwrap_or_else(|| "source".to_string());
    let expected = expected_hash(&r.hash, HashAlgo::Sha256)?;
    if ev.settings.pure && expected.is_none() {
        return Err(EvalError::msg("in pure evaluation mode, 'fetchTarball' requires a 'sha256' argument"));
    }
    fetch_url(ev, &r.url, &name, UrlKind::Tarball, expected.as_ref())
}

fn fetch_tarball(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let r = request(ev, "fetchTarball", &args[0], &["url", "sha256", "name"])?;
    Ok(store_path_value(&fetch_tarball_path(ev, &r)?.path))
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

/// The input a tarball's `Link: <URL>; rel="immutable"` header names (the lockable tarball
/// protocol): a tarball input, whose `rev`, `revCount` and `lastModified` CppNix reports
/// and locks.
pub(crate) fn immutable_tarball_input(url: &str) -> EvalResult<crate::flake::flakeref::Input> {
    let opts = crate::flake::flakeref::ParseOptions { allow_missing: true, ..Default::default() };
    let r = crate::flake::flakeref::parse(url, opts)
        .map_err(|e| fetch_error(format!("invalid immutable link '{url}' of a tarball: {e}")))?;
    if r.input.kind() != "tarball" {
        return Err(fetch_error(format!(
            "tarball 'Link' headers that redirect to non-tarball URLs are not supported ('{url}')"
        )));
    }
    Ok(r.input)
}

/// Unpacks a tarball (remote or local) into the store as `source`.
pub(crate) fn fetch_tarball_tree(ev: &Evaluator, url: &str, nar_hash: Option<&str>) -> EvalResult<Fetched> {
    let expected = expected_hash(&nar_hash.map(String::from), HashAlgo::Sha256)?;
    fetch_url(ev, url, "source", UrlKind::Tarball, expected.as_ref())
}

/// Copies a file (remote or local) into the store as a NAR-hashed object named `source`.
pub(crate) fn fetch_file_tree(ev: &Evaluator, url: &str, nar_hash: Option<&str>) -> EvalResult<Fetched> {
    let expected = expected_hash(&nar_hash.map(String::from), HashAlgo::Sha256)?;
    fetch_url(ev, url, "source", UrlKind::FileTree { executable: false }, expected.as_ref())
}

/// A Boolean argument, if given.
fn opt_bool(ev: &Evaluator, r: &Request, name: &str) -> EvalResult<Option<bool>> {
    Ok(if r.get(ev, name)?.is_some() { Some(r.get_bool(ev, name)?) } else { None })
}

/// The git input an attribute set asks for: `fetchGit` sets `exportIgnore` unless
/// `submodules` is on, `fetchTree` makes it shallow unless told otherwise.
fn git_input(ev: &Evaluator, r: &Request, fetch_git: bool) -> EvalResult<GitInput> {
    let submodules = r.get_bool(ev, "submodules")?;
    // `publicKeys` is a list of `{ type ? "ssh-ed25519"; key; }`, kept as JSON as CppNix keeps it.
    let public_keys = match r.get(ev, "publicKeys")? {
        Some(v) => {
            let mut out = Vec::new();
            ev.value_to_json(&v, true, &mut Default::default(), &mut out)?;
            Some(String::from_utf8_lossy(&out).into_owned())
        }
        None => None,
    };
    let keys = super::git_verify::keys_from(
        public_keys.as_deref(),
        r.get_string(ev, "publicKey")?.as_deref(),
        r.get_string(ev, "keytype")?.as_deref(),
    )?;
    let verify = super::git_verify::requested(opt_bool(ev, r, "verifyCommit")?, keys);
    Ok(GitInput {
        url: r.url.strip_prefix("git+").unwrap_or(&r.url).to_string(),
        rev: r.get_string(ev, "rev")?,
        git_ref: r.get_string(ev, "ref")?,
        shallow: opt_bool(ev, r, "shallow")?.unwrap_or(!fetch_git && r.attrs.is_some()),
        submodules,
        export_ignore: opt_bool(ev, r, "exportIgnore")?.unwrap_or(fetch_git && !submodules),
        all_refs: r.get_bool(ev, "allRefs")?,
        lfs: r.get_bool(ev, "lfs")?,
        name: r.name.clone(),
        nar_hash: r.hash.clone(),
        verify,
    })
}

fn fetch_git(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let r = request(
        ev,
        "fetchGit",
        &args[0],
        &[
            "url",
            "ref",
            "rev",
            "name",
            "submodules",
            "shallow",
            "allRefs",
            "narHash",
            "lfs",
            "exportIgnore",
            "verifyCommit",
            "publicKey",
            "keytype",
            "publicKeys",
        ],
    )?;
    let input = git_input(ev, &r, true)?;
    Ok(git_result_value(&super::git_input::fetch_git(ev, &input)?, true))
}

fn fetch_tree(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let v = ev.force_arg(arg("fetchTree", args, 0))?;
    let mut git_url = None;
    let mut hg_url = None;
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
            let kind = if s.starts_with("hg+") {
                let opts = crate::flake::flakeref::ParseOptions { allow_missing: true, ..Default::default() };
                let fr = crate::flake::flakeref::parse(&s, opts)
                    .map_err(|e| EvalError::msg(format!("cannot fetch '{s}': {e}")))?;
                hg_url = Some(HgInput::from_input(&fr.input));
                "hg"
            } else if s.starts_with("git+") {
                // Query parameters (`ref`, `rev`, `shallow`, `submodules` …) as in flake references.
                let opts = crate::flake::flakeref::ParseOptions { allow_missing: true, ..Default::default() };
                let fr = crate::flake::flakeref::parse(&s, opts)
                    .map_err(|e| EvalError::msg(format!("cannot fetch '{s}': {e}")))?;
                git_url = Some(GitInput::from_input(&fr.input)?);
                "git"
            } else if s.starts_with("path:") || s.starts_with('/') {
                "path"
            } else if s.starts_with("file+") {
                "file"
            } else if s.starts_with("tarball+") || is_archive(&s) {
                "tarball"
            } else if ["file://", "http://", "https://"].iter().any(|p| s.starts_with(p)) {
                // As CppNix 2.34: a plain URL names a tarball (`file+` asks for the file).
                "tarball"
            } else {
                let opts = crate::flake::flakeref::ParseOptions { allow_missing: true, ..Default::default() };
                let r = crate::flake::flakeref::parse(&s, opts)
                    .map_err(|e| EvalError::msg(format!("cannot fetch '{s}': {e}")))?;
                return crate::flake::inputs::fetch_tree_value(ev, &r);
            };
            let url = s.trim_start_matches("tarball+").trim_start_matches("file+").to_string();
            (kind.to_string(), Request { url, name: None, hash: None, attrs: None })
        }
    };
    match kind.as_str() {
        "git" => {
            let input = match &git_url {
                Some(i) => i.clone(),
                None => git_input(ev, &r, false)?,
            };
            Ok(git_result_value(&super::git_input::fetch_git(ev, &input)?, false))
        }
        "hg" => {
            let input = match hg_url {
                Some(i) => i,
                None => HgInput {
                    url: r.url.clone(),
                    rev: r.get_string(ev, "rev")?,
                    hg_ref: r.get_string(ev, "ref")?,
                    name: r.name.clone(),
                    nar_hash: r.hash.clone(),
                },
            };
            Ok(hg_tree_value(&super::hg::fetch_hg(ev, &input)?))
        }
        "tarball" => {
            let f = fetch_tarball_path(ev, &r)?;
            let mut v = tree_value(&f.path, &f.nar_hash, Some(f.last_modified.unwrap_or(0)));
            if let Some(link) = &f.immutable_url {
                v = with_immutable_attrs(v, &immutable_tarball_input(link)?);
            }
            Ok(v)
        }
        "path" => {
            let src = local_source(&r.url)?;
            let name = r.name.clone().unwrap_or_else(|| "source".to_string());
            let (path, nar) = add_tree(ev, &src, &name, expected_hash(&r.hash, HashAlgo::Sha256)?, &r.url)?;
            Ok(tree_value(&path, &nar, None))
        }
        "file" => {
            let name = r.name.clone().unwrap_or_else(|| "source".to_string());
            let expected = expected_hash(&r.hash, HashAlgo::Sha256)?;
            let f = fetch_url(ev, &r.url, &name, UrlKind::FileTree { executable: false }, expected.as_ref())?;
            Ok(tree_value(&f.path, &f.nar_hash, None))
        }
        "github" | "gitlab" | "sourcehut" => {
            let a = r.attrs.as_ref().expect("an attribute set");
            let mut input = crate::flake::flakeref::Input { attrs: Default::default() };
            for attr in a.iter() {
                let v = ev.force(&attr.value)?;
                let k = attr.name.as_str().to_string();
                let value = match v {
                    Value::Int(i) => crate::flake::flakeref::Attr::Int(i.max(0) as u64),
                    Value::Bool(b) => crate::flake::flakeref::Attr::Bool(b),
                    other => crate::flake::flakeref::Attr::Str(
                        ev.coerce_to_nix_string(&other, Coerce::STRICT)?.to_str_lossy().into_owned(),
                    ),
                };
                input.attrs.insert(k, value);
            }
            let fr = crate::flake::flakeref::FlakeRef { input, subdir: String::new() };
            crate::flake::inputs::fetch_tree_value(ev, &fr)
        }
        other => Err(EvalError::msg(format!("unsupported fetcher type '{other}' in 'fetchTree'"))),
    }
}

fn is_archive(s: &str) -> bool {
    [".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".tar.zst", ".zip"].iter().any(|ext| s.ends_with(ext))
}

fn tree_value(path: &StorePath, nar: &Hash, last_modified: Option<i64>) -> Value {
    let mut b = AttrsBuilder::with_capacity(4);
    b.insert_str("outPath", store_path_value(path));
    b.insert_str("narHash", Value::string(nar.to_sri()));
    if let Some(t) = last_modified {
        b.insert_str("lastModified", Value::Int(t));
        b.insert_str("lastModifiedDate", Value::string(date_string(t)));
    }
    Value::attrs(b.finish())
}

/// Adds what an immutable link's input says (`rev`, `shortRev`, `revCount`, and
/// `lastModified` over the archive's) to a tarball's result.
fn with_immutable_attrs(v: Value, input: &crate::flake::flakeref::Input) -> Value {
    let Value::Attrs(a) = &v else { return v };
    let mut b = AttrsBuilder::with_capacity(a.len() + 4);
    for attr in a.iter() {
        let n = attr.name.as_str();
        if !(input.get_int("lastModified").is_some() && n.starts_with("lastModified")) {
            b.insert_str(&n, attr.value.clone());
        }
    }
    if let Some(rev) = input.get_str("rev") {
        b.insert_str("rev", Value::string(rev));
        b.insert_str("shortRev", Value::string(&rev[..7.min(rev.len())]));
    }
    if let Some(n) = input.get_int("revCount") {
        b.insert_str("revCount", Value::Int(n as i64));
    }
    if let Some(t) = input.get_int("lastModified") {
        b.insert_str("lastModified", Value::Int(t as i64));
        b.insert_str("lastModifiedDate", Value::string(date_string(t as i64)));
    }
    Value::attrs(b.finish())
}

fn fetch_mercurial(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let r = request(ev, "fetchMercurial", &args[0], &["url", "rev", "name"])?;
    // Unlike fetchGit's, this `rev` is a revision or else a branch or tag name.
    let (rev, hg_ref) = match r.get_string(ev, "rev")? {
        Some(v) if v.len() == 40 && v.bytes().all(|b| b.is_ascii_hexdigit()) => (Some(v), None),
        Some(v) => (None, Some(v)),
        None => (None, None),
    };
    if ev.settings.pure && rev.is_none() {
        return Err(EvalError::msg("in pure evaluation mode, 'fetchMercurial' requires a Mercurial revision"));
    }
    let url = if r.url.contains("://") { r.url.clone() } else { format!("file://{}", r.url) };
    let input = HgInput { url, rev, hg_ref, name: r.name.clone(), nar_hash: None };
    let h = super::hg::fetch_hg(ev, &input)?;
    let mut b = AttrsBuilder::with_capacity(5);
    b.insert_str("outPath", store_path_value(&h.path));
    b.insert_str("branch", Value::string(h.branch.as_str()));
    // A dirty working tree: all zeros, as CppNix keeps for compatibility.
    let rev = h.rev.as_deref().unwrap_or("0000000000000000000000000000000000000000");
    b.insert_str("rev", Value::string(rev));
    b.insert_str("shortRev", Value::string(&rev[..12]));
    if let Some(n) = h.rev_count {
        b.insert_str("revCount", Value::Int(n));
    }
    Ok(Value::attrs(b.finish()))
}

/// `fetchTree`'s answer for a Mercurial input.
pub(crate) fn hg_tree_value(h: &super::hg::HgFetched) -> Value {
    let mut b = AttrsBuilder::with_capacity(5);
    b.insert_str("outPath", store_path_value(&h.path));
    b.insert_str("narHash", Value::string(h.nar_hash.to_sri()));
    if let Some(rev) = &h.rev {
        b.insert_str("rev", Value::string(rev.as_str()));
        b.insert_str("shortRev", Value::string(&rev[..7]));
    }
    if let Some(n) = h.rev_count {
        b.insert_str("revCount", Value::Int(n));
    }
    Value::attrs(b.finish())
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "fetchurl", arity: 1, func: fetchurl, args: &["arg"], doc: "Downloads a file (`http(s)://`, `file://` or a path) into the store (flat), checking `sha256`/`hash` if given; returns its store path. Cached for `tarball-ttl` seconds." },
    PrimOp { name: "fetchTarball", arity: 1, func: fetch_tarball, args: &["args"], doc: "Downloads and unpacks a tarball (`http(s)://`, `file://` or a path; gzip, bzip2, xz, zstd) into the store as `source`, checking `sha256` if given. Cached for `tarball-ttl` seconds." },
    PrimOp { name: "fetchGit", arity: 1, func: fetch_git, args: &["args"], doc: "Copies a revision of a git repository (local, or `http(s)://`, `ssh://`, `git://` through a cache of clones) into the store; returns `{ outPath; rev; shortRev; revCount; lastModified; narHash; … }`. A dirty local working tree is copied with its changes." },
    PrimOp { name: "fetchTree", arity: 1, func: fetch_tree, args: &["input"], doc: "Fetches a `path`, `git`, `tarball`, `file`, `github`, `gitlab` or `sourcehut` input into the store; returns `{ outPath; narHash; … }`." },
    PrimOp { name: "fetchMercurial", arity: 1, func: fetch_mercurial, args: &["args"], doc: "Copies a revision of a Mercurial repository (a path, or a URL through a cache of clones) into the store; `rev` is a revision or a branch/tag name. Returns `{ outPath; rev; shortRev; revCount; branch; }`; an unclean local working tree is copied as it is." },
];
