//! Flake inputs: reading what `flake.nix` declares, fetching sources without a network,
//! and computing the lock graph.
//!
//! **Sources.** A local directory (`path:`, a git work tree given without a revision, the
//! stdlib) is used *in place*: its `outPath` is a path value, so nothing is copied until a
//! derivation refers to it. A locked git revision, a tarball or a file is copied into the
//! store by the fetchers of `eval/builtins/fetch.rs`. Any reference to nixpkgs
//! (`github:NixOS/nixpkgs/…`, `flake:nixpkgs`, `nixpkgs`, a channel tarball) is served by
//! tern's stdlib, locked as `{ "type": "tern-stdlib" }` (shown `tern:stdlib`): its content
//! is the running tern's, so the entry never goes stale. Other remote references are
//! refused with a hint to use `--override-input NAME path:/…`.
//!
//! **Locking** follows CppNix's algorithm: walk the declared inputs; keep an old lock entry
//! whose `original` still matches (and then trust its sub-inputs), else fetch the input and
//! lock it afresh, recursing into its own `flake.nix` with its own `flake.lock` as the old
//! lock; `follows` edges are recorded and checked at the end; overrides
//! (`inputs.a.inputs.b.follows`, `--override-input`) replace inputs further down. In
//! *check* mode nothing new is fetched: an input that would need a new entry becomes an
//! unlocked placeholder, so the caller can show how `flake.nix` and `flake.lock` differ.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;

use crate::eval::attrs::AttrsBuilder;
use crate::eval::builtins::fetch;
use crate::eval::builtins::store_bridge::SourceCopy;
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::ir::ParamIr;
use crate::eval::string::{Context, NixString};
use crate::eval::thunk::ThunkCell;
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

use super::flakeref::{self, Attr, FlakeRef, Input, ParseOptions};
use super::lock::{print_input_path, Edge, InputPath, LockFile, LockedNode, Node, ROOT};

/// One entry of a flake's `inputs`.
#[derive(Clone, Debug, Default)]
pub struct FlakeInput {
    pub flake_ref: Option<FlakeRef>,
    pub is_flake: bool,
    pub follows: Option<InputPath>,
    /// `inputs.x.inputs.y = …`: overrides of the input's own inputs.
    pub overrides: BTreeMap<String, FlakeInput>,
}

/// What a `flake.nix` declares.
pub struct FlakeInfo {
    pub description: Option<String>,
    pub inputs: BTreeMap<String, FlakeInput>,
}

/// A fetched (or in-place) source tree.
#[derive(Clone)]
pub struct Source {
    /// The tree's root: a path value (in place) or a store path string with its context.
    pub out_path: Value,
    /// The root as a file name, for reading `flake.nix` and `flake.lock`.
    pub dir: String,
    /// The `sourceInfo` attributes besides `outPath` (possibly lazy).
    pub info: Vec<(&'static str, Value)>,
    /// The reference that names exactly this tree (locked when the source allows it).
    pub locked: FlakeRef,
}

impl Source {
    /// `sourceInfo`: `outPath` and the metadata.
    pub fn source_info(&self) -> Value {
        let mut b = AttrsBuilder::with_capacity(self.info.len() + 1);
        b.insert_str("outPath", self.out_path.clone());
        for (k, v) in &self.info {
            b.insert_str(k, v.clone());
        }
        Value::attrs(b.finish())
    }
}

fn err(msg: impl Into<String>) -> EvalError {
    EvalError::msg(msg)
}

/// Appends `/sub` to a tree root (a path value or a string with context).
pub fn join_value(ev: &Evaluator, base: &Value, sub: &str) -> EvalResult<Value> {
    if sub.is_empty() {
        return Ok(base.clone());
    }
    let sub = sub.trim_start_matches("./");
    match ev.force(base)? {
        Value::Path(p) => Ok(Value::path(crate::eval::lower::canonicalize(&format!("{p}/{sub}")))),
        Value::String(s) => {
            let mut bytes = s.as_bytes().to_vec();
            bytes.push(b'/');
            bytes.extend_from_slice(sub.as_bytes());
            let ctx = s.context().cloned().unwrap_or_default();
            Ok(Value::String(Rc::new(NixString::with_context(bytes, ctx))))
        }
        other => Err(err(format!("a flake source root is {}", other.type_description()))),
    }
}

// ---------------------------------------------------------------------------------------
// Reading flake.nix

/// Evaluates `DIR/flake.nix` and reads its description and inputs. `lock_root` is the
/// flake's input path in the lock graph (its `follows` are relative to it).
pub fn read_flake(ev: &Evaluator, dir: &str, lock_root: &InputPath, name: &str) -> EvalResult<FlakeInfo> {
    let file = format!("{dir}/flake.nix");
    let v = ev.import_file(&file).map_err(|e| e.with_frame(None, format!("while reading the flake '{name}'")))?;
    let attrs = ev.expect_attrs(&v, &format!("while evaluating the top-level of '{file}'"))?;
    let mut info = FlakeInfo { description: None, inputs: BTreeMap::new() };
    for attr in attrs.iter_sorted() {
        match attr.name.as_str().as_ref() {
            "description" => {
                let d = ev.expect_string(&attr.value, "while evaluating the flake's description")?;
                info.description = Some(d.to_str_lossy().into_owned());
            }
            "inputs" => {
                let frame = || format!("while evaluating the inputs of the flake '{name}'");
                info.inputs =
                    parse_inputs(ev, &attr.value, lock_root, dir, true).map_err(|e| e.with_frame(None, frame()))?;
            }
            "outputs" | "nixConfig" => {}
            other => return Err(err(format!("flake '{name}' has an unsupported attribute '{other}'"))),
        }
    }
    let outputs =
        attrs.get(Symbol::intern("outputs")).ok_or_else(|| err(format!("flake '{name}' lacks attribute 'outputs'")))?;
    let outputs = ev.force(outputs)?;
    if let Value::Lambda(c) = &outputs {
        if let ParamIr::Pattern(p) = &c.lambda.param {
            for formal in p.formals.iter() {
                let n = formal.name.as_str().into_owned();
                if n != "self" && !info.inputs.contains_key(&n) {
                    let r =
                        flakeref::parse(&n, ParseOptions { is_flake: true, allow_missing: true, ..Default::default() })
                            .map_err(err)?;
                    info.inputs.insert(n, FlakeInput { flake_ref: Some(r), is_flake: true, ..Default::default() });
                }
            }
        }
    } else if !outputs.is_function() {
        return Err(err(format!(
            "expected a function but got {} for the 'outputs' attribute of flake '{name}'",
            outputs.type_description()
        )));
    }
    Ok(info)
}

fn parse_inputs(
    ev: &Evaluator,
    v: &Value,
    lock_root: &InputPath,
    dir: &str,
    allow_self: bool,
) -> EvalResult<BTreeMap<String, FlakeInput>> {
    let attrs = ev.expect_attrs(v, "")?;
    let mut out = BTreeMap::new();
    for attr in attrs.iter_sorted() {
        let name = attr.name.as_str().into_owned();
        if name == "self" {
            if !allow_self {
                return Err(err("'self' input attribute not allowed here"));
            }
            continue;
        }
        let input = parse_input(ev, &attr.value, lock_root, dir)
            .map_err(|e| e.with_frame(attr.pos.span(), format!("while evaluating the flake input '{name}'")))?;
        out.insert(name, input);
    }
    Ok(out)
}

fn parse_input(ev: &Evaluator, v: &Value, lock_root: &InputPath, dir: &str) -> EvalResult<FlakeInput> {
    let attrs = ev.expect_attrs(v, "")?;
    let mut input = FlakeInput { is_flake: true, ..Default::default() };
    let mut fetch_attrs = flakeref::Attrs::new();
    let mut url: Option<String> = None;
    for attr in attrs.iter_sorted() {
        let key = attr.name.as_str().into_owned();
        let value = ev.force(&attr.value)?;
        match key.as_str() {
            "url" => {
                let u = match &value {
                    Value::String(s) => s.to_str_lossy().into_owned(),
                    Value::Path(p) => {
                        let rel = Path::new(p.as_str()).strip_prefix(dir).map_err(|_| {
                            err(format!("input attribute path '{p}' must be in the same source tree as '{dir}'"))
                        })?;
                        format!("path:./{}", rel.to_string_lossy())
                    }
                    other => {
                        return Err(err(format!("expected a string or a path but got {}", other.type_description())))
                    }
                };
                fetch_attrs.insert("url".into(), Attr::Str(u.clone()));
                url = Some(u);
            }
            "flake" => match value {
                Value::Bool(b) => input.is_flake = b,
                other => return Err(err(format!("expected a Boolean but got {}", other.type_description()))),
            },
            "inputs" => input.overrides = parse_inputs(ev, &value, lock_root, dir, false)?,
            "follows" => {
                let s = ev.expect_string(&value, "")?;
                let mut path = lock_root.clone();
                path.extend(super::lock::parse_input_path(&s.to_str_lossy()).map_err(err)?);
                input.follows = Some(path);
            }
            _ => {
                let a = match value {
                    Value::String(s) => Attr::Str(s.to_str_lossy().into_owned()),
                    Value::Bool(b) => Attr::Bool(b),
                    Value::Int(i) if i >= 0 => Attr::Int(i as u64),
                    Value::Int(i) => {
                        return Err(err(format!("negative value given for flake input attribute {key}: {i}")))
                    }
                    other => {
                        return Err(err(format!(
                            "flake input attribute '{key}' is {} while a string, Boolean, or integer is expected",
                            other.type_description()
                        )))
                    }
                };
                fetch_attrs.insert(key, a);
            }
        }
    }
    if fetch_attrs.contains_key("type") {
        input.flake_ref = Some(FlakeRef::from_attrs(&fetch_attrs).map_err(err)?);
    } else {
        fetch_attrs.remove("url");
        if let Some(k) = fetch_attrs.keys().next() {
            return Err(err(format!("unexpected flake input attribute '{k}'")));
        }
        if let Some(u) = url {
            let opts =
                ParseOptions { allow_missing: true, is_flake: input.is_flake, preserve_relative: true, base_dir: None };
            input.flake_ref = Some(flakeref::parse(&u, opts).map_err(err)?);
        }
    }
    if input.flake_ref.is_some() && input.follows.is_some() {
        return Err(err("flake input has both a flake reference and a follows attribute"));
    }
    Ok(input)
}

// ---------------------------------------------------------------------------------------
// Fetching

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
    let copy = SourceCopy { name: "source".into(), git_tracked_only: false };
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
fn no_network(what: &str, r: &FlakeRef) -> EvalError {
    let name = what.rsplit('/').next().unwrap_or(what);
    err(format!(
        "cannot fetch input '{what}' ('{r}'): tern has no network access, and only nixpkgs is available \
         without it (from tern's stdlib)"
    ))
    .with_note(format!(
        "Fetch it yourself and point the input at your copy: --override-input {name} path:/path/to/checkout"
    ))
}

fn nar_hash_of(dir: &str) -> EvalResult<String> {
    let (h, _) = crate::store::nar::hash_path(crate::store::HashAlgo::Sha256, Path::new(dir))?;
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
    let copy = SourceCopy { name: "source".into(), git_tracked_only: git };
    crate::eval::builtins::store_bridge::register_source_copy(ev, dir, copy);
    let d1 = dir.to_string();
    let d2 = dir.to_string();
    let d3 = dir.to_string();
    let info = vec![
        ("lastModified", ThunkCell::native(move |_| Ok(Value::Int(last_modified_of(Path::new(&d1)))))),
        ("lastModifiedDate", ThunkCell::native(move |_| Ok(date_value(last_modified_of(Path::new(&d2)))))),
        ("narHash", ThunkCell::native(move |_| Ok(Value::string(nar_hash_of(&d3)?)))),
    ];
    Source { out_path: Value::path(dir.to_string()), dir: dir.to_string(), info, locked }
}

fn git_info(
    rev: &Option<String>,
    dirty_rev: &Option<String>,
    rev_count: i64,
    last_modified: i64,
) -> Vec<(&'static str, Value)> {
    let mut info = vec![
        ("lastModified", Value::Int(last_modified)),
        ("lastModifiedDate", date_value(last_modified)),
        ("revCount", Value::Int(rev_count)),
        ("submodules", Value::Bool(false)),
    ];
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
                None => return Err(no_network(what, r)),
            };
            let rev = input.get_str("rev");
            let git_ref = input.get_str("ref");
            if rev.is_none() && git_ref.is_none() && want == Want::InPlace && !remote {
                // A work tree used in place, with its HEAD's metadata when it is clean.
                let wt = fetch::git_work_tree_info(Path::new(&repo))?;
                let mut locked = input.clone();
                let (rev, dirty_rev) = match (&wt.rev, wt.dirty) {
                    (Some(h), false) => {
                        locked.attrs.insert("rev".into(), Attr::Str(h.clone()));
                        (Some(h.clone()), None)
                    }
                    (Some(h), true) => (None, Some(format!("{h}-dirty"))),
                    (None, _) => (None, None),
                };
                let mut s = path_in_place(ev, &repo, with_subdir(locked), true);
                s.info.retain(|(k, _)| *k == "narHash");
                s.info.extend(git_info(&rev, &dirty_rev, wt.rev_count, wt.last_modified));
                return Ok(s);
            }
            let rev_in = rev;
            let g = fetch::fetch_git_tree(ev, &repo, rev, git_ref, input.get_str("narHash"))?;
            let mut locked = input.clone();
            if let Some(rev) = &g.rev {
                // As CppNix: a clean fetch without `ref` records the branch it came from.
                if git_ref.is_none() && rev_in.is_none() {
                    let head_repo = if remote {
                        crate::fetch::git::cached_repo(ev.store()?.root(), url, None, None).ok()
                    } else {
                        Some(Path::new(&repo).to_path_buf())
                    };
                    if let Some(branch) = head_repo.and_then(|r| fetch::git_head_branch(&r)) {
                        locked.attrs.insert("ref".into(), Attr::Str(branch));
                    }
                }
                locked.attrs.insert("rev".into(), Attr::Str(rev.clone()));
                locked.attrs.insert("revCount".into(), Attr::Int(g.rev_count.max(0) as u64));
                locked.attrs.insert("lastModified".into(), Attr::Int(g.last_modified.max(0) as u64));
                locked.attrs.insert("narHash".into(), Attr::Str(g.nar_hash.clone()));
            }
            let mut info = git_info(&g.rev, &g.dirty_rev, g.rev_count, g.last_modified);
            info.push(("narHash", Value::string(g.nar_hash.as_str())));
            Ok(Source {
                out_path: store_string(&g.store_path),
                dir: g.store_path.clone(),
                info,
                locked: with_subdir(locked),
            })
        }
        "tarball" | "file" => {
            let url = input.get_str("url").unwrap_or("");
            let remote = url.starts_with("http://") || url.starts_with("https://");
            if local_file_path(url).is_none() && !url.starts_with('/') && !remote {
                return Err(no_network(what, r));
            }
            let f = if input.kind() == "tarball" {
                fetch::fetch_tarball_tree(ev, url, input.get_str("narHash"))?
            } else {
                fetch::fetch_file_tree(ev, url, input.get_str("narHash"))?
            };
            let (path, nar) = (f.path.to_absolute(), f.nar_hash.to_sri());
            let mut locked = input.clone();
            locked.attrs.insert("narHash".into(), Attr::Str(nar.clone()));
            let mut info = vec![("narHash", Value::string(nar.as_str()))];
            let last_modified = input.get_int("lastModified").map(|t| t as i64).or(f.last_modified);
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
        _ => Err(no_network(what, r)),
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
    Value::String(Rc::new(NixString::with_context(p.as_bytes().to_vec(), ctx)))
}

// ---------------------------------------------------------------------------------------
// Locking

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Mode {
    /// Fetch what is new (locking, or evaluating without a lock file).
    Fetch,
    /// Fetch nothing new; inputs that need new entries become unlocked placeholders.
    Check,
}

struct OverrideTarget {
    input: FlakeInput,
    /// The directory of the flake that declared the override (for relative paths).
    source_dir: String,
    parent_path: Option<InputPath>,
}

/// The state of one lock computation.
pub struct Locker<'a> {
    ev: &'a Evaluator,
    mode: Mode,
    want: Want,
    /// Inputs to refresh (`tern flake update a b`).
    updates: BTreeSet<InputPath>,
    cli_overrides: BTreeSet<InputPath>,
    overrides: BTreeMap<InputPath, OverrideTarget>,
    overrides_used: BTreeSet<InputPath>,
    updates_used: BTreeSet<InputPath>,
    parents: Vec<FlakeRef>,
    pub new: LockFile,
    /// Sources fetched while locking, by node (reused when evaluating).
    pub sources: HashMap<usize, Source>,
    /// Input paths whose entries were replaced by `--override-input` (or lie below one).
    pub overridden: BTreeSet<InputPath>,
}

impl<'a> Locker<'a> {
    pub fn new(
        ev: &'a Evaluator,
        mode: Mode,
        want: Want,
        updates: BTreeSet<InputPath>,
        cli_overrides: &[(InputPath, FlakeRef)],
        root_dir: &str,
    ) -> Locker<'a> {
        let mut overrides = BTreeMap::new();
        let mut cli = BTreeSet::new();
        for (path, r) in cli_overrides {
            let input = FlakeInput { flake_ref: Some(r.clone()), is_flake: true, ..Default::default() };
            overrides
                .insert(path.clone(), OverrideTarget { input, source_dir: root_dir.to_string(), parent_path: None });
            cli.insert(path.clone());
        }
        Locker {
            ev,
            mode,
            want,
            updates,
            cli_overrides: cli,
            overrides,
            overrides_used: BTreeSet::new(),
            updates_used: BTreeSet::new(),
            parents: Vec::new(),
            new: LockFile::default(),
            sources: HashMap::new(),
            overridden: BTreeSet::new(),
        }
    }

    /// Computes the lock graph of a flake whose inputs are `inputs`, from `old` (if any).
    pub fn run(
        &mut self,
        inputs: &BTreeMap<String, FlakeInput>,
        old: Option<&LockFile>,
        root_dir: &str,
    ) -> EvalResult<()> {
        self.compute(inputs, ROOT, &Vec::new(), old.map(|l| (l, ROOT)), &Vec::new(), root_dir, false)?;
        for p in &self.cli_overrides {
            if !self.overrides_used.contains(p) {
                eprintln!("warning: the flag '--override-input {}' does not match any input", print_input_path(p));
            }
        }
        for p in &self.updates {
            if !self.updates_used.contains(p) {
                eprintln!("warning: '{}' does not match any input of this flake", print_input_path(p));
            }
        }
        self.new.check().map_err(err)?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn compute(
        &mut self,
        inputs: &BTreeMap<String, FlakeInput>,
        node: usize,
        prefix: &InputPath,
        old: Option<(&LockFile, usize)>,
        follows_prefix: &InputPath,
        source_dir: &str,
        trust_lock: bool,
    ) -> EvalResult<()> {
        // Overrides declared here (`inputs.a.inputs.b.…`) apply further down.
        fn add_overrides(
            this: &mut Locker<'_>,
            input: &FlakeInput,
            path: &InputPath,
            source_dir: &str,
            prefix: &InputPath,
        ) {
            for (id, o) in &input.overrides {
                let mut p = path.clone();
                p.push(id.clone());
                if o.flake_ref.is_some() || o.follows.is_some() {
                    this.overrides.entry(p.clone()).or_insert(OverrideTarget {
                        input: o.clone(),
                        source_dir: source_dir.to_string(),
                        parent_path: Some(prefix.clone()),
                    });
                }
                add_overrides(this, o, &p, source_dir, prefix);
            }
        }
        for (id, input) in inputs {
            let mut p = prefix.clone();
            p.push(id.clone());
            add_overrides(self, input, &p, source_dir, prefix);
        }
        for path in self.overrides.keys() {
            if path.len() == prefix.len() + 1
                && path.starts_with(prefix)
                && !inputs.contains_key(&path[prefix.len()])
                && !self.cli_overrides.contains(path)
            {
                eprintln!(
                    "warning: input '{}' has an override for a non-existent input '{}'",
                    print_input_path(prefix),
                    path[prefix.len()]
                );
            }
        }

        for (id, declared) in inputs {
            let mut path = prefix.clone();
            path.push(id.clone());
            let path_s = print_input_path(&path);
            self.compute_one(id, declared, node, &path, old, follows_prefix, source_dir, trust_lock)
                .map_err(|e| e.with_frame(None, format!("while updating the flake input '{path_s}'")))?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn compute_one(
        &mut self,
        id: &str,
        declared: &FlakeInput,
        node: usize,
        path: &InputPath,
        old: Option<(&LockFile, usize)>,
        follows_prefix: &InputPath,
        source_dir: &str,
        trust_lock: bool,
    ) -> EvalResult<()> {
        let path_s = print_input_path(path);
        let over = self.overrides.get(path).map(|o| (o.input.clone(), o.source_dir.clone(), o.parent_path.clone()));
        let has_cli_override = self.cli_overrides.contains(path);
        if over.is_some() {
            self.overrides_used.insert(path.clone());
        }
        if has_cli_override || (1..path.len()).any(|i| self.cli_overrides.contains(&path[..i])) {
            self.overridden.insert(path.clone());
        }
        let (mut input, eff_source_dir, over_parent) = match &over {
            Some((i, d, pp)) => (i.clone(), d.clone(), pp.clone()),
            None => (declared.clone(), source_dir.to_string(), None),
        };
        if over.is_some() {
            input.is_flake = declared.is_flake;
        }
        if let Some(target) = &input.follows {
            self.new.nodes[node].inputs.insert(id.to_string(), Edge::Follows(target.clone()));
            return Ok(());
        }
        let flake_ref = match &input.flake_ref {
            Some(r) => r.clone(),
            None => FlakeRef::from_attrs(&BTreeMap::from([
                ("type".to_string(), Attr::Str("indirect".into())),
                ("id".to_string(), Attr::Str(id.to_string())),
            ]))
            .map_err(err)?,
        };
        let parent_path = if flake_ref.input.relative_path().is_some() {
            Some(if over.is_some() { over_parent.unwrap_or_default() } else { path[..path.len() - 1].to_vec() })
        } else {
            None
        };
        self.updates_used.insert(path.clone());

        let old_lock: Option<(&LockFile, usize)> = match old {
            Some((lf, n)) if !self.updates.contains(path) => match lf.nodes[n].inputs.get(id) {
                Some(Edge::Node(c)) => Some((lf, *c)),
                _ => None,
            },
            _ => None,
        };
        if let Some((lf, c)) = old_lock {
            let l = lf.nodes[c].locked.as_ref().expect("non-root node");
            if l.original.canonicalize() == flake_ref.canonicalize() && l.parent == parent_path && !has_cli_override {
                // Unchanged: keep the entry; its own inputs come from the old lock unless an
                // update below it needs the flake itself.
                let child = self.new.add_node(Node { inputs: BTreeMap::new(), locked: Some(l.clone()) });
                self.new.nodes[node].inputs.insert(id.to_string(), Edge::Node(child));
                let mut must_refetch = self.updates.iter().any(|u| u.len() > path.len() && u.starts_with(path));
                let mut fake = BTreeMap::new();
                if !must_refetch {
                    for (name, e) in &lf.nodes[c].inputs {
                        match e {
                            Edge::Node(n2) => {
                                let l2 = lf.nodes[*n2].locked.as_ref().expect("non-root node");
                                fake.insert(
                                    name.clone(),
                                    FlakeInput {
                                        flake_ref: Some(l2.original.clone()),
                                        is_flake: l2.is_flake,
                                        ..Default::default()
                                    },
                                );
                            }
                            Edge::Follows(f) => {
                                if !trust_lock {
                                    let mut op = path.clone();
                                    op.push(name.clone());
                                    if !self.overrides.contains_key(&op) {
                                        must_refetch = true;
                                        break;
                                    }
                                }
                                let mut abs = follows_prefix.clone();
                                abs.extend(f.iter().cloned());
                                fake.insert(name.clone(), FlakeInput { follows: Some(abs), ..Default::default() });
                            }
                        }
                    }
                }
                if must_refetch && self.mode == Mode::Fetch {
                    let src = fetch(self.ev, &l.locked, &path_s, self.want)?;
                    let dir = flake_dir(&src, &l.locked);
                    let info = read_flake(self.ev, &dir, path, &path_s)?;
                    self.sources.insert(child, src);
                    return self.compute(&info.inputs, child, path, Some((lf, c)), follows_prefix, &dir, false);
                }
                return self.compute(&fake, child, path, Some((lf, c)), follows_prefix, source_dir, true);
            }
        }

        // A new entry.
        let original =
            if has_cli_override { declared.flake_ref.clone().unwrap_or(flake_ref.clone()) } else { flake_ref.clone() };
        if self.mode == Mode::Check && !self.overridden.contains(path) {
            let locked =
                LockedNode { locked: flake_ref.clone(), original, is_flake: input.is_flake, parent: parent_path };
            let child = self.new.add_node(Node { inputs: BTreeMap::new(), locked: Some(locked) });
            self.new.nodes[node].inputs.insert(id.to_string(), Edge::Node(child));
            return Ok(());
        }
        if let Some(rel) = flake_ref.input.relative_path() {
            // `path:./sub`: part of the declaring flake's tree; locked as written.
            let dir = crate::eval::lower::canonicalize(&format!("{eff_source_dir}/{}", rel.trim_start_matches("./")));
            let locked =
                LockedNode { locked: flake_ref.clone(), original, is_flake: input.is_flake, parent: parent_path };
            let child = self.new.add_node(Node { inputs: BTreeMap::new(), locked: Some(locked) });
            self.new.nodes[node].inputs.insert(id.to_string(), Edge::Node(child));
            if input.is_flake {
                let sub = format!("{dir}/{}", flake_ref.subdir);
                let sub = sub.trim_end_matches('/').to_string();
                let info = read_flake(self.ev, &sub, path, &path_s)?;
                let old_child = read_lock_file(self.ev, &sub)?;
                return self.compute(
                    &info.inputs,
                    child,
                    path,
                    old_child.as_ref().map(|l| (l, ROOT)),
                    path,
                    &sub,
                    false,
                );
            }
            return Ok(());
        }
        if input.is_flake {
            if self.parents.contains(&flake_ref) {
                return Err(err(format!("found circular import of flake '{flake_ref}'")));
            }
            let src = fetch(self.ev, &flake_ref, &path_s, self.want)?;
            let dir = flake_dir(&src, &src.locked);
            let info = read_flake(self.ev, &dir, path, &path_s)?;
            let locked = LockedNode { locked: src.locked.clone(), original, is_flake: true, parent: parent_path };
            let child = self.new.add_node(Node { inputs: BTreeMap::new(), locked: Some(locked) });
            self.new.nodes[node].inputs.insert(id.to_string(), Edge::Node(child));
            self.sources.insert(child, src);
            let old_child = read_lock_file(self.ev, &dir)?;
            self.parents.push(flake_ref);
            let r = self.compute(&info.inputs, child, path, old_child.as_ref().map(|l| (l, ROOT)), path, &dir, false);
            self.parents.pop();
            r
        } else {
            let src = fetch(self.ev, &flake_ref, &path_s, self.want)?;
            let locked = LockedNode { locked: src.locked.clone(), original, is_flake: false, parent: parent_path };
            let child = self.new.add_node(Node { inputs: BTreeMap::new(), locked: Some(locked) });
            self.new.nodes[node].inputs.insert(id.to_string(), Edge::Node(child));
            self.sources.insert(child, src);
            Ok(())
        }
    }
}

/// The directory holding a flake's `flake.nix`: the tree root plus `?dir=`.
pub fn flake_dir(src: &Source, r: &FlakeRef) -> String {
    if r.subdir.is_empty() {
        src.dir.clone()
    } else {
        crate::eval::lower::canonicalize(&format!("{}/{}", src.dir, r.subdir))
    }
}

/// Reads `DIR/flake.lock` if there is one.
pub fn read_lock_file(ev: &Evaluator, dir: &str) -> EvalResult<Option<LockFile>> {
    let path = format!("{dir}/flake.lock");
    // Store paths are read where their bytes live.
    let physical = ev.physical_path(&path)?;
    match std::fs::read_to_string(&physical) {
        Ok(text) => LockFile::parse(&text, &path).map(Some).map_err(err),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(err(format!("cannot read '{path}': {e}"))),
    }
}
