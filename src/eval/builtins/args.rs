//! Argument helpers for primops: force an argument and check its type, with CppNix's
//! messages ("expected a list but found a set") and a frame naming the argument.

use crate::eval::shared::Shared;

use crate::symbol::Symbol;

use super::super::attrs::Attrs;
use super::super::error::{type_error, EvalError, EvalResult};
use super::super::string::{ContextElem, NixString};
use super::super::value::{List, Value};
use super::super::Evaluator;

/// Adds a "while evaluating …" frame unless `frame` is empty (CppNix's way of deferring to
/// an enclosing frame).
pub fn add_frame(e: EvalError, frame: &str) -> EvalError {
    if frame.is_empty() {
        e
    } else {
        e.with_frame(None, frame)
    }
}

/// Refuses a string with context, as CppNix's `forceStringNoCtx` does.
pub fn no_context(s: &NixString) -> EvalResult<()> {
    match s.context().and_then(|c| c.iter().next()) {
        None => Ok(()),
        Some(elem) => {
            // Shown the way current CppNix displays context elements.
            let example = match elem {
                ContextElem::Plain(p) => p.to_string(),
                ContextElem::AllOutputs(p) => format!("{p} (deep)"),
                ContextElem::Output { drv, output } => format!("{drv}^{output}"),
            };
            Err(EvalError::msg(format!(
                "the string '{}' is not allowed to refer to a store path (such as '{example}')",
                s.to_str_lossy()
            )))
        }
    }
}

const ORDINALS: [&str; 4] = ["first", "second", "third", "fourth"];

fn frame(builtin: &str, index: usize) -> String {
    format!(
        "while evaluating the {} argument passed to builtins.{builtin}",
        ORDINALS.get(index).copied().unwrap_or("next")
    )
}

/// Names an argument in error frames: builtin name and position.
#[derive(Clone, Copy)]
pub struct Arg<'a> {
    pub builtin: &'static str,
    pub index: usize,
    pub value: &'a Value,
}

pub fn arg<'a>(builtin: &'static str, args: &'a [Value], index: usize) -> Arg<'a> {
    Arg { builtin, index, value: &args[index] }
}

impl Evaluator {
    pub fn force_arg(&self, a: Arg<'_>) -> EvalResult<Value> {
        self.force(a.value).map_err(|e| e.with_frame(None, frame(a.builtin, a.index)))
    }

    #[cold]
    fn wrong_type(&self, a: Arg<'_>, expected: &str, found: &Value) -> EvalError {
        type_error(expected, found).with_frame(None, frame(a.builtin, a.index))
    }

    /// An integer argument. Already evaluated integers (the usual case for arithmetic on
    /// loop variables) are read without the general forcing path.
    #[inline]
    pub fn arg_int(&self, a: Arg<'_>) -> EvalResult<i64> {
        match a.value {
            Value::Int(i) => Ok(*i),
            Value::Thunk(t) => match t.value() {
                Some(Value::Int(i)) => Ok(*i),
                _ => self.arg_int_forced(a),
            },
            _ => self.arg_int_forced(a),
        }
    }

    fn arg_int_forced(&self, a: Arg<'_>) -> EvalResult<i64> {
        match self.force_arg(a)? {
            Value::Int(i) => Ok(i),
            other => Err(self.wrong_type(a, "an integer", &other)),
        }
    }

    pub fn arg_bool(&self, a: Arg<'_>) -> EvalResult<bool> {
        match self.force_arg(a)? {
            Value::Bool(b) => Ok(b),
            other => Err(self.wrong_type(a, "a Boolean", &other)),
        }
    }

    pub fn arg_list(&self, a: Arg<'_>) -> EvalResult<Shared<List>> {
        match self.force_arg(a)? {
            Value::List(l) => Ok(l),
            other => Err(self.wrong_type(a, "a list", &other)),
        }
    }

    pub fn arg_attrs(&self, a: Arg<'_>) -> EvalResult<Shared<Attrs>> {
        match self.force_arg(a)? {
            Value::Attrs(s) => Ok(s),
            other => Err(self.wrong_type(a, "a set", &other)),
        }
    }

    /// A function argument (lambda, primop, or functor set).
    pub fn arg_function(&self, a: Arg<'_>) -> EvalResult<Value> {
        let v = self.force_arg(a)?;
        match &v {
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(v),
            Value::Attrs(s) if s.contains(self.syms.functor) => Ok(v),
            other => Err(self.wrong_type(a, "a function", other)),
        }
    }

    /// A string argument; context is kept. Only real strings are accepted.
    pub fn arg_string(&self, a: Arg<'_>) -> EvalResult<Shared<NixString>> {
        match self.force_arg(a)? {
            Value::String(s) => Ok(s),
            other => Err(self.wrong_type(a, "a string", &other)),
        }
    }

    /// A string argument that must not have a context (names, hash algorithms).
    pub fn arg_string_no_ctx(&self, a: Arg<'_>) -> EvalResult<Shared<NixString>> {
        let s = self.arg_string(a)?;
        no_context(&s).map_err(|e| e.with_frame(None, frame(a.builtin, a.index)))?;
        Ok(s)
    }

    /// Forces `v`, which must be a string; `frame` (if not empty) names what was evaluated.
    pub fn expect_string(&self, v: &Value, frame: &str) -> EvalResult<Shared<NixString>> {
        match self.force(v).map_err(|e| add_frame(e, frame))? {
            Value::String(s) => Ok(s),
            other => Err(add_frame(self.wrong_type_plain("a string", &other), frame)),
        }
    }

    /// Like [`Evaluator::expect_string`], refusing a string with context.
    pub fn expect_string_no_ctx(&self, v: &Value, frame: &str) -> EvalResult<Shared<NixString>> {
        let s = self.expect_string(v, frame)?;
        no_context(&s).map_err(|e| add_frame(e, frame))?;
        Ok(s)
    }

    /// Forces `v`, which must be a Boolean.
    pub fn expect_bool(&self, v: &Value, frame: &str) -> EvalResult<bool> {
        match self.force(v).map_err(|e| add_frame(e, frame))? {
            Value::Bool(b) => Ok(b),
            other => Err(add_frame(self.wrong_type_plain("a Boolean", &other), frame)),
        }
    }

    /// Forces `v`, which must be a list.
    pub fn expect_list(&self, v: &Value, frame: &str) -> EvalResult<Shared<List>> {
        match self.force(v).map_err(|e| add_frame(e, frame))? {
            Value::List(l) => Ok(l),
            other => Err(add_frame(self.wrong_type_plain("a list", &other), frame)),
        }
    }

    /// Forces `v`, which must be an attrset.
    pub fn expect_attrs(&self, v: &Value, frame: &str) -> EvalResult<Shared<Attrs>> {
        match self.force(v).map_err(|e| add_frame(e, frame))? {
            Value::Attrs(a) => Ok(a),
            other => Err(add_frame(self.wrong_type_plain("a set", &other), frame)),
        }
    }

    /// Forces `v`, which must be a function (or a functor set).
    pub fn expect_function(&self, v: &Value, frame: &str) -> EvalResult<Value> {
        let v = self.force(v).map_err(|e| add_frame(e, frame))?;
        match &v {
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => Ok(v),
            Value::Attrs(s) if s.contains(self.syms.functor) => Ok(v),
            other => Err(add_frame(self.wrong_type_plain("a function", other), frame)),
        }
    }

    #[cold]
    fn wrong_type_plain(&self, expected: &str, found: &Value) -> EvalError {
        type_error(expected, found)
    }

    /// A string argument without context (names, keys): a string-like set is not enough.
    pub fn arg_symbol(&self, a: Arg<'_>) -> EvalResult<Symbol> {
        let s = self.arg_string(a)?;
        Ok(s.to_symbol())
    }

    /// A value coerced like an interpolation (strings, paths copied to the store,
    /// string-like sets), with context.
    pub fn arg_coerced(&self, a: Arg<'_>, mode: super::super::coerce::Coerce) -> EvalResult<Shared<NixString>> {
        let v = self.force_arg(a)?;
        self.coerce_to_nix_string(&v, mode).map_err(|e| e.with_frame(None, frame(a.builtin, a.index)))
    }

    /// A path argument (a path value, or a string holding an absolute path).
    pub fn arg_path(&self, a: Arg<'_>) -> EvalResult<String> {
        let v = self.force_arg(a)?;
        self.coerce_to_path(&v).map_err(|e| e.with_frame(None, frame(a.builtin, a.index)))
    }
}
