//! Equality and ordering: Nix's `==` and `<`.
//!
//! Equality is deep and forces as it goes. Functions are never equal, except that a value
//! compared with *the same object* is equal without looking inside (CppNix compares the
//! element pointers of lists and attrsets; at the top level the operands are copies, so
//! there the shortcut does not apply to functions). Derivations compare by `outPath`.
//! Ordering covers numbers, strings (bytewise), paths and lists (lexicographic).

use std::cmp::Ordering;

use super::error::{EvalError, EvalResult};
use super::value::Value;
use super::Evaluator;

impl Evaluator {
    /// `a == b`. `top` is true for the operands of the operator itself.
    pub fn equal(&self, a: &Value, b: &Value, top: bool) -> EvalResult<bool> {
        if !top && a.same_object(b) {
            return Ok(true);
        }
        let a = self.force(a)?;
        let b = self.force(b)?;
        Ok(match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => x == y,
            (Value::Int(x), Value::Float(y)) => (*x as f64) == *y,
            (Value::Float(x), Value::Int(y)) => *x == (*y as f64),
            (Value::Float(x), Value::Float(y)) => x == y,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Null, Value::Null) => true,
            (Value::String(x), Value::String(y)) => x.as_bytes() == y.as_bytes(),
            (Value::Path(x), Value::Path(y)) => x == y,
            (Value::List(x), Value::List(y)) => {
                if std::rc::Rc::ptr_eq(x, y) {
                    return Ok(true);
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    if !self.nested(None, || self.equal(p, q, false))? {
                        return Ok(false);
                    }
                }
                true
            }
            (Value::Attrs(x), Value::Attrs(y)) => {
                if std::rc::Rc::ptr_eq(x, y) && !top {
                    return Ok(true);
                }
                if self.is_derivation(x)? && self.is_derivation(y)? {
                    if let (Some(p), Some(q)) = (x.get(self.syms.out_path), y.get(self.syms.out_path)) {
                        return self.nested(None, || self.equal(p, q, false));
                    }
                }
                if x.len() != y.len() {
                    return Ok(false);
                }
                for (p, q) in x.iter().zip(y.iter()) {
                    if p.name != q.name || !self.nested(None, || self.equal(&p.value, &q.value, false))? {
                        return Ok(false);
                    }
                }
                true
            }
            _ => false,
        })
    }

    /// Whether an attrset is a derivation (`type = "derivation"`).
    pub fn is_derivation(&self, attrs: &super::attrs::Attrs) -> EvalResult<bool> {
        match attrs.get(self.syms.type_) {
            Some(t) => Ok(matches!(self.force(t)?, Value::String(s) if s.as_bytes() == b"derivation")),
            None => Ok(false),
        }
    }

    /// `a < b`.
    pub fn less_than(&self, a: &Value, b: &Value) -> EvalResult<bool> {
        Ok(self.compare(a, b)? == Ordering::Less)
    }

    /// The ordering `<` and `sort`-style comparisons use.
    pub fn compare(&self, a: &Value, b: &Value) -> EvalResult<Ordering> {
        let a = self.force(a)?;
        let b = self.force(b)?;
        match (&a, &b) {
            (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
            (Value::Int(x), Value::Float(y)) => Ok((*x as f64).partial_cmp(y).unwrap_or(Ordering::Equal)),
            (Value::Float(x), Value::Int(y)) => Ok(x.partial_cmp(&(*y as f64)).unwrap_or(Ordering::Equal)),
            (Value::Float(x), Value::Float(y)) => Ok(x.partial_cmp(y).unwrap_or(Ordering::Equal)),
            (Value::String(x), Value::String(y)) => Ok(x.as_bytes().cmp(y.as_bytes())),
            (Value::Path(x), Value::Path(y)) => Ok(x.as_bytes().cmp(y.as_bytes())),
            (Value::List(x), Value::List(y)) => {
                for (p, q) in x.iter().zip(y.iter()) {
                    // Equal elements are skipped with `==` semantics, so lists holding
                    // incomparable but equal values (e.g. the same function) still compare.
                    if self.equal(p, q, false)? {
                        continue;
                    }
                    return self.nested(None, || self.compare(p, q));
                }
                Ok(x.len().cmp(&y.len()))
            }
            _ => Err(EvalError::msg(format!("cannot compare {} with {}", a.type_description(), b.type_description()))),
        }
    }
}
