//! The `:` commands: the table (names, arguments, help), parsing a line into a command or
//! a binding, and what each command does.

use std::io::Write;
use std::path::Path;

use crate::build::{self, BuildOptions, ProgressMode};
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::pretty::{is_var_name, PrintOptions};
use crate::eval::value::Value;
use crate::store::StorePath;
use crate::symbol::Symbol;

use super::{Outcome, Repl};

/// What a command's argument is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    None,
    Expr,
    Path,
    Bool,
}

pub struct Command {
    pub short: &'static str,
    pub long: Option<&'static str>,
    pub arg: Arg,
    pub help: &'static str,
}

pub const COMMANDS: &[Command] = &[
    Command { short: ":?", long: Some(":help"), arg: Arg::None, help: "Brings up this help menu" },
    Command { short: ":a", long: Some(":add"), arg: Arg::Expr, help: "Add attributes from resulting set to scope" },
    Command { short: ":b", long: Some(":build"), arg: Arg::Expr, help: "Build a derivation" },
    Command {
        short: ":doc",
        long: None,
        arg: Arg::Expr,
        help: "Show documentation of a builtin, or the doc comment of a function",
    },
    Command { short: ":l", long: Some(":load"), arg: Arg::Path, help: "Load Nix expression and add it to scope" },
    Command {
        short: ":ll",
        long: Some(":last-loaded"),
        arg: Arg::None,
        help: "Show most recently loaded variables added to scope",
    },
    Command {
        short: ":p",
        long: Some(":print"),
        arg: Arg::Expr,
        help: "Evaluate and print expression recursively\nStrings are printed directly, without escaping.",
    },
    Command { short: ":q", long: Some(":quit"), arg: Arg::None, help: "Exit the REPL" },
    Command { short: ":r", long: Some(":reload"), arg: Arg::None, help: "Reload all files" },
    Command { short: ":t", long: Some(":type"), arg: Arg::Expr, help: "Describe result of evaluation" },
    Command {
        short: ":te",
        long: Some(":trace-enable"),
        arg: Arg::Bool,
        help: "Enable, disable or toggle showing traces for errors\n(enabling shows the last error's full trace)",
    },
];

/// `nix repl` commands tern does not have, with what they do there.
const NOT_YET: &[(&str, &str)] = &[
    (":bl", "build a derivation, creating GC roots"),
    (":e", "open a package or function in $EDITOR"),
    (":edit", "open a package or function in $EDITOR"),
    (":i", "install a derivation into the profile"),
    (":lf", "load a flake"),
    (":load-flake", "load a flake"),
    (":log", "show the build log of a derivation"),
    (":sh", "start a nix-shell for a derivation"),
    (":u", "start a nix-shell with a derivation"),
];

impl Command {
    pub fn find(name: &str) -> Option<&'static Command> {
        COMMANDS.iter().find(|c| c.short == name || c.long == Some(name))
    }

    pub fn takes_expr(&self) -> bool {
        self.arg == Arg::Expr
    }

    /// Every spelling, for completion and suggestions.
    pub fn all_names() -> impl Iterator<Item = &'static str> {
        COMMANDS.iter().flat_map(|c| std::iter::once(c.short).chain(c.long))
    }
}

/// Splits `:cmd arg` into the command and its (trimmed) argument.
pub fn split_command(line: &str) -> (&str, &str) {
    let line = line.trim();
    match line.find(char::is_whitespace) {
        Some(i) => (&line[..i], line[i..].trim()),
        None => (line, ""),
    }
}

/// `name = expr` (but not `a == b`, `{ a = 1; }` or `a.b = 1`): the name and the
/// expression text, as `nix repl` recognises bindings.
pub fn binding(line: &str) -> Option<(&str, &str)> {
    let p = line.find('=')?;
    if line[p + 1..].starts_with('=') {
        return None;
    }
    let name = line[..p].trim();
    is_var_name(name).then(|| (name, &line[p + 1..]))
}

fn help_text() -> String {
    let mut out = String::from("The following commands are available:\n\n");
    let mut row = |left: &str, help: &str| {
        let mut lines = help.lines();
        out.push_str(&format!("  {left:<28} {}\n", lines.next().unwrap_or("")));
        for more in lines {
            out.push_str(&format!("  {:<28} {more}\n", ""));
        }
    };
    row("<expr>", "Evaluate and print expression");
    row("<x> = <expr>", "Bind expression to variable");
    for c in COMMANDS {
        let names = match c.long {
            Some(long) => format!("{}, {long}", c.short),
            None => c.short.to_string(),
        };
        let arg = match c.arg {
            Arg::None => "",
            Arg::Expr => " <expr>",
            Arg::Path => " <path>",
            Arg::Bool => " [bool]",
        };
        row(&format!("{names}{arg}"), c.help);
    }
    out.push_str(
        "\nTab completes variables, builtins, attribute paths (`pkgs.hello.<TAB>`), commands and\n\
         file names; Ctrl-C interrupts an evaluation or clears the line; Ctrl-D exits.\n",
    );
    out
}

impl Repl {
    /// Runs a `:` command line.
    pub(super) fn command(&self, line: &str) -> EvalResult<Outcome> {
        let (name, arg) = split_command(line);
        let Some(cmd) = Command::find(name) else {
            return Err(unknown_command(name));
        };
        if cmd.arg == Arg::Expr && arg.is_empty() {
            return Err(EvalError::msg(format!("'{name}' needs an expression, as in '{} <expr>'", cmd.short)));
        }
        match cmd.short {
            ":?" => print!("{}", help_text()),
            ":a" => {
                let v = self.eval_text(arg)?;
                self.add_attrs_of(&v)?;
                self.log(super::Loaded::Add(arg.to_string()));
            }
            ":b" => self.build(arg)?,
            ":doc" => self.doc(arg)?,
            ":l" => {
                if arg.is_empty() {
                    return Err(EvalError::msg("':l' needs a file to load, as in ':l ./default.nix'"));
                }
                self.ev.import_cache.borrow_mut().clear();
                self.log(super::Loaded::File(arg.to_string()));
                self.load_file(arg)?;
            }
            ":ll" => {
                let names = self.last_loaded.borrow();
                let mut out = std::io::stdout().lock();
                for n in names.iter() {
                    let _ = writeln!(out, "{}", show_name(*n));
                }
            }
            ":p" => {
                let v = self.eval_text(arg)?;
                let mut out = std::io::stdout().lock();
                match &v {
                    Value::String(s) => {
                        let _ = out.write_all(s.as_bytes());
                    }
                    _ => {
                        let text = self.ev.print_pretty(&v, &PrintOptions::repl_deep(self.colors))?;
                        let _ = out.write_all(&text);
                    }
                }
                let _ = out.write_all(b"\n");
            }
            ":q" => return Ok(Outcome::Quit),
            ":r" => self.reload(),
            ":t" => {
                let v = self.eval_text(arg)?;
                println!("{}", show_type(&v));
            }
            ":te" => {
                let on = match arg {
                    "" => !self.show_trace.get(),
                    "true" | "on" | "1" => true,
                    "false" | "off" | "0" => false,
                    other => return Err(EvalError::msg(format!("unexpected argument '{other}' to {name}"))),
                };
                self.show_trace.set(on);
                if on {
                    println!("showing error traces");
                    if let Some(e) = self.last_error.borrow().as_ref() {
                        eprintln!("The last error, in full:");
                        eprint!("{}", crate::diag::render::render_eval_error(e, true));
                    }
                } else {
                    println!("not showing error traces");
                }
            }
            _ => unreachable!("every command in the table is handled"),
        }
        Ok(Outcome::Continue)
    }

    /// `:b`: builds the derivation the expression evaluates to with the embedded builder,
    /// into the store the session writes its derivations to. Ctrl-C stops the build (the
    /// store stays consistent) and returns to the prompt.
    fn build(&self, arg: &str) -> EvalResult<()> {
        let v = self.eval_text(arg)?;
        let drv_path = self.derivation_path(&v)?;
        let drv = StorePath::parse(&drv_path).map_err(|e| EvalError::msg(e.to_string()))?;
        let store = self.ev.store()?;
        let opts = BuildOptions { progress: ProgressMode::Auto, ..BuildOptions::default() };
        let built = match build::realise(store, &[drv], &opts) {
            Ok(b) => b,
            Err(build::BuildError::Interrupted) => {
                return Err(EvalError::new(ErrorKind::Interrupted, "interrupted by the user", None))
            }
            Err(e) => return Err(EvalError::msg(e.to_string())),
        };
        println!("\nThis derivation produced the following outputs:");
        let mut outputs: Vec<(String, StorePath)> = built.into_iter().flat_map(|b| b.outputs).collect();
        outputs.sort_by_key(|(n, _)| (n != "out", n.clone()));
        for (name, path) in outputs {
            let physical = store.real_path(&path);
            if physical == Path::new(&path.to_string()) {
                println!("  {name} -> {path}");
            } else {
                println!("  {name} -> {path} (at {})", physical.display());
            }
        }
        Ok(())
    }

    /// The `.drv` path of a derivation value.
    fn derivation_path(&self, v: &Value) -> EvalResult<String> {
        let not_drv = || EvalError::msg("expression does not evaluate to a derivation, so I can't build it");
        let Value::Attrs(a) = v else { return Err(not_drv()) };
        let is_drv = match a.get(self.ev.syms.type_) {
            Some(t) => matches!(self.ev.force(t)?, Value::String(s) if s.as_bytes() == b"derivation"),
            None => false,
        };
        if !is_drv {
            return Err(not_drv());
        }
        let Some(p) = a.get(self.ev.syms.drv_path) else {
            return Err(EvalError::msg("expression did not evaluate to a valid derivation (no 'drvPath' attribute)"));
        };
        match self.ev.force(p)? {
            Value::String(s) => Ok(s.to_str_lossy().into_owned()),
            other => Err(EvalError::msg(format!(
                "expected the drvPath of a derivation to be a string but found {}",
                other.type_description()
            ))),
        }
    }
}

fn unknown_command(name: &str) -> EvalError {
    if let Some((_, what)) = NOT_YET.iter().find(|(n, _)| *n == name) {
        return EvalError::msg(format!("'{name}' ({what}) is not available in tern yet; type :? for the commands"));
    }
    let close = crate::eval::machine::suggestions(name, Command::all_names());
    let mut e = EvalError::msg(format!("unknown command '{name}'"));
    e = match close.first() {
        Some(best) => e.with_note(format!("did you mean '{best}'? (type :? for the commands)")),
        None => e.with_note("type :? for the commands"),
    };
    e
}

/// A name as it would be written in Nix.
pub fn show_name(name: Symbol) -> String {
    let s = name.as_str();
    if is_var_name(&s) {
        return s.into_owned();
    }
    let mut out = Vec::new();
    crate::eval::print::quote_bytes(&mut out, name.bytes());
    String::from_utf8_lossy(&out).into_owned()
}

/// `:t`: the type as `nix repl` describes it.
pub fn show_type(v: &Value) -> String {
    match v {
        Value::String(s) if s.has_context() => "a string with context".into(),
        Value::PrimOp(p) => format!("the built-in function '{}'", p.name),
        Value::PrimOpApp(p) => format!("the partially applied built-in function '{}'", p.op.name),
        other => other.type_description().into(),
    }
}
