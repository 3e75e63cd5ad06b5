//! Flake inputs: reading what `flake.nix` declares and computing the lock graph; the
//! sources themselves are fetched by `sources.rs`.
//!
//! **Sources.** A local directory (`path:`, a git work tree given without a revision, the
//! stdlib) is used *in place*: its `outPath` is a path value, so nothing is copied until a
//! derivation refers to it. A locked git revision, a tarball, a file or a forge archive
//! (`github:` …, local or over the network) is copied into the store. Any reference to
//! nixpkgs (`github:NixOS/nixpkgs/…`, `flake:nixpkgs`, `nixpkgs`, a channel tarball) is
//! served by tern's stdlib, locked as `{ "type": "tern-stdlib" }` (shown `tern:stdlib`):
//! its content is the running tern's, so the entry never goes stale — unless the setting
//! `stdlib-nixpkgs` is false, when nixpkgs is fetched like any other input.
//!
//! **Locking** follows CppNix's algorithm: walk the declared inputs; keep an old lock entry
//! whose `original` still matches (and then trust its sub-inputs), else fetch the input and
//! lock it afresh, recursing into its own `flake.nix` with its own `flake.lock` as the old
//! lock; `follows` edges are recorded and checked at the end; overrides
//! (`inputs.a.inputs.b.follows`, `--override-input`) replace inputs further down. In
//! *check* mode nothing new is fetched: an input that would need a new entry becomes an
//! unlocked placeholder, so the caller can show how `flake.nix` and `flake.lock` differ.

use crate::eval::shared::Shared;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use crate::eval::attrs::AttrsBuilder;
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::ir::ParamIr;
use crate::eval::string::NixString;
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

use super::flakeref::{self, Attr, FlakeRef, ParseOptions};
use super::lock::{print_input_path, Edge, InputPath, LockFile, LockedNode, Node, ROOT};
pub use super::sources::{fetch, fetch_tree_value, is_nixpkgs, Want};

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
            Ok(Value::String(Shared::new(NixString::with_context(bytes, ctx))))
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
    // A lock file git does not track in a work tree used in place is not part of the flake.
    if !crate::eval::builtins::tracked_trees::is_visible(ev, &path)? {
        return Ok(None);
    }
    // Store paths are read where their bytes live.
    let physical = ev.physical_path(&path)?;
    match std::fs::read_to_string(&physical) {
        Ok(text) => LockFile::parse(&text, &path).map(Some).map_err(err),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(err(format!("cannot read '{path}': {e}"))),
    }
}
