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

pub fn run(argv: &[String]) -> i32 {
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
