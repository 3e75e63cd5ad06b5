//! The intermediate representation the machine evaluates.
//!
//! Produced by `lower` from the AST with every variable resolved: lexical variables are
//! `Var { depth, slot }` (walk `depth` frames up, read one slot), names that no lexical
//! scope binds become `WithVar` with the depths of the enclosing `with` frames, and
//! builtins are inlined as constants. Depths count the frames in the chain at run time,
//! which a delayed expression may shorten (`Up`, see `capture`). IR trees are leaked (`&'static`): a parsed file lives
//! as long as the process (imports are cached), which lets thunks and closures point into
//! the tree without reference counting.

use crate::diag::source_map::{Pos, Span};
use crate::symbol::Symbol;
use crate::syntax::ast::BinOp;

use super::value::Value;

pub enum Ir {
    Const(Value),
    Var {
        depth: u32,
        slot: u32,
    },
    /// A name bound by no lexical scope: looked up in the `with` frames at these depths,
    /// innermost first.
    WithVar {
        span: Span,
        name: Symbol,
        withs: Box<[u32]>,
    },
    Select {
        span: Span,
        expr: Box<Ir>,
        path: Box<[AttrKey]>,
        default: Option<Box<Ir>>,
    },
    HasAttr {
        expr: Box<Ir>,
        path: Box<[AttrKey]>,
    },
    /// `func a b c`: applications are flattened so the machine can apply all arguments in one
    /// go.
    Call {
        span: Span,
        func: Box<Ir>,
        args: Box<[Ir]>,
    },
    Lambda(Box<LambdaIr>),
    /// `let`: a new frame of `bindings.len()` slots, each a thunk of its binding in the new
    /// frame, then `body` in it.
    Let {
        bindings: Box<[Ir]>,
        body: Box<Ir>,
    },
    Attrs(Box<AttrsIr>),
    List(Box<[Ir]>),
    If {
        span: Span,
        cond: Box<Ir>,
        then: Box<Ir>,
        else_: Box<Ir>,
    },
    Assert {
        span: Span,
        cond: Box<Ir>,
        body: Box<Ir>,
        /// The condition as CppNix shows it, for "assertion '…' failed".
        text: Box<str>,
    },
    /// `with scope; body`: a frame of one slot holding the (lazy) scope.
    With {
        scope: Box<Ir>,
        body: Box<Ir>,
    },
    BinOp {
        span: Span,
        op: BinOp,
        lhs: Box<Ir>,
        rhs: Box<Ir>,
    },
    Not {
        span: Span,
        expr: Box<Ir>,
    },
    Neg {
        span: Span,
        expr: Box<Ir>,
    },
    /// String interpolation and path concatenation.
    Concat {
        span: Span,
        parts: Box<[Ir]>,
        force_string: bool,
    },
    /// A `let`/`rec` binding's value, named so that traces and infinite-recursion reports can
    /// say which binding was being evaluated.
    Binding {
        name: Symbol,
        span: Span,
        body: Box<Ir>,
        /// The variable the body is, when it is just one (`b` in `a = b;`). That variable
        /// may share this binding's thunk (an alias of an earlier slot), so a cycle through
        /// it would otherwise go unnamed.
        via: Option<Symbol>,
    },
    /// An expression whose value is delayed (a thunk, a closure) and that reads no
    /// variable of the `levels` innermost frames: it captures the frame that many levels
    /// up, so it keeps alive only what it can use (a `let` binding that reads no sibling
    /// does not hold its `let` frame, and so does not form a cycle through it). Its
    /// variables are numbered from that frame. Lowering records how many enclosing
    /// *scopes* it skips; `capture::number_frames` turns that into frames (see there).
    Up {
        levels: u32,
        body: Box<Ir>,
    },
}

pub enum AttrKey {
    Static(Symbol),
    Dynamic(Ir),
}

pub struct LambdaIr {
    pub span: Span,
    /// The binding the lambda was defined under, if any (for messages).
    pub name: Option<Symbol>,
    pub param: ParamIr,
    /// Slots in the call frame: one per formal, plus one for `@`-binding or a plain argument.
    pub frame_size: u32,
    pub body: Ir,
}

pub enum ParamIr {
    /// `x: body`: the argument goes into slot 0.
    Ident(Symbol),
    Pattern(PatternIr),
}

pub struct PatternIr {
    /// In source order; formal `i` lives in slot `i`.
    pub formals: Box<[FormalIr]>,
    /// The formals' names sorted by symbol id, for checking unexpected arguments.
    pub sorted_names: Box<[Symbol]>,
    pub ellipsis: bool,
    /// The slot of `args@`, if present (the last slot).
    pub bind: Option<u32>,
    /// The name bound by `args@`, if present (for `toXML`'s `<attrspat name=…>`).
    pub bind_name: Option<Symbol>,
}

pub struct FormalIr {
    pub name: Symbol,
    pub span: Span,
    pub default: Option<Ir>,
}

pub struct AttrsIr {
    pub span: Span,
    pub rec: bool,
    /// The `inherit (e)` sources. They live in a frame created for the set: for `rec`, the
    /// frame holds one slot per static attribute (in `statics` order) and then the sources,
    /// all evaluated in that frame; for a plain set, the frame holds only the sources,
    /// evaluated in the enclosing environment. A plain set without sources needs no frame.
    pub sources: Box<[Ir]>,
    /// Sorted by symbol id, no duplicates.
    pub statics: Box<[StaticAttr]>,
    pub dynamics: Box<[DynamicAttrIr]>,
}

pub struct StaticAttr {
    pub name: Symbol,
    pub pos: Pos,
    pub value: Ir,
}

pub struct DynamicAttrIr {
    pub span: Span,
    pub pos: Pos,
    pub name: Ir,
    pub value: Ir,
}
