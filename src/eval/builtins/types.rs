//! Type predicates: `typeOf` and the `isX` family.

use crate::diag::source_map::Span;

use super::super::error::EvalResult;
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

fn type_of(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    Ok(Value::string(ev.force_arg(arg("typeOf", args, 0))?.type_of()))
}

macro_rules! predicate {
    ($fn:ident, $name:literal, $pat:pat) => {
        fn $fn(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
            Ok(Value::Bool(matches!(ev.force_arg(arg($name, args, 0))?, $pat)))
        }
    };
}

predicate!(is_null, "isNull", Value::Null);
predicate!(is_bool, "isBool", Value::Bool(_));
predicate!(is_int, "isInt", Value::Int(_));
predicate!(is_float, "isFloat", Value::Float(_));
predicate!(is_string, "isString", Value::String(_));
predicate!(is_path, "isPath", Value::Path(_));
predicate!(is_attrs, "isAttrs", Value::Attrs(_));
predicate!(is_list, "isList", Value::List(_));
predicate!(is_function, "isFunction", Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_));

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "typeOf", arity: 1, func: type_of, args: &["e"], doc: "The type of `e` as a string: \"int\", \"bool\", \"string\", \"path\", \"null\", \"set\", \"list\", \"lambda\" or \"float\"." },
    PrimOp { name: "isNull", arity: 1, func: is_null, args: &["e"], doc: "Whether `e` is `null`." },
    PrimOp { name: "isBool", arity: 1, func: is_bool, args: &["e"], doc: "Whether `e` is a Boolean." },
    PrimOp { name: "isInt", arity: 1, func: is_int, args: &["e"], doc: "Whether `e` is an integer." },
    PrimOp { name: "isFloat", arity: 1, func: is_float, args: &["e"], doc: "Whether `e` is a float." },
    PrimOp { name: "isString", arity: 1, func: is_string, args: &["e"], doc: "Whether `e` is a string." },
    PrimOp { name: "isPath", arity: 1, func: is_path, args: &["e"], doc: "Whether `e` is a path." },
    PrimOp { name: "isAttrs", arity: 1, func: is_attrs, args: &["e"], doc: "Whether `e` is an attribute set." },
    PrimOp { name: "isList", arity: 1, func: is_list, args: &["e"], doc: "Whether `e` is a list." },
    PrimOp { name: "isFunction", arity: 1, func: is_function, args: &["e"], doc: "Whether `e` is a function (a set with `__functor` is not)." },
];
