//! Builtins that put things into the store or name store paths: `toFile path filterSource
//! storePath placeholder` (spec `store.md` §2, §4.2, §5.4).
//!
//! * `toFile name s` writes a text object whose references are the plain paths in the
//!   context of `s`; a derivation in that context is an error. The result's context is the
//!   new path only.
//! * `path { path; name ? base name; filter ? none; recursive ? true; sha256 ? none; }` and
//!   `filterSource f p` copy a file system object in, NAR-hashed (or flat-hashed with
//!   `recursive = false`), calling the filter for every entry below the root. With
//!   `sha256` the expected path is computed first and, if already valid, returned without
//!   reading the source; otherwise the copy must land on it.
//! * `storePath p` (impure only) gives `p` with the context of its enclosing store path.
//! * `placeholder o` is the context-free output placeholder string.

use crate::eval::shared::Shared;
use std::collections::BTreeSet;
use std::path::Path;
use std::rc::Rc;

use crate::diag::source_map::Span;
use crate::store::hash::{Hash, HashAlgo};
use crate::store::nar::EntryType;
use crate::store::path::{fixed_output_path, is_in_store, placeholder, split_store_path};
use crate::store::{FileIngestionMethod, StorePath};

use super::super::error::{EvalError, EvalResult};
use super::super::string::{Context, ContextElem, NixString};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::store_bridge::{default_copy_name, missing_path};
use super::PrimOp;

/// A store path string with itself as plain context.
fn store_path_value(path: &StorePath) -> Value {
    let p = path.to_absolute();
    let ctx = Context::from([ContextElem::Plain(Rc::from(p.as_str()))]);
    Value::String(Shared::new(NixString::with_context(p.into_bytes(), ctx)))
}

fn to_file(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let name = ev.arg_string_no_ctx(arg("toFile", args, 0))?;
    let name = name.to_str_lossy();
    let contents = ev.arg_string(arg("toFile", args, 1))?;
    let mut refs = BTreeSet::new();
    for elem in contents.context().into_iter().flatten() {
        match elem {
            ContextElem::Plain(p) => {
                refs.insert(StorePath::parse(p)?);
            }
            other => {
                return Err(EvalError::msg(format!(
                    "files created by builtins.toFile may not reference derivations, but {name} references {}",
                    other.encode()
                )))
            }
        }
    }
    let path = ev.store()?.add_text(&name, contents.as_bytes(), &refs)?;
    Ok(store_path_value(&path))
}

/// What `builtins.path`/`filterSource` were asked to copy.
struct AddPath<'a> {
    /// The path as the user sees it (logical for store paths).
    path: String,
    /// Whether the path came with a string context.
    has_context: bool,
    name: String,
    filter: Option<Value>,
    method: FileIngestionMethod,
    expected: Option<Hash>,
    span: Span,
    ev: &'a Evaluator,
}

impl AddPath<'_> {
    fn run(self) -> EvalResult<Value> {
        let path = self.path.clone();
        self.add().map_err(|e| e.with_frame(None, format!("while adding path '{path}'")))
    }

    fn add(self) -> EvalResult<Value> {
        let ev = self.ev;
        let store = ev.store()?;
        if is_in_store(&self.path) && self.has_context {
            let (sp, _) = split_store_path(&self.path)?;
            if store.is_valid(&sp)? && !store.references(&sp)?.is_empty() {
                return Err(EvalError::msg(format!(
                    "cannot re-add '{}' to the store: it lies in store object '{sp}', which has references, and \
                     tern does not copy references along",
                    self.path
                )));
            }
        }
        let expected = match &self.expected {
            Some(h) => Some(fixed_output_path(&self.name, self.method, h, &BTreeSet::new())?),
            None => None,
        };
        if let Some(sp) = &expected {
            if store.is_valid(sp)? {
                return Ok(store_path_value(sp));
            }
        }
        let src = ev.physical_path(&self.path)?;
        if std::fs::symlink_metadata(&src).is_err() {
            return Err(missing_path(&self.path));
        }
        // In a git work tree used in place, untracked files are left out before any filter sees them.
        let tracked = super::tracked_trees::tree_of(ev, &self.path);
        let keeper = match &tracked {
            Some((tree, _)) => Some(tree.keeper()?),
            None => None,
        };
        let is_tracked = |p: &Path| keeper.as_ref().is_none_or(|keeps| keeps(p));
        let added = match &self.filter {
            None if keeper.is_none() => store.add_path(&src, &self.name, self.method)?,
            None => store.add_path_filtered(&src, &self.name, self.method, &mut |p: &Path, _| {
                Ok::<bool, EvalError>(is_tracked(p))
            })?,
            Some(f) => {
                let (src_text, logical) = (src.to_string_lossy().into_owned(), self.path.clone());
                let mut call_filter = |p: &Path, t: EntryType| -> EvalResult<bool> {
                    if !is_tracked(p) {
                        return Ok(false);
                    }
                    let p = p.to_string_lossy();
                    // Show the filter logical paths even when the bytes come from the store root.
                    let shown = match p.strip_prefix(src_text.as_str()) {
                        Some(rest) => format!("{logical}{rest}"),
                        None => p.into_owned(),
                    };
                    let g = ev.call(f, Value::string(shown), self.span)?;
                    let r = ev.call(&g, Value::string(t.as_str()), self.span)?;
                    ev.expect_bool(&r, "while evaluating the return value of the path filter function")
                };
                store.add_path_filtered(&src, &self.name, self.method, &mut call_filter)?
            }
        };
        if let Some(sp) = expected {
            if sp != added {
                return Err(EvalError::msg(format!(
                    "store path mismatch in (possibly filtered) path added from '{}'",
                    self.path
                ))
                .with_note(format!("expected: {sp}\ngot:      {added}")));
            }
        }
        Ok(store_path_value(&added))
    }
}

/// `newHashAllowEmpty`: an empty hash means the all-zero hash, with a warning.
fn parse_expected_sha256(s: &str) -> EvalResult<Hash> {
    if s.is_empty() {
        let h = Hash::zero(HashAlgo::Sha256);
        eprintln!("warning: found empty hash, assuming '{}'", h.to_sri());
        return Ok(h);
    }
    Ok(Hash::parse_any(s, Some(HashAlgo::Sha256))?)
}

/// A path argument with its context (a path value, or a string naming an absolute path).
fn path_with_context(ev: &Evaluator, v: &Value, frame: &str) -> EvalResult<(String, bool)> {
    let v = ev.force(v).map_err(|e| e.with_frame(None, frame.to_string()))?;
    let has_context = matches!(&v, Value::String(s) if s.has_context());
    let path = ev.coerce_to_path(&v).map_err(|e| e.with_frame(None, frame.to_string()))?;
    Ok((path, has_context))
}

fn path(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let attrs = ev.expect_attrs(&args[0], "while evaluating the argument passed to 'builtins.path'")?;
    let mut req = AddPath {
        path: String::new(),
        has_context: false,
        name: String::new(),
        filter: None,
        method: FileIngestionMethod::Recursive,
        expected: None,
        span,
        ev,
    };
    let mut have_path = false;
    for attr in attrs.iter_sorted() {
        let at = |e: EvalError| match attr.pos.span() {
            Some(s) => e.at(s),
            None => e,
        };
        let v = &attr.value;
        match attr.name.bytes() {
            b"path" => {
                let (p, ctx) =
                    path_with_context(ev, v, "while evaluating the 'path' attribute passed to 'builtins.path'")
                        .map_err(at)?;
                (req.path, req.has_context, have_path) = (p, ctx, true);
            }
            b"name" => {
                let n = ev
                    .expect_string_no_ctx(v, "while evaluating the `name` attribute passed to builtins.path")
                    .map_err(at)?;
                req.name = n.to_str_lossy().into_owned();
            }
            b"filter" => {
                let f = ev
                    .expect_function(v, "while evaluating the `filter` parameter passed to builtins.path")
                    .map_err(at)?;
                req.filter = Some(f);
            }
            b"recursive" => {
                let r = ev
                    .expect_bool(v, "while evaluating the `recursive` attribute passed to builtins.path")
                    .map_err(at)?;
                req.method = if r { FileIngestionMethod::Recursive } else { FileIngestionMethod::Flat };
            }
            b"sha256" => {
                let s = ev
                    .expect_string_no_ctx(v, "while evaluating the `sha256` attribute passed to builtins.path")
                    .map_err(at)?;
                req.expected = Some(parse_expected_sha256(&s.to_str_lossy()).map_err(at)?);
            }
            _ => return Err(at(EvalError::msg(format!("unsupported argument '{}' to 'builtins.path'", attr.name)))),
        }
    }
    if !have_path {
        return Err(EvalError::msg("missing required 'path' attribute in the first argument to 'builtins.path'"));
    }
    if req.name.is_empty() {
        req.name = default_copy_name(ev, &req.path)?;
    }
    req.run()
}

fn filter_source(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let (path, has_context) = path_with_context(
        ev,
        &args[1],
        "while evaluating the second argument (the path to filter) passed to 'builtins.filterSource'",
    )?;
    let filter = ev.expect_function(&args[0], "while evaluating the first argument passed to builtins.filterSource")?;
    let name = default_copy_name(ev, &path)?;
    AddPath {
        path,
        has_context,
        name,
        filter: Some(filter),
        method: FileIngestionMethod::Recursive,
        expected: None,
        span,
        ev,
    }
    .run()
}

fn store_path(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    if ev.settings.pure {
        return Err(EvalError::msg("'builtins.storePath' is not allowed in pure evaluation mode"));
    }
    let v = ev.force_arg(arg("storePath", args, 0))?;
    let mut path = ev
        .coerce_to_path(&v)
        .map_err(|e| e.with_frame(None, "while evaluating the first argument passed to 'builtins.storePath'"))?;
    // Symlinks outside the store (a `result` link) are followed to the store path.
    if !is_in_store(&path) {
        if let Ok(real) = std::fs::canonicalize(&path) {
            path = real.to_string_lossy().into_owned();
        }
    }
    if !is_in_store(&path) {
        return Err(EvalError::msg(format!("path '{path}' is not in the Nix store")));
    }
    let (sp, _) = split_store_path(&path)?;
    if !ev.store()?.is_valid(&sp)? {
        return Err(EvalError::msg(format!("path '{sp}' does not exist and cannot be created")));
    }
    let ctx = Context::from([ContextElem::Plain(Rc::from(sp.to_absolute().as_str()))]);
    Ok(Value::String(Shared::new(NixString::with_context(path.into_bytes(), ctx))))
}

fn placeholder_(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let output = ev.arg_string_no_ctx(arg("placeholder", args, 0))?;
    Ok(Value::string(placeholder(&output.to_str_lossy())))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "toFile",
        arity: 2,
        func: to_file,
        args: &["name", "s"],
        doc: "Writes `s` to a file named `name` in the store and returns its path; store paths in the context of \
              `s` become its references (derivation outputs are not allowed).",
    },
    PrimOp {
        name: "path",
        arity: 1,
        func: path,
        args: &["args"],
        doc: "Copies `args.path` into the store, optionally renamed (`name`), filtered (`filter`), flat-hashed \
              (`recursive = false`) or checked against an expected `sha256`.",
    },
    PrimOp {
        name: "filterSource",
        arity: 2,
        func: filter_source,
        args: &["e1", "e2"],
        doc: "Copies path `e2` into the store, keeping only the entries for which `e1 path type` is true.",
    },
    PrimOp {
        name: "storePath",
        arity: 1,
        func: store_path,
        args: &["path"],
        doc: "The store path `path` with the context of its store object, without copying (impure only).",
    },
    PrimOp {
        name: "placeholder",
        arity: 1,
        func: placeholder_,
        args: &["output"],
        doc: "The placeholder string the builder replaces by the path of output `output`.",
    },
];
