//! File-system and code-loading builtins: `import scopedImport readFile readDir
//! readFileType pathExists findFile toPath getEnv`, and the `nixPath` constant.

use crate::eval::shared::Shared;
use std::rc::Rc;

use crate::diag::source_map::Span;
use crate::symbol::Symbol;

use super::super::attrs::AttrsBuilder;
use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::super::lower::canonicalize;
use super::super::string::NixString;
use super::super::value::Value;
use super::super::{Evaluator, SearchPathEntry};
use super::args::arg;
use super::PrimOp;

/// The `builtins.nixPath` list: `[ { prefix = "nixpkgs"; path = "/…"; } … ]`.
pub fn nix_path_value(entries: &[SearchPathEntry]) -> Value {
    Value::list(
        entries
            .iter()
            .map(|e| {
                let mut b = AttrsBuilder::with_capacity(2);
                b.insert_str("prefix", Value::string(e.prefix.as_str()));
                b.insert_str("path", Value::string(e.path.as_str()));
                Value::attrs(b.finish())
            })
            .collect(),
    )
}

fn import(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let path = ev.arg_path(arg("import", args, 0))?;
    ev.import_file(&path)
}

fn scoped_import(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let scope = ev.arg_attrs(arg("scopedImport", args, 0))?;
    let path = ev.arg_path(arg("scopedImport", args, 1))?;
    ev.scoped_import(&scope, &path)
}

fn io_error(what: &str, path: &str, e: &std::io::Error) -> EvalError {
    let detail = match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".to_string(),
        _ => e.to_string(),
    };
    EvalError::new(ErrorKind::Io, format!("{what} '{path}': {detail}"), None)
}

fn read_file(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let path = ev.arg_path(arg("readFile", args, 0))?;
    let real = ev.physical_path(&path)?;
    let bytes = std::fs::read(&real).map_err(|e| io_error("opening file", &path, &e))?;
    // A file in the store carries the references of its store object that occur in it.
    let mut ctx = super::super::string::Context::new();
    if crate::store::path::is_in_store(&path) {
        if let Ok((sp, _)) = crate::store::path::split_store_path(&path) {
            let store = ev.store()?;
            if store.is_valid(&sp)? {
                for r in store.references(&sp)? {
                    let hash = r.hash_part().as_bytes();
                    if bytes.windows(hash.len()).any(|w| w == hash) {
                        ctx.insert(super::super::string::ContextElem::Plain(Rc::from(r.to_absolute().as_str())));
                    }
                }
            }
        }
    }
    Ok(Value::String(Shared::new(NixString::with_context(bytes, ctx))))
}

fn file_type_name(ft: std::fs::FileType) -> &'static str {
    if ft.is_symlink() {
        "symlink"
    } else if ft.is_dir() {
        "directory"
    } else if ft.is_file() {
        "regular"
    } else {
        "unknown"
    }
}

fn read_dir(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let path = ev.arg_path(arg("readDir", args, 0))?;
    if let Some(v) = ev.caches.read_dirs.borrow().get(&path) {
        return Ok(v.clone());
    }
    let v = list_directory(ev, &path)?;
    ev.caches.read_dirs.borrow_mut().insert(path, v.clone());
    Ok(v)
}

fn list_directory(ev: &Evaluator, path: &str) -> EvalResult<Value> {
    let path = path.to_string();
    let entries = std::fs::read_dir(ev.physical_path(&path)?).map_err(|e| io_error("reading directory", &path, &e))?;
    // In a git work tree used in place, only tracked entries are listed.
    let tracked = super::tracked_trees::tree_of(ev, &path);
    let mut b = AttrsBuilder::default();
    for entry in entries {
        let entry = entry.map_err(|e| io_error("reading directory", &path, &e))?;
        if let Some((tree, rel)) = &tracked {
            if !tree.is_tracked(&rel.join(entry.file_name()))? {
                continue;
            }
        }
        let ft = entry.file_type().map_err(|e| io_error("reading directory", &path, &e))?;
        use std::os::unix::ffi::OsStrExt;
        b.insert(Symbol::intern_bytes(entry.file_name().as_bytes()), Value::string(file_type_name(ft)));
    }
    Ok(Value::attrs(b.finish()))
}

fn read_file_type(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let path = ev.arg_path(arg("readFileType", args, 0))?;
    let meta =
        std::fs::symlink_metadata(ev.physical_path(&path)?).map_err(|e| io_error("getting status of", &path, &e))?;
    Ok(Value::string(file_type_name(meta.file_type())))
}

fn path_exists(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let v = ev.force_arg(arg("pathExists", args, 0))?;
    // A string must be an absolute path; a trailing slash requires a directory.
    let path = ev.coerce_to_path(&v)?;
    let must_be_dir = path.len() > 1 && path.ends_with('/');
    if !super::tracked_trees::is_visible(ev, path.trim_end_matches('/'))? {
        return Ok(Value::Bool(false));
    }
    let real = ev.physical_path(&path)?;
    Ok(Value::Bool(match std::fs::metadata(&real) {
        Ok(m) => !must_be_dir || m.is_dir(),
        Err(_) => std::fs::symlink_metadata(&real).is_ok() && !must_be_dir,
    }))
}

fn find_file(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let list = ev.arg_list(arg("findFile", args, 0))?;
    let name = ev.arg_string(arg("findFile", args, 1))?;
    let mut entries = Vec::with_capacity(list.len());
    for item in list.iter() {
        let item = ev.force(item)?;
        let Value::Attrs(a) = &item else {
            return Err(EvalError::msg(format!("expected a set but found {}", item.type_description()))
                .with_frame(None, "while evaluating an element of the list passed to builtins.findFile"));
        };
        let prefix = match a.get(ev.syms.prefix) {
            Some(p) => ev.coerce_to_nix_string(p, super::super::coerce::Coerce::STRICT)?.to_str_lossy().into_owned(),
            None => String::new(),
        };
        let path = match a.get(ev.syms.path) {
            Some(p) => ev.coerce_to_nix_string(p, super::super::coerce::Coerce::STRICT)?.to_str_lossy().into_owned(),
            None => {
                return Err(
                    EvalError::msg("attribute 'path' missing").with_frame(None, "in an element of the __nixPath")
                )
            }
        };
        entries.push(SearchPathEntry { prefix, path });
    }
    let found = ev.find_file(&entries, &name.to_str_lossy(), Some(span))?;
    Ok(Value::path(found))
}

fn to_path(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let p = ev.arg_path(arg("toPath", args, 0))?;
    Ok(Value::string(canonicalize(&p)))
}

fn get_env(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let name = ev.arg_string(arg("getEnv", args, 0))?;
    if ev.settings.pure {
        return Ok(Value::string(""));
    }
    let value = std::env::var_os(&*name.to_str_lossy()).unwrap_or_default();
    use std::os::unix::ffi::OsStrExt;
    Ok(Value::string(value.as_bytes()))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "import",
        arity: 1,
        func: import,
        args: &["path"],
        doc: "Loads, parses and evaluates the Nix file at `path` (a directory means its `default.nix`).",
    },
    PrimOp {
        name: "scopedImport",
        arity: 2,
        func: scoped_import,
        args: &["scope", "path"],
        doc: "Like `import`, with the attributes of `scope` in scope as variables.",
    },
    PrimOp {
        name: "readFile",
        arity: 1,
        func: read_file,
        args: &["path"],
        doc: "The contents of the file `path` as a string.",
    },
    PrimOp {
        name: "readDir",
        arity: 1,
        func: read_dir,
        args: &["path"],
        doc: "The entries of directory `path`, each mapped to \"regular\", \"directory\", \"symlink\" or \"unknown\".",
    },
    PrimOp {
        name: "readFileType",
        arity: 1,
        func: read_file_type,
        args: &["p"],
        doc: "The type of the file at `p`: \"regular\", \"directory\", \"symlink\" or \"unknown\".",
    },
    PrimOp { name: "pathExists", arity: 1, func: path_exists, args: &["path"], doc: "Whether `path` exists." },
    PrimOp {
        name: "findFile",
        arity: 2,
        func: find_file,
        args: &["search-path", "lookup-path"],
        doc: "Looks `lookup-path` up in a search path like `builtins.nixPath`; `<x>` is `findFile nixPath \"x\"`.",
    },
    PrimOp {
        name: "toPath",
        arity: 1,
        func: to_path,
        args: &["s"],
        doc: "Deprecated: the canonical form of the absolute path string `s`.",
    },
    PrimOp {
        name: "getEnv",
        arity: 1,
        func: get_env,
        args: &["s"],
        doc: "The value of environment variable `s`, or \"\" if unset (always \"\" in pure mode).",
    },
];
