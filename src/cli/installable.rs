//! Installables: the values the evaluating commands (`eval`, `instantiate`, `build`) work
//! on, from their arguments.
//!
//! An argument is either a file (`./default.nix`, `<nixpkgs>`, `-` for standard input; or
//! expressions with `-E`), evaluated and auto-called as `nix-instantiate` does, or a *flake
//! installable* `REF#ATTRPATH` (`.#hello`, `path:/x#packages.x86_64-linux.default`,
//! `nixpkgs#hello`): any argument with a `#`, or starting with a flake scheme (`path:`,
//! `git+…`, `github:`, `flake:`, …). A flake's attribute path is looked up in its outputs
//! as given, then under `packages.<system>.` and `legacyPackages.<system>.`, as `nix eval`
//! and `nix build` do; an empty path means `packages.<system>.default` (or
//! `defaultPackage.<system>`), and a path starting with `.` is taken as it is. `-A` paths
//! then select inside each value. `--override-input NAME REF` replaces flake inputs.
//!
//! [`resolve_installables`] is the one entry point; commands print or build what it
//! returns.

use std::collections::HashMap;

use super::args::CommonArgs;
use super::{auto_args, load_roots, select_attr_path, split_attr_path, walk_attr_path};
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::flake::flakeref::{self, FlakeRef, ParseOptions};
use crate::flake::lock::{parse_input_path, InputPath};
use crate::symbol::Symbol;

const FLAKE_SCHEMES: &[&str] =
    &["path:", "git+", "github:", "gitlab:", "sourcehut:", "flake:", "tarball+", "file+", "tern:", "hg+"];

/// Whether a command-line argument names a flake installable rather than a file.
pub fn is_flake_installable(arg: &str) -> bool {
    if arg.starts_with('<') || arg == "-" {
        return false;
    }
    if FLAKE_SCHEMES.iter().any(|s| arg.starts_with(s)) {
        return true;
    }
    // A file whose name has a `#` stays a file.
    arg.contains('#') && !std::path::Path::new(arg).is_file()
}

fn cwd() -> std::path::PathBuf {
    std::env::current_dir().unwrap_or_else(|_| "/".into())
}

/// Parses a command-line flake reference with its fragment.
pub fn parse_installable(arg: &str) -> EvalResult<(FlakeRef, String)> {
    let base = cwd();
    // `^out`-style output selections are accepted and ignored.
    let arg = match arg.rsplit_once('^') {
        Some((a, outputs)) if !outputs.contains(['/', '#']) => a,
        _ => arg,
    };
    flakeref::parse_with_fragment(arg, ParseOptions { base_dir: Some(&base), is_flake: true, ..Default::default() })
        .map_err(EvalError::msg)
}

/// The `--override-input` pairs, parsed.
pub fn overrides(a: &CommonArgs) -> EvalResult<Vec<(InputPath, FlakeRef)>> {
    let base = cwd();
    a.override_inputs
        .iter()
        .map(|(name, r)| {
            let path = parse_input_path(name).map_err(EvalError::msg)?;
            if path.is_empty() {
                return Err(EvalError::msg("--override-input needs a non-empty input path"));
            }
            let opts =
                ParseOptions { base_dir: Some(&base), allow_missing: true, is_flake: true, ..Default::default() };
            let r = flakeref::parse(r, opts).map_err(EvalError::msg)?;
            Ok((path, r))
        })
        .collect()
}

/// Flakes evaluated so far in this command, by reference.
#[derive(Default)]
pub struct Flakes {
    values: HashMap<String, Value>,
}

impl Flakes {
    /// The value of the flake `r` (evaluated once per command).
    pub fn get(&mut self, ev: &Evaluator, r: &FlakeRef, overrides: &[(InputPath, FlakeRef)]) -> EvalResult<Value> {
        let key = r.to_string();
        if let Some(v) = self.values.get(&key) {
            return Ok(v.clone());
        }
        let lf = crate::flake::lock_flake(ev, r, crate::flake::Action::Eval, overrides)?;
        let v = crate::flake::call_flake(ev, &lf)?;
        self.values.insert(key, v.clone());
        Ok(v)
    }
}

/// The attribute paths tried for a fragment, in order.
pub fn candidate_paths(fragment: &str, system: &str) -> Vec<String> {
    if let Some(abs) = fragment.strip_prefix('.') {
        return vec![abs.to_string()];
    }
    if fragment.is_empty() {
        return vec![format!("packages.{system}.default"), format!("defaultPackage.{system}")];
    }
    vec![fragment.to_string(), format!("packages.{system}.{fragment}"), format!("legacyPackages.{system}.{fragment}")]
}

/// Follows an attribute path; `Ok(None)` when an attribute is missing.
fn walk(ev: &Evaluator, root: &Value, path: &str) -> EvalResult<Option<Value>> {
    let mut v = ev.force(root)?;
    for part in split_attr_path(path).map_err(EvalError::msg)? {
        let next = match &v {
            Value::Attrs(a) => match a.get(Symbol::intern(&part)) {
                Some(x) => {
                    ev.force(x).map_err(|e| e.with_frame(None, format!("while evaluating the attribute '{part}'")))?
                }
                None => return Ok(None),
            },
            Value::List(items) if part.bytes().all(|b| b.is_ascii_digit()) => {
                match part.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(x) => ev.force(x)?,
                    None => return Ok(None),
                }
            }
            _ => return Ok(None),
        };
        v = next;
    }
    Ok(Some(v))
}

/// Looks a fragment up in a flake's outputs.
pub fn flake_attr(ev: &Evaluator, flake: &Value, r: &FlakeRef, fragment: &str) -> EvalResult<Value> {
    let attrs = ev.expect_attrs(flake, "while evaluating a flake")?;
    let outputs = attrs.get(Symbol::intern("outputs")).cloned().unwrap_or_else(|| flake.clone());
    let candidates = candidate_paths(fragment, &ev.settings.current_system);
    for c in &candidates {
        if let Some(v) = walk(ev, &outputs, c)? {
            return Ok(v);
        }
    }
    let quoted: Vec<String> = candidates.iter().map(|c| format!("'{c}'")).collect();
    let list = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.join(""),
    };
    let mut e = EvalError::msg(format!("flake '{r}' does not provide attribute {list}"));
    // Suggest names at the level where the first candidate stopped.
    if let Ok(parts) = split_attr_path(&candidates[0]) {
        let mut v = ev.force(&outputs)?;
        for part in &parts {
            let Value::Attrs(a) = &v else { break };
            match a.get(Symbol::intern(part)) {
                Some(x) => v = ev.force(x)?,
                None => {
                    let names: Vec<String> = a.iter().map(|x| x.name.as_str().into_owned()).collect();
                    let close = crate::eval::machine::suggestions(part, names.iter().map(String::as_str));
                    if !close.is_empty() {
                        e = e.with_note(format!("Did you mean {}?", crate::eval::machine::join_or(&close)));
                    }
                    break;
                }
            }
        }
    }
    Err(e)
}

/// `--apply FN`: calls the function the expression denotes on `v`.
pub fn apply(ev: &Evaluator, expr: &str, v: Value) -> EvalResult<Value> {
    let base = cwd().to_string_lossy().into_owned();
    let f = ev.eval_string(expr, &base)?;
    let span = crate::diag::source_map::Span::new(crate::diag::source_map::FileId(u32::MAX), 0, 0);
    ev.call(&f, v, span)
}

/// The values the arguments denote: each file, expression or flake installable, then
/// each `-A` path inside it (auto-calling as `nix-instantiate` does). The value a path ends at
/// is auto-called only when `call_result` is true: `nix-instantiate --eval` calls it only when
/// `--arg`/`--argstr` gave automatic arguments, and prints a function as `<LAMBDA>` otherwise.
pub fn resolve_installables(ev: &Evaluator, a: &CommonArgs, call_result: bool) -> EvalResult<Vec<Value>> {
    let auto = auto_args(ev, a)?;
    let select = |root: Value, path: &str| {
        if call_result {
            select_attr_path(ev, root, path, &auto)
        } else {
            walk_attr_path(ev, root, path, &auto)
        }
    };
    let paths: Vec<String> = if a.attr_paths.is_empty() { vec![String::new()] } else { a.attr_paths.clone() };
    let has_flakes = !a.expr_mode && a.files.iter().any(|f| is_flake_installable(f));
    if !has_flakes {
        let roots = load_roots(ev, a)?;
        let mut out = Vec::new();
        for root in roots {
            for path in &paths {
                out.push(select(root.clone(), path)?);
            }
        }
        return Ok(out);
    }
    let overrides = overrides(a)?;
    let mut flakes = Flakes::default();
    let mut out = Vec::new();
    for arg in &a.files {
        let root = if is_flake_installable(arg) {
            let (r, fragment) = parse_installable(arg)?;
            let flake = flakes.get(ev, &r, &overrides)?;
            let v = flake_attr(ev, &flake, &r, &fragment)?;
            // Flake outputs are not auto-called (`nix eval` prints functions as they are).
            if a.attr_paths.is_empty() {
                out.push(v);
                continue;
            }
            v
        } else {
            let single = CommonArgs { files: vec![arg.clone()], ..a.clone() };
            load_roots(ev, &single)?.remove(0)
        };
        for path in &paths {
            out.push(select(root.clone(), path)?);
        }
    }
    Ok(out)
}
