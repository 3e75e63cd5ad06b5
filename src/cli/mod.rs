//! The command line: dispatch to subcommands, and the steps they share (loading the file or
//! expression argument, auto-calling functions with `--arg`s, following `-A` paths,
//! reporting errors).

pub mod args;
pub mod build;
pub mod copy;
pub mod daemon;
pub mod eval;
pub mod explain;
pub mod flake;
pub mod installable;
pub mod instantiate;
pub mod log;
pub mod path_info;
pub mod platform_names;
pub mod repl;
pub mod show_derivation;
pub mod with_store;

use std::io::Read;

use crate::diag::render::render_eval_error;
use crate::eval::error::{ErrorKind, EvalError, EvalResult};
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

use args::{AutoArg, CommonArgs};

const USAGE: &str = "\
tern — a fast evaluator for the Nix language, with a cross-compiling stdlib and a builder

Usage: tern <command> [options]

Commands:
  eval             evaluate a file or expression and print the value (like nix-instantiate --eval)
  instantiate      write the derivations a file or expression denotes and print their .drv paths
  build            build a file's/expression's derivations or .drv paths, print the outputs (like nix-build)
  log              print the build log of a derivation or output path
  explain-deps     show where each dependency of a package comes from (package set, platforms)
  show-derivation  print .drv files (paths, or a file/expression's derivations) as JSON [-r]
  path-info        show store paths: path, NAR hash, NAR size [--json] [-r] [--all]
  store ls         list every valid path in the store (like path-info --all)
  with-store       run a command with tern's store at /nix/store (to run what tern built)
  repl             start an interactive session (like nix repl); FILE or -E EXPR are loaded into scope
  flake            flake-like files: lock, update, show, metadata (see 'tern flake help')
  help             show this help

Common options:
  [FILE | -E EXPR]         the file (default ./default.nix, '-' for stdin) or expression
  REF#ATTRPATH             a flake installable (.#hello, path:/x#packages.x86_64-linux.default, nixpkgs#hello)
  --override-input IN REF  use REF for the flake input IN (e.g. path:/local/checkout)
  --apply FN               (eval) apply the function FN to each value before printing
  -A, --attr PATH          select an attribute path (repeatable)
  --arg NAME EXPR          pass an argument to a top-level function
  --argstr NAME STRING     pass a string argument to a top-level function
  -I [NAME=]PATH           add to the search path (before NIX_PATH and the stdlib)
  --store DIR              the store root (default: $TERN_STORE, else ~/.local/share/tern)
  --show-trace             show every frame of an error's trace

Build options (tern build):
  -j, --max-jobs N         builds at once (default: number of cores); --cores N sets NIX_BUILD_CORES;
                           0 with --builders: build only on remote builders
  --builders SPEC          remote builders in Nix's machines format (ssh://host SYSTEMS KEY JOBS …; @FILE)
  -o, --out-link NAME      name of the result symlink (default 'result'); --no-link for none
  -K, --keep-failed        keep the build directory of a failed build
  -k, --keep-going         go on with other builds after one fails
  -L, --print-build-logs   show builder output as it comes (always saved: see 'tern log')
  --check                  rebuild valid outputs and report non-determinism
  --dry-run                show what would be built
  --list-systems           list the systems this machine can build for (and could emulate)
  --system SYSTEM          currentSystem for evaluation (Guix names such as armhf-linux accepted)
  --target TRIPLET         cross-compile: crossSystem = { config = TRIPLET; } (aarch64-linux-gnu, …)
  --list-targets           list the target platforms of the package set, with their pkgsCross names
  NAME                     (tern build) a bare package name is an attribute of <nixpkgs>: tern build hello
  --extra-platforms SYS    also build for SYS under emulation (qemu-user); also 'extra-platforms' in
                           $XDG_CONFIG_HOME/tern/tern.conf
";

/// Runs the command line; returns the process exit code.
pub fn run(argv: Vec<String>) -> i32 {
    let Some(command) = argv.get(1).map(String::as_str) else {
        eprint!("{USAGE}");
        return 1;
    };
    let rest = &argv[2..];
    match command {
        "eval" => eval::run(rest),
        "repl" => repl::run(rest),
        "instantiate" => instantiate::run(rest),
        "build" => build::run(rest),
        "log" => log::run(rest),
        "explain-deps" => explain::run(rest),
        "show-derivation" => show_derivation::run(rest),
        "path-info" => path_info::run(rest),
        "copy" => copy::run(rest),
        "flake" => flake::run(rest),
        "store" => path_info::run_store(rest),
        "with-store" => with_store::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            0
        }
        "--version" | "version" => {
            println!("tern {} (Nix language {})", env!("CARGO_PKG_VERSION"), crate::eval::builtins::NIX_VERSION);
            0
        }
        other => {
            eprintln!("error: unknown command '{other}'\n");
            eprint!("{USAGE}");
            1
        }
    }
}

/// Prints an evaluation error the way every command does.
pub fn report(e: &EvalError, show_trace: bool) {
    eprint!("{}", render_eval_error(e, show_trace));
}

/// Prints a usage error.
pub fn usage_error(msg: &str) -> i32 {
    eprintln!("error: {msg}");
    eprintln!("Try 'tern help' for more information.");
    1
}

fn cwd() -> String {
    std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into())
}

/// Resolves a file argument: `<name>` through the search path, else relative to the
/// working directory.
pub fn resolve_file_arg(ev: &Evaluator, arg: &str) -> EvalResult<String> {
    if arg.starts_with('<') && arg.ends_with('>') && arg.len() > 2 {
        return ev.find_file(&ev.settings.search_path, &arg[1..arg.len() - 1], None);
    }
    if arg.starts_with('/') {
        return Ok(crate::eval::lower::canonicalize(arg));
    }
    Ok(crate::eval::lower::canonicalize(&format!("{}/{arg}", cwd())))
}

/// The values the file/expression arguments denote (one per argument).
pub fn load_roots(ev: &Evaluator, a: &CommonArgs) -> EvalResult<Vec<Value>> {
    let base = cwd();
    if a.expr_mode {
        if a.files.is_empty() {
            return Err(EvalError::msg("'-E' needs an expression"));
        }
        return a.files.iter().map(|e| ev.eval_string(e, &base)).collect();
    }
    let files = if a.files.is_empty() { vec!["./default.nix".to_string()] } else { a.files.clone() };
    files
        .iter()
        .map(|f| {
            if f == "-" {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|e| EvalError::new(ErrorKind::Io, format!("cannot read standard input: {e}"), None))?;
                ev.eval_stdin(&text, &base)
            } else {
                let path = resolve_file_arg(ev, f)?;
                ev.import_file(&path)
            }
        })
        .collect()
}

/// The `--arg`/`--argstr` values as an attrset of lazy values.
pub fn auto_args(ev: &Evaluator, a: &CommonArgs) -> EvalResult<Vec<(Symbol, Value)>> {
    let base = cwd();
    a.auto_args
        .iter()
        .map(|(name, arg)| {
            let v = match arg {
                AutoArg::Str(s) => Value::string(s.as_str()),
                AutoArg::Expr(e) => ev.eval_string(e, &base)?,
            };
            Ok((Symbol::intern(name), v))
        })
        .collect()
}

/// Calls a top-level function with the auto arguments, as `nix-instantiate` does:
/// functions with a formal parameter set get the `--arg`s they name (all of them with `...`),
/// others are returned as they are.
pub fn auto_call(ev: &Evaluator, v: Value, auto: &[(Symbol, Value)]) -> EvalResult<Value> {
    use crate::eval::ir::ParamIr;
    let v = ev.force(&v)?;
    match &v {
        Value::Attrs(attrs) => {
            if let Some(f) = attrs.get(ev.syms.functor) {
                let f = ev.force(f)?;
                let inner = ev.call(&f, v.clone(), dummy_span())?;
                return auto_call(ev, inner, auto);
            }
            Ok(v)
        }
        Value::Lambda(c) => {
            let ParamIr::Pattern(p) = &c.lambda.param else {
                return Ok(v);
            };
            let mut b = crate::eval::attrs::AttrsBuilder::default();
            if p.ellipsis {
                for (name, value) in auto {
                    b.insert(*name, value.clone());
                }
            } else {
                for formal in p.formals.iter() {
                    match auto.iter().rev().find(|(n, _)| *n == formal.name) {
                        Some((_, value)) => b.insert(formal.name, value.clone()),
                        None if formal.default.is_none() => {
                            return Err(EvalError::msg(format!(
                                "cannot evaluate a function that has an argument without a value ('{}')",
                                formal.name
                            ))
                            .with_note(
                                "Nix attempted to evaluate a function as a top level expression; in this case it must \
                                 have its arguments supplied either by default values, or passed explicitly with \
                                 '--arg' or '--argstr'.",
                            ))
                        }
                        None => {}
                    }
                }
            }
            ev.call(&v, Value::attrs(b.finish()), dummy_span())
        }
        _ => Ok(v),
    }
}

fn dummy_span() -> crate::diag::source_map::Span {
    crate::diag::source_map::Span::new(crate::diag::source_map::FileId(u32::MAX), 0, 0)
}

/// Splits an attribute path on dots, honouring double quotes (`a."b.c".d`).
pub fn split_attr_path(path: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in path.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    if quoted {
        return Err(format!("missing closing quote in selection path '{path}'"));
    }
    out.push(cur);
    if path.is_empty() {
        return Ok(Vec::new());
    }
    Ok(out)
}

/// Follows an `-A` path from `root`, auto-calling functions at each step and the result.
pub fn select_attr_path(ev: &Evaluator, root: Value, path: &str, auto: &[(Symbol, Value)]) -> EvalResult<Value> {
    let v = walk_attr_path(ev, root, path, auto)?;
    auto_call(ev, v, auto)
}

/// Follows an `-A` path from `root`, auto-calling the function at each step before selecting
/// from it (as CppNix's `findAlongAttrPath` does) but not the value the path ends at.
pub fn walk_attr_path(ev: &Evaluator, root: Value, path: &str, auto: &[(Symbol, Value)]) -> EvalResult<Value> {
    let parts = split_attr_path(path).map_err(EvalError::msg)?;
    let mut v = root;
    for part in parts {
        v = auto_call(ev, v, auto)?;
        if part.is_empty() {
            return Err(EvalError::msg(format!("empty attribute name in selection path '{path}'")));
        }
        v = match &v {
            Value::List(items) if part.bytes().all(|b| b.is_ascii_digit()) => {
                let i: usize = part.parse().map_err(|_| EvalError::msg(format!("invalid index '{part}'")))?;
                match items.get(i) {
                    Some(x) => ev.force(x)?,
                    None => {
                        return Err(EvalError::msg(format!(
                            "list index {i} in selection path '{path}' is out of range"
                        )))
                    }
                }
            }
            Value::Attrs(attrs) => {
                let name = Symbol::intern(&part);
                match attrs.get(name) {
                    Some(x) => ev
                        .force(x)
                        .map_err(|e| e.with_frame(None, format!("while evaluating the attribute '{part}'")))?,
                    None => {
                        let mut e = EvalError::msg(format!("attribute '{part}' in selection path '{path}' not found"));
                        let names: Vec<String> = attrs.iter().map(|a| a.name.as_str().into_owned()).collect();
                        let close = crate::eval::machine::suggestions(&part, names.iter().map(String::as_str));
                        if !close.is_empty() {
                            e = e.with_note(format!("Did you mean {}?", crate::eval::machine::join_or(&close)));
                        }
                        return Err(e);
                    }
                }
            }
            other => {
                return Err(EvalError::msg(format!(
                    "the expression selected by the selection path '{path}' should be a set but is {}",
                    other.type_description()
                )))
            }
        };
    }
    Ok(v)
}
