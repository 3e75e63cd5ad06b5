//! The machine: evaluates IR to weak head normal form, forces thunks, applies functions.
//!
//! `eval` is a recursive tree walk returning forced values; `delay` makes the lazy value
//! of an expression (a thunk, or the value itself when that costs nothing: constants,
//! variables, lambdas). Recursion depth is bounded twice: function calls count against
//! `max-call-depth` (an error, as in CppNix), and deep forcing chains grow the stack on the
//! heap (`stack::maybe_grow`, over `stacker`) instead of overflowing it.

use crate::eval::shared::Shared;

use crate::diag::source_map::Span;
use crate::symbol::Symbol;
use crate::syntax::ast::BinOp;

use super::attrs::{Attr, Attrs};
use super::env::{Env, Frame};
use super::error::{type_error, Cycle, ErrorKind, EvalError, EvalResult};
use super::ir::{AttrKey, AttrsIr, Ir};
use super::thunk::{Delayed, Thunk, ThunkCell};
use super::value::{Closure, Value};
use super::Evaluator;

/// Stack kept free before recursing; below it, work continues on a fresh heap segment.
const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 8 * 1024 * 1024;

#[inline]
fn grow<R>(f: impl FnOnce() -> R) -> R {
    crate::eval::stack::maybe_grow(RED_ZONE, STACK_SEGMENT, f)
}

/// Suggests names close to `name` (for "attribute 'x' missing" and friends).
pub fn suggestions<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| {
            let d = levenshtein(name, c);
            (d <= 2.max(name.len() / 3) && d > 0).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c.to_string()).collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Wraps names that are not identifiers (or are reserved keywords) in quotes, as Nix
/// shows attribute names.
pub fn show_attr_name(name: &str) -> String {
    let is_ident = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | '-'));
    let keyword = matches!(name, "if" | "then" | "else" | "assert" | "with" | "let" | "in" | "rec" | "inherit");
    if keyword {
        format!("\"{name}\"")
    } else if is_ident {
        name.to_string()
    } else {
        let mut s = String::new();
        crate::syntax::show::quote_string(&mut s, name.as_bytes());
        s
    }
}

impl Evaluator {
    /// The lazy value of `ir` in `env`: a thunk, or the value itself when it is free.
    #[inline]
    pub fn delay(&self, ir: &'static Ir, env: &Env) -> Value {
        match ir {
            Ir::Const(v) => v.clone(),
            Ir::Var { depth, slot } => settled(env.ancestor(*depth).get(*slot as usize)),
            _ => self.delay_code(ir, env),
        }
    }

    /// `delay` of code that captures its environment (out of line: building a thunk or
    /// closure needs registers that the cheap cases above should not have to save).
    #[inline(never)]
    fn delay_code(&self, ir: &'static Ir, env: &Env) -> Value {
        match ir {
            // Lowering makes an `Up` only of code that captures something (never a constant
            // or a variable), and never directly of another `Up`.
            Ir::Up { levels, body } => self.capture(body, env.ancestor(*levels), usize::MAX),
            _ => self.capture(ir, env, usize::MAX),
        }
    }

    /// The closure or thunk of code that captures `env` (or its value now, if `value_now`
    /// has it; `filled` as there).
    #[inline(always)]
    fn capture(&self, ir: &'static Ir, env: &Env, filled: usize) -> Value {
        match ir {
            Ir::Lambda(l) => Value::Lambda(Shared::new(Closure { lambda: l, env: env.clone() })),
            _ if may_be_now(ir) => match self.value_now(ir, env, filled) {
                Some(v) => v,
                None => ThunkCell::code(ir, env.clone()),
            },
            _ => ThunkCell::code(ir, env.clone()),
        }
    }

    /// The value of `ir` if it can be had *without forcing anything and without any
    /// possibility of error*: selecting an existing attribute from sets already evaluated,
    /// integer arithmetic and comparisons on evaluated integers (`may_be_now` tells which
    /// code can qualify). That is indistinguishable from building a thunk (no evaluation order,
    /// error or trace can change) and saves allocating and later forcing one. Variables
    /// of the innermost frame at slots `>= filled` are not yet written and make it give up.
    fn value_now(&self, ir: &'static Ir, env: &Env, filled: usize) -> Option<Value> {
        // An operand that is an evaluated integer, read in place (no clone, no drop).
        let int = |ir: &'static Ir| -> Option<i64> {
            let v = match ir {
                Ir::Const(v) => v,
                Ir::Var { depth, slot } => {
                    if *depth == 0 && *slot as usize >= filled {
                        return None;
                    }
                    env.ancestor(*depth).get(*slot as usize)
                }
                _ => return None,
            };
            match v {
                Value::Int(i) => Some(*i),
                Value::Thunk(t) => match t.value() {
                    Some(Value::Int(i)) => Some(*i),
                    _ => None,
                },
                _ => None,
            }
        };
        match ir {
            Ir::Binding { body, .. } => self.value_now(body, env, filled),
            Ir::Select { expr, path, default: None, .. } => {
                let Ir::Var { depth, slot } = &**expr else { return None };
                if *depth == 0 && *slot as usize >= filled {
                    return None;
                }
                // Walked in place (the frame keeps the first set alive, each set the next);
                // only the result is cloned.
                let mut v = env.ancestor(*depth).get(*slot as usize);
                for (i, key) in path.iter().enumerate() {
                    if let Value::Thunk(t) = v {
                        v = t.value()?;
                    }
                    let AttrKey::Static(name) = key else { return None };
                    let Value::Attrs(a) = v else { return None };
                    v = a.get(*name)?;
                    if i + 1 == path.len() {
                        // The attribute itself, evaluated or not: forcing it later is
                        // exactly what forcing a selection thunk would do.
                        return Some(settled(v));
                    }
                }
                None
            }
            Ir::BinOp { op, lhs, rhs, .. } => {
                let (a, b) = (int(lhs)?, int(rhs)?);
                Some(match op {
                    BinOp::Add => Value::Int(a.checked_add(b)?),
                    BinOp::Sub => Value::Int(a.checked_sub(b)?),
                    BinOp::Mul => Value::Int(a.checked_mul(b)?),
                    BinOp::Eq => Value::Bool(a == b),
                    BinOp::Neq => Value::Bool(a != b),
                    BinOp::Lt => Value::Bool(a < b),
                    BinOp::Leq => Value::Bool(a <= b),
                    BinOp::Gt => Value::Bool(a > b),
                    BinOp::Geq => Value::Bool(a >= b),
                    _ => return None,
                })
            }
            _ => None,
        }
    }

    /// Like `delay`, for code that runs in a frame still being filled (`let`, `rec`,
    /// default arguments) whose first `filled` slots are written. A variable of that very
    /// frame naming a written slot shares its value (so `g = f;` makes `g` the same object
    /// as `f`, as in CppNix); one naming a slot not yet written must stay a thunk.
    #[inline]
    pub fn delay_in_new_frame(&self, ir: &'static Ir, frame: &Env, filled: usize) -> Value {
        let alias = match ir {
            Ir::Var { depth: 0, slot } => Some(*slot as usize),
            Ir::Binding { body, .. } => match &**body {
                Ir::Var { depth: 0, slot } => Some(*slot as usize),
                _ => None,
            },
            _ => None,
        };
        match alias {
            Some(slot) if slot < filled => frame.get(slot).clone(),
            Some(_) => ThunkCell::code(ir, frame.clone()),
            None => match ir {
                // An `Up` reads no slot of the new frame.
                Ir::Const(_) | Ir::Var { .. } | Ir::Up { .. } => self.delay(ir, frame),
                _ => self.capture(ir, frame, filled),
            },
        }
    }

    /// Forces a value to weak head normal form.
    #[inline]
    pub fn force(&self, v: &Value) -> EvalResult<Value> {
        match v {
            Value::Thunk(t) => self.force_thunk(t),
            other => Ok(other.clone()),
        }
    }

    /// Forces a thunk: its value if already computed (inline at every call site), else
    /// the delayed work, run once.
    #[inline]
    pub fn force_thunk(&self, t: &Thunk) -> EvalResult<Value> {
        match t.value() {
            Some(v) => Ok(v.clone()),
            None => self.force_delayed(t),
        }
    }

    /// Runs a thunk's delayed work with the thunk blackholed; the result replaces the work,
    /// a failure puts the work back (so a later forcing sees the same error).
    fn force_delayed(&self, t: &Thunk) -> EvalResult<Value> {
        let Some(work) = t.begin() else {
            return Err(recursion_at(t));
        };
        match grow(|| self.run_delayed(&work)) {
            Ok(v) => {
                t.finish(v.clone());
                // The common work, code and its frame, is dropped inline (the generic drop
                // of `Delayed` is a call and a dispatch on the variant).
                match work {
                    Delayed::Code(_, env) => drop(env),
                    other => drop(other),
                }
                Ok(v)
            }
            Err(e) => {
                t.restore(work);
                Err(leaving_thunk(e, t))
            }
        }
    }

    fn run_delayed(&self, work: &Delayed) -> EvalResult<Value> {
        match work {
            // Much delayed code is a binding's value (an attribute, a `let` variable): its
            // body is evaluated here directly, rather than through a level of `eval_node`
            // whose only work on success is to pass the value on.
            Delayed::Code(Ir::Binding { name, span, body, via }, env) => {
                self.eval(body, env).map_err(|e| binding_error(e, *name, *via, *span))
            }
            Delayed::Code(ir, env) => self.eval(ir, env),
            Delayed::ApplyShared(shared, i) => self.call(&shared.f, shared.arg(*i), shared.span),
            Delayed::MapAttr(shared, i) => {
                let attr = &shared.source.iter().as_slice()[*i];
                let name = Value::name(attr.name);
                self.call2(&shared.f, name, attr.value.clone(), shared.span)
            }
            Delayed::Native(f) => f(self),
        }
    }

    /// Evaluates `ir` in `env` to weak head normal form.
    ///
    /// The leaves (constants and variables) are handled here, inline at every call site;
    /// everything else goes through `eval_node`, whose large frame they then never pay for.
    #[inline]
    pub fn eval(&self, ir: &'static Ir, env: &Env) -> EvalResult<Value> {
        match ir {
            Ir::Const(v) => Ok(v.clone()),
            Ir::Var { depth, slot } => {
                let v = env.ancestor(*depth).get(*slot as usize);
                match v {
                    Value::Thunk(t) => self.force_thunk(t),
                    other => Ok(other.clone()),
                }
            }
            _ => self.eval_node(ir, env),
        }
    }

    /// The frequent compound nodes. Rare ones and error paths live in other functions so
    /// that this one keeps a small stack frame.
    ///
    /// Nodes nest as deep as the source does (a chain of 100,000 `if`s or `+`s), and each
    /// level recurses here: the stack grows on the heap rather than overflowing.
    fn eval_node(&self, ir: &'static Ir, env: &Env) -> EvalResult<Value> {
        grow(|| self.eval_compound(ir, env))
    }

    #[inline(always)]
    fn eval_compound(&self, ir: &'static Ir, env: &Env) -> EvalResult<Value> {
        match ir {
            Ir::Select { span, expr, path, default } => {
                if let Ir::Var { depth, slot } = &**expr {
                    return self.select_from_var(
                        env.ancestor(*depth).get(*slot as usize),
                        path,
                        default.as_deref(),
                        env,
                        *span,
                    );
                }
                let v = self.eval(expr, env)?;
                self.select_path(v, path, default.as_deref(), env, *span)
            }
            Ir::Call { span, func, args } => {
                // A function in a variable, already evaluated (`f x`, `g a b`): applied
                // where it lies, without taking (and then dropping) a reference to it.
                if let Ir::Var { depth, slot } = &**func {
                    let f = match env.ancestor(*depth).get(*slot as usize) {
                        Value::Thunk(t) => t.value(),
                        other => Some(other),
                    };
                    if let Some(f) = f {
                        return self.apply_ir_args(f, args, env, *span);
                    }
                }
                let f = self.eval(func, env)?;
                self.apply_ir_args(&f, args, env, *span)
            }
            Ir::Lambda(l) => Ok(Value::Lambda(Shared::new(Closure { lambda: l, env: env.clone() }))),
            Ir::If { span, cond, then, else_ } => match self.eval(cond, env)? {
                Value::Bool(true) => self.eval(then, env),
                Value::Bool(false) => self.eval(else_, env),
                other => Err(not_a_condition(other, cond, *span)),
            },
            Ir::BinOp { span, op, lhs, rhs } => self.eval_binop(*span, *op, lhs, rhs, env),
            Ir::Binding { name, span, body, via } => {
                self.eval(body, env).map_err(|e| binding_error(e, *name, *via, *span))
            }
            _ => self.eval_other(ir, env),
        }
    }

    /// Applies `f` to the lazy values of the argument expressions of a call.
    #[inline(always)]
    fn apply_ir_args(&self, f: &Value, args: &'static [Ir], env: &Env, span: Span) -> EvalResult<Value> {
        if args.len() == 1 {
            let a = self.delay(&args[0], env);
            return self.call(f, a, span);
        }
        self.eval_call_multi(f, args, env, span)
    }

    fn eval_call_multi(&self, f: &Value, args: &'static [Ir], env: &Env, span: Span) -> EvalResult<Value> {
        // Two arguments is by far the most common case (`f a b`, `bitAnd x 1`): a plain
        // array, without the small-vector bookkeeping.
        if let [a, b] = args {
            let (a, b) = (self.delay(a, env), self.delay(b, env));
            if let Value::Lambda(_) = f {
                return self.call2(f, a, b, span);
            }
            return self.apply_args(f, &[a, b], span);
        }
        let argv: smallvec::SmallVec<[Value; 4]> = args.iter().map(|arg| self.delay(arg, env)).collect();
        self.apply_args(f, &argv, span)
    }

    #[inline]
    fn apply_args(&self, f: &Value, argv: &[Value], span: Span) -> EvalResult<Value> {
        // A builtin given exactly its arguments (`bitAnd x 1`, `elemAt l i`): call it
        // directly, without the partial-application loop.
        if let Value::PrimOp(op) = f {
            if op.arity as usize == argv.len() {
                return self.call_primop(op, argv, span);
            }
        }
        self.call_multi(f.clone(), argv, span)
    }

    #[inline(never)]
    fn eval_other(&self, ir: &'static Ir, env: &Env) -> EvalResult<Value> {
        match ir {
            Ir::Const(_) | Ir::Var { .. } => self.eval(ir, env),
            Ir::WithVar { span, name, withs } => self.eval_with_var(*span, *name, withs, env),
            Ir::HasAttr { expr, path } => {
                // Only the sets along the path are forced, never the final value.
                let mut v = self.eval(expr, env)?;
                for (i, key) in path.iter().enumerate() {
                    let name = self.attr_key(key, env)?;
                    let next = match &v {
                        Value::Attrs(a) => match a.get(name) {
                            Some(x) => x.clone(),
                            None => return Ok(Value::Bool(false)),
                        },
                        _ => return Ok(Value::Bool(false)),
                    };
                    if i + 1 < path.len() {
                        v = self.force(&next)?;
                    }
                }
                Ok(Value::Bool(true))
            }
            Ir::Let { bindings, body } => {
                let frame = Frame::with_size(Some(env.clone()), bindings.len());
                for (i, b) in bindings.iter().enumerate() {
                    let v = self.delay_in_new_frame(b, &frame, i);
                    frame.init(i, v);
                }
                let result = self.eval(body, &frame);
                super::let_cycles::release(frame);
                result
            }
            Ir::Attrs(a) => self.eval_attrs(a, env),
            Ir::List(items) => Ok(Value::list(items.iter().map(|i| self.delay(i, env)).collect())),
            Ir::Assert { span, cond, body, text } => match self.eval(cond, env)? {
                Value::Bool(true) => self.eval(body, env),
                Value::Bool(false) => {
                    Err(EvalError::new(ErrorKind::Assertion, format!("assertion '{text}' failed"), Some(*span)))
                }
                other => Err(type_error("a Boolean", &other)
                    .at(*span)
                    .with_frame(Some(*span), "while evaluating the condition of the assertion")),
            },
            Ir::With { scope, body } => {
                let s = self.delay(scope, env);
                let frame = Frame::single(Some(env.clone()), s);
                self.eval(body, &frame)
            }
            Ir::Not { span, expr } => match self.eval(expr, env)? {
                Value::Bool(b) => Ok(Value::Bool(!b)),
                other => Err(type_error("a Boolean", &other).at(*span)),
            },
            Ir::Neg { span, expr } => {
                let v = self.eval(expr, env)?;
                self.arith(BinOp::Sub, Value::Int(0), v, *span)
            }
            Ir::Concat { span, parts, force_string } => self.eval_concat(*span, parts, *force_string, env),
            Ir::Up { levels, body } => self.eval(body, env.ancestor(*levels)),
            Ir::Select { .. }
            | Ir::Call { .. }
            | Ir::Lambda(_)
            | Ir::If { .. }
            | Ir::BinOp { .. }
            | Ir::Binding { .. } => self.eval_node(ir, env),
        }
    }

    fn eval_with_var(&self, span: Span, name: Symbol, withs: &[u32], env: &Env) -> EvalResult<Value> {
        for &depth in withs {
            let scope = env.ancestor(depth).get(0).clone();
            let scope = self.force(&scope).map_err(|e| {
                e.with_frame(Some(span), "while evaluating the first subexpression of a with expression")
            })?;
            match &scope {
                Value::Attrs(a) => {
                    if let Some(v) = a.get(name) {
                        return self.force(v);
                    }
                }
                other => {
                    return Err(type_error("a set", other)
                        .at(span)
                        .with_frame(Some(span), "while evaluating the first subexpression of a with expression"))
                }
            }
        }
        Err(EvalError::eval(format!("undefined variable '{name}'"), span))
    }

    /// The name an attribute key denotes (dynamic keys are evaluated to a string). Inline:
    /// nearly every key is static, and a call cost more than reading it.
    #[inline(always)]
    pub fn attr_key(&self, key: &'static AttrKey, env: &Env) -> EvalResult<Symbol> {
        match key {
            AttrKey::Static(s) => Ok(*s),
            AttrKey::Dynamic(ir) => self.dynamic_attr_key(ir, env),
        }
    }

    #[inline(never)]
    fn dynamic_attr_key(&self, ir: &'static Ir, env: &Env) -> EvalResult<Symbol> {
        let v = self.eval(ir, env)?;
        match &v {
            Value::String(s) => Ok(s.to_symbol()),
            other => Err(type_error("a string", other).with_frame(None, "while evaluating an attribute name")),
        }
    }

    /// `x.a.b` where `x` is a variable (`cfg.enable`, `lib.mkIf`, `pkgs.stdenv.cc`): the
    /// path is walked through values already computed where they lie (the frame keeps
    /// the first set alive, each set the next), taking a reference only to the result.
    /// At the first step that needs work (an unforced attribute, a dynamic key, a missing
    /// attribute) the rest of the walk is `select_path`'s.
    #[inline(always)]
    fn select_from_var(
        &self,
        var: &Value,
        path: &'static [AttrKey],
        default: Option<&'static Ir>,
        env: &Env,
        span: Span,
    ) -> EvalResult<Value> {
        let mut cur = match var {
            Value::Thunk(t) => match t.value() {
                Some(v) => v,
                None => {
                    let v = self.force_delayed(t)?;
                    return self.select_path(v, path, default, env, span);
                }
            },
            other => other,
        };
        for (i, key) in path.iter().enumerate() {
            let found = match (key, cur) {
                (AttrKey::Static(name), Value::Attrs(a)) => a.get(*name),
                _ => None,
            };
            let Some(x) = found else {
                return self.select_path(cur.clone(), &path[i..], default, env, span);
            };
            cur = match x {
                Value::Thunk(t) => match t.value() {
                    Some(v) => v,
                    None => return self.select_path(cur.clone(), &path[i..], default, env, span),
                },
                other => other,
            };
        }
        Ok(cur.clone())
    }

    fn select_path(
        &self,
        mut v: Value,
        path: &'static [AttrKey],
        default: Option<&'static Ir>,
        env: &Env,
        span: Span,
    ) -> EvalResult<Value> {
        for key in path.iter() {
            let name = self.attr_key(key, env)?;
            // The attribute is forced where it lies in its set (which `v` keeps alive), not
            // through a reference of its own.
            let found = match &v {
                Value::Attrs(a) => a.get(name),
                _ => None,
            };
            match found {
                Some(x) => {
                    let next = match x {
                        Value::Thunk(t) => self.force_thunk(t).map_err(|e| {
                            e.with_frame(
                                Some(span),
                                format!("while evaluating the attribute '{}'", show_attr_name(&name.as_str())),
                            )
                        })?,
                        other => other.clone(),
                    };
                    v = next;
                }
                None => {
                    if let Some(d) = default {
                        return self.eval(d, env);
                    }
                    return Err(match &v {
                        Value::Attrs(a) => self.missing_attr(name, a).at(span),
                        other => type_error("a set", other)
                            .at(span)
                            .with_frame(Some(span), format!("while selecting the attribute '{}'", name.as_str())),
                    });
                }
            }
        }
        Ok(v)
    }

    #[cold]
    pub fn missing_attr(&self, name: Symbol, attrs: &Attrs) -> EvalError {
        let name_str = name.as_str();
        let names: Vec<String> = attrs.iter().map(|a| a.name.as_str().into_owned()).collect();
        let close = suggestions(&name_str, names.iter().map(String::as_str));
        let mut e = EvalError::msg(format!("attribute '{}' missing", show_attr_name(&name_str)));
        if !close.is_empty() {
            e = e.with_note(format!("Did you mean {}?", join_or(&close)));
        }
        e
    }

    fn eval_attrs(&self, a: &'static AttrsIr, env: &Env) -> EvalResult<Value> {
        let mut entries: Vec<Attr> = Vec::with_capacity(a.statics.len() + a.dynamics.len());
        let scope_env: Env;
        if a.rec {
            let frame = Frame::with_size(Some(env.clone()), a.statics.len() + a.sources.len());
            // With `__overrides`, slots can change after initialisation, so values must read
            // them when forced: no aliasing of already written slots.
            let overrides = a.statics.binary_search_by_key(&self.syms.overrides, |s| s.name).ok();
            for (i, s) in a.statics.iter().enumerate() {
                let v = match (&s.value, overrides) {
                    (Ir::Const(_) | Ir::Lambda(_), _) | (_, None) => self.delay_in_new_frame(&s.value, &frame, i),
                    (code, Some(_)) => ThunkCell::code(code, frame.clone()),
                };
                frame.init(i, v.clone());
                entries.push(Attr { name: s.name, pos: s.pos, value: v });
            }
            for (j, src) in a.sources.iter().enumerate() {
                let v = self.delay_in_new_frame(src, &frame, a.statics.len() + j);
                frame.init(a.statics.len() + j, v);
            }
            if let Some(i) = overrides {
                self.apply_overrides(a, &frame, &mut entries, i)?;
            }
            scope_env = frame;
        } else {
            scope_env = if a.sources.is_empty() {
                env.clone()
            } else {
                Frame::new(Some(env.clone()), a.sources.iter().map(|s| self.delay(s, env)).collect())
            };
            for s in a.statics.iter() {
                entries.push(Attr { name: s.name, pos: s.pos, value: self.delay(&s.value, &scope_env) });
            }
        }
        // `__overrides` may have appended names: only then are the entries out of order.
        let static_count = entries.len();
        if a.dynamics.is_empty() && static_count == a.statics.len() {
            return Ok(Value::attrs(Attrs::from_sorted(entries)));
        }
        for d in a.dynamics.iter() {
            let name = self.eval(&d.name, &scope_env)?;
            let name = match &name {
                Value::Null => continue,
                Value::String(s) => s.to_symbol(),
                other => {
                    return Err(type_error("a string", other)
                        .at(d.span)
                        .with_frame(Some(d.span), "while evaluating the name of a dynamic attribute"))
                }
            };
            if entries.iter().any(|e| e.name == name) {
                let previous = entries
                    .iter()
                    .find(|e| e.name == name)
                    .and_then(|e| e.pos.span())
                    .map(crate::diag::source_map::describe_position)
                    .unwrap_or_else(|| "an earlier definition".into());
                return Err(EvalError::eval(
                    format!("dynamic attribute '{name}' already defined at {previous}"),
                    d.span,
                ));
            }
            entries.push(Attr { name, pos: d.pos, value: self.delay(&d.value, &scope_env) });
        }
        if entries.len() == a.statics.len() {
            return Ok(Value::attrs(Attrs::from_sorted(entries)));
        }
        Ok(Value::attrs(Attrs::from_unsorted(entries)))
    }

    /// `rec { __overrides = { … }; … }`: the attributes of `__overrides` replace the
    /// set's own (in the result and in its recursive scope) or are added to it.
    fn apply_overrides(
        &self,
        a: &'static AttrsIr,
        frame: &Env,
        entries: &mut Vec<Attr>,
        index: usize,
    ) -> EvalResult<()> {
        let overrides = self
            .force(&entries[index].value)
            .map_err(|e| e.with_frame(Some(a.span), "while evaluating the `__overrides` attribute"))?;
        let Value::Attrs(overrides) = overrides else {
            return Err(type_error("a set", &overrides)
                .at(a.span)
                .with_frame(Some(a.span), "while evaluating the `__overrides` attribute"));
        };
        for attr in overrides.iter() {
            match a.statics.binary_search_by_key(&attr.name, |s| s.name) {
                Ok(i) => {
                    frame.set(i, attr.value.clone());
                    entries[i].value = attr.value.clone();
                }
                Err(_) => entries.push(attr.clone()),
            }
        }
        Ok(())
    }
}

/// Whether `value_now` could have the value of `ir` (a selection from a variable, integer
/// arithmetic on variables and constants): a check made inline before delaying, since most
/// delayed code (calls, sets, lists, interpolation) never qualifies and the call to find
/// that out cost as much as a tenth of making the thunk.
#[inline(always)]
fn may_be_now(ir: &Ir) -> bool {
    let operand = |ir: &Ir| matches!(ir, Ir::Var { .. } | Ir::Const(_));
    let direct = |ir: &Ir| match ir {
        Ir::Select { expr, default: None, .. } => matches!(**expr, Ir::Var { .. }),
        Ir::BinOp { lhs, rhs, .. } => operand(lhs) && operand(rhs),
        _ => false,
    };
    match ir {
        Ir::Binding { body, .. } => direct(body),
        other => direct(other),
    }
}

/// A stored value with a finished thunk unwrapped (so later reads skip the indirection).
#[inline]
fn settled(v: &Value) -> Value {
    match v {
        Value::Thunk(t) => match t.value() {
            Some(inner) => inner.clone(),
            None => v.clone(),
        },
        other => other.clone(),
    }
}

/// Forcing a blackholed thunk: the start of an infinite-recursion report.
#[cold]
fn recursion_at(t: &Thunk) -> EvalError {
    let mut e = EvalError::new(ErrorKind::InfiniteRecursion, "infinite recursion encountered", None);
    e.0.cycle = Some(Cycle { thunk: Thunk::as_ptr(t) as usize, names: Vec::new(), closed: false });
    e
}

/// An error leaving the forcing of `t`: a recursion cycle detected at `t` itself is
/// complete once it gets here (the bindings named so far form the cycle).
#[cold]
fn leaving_thunk(mut e: EvalError, t: &Thunk) -> EvalError {
    if let Some(c) = &mut e.0.cycle {
        if c.thunk == Thunk::as_ptr(t) as usize {
            c.closed = true;
        }
    }
    e
}

#[cold]
fn not_a_condition(found: Value, cond: &Ir, span: Span) -> EvalError {
    type_error("a Boolean", &found)
        .at(cond_span(cond).unwrap_or(span))
        .with_frame(Some(span), "while evaluating a branch condition")
}

/// Names the binding being evaluated in an error: the span if the error has none, and the
/// binding's name in an infinite-recursion cycle report. The names are collected innermost
/// first. A binding that is just an alias variable (`b = c;` with `c = a;`, `via`) names it
/// before itself: `c` shares `a`'s thunk, so the forcing never passes through a `c` of its own.
#[cold]
fn binding_error(
    mut e: EvalError,
    name: crate::symbol::Symbol,
    via: Option<crate::symbol::Symbol>,
    span: Span,
) -> EvalError {
    if let Some(c) = &mut e.0.cycle {
        if !c.closed {
            if let Some(via) = via.filter(|v| *v != name) {
                let via = via.as_str().into_owned();
                if c.names.last() != Some(&via) {
                    c.names.push(via);
                }
            }
            c.names.push(name.as_str().into_owned());
        }
    }
    if e.0.span.is_none() {
        e.0.span = Some(span);
    }
    e
}

fn cond_span(ir: &Ir) -> Option<Span> {
    match ir {
        Ir::Call { span, .. } | Ir::Select { span, .. } | Ir::BinOp { span, .. } | Ir::WithVar { span, .. } => {
            Some(*span)
        }
        _ => None,
    }
}

pub fn join_or(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("'{s}'")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}
