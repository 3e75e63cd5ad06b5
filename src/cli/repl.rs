//! `tern repl [FILE… | -E EXPR… | '<nixpkgs>'] [--arg NAME EXPR] [-I PATH] …`: loads the
//! files (auto-called with the `--arg`s) or expressions into scope and starts the REPL.

use std::io::IsTerminal;
use std::rc::Rc;

use super::args::{parse, Spec};
use super::{auto_args, report, usage_error};
use crate::eval::Evaluator;
use crate::repl::terminal;
use crate::repl::Repl;

const SPEC: Spec = Spec { flags: &[], valued: &["--file", "-f"] };

const USAGE: &str = "\
Usage: tern repl [FILE… | -E EXPR… | '<nixpkgs>'] [options]

Starts an interactive session. The attributes of each FILE (called with the --arg values if
it is a function) or EXPR are added to scope. Type :? in the session for its commands.

Options:
  -f, --file FILE          load FILE (same as giving it as an argument)
  -E, --expr               the arguments are expressions, not files
  --arg NAME EXPR          pass an argument to the loaded files' functions
  --argstr NAME STRING     pass a string argument to the loaded files' functions
  -I [NAME=]PATH           add to the search path (before NIX_PATH and the stdlib)
  --show-trace             show every frame of an error's trace (:te toggles it)
";

pub fn run(argv: &[String]) -> i32 {
    if argv.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return 0;
    }
    let a = match parse(argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let settings = match a.settings() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let mut ev = Evaluator::new(settings);
    ev.interrupted = terminal::sigint_flag();
    let auto = match auto_args(&ev, &a) {
        Ok(v) => v,
        Err(e) => {
            report(&e, a.show_trace);
            return 1;
        }
    };
    let colors = std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none()
        && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true);
    eprintln!("{}", terminal::greeting());
    let repl = Rc::new(Repl::new(ev, auto, colors));
    let mut files: Vec<String> =
        a.values.iter().filter(|(k, _)| k == "--file" || k == "-f").map(|(_, v)| v.clone()).collect();
    let (exprs, more_files) = if a.expr_mode { (a.files.clone(), Vec::new()) } else { (Vec::new(), a.files.clone()) };
    files.extend(more_files);
    repl.load_initial(&files, &exprs);
    terminal::run(repl)
}
