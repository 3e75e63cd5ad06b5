//! Evaluation errors and their trace frames.
//!
//! Errors are one pointer wide (`Box`), so `Result<Value, EvalError>` stays small on the hot
//! path. `throw` and failed `assert`s are *catchable* (by `tryEval`); everything else is
//! fatal. As an error propagates it collects frames ("while evaluating the attribute 'x'",
//! "while calling 'f'") innermost first; the renderer shows a few, `--show-trace` all.
//!
//! Infinite recursion carries the blackholed thunk it was detected at; frames that name
//! bindings are collected into `cycle` until the error leaves the forcing of that same
//! thunk, which recovers the chain of bindings that formed the cycle.

use std::fmt;

use crate::diag::source_map::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `throw`: catchable.
    Throw,
    /// A failed `assert`: catchable.
    Assertion,
    /// `abort`.
    Abort,
    InfiniteRecursion,
    /// Wrong type, missing attribute, bad argument and the like.
    Eval,
    /// The call-depth limit was exceeded.
    StackOverflow,
    /// Reading files, the store, the search path.
    Io,
    /// A syntax error in an imported file or a string given to the parser.
    Parse,
    /// Evaluation was interrupted (Ctrl-C in the REPL).
    Interrupted,
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub span: Option<Span>,
    pub message: String,
    /// Frames from `addErrorContext` are always shown.
    pub important: bool,
}

#[derive(Clone, Debug)]
pub struct ErrorData {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Option<Span>,
    /// Innermost first.
    pub frames: Vec<Frame>,
    /// For infinite recursion: the thunk where the cycle was detected, and the names of
    /// the bindings seen so far while unwinding toward it.
    pub cycle: Option<Cycle>,
    /// Extra lines shown after the message (suggestions, hashes, …).
    pub notes: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Cycle {
    pub thunk: usize,
    pub names: Vec<String>,
    pub closed: bool,
}

#[derive(Clone)]
pub struct EvalError(pub Box<ErrorData>);

pub type EvalResult<T> = Result<T, EvalError>;

impl EvalError {
    #[cold]
    pub fn new(kind: ErrorKind, message: impl Into<String>, span: Option<Span>) -> EvalError {
        EvalError(Box::new(ErrorData {
            kind,
            message: message.into(),
            span,
            frames: Vec::new(),
            cycle: None,
            notes: Vec::new(),
        }))
    }

    /// A fatal evaluation error (type errors, missing attributes, …) at `span`.
    #[cold]
    pub fn eval(message: impl Into<String>, span: Span) -> EvalError {
        EvalError::new(ErrorKind::Eval, message, Some(span))
    }

    /// A fatal evaluation error whose position is filled in by the caller that has one.
    #[cold]
    pub fn msg(message: impl Into<String>) -> EvalError {
        EvalError::new(ErrorKind::Eval, message, None)
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn is_catchable(&self) -> bool {
        matches!(self.0.kind, ErrorKind::Throw | ErrorKind::Assertion)
    }

    /// Gives the error a position if it has none yet.
    #[cold]
    pub fn at(mut self, span: Span) -> EvalError {
        // Coercion's calls (`__toString`) carry a placeholder span in no file: replace it too.
        if self.0.span.is_none_or(|s| s.file.0 == u32::MAX) {
            self.0.span = Some(span);
        }
        self
    }

    #[cold]
    pub fn with_frame(mut self, span: Option<Span>, message: impl Into<String>) -> EvalError {
        // Keep traces bounded: past a thousand frames more detail only hides the cause.
        if self.0.frames.len() < 1000 {
            self.0.frames.push(Frame { span, message: message.into(), important: false });
        }
        self
    }

    #[cold]
    pub fn with_context(mut self, span: Option<Span>, message: impl Into<String>) -> EvalError {
        self.0.frames.push(Frame { span, message: message.into(), important: true });
        self
    }

    #[cold]
    pub fn with_note(mut self, note: impl Into<String>) -> EvalError {
        self.0.notes.push(note.into());
        self
    }
}

impl fmt::Debug for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.0.kind, self.0.message)
    }
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

/// Shorthand for a type error in Nix's words: "expected a list but found a set: { … }" (the
/// value, shortened, as current CppNix shows it).
#[cold]
pub fn type_error(expected: &str, found: &super::value::Value) -> EvalError {
    EvalError::msg(format!(
        "expected {expected} but found {}: {}",
        found.type_description(),
        super::print::show_short_value(found)
    ))
}
