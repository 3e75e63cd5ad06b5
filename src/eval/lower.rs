//! Lowering: AST → IR, resolving every variable ahead of time.
//!
//! The lowerer keeps a stack of static scopes mirroring the frames the machine will create
//! at run time (`let`, `rec`, function parameters, `with`, and anonymous frames for
//! `inherit (e)` sources). A variable is resolved by walking that stack: the first lexical
//! scope that binds it gives `Var { depth, slot }`; a name no lexical scope binds is
//! looked up among the builtins (and inlined as a constant), and otherwise, if `with`
//! scopes enclose it, becomes a dynamic `WithVar`. A name bound nowhere is the parse-time
//! error "undefined variable", as in CppNix. Lexical bindings thus always win over `with`,
//! and the innermost `with` wins among withs.
//!
//! Every expression whose value the machine delays (a binding, an argument, a list item,
//! a function) is lowered as a *region*: the scopes it reads are stamped as it resolves
//! its variables, and if it reads none of the innermost ones it is wrapped in an `Ir::Up`
//! that skips them (`capture` explains why, and renumbers the depths afterwards).
//!
//! Path literals are resolved here against the directory of the file being lowered.

use std::cell::Cell;
use std::collections::HashMap;

use crate::diag::source_map::{intern_pos, source, Span};
use crate::symbol::Symbol;
use crate::syntax::ast::{self, AttrKind, AttrName, Binds, Expr, Param};
use crate::syntax::show;

use super::attrs::AttrsBuilder;
use super::ir::{AttrKey, AttrsIr, DynamicAttrIr, FormalIr, Ir, LambdaIr, ParamIr, PatternIr, StaticAttr};
use super::value::Value;
use super::Lint;

#[derive(Debug, Clone)]
pub struct LowerError {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Copy, PartialEq)]
enum ScopeKind {
    Lexical,
    With,
    /// A frame with unnamed slots (`inherit (e)` sources of a plain attrset).
    Anonymous,
}

struct Scope {
    kind: ScopeKind,
    names: HashMap<Symbol, u32>,
    /// The bindings of a `let` whose value is a constant (`b = builtins;`, `n = 3;`,
    /// `inherit (builtins) head;`): their uses are that constant, read from no frame.
    constants: HashMap<Symbol, Value>,
    /// The lowerer's `clock` when a variable last resolved to this scope (see `Region`).
    last_use: Cell<u64>,
}

/// An expression being lowered whose value the machine will delay (a thunk, a closure):
/// started by `begin_region`, whose clock tick it holds. A scope whose `last_use` is older
/// than that tick when the expression is done was not read by it, and the topmost run of
/// such scopes is what `end_region` lets the expression skip (`Ir::Up`).
#[derive(Clone, Copy)]
struct Region(u64);

/// A named scope supplied from outside the file (`scopedImport`, REPL variables).
pub struct OuterScope {
    pub names: Vec<Symbol>,
}

/// How to treat literals that CppNix can lint (`--lint-*-literals`).
#[derive(Clone, Copy)]
pub struct Lints {
    pub url: Lint,
    pub absolute_path: Lint,
    pub short_path: Lint,
}

impl Default for Lints {
    fn default() -> Self {
        Lints { url: Lint::Off, absolute_path: Lint::Off, short_path: Lint::Off }
    }
}

pub struct Lowerer<'g> {
    globals: &'g HashMap<Symbol, Value>,
    pub lints: Lints,
    /// Directory relative path literals resolve against.
    base_dir: String,
    home: Option<String>,
    scopes: Vec<Scope>,
    /// For each `let`/`rec` frame being lowered, its bindings that are aliases: `c = a;` with
    /// `a` an earlier slot of the same frame, which the machine makes share `a`'s thunk.
    alias_frames: Vec<Vec<Symbol>>,
    /// Bytes of assertion text (the quoted conditions) this file may still keep; see
    /// `assertion_text`.
    assertion_text_left: usize,
    /// Ticks once per `Region`; a resolved variable stamps its scope with the current tick.
    clock: u64,
    /// How many scopes came from outside the file (`OuterScope`s): frames below the
    /// file's own, which `capture::number_frames` must count too.
    outer_scopes: usize,
}

/// An operator whose builtin is rebound, lowered the way CppNix's parser desugars it:
/// `a - b` is `__sub a b` (`*` `__mul`, `/` `__div`), `a < b` is `__lessThan a b`,
/// `a > b` is `__lessThan b a`, `a <= b` is `!(__lessThan b a)`, `a >= b` is
/// `!(__lessThan a b)`.
struct OverriddenOperator {
    op: ast::BinOp,
    span: Span,
    func: Ir,
}

impl OverriddenOperator {
    fn lower(self, lowerer: &mut Lowerer<'_>, lhs: &Expr, rhs: &Expr) -> Result<Ir, LowerError> {
        use ast::BinOp;
        let (lhs, rhs) = (lowerer.lower(lhs)?, lowerer.lower(rhs)?);
        let swapped = matches!(self.op, BinOp::Gt | BinOp::Leq);
        let args = if swapped { [rhs, lhs] } else { [lhs, rhs] };
        let call = Ir::Call { span: self.span, func: Box::new(self.func), args: Box::new(args) };
        Ok(match self.op {
            BinOp::Leq | BinOp::Geq => Ir::Not { span: self.span, expr: Box::new(call) },
            _ => call,
        })
    }
}

/// The bindings of a frame (in slot order) that are aliases: plain `c = a;` with `a` bound
/// at an earlier slot of the same frame. Those the machine fills by sharing `a`'s value
/// (see `delay_in_new_frame`).
fn aliases<'a>(bindings: impl Iterator<Item = (Symbol, &'a ast::AttrDef)>) -> Vec<Symbol> {
    let bindings: Vec<(Symbol, &ast::AttrDef)> = bindings.collect();
    let slot_of = |name: Symbol| bindings.iter().position(|(n, _)| *n == name);
    bindings
        .iter()
        .enumerate()
        .filter(|(slot, (_, def))| match (&def.kind, &def.value) {
            (AttrKind::Plain, Expr::Var { name, .. }) => slot_of(*name).is_some_and(|target| target < *slot),
            _ => false,
        })
        .map(|(_, (name, _))| *name)
        .collect()
}

/// The longest quoted condition of one assertion, and of all of a file's together: every
/// `assert` keeps its condition's text for its message, and nested assertions would
/// otherwise keep quadratically much.
const MAX_ASSERTION_TEXT: usize = 16 * 1024;
const MAX_ASSERTION_TEXT_PER_FILE: usize = 16 * 1024 * 1024;

/// Makes a path absolute and canonical without touching the file system
/// (`.` and `..` components removed, repeated slashes collapsed).
pub fn canonicalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = String::with_capacity(path.len());
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

impl<'g> Lowerer<'g> {
    pub fn new(globals: &'g HashMap<Symbol, Value>, base_dir: String, outer: Vec<OuterScope>) -> Self {
        let home = std::env::var("HOME").ok();
        let scopes = outer
            .into_iter()
            .map(|s| Scope {
                kind: ScopeKind::Lexical,
                names: s.names.into_iter().enumerate().map(|(i, n)| (n, i as u32)).collect(),
                constants: HashMap::new(),
                last_use: Cell::new(0),
            })
            .collect::<Vec<_>>();
        let outer_scopes = scopes.len();
        Lowerer {
            globals,
            lints: Lints::default(),
            base_dir,
            home,
            scopes,
            alias_frames: Vec::new(),
            assertion_text_left: MAX_ASSERTION_TEXT_PER_FILE,
            clock: 0,
            outer_scopes,
        }
    }

    pub fn lower(&mut self, e: &Expr) -> Result<Ir, LowerError> {
        crate::eval::stack::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.lower_expr(e))
    }

    /// Lowers a whole text, ready to run in the frames of the outer scopes the lowerer was
    /// made with; if it is a function, `name` names it (as a binding would).
    pub fn lower_program(&mut self, e: &Expr, name: Option<Symbol>) -> Result<Ir, LowerError> {
        let mut ir = self.lower_named(e, name)?;
        super::capture::number_frames(&mut ir, self.outer_scopes);
        Ok(ir)
    }

    fn lower_named(&mut self, e: &Expr, name: Option<Symbol>) -> Result<Ir, LowerError> {
        match (e, name) {
            (Expr::Lambda(l), Some(_)) => {
                crate::eval::stack::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.lower_lambda_value(l, name))
            }
            _ => self.lower(e),
        }
    }

    fn push(&mut self, kind: ScopeKind, names: impl IntoIterator<Item = Symbol>) {
        let names = names.into_iter().enumerate().map(|(i, n)| (n, i as u32)).collect();
        self.scopes.push(Scope { kind, names, constants: HashMap::new(), last_use: Cell::new(0) });
    }

    /// Starts lowering an expression whose value will be delayed.
    fn begin_region(&mut self) -> Region {
        self.clock += 1;
        Region(self.clock)
    }

    /// Marks the scope `depth` levels up as read by the expressions being lowered.
    fn touch(&self, depth: usize) {
        let scopes = self.scopes.len();
        self.scopes[scopes - 1 - depth].last_use.set(self.clock);
    }

    /// Ends a region: if `ir` reads none of the innermost scopes (up to
    /// `capture::MAX_SKIPPED_SCOPES` of them), it becomes an `Ir::Up` that skips them.
    /// Constants and plain variables capture nothing and stay as they are; an expression
    /// that is already an `Up` (a function, whose own region is this one) stays one.
    fn end_region(&self, region: Region, ir: Ir) -> Ir {
        if matches!(ir, Ir::Const(_) | Ir::Var { .. } | Ir::Up { .. }) {
            return ir;
        }
        let unread = self
            .scopes
            .iter()
            .rev()
            .take(super::capture::MAX_SKIPPED_SCOPES)
            .take_while(|scope| scope.last_use.get() < region.0)
            .count();
        match unread {
            0 => ir,
            levels => Ir::Up { levels: levels as u32, body: Box::new(ir) },
        }
    }

    /// Lowers `e` as an expression whose value will be delayed.
    fn lower_delayed(&mut self, e: &Expr) -> Result<Ir, LowerError> {
        let region = self.begin_region();
        let ir = self.lower(e)?;
        Ok(self.end_region(region, ir))
    }

    /// A function value: a closure, which captures only the frames its body reads.
    fn lower_lambda_value(&mut self, l: &ast::Lambda, name: Option<Symbol>) -> Result<Ir, LowerError> {
        let region = self.begin_region();
        let lambda = self.lower_lambda(l, name)?;
        Ok(self.end_region(region, Ir::Lambda(Box::new(lambda))))
    }

    fn pop(&mut self) {
        self.scopes.pop();
    }

    /// Resolves `name`, ignoring the `skip` innermost scopes (which still count for depth).
    fn resolve(&self, name: Symbol, span: Span, skip: usize) -> Result<Ir, LowerError> {
        self.resolve_binding(name, span, skip, true)
    }

    /// `resolve`; with `inline_constants` false, a `let` binding with a constant value is
    /// a variable all the same (to tell a rebound name from a builtin one).
    fn resolve_binding(&self, name: Symbol, span: Span, skip: usize, inline_constants: bool) -> Result<Ir, LowerError> {
        let mut withs = Vec::new();
        for (depth, scope) in self.scopes.iter().rev().enumerate() {
            match scope.kind {
                ScopeKind::With => withs.push(depth as u32),
                ScopeKind::Lexical if depth >= skip => {
                    if let Some(&slot) = scope.names.get(&name) {
                        if let Some(v) = scope.constants.get(&name).filter(|_| inline_constants) {
                            return Ok(Ir::Const(v.clone()));
                        }
                        self.touch(depth);
                        return Ok(Ir::Var { depth: depth as u32, slot });
                    }
                }
                _ => {}
            }
        }
        if let Some(v) = self.globals.get(&name) {
            return Ok(Ir::Const(v.clone()));
        }
        if withs.is_empty() {
            return Err(LowerError { span, message: format!("undefined variable '{name}'") });
        }
        for &depth in &withs {
            self.touch(depth as usize);
        }
        Ok(Ir::WithVar { span, name, withs: withs.into_boxed_slice() })
    }

    /// The binding of an operator's builtin name (`__sub`, …) when a lexical scope (a `let`,
    /// `rec` set, function argument or `scopedImport` scope) rebinds it. CppNix parses the
    /// operator as a call of that name, so the rebinding takes over; `with` never does, as
    /// the builtin binds the name lexically.
    fn lexical_operator(&self, name: &str, span: Span) -> Result<Option<Ir>, LowerError> {
        match self.resolve_binding(Symbol::intern(name), span, 0, false)? {
            var @ Ir::Var { .. } => Ok(Some(var)),
            _ => Ok(None),
        }
    }

    /// A binary operator that lowers to a call because its builtin name is rebound.
    fn overridden_operator(&self, op: ast::BinOp, span: Span) -> Result<Option<OverriddenOperator>, LowerError> {
        use ast::BinOp;
        let name = match op {
            BinOp::Sub => "__sub",
            BinOp::Mul => "__mul",
            BinOp::Div => "__div",
            BinOp::Lt | BinOp::Gt | BinOp::Leq | BinOp::Geq => "__lessThan",
            _ => return Ok(None),
        };
        Ok(self.lexical_operator(name, span)?.map(|func| OverriddenOperator { op, span, func }))
    }

    /// Reports a linted literal: a warning on standard error, or an error.
    fn lint(&self, level: Lint, span: Span, message: String) -> Result<(), LowerError> {
        match level {
            Lint::Off => Ok(()),
            Lint::Fatal => Err(LowerError { span, message }),
            Lint::Warn => {
                eprint!("{}", crate::diag::render::render_warning_at(&message, span));
                Ok(())
            }
        }
    }

    fn lint_path(&self, text: &str, span: Span) -> Result<(), LowerError> {
        if text.starts_with('/') {
            self.lint(
                self.lints.absolute_path,
                span,
                format!("absolute path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter (lint-absolute-path-literals)"),
            )
        } else if text.starts_with('~') {
            self.lint(
                self.lints.absolute_path,
                span,
                format!("home path literals are not portable. Consider replacing path literal '{text}' by a string, relative path, or parameter (lint-absolute-path-literals)"),
            )
        } else if !text.starts_with('.') {
            self.lint(
                self.lints.short_path,
                span,
                format!("relative path literal '{text}' should be prefixed with '.' for clarity: './{text}' (lint-short-path-literals)"),
            )
        } else {
            Ok(())
        }
    }

    fn resolve_path(&self, text: &str, span: Span) -> Result<String, LowerError> {
        let trailing_slash = text.len() > 1 && text.ends_with('/');
        let mut path = if let Some(rest) = text.strip_prefix('~') {
            let home = self.home.as_deref().ok_or_else(|| LowerError {
                span,
                message: format!("cannot resolve '{text}': the HOME environment variable is not set"),
            })?;
            canonicalize(&format!("{home}/{rest}"))
        } else if text.starts_with('/') {
            canonicalize(text)
        } else {
            canonicalize(&format!("{}/{text}", self.base_dir))
        };
        if trailing_slash && !path.ends_with('/') {
            path.push('/');
        }
        Ok(path)
    }

    fn lower_expr(&mut self, e: &Expr) -> Result<Ir, LowerError> {
        Ok(match e {
            Expr::Int(n) => Ir::Const(Value::Int(*n)),
            Expr::Float(f) => Ir::Const(Value::Float(*f)),
            Expr::Str(s) => Ir::Const(Value::string(s.as_slice())),
            Expr::Path { span, text } => {
                self.lint_path(text, *span)?;
                Ir::Const(Value::path(self.resolve_path(text, *span)?))
            }
            Expr::Uri { span, text } => {
                let fatal = self.lints.url == Lint::Fatal;
                self.lint(
                    self.lints.url,
                    *span,
                    format!(
                        "URL literals are {}. Consider using a string literal \"{text}\" instead (lint-url-literals)",
                        if fatal { "disallowed" } else { "discouraged" }
                    ),
                )?;
                Ir::Const(Value::string(text.as_str()))
            }
            Expr::Interp { span, parts, force_string } => Ir::Concat {
                span: *span,
                parts: parts.iter().map(|p| self.lower(p)).collect::<Result<_, _>>()?,
                force_string: *force_string,
            },
            Expr::Var { span, name } => self.resolve(*name, *span, 0)?,
            Expr::CurPos(span) => Ir::Const(cur_pos(*span)),
            Expr::Select { span, expr, path, default } => {
                let expr = self.lower(expr)?;
                let path = self.lower_path(path)?;
                if let Some(v) = fold_constant_select(&expr, &path) {
                    return Ok(Ir::Const(v));
                }
                Ir::Select {
                    span: *span,
                    expr: Box::new(expr),
                    path,
                    default: match default {
                        Some(d) => Some(Box::new(self.lower(d)?)),
                        None => None,
                    },
                }
            }
            Expr::HasAttr { expr, path, .. } => {
                Ir::HasAttr { expr: Box::new(self.lower(expr)?), path: self.lower_path(path)? }
            }
            Expr::Apply { span, .. } => {
                let mut args = Vec::new();
                let mut head = e;
                while let Expr::Apply { func, arg, .. } = head {
                    args.push(arg.as_ref());
                    head = func;
                }
                args.reverse();
                Ir::Call {
                    span: *span,
                    func: Box::new(self.lower(head)?),
                    args: args.into_iter().map(|a| self.lower_delayed(a)).collect::<Result<_, _>>()?,
                }
            }
            Expr::Lambda(l) => self.lower_lambda_value(l, None)?,
            Expr::Let { binds, body, .. } => self.lower_let(binds, body)?,
            Expr::Attrs { span, rec, binds } => self.lower_attrs(*span, *rec, binds)?,
            Expr::List { items, .. } => {
                Ir::List(items.iter().map(|i| self.lower_delayed(i)).collect::<Result<_, _>>()?)
            }
            Expr::If { span, cond, then, else_ } => Ir::If {
                span: *span,
                cond: Box::new(self.lower(cond)?),
                then: Box::new(self.lower(then)?),
                else_: Box::new(self.lower(else_)?),
            },
            Expr::Assert { span, cond, body } => Ir::Assert {
                span: cond.span().unwrap_or(*span),
                cond: Box::new(self.lower(cond)?),
                body: Box::new(self.lower(body)?),
                text: self.assertion_text(cond),
            },
            Expr::With { scope, body, .. } => {
                let scope = self.lower_delayed(scope)?;
                self.push(ScopeKind::With, []);
                let body = self.lower(body);
                self.pop();
                Ir::With { scope: Box::new(scope), body: Box::new(body?) }
            }
            Expr::BinOp { span, op, lhs, rhs } => match self.overridden_operator(*op, *span)? {
                Some(overridden) => overridden.lower(self, lhs, rhs)?,
                None => {
                    Ir::BinOp { span: *span, op: *op, lhs: Box::new(self.lower(lhs)?), rhs: Box::new(self.lower(rhs)?) }
                }
            },
            Expr::Not { span, expr } => Ir::Not { span: *span, expr: Box::new(self.lower(expr)?) },
            Expr::Neg { span, expr } => match self.lexical_operator("__sub", *span)? {
                // CppNix reads `-e` as `__sub 0 e`.
                Some(sub) => Ir::Call {
                    span: *span,
                    func: Box::new(sub),
                    args: Box::new([Ir::Const(Value::Int(0)), self.lower(expr)?]),
                },
                None => Ir::Neg { span: *span, expr: Box::new(self.lower(expr)?) },
            },
        })
    }

    fn lower_path(&mut self, path: &[AttrName]) -> Result<Box<[AttrKey]>, LowerError> {
        path.iter()
            .map(|n| {
                Ok(match n {
                    AttrName::Static(s) => AttrKey::Static(*s),
                    AttrName::Dynamic(e) => AttrKey::Dynamic(self.lower(e)?),
                })
            })
            .collect()
    }

    /// The condition of an assertion as its failure message quotes it, cut short past the
    /// limits above.
    fn assertion_text(&mut self, cond: &Expr) -> Box<str> {
        let text = show::show_at_most(cond, MAX_ASSERTION_TEXT.min(self.assertion_text_left));
        self.assertion_text_left = self.assertion_text_left.saturating_sub(text.len());
        text.into_boxed_str()
    }

    fn lower_lambda(&mut self, l: &ast::Lambda, name: Option<Symbol>) -> Result<LambdaIr, LowerError> {
        match &l.param {
            Param::Ident(arg) => {
                self.push(ScopeKind::Lexical, [*arg]);
                // A curried function's inner lambdas carry its name, as CppNix names them.
                let body = self.lower_named(&l.body, name);
                self.pop();
                Ok(LambdaIr { span: l.span, name, param: ParamIr::Ident(*arg), frame_size: 1, body: body? })
            }
            Param::Pattern { formals, ellipsis, bind } => {
                let mut names: Vec<Symbol> = formals.iter().map(|f| f.name).collect();
                if let Some(b) = bind {
                    names.push(*b);
                }
                let frame_size = names.len() as u32;
                self.push(ScopeKind::Lexical, names);
                let result = (|| {
                    let formals_ir = formals
                        .iter()
                        .map(|f| {
                            Ok(FormalIr {
                                name: f.name,
                                span: f.span,
                                default: match &f.default {
                                    Some(d) => Some(self.lower_delayed(d)?),
                                    None => None,
                                },
                            })
                        })
                        .collect::<Result<Box<[_]>, LowerError>>()?;
                    let body = self.lower_named(&l.body, name)?;
                    Ok((formals_ir, body))
                })();
                self.pop();
                let (formals_ir, body) = result?;
                let mut sorted_names: Vec<Symbol> = formals.iter().map(|f| f.name).collect();
                sorted_names.sort();
                Ok(LambdaIr {
                    span: l.span,
                    name,
                    param: ParamIr::Pattern(PatternIr {
                        formals: formals_ir,
                        sorted_names: sorted_names.into_boxed_slice(),
                        ellipsis: *ellipsis,
                        bind: bind.map(|_| frame_size - 1),
                        bind_name: *bind,
                    }),
                    frame_size,
                    body,
                })
            }
        }
    }

    /// Lowers a binding's value (which the machine delays); `source_slot_base` is where
    /// `inherit (e)` sources start in the current frame.
    fn lower_binding(
        &mut self,
        name: Symbol,
        def: &ast::AttrDef,
        inherit_skip: usize,
        source_slot_base: u32,
        in_new_frame: bool,
    ) -> Result<Ir, LowerError> {
        let region = self.begin_region();
        let value = match def.kind {
            AttrKind::Plain => {
                // `b = c;` with `c` an alias: a cycle through `c` passes through another
                // binding's thunk, so the binding names `c` for the cycle report.
                let via = match &def.value {
                    Expr::Var { name: var, .. } if in_new_frame => {
                        self.alias_frames.last().filter(|aliases| aliases.contains(var)).map(|_| *var)
                    }
                    _ => None,
                };
                let value = match &def.value {
                    Expr::Lambda(l) => Ir::Lambda(Box::new(self.lower_lambda(l, Some(name))?)),
                    other => self.lower(other)?,
                };
                Ok(match value {
                    // A variable of the frame being built stays a thunk (it may name a slot
                    // not written yet), and gets a name for recursion reports.
                    v @ (Ir::Const(_) | Ir::Lambda(_)) => v,
                    v @ Ir::Var { depth, .. } if depth > 0 || !in_new_frame => v,
                    body => Ir::Binding { name, span: def.span, body: Box::new(body), via },
                })
            }
            AttrKind::Inherited => self.resolve(name, def.span, inherit_skip),
            AttrKind::InheritedFrom { from } => {
                // The source is a slot of the current frame.
                self.touch(0);
                Ok(Ir::Select {
                    span: def.span,
                    expr: Box::new(Ir::Var { depth: 0, slot: source_slot_base + from as u32 }),
                    path: Box::new([AttrKey::Static(name)]),
                    default: None,
                })
            }
        }?;
        Ok(self.end_region(region, value))
    }

    fn lower_let(&mut self, binds: &Binds, body: &Expr) -> Result<Ir, LowerError> {
        let names: Vec<Symbol> = binds.attrs.keys().copied().collect();
        let count = names.len() as u32;
        self.alias_frames.push(aliases(binds.attrs.iter().map(|(name, def)| (*name, def))));
        self.push(ScopeKind::Lexical, names);
        let result = (|| {
            // The sources of `inherit (e)` first, so that names inherited from a constant
            // (`inherit (builtins) head;`) are known to be constants too.
            let sources: Vec<Ir> =
                binds.inherit_from.iter().map(|s| self.lower_delayed(s)).collect::<Result<_, _>>()?;
            let mut slots = Vec::with_capacity(binds.attrs.len() + sources.len());
            for (name, def) in &binds.attrs {
                let from_constant = match def.kind {
                    AttrKind::InheritedFrom { from } => {
                        fold_constant_select(&sources[from], &[AttrKey::Static(*name)]).map(Ir::Const)
                    }
                    _ => None,
                };
                let value = match from_constant {
                    Some(v) => v,
                    None => self.lower_binding(*name, def, 1, count, true)?,
                };
                // Uses lowered from here on read the constant itself (bindings are lowered
                // in source order, so `b = builtins;` at the top of a `let` serves the rest).
                if let Ir::Const(v) = &value {
                    self.scopes.last_mut().expect("the let's scope").constants.insert(*name, v.clone());
                }
                slots.push(value);
            }
            slots.extend(sources);
            let body = self.lower(body)?;
            Ok(Ir::Let { bindings: slots.into_boxed_slice(), body: Box::new(body) })
        })();
        self.pop();
        self.alias_frames.pop();
        result
    }

    fn lower_attrs(&mut self, span: Span, rec: bool, binds: &Binds) -> Result<Ir, LowerError> {
        let mut order: Vec<(&Symbol, &ast::AttrDef)> = binds.attrs.iter().collect();
        order.sort_by_key(|(name, _)| **name);
        let needs_frame = rec || !binds.inherit_from.is_empty();
        let sources: Box<[Ir]>;
        if rec {
            self.push(ScopeKind::Lexical, order.iter().map(|(n, _)| **n));
            sources = match binds.inherit_from.iter().map(|s| self.lower_delayed(s)).collect() {
                Ok(s) => s,
                Err(e) => {
                    self.pop();
                    return Err(e);
                }
            };
        } else {
            sources = binds.inherit_from.iter().map(|s| self.lower_delayed(s)).collect::<Result<_, _>>()?;
            if needs_frame {
                self.push(ScopeKind::Anonymous, []);
            }
        }
        let source_base = if rec { order.len() as u32 } else { 0 };
        self.alias_frames.push(if rec { aliases(order.iter().map(|(name, def)| (**name, *def))) } else { Vec::new() });
        let result = (|| {
            let mut statics = Vec::with_capacity(order.len());
            for (name, def) in &order {
                let value = self.lower_binding(**name, def, if rec { 1 } else { 0 }, source_base, rec)?;
                statics.push(StaticAttr { name: **name, pos: intern_pos(def.span), value });
            }
            let mut dynamics = Vec::with_capacity(binds.dynamic.len());
            for d in &binds.dynamic {
                dynamics.push(DynamicAttrIr {
                    span: d.span,
                    pos: intern_pos(d.span),
                    name: self.lower(&d.name)?,
                    value: self.lower_delayed(&d.value)?,
                });
            }
            Ok((statics, dynamics))
        })();
        self.alias_frames.pop();
        if needs_frame {
            self.pop();
        }
        let (statics, dynamics) = result?;
        Ok(Ir::Attrs(Box::new(AttrsIr {
            span,
            rec,
            sources,
            statics: statics.into_boxed_slice(),
            dynamics: dynamics.into_boxed_slice(),
        })))
    }
}

/// `builtins.map` and the like: a static path into a constant set (the builtins) whose
/// values along the way are already evaluated is itself a constant, so the lookup happens
/// once here instead of at every evaluation.
fn fold_constant_select(expr: &Ir, path: &[AttrKey]) -> Option<Value> {
    let Ir::Const(v) = expr else { return None };
    let mut v = v.clone();
    for key in path {
        let AttrKey::Static(name) = key else { return None };
        let Value::Attrs(a) = &v else { return None };
        let next = a.get(*name)?;
        if matches!(next, Value::Thunk(_)) {
            return None;
        }
        v = next.clone();
    }
    Some(v)
}

/// The value of `__curPos`: `{ file; line; column; }`.
fn cur_pos(span: Span) -> Value {
    let file = source(span.file);
    let (line, column) = file.line_col(span.start);
    let mut b = AttrsBuilder::with_capacity(3);
    b.insert_str("file", Value::string(file.real_name()));
    b.insert_str("line", Value::Int(line as i64));
    b.insert_str("column", Value::Int(column as i64));
    Value::attrs(b.finish())
}

#[cfg(test)]
mod tests {
    use super::canonicalize;

    #[test]
    fn canonical_paths() {
        assert_eq!(canonicalize("/a/./b/../c"), "/a/c");
        assert_eq!(canonicalize("/../a"), "/a");
        assert_eq!(canonicalize("//a//b/"), "/a/b");
        assert_eq!(canonicalize("/"), "/");
    }
}
