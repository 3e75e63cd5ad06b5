//! Prints an AST back as Nix text in CppNix's `show` format: fully parenthesised, with the
//! operators CppNix desugars shown desugared (`a - b` as `(__sub a b)`). Used by
//! `tern eval --parse` and in messages that quote an expression ("assertion '…' failed").

use std::fmt::Write;

use super::ast::{AttrKind, AttrName, BinOp, Binds, Expr, Param};
use crate::numfmt::format_g;

pub fn show(e: &Expr) -> String {
    show_at_most(e, usize::MAX)
}

/// Like `show`, but stops (with "…") once the text is longer than `limit` bytes: an
/// assertion's message quotes its condition, and a hostile condition can be megabytes.
pub fn show_at_most(e: &Expr, limit: usize) -> String {
    let mut out = Out { text: String::new(), limit };
    write_expr(&mut out, e);
    out.text
}

/// The text being written, and where to stop.
struct Out {
    text: String,
    limit: usize,
}

impl std::ops::Deref for Out {
    type Target = String;
    fn deref(&self) -> &String {
        &self.text
    }
}

impl std::ops::DerefMut for Out {
    fn deref_mut(&mut self) -> &mut String {
        &mut self.text
    }
}

/// A string literal as Nix prints it (escaping `"`, `\`, newline, CR, tab and `${`).
pub fn quote_string(out: &mut String, bytes: &[u8]) {
    out.push('"');
    let text = String::from_utf8_lossy(bytes);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn attr_path(out: &mut Out, path: &[AttrName]) {
    for (i, name) in path.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        match name {
            AttrName::Static(s) => out.push_str(&s.as_str()),
            AttrName::Dynamic(e) => {
                out.push_str("\"${");
                write_expr(out, e);
                out.push_str("}\"");
            }
        }
    }
}

fn call(out: &mut Out, f: &str, args: &[&Expr]) {
    out.push('(');
    out.push_str(f);
    for a in args {
        out.push(' ');
        write_expr(out, a);
    }
    out.push(')');
}

fn write_binds(out: &mut Out, binds: &Binds) {
    let mut sorted: Vec<_> = binds.attrs.iter().collect();
    sorted.sort_by(|a, b| a.0.bytes().cmp(b.0.bytes()));
    let inherits: Vec<_> = sorted.iter().filter(|(_, d)| d.kind == AttrKind::Inherited).collect();
    if !inherits.is_empty() {
        out.push_str("inherit");
        for (name, _) in inherits {
            let _ = write!(out, " {name}");
        }
        out.push_str("; ");
    }
    for (index, from) in binds.inherit_from.iter().enumerate() {
        let names: Vec<_> = sorted.iter().filter(|(_, d)| d.kind == AttrKind::InheritedFrom { from: index }).collect();
        if names.is_empty() {
            continue;
        }
        out.push_str("inherit (");
        write_expr(out, from);
        out.push(')');
        for (name, _) in names {
            let _ = write!(out, " {name}");
        }
        out.push_str("; ");
    }
    for (name, def) in &sorted {
        if def.kind == AttrKind::Plain {
            let _ = write!(out, "{name} = ");
            write_expr(out, &def.value);
            out.push_str("; ");
        }
    }
    for d in &binds.dynamic {
        out.push_str("\"${");
        write_expr(out, &d.name);
        out.push_str("}\" = ");
        write_expr(out, &d.value);
        out.push_str("; ");
    }
}

fn flatten_apply<'e>(mut e: &'e Expr, args: &mut Vec<&'e Expr>) -> &'e Expr {
    let first = args.len();
    while let Expr::Apply { func, arg, .. } = e {
        args.push(arg);
        e = func;
    }
    args[first..].reverse();
    e
}

fn write_expr(out: &mut Out, e: &Expr) {
    if out.len() > out.limit {
        if !out.ends_with('…') {
            out.push('…');
        }
        return;
    }
    // As deep as the source nests (bounded by `nesting::MAX_NESTING`): grow the stack.
    crate::eval::stack::maybe_grow(64 * 1024, 4 * 1024 * 1024, || write_node(out, e))
}

fn write_node(out: &mut Out, e: &Expr) {
    match e {
        Expr::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Expr::Float(f) => out.push_str(&format_g(*f)),
        Expr::Str(s) => quote_string(out, s),
        Expr::Path { text, .. } => out.push_str(text),
        Expr::Uri { text, .. } => quote_string(out, text.as_bytes()),
        Expr::Var { name, .. } => out.push_str(&name.as_str()),
        Expr::CurPos(_) => out.push_str("__curPos"),
        Expr::Interp { parts, .. } => {
            out.push('(');
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(" + ");
                }
                write_expr(out, p);
            }
            out.push(')');
        }
        Expr::Select { expr, path, default, .. } => {
            out.push('(');
            write_expr(out, expr);
            out.push_str(").");
            attr_path(out, path);
            if let Some(d) = default {
                out.push_str(" or (");
                write_expr(out, d);
                out.push(')');
            }
        }
        Expr::HasAttr { expr, path, .. } => {
            out.push_str("((");
            write_expr(out, expr);
            out.push_str(") ? ");
            attr_path(out, path);
            out.push(')');
        }
        Expr::Apply { .. } => {
            let mut args = Vec::new();
            let head = flatten_apply(e, &mut args);
            out.push('(');
            write_expr(out, head);
            for a in args {
                out.push(' ');
                write_expr(out, a);
            }
            out.push(')');
        }
        Expr::Lambda(l) => {
            out.push('(');
            match &l.param {
                Param::Ident(name) => out.push_str(&name.as_str()),
                Param::Pattern { formals, ellipsis, bind } => {
                    out.push_str("{ ");
                    let mut sorted: Vec<_> = formals.iter().collect();
                    sorted.sort_by(|a, b| a.name.bytes().cmp(b.name.bytes()));
                    for (i, f) in sorted.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        out.push_str(&f.name.as_str());
                        if let Some(d) = &f.default {
                            out.push_str(" ? ");
                            write_expr(out, d);
                        }
                    }
                    if *ellipsis {
                        if !formals.is_empty() {
                            out.push_str(", ");
                        }
                        out.push_str("...");
                    }
                    out.push_str(" }");
                    if let Some(b) = bind {
                        let _ = write!(out, " @ {b}");
                    }
                }
            }
            out.push_str(": ");
            write_expr(out, &l.body);
            out.push(')');
        }
        Expr::Let { binds, body, .. } => {
            out.push_str("(let ");
            write_binds(out, binds);
            out.push_str("in ");
            write_expr(out, body);
            out.push(')');
        }
        Expr::Attrs { rec, binds, .. } => {
            if *rec {
                out.push_str("rec ");
            }
            out.push_str("{ ");
            write_binds(out, binds);
            out.push('}');
        }
        Expr::List { items, .. } => {
            out.push_str("[ ");
            for i in items {
                out.push('(');
                write_expr(out, i);
                out.push_str(") ");
            }
            out.push(']');
        }
        Expr::If { cond, then, else_, .. } => {
            out.push_str("(if ");
            write_expr(out, cond);
            out.push_str(" then ");
            write_expr(out, then);
            out.push_str(" else ");
            write_expr(out, else_);
            out.push(')');
        }
        Expr::Assert { cond, body, .. } => {
            out.push_str("assert ");
            write_expr(out, cond);
            out.push_str("; ");
            write_expr(out, body);
        }
        Expr::With { scope, body, .. } => {
            out.push_str("(with ");
            write_expr(out, scope);
            out.push_str("; ");
            write_expr(out, body);
            out.push(')');
        }
        Expr::Not { expr, .. } => {
            out.push_str("(! ");
            write_expr(out, expr);
            out.push(')');
        }
        Expr::Neg { expr, .. } => call(out, "__sub", &[&Expr::Int(0), expr]),
        Expr::BinOp { op, lhs, rhs, .. } => match op {
            BinOp::Sub => call(out, "__sub", &[lhs, rhs]),
            BinOp::Mul => call(out, "__mul", &[lhs, rhs]),
            BinOp::Div => call(out, "__div", &[lhs, rhs]),
            BinOp::Lt => call(out, "__lessThan", &[lhs, rhs]),
            BinOp::Gt => call(out, "__lessThan", &[rhs, lhs]),
            BinOp::Leq => {
                out.push_str("(! ");
                call(out, "__lessThan", &[rhs, lhs]);
                out.push(')');
            }
            BinOp::Geq => {
                out.push_str("(! ");
                call(out, "__lessThan", &[lhs, rhs]);
                out.push(')');
            }
            _ => {
                out.push('(');
                write_expr(out, lhs);
                let _ = write!(out, " {} ", op.symbol());
                write_expr(out, rhs);
                out.push(')');
            }
        },
    }
}
