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

pub fn print_value(v: &Value) -> String {
    let mut out = String::new();
    let mut seen = HashSet::new();
    print_rec(&mut out, v, &mut seen, 0);
    out
}

fn print_rec(out: &mut String, v: &Value, seen: &mut HashSet<usize>, depth: usize) {
    if depth > 10_000 {
        out.push_str("«too deep»");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_g(*f)),
        Value::String(s) => quote_string(out, s.as_bytes()),
        Value::Path(p) => out.push_str(p),
        Value::Attrs(a) => {
            if !a.is_empty() && !seen.insert(std::rc::Rc::as_ptr(a) as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("{ ");
            for attr in a.iter_sorted() {
                out.push_str(&show_attr_name(&attr.name.as_str()));
                out.push_str(" = ");
                print_rec(out, &attr.value, seen, depth + 1);
                out.push_str("; ");
            }
            out.push('}');
        }
        Value::List(l) => {
            if !l.is_empty() && !seen.insert(std::rc::Rc::as_ptr(l) as usize) {
                out.push_str("«repeated»");
                return;
            }
            out.push_str("[ ");
            for item in l.iter() {
                print_rec(out, item, seen, depth + 1);
                out.push(' ');
            }
            out.push(']');
        }
        Value::Lambda(_) => out.push_str("<LAMBDA>"),
        Value::PrimOp(_) => out.push_str("<PRIMOP>"),
        Value::PrimOpApp(_) => out.push_str("<PRIMOP-APP>"),
        Value::Thunk(t) => match t.value() {
            Some(v) => {
                let v = v.clone();
                print_rec(out, &v, seen, depth)
            }
            None if t.is_blackhole() => out.push_str("«potential infinite recursion»"),
            None => out.push_str("<CODE>"),
        },
    }
}

impl Evaluator {
    /// A short rendering of a value for error messages (bounded depth and size; nothing is
    /// forced).
    pub fn show_short(&self, v: &Value) -> String {
        let mut out = String::new();
        short_rec(&mut out, v, 0);
        out
    }
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
        other => print_rec(out, other, &mut HashSet::new(), 0),
    }
}
