//! Flakes: evaluating `flake.nix` files with their inputs, and their lock files.
//!
//! The façade: [`lock_flake`] reads a flake and settles its inputs for one of three
//! purposes ([`Action`]): evaluation (uses `flake.lock` as it is, or resolves afresh when
//! there is none, and **never writes it**; a lock that disagrees with `flake.nix` is refused
//! with the differences), `tern flake lock` (adds missing entries) and `tern flake update`
//! (refreshes all or some). [`call_flake`] then builds the flake's value: `outputs` called
//! with `self` and the inputs, merged with `sourceInfo`, `inputs`, `outputs`, `outPath` and
//! `_type = "flake"` as CppNix's `call-flake.nix` does. Local flakes are evaluated in place:
//! `self.outPath` is the directory itself (a path value), so only what a derivation refers
//! to is ever copied to the store.
//!
//! Submodules: `flakeref` (parsing/printing references), `lock` (`flake.lock`), `inputs`
//! (reading `flake.nix`, fetching, the locking algorithm), `show` (the trees of
//! `tern flake show`/`metadata`).

pub mod flakeref;
pub mod inputs;
pub mod lock;
pub mod show;
pub mod sources;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::eval::attrs::AttrsBuilder;
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::thunk::ThunkCell;
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

pub use flakeref::{FlakeRef, ParseOptions};
use inputs::{FlakeInfo, Locker, Mode, Source, Want};
use lock::{print_input_path, Edge, InputPath, LockFile, ROOT};

/// What the inputs are settled for.
#[derive(Clone, Debug)]
pub enum Action {
    /// Evaluation: read the lock, write nothing.
    Eval,
    /// `tern flake lock`: add missing entries and write the lock.
    Lock,
    /// `tern flake update [INPUT…]`: refresh the named inputs (all if none) and write.
    Update(BTreeSet<InputPath>),
}

/// A flake with its inputs settled.
pub struct LockedFlake {
    /// The reference as given (resolved against the working directory).
    pub flake_ref: FlakeRef,
    /// The root tree.
    pub source: Source,
    /// The directory holding `flake.nix`.
    pub dir: String,
    pub info: FlakeInfo,
    pub lock: LockFile,
    /// Whether `flake.lock` existed.
    pub had_lock: bool,
    /// Sources already fetched while locking, by lock node.
    sources: HashMap<usize, Source>,
}

fn err(msg: impl Into<String>) -> EvalError {
    EvalError::msg(msg)
}

/// Where the lock file of an in-place flake is written; `None` for a flake in the store.
pub fn lock_file_path(lf: &LockedFlake) -> Option<PathBuf> {
    matches!(lf.source.out_path, Value::Path(_)).then(|| PathBuf::from(format!("{}/flake.lock", lf.dir)))
}

/// Reads the flake `r` names and settles its inputs for `action`; `overrides` are
/// `--override-input` pairs.
pub fn lock_flake(
    ev: &Evaluator,
    r: &FlakeRef,
    action: Action,
    overrides: &[(InputPath, FlakeRef)],
) -> EvalResult<LockedFlake> {
    let source = inputs::fetch(ev, r, "", Want::InPlace)?;
    let dir = inputs::flake_dir(&source, r);
    let name = r.to_string();
    let info = inputs::read_flake(ev, &dir, &Vec::new(), &name)?;
    let old = inputs::read_lock_file(ev, &dir)?;
    let had_lock = old.is_some();
    let mut lf = LockedFlake {
        flake_ref: r.clone(),
        source,
        dir: dir.clone(),
        info,
        lock: LockFile::default(),
        had_lock,
        sources: HashMap::new(),
    };
    let (mode, want, updates, base) = match &action {
        Action::Eval if old.is_some() => (Mode::Check, Want::InPlace, BTreeSet::new(), old.clone()),
        Action::Eval => (Mode::Fetch, Want::InPlace, BTreeSet::new(), None),
        Action::Lock => (Mode::Fetch, Want::Locked, BTreeSet::new(), old.clone()),
        Action::Update(set) if set.is_empty() => (Mode::Fetch, Want::Locked, BTreeSet::new(), None),
        Action::Update(set) => (Mode::Fetch, Want::Locked, set.clone(), old.clone()),
    };
    let mut locker = Locker::new(ev, mode, want, updates, overrides, &dir);
    locker
        .run(&lf.info.inputs, base.as_ref(), &dir)
        .map_err(|e| e.with_frame(None, format!("while updating the lock file of flake '{name}'")))?;
    let overridden = locker.overridden.clone();
    lf.lock = locker.new;
    lf.sources = locker.sources;
    let lock_path = format!("{dir}/flake.lock");
    match action {
        Action::Eval => match &old {
            Some(old) => {
                let skip = |p: &[String]| overridden.iter().any(|o| p.starts_with(o));
                let diff = LockFile::check_diff(old, &lf.lock, &skip);
                if !diff.is_empty() {
                    return Err(err(format!(
                        "the lock file '{lock_path}' is out of date: it does not match the inputs of 'flake.nix':\n{}",
                        diff.trim_end()
                    ))
                    .with_note(
                        "tern never changes the lock file while evaluating. Run 'tern flake lock' to lock the new or \
                         changed inputs (or 'tern flake update' to refresh them all).",
                    ));
                }
            }
            None if !lf.info.inputs.is_empty() => eprintln!(
                "warning: flake '{name}' has no lock file: its inputs were resolved afresh and nothing was locked \
                 (run 'tern flake lock' to write '{lock_path}')"
            ),
            None => {}
        },
        Action::Lock | Action::Update(_) => {
            write_lock(&lf, old.as_ref())?;
            for line in duplicate_report(&lf.lock) {
                eprintln!("warning: {line}");
            }
        }
    }
    Ok(lf)
}

/// Writes the new lock if it differs from the old one, telling what changed.
fn write_lock(lf: &LockedFlake, old: Option<&LockFile>) -> EvalResult<()> {
    let empty = LockFile::default();
    let old = old.unwrap_or(&empty);
    if lf.lock == *old && lf.had_lock {
        return Ok(());
    }
    if let Some(u) = lf.lock.unlocked_input() {
        return Err(err(format!(
            "not writing the lock file of flake '{}' because it has an unlocked input ('{u}')",
            lf.flake_ref
        ))
        .with_note("A git work tree with uncommitted changes cannot be locked: commit them first."));
    }
    let Some(path) = lock_file_path(lf) else {
        return Err(err(format!(
            "cannot write the modified lock file of flake '{}': it is not a local directory",
            lf.flake_ref
        )));
    };
    let diff = LockFile::diff(old, &lf.lock);
    let diff = diff.trim_end();
    let shown = path.display();
    if lf.had_lock {
        if diff.is_empty() {
            eprintln!("warning: updating lock file '{shown}'");
        } else {
            eprintln!("warning: updating lock file '{shown}':\n{diff}");
        }
    } else {
        eprintln!("warning: creating lock file '{shown}':\n{diff}");
    }
    std::fs::write(&path, lf.lock.to_text()).map_err(|e| err(format!("cannot write '{shown}': {e}")))?;
    if lf.flake_ref.input.kind() == "git" {
        // As CppNix: a new lock in a git work tree is added with intent to add, so that the
        // next evaluation, which sees tracked files only, reads it.
        let dir = path.parent().unwrap_or(Path::new("."));
        let added = std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["add", "--intent-to-add", "--", "flake.lock"])
            .output();
        match added {
            Ok(o) if o.status.success() => {}
            Ok(o) => eprintln!("warning: cannot 'git add' '{shown}': {}", String::from_utf8_lossy(&o.stderr).trim()),
            Err(e) => eprintln!("warning: cannot run 'git add' for '{shown}': {e}"),
        }
    }
    Ok(())
}

/// Sources locked more than once under different input paths ("the 1000 instances of
/// nixpkgs"), with the `follows` that would merge them.
pub fn duplicate_report(lock: &LockFile) -> Vec<String> {
    let mut by_node: BTreeMap<usize, InputPath> = BTreeMap::new();
    for (path, edge) in lock.all_inputs() {
        if let Edge::Node(n) = edge {
            by_node.entry(n).or_insert(path);
        }
    }
    let mut groups: BTreeMap<String, Vec<(InputPath, String)>> = BTreeMap::new();
    for (n, path) in by_node {
        let Some(l) = &lock.nodes[n].locked else { continue };
        let i = &l.locked.input;
        let lower = |k: &str| i.get_str(k).unwrap_or("").to_ascii_lowercase();
        let key = match i.kind() {
            "github" | "gitlab" | "sourcehut" => format!("{}:{}/{}", i.kind(), lower("owner"), lower("repo")),
            "git" | "tarball" | "file" => i.get_str("url").unwrap_or("").to_string(),
            "path" if i.relative_path().is_some() => continue,
            "path" => format!("path:{}", i.get_str("path").unwrap_or("")),
            other => other.to_string(),
        };
        // Two locks of one source differ in content only if their NAR hashes do (a rev alone
        // when there is no hash): attributes such as `verifyCommit` do not change the tree.
        let content =
            i.get_str("narHash").or(i.get_str("rev")).map(String::from).unwrap_or_else(|| l.locked.to_string());
        groups.entry(key).or_default().push((path, content));
    }
    let mut out = Vec::new();
    for (key, mut members) in groups {
        if members.len() < 2 {
            continue;
        }
        members.sort_by_key(|(p, _)| (p.len(), p.clone()));
        let names: Vec<String> = members.iter().map(|(p, _)| format!("'{}'", print_input_path(p))).collect();
        let distinct: BTreeSet<&String> = members.iter().map(|(_, r)| r).collect();
        let how = if distinct.len() == 1 { "the same source" } else { "different revisions" };
        let first = &members[0].0;
        let second = &members[1].0;
        let suggestion = if second.len() > 1 {
            format!(
                "; to share one, add `inputs.{}.follows = \"{}\";` to flake.nix",
                second.join(".inputs."),
                print_input_path(first)
            )
        } else {
            String::new()
        };
        let key = if key == "tern-stdlib" { "tern:stdlib".to_string() } else { key };
        out.push(format!(
            "'{key}' is locked {} times ({how}), as inputs {}{suggestion}",
            members.len(),
            names.join(", ")
        ));
    }
    out
}

/// tern's own version of CppNix's `call-flake.nix`: builds every node's value lazily,
/// calling `outputs` with the node's inputs and `self`.
const CALL_FLAKE: &str = r#"
nodes: rootKey:
let
  results = builtins.mapAttrs (key: node:
    if node.flake then
      let
        flake = import (node.outPath + "/flake.nix");
        inputs = builtins.mapAttrs (name: target: results.${target}) node.inputs;
        returned = flake.outputs (inputs // { self = result; });
        outputs =
          if builtins.isAttrs returned then returned
          else throw "the 'outputs' function of the flake '${node.name}' returned ${builtins.typeOf returned}, not an attribute set";
        result = outputs // node.sourceInfo // {
          inherit (node) outPath sourceInfo;
          inherit inputs outputs;
          _type = "flake";
        };
      in result
    else
      node.sourceInfo // { inherit (node) outPath sourceInfo; }
  ) nodes;
in results.${rootKey}
"#;

fn node_key(n: usize) -> String {
    format!("n{n}")
}

/// The flake's value: its outputs merged with `sourceInfo`, `inputs`, `outPath`, …
pub fn call_flake(ev: &Evaluator, lf: &LockedFlake) -> EvalResult<Value> {
    let lock = Rc::new(lf.lock.clone());
    let mut names: HashMap<usize, String> = HashMap::new();
    for (path, edge) in lock.all_inputs() {
        if let Edge::Node(n) = edge {
            names.entry(n).or_insert_with(|| print_input_path(&path));
        }
    }
    // (outPath, sourceInfo) of every node, built lazily.
    let mut vals: HashMap<usize, (Value, Value)> = HashMap::new();
    let root_out = inputs::join_value(ev, &lf.source.out_path, &lf.flake_ref.subdir)?;
    vals.insert(ROOT, (root_out, lf.source.source_info()));
    let mut b = AttrsBuilder::with_capacity(lock.nodes.len());
    for idx in 0..lock.nodes.len() {
        let (out_path, source_info) = node_values(lf, &lock, &names, idx, &mut vals)?;
        let node = &lock.nodes[idx];
        let mut inputs_b = AttrsBuilder::with_capacity(node.inputs.len());
        for (name, edge) in &node.inputs {
            let target = match edge {
                Edge::Node(n) => *n,
                Edge::Follows(p) => lock.find_input(p).map_err(err)?.ok_or_else(|| {
                    err(format!("input '{name}' follows a non-existent input '{}'", print_input_path(p)))
                })?,
            };
            inputs_b.insert_str(name, Value::string(node_key(target)));
        }
        let is_flake = node.locked.as_ref().map(|l| l.is_flake).unwrap_or(true);
        let mut nb = AttrsBuilder::with_capacity(5);
        let name = match (&node.locked, names.get(&idx)) {
            (Some(l), Some(n)) => format!("{} (input '{n}')", l.original),
            _ => lf.flake_ref.to_string(),
        };
        nb.insert_str("name", Value::string(name));
        nb.insert_str("flake", Value::Bool(is_flake));
        nb.insert_str("outPath", out_path);
        nb.insert_str("sourceInfo", source_info);
        nb.insert_str("inputs", Value::attrs(inputs_b.finish()));
        b.insert_str(&node_key(idx), Value::attrs(nb.finish()));
    }
    let program = ev.compile(
        crate::diag::source_map::Origin::Embedded("«tern-internal»/call-flake.nix".into()),
        CALL_FLAKE.as_bytes(),
        "/",
        Vec::new(),
    )?;
    let helper = ev.eval(program.ir, &ev.root_env.clone())?;
    let f = ev.call(&helper, Value::attrs(b.finish()), dummy_span())?;
    ev.call(&f, Value::string(node_key(ROOT)), dummy_span())
}

fn dummy_span() -> crate::diag::source_map::Span {
    crate::diag::source_map::Span::new(crate::diag::source_map::FileId(u32::MAX), 0, 0)
}

fn node_values(
    lf: &LockedFlake,
    lock: &Rc<LockFile>,
    names: &HashMap<usize, String>,
    idx: usize,
    vals: &mut HashMap<usize, (Value, Value)>,
) -> EvalResult<(Value, Value)> {
    if let Some(v) = vals.get(&idx) {
        return Ok(v.clone());
    }
    let l = lock.nodes[idx].locked.clone().expect("only the root has no lock entry");
    let what = names.get(&idx).cloned().unwrap_or_default();
    let subdir = l.locked.subdir.clone();
    let result = if let Some(rel) = l.locked.input.relative_path() {
        // Relative to the flake that declared it: the parent's tree.
        let parent = l.parent.clone().unwrap_or_default();
        let pidx = if parent.is_empty() {
            ROOT
        } else {
            lock.find_input(&parent).map_err(err)?.ok_or_else(|| {
                err(format!("input '{what}' is relative to a non-existent input '{}'", print_input_path(&parent)))
            })?
        };
        let (pout, psi) = node_values(lf, lock, names, pidx, vals)?;
        let rel = rel.to_string();
        let out = ThunkCell::native(move |ev| {
            let base = inputs::join_value(ev, &pout, &rel)?;
            inputs::join_value(ev, &base, &subdir)
        });
        (out, psi)
    } else {
        let source_info = match lf.sources.get(&idx) {
            Some(src) => src.source_info(),
            None => {
                let locked = l.locked.clone();
                ThunkCell::native(move |ev| Ok(inputs::fetch(ev, &locked, &what, Want::InPlace)?.source_info()))
            }
        };
        let si = source_info.clone();
        let out = ThunkCell::native(move |ev| {
            let attrs = ev.expect_attrs(&si, "")?;
            let root = attrs.get(Symbol::intern("outPath")).cloned().ok_or_else(|| err("a source without outPath"))?;
            inputs::join_value(ev, &root, &subdir)
        });
        (out, source_info)
    };
    vals.insert(idx, result.clone());
    Ok(result)
}

/// `builtins.getFlake`: the flake's value, using its lock as it is.
pub fn get_flake(ev: &Evaluator, r: &FlakeRef) -> EvalResult<Value> {
    let lf = lock_flake(ev, r, Action::Eval, &[])?;
    call_flake(ev, &lf)
}
