//! Control and debugging builtins: `abort throw tryEval seq deepSeq trace traceVerbose
//! warn addErrorContext break`.

use crate::eval::shared::Shared;
use std::collections::HashSet;

use crate::diag::source_map::Span;

use super::super::attrs::AttrsBuilder;
use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::super::pretty::PrintOptions;
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::PrimOp;

fn message(ev: &Evaluator, name: &'static str, args: &[Value]) -> EvalResult<String> {
    let s = ev.arg_coerced(arg(name, args, 0), super::super::coerce::Coerce::STRICT)?;
    Ok(s.to_str_lossy().into_owned())
}

fn abort(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let msg = message(ev, "abort", args)?;
    Err(EvalError::new(
        ErrorKind::Abort,
        format!("evaluation aborted with the following error message: '{msg}'"),
        Some(span),
    ))
}

fn throw(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let msg = message(ev, "throw", args)?;
    Err(EvalError::new(ErrorKind::Throw, msg, Some(span)))
}

fn try_eval(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let mut b = AttrsBuilder::with_capacity(2);
    match ev.force(&args[0]) {
        Ok(v) => {
            b.insert(ev.syms.success, Value::Bool(true));
            b.insert(ev.syms.value, v);
        }
        Err(e) if e.is_catchable() => {
            b.insert(ev.syms.success, Value::Bool(false));
            b.insert(ev.syms.value, Value::Bool(false));
        }
        Err(e) => return Err(e),
    }
    Ok(Value::attrs(b.finish()))
}

fn seq(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    ev.force(&args[0])?;
    ev.force(&args[1])
}

fn deep_seq(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    ev.force_deep(&args[0])?;
    ev.force(&args[1])
}

fn trace(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let v = ev.force(&args[0])?;
    print_trace(ev, &v)?;
    ev.force(&args[1])
}

/// `trace: …`: a string as it is, anything else as `nix repl` prints it without forcing
/// (`trace: [ «thunk» ]`), as current CppNix does.
fn print_trace(ev: &Evaluator, v: &Value) -> EvalResult<()> {
    match v {
        Value::String(s) => eprintln!("trace: {}", crate::diag::render::for_stderr(&s.to_str_lossy())),
        other => {
            let text = ev.print_pretty(other, &PrintOptions::trace())?;
            eprintln!("trace: {}", crate::diag::render::for_stderr(&String::from_utf8_lossy(&text)));
        }
    }
    Ok(())
}

fn trace_verbose(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    if ev.settings.trace_verbose {
        let v = ev.force(&args[0])?;
        print_trace(ev, &v)?;
    }
    ev.force(&args[1])
}

fn warn(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    let msg = ev.arg_string(arg("warn", args, 0))?;
    let msg = msg.to_str_lossy().into_owned();
    if ev.settings.abort_on_warn {
        return Err(
            EvalError::new(ErrorKind::Eval, msg, Some(span)).with_note("aborting because --abort-on-warn is set")
        );
    }
    let msg = crate::diag::render::for_stderr(&msg).into_owned();
    eprintln!("evaluation warning: {}", msg.replace('\n', &format!("\n{}", " ".repeat("evaluation warning: ".len()))));
    ev.force(&args[1])
}

fn add_error_context(ev: &Evaluator, args: &[Value], span: Span) -> EvalResult<Value> {
    ev.force(&args[1]).map_err(|e| {
        let msg = ev
            .force(&args[0])
            .ok()
            .and_then(|m| match m {
                Value::String(s) => Some(s.to_str_lossy().into_owned()),
                _ => None,
            })
            .unwrap_or_default();
        e.with_context(Some(span), msg)
    })
}

fn break_(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    // Without a debugger attached, `break` is the identity.
    ev.force(&args[0])
}

impl Evaluator {
    /// Forces a value and everything inside it (cycles through shared sets or lists are
    /// visited once).
    pub fn force_deep(&self, v: &Value) -> EvalResult<()> {
        let mut seen = HashSet::new();
        self.force_deep_rec(v, &mut seen)
    }

    fn force_deep_rec(&self, v: &Value, seen: &mut HashSet<usize>) -> EvalResult<()> {
        let v = self.force(v)?;
        match &v {
            Value::Attrs(a) => {
                if !seen.insert(Shared::as_ptr(a) as usize) {
                    return Ok(());
                }
                for attr in a.iter() {
                    crate::eval::stack::maybe_grow(128 * 1024, 8 * 1024 * 1024, || {
                        self.force_deep_rec(&attr.value, seen)
                    })
                    .map_err(|e| {
                        e.with_frame(attr.pos.span(), format!("while evaluating the attribute '{}'", attr.name))
                    })?;
                }
            }
            Value::List(l) => {
                if !seen.insert(Shared::as_ptr(l) as usize) {
                    return Ok(());
                }
                for item in l.iter() {
                    crate::eval::stack::maybe_grow(128 * 1024, 8 * 1024 * 1024, || self.force_deep_rec(item, seen))?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp { name: "abort", arity: 1, func: abort, args: &["s"], doc: "Aborts evaluation with message `s` (not catchable by `tryEval`)." },
    PrimOp { name: "throw", arity: 1, func: throw, args: &["s"], doc: "Raises an error with message `s`; `tryEval` can catch it." },
    PrimOp { name: "tryEval", arity: 1, func: try_eval, args: &["e"], doc: "Evaluates `e` shallowly: `{ success = true; value = e; }`, or `{ success = false; value = false; }` if it throws or fails an assertion." },
    PrimOp { name: "seq", arity: 2, func: seq, args: &["e1", "e2"], doc: "Forces `e1` to weak head normal form, then returns `e2`." },
    PrimOp { name: "deepSeq", arity: 2, func: deep_seq, args: &["e1", "e2"], doc: "Forces `e1` completely, then returns `e2`." },
    PrimOp { name: "trace", arity: 2, func: trace, args: &["e1", "e2"], doc: "Prints `e1` to standard error as `trace: …`, then returns `e2`." },
    PrimOp { name: "traceVerbose", arity: 2, func: trace_verbose, args: &["e1", "e2"], doc: "Like `trace` when `--trace-verbose` is given; otherwise returns `e2`." },
    PrimOp { name: "warn", arity: 2, func: warn, args: &["msg", "e"], doc: "Prints `evaluation warning: msg` to standard error and returns `e` (an error with `--abort-on-warn`)." },
    PrimOp { name: "addErrorContext", arity: 2, func: add_error_context, args: &["ctx", "e"], doc: "Returns `e`; if evaluating it fails, `ctx` is added to the error's trace." },
    PrimOp { name: "break", arity: 1, func: break_, args: &["v"], doc: "A breakpoint for the debugger; without one it returns `v`." },
];
