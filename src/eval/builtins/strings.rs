//! String builtins: `toString stringLength substring replaceStrings concatStringsSep
//! baseNameOf dirOf`. Strings are bytes: lengths and offsets count bytes.

use crate::eval::shared::Shared;

use crate::diag::source_map::Span;

use super::super::coerce::Coerce;
use super::super::error::{EvalError, EvalResult};
use super::super::string::{Context, NixString};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

fn to_string(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    Ok(Value::String(ev.arg_coerced(arg("toString", args, 0), Coerce::TO_STRING)?))
}

fn string_length(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_coerced(arg("stringLength", args, 0), Coerce::INTERPOLATE)?;
    Ok(Value::Int(s.len() as i64))
}

fn substring(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let start = ev.arg_int(arg("substring", args, 0))?;
    if start < 0 {
        return Err(EvalError::msg("negative start position in 'substring'"));
    }
    let len = ev.arg_int(arg("substring", args, 1))?;
    let s = ev.arg_coerced(arg("substring", args, 2), Coerce::INTERPOLATE)?;
    let bytes = s.as_bytes();
    let start = start as usize;
    let piece: &[u8] = if start >= bytes.len() {
        b""
    } else {
        // A negative length means "to the end", as CppNix's unsigned conversion does.
        let end = if len < 0 { bytes.len() } else { start.saturating_add(len as usize).min(bytes.len()) };
        &bytes[start..end]
    };
    let ctx = s.context().cloned().unwrap_or_default();
    Ok(Value::String(Shared::new(NixString::with_context(piece.to_vec(), ctx))))
}

fn replace_strings(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let from = ev.arg_list(arg("replaceStrings", args, 0))?;
    let to = ev.arg_list(arg("replaceStrings", args, 1))?;
    if from.len() != to.len() {
        return Err(EvalError::msg(
            "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths",
        ));
    }
    let mut patterns: Vec<Vec<u8>> = Vec::with_capacity(from.len());
    for f in from.iter() {
        let s = ev.force(f)?;
        let s = ev.coerce_to_nix_string(&s, Coerce::INTERPOLATE).map_err(|e| {
            e.with_frame(None, "while evaluating one of the strings to replace passed to builtins.replaceStrings")
        })?;
        patterns.push(s.as_bytes().to_vec());
    }
    // Replacements are forced only when used.
    let mut replacements: Vec<Option<Shared<NixString>>> = vec![None; to.len()];
    let s = ev.arg_coerced(arg("replaceStrings", args, 2), Coerce::INTERPOLATE)?;
    let bytes = s.as_bytes();
    let mut ctx: Context = s.context().cloned().unwrap_or_default();
    let mut out = Vec::with_capacity(bytes.len());
    let mut p = 0;
    while p <= bytes.len() {
        let mut found = false;
        for (i, pat) in patterns.iter().enumerate() {
            if bytes[p..].starts_with(pat) {
                found = true;
                if replacements[i].is_none() {
                    let r = ev.force(&to[i])?;
                    let r = ev.coerce_to_nix_string(&r, Coerce::INTERPOLATE).map_err(|e| {
                        e.with_frame(
                            None,
                            "while evaluating one of the replacement strings passed to builtins.replaceStrings",
                        )
                    })?;
                    r.merge_context_into(&mut ctx);
                    replacements[i] = Some(r);
                }
                out.extend_from_slice(replacements[i].as_ref().expect("just filled").as_bytes());
                if pat.is_empty() {
                    if p < bytes.len() {
                        out.push(bytes[p]);
                    }
                    p += 1;
                } else {
                    p += pat.len();
                }
                break;
            }
        }
        if !found {
            if p < bytes.len() {
                out.push(bytes[p]);
            }
            p += 1;
        }
    }
    Ok(Value::String(Shared::new(NixString::with_context(out, ctx))))
}

fn concat_strings_sep(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    // The separator must be a string (CppNix forces, it does not coerce).
    let sep = ev.arg_string(arg("concatStringsSep", args, 0))?;
    let l = ev.arg_list(arg("concatStringsSep", args, 1))?;
    let mut ctx: Context = sep.context().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for (i, item) in l.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep.as_bytes());
        }
        let part = ev.coerce_to_string(item, &mut ctx, Coerce::INTERPOLATE).map_err(|e| {
            e.with_frame(
                None,
                "while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep",
            )
        })?;
        out.extend_from_slice(&part);
    }
    Ok(Value::String(Shared::new(NixString::with_context(out, ctx))))
}

/// The last component of a path string, ignoring one trailing slash.
pub fn base_name(s: &[u8]) -> &[u8] {
    let s = if s.len() > 1 && s.ends_with(b"/") { &s[..s.len() - 1] } else { s };
    match s.iter().rposition(|&c| c == b'/') {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

fn base_name_of(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_coerced(arg("baseNameOf", args, 0), Coerce::STRICT)?;
    let ctx = s.context().cloned().unwrap_or_default();
    Ok(Value::String(Shared::new(NixString::with_context(base_name(s.as_bytes()).to_vec(), ctx))))
}

/// Everything before the last slash (`.` if there is none, `/` for a top-level entry).
pub fn dir_name(s: &[u8]) -> &[u8] {
    match s.iter().rposition(|&c| c == b'/') {
        None => b".",
        Some(0) => b"/",
        Some(i) => &s[..i],
    }
}

fn dir_of(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let v = ev.force_arg(arg("dirOf", args, 0))?;
    if let Value::Path(p) = &v {
        let parent = dir_name(p.as_bytes());
        return Ok(Value::path(String::from_utf8_lossy(parent).into_owned()));
    }
    let s = ev.coerce_to_nix_string(&v, Coerce::STRICT)?;
    let ctx = s.context().cloned().unwrap_or_default();
    Ok(Value::String(Shared::new(NixString::with_context(dir_name(s.as_bytes()).to_vec(), ctx))))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "toString", arity: 1, func: to_string, args: &["e"], doc: "Converts `e` to a string: paths stay as they are, `true` is \"1\", `false` and `null` are \"\", lists are joined with spaces, sets use `__toString` or `outPath`." },
    PrimOp { name: "stringLength", arity: 1, func: string_length, args: &["e"], doc: "The length of a string in bytes." },
    PrimOp { name: "substring", arity: 3, func: substring, args: &["start", "len", "s"], doc: "The bytes of `s` from `start` (0-based), at most `len` of them; context is kept." },
    PrimOp { name: "replaceStrings", arity: 3, func: replace_strings, args: &["from", "to", "s"], doc: "Replaces every occurrence of each string in `from` by the string at the same position in `to`, scanning left to right." },
    PrimOp { name: "concatStringsSep", arity: 2, func: concat_strings_sep, args: &["separator", "list"], doc: "Concatenates the strings of `list` with `separator` between them." },
    PrimOp { name: "baseNameOf", arity: 1, func: base_name_of, args: &["x"], doc: "The last component of a path or string (`baseNameOf \"/a/b\"` is \"b\")." },
    PrimOp { name: "dirOf", arity: 1, func: dir_of, args: &["s"], doc: "The directory part of a path or string (a path stays a path)." },
];
