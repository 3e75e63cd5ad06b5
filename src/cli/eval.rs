//! `tern eval`: evaluate and print, compatible with `nix-instantiate --eval`; also takes
//! flake installables (`.#attr`) and `--apply FN` like `nix eval`.

use std::io::Write;

use super::args::{parse, Spec};
use super::installable::{apply, is_flake_installable, resolve_installables};
use super::{report, usage_error};
use crate::eval::error::EvalResult;
use crate::eval::print::print_value;
use crate::eval::string::Context;
use crate::eval::value::Value;
use crate::eval::Evaluator;

const SPEC: Spec = Spec { flags: &["--strict", "--json", "--xml", "--raw", "--parse"], valued: &["--apply"] };

pub fn run(argv: &[String]) -> i32 {
    let a = match parse(argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let mut settings = match a.settings() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    // Like `nix-instantiate --eval`: derivations and imports get their paths, nothing is
    // written to the store.
    settings.read_only_store = !a.has_flag("--read-write-mode");
    let ev = Evaluator::new(settings);
    if a.has_flag("--parse") {
        return parse_and_print(&ev, &a);
    }
    match eval_and_print(&ev, &a) {
        Ok(()) => 0,
        Err(e) => {
            report(&e, a.show_trace);
            1
        }
    }
}

fn eval_and_print(ev: &Evaluator, a: &super::args::CommonArgs) -> EvalResult<()> {
    // `nix-instantiate --eval` auto-calls the result only when given automatic arguments.
    let values = resolve_installables(ev, a, !a.auto_args.is_empty())?;
    let stdout = std::io::stdout();
    for v in values {
        let v = match a.value("--apply") {
            Some(f) => apply(ev, f, v)?,
            None => v,
        };
        let mut out = stdout.lock();
        print_one(ev, a, &v, &mut out)?;
    }
    Ok(())
}

fn print_one(ev: &Evaluator, a: &super::args::CommonArgs, v: &Value, out: &mut impl Write) -> EvalResult<()> {
    // A flake installable is printed as `nix eval` prints it: forced all the way down.
    let flake_output = !a.expr_mode && a.files.iter().any(|f| is_flake_installable(f));
    let strict = a.has_flag("--strict") || flake_output;
    // As in nix-instantiate, the last of `--xml` and `--json` decides the output format.
    let last = |flag: &str| a.flags.iter().rposition(|f| f == flag);
    if a.has_flag("--xml") && last("--xml") > last("--json") {
        // The document ends in a newline of its own; nothing is added after it.
        let mut ctx = Context::new();
        let xml = ev.value_to_xml(v, strict, !a.has_flag("--no-location"), &mut ctx)?;
        let _ = out.write_all(&xml);
        return Ok(());
    }
    if a.has_flag("--json") {
        let mut ctx = Context::new();
        let mut buf = Vec::new();
        ev.value_to_json(v, strict, &mut ctx, &mut buf)?;
        buf.push(b'\n');
        let _ = out.write_all(&buf);
        return Ok(());
    }
    if strict {
        ev.force_deep(v)?;
    }
    if a.has_flag("--raw") {
        let s = ev.coerce_to_nix_string(v, crate::eval::coerce::Coerce::STRICT)?;
        let _ = out.write_all(s.as_bytes());
        return Ok(());
    }
    let _ = out.write_all(&print_value(v));
    let _ = out.write_all(b"\n");
    Ok(())
}

/// `--parse`: print the AST back in CppNix's `show` format.
fn parse_and_print(ev: &Evaluator, a: &super::args::CommonArgs) -> i32 {
    use crate::diag::source_map::{add_source_bytes, Origin};
    use std::io::Read;
    let mut status = 0;
    let inputs: Vec<(Origin, Vec<u8>)> = if a.expr_mode {
        a.files.iter().map(|e| (Origin::String, e.clone().into_bytes())).collect()
    } else {
        let files = if a.files.is_empty() { vec!["./default.nix".to_string()] } else { a.files.clone() };
        let mut out = Vec::new();
        for f in files {
            if f == "-" {
                let mut text = Vec::new();
                let _ = std::io::stdin().read_to_end(&mut text);
                out.push((Origin::Stdin, text));
            } else {
                match std::fs::read(&f) {
                    Ok(t) => out.push((Origin::File(f.clone()), t)),
                    Err(e) => {
                        eprintln!("error: cannot read '{f}': {e}");
                        return 1;
                    }
                }
            }
        }
        out
    };
    for (origin, text) in inputs {
        let file = add_source_bytes(origin, &text);
        let cwd = std::env::current_dir().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|_| "/".into());
        match crate::syntax::parse_with(file, &text, ev.settings.syntax_features()) {
            // Names are resolved too: an undefined variable is a parse-time error, as in CppNix.
            Ok(ast) => match crate::eval::lower::Lowerer::new(&ev.globals, cwd, Vec::new()).lower(&ast) {
                Ok(_) => println!("{}", crate::syntax::show::show(&ast)),
                Err(e) => {
                    eprint!("{}", crate::diag::render::render_snippet(&e.message, Some(e.span), None, None));
                    status = 1;
                }
            },
            Err(e) => {
                eprint!("{}", crate::diag::render::render_snippet(&e.message, Some(e.span), None, None));
                status = 1;
            }
        }
    }
    status
}
