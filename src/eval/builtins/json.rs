//! JSON: `toJSON` (also behind `tern eval --json`) and `fromJSON`.
//!
//! Output follows CppNix 2.8 byte for byte, since structured-attrs derivations hash it:
//! compact, keys in byte order, floats as `%g`, control characters as `\u00xx`, non-ASCII
//! passed through. Sets with `__toString` or `outPath` become strings; paths are copied to
//! the store.

use crate::eval::shared::Shared;
use std::fmt::Write;

use crate::diag::source_map::Span;
use crate::numfmt::format_json_float;
use crate::symbol::Symbol;

use super::super::attrs::AttrsBuilder;
use super::super::error::{EvalError, EvalResult};
use super::super::string::{Context, NixString};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

/// Appends `s` as a JSON string literal.
pub fn write_json_string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &c in s {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            c if c < 0x20 => {
                let mut t = String::new();
                let _ = write!(t, "\\u{c:04x}");
                out.extend_from_slice(t.as_bytes());
            }
            c => out.push(c),
        }
    }
    out.push(b'"');
}

impl Evaluator {
    /// Serialises a value as JSON. With `strict` false, unforced thunks are an error
    /// (as `nix-instantiate --eval --json` without `--strict`).
    pub fn value_to_json(&self, v: &Value, strict: bool, ctx: &mut Context, out: &mut Vec<u8>) -> EvalResult<()> {
        self.value_to_json_at(v, strict, ctx, out, 0)
    }

    fn value_to_json_at(
        &self,
        v: &Value,
        strict: bool,
        ctx: &mut Context,
        out: &mut Vec<u8>,
        depth: u32,
    ) -> EvalResult<()> {
        if depth > self.settings.max_call_depth {
            return Err(EvalError::new(
                super::super::error::ErrorKind::StackOverflow,
                "stack overflow; max-call-depth exceeded",
                None,
            ));
        }
        let v = match v {
            Value::Thunk(t) if !strict => match t.value() {
                Some(v) => v.clone(),
                None => return Err(EvalError::msg("cannot convert a thunk to JSON")),
            },
            other => self.force(other)?,
        };
        match &v {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
            Value::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
            Value::Float(f) => out.extend_from_slice(format_json_float(*f).as_bytes()),
            Value::String(s) => {
                if let Err(e) = std::str::from_utf8(s.as_bytes()) {
                    let at = e.valid_up_to();
                    return Err(EvalError::msg(format!(
                        "JSON serialization error: invalid UTF-8 byte at index {at}: 0x{:02X}",
                        s.as_bytes()[at]
                    )));
                }
                s.merge_context_into(ctx);
                write_json_string(out, s.as_bytes());
            }
            Value::Path(p) => {
                let (path, elem) = self.copy_path_to_store(p)?;
                ctx.insert(elem);
                write_json_string(out, path.as_bytes());
            }
            Value::Attrs(a) => {
                if a.contains(self.syms.to_string) {
                    let s = self.coerce_to_string(&v, ctx, super::super::coerce::Coerce::STRICT)?;
                    write_json_string(out, &s);
                    return Ok(());
                }
                if let Some(p) = a.get(self.syms.out_path) {
                    return self.value_to_json_at(p, strict, ctx, out, depth + 1);
                }
                out.push(b'{');
                for (i, attr) in a.iter_sorted().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write_json_string(out, attr.name.bytes());
                    out.push(b':');
                    crate::eval::stack::maybe_grow(128 * 1024, 8 * 1024 * 1024, || {
                        self.value_to_json_at(&attr.value, strict, ctx, out, depth + 1)
                    })
                    .map_err(|e| {
                        e.with_frame(attr.pos.span(), format!("while evaluating attribute '{}'", attr.name))
                    })?;
                }
                out.push(b'}');
            }
            Value::List(l) => {
                out.push(b'[');
                for (i, item) in l.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    crate::eval::stack::maybe_grow(128 * 1024, 8 * 1024 * 1024, || {
                        self.value_to_json_at(item, strict, ctx, out, depth + 1)
                    })
                    .map_err(|e| e.with_frame(None, format!("while evaluating list element at index {i}")))?;
                }
                out.push(b']');
            }
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => {
                return Err(EvalError::msg("cannot convert a function to JSON"))
            }
            Value::Thunk(_) => unreachable!("forced above"),
        }
        Ok(())
    }

    /// Converts parsed JSON into a Nix value.
    pub fn json_to_value(&self, j: &serde_json::Value) -> EvalResult<Value> {
        Ok(match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                // The text decides: a fraction or exponent makes a float (so `-0` is the
                // integer 0), as in CppNix.
                let text = n.to_string();
                if text.contains(['.', 'e', 'E']) {
                    json_float(&text)?
                } else if let Ok(i) = text.parse::<i64>() {
                    Value::Int(i)
                } else if !text.starts_with('-') && text.parse::<u64>().is_ok() {
                    // CppNix's JSON parser reads these as unsigned 64-bit integers, which
                    // Nix integers cannot hold.
                    return Err(EvalError::msg(format!("unsigned json number {text} outside of Nix integer range")));
                } else {
                    // An integer beyond both 64-bit ranges is read as a float, as CppNix does.
                    json_float(&text)?
                }
            }
            serde_json::Value::String(s) => Value::string(no_null_bytes(s)?),
            serde_json::Value::Array(items) => {
                Value::list(items.iter().map(|i| grow_for_json(|| self.json_to_value(i))).collect::<EvalResult<_>>()?)
            }
            serde_json::Value::Object(map) => {
                let mut b = AttrsBuilder::with_capacity(map.len());
                for (k, v) in map {
                    b.insert(Symbol::intern(no_null_bytes(k)?), grow_for_json(|| self.json_to_value(v))?);
                }
                Value::attrs(b.finish())
            }
        })
    }
}

/// CppNix's (nlohmann::json's) words for a number too large for a double.
const OVERFLOW: &str = "[json.exception.out_of_range.406] number overflow parsing";

/// A JSON number read as a float; one too large for a double is an error (CppNix's parser
/// refuses it) while one too small becomes zero.
fn json_float(text: &str) -> EvalResult<Value> {
    let x: f64 = text.parse().map_err(|_| EvalError::msg(format!("invalid JSON number '{text}'")))?;
    if x.is_infinite() {
        return Err(EvalError::msg(format!("{OVERFLOW} '{text}'")));
    }
    Ok(Value::Float(x))
}

/// Nix strings cannot hold NUL bytes (CppNix's strings are C strings).
fn no_null_bytes(s: &str) -> EvalResult<&str> {
    if s.contains('\0') {
        return Err(EvalError::msg(format!(
            "input string '{}' cannot be represented as Nix string because it contains null bytes",
            s.replace('\0', "\u{2400}")
        )));
    }
    Ok(s)
}

fn to_json(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let mut ctx = Context::new();
    let mut out = Vec::new();
    ev.value_to_json(&args[0], true, &mut ctx, &mut out)
        .map_err(|e| e.with_frame(None, "while evaluating the first argument passed to builtins.toJSON"))?;
    Ok(Value::String(Shared::new(NixString::with_context(out, ctx))))
}

/// The deepest JSON `fromJSON` accepts: as deep as Nix code may nest (CppNix's parser has
/// no limit of its own; this keeps the stack, grown on the heap, bounded).
const MAX_JSON_DEPTH: usize = crate::syntax::nesting::MAX_NESTING;

/// Stack kept per level of JSON nesting while serde_json parses (and drops) recursively.
const JSON_STACK_PER_LEVEL: usize = 1024;

fn grow_for_json<R>(f: impl FnOnce() -> R) -> R {
    crate::eval::stack::maybe_grow(64 * 1024, 4 * 1024 * 1024, f)
}

/// How deep arrays and objects nest in `text` (strings skipped), stopping past `limit`.
fn json_depth(text: &[u8], limit: usize) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &c in text {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
                if deepest > limit {
                    break;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn from_json(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let s = ev.arg_string(arg("fromJSON", args, 0))?;
    let depth = json_depth(s.as_bytes(), MAX_JSON_DEPTH);
    if depth > MAX_JSON_DEPTH {
        return Err(EvalError::new(
            crate::eval::error::ErrorKind::StackOverflow,
            format!("stack overflow; the JSON is nested more than {MAX_JSON_DEPTH} levels deep"),
            None,
        ));
    }
    // serde_json parses and drops recursively: run both on a stack big enough for the depth.
    let needed = 256 * 1024 + depth * JSON_STACK_PER_LEVEL;
    crate::eval::stack::maybe_grow(needed, needed, || {
        let mut reader = serde_json::Deserializer::from_slice(s.as_bytes());
        reader.disable_recursion_limit();
        let parsed = serde::Deserialize::deserialize(&mut reader)
            .and_then(|v: serde_json::Value| reader.end().map(|()| v))
            .map_err(|e| EvalError::msg(format!("parse error while parsing JSON: {e}")))?;
        ev.json_to_value(&parsed).map_err(|e| match first_overflowing_number(s.as_bytes()) {
            // The parsed number's text is normalised (`1e+400`); CppNix quotes it as written.
            Some(text) if e.message().contains(OVERFLOW) => EvalError::msg(format!("{OVERFLOW} '{text}'")),
            _ => e,
        })
    })
}

/// The first number in a JSON text that is too large for a double, as written.
fn first_overflowing_number(json: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < json.len() {
        match json[i] {
            b'"' => {
                i += 1;
                while i < json.len() && json[i] != b'"' {
                    i += if json[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < json.len() && matches!(json[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let text = std::str::from_utf8(&json[start..i]).ok()?;
                if text.parse::<f64>().is_ok_and(f64::is_infinite) {
                    return Some(text.to_string());
                }
            }
            _ => i += 1,
        }
    }
    None
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "toJSON",
        arity: 1,
        func: to_json,
        args: &["e"],
        doc: "Serialises `e` as JSON (sets with `__toString`/`outPath` become strings, paths are copied to the store).",
    },
    PrimOp {
        name: "fromJSON",
        arity: 1,
        func: from_json,
        args: &["e"],
        doc: "Parses the JSON string `e` into a Nix value.",
    },
];
