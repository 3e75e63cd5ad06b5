//! Equality and ordering: Nix's `==` and `<`.
//!
//! Equality is deep and forces as it goes. CppNix forces both operands and then takes the
//! very same value slot as equal without looking inside; that slot is an element of a list or
//! attrset (at the top level the operands are copies). tern mirrors it: a value compared
//! with the same thunk, closure or container is equal once both are forced, and two
//! containers that are the same object are equal once each element is forced (their
//! elements are then the same slots in CppNix, so NaNs and functions inside compare equal).
//! Builtins are values, not slots: `[ builtins.add ] == [ builtins.add ]` selects twice and
//! CppNix finds two different thunks, so they are unequal like any functions.
//! Derivations compare by `outPath`. Ordering covers numbers, strings (bytewise), paths and
//! lists (lexicographic).

use crate::eval::shared::Shared;
use std::cmp::Ordering;

use super::error::{EvalError, EvalResult};
use super::print::show_short_value;
use super::value::Value;
use super::Evaluator;

impl Evaluator {
    /// `a == b`. `top` is true for the operands of the operator itself.
    pub fn equal(&self, a: &Value, b: &Value, top: bool) -> EvalResult<bool> {
        let forced_a = self.force(a)?;
        let forced_b = self.force(b)?;
        if !top && a.same_object(b) && !matches!(a, Value::PrimOp(_)) {
            return Ok(true);
        }
        let (a, b) = (forced_a, forced_b);
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
                if Shared::ptr_eq(x, y) {
                    return self.force_each(x.iter());
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
                if self.is_derivation(x)? && self.is_derivation(y)? {
                    if let (Some(p), Some(q)) = (x.get(self.syms.out_path), y.get(self.syms.out_path)) {
                        return self.nested(None, || self.equal(p, q, false));
                    }
                }
                if Shared::ptr_eq(x, y) {
                    return self.force_each(x.iter().map(|attr| &attr.value));
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

    /// A container compared with itself: equal once every element is forced.
    fn force_each<'v>(&self, elements: impl Iterator<Item = &'v Value>) -> EvalResult<bool> {
        for element in elements {
            self.force(element)?;
        }
        Ok(true)
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
            _ => {
                let (ta, tb) = (a.type_description(), b.type_description());
                let (va, vb) = (show_short_value(&a), show_short_value(&b));
                // Values of one type that has no order (sets, functions, …) are worded apart.
                Err(EvalError::msg(if a.type_of() == b.type_of() {
                    format!("cannot compare {ta} with {tb}; values of that type are incomparable (values are {va} and {vb})")
                } else {
                    format!("cannot compare {ta} with {tb}; values are {va} and {vb}")
                }))
            }
        }
    }
}
