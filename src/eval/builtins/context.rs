//! String-context builtins: `getContext hasContext appendContext unsafeDiscardStringContext
//! unsafeDiscardOutputDependency addDrvOutputDependencies` (spec `store.md` §5).
//!
//! The context is a set of elements — a plain store path, output `o` of a derivation, or
//! a derivation with all its outputs. `getContext` shows it as an attrset keyed by store
//! path (`{ path = true; allOutputs = true; outputs = [ … ]; }`, only the keys that
//! apply); `appendContext` takes the same shape back, checking that keys are store paths
//! that exist and that output contexts name derivations. Semantics follow current CppNix.

use crate::eval::shared::Shared;
use std::rc::Rc;

use crate::diag::source_map::Span;
use crate::store::StorePath;
use crate::symbol::Symbol;

use super::super::attrs::AttrsBuilder;
use super::super::coerce::Coerce;
use super::super::error::{EvalError, EvalResult};
use super::super::string::{Context, ContextElem, NixString};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

fn string(bytes: &[u8], ctx: Context) -> Value {
    Value::String(Shared::new(NixString::with_context(bytes.to_vec(), ctx)))
}

fn unsafe_discard_string_context(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_coerced(arg("unsafeDiscardStringContext", args, 0), Coerce::INTERPOLATE)?;
    Ok(string(s.as_bytes(), Context::new()))
}

fn has_context(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_string(arg("hasContext", args, 0))?;
    Ok(Value::Bool(s.has_context()))
}

fn unsafe_discard_output_dependency(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_coerced(arg("unsafeDiscardOutputDependency", args, 0), Coerce::INTERPOLATE)?;
    let ctx = s
        .context()
        .into_iter()
        .flatten()
        .map(|e| match e {
            ContextElem::AllOutputs(d) => ContextElem::Plain(d.clone()),
            other => other.clone(),
        })
        .collect();
    Ok(string(s.as_bytes(), ctx))
}

fn add_drv_output_dependencies(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_coerced(arg("addDrvOutputDependencies", args, 0), Coerce::INTERPOLATE)?;
    let elems: Vec<&ContextElem> = s.context().into_iter().flatten().collect();
    if elems.len() != 1 {
        return Err(EvalError::msg(format!(
            "context of string '{}' must have exactly one element, but has {}",
            s.to_str_lossy(),
            elems.len()
        )));
    }
    let deep = match elems[0] {
        ContextElem::Plain(p) => {
            if !p.ends_with(".drv") {
                return Err(EvalError::msg(format!("path '{p}' is not a derivation")));
            }
            ContextElem::AllOutputs(p.clone())
        }
        ContextElem::Output { output, .. } => {
            return Err(EvalError::msg(format!(
                "`addDrvOutputDependencies` can only act on derivations, not on a derivation output such as '{output}'"
            )))
        }
        deep @ ContextElem::AllOutputs(_) => deep.clone(),
    };
    Ok(string(s.as_bytes(), Context::from([deep])))
}

fn get_context(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_string(arg("getContext", args, 0))?;
    #[derive(Default)]
    struct Info {
        path: bool,
        all_outputs: bool,
        outputs: Vec<Value>,
    }
    // The context is ordered by kind first; regroup by path (a BTreeMap keeps paths sorted).
    let mut infos: std::collections::BTreeMap<&str, Info> = std::collections::BTreeMap::new();
    for elem in s.context().into_iter().flatten() {
        let info = infos.entry(elem.path()).or_default();
        match elem {
            ContextElem::Plain(_) => info.path = true,
            ContextElem::AllOutputs(_) => info.all_outputs = true,
            ContextElem::Output { output, .. } => info.outputs.push(Value::string(&**output)),
        }
    }
    let mut b = AttrsBuilder::with_capacity(infos.len());
    for (path, info) in infos {
        let mut e = AttrsBuilder::with_capacity(3);
        if info.path {
            e.insert(ev.syms.path, Value::Bool(true));
        }
        if info.all_outputs {
            e.insert(ev.syms.all_outputs, Value::Bool(true));
        }
        if !info.outputs.is_empty() {
            e.insert(ev.syms.outputs, Value::list(info.outputs));
        }
        b.insert(Symbol::intern(path), Value::attrs(e.finish()));
    }
    Ok(Value::attrs(b.finish()))
}

fn append_context(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_string(arg("appendContext", args, 0))?;
    let entries = ev.arg_attrs(arg("appendContext", args, 1))?;
    let mut ctx: Context = s.context().cloned().unwrap_or_default();
    for entry in entries.iter_sorted() {
        let key = entry.name.as_str();
        let span = entry.pos.span();
        let at = |e: EvalError| match span {
            Some(sp) => e.at(sp),
            None => e,
        };
        let store_path = StorePath::parse(&key)
            .map_err(|_| at(EvalError::msg(format!("context key '{key}' is not a store path"))))?;
        if !ev.store()?.is_valid(&store_path)? {
            return Err(at(EvalError::msg(format!("path '{key}' does not exist and cannot be created"))));
        }
        let info = ev.expect_attrs(&entry.value, "while evaluating the value of a string context")?;
        let path: Rc<str> = Rc::from(&*key);
        let is_drv = store_path.is_derivation();
        if let Some(v) = info.get(ev.syms.path) {
            if ev.expect_bool(v, "while evaluating the `path` attribute of a string context")? {
                ctx.insert(ContextElem::Plain(path.clone()));
            }
        }
        if let Some(v) = info.get(ev.syms.all_outputs) {
            if ev.expect_bool(v, "while evaluating the `allOutputs` attribute of a string context")? {
                if !is_drv {
                    return Err(at(EvalError::msg(format!(
                        "tried to add all-outputs context of {key}, which is not a derivation, to a string"
                    ))));
                }
                ctx.insert(ContextElem::AllOutputs(path.clone()));
            }
        }
        if let Some(v) = info.get(ev.syms.outputs) {
            let outputs = ev.expect_list(v, "while evaluating the `outputs` attribute of a string context")?;
            if !outputs.is_empty() && !is_drv {
                return Err(at(EvalError::msg(format!(
                    "tried to add derivation output context of {key}, which is not a derivation, to a string"
                ))));
            }
            for o in outputs.iter() {
                let name = ev.expect_string_no_ctx(o, "while evaluating an output name within a string context")?;
                ctx.insert(ContextElem::Output { drv: path.clone(), output: Rc::from(&*name.to_str_lossy()) });
            }
        }
    }
    Ok(string(s.as_bytes(), ctx))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "getContext",
        arity: 1,
        func: get_context,
        args: &["s"],
        doc: "The string context of `s` as an attrset keyed by store path, each value holding `path = true`, \
              `allOutputs = true` and/or `outputs = [ … ]`.",
    },
    PrimOp {
        name: "hasContext",
        arity: 1,
        func: has_context,
        args: &["s"],
        doc: "Whether the string `s` has a non-empty context.",
    },
    PrimOp {
        name: "appendContext",
        arity: 2,
        func: append_context,
        args: &["s", "context"],
        doc: "`s` with the context described by `context` (the shape `getContext` returns) added.",
    },
    PrimOp {
        name: "unsafeDiscardStringContext",
        arity: 1,
        func: unsafe_discard_string_context,
        args: &["s"],
        doc: "`s` without its string context.",
    },
    PrimOp {
        name: "unsafeDiscardOutputDependency",
        arity: 1,
        func: unsafe_discard_output_dependency,
        args: &["s"],
        doc: "`s` with every all-outputs context element (from `drvPath`) turned into a plain reference to the \
              `.drv` file.",
    },
    PrimOp {
        name: "addDrvOutputDependencies",
        arity: 1,
        func: add_drv_output_dependencies,
        args: &["s"],
        doc: "The opposite of `unsafeDiscardOutputDependency`: the single plain `.drv` context element of `s` \
              becomes an all-outputs element.",
    },
];
