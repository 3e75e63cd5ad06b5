//! Coercion to strings and the `+`/interpolation operator.
//!
//! Nix has one coercion routine with three knobs: whether non-string scalars and lists
//! are accepted (`toString`, derivation attributes: "coerce more"), whether paths are
//! copied to the store (interpolation and derivations do, `toString` does not), and whether
//! a path is canonicalised. Attrsets coerce through `__toString` or `outPath`.

use crate::eval::shared::Shared;

use crate::diag::source_map::Span;

use super::error::{EvalError, EvalResult};
use super::lower::canonicalize;
use super::string::{Context, NixString};
use super::value::Value;
use super::Evaluator;
use crate::numfmt::format_f;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coerce {
    /// Accept null, bools, numbers and lists (`toString` semantics).
    pub more: bool,
    /// Copy paths into the store and use the store path.
    pub copy_to_store: bool,
}

impl Coerce {
    /// `"${x}"`: strings, paths (copied), and sets with `__toString`/`outPath`.
    pub const INTERPOLATE: Coerce = Coerce { more: false, copy_to_store: true };
    /// `builtins.toString`.
    pub const TO_STRING: Coerce = Coerce { more: true, copy_to_store: false };
    /// Derivation attributes.
    pub const DERIVATION: Coerce = Coerce { more: true, copy_to_store: true };
    /// Where only real strings (and string-like sets) may appear, without copying paths.
    pub const STRICT: Coerce = Coerce { more: false, copy_to_store: false };
}

impl Evaluator {
    /// Coerces `v` to a string, adding its context to `ctx`.
    pub fn coerce_to_string(&self, v: &Value, ctx: &mut Context, mode: Coerce) -> EvalResult<Vec<u8>> {
        let v = self.force(v)?;
        match &v {
            Value::String(s) => {
                s.merge_context_into(ctx);
                Ok(s.as_bytes().to_vec())
            }
            Value::Path(p) => {
                if mode.copy_to_store {
                    let (store_path, elem) = self.copy_path_to_store(p)?;
                    ctx.insert(elem);
                    Ok(store_path.into_bytes())
                } else {
                    // A flake's source is evaluated where it lies, but its paths read as
                    // CppNix's do: in the store copy.
                    match super::builtins::store_bridge::in_place_path_as_stored(self, p)? {
                        Some(stored) => Ok(stored.into_bytes()),
                        None => Ok(p.as_bytes().to_vec()),
                    }
                }
            }
            Value::Attrs(a) => {
                if let Some(f) = a.get(self.syms.to_string) {
                    let f = self.force(f)?;
                    let r = self.call(&f, v.clone(), dummy_span())?;
                    return self.nested(None, || self.coerce_to_string(&r, ctx, mode));
                }
                if let Some(out) = a.get(self.syms.out_path) {
                    return self.nested(None, || self.coerce_to_string(out, ctx, mode));
                }
                Err(EvalError::msg(format!("cannot coerce a set to a string: {}", self.show_short(&v))))
            }
            Value::Null if mode.more => Ok(Vec::new()),
            Value::Bool(b) if mode.more => Ok(if *b { b"1".to_vec() } else { Vec::new() }),
            Value::Int(i) if mode.more => Ok(int_bytes(*i)),
            Value::Float(f) if mode.more => Ok(format_f(*f).into_bytes()),
            Value::List(items) if mode.more => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let item = self.force(item)?;
                    out.extend(
                        self.nested(None, || self.coerce_to_string(&item, ctx, mode))
                            .map_err(|e| e.with_frame(None, "while evaluating one element of the list"))?,
                    );
                    let empty_list = matches!(&item, Value::List(l) if l.is_empty());
                    if i + 1 < items.len() && !empty_list {
                        out.push(b' ');
                    }
                }
                Ok(out)
            }
            other => Err(EvalError::msg(format!(
                "cannot coerce {} to a string: {}",
                other.type_description(),
                self.show_short(other)
            ))),
        }
    }

    /// Coerces to a string value carrying its context. A value that already is a string is
    /// returned as it is (no copy).
    pub fn coerce_to_nix_string(&self, v: &Value, mode: Coerce) -> EvalResult<Shared<NixString>> {
        let v = self.force(v)?;
        if let Value::String(s) = v {
            return Ok(s);
        }
        let mut ctx = Context::new();
        let bytes = self.coerce_to_string(&v, &mut ctx, mode)?;
        Ok(Shared::new(NixString::with_context(bytes, ctx)))
    }

    /// Coerces to a path: a path value, or a string denoting an absolute path.
    pub fn coerce_to_path(&self, v: &Value) -> EvalResult<String> {
        let v = self.force(v)?;
        if let Value::Path(p) = &v {
            return Ok(p.to_string());
        }
        let mut ctx = Context::new();
        let s = self.coerce_to_string(&v, &mut ctx, Coerce::STRICT)?;
        let s = String::from_utf8_lossy(&s).into_owned();
        if !s.starts_with('/') {
            return Err(EvalError::msg(format!("string '{s}' doesn't represent an absolute path")));
        }
        Ok(s)
    }

    /// `a + b + …` and `"${a}${b}"`: numbers add, a leading path makes a path, anything
    /// else concatenates as strings (copying paths into the store).
    pub fn concat_values(&self, span: Span, values: &[Value], force_string: bool) -> EvalResult<Value> {
        #[derive(PartialEq)]
        enum First {
            Str,
            Path,
            Int,
            Float,
        }
        let first = if force_string {
            First::Str
        } else {
            match values.first() {
                Some(Value::Path(_)) => First::Path,
                Some(Value::Int(_)) => First::Int,
                Some(Value::Float(_)) => First::Float,
                _ => First::Str,
            }
        };
        match first {
            First::Int | First::Float => {
                let mut acc = values[0].clone();
                for v in &values[1..] {
                    acc = match (&acc, v) {
                        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                            self.arith(crate::syntax::ast::BinOp::Add, acc.clone(), v.clone(), span)?
                        }
                        _ => {
                            return Err(EvalError::eval(
                                format!(
                                    "cannot add {} to {}",
                                    v.type_description(),
                                    if matches!(acc, Value::Int(_)) { "an integer" } else { "a float" }
                                ),
                                span,
                            ))
                        }
                    };
                }
                Ok(acc)
            }
            First::Path | First::Str => {
                let mut ctx = Context::new();
                // Sized for the string parts (all of them, usually), so that the bytes are
                // neither regrown while appending nor shrunk into the string at the end.
                let strings_len: usize = values
                    .iter()
                    .map(|v| match v {
                        Value::String(s) => s.as_bytes().len(),
                        Value::Path(p) => p.len(),
                        _ => 0,
                    })
                    .sum();
                let mut out: Vec<u8> = Vec::with_capacity(strings_len);
                let mode = if first == First::Str { Coerce::INTERPOLATE } else { Coerce::STRICT };
                for (i, v) in values.iter().enumerate() {
                    // The first segment of an interpolated path keeps a trailing slash.
                    if i == 0 {
                        if let (First::Path, Value::Path(p)) = (&first, v) {
                            out.extend_from_slice(p.as_bytes());
                            continue;
                        }
                    }
                    // Strings, the common case, are appended without an intermediate copy.
                    if let Value::String(s) = v {
                        s.merge_context_into(&mut ctx);
                        out.extend_from_slice(s.as_bytes());
                        continue;
                    }
                    let part = self.coerce_to_string(v, &mut ctx, mode).map_err(|e| {
                        e.at(span).with_frame(
                            Some(span),
                            if first == First::Path {
                                "while evaluating a path segment"
                            } else {
                                "while evaluating a string interpolation"
                            },
                        )
                    })?;
                    out.extend_from_slice(&part);
                }
                if first == First::Path {
                    if !ctx.is_empty() {
                        return Err(EvalError::eval(
                            "a string that refers to a store path cannot be appended to a path",
                            span,
                        ));
                    }
                    let text = String::from_utf8_lossy(&out).into_owned();
                    Ok(Value::path(canonicalize(&text)))
                } else {
                    Ok(Value::String(Shared::new(NixString::with_context(out, ctx))))
                }
            }
        }
    }
}

/// The decimal digits of `i`, in a vector of exactly their length: formatting into a
/// `String` leaves spare capacity, which turning the bytes into a string's boxed slice
/// then reallocates away (`toString` of an integer is common in package names).
fn int_bytes(i: i64) -> Vec<u8> {
    use std::io::Write;
    let mut buf = [0u8; 20];
    let mut cursor = std::io::Cursor::new(&mut buf[..]);
    write!(cursor, "{i}").expect("an i64 has at most 20 characters");
    let n = cursor.position() as usize;
    buf[..n].to_vec()
}

/// Calls made by coercion have no source position of their own; the caller's span is
/// attached to any error on the way out.
fn dummy_span() -> Span {
    Span::new(crate::diag::source_map::FileId(u32::MAX), 0, 0)
}
