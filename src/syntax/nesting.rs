//! How deep a syntax tree nests, and taking one apart without native recursion.
//!
//! Everything after parsing (lowering, `--parse` printing, evaluation) walks the tree
//! recursively, growing the stack on the heap as it goes, so its memory is proportional to
//! the nesting depth. A hostile file (a megabyte of `[`) would make that memory arbitrary:
//! `check_depth` refuses trees nested deeper than `MAX_NESTING` right after parsing, the
//! way CppNix reports a stack overflow for them. Freeing a tree, deep or not, goes through
//! `Expr`'s `Drop`, which moves the children onto an explicit work list instead of
//! recursing (the parser may drop a too-deep tree itself when the input has a syntax error
//! after it).

use super::ast::{AttrName, Expr, Param, SyntaxError};

/// The deepest nesting accepted. CppNix evaluates 100,000 nested `if … then` and 70,000
/// component attribute paths, so tern must too; beyond a few hundred thousand levels the
/// stack the later passes need (grown on the heap) would reach gigabytes.
pub const MAX_NESTING: usize = 200_000;

/// Calls `f` on each direct sub-expression of `e`.
fn for_each_child<'e>(e: &'e Expr, mut f: impl FnMut(&'e Expr)) {
    let path = |names: &'e [AttrName], f: &mut dyn FnMut(&'e Expr)| {
        for name in names {
            if let AttrName::Dynamic(e) = name {
                f(e);
            }
        }
    };
    match e {
        Expr::Int(_)
        | Expr::Float(_)
        | Expr::Str(_)
        | Expr::Path { .. }
        | Expr::Uri { .. }
        | Expr::Var { .. }
        | Expr::CurPos(_) => {}
        Expr::Interp { parts, .. } => parts.iter().for_each(f),
        Expr::List { items, .. } => items.iter().for_each(f),
        Expr::Select { expr, path: names, default, .. } => {
            f(expr);
            path(names, &mut f);
            if let Some(d) = default {
                f(d);
            }
        }
        Expr::HasAttr { expr, path: names, .. } => {
            f(expr);
            path(names, &mut f);
        }
        Expr::Apply { func, arg, .. } => {
            f(func);
            f(arg);
        }
        Expr::Lambda(l) => {
            if let Param::Pattern { formals, .. } = &l.param {
                formals.iter().filter_map(|formal| formal.default.as_ref()).for_each(&mut f);
            }
            f(&l.body);
        }
        Expr::Let { binds, body, .. } => {
            binds.attrs.values().for_each(|def| f(&def.value));
            binds.dynamic.iter().for_each(|d| {
                f(&d.name);
                f(&d.value)
            });
            binds.inherit_from.iter().for_each(&mut f);
            f(body);
        }
        Expr::Attrs { binds, .. } => {
            binds.attrs.values().for_each(|def| f(&def.value));
            binds.dynamic.iter().for_each(|d| {
                f(&d.name);
                f(&d.value)
            });
            binds.inherit_from.iter().for_each(&mut f);
        }
        Expr::If { cond, then, else_, .. } => {
            f(cond);
            f(then);
            f(else_);
        }
        Expr::Assert { cond, body, .. } => {
            f(cond);
            f(body);
        }
        Expr::With { scope, body, .. } => {
            f(scope);
            f(body);
        }
        Expr::BinOp { lhs, rhs, .. } => {
            f(lhs);
            f(rhs);
        }
        Expr::Not { expr, .. } | Expr::Neg { expr, .. } => f(expr),
    }
}

/// Refuses a tree nested more than `MAX_NESTING` levels deep, pointing at the innermost
/// expression that still has a position (an explicit stack, not recursion, walks it).
pub fn check_depth(root: &Expr, fallback: super::Span) -> Result<(), SyntaxError> {
    // (expression, its depth, the nearest span at or above it)
    let mut work: Vec<(&Expr, usize, super::Span)> = vec![(root, 1, root.span().unwrap_or(fallback))];
    while let Some((e, depth, span)) = work.pop() {
        if depth > MAX_NESTING {
            return Err(SyntaxError {
                span,
                message: format!(
                    "stack overflow; the expression is nested more than {MAX_NESTING} levels deep (possible infinite \
                     recursion)"
                ),
            });
        }
        for_each_child(e, |child| work.push((child, depth + 1, child.span().unwrap_or(span))));
    }
    Ok(())
}

/// True when `e` owns no sub-expression, so dropping it cannot recurse.
fn is_leaf(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Int(_)
            | Expr::Float(_)
            | Expr::Str(_)
            | Expr::Path { .. }
            | Expr::Uri { .. }
            | Expr::Var { .. }
            | Expr::CurPos(_)
    )
}

/// A placeholder left where a child was moved out (a leaf: dropping it does nothing).
fn hole() -> Expr {
    Expr::Int(0)
}

/// Moves the direct sub-expressions of `e` onto `work`, leaving leaves behind.
fn take_children(e: &mut Expr, work: &mut Vec<Expr>) {
    let take = |b: &mut Expr, work: &mut Vec<Expr>| {
        if !is_leaf(b) {
            work.push(std::mem::replace(b, hole()));
        }
    };
    let take_path = |names: &mut Vec<AttrName>, work: &mut Vec<Expr>| {
        for name in names.iter_mut() {
            if let AttrName::Dynamic(e) = name {
                take(e, work);
            }
        }
    };
    match e {
        Expr::Int(_)
        | Expr::Float(_)
        | Expr::Str(_)
        | Expr::Path { .. }
        | Expr::Uri { .. }
        | Expr::Var { .. }
        | Expr::CurPos(_) => {}
        Expr::Interp { parts: items, .. } | Expr::List { items, .. } => work.append(items),
        Expr::Select { expr, path, default, .. } => {
            take(expr, work);
            take_path(path, work);
            if let Some(d) = default {
                take(d, work);
            }
        }
        Expr::HasAttr { expr, path, .. } => {
            take(expr, work);
            take_path(path, work);
        }
        Expr::Apply { func: a, arg: b, .. }
        | Expr::BinOp { lhs: a, rhs: b, .. }
        | Expr::Assert { cond: a, body: b, .. }
        | Expr::With { scope: a, body: b, .. } => {
            take(a, work);
            take(b, work);
        }
        Expr::Lambda(l) => {
            if let Param::Pattern { formals, .. } = &mut l.param {
                for formal in formals.iter_mut() {
                    if let Some(d) = &mut formal.default {
                        take(d, work);
                    }
                }
            }
            take(&mut l.body, work);
        }
        Expr::Let { binds, body, .. } => {
            take(body, work);
            take_binds(binds, work);
        }
        Expr::Attrs { binds, .. } => take_binds(binds, work),
        Expr::If { cond, then, else_, .. } => {
            take(cond, work);
            take(then, work);
            take(else_, work);
        }
        Expr::Not { expr, .. } | Expr::Neg { expr, .. } => take(expr, work),
    }
}

fn take_binds(binds: &mut super::ast::Binds, work: &mut Vec<Expr>) {
    work.extend(binds.attrs.drain(..).map(|(_, def)| def.value).filter(|v| !is_leaf(v)));
    for d in binds.dynamic.drain(..) {
        work.push(d.name);
        work.push(d.value);
    }
    work.append(&mut binds.inherit_from);
}

impl Drop for Expr {
    fn drop(&mut self) {
        if is_leaf(self) {
            return;
        }
        let mut work = Vec::new();
        take_children(self, &mut work);
        while let Some(mut e) = work.pop() {
            take_children(&mut e, &mut work);
            // `e` is now childless: its own drop returns at once.
        }
    }
}
