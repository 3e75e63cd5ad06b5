//! The abstract syntax tree, with byte spans, and the constructors grammar actions call.
//!
//! The tree keeps the surface structure (no name resolution). Two pieces of Nix's surface
//! semantics are settled here because CppNix settles them while parsing: nested attribute
//! paths (`a.b.c = 1; a.d = 2;`) are merged into nested attrsets, with Nix's
//! "already defined" errors, and indented strings have their indentation stripped.

use indexmap::IndexMap;

use crate::diag::source_map::{describe_position, Span};
use crate::symbol::Symbol;

#[derive(Debug, Clone)]
pub enum Expr {
    Int(i64),
    Float(f64),
    /// A string without interpolation.
    Str(Vec<u8>),
    /// String interpolation or path concatenation: `"a${b}"`, `./a/${b}`.
    /// `force_string` is true for `"…"` (the result is a string even if the first part is a
    /// path), false for interpolated path literals.
    Interp {
        span: Span,
        parts: Vec<Expr>,
        force_string: bool,
    },
    /// A path literal as written; resolved against the file's directory when lowered.
    Path {
        span: Span,
        text: String,
    },
    /// A URI literal (`https://x.org/a`): a string, kept apart for the URL-literal lint.
    Uri {
        span: Span,
        text: String,
    },
    Var {
        span: Span,
        name: Symbol,
    },
    CurPos(Span),
    Select {
        span: Span,
        expr: Box<Expr>,
        path: Vec<AttrName>,
        default: Option<Box<Expr>>,
    },
    HasAttr {
        span: Span,
        expr: Box<Expr>,
        path: Vec<AttrName>,
    },
    Apply {
        span: Span,
        func: Box<Expr>,
        arg: Box<Expr>,
    },
    Lambda(Box<Lambda>),
    Let {
        span: Span,
        binds: Box<Binds>,
        body: Box<Expr>,
    },
    Attrs {
        span: Span,
        rec: bool,
        binds: Box<Binds>,
    },
    List {
        span: Span,
        items: Vec<Expr>,
    },
    If {
        span: Span,
        cond: Box<Expr>,
        then: Box<Expr>,
        else_: Box<Expr>,
    },
    Assert {
        span: Span,
        cond: Box<Expr>,
        body: Box<Expr>,
    },
    With {
        span: Span,
        scope: Box<Expr>,
        body: Box<Expr>,
    },
    BinOp {
        span: Span,
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Not {
        span: Span,
        expr: Box<Expr>,
    },
    Neg {
        span: Span,
        expr: Box<Expr>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    Neq,
    Lt,
    Leq,
    Gt,
    Geq,
    And,
    Or,
    Impl,
    Update,
    Concat,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::Neq => "!=",
            BinOp::Lt => "<",
            BinOp::Leq => "<=",
            BinOp::Gt => ">",
            BinOp::Geq => ">=",
            BinOp::And => "&&",
            BinOp::Or => "||",
            BinOp::Impl => "->",
            BinOp::Update => "//",
            BinOp::Concat => "++",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }
}

#[derive(Debug, Clone)]
pub enum AttrName {
    Static(Symbol),
    Dynamic(Box<Expr>),
}

#[derive(Debug, Clone)]
pub struct Lambda {
    pub span: Span,
    pub param: Param,
    pub body: Expr,
}

#[derive(Debug, Clone)]
pub enum Param {
    Ident(Symbol),
    Pattern { formals: Vec<Formal>, ellipsis: bool, bind: Option<Symbol> },
}

#[derive(Debug, Clone)]
pub struct Formal {
    pub span: Span,
    pub name: Symbol,
    pub default: Option<Expr>,
}

/// How an attribute got its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttrKind {
    Plain,
    /// `inherit x;`: `x` is looked up in the scope *outside* a `rec`/`let`.
    Inherited,
    /// `inherit (e) x;`: selects `x` from the `from`-th inherit source.
    InheritedFrom {
        from: usize,
    },
}

#[derive(Debug, Clone)]
pub struct AttrDef {
    pub span: Span,
    pub kind: AttrKind,
    pub value: Expr,
}

#[derive(Debug, Clone)]
pub struct DynamicAttr {
    pub span: Span,
    pub name: Expr,
    pub value: Expr,
}

/// The bindings of an attrset or `let`.
#[derive(Debug, Clone, Default)]
pub struct Binds {
    pub attrs: IndexMap<Symbol, AttrDef>,
    pub dynamic: Vec<DynamicAttr>,
    /// The expressions of `inherit (e) …` clauses, in order.
    pub inherit_from: Vec<Expr>,
}

/// One binding as the grammar sees it, before merging.
pub enum BindItem {
    Attr { path: Vec<(AttrName, Span)>, value: Expr },
    Inherit(Vec<(Symbol, Span)>),
    InheritFrom { from: Expr, names: Vec<(Symbol, Span)> },
}

/// A parse-time error raised by a grammar action.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// An attribute path as its "already defined" errors name it: the static names, and
/// `None` for an interpolated one (shown as `"${...}"`). Kept apart from the path itself
/// so that building a set never has to copy an interpolated name's expression.
type PathNames = [Option<Symbol>];

fn path_names(path: &[(AttrName, Span)]) -> Vec<Option<Symbol>> {
    path.iter()
        .map(|(n, _)| match n {
            AttrName::Static(s) => Some(*s),
            AttrName::Dynamic(_) => None,
        })
        .collect()
}

fn show_path(path: &PathNames) -> String {
    path.iter()
        .map(|n| match n {
            Some(s) => s.as_str().into_owned(),
            None => "\"${...}\"".to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

fn already_defined(what: String, span: Span, previous: Span) -> SyntaxError {
    SyntaxError { span, message: format!("attribute '{what}' already defined at {}", describe_position(previous)) }
}

impl Binds {
    pub fn from_items(items: Vec<BindItem>) -> Result<Binds, SyntaxError> {
        let mut binds = Binds::default();
        for item in items {
            binds.add(item)?;
        }
        Ok(binds)
    }

    fn add(&mut self, item: BindItem) -> Result<(), SyntaxError> {
        match item {
            BindItem::Attr { path, value } => self.add_path(path, value),
            BindItem::Inherit(names) => {
                for (name, span) in names {
                    self.insert_inherited(name, span, AttrKind::Inherited, Expr::Var { span, name })?;
                }
                Ok(())
            }
            BindItem::InheritFrom { from, names } => {
                let index = self.inherit_from.len();
                self.inherit_from.push(from);
                for (name, span) in names {
                    // The value is filled in by lowering from `inherit_from[index]`.
                    self.insert_inherited(
                        name,
                        span,
                        AttrKind::InheritedFrom { from: index },
                        Expr::Var { span, name },
                    )?;
                }
                Ok(())
            }
        }
    }

    fn insert_inherited(&mut self, name: Symbol, span: Span, kind: AttrKind, value: Expr) -> Result<(), SyntaxError> {
        if let Some(prev) = self.attrs.get(&name) {
            return Err(already_defined(name.as_str().into_owned(), span, prev.span));
        }
        self.attrs.insert(name, AttrDef { span, kind, value });
        Ok(())
    }

    /// Adds `a.b.c = value`, creating or entering nested attrsets as CppNix does.
    fn add_path(&mut self, path: Vec<(AttrName, Span)>, value: Expr) -> Result<(), SyntaxError> {
        let full_span = path[0].1.to(path[path.len() - 1].1);
        let names = path_names(&path);
        let mut target: &mut Binds = self;
        let last = path.len() - 1;
        let mut components = path.into_iter().map(|(name, _)| name);
        for i in 0..last {
            match components.next().expect("a component before the last") {
                AttrName::Static(sym) => {
                    let exists = target.attrs.contains_key(&sym);
                    if !exists {
                        target.attrs.insert(
                            sym,
                            AttrDef {
                                span: full_span,
                                kind: AttrKind::Plain,
                                value: Expr::Attrs { span: full_span, rec: false, binds: Box::default() },
                            },
                        );
                    }
                    let def = target.attrs.get_mut(&sym).expect("just inserted");
                    match &mut def.value {
                        Expr::Attrs { binds, .. } if def.kind == AttrKind::Plain => target = binds,
                        _ => return Err(already_defined(show_path(&names[..=i]), full_span, def.span)),
                    }
                }
                AttrName::Dynamic(e) => {
                    let nested = DynamicAttr {
                        span: full_span,
                        name: *e,
                        value: Expr::Attrs { span: full_span, rec: false, binds: Box::default() },
                    };
                    target.dynamic.push(nested);
                    match &mut target.dynamic.last_mut().expect("just pushed").value {
                        Expr::Attrs { binds, .. } => target = binds,
                        _ => unreachable!("a fresh nested attrset"),
                    }
                }
            }
        }
        match components.next().expect("the last component") {
            AttrName::Static(sym) => target.insert_value(&names, sym, full_span, value),
            AttrName::Dynamic(e) => {
                target.dynamic.push(DynamicAttr { span: full_span, name: *e, value });
                Ok(())
            }
        }
    }

    /// Defines `sym = value`, merging two attrset literals as CppNix does
    /// (`a = { x = 1; }; a = { y = 2; };` is one attrset).
    fn insert_value(&mut self, path: &PathNames, sym: Symbol, span: Span, mut value: Expr) -> Result<(), SyntaxError> {
        let Some(existing) = self.attrs.get_mut(&sym) else {
            self.attrs.insert(sym, AttrDef { span, kind: AttrKind::Plain, value });
            return Ok(());
        };
        let prev_span = existing.span;
        match (&mut existing.value, &mut value) {
            (Expr::Attrs { binds: into, .. }, Expr::Attrs { binds: from, .. }) if existing.kind == AttrKind::Plain => {
                let from = *std::mem::take(from);
                let offset = into.inherit_from.len();
                into.inherit_from.extend(from.inherit_from);
                for (name, mut def) in from.attrs {
                    if let AttrKind::InheritedFrom { from } = &mut def.kind {
                        *from += offset;
                    }
                    let mut sub_path = path.to_vec();
                    sub_path.push(Some(name));
                    if def.kind == AttrKind::Plain {
                        into.insert_value(&sub_path, name, def.span, def.value)?;
                    } else if let Some(prev) = into.attrs.get(&name) {
                        return Err(already_defined(show_path(&sub_path), def.span, prev.span));
                    } else {
                        into.attrs.insert(name, def);
                    }
                }
                into.dynamic.extend(from.dynamic);
                Ok(())
            }
            _ => Err(already_defined(show_path(path), span, prev_span)),
        }
    }
}

/// Checks a formal parameter list for duplicates, as CppNix does at parse time.
pub fn validate_formals(formals: &[Formal], bind: Option<(Symbol, Span)>) -> Result<(), SyntaxError> {
    let mut sorted: Vec<&Formal> = formals.iter().collect();
    sorted.sort_by_key(|f| (f.name, f.span.start));
    let mut duplicate: Option<(u32, Symbol, Span)> = None;
    for pair in sorted.windows(2) {
        if pair[0].name == pair[1].name {
            let cand = (pair[1].span.start, pair[1].name, pair[1].span);
            if duplicate.is_none_or(|d| cand.0 < d.0) {
                duplicate = Some(cand);
            }
        }
    }
    if let Some((_, name, span)) = duplicate {
        return Err(SyntaxError { span, message: format!("duplicate formal function argument '{name}'") });
    }
    if let Some((name, span)) = bind {
        if formals.iter().any(|f| f.name == name) {
            return Err(SyntaxError { span, message: format!("duplicate formal function argument '{name}'") });
        }
    }
    Ok(())
}

/// One piece of an indented string before indentation stripping.
pub enum IndPart {
    Text { bytes: Vec<u8>, indented: bool },
    Interp(Expr),
}

/// Strips the common indentation of an indented string (Nix's rules: whitespace-only lines
/// do not count, an interpolation or escape ends a line's indentation, and a final line of
/// only spaces is dropped), then builds the string expression.
pub fn strip_indentation(span: Span, parts: Vec<IndPart>) -> Expr {
    if parts.is_empty() {
        return Expr::Str(Vec::new());
    }
    let mut at_line_start = true;
    let mut min_indent = usize::MAX;
    let mut cur_indent = 0usize;
    for part in &parts {
        match part {
            IndPart::Text { bytes, indented: true } => {
                for &c in bytes {
                    if at_line_start {
                        if c == b' ' {
                            cur_indent += 1;
                        } else if c == b'\n' {
                            cur_indent = 0;
                        } else {
                            at_line_start = false;
                            min_indent = min_indent.min(cur_indent);
                        }
                    } else if c == b'\n' {
                        at_line_start = true;
                        cur_indent = 0;
                    }
                }
            }
            _ => {
                if at_line_start {
                    at_line_start = false;
                    min_indent = min_indent.min(cur_indent);
                }
            }
        }
    }
    if min_indent == usize::MAX {
        min_indent = 1_000_000;
    }

    let mut out: Vec<Expr> = Vec::new();
    let mut at_line_start = true;
    let mut dropped = 0usize;
    let count = parts.len();
    for (index, part) in parts.into_iter().enumerate() {
        match part {
            IndPart::Interp(e) => {
                at_line_start = false;
                dropped = 0;
                out.push(e);
            }
            IndPart::Text { bytes, .. } => {
                let mut text = Vec::with_capacity(bytes.len());
                for c in bytes {
                    if at_line_start {
                        if c == b' ' {
                            if dropped >= min_indent {
                                text.push(c);
                            }
                            dropped += 1;
                        } else if c == b'\n' {
                            dropped = 0;
                            text.push(c);
                        } else {
                            at_line_start = false;
                            dropped = 0;
                            text.push(c);
                        }
                    } else {
                        text.push(c);
                        if c == b'\n' {
                            at_line_start = true;
                        }
                    }
                }
                if index == count - 1 {
                    if let Some(p) = text.iter().rposition(|&c| c == b'\n') {
                        if text[p + 1..].iter().all(|&c| c == b' ') {
                            text.truncate(p + 1);
                        }
                    }
                }
                if !text.is_empty() {
                    out.push(Expr::Str(text));
                }
            }
        }
    }
    match out.len() {
        0 => Expr::Str(Vec::new()),
        1 if matches!(out[0], Expr::Str(_)) => out.pop().expect("one element"),
        _ => Expr::Interp { span, parts: out, force_string: true },
    }
}

/// Builds a `"…"` string from its parts (each flagged literal or interpolated): a plain
/// literal when there is no interpolation. `"${"a"}"` stays an interpolation, as in CppNix
/// (which matters where only static names are allowed, such as `let`).
pub fn make_string(span: Span, mut parts: Vec<(Expr, bool)>) -> Expr {
    match parts.len() {
        0 => Expr::Str(Vec::new()),
        1 if parts[0].1 => parts.pop().expect("one element").0,
        _ => Expr::Interp { span, parts: parts.into_iter().map(|(e, _)| e).collect(), force_string: true },
    }
}

/// Turns the parts of a quoted attribute name into a static name when it has no
/// interpolation (`"a b" = 1;` is as static as `a = 1;`).
pub fn string_attr_name(e: Expr) -> AttrName {
    match &e {
        Expr::Str(bytes) => AttrName::Static(Symbol::intern_bytes(bytes)),
        _ => AttrName::Dynamic(Box::new(e)),
    }
}

pub fn apply(span: Span, func: Expr, arg: Expr) -> Expr {
    Expr::Apply { span, func: Box::new(func), arg: Box::new(arg) }
}

pub fn binop(span: Span, op: BinOp, lhs: Expr, rhs: Expr) -> Expr {
    Expr::BinOp { span, op, lhs: Box::new(lhs), rhs: Box::new(rhs) }
}

impl Expr {
    /// The span of the expression, where it has one (literals borrow their parent's).
    pub fn span(&self) -> Option<Span> {
        Some(match self {
            Expr::Int(_) | Expr::Float(_) | Expr::Str(_) => return None,
            Expr::Interp { span, .. }
            | Expr::Path { span, .. }
            | Expr::Uri { span, .. }
            | Expr::Var { span, .. }
            | Expr::Select { span, .. }
            | Expr::HasAttr { span, .. }
            | Expr::Apply { span, .. }
            | Expr::Let { span, .. }
            | Expr::Attrs { span, .. }
            | Expr::List { span, .. }
            | Expr::If { span, .. }
            | Expr::Assert { span, .. }
            | Expr::With { span, .. }
            | Expr::BinOp { span, .. }
            | Expr::Not { span, .. }
            | Expr::Neg { span, .. } => *span,
            Expr::CurPos(span) => *span,
            Expr::Lambda(l) => l.span,
        })
    }
}
