//! The printer of `nix repl` and `builtins.trace` (CppNix's `print.cc`), as opposed to the
//! `nix-instantiate --eval` printer in `print.rs`.
//!
//! What it shows: values already evaluated as Nix text; unevaluated ones as `«thunk»` (or
//! forced first, with `force`; list and set literals, whose evaluation runs no code, are
//! evaluated with `peek_literals`); a thunk being forced as `«potential infinite recursion»`;
//! functions as `«lambda NAME @ file:line:col»`, `«primop map»`, `«partially applied
//! primop map»`; a set with `type = "derivation"` as `«derivation /nix/store/….drv»`
//! (forcing only `type` and `drvPath`); a non-empty set or list printed before in the same
//! output as `«repeated»`; sets and lists nested deeper than `max_depth` as `{ ... }` and
//! `[ ... ]`. With `pretty`, a set or list of more than one item (or of one nested item) is
//! written over several lines, two spaces per level, as current Nix does.
//!
//! Errors met below the top level print as `«error: message»`; an error of the top-level
//! value itself, an interruption (Ctrl-C) and an overly deep value are returned instead, so
//! the caller shows them as full diagnostics.

use crate::eval::shared::Shared;
use std::collections::HashSet;

use crate::numfmt::format_g;

use super::error::{ErrorKind, EvalError, EvalResult};
use super::ir::Ir;
use super::print::quote_bytes;
use super::thunk::Pending;
use super::value::Value;
use super::Evaluator;

/// How `Evaluator::print_pretty` prints.
#[derive(Clone, Debug)]
pub struct PrintOptions {
    /// Force unevaluated values (`:p`); otherwise they print as `«thunk»`.
    pub force: bool,
    /// Sets and lists nested deeper than this print as `{ ... }` and `[ ... ]`.
    pub max_depth: usize,
    /// Several lines, indented, for sets and lists with more than one item.
    pub pretty: bool,
    /// ANSI colours, as `nix repl` uses them.
    pub colors: bool,
    /// Print derivations as `«derivation /nix/store/….drv»`.
    pub derivation_paths: bool,
    /// Evaluate unevaluated list and attribute set literals (which runs no user code and
    /// cannot fail) instead of showing them as `«thunk»`.
    pub peek_literals: bool,
}

impl PrintOptions {
    /// `builtins.trace`: one line, nothing forced, derivations shown as sets.
    pub fn trace() -> PrintOptions {
        PrintOptions {
            force: false,
            max_depth: usize::MAX,
            pretty: false,
            colors: false,
            derivation_paths: false,
            peek_literals: false,
        }
    }

    /// A REPL result: the top level (already forced) and the values inside it that are
    /// already evaluated (or are literals); nested sets and lists as `{ ... }` and
    /// `[ ... ]`.
    pub fn repl(colors: bool) -> PrintOptions {
        PrintOptions { force: false, max_depth: 1, pretty: true, colors, derivation_paths: true, peek_literals: true }
    }

    /// `:p`: everything, forced.
    pub fn repl_deep(colors: bool) -> PrintOptions {
        PrintOptions {
            force: true,
            max_depth: usize::MAX,
            pretty: true,
            colors,
            derivation_paths: true,
            peek_literals: true,
        }
    }
}

const NORMAL: &str = "\x1b[0m";
const RED: &str = "\x1b[31;1m";
const GREEN: &str = "\x1b[32;1m";
const BLUE: &str = "\x1b[34;1m";
const MAGENTA: &str = "\x1b[35;1m";
const CYAN: &str = "\x1b[36;1m";

impl Evaluator {
    /// Renders a value as `nix repl` and `builtins.trace` show it (see the module header).
    pub fn print_pretty(&self, v: &Value, options: &PrintOptions) -> EvalResult<Vec<u8>> {
        let mut p = Printer { ev: self, options, out: Vec::new(), seen: HashSet::new(), indent: 0 };
        p.print(v, 0)?;
        Ok(p.out)
    }
}

/// Whether a name can be written bare as an attribute name (else it is quoted).
pub fn is_var_name(s: &str) -> bool {
    let Some(first) = s.bytes().next() else { return false };
    if first.is_ascii_digit() || first == b'-' || first == b'\'' {
        return false;
    }
    if matches!(s, "if" | "then" | "else" | "assert" | "with" | "let" | "in" | "rec" | "inherit") {
        return false;
    }
    s.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'\''))
}

struct Printer<'a> {
    ev: &'a Evaluator,
    options: &'a PrintOptions,
    out: Vec<u8>,
    seen: HashSet<usize>,
    indent: usize,
}

impl Printer<'_> {
    fn push(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    fn colored(&mut self, color: &str, text: &str) {
        if self.options.colors {
            self.push(color);
            self.push(text);
            self.push(NORMAL);
        } else {
            self.push(text);
        }
    }

    /// A separator: a space, or with pretty-printing a new line at the current indentation.
    fn space(&mut self, pretty: bool) {
        if pretty {
            self.out.push(b'\n');
            self.out.extend(std::iter::repeat_n(b' ', self.indent));
        } else {
            self.out.push(b' ');
        }
    }

    fn print(&mut self, v: &Value, depth: usize) -> EvalResult<()> {
        self.ev.check_interrupt()?;
        if depth > self.ev.settings.max_call_depth as usize {
            return Err(EvalError::new(
                ErrorKind::StackOverflow,
                "stack overflow; max-call-depth exceeded while printing a value",
                None,
            ));
        }
        let v = match v {
            Value::Thunk(t) => match t.value() {
                Some(inner) => inner.clone(),
                None if t.is_blackhole() => {
                    self.colored(RED, "«potential infinite recursion»");
                    return Ok(());
                }
                None if self.options.force || self.is_literal(t) => match self.ev.force(v) {
                    Ok(inner) => inner,
                    Err(e) => return self.nested_error(e, depth),
                },
                None => {
                    self.colored(MAGENTA, "«thunk»");
                    return Ok(());
                }
            },
            other => other.clone(),
        };
        match &v {
            Value::Null => self.colored(CYAN, "null"),
            Value::Bool(b) => self.colored(CYAN, if *b { "true" } else { "false" }),
            Value::Int(i) => self.colored(CYAN, &i.to_string()),
            Value::Float(f) => self.colored(CYAN, &format_g(*f)),
            Value::String(s) => {
                if self.options.colors {
                    self.push(MAGENTA);
                }
                quote_bytes(&mut self.out, s.as_bytes());
                if self.options.colors {
                    self.push(NORMAL);
                }
            }
            Value::Path(p) => self.colored(GREEN, p),
            Value::Attrs(a) => return self.print_attrs(a, depth),
            Value::List(l) => return self.print_list(l, depth),
            Value::Lambda(c) => {
                let pos = crate::diag::source_map::describe_position(c.lambda.span);
                let text = match c.lambda.name {
                    Some(n) => format!("«lambda {n} @ {pos}»"),
                    None => format!("«lambda @ {pos}»"),
                };
                self.colored(BLUE, &text);
            }
            Value::PrimOp(p) => self.colored(BLUE, &format!("«primop {}»", p.name)),
            Value::PrimOpApp(p) => self.colored(BLUE, &format!("«partially applied primop {}»", p.op.name)),
            Value::Thunk(_) => self.colored(MAGENTA, "«thunk»"),
        }
        Ok(())
    }

    /// Whether an unevaluated thunk is a list or attribute set literal whose evaluation runs
    /// no code (its elements stay lazy) and cannot fail.
    fn is_literal(&self, t: &super::thunk::ThunkCell) -> bool {
        fn literal(ir: &Ir, overrides: crate::symbol::Symbol) -> bool {
            match ir {
                Ir::List(_) | Ir::Lambda(_) | Ir::Const(_) => true,
                // Dynamic names are evaluated, and `__overrides` is forced, when the set is made.
                Ir::Attrs(a) => a.dynamics.is_empty() && !a.statics.iter().any(|s| s.name == overrides),
                Ir::Binding { body, .. } => literal(body, overrides),
                _ => false,
            }
        }
        self.options.peek_literals
            && matches!(t.pending(), Some(Pending::Code(ir, _)) if literal(ir, self.ev.syms.overrides))
    }

    /// An error while forcing a value: shown in place below the top level, else returned.
    fn nested_error(&mut self, e: EvalError, depth: usize) -> EvalResult<()> {
        if depth == 0 || matches!(e.kind(), ErrorKind::Interrupted | ErrorKind::StackOverflow) {
            return Err(e);
        }
        let message = e.message().lines().next().unwrap_or("").to_string();
        self.colored(RED, &format!("«error: {message}»"));
        Ok(())
    }

    /// Whether the set is a derivation; forces only its `type`.
    fn is_derivation(&self, a: &super::attrs::Attrs) -> EvalResult<bool> {
        let Some(t) = a.get(self.ev.syms.type_) else { return Ok(false) };
        match self.ev.force(t) {
            Ok(Value::String(s)) => Ok(s.as_bytes() == b"derivation"),
            Ok(_) => Ok(false),
            Err(e) if e.kind() == ErrorKind::Interrupted => Err(e),
            Err(_) => Ok(false),
        }
    }

    fn print_derivation(&mut self, a: &super::attrs::Attrs, depth: usize) -> EvalResult<()> {
        let path = match a.get(self.ev.syms.drv_path) {
            None => None,
            Some(p) => {
                let forced =
                    self.ev.force(p).map_err(|e| e.with_frame(None, "while evaluating the drvPath of a derivation"));
                match forced {
                    Ok(Value::String(s)) => Some(s.to_str_lossy().into_owned()),
                    Ok(other) => {
                        let e = EvalError::msg(format!(
                            "expected the drvPath of a derivation to be a string but found {}",
                            other.type_description()
                        ));
                        return self.nested_error(e, depth);
                    }
                    Err(e) => return self.nested_error(e, depth),
                }
            }
        };
        match path {
            Some(p) => self.colored(GREEN, &format!("«derivation {p}»")),
            None => self.colored(GREEN, "«derivation»"),
        }
        Ok(())
    }

    /// Whether a one-item set or list is still written over several lines: when the item is
    /// a set, a list or unevaluated (forced first in `force` mode, as CppNix does).
    fn nested_item(&self, v: &Value) -> bool {
        let v = match v {
            Value::Thunk(t) => match t.value() {
                Some(inner) => inner.clone(),
                None if (self.options.force && !t.is_blackhole()) || self.is_literal(t) => match self.ev.force(v) {
                    Ok(inner) => inner,
                    Err(_) => return false,
                },
                None => return true,
            },
            other => other.clone(),
        };
        matches!(v, Value::Attrs(_) | Value::List(_))
    }

    fn print_attrs(&mut self, a: &Shared<super::attrs::Attrs>, depth: usize) -> EvalResult<()> {
        if !a.is_empty() && !self.seen.insert(Shared::as_ptr(a) as *const u8 as usize) {
            self.colored(MAGENTA, "«repeated»");
            return Ok(());
        }
        if self.options.derivation_paths && self.is_derivation(a)? {
            return self.print_derivation(a, depth);
        }
        // Empty ones are shown as they are (CppNix writes `{ ... }` for them too).
        if depth >= self.options.max_depth && !a.is_empty() {
            self.push("{ ... }");
            return Ok(());
        }
        let pretty = self.options.pretty
            && match a.len() {
                0 => false,
                1 => a.iter().next().is_some_and(|attr| self.nested_item(&attr.value)),
                _ => true,
            };
        self.push("{");
        self.indent += 2;
        for attr in a.iter_sorted() {
            self.space(pretty);
            let name = attr.name.as_str();
            if is_var_name(&name) {
                self.push(&name);
            } else {
                quote_bytes(&mut self.out, attr.name.bytes());
            }
            self.push(" = ");
            let value = attr.value.clone();
            crate::eval::stack::maybe_grow(128 * 1024, 8 * 1024 * 1024, || self.print(&value, depth + 1))?;
            self.push(";");
        }
        self.indent -= 2;
        self.space(pretty);
        self.push("}");
        Ok(())
    }

    fn print_list(&mut self, l: &Shared<super::value::List>, depth: usize) -> EvalResult<()> {
        if !l.is_empty() && !self.seen.insert(Shared::as_ptr(l) as *const u8 as usize) {
            self.colored(MAGENTA, "«repeated»");
            return Ok(());
        }
        if depth >= self.options.max_depth && !l.is_empty() {
            self.push("[ ... ]");
            return Ok(());
        }
        let pretty = self.options.pretty
            && match l.len() {
                0 => false,
                1 => self.nested_item(&l[0]),
                _ => true,
            };
        self.push("[");
        self.indent += 2;
        for item in l.iter() {
            self.space(pretty);
            crate::eval::stack::maybe_grow(128 * 1024, 8 * 1024 * 1024, || self.print(item, depth + 1))?;
        }
        self.indent -= 2;
        self.space(pretty);
        self.push("]");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Settings;

    fn show(src: &str, options: &PrintOptions) -> String {
        let ev = Evaluator::new(Settings::default());
        let v = ev.eval_string(src, "/").expect("evaluates");
        String::from_utf8(ev.print_pretty(&v, options).expect("prints")).expect("utf-8")
    }

    #[test]
    fn shallow_repl_printing() {
        let o = PrintOptions::repl(false);
        assert_eq!(show("{ }", &o), "{ }");
        assert_eq!(show("[ ]", &o), "[ ]");
        assert_eq!(show("{ a = 1; }", &o), "{ a = 1; }");
        assert_eq!(show("{ a = 1; b = \"x\"; }", &o), "{\n  a = 1;\n  b = \"x\";\n}");
        assert_eq!(show("let x = { y = 1; }; in builtins.seq x { a = x; }", &o), "{\n  a = { ... };\n}");
        assert_eq!(show("let x = { y = 1; }; in { a = x; }", &o), "{\n  a = { ... };\n}");
        assert_eq!(show("let f = z: z; in { a = f { }; }", &o), "{\n  a = «thunk»;\n}");
        assert_eq!(show("{ a = [ 1 ]; b = { c = 1; }; }", &o), "{\n  a = [ ... ];\n  b = { ... };\n}");
        assert_eq!(show("let f = z: z; in [ (f 1) ]", &o), "[\n  «thunk»\n]");
        assert_eq!(show("[ 1 ]", &o), "[ 1 ]");
        assert_eq!(show("{ \"a b\" = 1; \"if\" = 2; }", &o), "{\n  \"a b\" = 1;\n  \"if\" = 2;\n}");
        assert_eq!(show("builtins.map", &o), "«primop map»");
        assert_eq!(show("builtins.map (x: x)", &o), "«partially applied primop map»");
        assert_eq!(show("let f = x: x; in f", &o), "«lambda f @ «string»:1:9»");
    }

    #[test]
    fn deep_printing_forces_and_shows_errors() {
        let o = PrintOptions::repl_deep(false);
        assert_eq!(show("let f = z: z; in { a = { b = [ (f 1) ]; }; }", &o), "{\n  a = {\n    b = [ 1 ];\n  };\n}");
        assert_eq!(show("{ a = throw \"uh oh!\"; }", &o), "{ a = «error: uh oh!»; }");
        assert_eq!(show("let s = { x = 1; }; in [ s s ]", &o), "[\n  { x = 1; }\n  «repeated»\n]");
        assert_eq!(show("rec { a = { inherit b; }; b = a; }", &o).matches("«repeated»").count(), 2);
    }

    #[test]
    fn trace_printing_is_one_line_and_lazy() {
        let o = PrintOptions::trace();
        assert_eq!(show("let f = z: z; in [ (f 1) ]", &o), "[ «thunk» ]");
        assert_eq!(show("{ a = 1; b = { c = 2; }; }", &o), "{ a = 1; b = «thunk»; }");
        assert_eq!(show("let b = { c = 2; }; in builtins.seq b { inherit b; }", &o), "{ b = { c = 2; }; }");
    }
}
