//! The operators: `&& || ->`, `== !=`, `< <= > >=`, `//`, `++`, and arithmetic with Nix's
//! promotion (int with float gives float) and overflow rules (an error, as in current
//! CppNix). `+` on non-numbers is string/path concatenation (`coerce::concat_values`).

use crate::diag::source_map::Span;
use crate::syntax::ast::BinOp;

use super::attrs::Attrs;
use super::env::Env;
use super::error::{type_error, EvalError, EvalResult};
use super::ir::Ir;
use super::value::Value;
use super::Evaluator;

impl Evaluator {
    pub(crate) fn eval_binop(
        &self,
        span: Span,
        op: BinOp,
        lhs: &'static Ir,
        rhs: &'static Ir,
        env: &Env,
    ) -> EvalResult<Value> {
        match op {
            BinOp::And => match self.eval(lhs, env)? {
                Value::Bool(false) => Ok(Value::Bool(false)),
                Value::Bool(true) => match self.eval(rhs, env)? {
                    Value::Bool(b) => Ok(Value::Bool(b)),
                    other => Err(type_error("a Boolean", &other)
                        .at(span)
                        .with_frame(Some(span), "in the right operand of the AND (&&) operator")),
                },
                other => Err(type_error("a Boolean", &other)
                    .at(span)
                    .with_frame(Some(span), "in the left operand of the AND (&&) operator")),
            },
            BinOp::Or => match self.eval(lhs, env)? {
                Value::Bool(true) => Ok(Value::Bool(true)),
                Value::Bool(false) => match self.eval(rhs, env)? {
                    Value::Bool(b) => Ok(Value::Bool(b)),
                    other => Err(type_error("a Boolean", &other)
                        .at(span)
                        .with_frame(Some(span), "in the right operand of the OR (||) operator")),
                },
                other => Err(type_error("a Boolean", &other)
                    .at(span)
                    .with_frame(Some(span), "in the left operand of the OR (||) operator")),
            },
            BinOp::Impl => match self.eval(lhs, env)? {
                Value::Bool(false) => Ok(Value::Bool(true)),
                Value::Bool(true) => match self.eval(rhs, env)? {
                    Value::Bool(b) => Ok(Value::Bool(b)),
                    other => Err(type_error("a Boolean", &other)
                        .at(span)
                        .with_frame(Some(span), "in the right operand of the IMPL (->) operator")),
                },
                other => Err(type_error("a Boolean", &other)
                    .at(span)
                    .with_frame(Some(span), "in the left operand of the IMPL (->) operator")),
            },
            BinOp::Eq | BinOp::Neq => {
                let a = self.eval(lhs, env)?;
                let b = self.eval(rhs, env)?;
                if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                    return Ok(Value::Bool((x == y) == (op == BinOp::Eq)));
                }
                let eq = self.equal(&a, &b, true).map_err(|e| e.at(span))?;
                Ok(Value::Bool(if op == BinOp::Eq { eq } else { !eq }))
            }
            BinOp::Lt | BinOp::Gt | BinOp::Leq | BinOp::Geq => {
                let a = self.eval(lhs, env)?;
                let b = self.eval(rhs, env)?;
                if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                    return Ok(Value::Bool(match op {
                        BinOp::Lt => x < y,
                        BinOp::Gt => x > y,
                        BinOp::Leq => x <= y,
                        _ => x >= y,
                    }));
                }
                let result = match op {
                    BinOp::Lt => self.less_than(&a, &b),
                    BinOp::Gt => self.less_than(&b, &a),
                    BinOp::Leq => self.less_than(&b, &a).map(|x| !x),
                    _ => self.less_than(&a, &b).map(|x| !x),
                };
                result.map(Value::Bool).map_err(|e| e.at(span))
            }
            BinOp::Update => {
                let a = self.eval(lhs, env)?;
                let b = self.eval(rhs, env)?;
                match (&a, &b) {
                    (Value::Attrs(x), Value::Attrs(y)) => {
                        if y.is_empty() {
                            Ok(a)
                        } else if x.is_empty() {
                            Ok(b)
                        } else {
                            Ok(Value::attrs(Attrs::update(x, y)))
                        }
                    }
                    (Value::Attrs(_), other) => Err(type_error("a set", other)
                        .at(span)
                        .with_frame(Some(span), "in the right operand of the update (//) operator")),
                    (other, _) => Err(type_error("a set", other)
                        .at(span)
                        .with_frame(Some(span), "in the left operand of the update (//) operator")),
                }
            }
            BinOp::Concat => {
                let a = self.eval(lhs, env)?;
                let b = self.eval(rhs, env)?;
                match (&a, &b) {
                    // Always a new list, even when one side is empty: printing tells copies
                    // apart from the very same list («repeated»), as CppNix does.
                    (Value::List(x), Value::List(y)) => {
                        let mut out = Vec::with_capacity(x.len() + y.len());
                        out.extend(x.iter().cloned());
                        out.extend(y.iter().cloned());
                        Ok(Value::list(out))
                    }
                    (Value::List(_), other) => Err(type_error("a list", other)
                        .at(span)
                        .with_frame(Some(span), "in the right operand of the list concatenation (++) operator")),
                    (other, _) => Err(type_error("a list", other)
                        .at(span)
                        .with_frame(Some(span), "in the left operand of the list concatenation (++) operator")),
                }
            }
            BinOp::Add => {
                let a = self.eval(lhs, env)?;
                match &a {
                    Value::Int(_) | Value::Float(_) => {
                        let b = self.eval(rhs, env)?;
                        if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                            if let Some(r) = x.checked_add(*y) {
                                return Ok(Value::Int(r));
                            }
                        }
                        match b {
                            Value::Int(_) | Value::Float(_) => self.arith(op, a, b, span),
                            other => Err(EvalError::eval(
                                format!(
                                    "cannot add {} to {}",
                                    other.type_description(),
                                    if matches!(a, Value::Int(_)) { "an integer" } else { "a float" }
                                ),
                                span,
                            )),
                        }
                    }
                    _ => {
                        let b = self.eval(rhs, env)?;
                        self.concat_values(span, &[a, b], false)
                    }
                }
            }
            BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let a = self.eval(lhs, env)?;
                let b = self.eval(rhs, env)?;
                if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
                    let r = match op {
                        BinOp::Sub => x.checked_sub(*y),
                        BinOp::Mul => x.checked_mul(*y),
                        _ => None,
                    };
                    if let Some(r) = r {
                        return Ok(Value::Int(r));
                    }
                }
                self.arith(op, a, b, span)
            }
        }
    }

    /// Integer and float arithmetic with Nix's promotion and overflow rules.
    pub fn arith(&self, op: BinOp, a: Value, b: Value, span: Span) -> EvalResult<Value> {
        match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => {
                let r = match op {
                    BinOp::Add => x.checked_add(*y),
                    BinOp::Sub => x.checked_sub(*y),
                    BinOp::Mul => x.checked_mul(*y),
                    _ => {
                        if *y == 0 {
                            return Err(EvalError::eval("division by zero", span));
                        }
                        x.checked_div(*y)
                    }
                };
                r.map(Value::Int).ok_or_else(|| overflow(op, *x, *y, span))
            }
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let x = as_float(&a);
                let y = as_float(&b);
                Ok(Value::Float(match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    _ => {
                        if y == 0.0 {
                            return Err(EvalError::eval("division by zero", span));
                        }
                        x / y
                    }
                }))
            }
            (Value::Int(_) | Value::Float(_), other) | (other, _) => Err(type_error("an integer", other).at(span)),
        }
    }

    pub(crate) fn eval_concat(
        &self,
        span: Span,
        parts: &'static [Ir],
        force_string: bool,
        env: &Env,
    ) -> EvalResult<Value> {
        // Most interpolations have a handful of parts: no allocation for the list of them.
        let mut values: smallvec::SmallVec<[Value; 8]> = smallvec::SmallVec::with_capacity(parts.len());
        for p in parts {
            values.push(self.eval(p, env)?);
        }
        self.concat_values(span, &values, force_string)
    }
}

#[cold]
fn overflow(op: BinOp, x: i64, y: i64, span: Span) -> EvalError {
    let (verb, sign) = match op {
        BinOp::Add => ("adding", "+"),
        BinOp::Sub => ("subtracting", "-"),
        BinOp::Mul => ("multiplying", "*"),
        _ => ("dividing", "/"),
    };
    EvalError::eval(format!("integer overflow in {verb} {x} {sign} {y}"), span)
}

fn as_float(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => 0.0,
    }
}
