//! Fetching the sources of flake inputs: local trees in place, git revisions, tarballs and
//! files (local or remote, through `crate::fetch`), forge archives (`github:`, `gitlab:`,
//! `sourcehut:`), and nixpkgs from tern's stdlib (unless `stdlib-nixpkgs = false`).
//!
//! A fetched source carries its `sourceInfo` attributes and the *locked* reference that names
//! exactly that tree, with what CppNix records in `flake.lock` for its type (`narHash`,
//! `lastModified`, `rev`, `revCount`, `ref`).

use crate::eval::shared::Shared;
use std::path::Path;
use std::rc::Rc;

use crate::eval::builtins::fetch;
use crate::eval::builtins::git_input;
use crate::eval::builtins::store_bridge::SourceCopy;
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::string::{Context, NixString};
use crate::eval::thunk::ThunkCell;
use crate::eval::value::Value;
use crate::eval::Evaluator;

use super::flakeref::{self, Attr, FlakeRef, Input};
use super::inputs::Source;

fn err(msg: impl Into<String>) -> EvalError {
    EvalError::msg(msg.into())
}

/// Whether a reference means nixpkgs (served by the stdlib).
pub fn is_nixpkgs(r: &FlakeRef) -> bool {
    if !crate::fetch::settings().stdlib_nixpkgs {
        return false;
    }
    let i = &r.input;
    let lower = |k: &str| i.get_str(k).unwrap_or("").to_ascii_lowercase();
    match i.kind() {
        "github" => lower("owner") == "nixos" && lower("repo") == "nixpkgs",
        "indirect" => i.get_str("id") == Some("nixpkgs"),
        "git" | "tarball" => {
            let url = lower("url");
            url.contains("github.com/nixos/nixpkgs")
                || url.contains("nixos.org/channels/")
                || url.contains("channels.nixos.org/")
        }
        _ => false,
    }
}

fn stdlib_source(ev: &Evaluator, what: &str, original: &FlakeRef) -> EvalResult<Source> {
    let root =
        crate::stdlib::root().ok_or_else(|| err("tern's stdlib is unavailable, so nixpkgs cannot be provided"))?;
    let dir = root.to_string_lossy().into_owned();
    if original.input.kind() != "tern-stdlib" {
        if what.is_empty() {
            eprintln!("note: flake '{original}' is provided by tern's stdlib ({dir})");
        } else {
            eprintln!("note: input '{what}' ('{original}') is provided by tern's stdlib ({dir})");
        }
    }
    let copy = SourceCopy { name: "source".into() };
    crate::eval::builtins::store_bridge::register_source_copy(ev, &dir, copy);
    let mut input = Input { attrs: flakeref::Attrs::new() };
    input.attrs.insert("type".into(), Attr::Str("tern-stdlib".into()));
    Ok(Source {
        out_path: Value::path(dir.clone()),
        dir,
        info: Vec::new(),
        locked: FlakeRef { input, subdir: original.subdir.clone() },
    })
}

#[cold]
fn unsupported(what: &str, r: &FlakeRef) -> EvalError {
    let name = what.rsplit('/').next().unwrap_or(what);
    err(format!(
        "cannot fetch input '{what}' ('{r}'): tern does not fetch inputs of type '{}' from there",
        r.input.kind()
    ))
    .with_note(format!(
        "Fetch it yourself and point the input at your copy: --override-input {name} path:/path/to/checkout"
    ))
}

fn nar_hash_of(dir: &str) -> EvalResult<String> {
    let (h, _) = crate::store::nar::hash_path(crate::store::HashAlgo::Sha256, Path::new(dir))?;
    Ok(h.to_sri())
}

/// The NAR hash of a git work tree's tracked files as they are now (what a copy keeps).
fn git_nar_hash_of(ev: &Evaluator, dir: &str) -> EvalResult<String> {
    let Some((tree, _)) = crate::eval::builtins::tracked_trees::tree_of(ev, dir) else {
        return nar_hash_of(dir);
    };
    let keeps = tree.keeper()?;
    let (h, _) =
        crate::store::nar::hash_path_filtered(crate::store::HashAlgo::Sha256, Path::new(dir), &mut |p: &Path, _| {
            Ok::<bool, crate::store::StoreError>(keeps(p))
        })?;
    Ok(h.to_sri())
}

/// The newest modification time in a tree (seconds), skipping `.git`.
fn last_modified_of(dir: &Path) -> i64 {
    fn walk(p: &Path, best: &mut i64) {
        let Ok(meta) = std::fs::symlink_metadata(p) else { return };
        use std::os::unix::fs::MetadataExt;
        *best = (*best).max(meta.mtime());
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(p) {
                for e in entries.flatten() {
                    if e.file_name() != ".git" {
                        walk(&e.path(), best);
                    }
                }
            }
        }
    }
    let mut best = 0;
    walk(dir, &mut best);
    best
}

fn date_value(t: i64) -> Value {
    Value::string(fetch::date_string(t))
}

/// A directory used where it is, with lazily computed `narHash`/`lastModified`. When a
/// derivation refers to it, it is copied as `source` (git work trees: tracked files only).
fn path_in_place(ev: &Evaluator, dir: &str, locked: FlakeRef, git: bool) -> Source {
    let copy = SourceCopy { name: "source".into() };
    crate::eval::builtins::store_bridge::register_source_copy(ev, dir, copy);
    if git {
        crate::eval::builtins::tracked_trees::register(ev, dir);
    }
    let d1 = dir.to_string();
    let d2 = dir.to_string();
    let d3 = dir.to_string();
    let info = vec![
        ("lastModified", ThunkCell::native(move |_| Ok(Value::Int(last_modified_of(Path::new(&d1)))))),
        ("lastModifiedDate", ThunkCell::native(move |_| Ok(date_value(last_modified_of(Path::new(&d2)))))),
        (
            "narHash",
            ThunkCell::native(move |ev| {
                Ok(Value::string(if git { git_nar_hash_of(ev, &d3)? } else { nar_hash_of(&d3)? }))
            }),
        ),
    ];
    Source { out_path: Value::path(dir.to_string()), dir: dir.to_string(), info, locked }
}

fn git_info(
    submodules: bool,
    rev: &Option<String>,
    dirty_rev: &Option<String>,
    rev_count: Option<i64>,
    last_modified: i64,
) -> Vec<(&'static str, Value)> {
    let mut info = vec![
        ("lastModified", Value::Int(last_modified)),
        ("lastModifiedDate", date_value(last_modified)),
        ("submodules", Value::Bool(submodules)),
    ];
    if let Some(n) = rev_count {
        info.push(("revCount", Value::Int(n)));
    }
    if let Some(rev) = rev {
        info.push(("rev", Value::string(rev.as_str())));
        info.push(("shortRev", Value::string(&rev[..7.min(rev.len())])));
    }
    if let Some(d) = dirty_rev {
        info.push(("dirtyRev", Value::string(d.as_str())));
        let short = d.trim_end_matches("-dirty");
        info.push(("dirtyShortRev", Value::string(format!("{}-dirty", &short[..7.min(short.len())]))));
    }
    info
}

fn local_file_path(url: &str) -> Option<String> {
    let u = flakeref::ParsedUrl::parse(url).ok()?;
    (u.scheme == "file").then(|| u.path.join("/"))
}

/// How a fetch should treat an unlocked local tree.
#[derive(Clone, Copy, PartialEq)]
pub enum Want {
    /// Evaluation: in place where possible, metadata lazily.
    InPlace,
    /// Locking: the locked reference must be complete (`narHash`, `rev`).
    Locked,
}

/// Fetches (or locates) the tree a reference names. `what` names the input in messages.
pub fn fetch(ev: &Evaluator, r: &FlakeRef, what: &str, want: Want) -> EvalResult<Source> {
    let input = &r.input;
    if is_nixpkgs(r) || input.kind() == "tern-stdlib" {
        return stdlib_source(ev, what, r);
    }
    let with_subdir = |mut i: Input| {
        i.attrs.remove("__final");
        FlakeRef { input: i, subdir: r.subdir.clone() }
    };
    match input.kind() {
        "path" => {
            let dir = input.get_str("path").unwrap_or("").to_string();
            if !dir.starts_with('/') {
                return Err(err(format!("cannot fetch input '{r}' because it uses a relative path")));
            }
            if std::fs::symlink_metadata(&dir).is_err() {
                return Err(err(format!("input '{what}': path '{dir}' does not exist")));
            }
            let mut locked = input.clone();
            if let Some(expected) = input.get_str("narHash") {
                let got = nar_hash_of(&dir)?;
                if got != expected {
                    return Err(err(format!(
                        "NAR hash mismatch in input '{what}' ('{r}'): the lock records {expected}, but '{dir}' now \
                         hashes to {got}"
                    ))
                    .with_note(format!(
                        "The directory changed since it was locked; run 'tern flake update {}' to lock its current \
                         contents.",
                        what.split('/').next().unwrap_or(what)
                    )));
                }
            } else if want == Want::Locked {
                locked.attrs.insert("lastModified".into(), Attr::Int(last_modified_of(Path::new(&dir)).max(0) as u64));
                locked.attrs.insert("narHash".into(), Attr::Str(nar_hash_of(&dir)?));
            }
            let mut s = path_in_place(ev, &dir, with_subdir(locked.clone()), false);
            if let Some(h) = locked.get_str("narHash") {
                s.info.retain(|(k, _)| *k != "narHash");
                s.info.push(("narHash", Value::string(h)));
            }
            Ok(s)
        }
        "git" => {
            let url = input.get_str("url").unwrap_or("");
            let remote = crate::fetch::git::is_remote(url);
            let repo = match local_file_path(url) {
                Some(repo) => repo,
                None if remote => url.to_string(),
                None => return Err(unsupported(what, r)),
            };
            let rev = input.get_str("rev");
            let git_ref = input.get_str("ref");
            let mut gi = git_input::GitInput::from_input(input)?;
            // With submodules the tree is exported (their work trees filled in), and a verified
            // input is checked and exported, not used in place.
            if rev.is_none()
                && git_ref.is_none()
                && want == Want::InPlace
                && !remote
                && !gi.submodules
                && gi.verify.is_none()
            {
                // A work tree used in place, with its HEAD's metadata when it is clean.
                let wt = git_input::work_tree_info(Path::new(&repo))?;
                let mut locked = input.clone();
                let (rev, dirty_rev) = match (&wt.rev, wt.dirty) {
                    (Some(h), false) => {
                        locked.attrs.insert("rev".into(), Attr::Str(h.clone()));
                        (Some(h.clone()), None)
                    }
                    (Some(h), true) => (None, Some(format!("{h}-dirty"))),
                    (None, _) => (None, None),
                };
                let rev_count = (rev.is_some() && !gi.shallow).then_some(wt.rev_count);
                let mut s = path_in_place(ev, &repo, with_subdir(locked), true);
                s.info.retain(|(k, _)| *k == "narHash");
                s.info.extend(git_info(false, &rev, &dirty_rev, rev_count, wt.last_modified));
                return Ok(s);
            }
            gi.url = repo.clone();
            let g = git_input::fetch_git(ev, &gi)?;
            let nar_hash = g.nar_hash.to_sri();
            let mut locked = input.clone();
            if let Some(rev) = &g.rev {
                // As CppNix: a clean fetch records the ref it came from — without one, the
                // branch HEAD names (the remote's for a remote), by its full name.
                if let (None, Some(found)) = (git_ref, &g.git_ref) {
                    locked.attrs.insert("ref".into(), Attr::Str(found.clone()));
                }
                locked.attrs.insert("rev".into(), Attr::Str(rev.clone()));
                if let Some(n) = g.rev_count {
                    locked.attrs.insert("revCount".into(), Attr::Int(n.max(0) as u64));
                }
                locked.attrs.insert("lastModified".into(), Attr::Int(g.last_modified.max(0) as u64));
                locked.attrs.insert("narHash".into(), Attr::Str(nar_hash.clone()));
            }
            let mut info = git_info(gi.submodules, &g.rev, &g.dirty_rev, g.rev_count, g.last_modified);
            info.push(("narHash", Value::string(nar_hash.as_str())));
            let store_path = g.path.to_absolute();
            Ok(Source { out_path: store_string(&store_path), dir: store_path, info, locked: with_subdir(locked) })
        }
        "hg" => {
            let h = crate::eval::builtins::hg::fetch_hg(ev, &crate::eval::builtins::hg::HgInput::from_input(input))?;
            let nar_hash = h.nar_hash.to_sri();
            let mut info = vec![("narHash", Value::string(nar_hash.as_str()))];
            let mut locked = input.clone();
            if let Some(rev) = &h.rev {
                // As CppNix: the lock names the branch, the revision and its local number.
                locked.attrs.insert("ref".into(), Attr::Str(h.branch.clone()));
                locked.attrs.insert("rev".into(), Attr::Str(rev.clone()));
                info.push(("rev", Value::string(rev.as_str())));
                info.push(("shortRev", Value::string(&rev[..7])));
                if let Some(n) = h.rev_count {
                    locked.attrs.insert("revCount".into(), Attr::Int(n.max(0) as u64));
                    info.push(("revCount", Value::Int(n)));
                }
                locked.attrs.insert("narHash".into(), Attr::Str(nar_hash.clone()));
            }
            let store_path = h.path.to_absolute();
            Ok(Source { out_path: store_string(&store_path), dir: store_path, info, locked: with_subdir(locked) })
        }
        "tarball" | "file" => {
            let url = input.get_str("url").unwrap_or("");
            let remote = url.starts_with("http://") || url.starts_with("https://");
            if local_file_path(url).is_none() && !url.starts_with('/') && !remote {
                return Err(unsupported(what, r));
            }
            let f = if input.kind() == "tarball" {
                fetch::fetch_tarball_tree(ev, url, input.get_str("narHash"))?
            } else {
                fetch::fetch_file_tree(ev, url, input.get_str("narHash"))?
            };
            let (path, nar) = (f.path.to_absolute(), f.nar_hash.to_sri());
            let mut locked = input.clone();
            let mut info = vec![("narHash", Value::string(nar.as_str()))];
            if let (Some(link), "tarball") = (&f.immutable_url, input.kind()) {
                // The lockable tarball protocol: the lock names the immutable URL instead.
                locked = fetch::immutable_tarball_input(link)?;
                if let Some(rev) = locked.get_str("rev") {
                    info.push(("rev", Value::string(rev)));
                    info.push(("shortRev", Value::string(&rev[..7.min(rev.len())])));
                }
                if let Some(n) = locked.get_int("revCount") {
                    info.push(("revCount", Value::Int(n as i64)));
                }
            }
            locked.attrs.insert("narHash".into(), Attr::Str(nar.clone()));
            let last_modified = locked.get_int("lastModified").map(|t| t as i64).or(f.last_modified);
            if let Some(t) = last_modified {
                if input.kind() == "tarball" && want == Want::Locked {
                    locked.attrs.insert("lastModified".into(), Attr::Int(t.max(0) as u64));
                }
                info.push(("lastModified", Value::Int(t)));
                info.push(("lastModifiedDate", date_value(t)));
            }
            Ok(Source { out_path: store_string(&path), dir: path, info, locked: with_subdir(locked) })
        }
        "github" | "gitlab" | "sourcehut" => {
            let forge = crate::fetch::forge::Forge::from_type(input.kind()).expect("a forge type");
            let nar_hash = match input.get_str("narHash") {
                Some(h) => Some(crate::store::Hash::parse_any(h, None).map_err(|e| err(e.to_string()))?),
                None => None,
            };
            let fi = crate::fetch::forge::ForgeInput {
                forge,
                owner: input.get_str("owner").unwrap_or(""),
                repo: input.get_str("repo").unwrap_or(""),
                host: input.get_str("host"),
                git_ref: input.get_str("ref"),
                rev: input.get_str("rev"),
                nar_hash: nar_hash.as_ref(),
            };
            let t = crate::fetch::forge::fetch(ev.store()?, &fi).map_err(|e| match what {
                "" => err(format!("cannot fetch '{r}': {e}")),
                _ => err(format!("cannot fetch input '{what}' ('{r}'): {e}")).with_note(format!(
                    "To use a copy on this machine instead: --override-input {} path:/path/to/checkout",
                    what.rsplit('/').next().unwrap_or(what)
                )),
            })?;
            let (path, nar) = (t.fetched.path.to_absolute(), t.fetched.nar_hash.to_sri());
            let mut locked = input.clone();
            locked.attrs.remove("ref");
            locked.attrs.insert("rev".into(), Attr::Str(t.rev.clone()));
            locked.attrs.insert("lastModified".into(), Attr::Int(t.last_modified.max(0) as u64));
            locked.attrs.insert("narHash".into(), Attr::Str(nar.clone()));
            let info = vec![
                ("lastModified", Value::Int(t.last_modified)),
                ("lastModifiedDate", date_value(t.last_modified)),
                ("narHash", Value::string(nar.as_str())),
                ("rev", Value::string(t.rev.as_str())),
                ("shortRev", Value::string(&t.rev[..7])),
            ];
            Ok(Source { out_path: store_string(&path), dir: path, info, locked: with_subdir(locked) })
        }
        "indirect" => Err(err(format!(
            "cannot resolve the flake reference '{r}' (input '{what}'): tern has no flake registry; only \
             'nixpkgs' is known (it is tern's stdlib)"
        ))
        .with_note(format!(
            "Point the input at a local copy: --override-input {} path:/path/to/checkout",
            what.rsplit('/').next().unwrap_or(what)
        ))),
        _ => Err(unsupported(what, r)),
    }
}

/// `builtins.fetchTree` of a reference handled here (forges, flake-style URLs): the
/// source's attributes, with `outPath`.
pub fn fetch_tree_value(ev: &Evaluator, r: &FlakeRef) -> EvalResult<Value> {
    let src = fetch(ev, r, "", Want::Locked)?;
    Ok(src.source_info())
}

fn store_string(p: &str) -> Value {
    let ctx = Context::from([crate::eval::string::ContextElem::Plain(Rc::from(p))]);
    Value::String(Shared::new(NixString::with_context(p.as_bytes().to_vec(), ctx)))
}
