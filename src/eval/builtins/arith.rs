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

/// `ceil`/`floor`, as current CppNix computes them: the argument as a double, rounded, must
/// fit a Nix integer; an integer argument the double cannot hold exactly is an error rather
/// than a silently different result (NixOS/nix#12899).
fn round(ev: &Evaluator, name: &'static str, args: &[Value], f: fn(f64) -> f64) -> EvalResult<Value> {
    let v = number_named(ev, name, args, 0, "a float")?;
    let x = match v {
        Value::Int(i) => i as f64,
        Value::Float(x) => x,
        _ => unreachable!("number_named() only returns numbers"),
    };
    let rounded = f(x);
    // -2^63 is exact as a double, so this range test involves no rounding; NaN fails it.
    const INT_MIN: f64 = i64::MIN as f64;
    if !(INT_MIN..-INT_MIN).contains(&rounded) {
        return Err(match v {
            Value::Int(i) => EvalError::msg(format!(
                "Due to a bug (see https://github.com/NixOS/nix/issues/12899) the NixInt argument {i} caused \
                 undefined behavior in previous Nix versions.\n\tFuture Nix versions might implement the correct \
                 behavior."
            )),
            _ => EvalError::msg(format!(
                "NixFloat argument {} is not in the range of NixInt",
                crate::numfmt::format_g(x)
            )),
        });
    }
    let result = rounded as i64;
    if let Value::Int(i) = v {
        if i != result {
            return Err(EvalError::msg(format!(
                "Due to a bug (see https://github.com/NixOS/nix/issues/12899) a loss of precision occurred in \
                 previous Nix versions because the NixInt argument {i} was rounded to {result}.\n\tFuture Nix \
                 versions might implement the correct behavior."
            )));
        }
    }
    Ok(Value::Int(result))
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
