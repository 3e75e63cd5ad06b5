//! `tern show-derivation`: print derivations as JSON, in the shape and layout of
//! `nix show-derivation` (Nix 2.8).
//!
//! Arguments are `.drv` store paths, store paths with a known deriver, or — like
//! `tern instantiate` — a file (`-f FILE`, or a positional that is not a store path) or
//! `-E EXPR` with `-A` attribute paths, whose derivations are instantiated first. With
//! `-r` the input derivations are shown too, recursively. The output is one JSON object
//! keyed by drv path (sorted), each value `{ outputs, inputSrcs, inputDrvs, system,
//! builder, args, env }` in that order, pretty-printed with two-space indentation and a
//! final newline; strings keep their bytes (`"`, `\`, newline, CR, tab and other control
//! characters escaped).

use std::collections::BTreeMap;

use super::args::{parse, CommonArgs, Spec};
use super::instantiate::instantiate;
use super::{report, usage_error};
use crate::eval::builtins::json::write_json_string;
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::Evaluator;
use crate::store::path::is_in_store;
use crate::store::{Derivation, Store, StorePath};

const SPEC: Spec = Spec { flags: &["-r", "--recursive"], valued: &["-f", "--file"] };

/// A JSON value with byte-string contents, printed the way Nix 2.8's JSON writer does.
pub enum Json {
    Str(Vec<u8>),
    Arr(Vec<Json>),
    Obj(Vec<(Vec<u8>, Json)>),
}

impl Json {
    pub fn str(s: impl AsRef<[u8]>) -> Json {
        Json::Str(s.as_ref().to_vec())
    }

    /// Pretty-printed with `indent` levels of two spaces already open.
    pub fn write_pretty(&self, out: &mut Vec<u8>, indent: usize) {
        let pad = |out: &mut Vec<u8>, n: usize| out.extend(std::iter::repeat_n(b' ', n * 2));
        match self {
            Json::Str(s) => write_json_string(out, s),
            Json::Arr(items) if items.is_empty() => out.extend_from_slice(b"[]"),
            Json::Obj(items) if items.is_empty() => out.extend_from_slice(b"{}"),
            Json::Arr(items) => {
                out.extend_from_slice(b"[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    item.write_pretty(out, indent + 1);
                    out.extend_from_slice(if i + 1 < items.len() { b",\n" } else { b"\n" });
                }
                pad(out, indent);
                out.push(b']');
            }
            Json::Obj(items) => {
                out.extend_from_slice(b"{\n");
                for (i, (k, v)) in items.iter().enumerate() {
                    pad(out, indent + 1);
                    write_json_string(out, k);
                    out.extend_from_slice(b": ");
                    v.write_pretty(out, indent + 1);
                    out.extend_from_slice(if i + 1 < items.len() { b",\n" } else { b"\n" });
                }
                pad(out, indent);
                out.push(b'}');
            }
        }
    }
}

/// The JSON form of one derivation.
pub fn derivation_json(drv: &Derivation) -> Json {
    let outputs = drv
        .outputs
        .iter()
        .map(|(name, o)| {
            let mut fields = vec![(b"path".to_vec(), Json::str(&o.path))];
            if let Some(h) = &o.hash {
                fields.push((b"hashAlgo".to_vec(), Json::str(h.method_algo())));
                fields.push((b"hash".to_vec(), Json::str(h.hash.to_base16())));
            }
            (name.as_bytes().to_vec(), Json::Obj(fields))
        })
        .collect();
    let input_drvs = drv
        .input_drvs
        .iter()
        .map(|(p, outs)| (p.as_bytes().to_vec(), Json::Arr(outs.iter().map(Json::str).collect())))
        .collect();
    let fields: Vec<(&[u8], Json)> = vec![
        (b"outputs", Json::Obj(outputs)),
        (b"inputSrcs", Json::Arr(drv.input_srcs.iter().map(Json::str).collect())),
        (b"inputDrvs", Json::Obj(input_drvs)),
        (b"system", Json::str(&drv.platform)),
        (b"builder", Json::str(&drv.builder)),
        (b"args", Json::Arr(drv.args.iter().map(Json::str).collect())),
        (b"env", Json::Obj(drv.env.iter().map(|(k, v)| (k.clone(), Json::str(v))).collect())),
    ];
    Json::Obj(fields.into_iter().map(|(k, v)| (k.to_vec(), v)).collect())
}

pub fn run(argv: &[String]) -> i32 {
    let mut a = match parse(argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let settings = match a.settings() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let recursive = a.has_flag("-r") || a.has_flag("--recursive");
    let ev = Evaluator::new(settings);
    let result = drv_paths(&ev, &mut a).and_then(|paths| {
        let store = ev.store()?;
        show(store, &paths, recursive)
    });
    match result {
        Ok(text) => {
            use std::io::Write;
            let _ = std::io::stdout().write_all(&text);
            0
        }
        Err(e) => {
            report(&e, a.show_trace);
            1
        }
    }
}

/// The drv paths the arguments denote.
fn drv_paths(ev: &Evaluator, a: &mut CommonArgs) -> EvalResult<Vec<StorePath>> {
    let mut paths = Vec::new();
    let file = a.value("-f").or(a.value("--file")).map(String::from);
    if let Some(f) = file {
        // `-f FILE attr…`: positionals are attribute paths.
        a.attr_paths.extend(std::mem::take(&mut a.files));
        a.files = vec![f];
    } else if !a.expr_mode {
        let (store_args, files): (Vec<String>, Vec<String>) =
            std::mem::take(&mut a.files).into_iter().partition(|f| is_in_store(f));
        a.files = files;
        let store = ev.store()?;
        for p in store_args {
            paths.push(derivation_of(store, &p)?);
        }
        if a.files.is_empty() {
            if paths.is_empty() {
                return Err(EvalError::msg("no derivations given (pass .drv paths, a file, or -E EXPR)"));
            }
            return Ok(paths);
        }
    }
    for found in instantiate(ev, a)? {
        paths.push(StorePath::parse(&found.drv_path)?);
    }
    Ok(paths)
}

/// A `.drv` path itself, or the deriver of a valid store path.
fn derivation_of(store: &Store, path: &str) -> EvalResult<StorePath> {
    let (sp, _) = crate::store::path::split_store_path(path)?;
    if sp.is_derivation() {
        return Ok(sp);
    }
    match store.query_info(&sp)?.and_then(|info| info.deriver) {
        Some(d) => Ok(d),
        None => Err(EvalError::msg(format!("path '{sp}' is not a derivation and has no known deriver"))),
    }
}

fn show(store: &Store, roots: &[StorePath], recursive: bool) -> EvalResult<Vec<u8>> {
    let mut drvs: BTreeMap<String, Derivation> = BTreeMap::new();
    let mut todo: Vec<StorePath> = roots.to_vec();
    while let Some(p) = todo.pop() {
        let key = p.to_absolute();
        if drvs.contains_key(&key) {
            continue;
        }
        if !store.is_valid(&p)? {
            return Err(EvalError::msg(format!("path '{p}' is not valid")));
        }
        let drv = store.read_derivation(&p)?;
        if recursive {
            for input in drv.input_drvs.keys() {
                todo.push(StorePath::parse(input)?);
            }
        }
        drvs.insert(key, drv);
    }
    let root = Json::Obj(drvs.iter().map(|(p, d)| (p.as_bytes().to_vec(), derivation_json(d))).collect());
    let mut out = Vec::new();
    root.write_pretty(&mut out, 0);
    out.push(b'\n');
    Ok(out)
}
