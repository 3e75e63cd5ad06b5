//! `tern repl`: an interactive session in the manner of `nix repl`.
//!
//! `Repl` is the session without a terminal: the variables in scope, what was loaded (to
//! replay on `:r`), the last error (for `:te`), and `process_line`, which runs one input
//! (an expression, a binding `x = expr`, or a `:` command). `terminal` runs it under
//! rustyline with history, multi-line input (`validate`), tab completion and error hints
//! (`complete`), and Ctrl-C handling. `commands` holds the `:` commands, `doc` `:doc`,
//! `scope` the variables.
//!
//! Output goes where `nix repl` sends it: values to standard output, notices
//! ("Added N variables.") and errors to standard error.

pub mod commands;
pub mod complete;
pub mod doc;
pub mod scope;
pub mod terminal;
pub mod validate;

use std::cell::{Cell, RefCell};
use std::io::Write;

use crate::diag::source_map::Origin;
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::pretty::PrintOptions;
use crate::eval::thunk::ThunkCell;
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

use scope::Scope;

/// What `process_line` asks the loop to do next.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    Quit,
}

/// Something that put variables in scope, replayed in order by `:r`.
#[derive(Clone, Debug)]
pub enum Loaded {
    /// A file given on the command line or to `:l` (as typed).
    File(String),
    /// An expression given with `-E` or to `:a`.
    Add(String),
    /// `x = expr`.
    Bind(Symbol, String),
}

/// How many names "Added N variables." lists.
const NAMES_SHOWN: usize = 20;

pub struct Repl {
    pub ev: Evaluator,
    scope: RefCell<Scope>,
    /// `--arg`/`--argstr` values for auto-calling loaded files.
    auto_args: Vec<(Symbol, Value)>,
    loaded: RefCell<Vec<Loaded>>,
    last_loaded: RefCell<Vec<Symbol>>,
    last_error: RefCell<Option<EvalError>>,
    show_trace: Cell<bool>,
    /// ANSI colours in printed values.
    pub colors: bool,
    /// Where relative paths in input resolve (the working directory).
    base_dir: String,
}

impl Repl {
    pub fn new(ev: Evaluator, auto_args: Vec<(Symbol, Value)>, colors: bool) -> Repl {
        let base_dir = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
        let show_trace = ev.settings.show_trace;
        Repl {
            ev,
            scope: RefCell::new(Scope::default()),
            auto_args,
            loaded: RefCell::new(Vec::new()),
            last_loaded: RefCell::new(Vec::new()),
            last_error: RefCell::new(None),
            show_trace: Cell::new(show_trace),
            colors,
            base_dir,
        }
    }

    /// Runs one input (possibly several lines); errors are reported, not returned.
    pub fn process_line(&self, line: &str) -> Outcome {
        let line = line.trim();
        if validate::is_blank(line) {
            return Outcome::Continue;
        }
        self.reset_interrupt();
        let result = if line.starts_with(':') {
            self.command(line)
        } else if let Some((name, rhs)) = commands::binding(line) {
            self.bind(Symbol::intern(name), rhs).map(|_| Outcome::Continue)
        } else {
            self.eval_and_print(line).map(|_| Outcome::Continue)
        };
        let outcome = match result {
            Ok(o) => o,
            Err(e) => {
                self.report(e);
                Outcome::Continue
            }
        };
        self.reset_interrupt();
        let _ = std::io::stdout().flush();
        outcome
    }

    fn reset_interrupt(&self) {
        self.ev.interrupted.store(false, std::sync::atomic::Ordering::Relaxed);
        crate::build::signals::clear();
        // An interrupted evaluation unwinds through every call and restores the depth; this
        // only guards against a miscount leaking into later lines.
        self.ev.call_depth.set(0);
    }

    /// Shows an error as a diagnostic and keeps it for `:te`.
    pub fn report(&self, e: EvalError) {
        if e.kind() == ErrorKind::Interrupted {
            // After the `^C` the terminal echoed.
            eprintln!("\nerror: interrupted by the user");
            return;
        }
        let show_trace = self.show_trace.get();
        let text = crate::diag::render::render_eval_error_with_hint(
            &e,
            show_trace,
            "use ':te' to show them, with the full trace of this error",
        );
        eprint!("{text}");
        *self.last_error.borrow_mut() = Some(e);
    }

    /// Compiles and evaluates input text (to weak head normal form) with the variables in
    /// scope.
    pub fn eval_text(&self, text: &str) -> EvalResult<Value> {
        let outer = self.scope.borrow().outer();
        let program = self.ev.compile(Origin::Repl, text.as_bytes(), &self.base_dir, outer)?;
        let env = self.scope.borrow().env(&self.ev);
        self.ev.eval(program.ir, &env)
    }

    /// `x = expr`: binds lazily; the expression is compiled now (so typos show at once)
    /// but not evaluated.
    fn bind(&self, name: Symbol, text: &str) -> EvalResult<()> {
        let outer = self.scope.borrow().outer();
        let program = self.ev.compile_named(Origin::Repl, text.as_bytes(), &self.base_dir, outer, Some(name))?;
        let env = self.scope.borrow().env(&self.ev);
        self.scope.borrow_mut().add(name, ThunkCell::code(program.ir, env));
        self.log(Loaded::Bind(name, text.to_string()));
        Ok(())
    }

    fn eval_and_print(&self, text: &str) -> EvalResult<()> {
        let v = self.eval_text(text)?;
        let printed = self.ev.print_pretty(&v, &PrintOptions::repl(self.colors))?;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&printed);
        let _ = out.write_all(b"\n");
        Ok(())
    }

    fn log(&self, what: Loaded) {
        self.loaded.borrow_mut().push(what);
    }

    /// Loads a file (`-I`/`NIX_PATH` for `<name>`, else relative to the working directory),
    /// calls it with the `--arg`s if it is a function, and adds its attributes to scope.
    pub fn load_file(&self, arg: &str) -> EvalResult<()> {
        let expanded = match arg.strip_prefix("~/") {
            Some(rest) => format!("{}/{rest}", std::env::var("HOME").unwrap_or_default()),
            None => arg.to_string(),
        };
        let path = crate::cli::resolve_file_arg(&self.ev, &expanded)?;
        let v = self.ev.import_file(&path)?;
        let v = crate::cli::auto_call(&self.ev, v, &self.auto_args)?;
        self.add_attrs_of(&v)
    }

    /// Loads what the command line names: files, then `-E` expressions.
    pub fn load_initial(&self, files: &[String], exprs: &[String]) {
        for f in files {
            eprintln!("Loading '{f}'...");
            // Kept even if it fails, so that `:r` tries again once the file is fixed.
            self.log(Loaded::File(f.clone()));
            if let Err(e) = self.load_file(f) {
                self.report(e);
            }
        }
        for e in exprs {
            let result = self.eval_text(e).and_then(|v| {
                let v = crate::cli::auto_call(&self.ev, v, &self.auto_args)?;
                self.add_attrs_of(&v)
            });
            match result {
                Ok(()) => self.log(Loaded::Add(e.clone())),
                Err(err) => self.report(err),
            }
        }
    }

    /// Adds every attribute of a set to scope and says so.
    fn add_attrs_of(&self, v: &Value) -> EvalResult<()> {
        let v = self.ev.force(v)?;
        let Value::Attrs(attrs) = &v else {
            return Err(crate::eval::error::type_error("a set", &v)
                .with_frame(None, "while evaluating an attribute set to be merged in the global scope"));
        };
        let mut scope = self.scope.borrow_mut();
        let mut names = Vec::with_capacity(attrs.len());
        for attr in attrs.iter_sorted() {
            scope.add(attr.name, attr.value.clone());
            names.push(attr.name);
        }
        drop(scope);
        eprintln!("Added {} variables.", names.len());
        if !names.is_empty() {
            let shown: Vec<String> = names.iter().take(NAMES_SHOWN).map(|n| commands::show_name(*n)).collect();
            eprintln!("{}", shown.join(", "));
            if names.len() > NAMES_SHOWN {
                eprintln!("… and {} more; view with :ll", names.len() - NAMES_SHOWN);
            }
        }
        *self.last_loaded.borrow_mut() = names;
        Ok(())
    }

    /// `:r`: forgets every file read and every variable, then replays what was loaded and
    /// bound, in order, so the variables see the files' new contents.
    fn reload(&self) {
        self.ev.import_cache.borrow_mut().clear();
        self.scope.borrow_mut().clear();
        let log = std::mem::take(&mut *self.loaded.borrow_mut());
        for what in log {
            let result = match &what {
                Loaded::File(f) => {
                    eprintln!("Loading '{f}'...");
                    self.log(what.clone());
                    if let Err(e) = self.load_file(f) {
                        self.report(e);
                    }
                    continue;
                }
                Loaded::Add(text) => self.eval_text(text).and_then(|v| self.add_attrs_of(&v)),
                Loaded::Bind(name, text) => {
                    // `bind` logs it again.
                    if let Err(e) = self.bind(*name, text) {
                        self.report(e);
                    }
                    continue;
                }
            };
            match result {
                Ok(()) => self.log(what),
                Err(e) => self.report(e),
            }
        }
    }

    /// The names in scope, in the order they were added.
    pub fn scope_names(&self) -> Vec<Symbol> {
        self.scope.borrow().names().to_vec()
    }
}
