//! Rendering values as Nix text.
//!
//! `print_value` reproduces `nix-instantiate --eval` output: attribute names in byte
//! order (quoted unless they are identifiers), strings escaped, floats as `%g`, unforced
//! thunks as `<CODE>` (a thunk being forced as `«potential infinite recursion»`), functions
//! as `<LAMBDA>`/`<PRIMOP>`/`<PRIMOP-APP>`, and a non-empty list or set that was already
//! printed in the same output as `«repeated»`. It never forces anything: `--strict`
//! forces deeply before printing. `show_short` is the bounded form used inside messages.

use std::collections::HashSet;
use std::fmt::Write;

use crate::numfmt::format_g;
use crate::syntax::show::quote_string;

use super::machine::show_attr_name;
use super::value::Value;
use super::Evaluator;

/// Renders a value as `nix-instantiate --eval` prints it. The result is bytes: strings
/// are byte strings and are written out unchanged (no UTF-8 repair).
pub fn print_value(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    print_rec(&mut out, v, &mut seen, 0, true);
    out
}

/// A string literal as Nix prints it: `"`, `\`, newline, CR, tab and `${` escaped, all
/// other bytes as they are.
pub fn quote_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'$' if bytes.get(i + 1) == Some(&b'{') => out.extend_from_slice(b"\\$"),
            c => out.push(c),
        }
    }
    out.push(b'"');
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(s.as_bytes());
}

/// `«repeated»` follows CppNix: a set is repeated when the very same set was printed
/// before; a list when the very same *slot* (the same variable or thunk) was — the printed
/// top-level value itself is a fresh copy, so `let x = [ x ]; in x` prints
/// `[ [ «repeated» ] ]`. `top` is true for that top-level value.
fn print_rec(out: &mut Vec<u8>, v: &Value, seen: &mut HashSet<usize>, depth: usize, top: bool) {
    if depth > 10_000 {
        push_str(out, "«too deep»");
        return;
    }
    match v {
        Value::Null => push_str(out, "null"),
        Value::Bool(b) => push_str(out, if *b { "true" } else { "false" }),
        Value::Int(i) => push_str(out, &i.to_string()),
        Value::Float(f) => push_str(out, &format_g(*f)),
        Value::String(s) => quote_bytes(out, s.as_bytes()),
        Value::Path(p) => push_str(out, p),
        Value::Attrs(a) => {
            if !a.is_empty() && !seen.insert(crate::eval::shared::Shared::as_ptr(a) as usize) {
                push_str(out, "«repeated»");
                return;
            }
            push_str(out, "{ ");
            for attr in a.iter_sorted() {
                push_attr_name(out, attr.name.bytes());
                push_str(out, " = ");
                print_rec(out, &attr.value, seen, depth + 1, false);
                push_str(out, "; ");
            }
            out.push(b'}');
        }
        Value::List(l) => {
            if !top && !l.is_empty() && !seen.insert(crate::eval::shared::Shared::as_ptr(l) as usize) {
                push_str(out, "«repeated»");
                return;
            }
            push_str(out, "[ ");
            for item in l.iter() {
                print_rec(out, item, seen, depth + 1, false);
                out.push(b' ');
            }
            out.push(b']');
        }
        Value::Lambda(_) => push_str(out, "<LAMBDA>"),
        Value::PrimOp(_) => push_str(out, "<PRIMOP>"),
        Value::PrimOpApp(_) => push_str(out, "<PRIMOP-APP>"),
        Value::Thunk(t) => match t.value() {
            Some(v) => {
                let v = v.clone();
                if let Value::List(l) = &v {
                    // The thunk is the slot: key the list by it.
                    if !top && !l.is_empty() && !seen.insert(super::thunk::Thunk::as_ptr(t) as usize) {
                        push_str(out, "«repeated»");
                        return;
                    }
                    return print_rec(out, &v, seen, depth, true);
                }
                print_rec(out, &v, seen, depth, top)
            }
            None if t.is_blackhole() => push_str(out, "«potential infinite recursion»"),
            None => push_str(out, "<CODE>"),
        },
    }
}

/// An attribute name: bare if it is an identifier and not a keyword, else quoted.
pub fn push_attr_name(out: &mut Vec<u8>, name: &[u8]) {
    match std::str::from_utf8(name) {
        Ok(text) if !text.is_empty() && !text.starts_with('"') => {
            let shown = show_attr_name(text);
            if shown.starts_with('"') {
                quote_bytes(out, name);
            } else {
                push_str(out, &shown);
            }
        }
        _ => quote_bytes(out, name),
    }
}

impl Evaluator {
    /// A short rendering of a value for error messages (bounded depth and size; nothing is
    /// forced).
    pub fn show_short(&self, v: &Value) -> String {
        show_short_value(v)
    }
}

/// A short rendering of a value for error messages (bounded depth and size; nothing is
/// forced).
pub fn show_short_value(v: &Value) -> String {
    let mut out = String::new();
    short_rec(&mut out, v, 0);
    out
}

fn short_rec(out: &mut String, v: &Value, depth: usize) {
    const MAX_ITEMS: usize = 10;
    match v {
        Value::Attrs(a) => {
            if depth >= 2 {
                out.push_str("{ ... }");
                return;
            }
            out.push_str("{ ");
            for (i, attr) in a.iter_sorted().enumerate() {
                if i == MAX_ITEMS {
                    let _ = write!(out, "«{} attributes elided» ", a.len() - MAX_ITEMS);
                    break;
                }
                out.push_str(&show_attr_name(&attr.name.as_str()));
                out.push_str(" = ");
                short_rec(out, &attr.value, depth + 1);
                out.push_str("; ");
            }
            out.push('}');
        }
        Value::List(l) => {
            if depth >= 2 {
                out.push_str("[ ... ]");
                return;
            }
            out.push_str("[ ");
            for (i, item) in l.iter().enumerate() {
                if i == MAX_ITEMS {
                    let _ = write!(out, "«{} items elided» ", l.len() - MAX_ITEMS);
                    break;
                }
                short_rec(out, item, depth + 1);
                out.push(' ');
            }
            out.push(']');
        }
        Value::String(s) => {
            if s.len() > 200 {
                let mut t = s.as_bytes()[..200].to_vec();
                t.extend_from_slice("…".as_bytes());
                quote_string(out, &t);
            } else {
                quote_string(out, s.as_bytes());
            }
        }
        Value::Lambda(c) => match c.lambda.name {
            Some(n) => {
                let _ = write!(out, "«lambda {n} @ {}»", crate::diag::source_map::describe_position(c.lambda.span));
            }
            None => {
                let _ = write!(out, "«lambda @ {}»", crate::diag::source_map::describe_position(c.lambda.span));
            }
        },
        Value::PrimOp(p) => {
            let _ = write!(out, "«primop {}»", p.name);
        }
        Value::PrimOpApp(p) => {
            let _ = write!(out, "«partially applied primop {}»", p.op.name);
        }
        Value::Thunk(t) => match t.value() {
            Some(v) => {
                let v = v.clone();
                short_rec(out, &v, depth)
            }
            None => out.push_str("«thunk»"),
        },
        other => out.push_str(&String::from_utf8_lossy(&print_value(other))),
    }
}
