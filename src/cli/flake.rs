//! `tern flake …`: the commands that read or write a flake's lock, and show its outputs.
//!
//! * `lock [REF]` — create `flake.lock`, or add the entries it is missing; entries that
//!   still match `flake.nix` are kept as they are.
//! * `update [INPUT…] [--flake REF]` — refresh the named inputs (all when none is named).
//! * `show [REF] [--all-systems] [--legacy] [--json]` — the tree of outputs.
//! * `metadata [REF] [--json]` (alias `info`) — description, location, locked inputs.
//!
//! These are the only commands that write a lock file; evaluation never does. `REF`
//! defaults to `.`; `--override-input NAME REF` works on all of them.

use std::collections::BTreeSet;

use super::args::{parse, CommonArgs, Spec};
use super::installable::{overrides, parse_installable};
use super::{report, usage_error};
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::flake::lock::{parse_input_path, InputPath};
use crate::flake::show::{inputs_tree, show_outputs, ShowOptions};
use crate::flake::{self, Action, FlakeRef};
use crate::symbol::Symbol;

const HELP: &str = "\
Usage: tern flake <command> [options]

Commands:
  lock [REF]                     create flake.lock, or add the inputs it is missing
  update [INPUT…] [--flake REF]  refresh the named inputs of flake.lock (all if none is named)
  show [REF]                     show the flake's outputs [--all-systems] [--legacy] [--json]
  metadata [REF]                 show the flake's description, location and locked inputs [--json]

REF is a flake reference (default '.'): a directory, path:/x, git+file:///x?ref=main,
github:NixOS/nixpkgs/nixos-23.11 (provided by tern's stdlib), …
Options: --override-input INPUT REF, --system SYSTEM, --store DIR, --show-trace.
Evaluation (tern eval .#x, builtins.getFlake) never writes flake.lock; only lock and update do.
";

const SPEC: Spec = Spec { flags: &["--all-systems", "--legacy", "--json"], valued: &["--flake"] };

pub fn run(argv: &[String]) -> i32 {
    let Some(sub) = argv.first().map(String::as_str) else {
        eprint!("{HELP}");
        return 1;
    };
    if matches!(sub, "help" | "--help" | "-h") {
        print!("{HELP}");
        return 0;
    }
    let a = match parse(&argv[1..], &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let settings = match a.settings() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let ev = Evaluator::new(settings);
    let result = match sub {
        "lock" => lock(&ev, &a),
        "update" => update(&ev, &a),
        "show" => show(&ev, &a),
        "metadata" | "info" => metadata(&ev, &a),
        other => return usage_error(&format!("unknown flake command '{other}' (try 'tern flake help')")),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            report(&e, a.show_trace);
            1
        }
    }
}

/// The flake reference argument (default `.`).
fn flake_ref(arg: Option<&str>) -> EvalResult<FlakeRef> {
    let (r, fragment) = parse_installable(arg.unwrap_or("."))?;
    if !fragment.is_empty() {
        return Err(EvalError::msg(format!(
            "unexpected fragment '{fragment}' in flake reference '{}'",
            arg.unwrap_or(".")
        )));
    }
    Ok(r)
}

fn one_ref(a: &CommonArgs) -> EvalResult<FlakeRef> {
    if a.files.len() > 1 {
        return Err(EvalError::msg(format!("expected at most one flake reference, got {}", a.files.len())));
    }
    flake_ref(a.files.first().map(String::as_str))
}

fn lock(ev: &Evaluator, a: &CommonArgs) -> EvalResult<()> {
    let r = one_ref(a)?;
    flake::lock_flake(ev, &r, Action::Lock, &overrides(a)?)?;
    Ok(())
}

fn update(ev: &Evaluator, a: &CommonArgs) -> EvalResult<()> {
    let r = flake_ref(a.value("--flake"))?;
    let mut inputs: BTreeSet<InputPath> = BTreeSet::new();
    for name in &a.files {
        let p = parse_input_path(name).map_err(|e| {
            EvalError::msg(e)
                .with_note(format!("To update a specific flake, use 'tern flake update --flake {name}' instead."))
        })?;
        if p.is_empty() {
            return Err(EvalError::msg("input path to be updated cannot be empty"));
        }
        if !inputs.insert(p) {
            eprintln!("warning: Input '{name}' was specified multiple times. You may have done this by accident.");
        }
    }
    flake::lock_flake(ev, &r, Action::Update(inputs), &overrides(a)?)?;
    Ok(())
}

fn show(ev: &Evaluator, a: &CommonArgs) -> EvalResult<()> {
    let r = one_ref(a)?;
    let lf = flake::lock_flake(ev, &r, Action::Eval, &overrides(a)?)?;
    let v = flake::call_flake(ev, &lf)?;
    let attrs = ev.expect_attrs(&v, "while evaluating a flake")?;
    let outputs = attrs.get(Symbol::intern("outputs")).cloned().unwrap_or(Value::Null);
    let opts = ShowOptions {
        all_systems: a.has_flag("--all-systems"),
        legacy: a.has_flag("--legacy"),
        json: a.has_flag("--json"),
        system: ev.settings.current_system.clone(),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let j = show_outputs(ev, &outputs, &lf.source.locked.to_string(), &opts, &mut out)?;
    if opts.json {
        use std::io::Write;
        let _ = writeln!(out, "{}", serde_json::to_string(&j).unwrap_or_default());
    }
    Ok(())
}

fn metadata(ev: &Evaluator, a: &CommonArgs) -> EvalResult<()> {
    let r = one_ref(a)?;
    let lf = flake::lock_flake(ev, &r, Action::Eval, &overrides(a)?)?;
    let locked = &lf.source.locked;
    let get = |name: &str| -> EvalResult<Option<Value>> {
        match lf.source.info.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => Ok(Some(ev.force(v)?)),
            None => Ok(None),
        }
    };
    let rev = locked.input.get_str("rev").map(String::from);
    let dirty_rev = match get("dirtyRev")? {
        Some(Value::String(s)) => Some(s.to_str_lossy().into_owned()),
        _ => None,
    };
    let rev_count = match get("revCount")? {
        Some(Value::Int(n)) => Some(n),
        _ => None,
    };
    let last_modified = match get("lastModified")? {
        Some(Value::Int(n)) => Some(n),
        _ => None,
    };
    if a.has_flag("--json") {
        let mut j = serde_json::Map::new();
        if let Some(d) = &lf.info.description {
            j.insert("description".into(), d.clone().into());
        }
        j.insert("originalUrl".into(), r.to_string().into());
        j.insert("original".into(), crate::flake::flakeref::attrs_to_json(&r.to_attrs()));
        j.insert("resolvedUrl".into(), r.to_string().into());
        j.insert("resolved".into(), crate::flake::flakeref::attrs_to_json(&r.to_attrs()));
        j.insert("url".into(), locked.to_string().into());
        j.insert("locked".into(), crate::flake::flakeref::attrs_to_json(&locked.to_attrs()));
        if let Some(rev) = &rev {
            j.insert("revision".into(), rev.clone().into());
        }
        if let Some(d) = &dirty_rev {
            j.insert("dirtyRevision".into(), d.clone().into());
        }
        if let Some(n) = rev_count {
            j.insert("revCount".into(), n.into());
        }
        if let Some(n) = last_modified {
            j.insert("lastModified".into(), n.into());
        }
        j.insert("path".into(), lf.dir.clone().into());
        j.insert("locks".into(), lf.lock.to_json());
        println!("{}", serde_json::Value::Object(j));
        return Ok(());
    }
    println!("Resolved URL:  {r}");
    if locked.input.is_locked() {
        println!("Locked URL:    {locked}");
    }
    if let Some(d) = &lf.info.description {
        println!("Description:   {d}");
    }
    println!("Path:          {}", lf.dir);
    if let Some(rev) = rev.as_ref().or(dirty_rev.as_ref()) {
        println!("Revision:      {rev}");
    }
    if let Some(n) = rev_count {
        println!("Revisions:     {n}");
    }
    if let Some(t) = last_modified {
        let (y, mo, d, h, mi, s) = crate::eval::builtins::fetch::civil_from_unix(t);
        println!("Last modified: {y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}");
    }
    for line in flake::duplicate_report(&lf.lock) {
        eprintln!("warning: {line}");
    }
    let tree = inputs_tree(&lf.lock);
    if !tree.is_empty() {
        println!("Inputs:");
        for line in tree {
            println!("{line}");
        }
    }
    Ok(())
}
