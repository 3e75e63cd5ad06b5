//! Arithmetic and bitwise builtins: `add sub mul div lessThan bitAnd bitOr bitXor ceil floor`.

use crate::diag::source_map::Span;
use crate::syntax::ast::BinOp;

use super::super::error::{EvalError, EvalResult};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

fn number(ev: &Evaluator, name: &'static str, args: &[Value], i: usize) -> EvalResult<Value> {
    number_named(ev, name, args, i, "an integer")
}

/// A number argument; `expected` names the type the error message asks for (CppNix's
/// `ceil`/`floor` force a float, which an integer also satisfies).
fn number_named(ev: &Evaluator, name: &'static str, args: &[Value], i: usize, expected: &str) -> EvalResult<Value> {
    let v = ev.force_arg(arg(name, args, i))?;
    match v {
        Value::Int(_) | Value::Float(_) => Ok(v),
        other => Err(EvalError::msg(format!(
            "expected {expected} but found {}: {}",
            other.type_description(),
            ev.show_short(&other)
        ))
        .with_frame(
            None,
            format!("while evaluating the {} argument of builtins.{name}", if i == 0 { "first" } else { "second" }),
        )),
    }
}

macro_rules! arith_op {
    ($fn:ident, $name:literal, $op:expr) => {
        fn $fn(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
            let a = number(ev, $name, args, 0)?;
            let b = number(ev, $name, args, 1)?;
            ev.arith($op, a, b, span)
        }
    };
}

arith_op!(add, "add", BinOp::Add);
arith_op!(sub, "sub", BinOp::Sub);
arith_op!(mul, "mul", BinOp::Mul);
arith_op!(div, "div", BinOp::Div);

fn less_than(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    Ok(Value::Bool(ev.less_than(&args[0], &args[1])?))
}

macro_rules! bit_op {
    ($fn:ident, $name:literal, $op:tt) => {
        fn $fn(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
            let a = ev.arg_int(arg($name, args, 0))?;
            let b = ev.arg_int(arg($name, args, 1))?;
            Ok(Value::Int(a $op b))
        }
    };
}

bit_op!(bit_and, "bitAnd", &);
bit_op!(bit_or, "bitOr", |);
bit_op!(bit_xor, "bitXor", ^);

fn round(ev: &Evaluator, name: &'static str, args: &[Value], f: fn(f64) -> f64) -> EvalResult<Value> {
    match number_named(ev, name, args, 0, "a float")? {
        Value::Int(i) => Ok(Value::Int(i)),
        Value::Float(x) => {
            let r = f(x);
            // Out-of-range results saturate in CppNix's conversion; NaN gives 0.
            if r.is_nan() {
                Ok(Value::Int(0))
            } else {
                Ok(Value::Int(r as i64))
            }
        }
        _ => unreachable!("number() only returns numbers"),
    }
}

fn ceil(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    round(ev, "ceil", args, f64::ceil)
}

fn floor(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    round(ev, "floor", args, f64::floor)
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "add", arity: 2, func: add, args: &["e1", "e2"], doc: "The sum of two numbers." },
    PrimOp { name: "sub", arity: 2, func: sub, args: &["e1", "e2"], doc: "The difference of two numbers." },
    PrimOp { name: "mul", arity: 2, func: mul, args: &["e1", "e2"], doc: "The product of two numbers." },
    PrimOp {
        name: "div",
        arity: 2,
        func: div,
        args: &["e1", "e2"],
        doc: "The quotient of two numbers (integer division truncates).",
    },
    PrimOp {
        name: "lessThan",
        arity: 2,
        func: less_than,
        args: &["e1", "e2"],
        doc: "`e1 < e2` for numbers, strings, paths and lists.",
    },
    PrimOp { name: "bitAnd", arity: 2, func: bit_and, args: &["e1", "e2"], doc: "Bitwise AND of two integers." },
    PrimOp { name: "bitOr", arity: 2, func: bit_or, args: &["e1", "e2"], doc: "Bitwise OR of two integers." },
    PrimOp { name: "bitXor", arity: 2, func: bit_xor, args: &["e1", "e2"], doc: "Bitwise XOR of two integers." },
    PrimOp { name: "ceil", arity: 1, func: ceil, args: &["number"], doc: "The smallest integer not below `number`." },
    PrimOp { name: "floor", arity: 1, func: floor, args: &["number"], doc: "The largest integer not above `number`." },
];
