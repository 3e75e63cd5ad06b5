//! Function application: lambdas, builtins, partial applications and functor sets.
//!
//! `call_multi` applies several arguments at once, which is how `f a b c` and the
//! builtins that call back (`foldl'`, `sort`, `mapAttrs`, …) apply functions. It avoids the
//! intermediate values a one-at-a-time application would allocate: a curried lambda
//! `a: b: body` gets its two frames chained directly (no closure for `b: body`), and a
//! builtin given all its arguments is called with them in place (no partial application).
//! Every lambda body entered counts against `max-call-depth`.

use crate::eval::shared::Shared;
use std::rc::Rc;

use smallvec::SmallVec;

use crate::diag::source_map::Span;

use super::builtins::PrimOp;
use super::env::{Env, Frame};
use super::error::{type_error, ErrorKind, EvalError, EvalResult};
use super::ir::{Ir, LambdaIr, ParamIr};
use super::machine::{join_or, show_attr_name, suggestions};
use super::value::{Closure, PrimOpApp, Value};
use super::Evaluator;

/// Stack kept free before entering a function body; below it, stacker continues on a fresh
/// heap-allocated segment.
const RED_ZONE: usize = 128 * 1024;
const STACK_SEGMENT: usize = 8 * 1024 * 1024;

fn lambda_name(lambda: &LambdaIr) -> String {
    match lambda.name {
        Some(n) => format!("'{n}'"),
        None => "'anonymous lambda'".to_string(),
    }
}

#[cold]
fn too_deep(span: Span) -> EvalError {
    EvalError::new(ErrorKind::StackOverflow, "stack overflow; max-call-depth exceeded", Some(span))
}

#[cold]
fn calling_frame(e: EvalError, lambda: &LambdaIr, span: Span) -> EvalError {
    if e.kind() == ErrorKind::StackOverflow && e.0.frames.len() > 50 {
        return e;
    }
    e.with_frame(Some(span), format!("while calling {}", lambda_name(lambda)))
}

impl Evaluator {
    /// Applies a function value to one argument.
    #[inline]
    pub fn call(&self, f: &Value, arg: Value, span: Span) -> EvalResult<Value> {
        match f {
            Value::Lambda(c) => self.call_lambda(c, arg, span),
            // A one-argument builtin (`length`, `isAttrs`, `toString`, …): straight to it.
            Value::PrimOp(op) if op.arity == 1 => self.call_primop(op, std::slice::from_ref(&arg), span),
            _ => self.call_multi(f.clone(), std::slice::from_ref(&arg), span),
        }
    }

    /// Applies a function value to two arguments (`foldl'`'s operator, `sort`'s
    /// comparator, `f a b` in code). The common curried lambda `a: b: body` gets its two
    /// frames directly from the arguments, which are moved in rather than cloned.
    pub fn call2(&self, f: &Value, a: Value, b: Value, span: Span) -> EvalResult<Value> {
        match f {
            Value::Lambda(c) => {
                if let (ParamIr::Ident(_), Some((inner, skipped))) = (&c.lambda.param, inner_lambda(c.lambda)) {
                    if let ParamIr::Ident(_) = inner.param {
                        let parent = match skipped {
                            0 => Frame::single(Some(c.env.clone()), a),
                            // The inner function reads neither `a` (`name: value: …` of
                            // `mapAttrs` often ignores the name) nor the frames above it
                            // that it skips: no frame for `a` is needed.
                            n => c.env.ancestor(n - 1).clone(),
                        };
                        return self.run_body(inner, Frame::single(Some(parent), b), span);
                    }
                }
                self.call_multi(f.clone(), &[a, b], span)
            }
            Value::PrimOp(op) if op.arity == 2 => self.call_primop(op, &[a, b], span),
            _ => self.call_multi(f.clone(), &[a, b], span),
        }
    }

    /// A maker of the lazy values of `f x` for the items `x` of a list (what `map` builds),
    /// or for `f i` with `i` the index when `items` is `None` (`genList`): the function is
    /// recorded once and each value is one small thunk, with no frame made before it is
    /// forced (which, for a big list, most elements may never be).
    pub fn lazy_applications(
        &self,
        f: &Value,
        span: Span,
        items: Option<Shared<super::value::List>>,
    ) -> impl Fn(usize) -> Value {
        let shared = Rc::new(super::thunk::SharedApply { f: f.clone(), span, items });
        move |i| super::thunk::ThunkCell::apply_shared(&shared, i)
    }

    /// Applies a function value to several arguments in turn (`f a b c`).
    pub fn call_multi(&self, mut f: Value, args: &[Value], span: Span) -> EvalResult<Value> {
        let mut i = 0;
        while i < args.len() {
            let rest = &args[i..];
            let (result, used) = match &f {
                Value::Lambda(c) => {
                    let (v, used) = self.enter_lambda(c, rest[0].clone(), &rest[1..], span)?;
                    (v, used + 1)
                }
                Value::PrimOp(op) => {
                    let arity = op.arity as usize;
                    if rest.len() >= arity {
                        (self.call_primop(op, &rest[..arity], span)?, arity)
                    } else {
                        (Value::PrimOpApp(Shared::new(PrimOpApp { op, args: rest.to_vec() })), rest.len())
                    }
                }
                Value::PrimOpApp(app) => {
                    let arity = app.op.arity as usize;
                    let need = arity - app.args.len();
                    let take = need.min(rest.len());
                    let mut all: SmallVec<[Value; 4]> = SmallVec::with_capacity(app.args.len() + take);
                    all.extend(app.args.iter().cloned());
                    all.extend(rest[..take].iter().cloned());
                    if take == need {
                        (self.call_primop(app.op, &all, span)?, take)
                    } else {
                        (Value::PrimOpApp(Shared::new(PrimOpApp { op: app.op, args: all.into_vec() })), take)
                    }
                }
                Value::Attrs(a) => match a.get(self.syms.functor) {
                    Some(functor) => {
                        let functor = self.force(functor)?;
                        let pair = [f.clone(), rest[0].clone()];
                        (self.call_multi(functor, &pair, span)?, 1)
                    }
                    None => return Err(not_a_function(&f, span)),
                },
                Value::Thunk(t) => (self.force_thunk(t)?, 0),
                other => return Err(not_a_function(other, span)),
            };
            f = result;
            i += used;
        }
        Ok(f)
    }

    pub(crate) fn call_primop(&self, op: &'static PrimOp, args: &[Value], span: Span) -> EvalResult<Value> {
        (op.func)(self, args, span).map_err(|e| {
            let e = e.at(span);
            if e.is_catchable() || e.kind() == ErrorKind::InfiniteRecursion {
                e
            } else {
                e.with_frame(Some(span), format!("while calling the '{}' builtin", op.name))
            }
        })
    }

    /// Enters a lambda with `first` and then as many of `more` as its nested lambdas take
    /// directly (`a: b: …` takes two without allocating the inner closure); returns the
    /// result and how many of `more` were used.
    fn enter_lambda(
        &self,
        c: &Shared<Closure>,
        first: Value,
        more: &[Value],
        span: Span,
    ) -> EvalResult<(Value, usize)> {
        let mut lambda = c.lambda;
        let mut frame = self.bind_arguments(lambda, c.env.clone(), first, span)?;
        let mut used = 0;
        while used < more.len() {
            let Some((inner, skipped)) = inner_lambda(lambda) else { break };
            let parent = if skipped == 0 { frame } else { frame.ancestor(skipped).clone() };
            frame = self
                .bind_arguments(inner, parent, more[used].clone(), span)
                .map_err(|e| calling_frame(e, lambda, span))?;
            lambda = inner;
            used += 1;
        }
        Ok((self.run_body(lambda, frame, span)?, used))
    }

    /// Runs a lambda's body in the frame holding its arguments: the call counts against
    /// `max-call-depth`, is a point where Ctrl-C is noticed, and names the lambda in the
    /// trace of an error.
    #[inline]
    fn run_body(&self, lambda: &'static LambdaIr, frame: Env, span: Span) -> EvalResult<Value> {
        let depth = self.call_depth.get() + 1;
        if depth > self.settings.max_call_depth {
            return Err(too_deep(span));
        }
        if self.interrupted.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(EvalError::new(ErrorKind::Interrupted, "interrupted by the user", Some(span)));
        }
        self.call_depth.set(depth);
        // No stack check here: every way `eval` recurses (a compound node, forcing a
        // thunk) checks the stack itself.
        let result = self.eval(&lambda.body, &frame);
        self.call_depth.set(depth - 1);
        result.map_err(|e| calling_frame(e, lambda, span))
    }

    /// Runs one recursive step of an operation over values (a list element of `toString`,
    /// the result of `__toString`, a nested set compared by `==`). It counts against
    /// `max-call-depth` like a call, so a cyclic value (`let x = [ x ]; in toString x`)
    /// ends in CppNix's "stack overflow" error instead of overflowing the native stack.
    pub(crate) fn nested<R>(&self, span: Option<Span>, f: impl FnOnce() -> EvalResult<R>) -> EvalResult<R> {
        let depth = self.call_depth.get() + 1;
        if depth > self.settings.max_call_depth {
            return Err(EvalError::new(ErrorKind::StackOverflow, "stack overflow; max-call-depth exceeded", span));
        }
        self.call_depth.set(depth);
        let result = crate::eval::stack::maybe_grow(RED_ZONE, STACK_SEGMENT, f);
        self.call_depth.set(depth - 1);
        result
    }

    /// Applies a lambda to one argument (used where a single application is wanted).
    #[inline]
    pub fn call_lambda(&self, c: &Shared<Closure>, arg: Value, span: Span) -> EvalResult<Value> {
        let frame = self.bind_arguments(c.lambda, c.env.clone(), arg, span)?;
        self.run_body(c.lambda, frame, span)
    }

    /// Builds the frame a lambda's body runs in: the argument, or for a formal parameter
    /// set, one slot per formal (defaults delayed in the new frame) plus the `@` binding.
    #[inline]
    fn bind_arguments(&self, lambda: &'static LambdaIr, parent: Env, arg: Value, span: Span) -> EvalResult<Env> {
        match &lambda.param {
            ParamIr::Ident(_) => Ok(Frame::single(Some(parent), arg)),
            ParamIr::Pattern(_) => self.bind_pattern(lambda, parent, arg, span),
        }
    }

    fn bind_pattern(&self, lambda: &'static LambdaIr, parent: Env, arg: Value, span: Span) -> EvalResult<Env> {
        let ParamIr::Pattern(p) = &lambda.param else { unreachable!("called for patterns only") };
        let forced = self.force(&arg)?;
        let Value::Attrs(attrs) = &forced else {
            return Err(type_error("a set", &forced)
                .at(span)
                .with_frame(Some(lambda.span), format!("while calling {}", lambda_name(lambda))));
        };
        let frame = Frame::with_size(Some(parent), lambda.frame_size as usize);
        let mut supplied = 0usize;
        for (i, formal) in p.formals.iter().enumerate() {
            let v = match attrs.get(formal.name) {
                Some(v) => {
                    supplied += 1;
                    v.clone()
                }
                None => match &formal.default {
                    Some(d) => self.delay_in_new_frame(d, &frame, i),
                    None => {
                        return Err(EvalError::eval(
                            format!(
                                "function {} called without required argument '{}'",
                                lambda_name(lambda),
                                formal.name
                            ),
                            span,
                        )
                        .with_frame(Some(lambda.span), format!("while calling {}", lambda_name(lambda))))
                    }
                },
            };
            frame.init(i, v);
        }
        if !p.ellipsis && attrs.len() > supplied {
            if let Some(a) = attrs.iter().find(|a| p.sorted_names.binary_search(&a.name).is_err()) {
                let names: Vec<String> = p.formals.iter().map(|f| f.name.as_str().into_owned()).collect();
                let close = suggestions(&a.name.as_str(), names.iter().map(String::as_str));
                let mut e = EvalError::eval(
                    format!(
                        "function {} called with unexpected argument '{}'",
                        lambda_name(lambda),
                        show_attr_name(&a.name.as_str())
                    ),
                    span,
                );
                if !close.is_empty() {
                    e = e.with_note(format!("Did you mean {}?", join_or(&close)));
                }
                return Err(e.with_frame(Some(lambda.span), format!("while calling {}", lambda_name(lambda))));
            }
        }
        if let Some(b) = p.bind {
            frame.init(b as usize, arg);
        }
        Ok(frame)
    }
}

/// The function a curried function's body is (`a: b: …`), and how many frames its closure
/// skips (see `Ir::Up`): applying both at once can bind the inner one's argument directly.
#[inline(always)]
fn inner_lambda(lambda: &'static LambdaIr) -> Option<(&'static LambdaIr, u32)> {
    match &lambda.body {
        Ir::Lambda(inner) => Some((inner, 0)),
        Ir::Up { levels, body } => match &**body {
            Ir::Lambda(inner) => Some((inner, *levels)),
            _ => None,
        },
        _ => None,
    }
}

/// Applying something that is not a function, in CppNix's words (the value shown).
#[cold]
fn not_a_function(value: &Value, span: Span) -> EvalError {
    EvalError::eval(
        format!(
            "attempt to call something which is not a function but {}: {}",
            value.type_description(),
            super::print::show_short_value(value)
        ),
        span,
    )
}
