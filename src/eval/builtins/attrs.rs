//! Attrset builtins: `attrNames attrValues getAttr hasAttr removeAttrs listToAttrs mapAttrs
//! intersectAttrs catAttrs zipAttrsWith functionArgs unsafeGetAttrPos`.

use std::rc::Rc;

use crate::diag::source_map::{source, Pos, Span};
use crate::symbol::Symbol;

use super::super::attrs::{Attr, Attrs, AttrsBuilder};
use super::super::error::{EvalError, EvalResult};
use super::super::ir::ParamIr;
use super::super::thunk::{Delayed, SharedMapAttrs, ThunkCell};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

fn attr_names(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let a = ev.arg_attrs(arg("attrNames", args, 0))?;
    Ok(Value::list(a.iter_sorted().map(|x| Value::name(x.name)).collect()))
}

fn attr_values(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let a = ev.arg_attrs(arg("attrValues", args, 0))?;
    Ok(Value::list(a.iter_sorted().map(|x| x.value.clone()).collect()))
}

fn get_attr(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let name = ev.arg_symbol(arg("getAttr", args, 0))?;
    let a = ev.arg_attrs(arg("getAttr", args, 1))?;
    match a.get(name) {
        Some(v) => ev.force(v),
        None => Err(ev.missing_attr(name, &a).with_frame(None, "in the attribute set under consideration")),
    }
}

fn has_attr(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let name = ev.arg_symbol(arg("hasAttr", args, 0))?;
    let a = ev.arg_attrs(arg("hasAttr", args, 1))?;
    Ok(Value::Bool(a.contains(name)))
}

fn remove_attrs(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let a = ev.arg_attrs(arg("removeAttrs", args, 0))?;
    let names = ev.arg_list(arg("removeAttrs", args, 1))?;
    let mut remove = Vec::with_capacity(names.len());
    for n in names.iter() {
        match ev.force(n)? {
            Value::String(s) => remove.push(s.to_symbol()),
            other => {
                return Err(EvalError::msg(format!(
                    "expected a string but found {}: {}",
                    other.type_description(),
                    ev.show_short(&other)
                ))
                .with_frame(None, "while evaluating the values of the second argument passed to builtins.removeAttrs"))
            }
        }
    }
    if !remove.iter().any(|n| a.contains(*n)) {
        return Ok(Value::Attrs(a));
    }
    Ok(Value::attrs(a.without(&remove)))
}

fn list_to_attrs(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let l = ev.arg_list(arg("listToAttrs", args, 0))?;
    let mut b = AttrsBuilder::with_capacity(l.len());
    for item in l.iter() {
        let item = ev.force(item)?;
        let Value::Attrs(pair) = &item else {
            return Err(EvalError::msg(format!(
                "expected a set but found {}: {}",
                item.type_description(),
                ev.show_short(&item)
            ))
            .with_frame(None, "while evaluating an element of the list passed to builtins.listToAttrs"));
        };
        let name = pair.get(ev.syms.name).ok_or_else(|| {
            EvalError::msg("attribute 'name' missing").with_frame(None, "in a {name=...; value=...;} pair")
        })?;
        let name =
            match ev.force(name)? {
                Value::String(s) => s.to_symbol(),
                other => return Err(EvalError::msg(format!(
                    "expected a string but found {}: {}",
                    other.type_description(),
                    ev.show_short(&other)
                ))
                .with_frame(
                    None,
                    "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs",
                )),
            };
        let value = pair.get_attr(ev.syms.value).ok_or_else(|| {
            EvalError::msg("attribute 'value' missing").with_frame(None, "in a {name=...; value=...;} pair")
        })?;
        b.insert_at(name, value.pos, value.value.clone());
    }
    Ok(Value::attrs(b.finish()))
}

fn map_attrs(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let a = ev.arg_attrs(arg("mapAttrs", args, 1))?;
    let shared = Rc::new(SharedMapAttrs { f: args[0].clone(), span, source: a.clone() });
    let mut i = 0usize;
    Ok(Value::attrs(a.map_values(|_| {
        let v = Value::Thunk(ThunkCell::delayed(Delayed::MapAttr(shared.clone(), i)));
        i += 1;
        v
    })))
}

fn intersect_attrs(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let a = ev.arg_attrs(arg("intersectAttrs", args, 0))?;
    let b = ev.arg_attrs(arg("intersectAttrs", args, 1))?;
    // Both are sorted by symbol: walk the smaller one and binary-search the other.
    let out: Vec<Attr> = if a.len() < b.len() {
        a.iter().filter_map(|x| b.get_attr(x.name).cloned()).collect()
    } else {
        b.iter().filter(|x| a.contains(x.name)).cloned().collect()
    };
    Ok(Value::attrs(Attrs::from_sorted(out)))
}

fn cat_attrs(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let name = ev.arg_symbol(arg("catAttrs", args, 0))?;
    let l = ev.arg_list(arg("catAttrs", args, 1))?;
    let mut out = Vec::new();
    for x in l.iter() {
        match ev.force(x)? {
            Value::Attrs(s) => {
                if let Some(v) = s.get(name) {
                    out.push(v.clone());
                }
            }
            other => {
                return Err(EvalError::msg(format!(
                    "expected a set but found {}: {}",
                    other.type_description(),
                    ev.show_short(&other)
                ))
                .with_frame(
                    None,
                    "while evaluating an element in the list passed as second argument to builtins.catAttrs",
                ))
            }
        }
    }
    Ok(Value::list(out))
}

fn zip_attrs_with(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let f = ev.arg_function(arg("zipAttrsWith", args, 0))?;
    let l = ev.arg_list(arg("zipAttrsWith", args, 1))?;
    // Every (name, value) pair in list order, then grouped by a stable sort on the name:
    // each set is already in symbol order, so the sort only merges sorted runs, and a
    // group keeps its values in list order. The groups come out in symbol order, which is
    // the order a set is built in.
    let mut pairs: Vec<(Symbol, Value)> = Vec::new();
    for x in l.iter() {
        match ev.force(x)? {
            Value::Attrs(s) => pairs.extend(s.iter().map(|attr| (attr.name, attr.value.clone()))),
            other => {
                return Err(EvalError::msg(format!(
                    "expected a set but found {}: {}",
                    other.type_description(),
                    ev.show_short(&other)
                ))
                .with_frame(
                    None,
                    "while evaluating a value of the list passed as second argument to builtins.zipAttrsWith",
                ))
            }
        }
    }
    pairs.sort_by_key(|p| p.0);
    let mut entries: Vec<Attr> = Vec::new();
    let mut pairs = pairs.into_iter().peekable();
    while let Some((name, first)) = pairs.next() {
        let mut values = vec![first];
        while let Some((_, v)) = pairs.next_if(|p| p.0 == name) {
            values.push(v);
        }
        let (f, values) = (f.clone(), Value::list(values));
        let value = ThunkCell::native(move |ev| ev.call2(&f, Value::name(name), values.clone(), span));
        entries.push(Attr { name, pos: Pos::NONE, value });
    }
    Ok(Value::attrs(Attrs::from_sorted(entries)))
}

fn function_args(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let f = ev.force_arg(arg("functionArgs", args, 0))?;
    match &f {
        Value::Lambda(c) => match &c.lambda.param {
            ParamIr::Ident(_) => Ok(Value::attrs(Attrs::new())),
            ParamIr::Pattern(p) => {
                let mut b = AttrsBuilder::with_capacity(p.formals.len());
                for formal in p.formals.iter() {
                    b.insert_at(
                        formal.name,
                        crate::diag::source_map::intern_pos(formal.span),
                        Value::Bool(formal.default.is_some()),
                    );
                }
                Ok(Value::attrs(b.finish()))
            }
        },
        Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(Value::attrs(Attrs::new())),
        other => Err(EvalError::msg(format!(
            "'functionArgs' requires a function but found {}: {}",
            other.type_description(),
            ev.show_short(other)
        ))),
    }
}

/// `{ file; line; column; }` for a span, as `unsafeGetAttrPos` and `__curPos` report it.
pub fn position_value(ev: &Evaluator, span: Span) -> Value {
    let file = source(span.file);
    let (line, column) = file.line_col(span.start);
    let mut b = AttrsBuilder::with_capacity(3);
    b.insert(ev.syms.file, Value::string(file.real_name()));
    b.insert(ev.syms.line, Value::Int(line as i64));
    b.insert(ev.syms.column, Value::Int(column as i64));
    Value::attrs(b.finish())
}

fn unsafe_get_attr_pos(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let name = ev.arg_symbol(arg("unsafeGetAttrPos", args, 0))?;
    let a = ev.arg_attrs(arg("unsafeGetAttrPos", args, 1))?;
    match a.get_attr(name).and_then(|x| x.pos.span()) {
        Some(span) => Ok(position_value(ev, span)),
        None => Ok(Value::Null),
    }
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "attrNames",
        arity: 1,
        func: attr_names,
        args: &["set"],
        doc: "The names of the attributes of `set`, sorted.",
    },
    PrimOp {
        name: "attrValues",
        arity: 1,
        func: attr_values,
        args: &["set"],
        doc: "The values of the attributes of `set`, in the order of their sorted names.",
    },
    PrimOp {
        name: "getAttr",
        arity: 2,
        func: get_attr,
        args: &["s", "set"],
        doc: "`set.${s}`: an error if the attribute does not exist.",
    },
    PrimOp {
        name: "hasAttr",
        arity: 2,
        func: has_attr,
        args: &["s", "set"],
        doc: "Whether `set` has an attribute named `s`.",
    },
    PrimOp {
        name: "removeAttrs",
        arity: 2,
        func: remove_attrs,
        args: &["set", "list"],
        doc: "`set` without the attributes named in `list`.",
    },
    PrimOp {
        name: "listToAttrs",
        arity: 1,
        func: list_to_attrs,
        args: &["e"],
        doc: "Builds a set from a list of `{ name; value; }`; the first occurrence of a name wins.",
    },
    PrimOp {
        name: "mapAttrs",
        arity: 2,
        func: map_attrs,
        args: &["f", "attrset"],
        doc: "Applies `f name value` to every attribute, lazily.",
    },
    PrimOp {
        name: "intersectAttrs",
        arity: 2,
        func: intersect_attrs,
        args: &["e1", "e2"],
        doc: "The attributes of `e2` whose names also occur in `e1`.",
    },
    PrimOp {
        name: "catAttrs",
        arity: 2,
        func: cat_attrs,
        args: &["attr", "list"],
        doc: "The values of attribute `attr` of the sets in `list` that have it.",
    },
    PrimOp {
        name: "zipAttrsWith",
        arity: 2,
        func: zip_attrs_with,
        args: &["f", "list"],
        doc: "Merges a list of sets: each name maps to `f name [ values… ]`.",
    },
    PrimOp {
        name: "functionArgs",
        arity: 1,
        func: function_args,
        args: &["f"],
        doc: "The formal arguments of `f` mapped to whether they have a default.",
    },
    PrimOp {
        name: "unsafeGetAttrPos",
        arity: 2,
        func: unsafe_get_attr_pos,
        args: &["s", "set"],
        doc: "The position `{ file; line; column; }` where attribute `s` of `set` was defined, or null.",
    },
];
