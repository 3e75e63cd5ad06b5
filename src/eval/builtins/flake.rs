//! Flake builtins: `getFlake`, `parseFlakeRef`, `flakeRefToString`.
//!
//! The work is done in `crate::flake`; these wrap it with CppNix's argument handling.
//! tern evaluates impurely by default, so `getFlake` accepts unlocked references unless
//! `--pure-eval` is given (CppNix requires a locked reference in pure mode).

use crate::diag::source_map::Span;
use crate::flake::flakeref::{self, Attr, Attrs, FlakeRef, ParseOptions};

use super::super::attrs::AttrsBuilder;
use super::super::error::{EvalError, EvalResult};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

fn get_flake(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let v = ev.force_arg(arg("getFlake", args, 0))?;
    let r = match &v {
        Value::Path(p) => flakeref::parse(
            &format!("path:{p}"),
            ParseOptions { allow_missing: true, is_flake: true, ..Default::default() },
        )
        .map_err(EvalError::msg)?,
        _ => {
            let s = ev.expect_string_no_ctx(&v, "while evaluating the argument passed to builtins.getFlake")?;
            let s = s.to_str_lossy().into_owned();
            let r = flakeref::parse(&s, ParseOptions { allow_missing: true, is_flake: true, ..Default::default() })
                .map_err(EvalError::msg)?;
            if ev.settings.pure && !r.input.is_locked() {
                return Err(EvalError::msg(format!(
                    "cannot call 'getFlake' on unlocked flake reference '{s}' (use --impure to override)"
                )));
            }
            r
        }
    };
    crate::flake::get_flake(ev, &r)
}

fn parse_flake_ref(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_string_no_ctx(arg("parseFlakeRef", args, 0))?;
    let r =
        flakeref::parse(&s.to_str_lossy(), ParseOptions { allow_missing: true, is_flake: true, ..Default::default() })
            .map_err(EvalError::msg)?;
    let attrs = r.to_attrs();
    let mut b = AttrsBuilder::with_capacity(attrs.len());
    for (k, v) in attrs {
        let v = match v {
            Attr::Str(s) => Value::string(s),
            Attr::Int(i) => Value::Int(i as i64),
            Attr::Bool(b) => Value::Bool(b),
        };
        b.insert_str(&k, v);
    }
    Ok(Value::attrs(b.finish()))
}

fn flake_ref_to_string(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let a = ev.arg_attrs(arg("flakeRefToString", args, 0))?;
    let mut attrs = Attrs::new();
    for attr in a.iter_sorted() {
        let name = attr.name.as_str().into_owned();
        let v = match ev.force(&attr.value)? {
            Value::Int(i) if i < 0 => {
                return Err(EvalError::msg(format!("negative value given for flake ref attr {name}: {i}")))
            }
            Value::Int(i) => Attr::Int(i as u64),
            Value::Bool(b) => Attr::Bool(b),
            Value::String(s) => Attr::Str(s.to_str_lossy().into_owned()),
            other => {
                return Err(EvalError::msg(format!(
                    "flake reference attribute sets may only contain integers, Booleans, and strings, but attribute \
                     '{name}' is {}",
                    other.type_description()
                )))
            }
        };
        attrs.insert(name, v);
    }
    let r = FlakeRef::from_attrs(&attrs).map_err(EvalError::msg)?;
    Ok(Value::string(r.to_url_string().map_err(EvalError::msg)?))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "getFlake", arity: 1, func: get_flake, args: &["args"], doc: "Evaluates the flake a reference (or path) names, with its locked inputs, and returns its outputs plus `outPath`, `inputs`, `sourceInfo` and `_type = \"flake\"`. Local flakes are evaluated in place; nixpkgs is tern's stdlib. The lock file is never written." },
    PrimOp { name: "parseFlakeRef", arity: 1, func: parse_flake_ref, args: &["flake-ref"], doc: "Parses a flake reference into its attribute form: `builtins.parseFlakeRef \"github:NixOS/nixpkgs/23.05?dir=lib\"` is `{ dir = \"lib\"; owner = \"NixOS\"; ref = \"23.05\"; repo = \"nixpkgs\"; type = \"github\"; }`." },
    PrimOp { name: "flakeRefToString", arity: 1, func: flake_ref_to_string, args: &["attrs"], doc: "Turns the attribute form of a flake reference into its URL form: `builtins.flakeRefToString { type = \"github\"; owner = \"NixOS\"; repo = \"nixpkgs\"; ref = \"23.05\"; dir = \"lib\"; }` is `\"github:NixOS/nixpkgs/23.05?dir=lib\"`." },
];
