//! `tern instantiate`: evaluate like `nix-instantiate`, write the derivations found to the
//! store and print their `.drv` paths, one per line.
//!
//! Which values count follows CppNix's `getDerivations`: the (auto-called) value may be a
//! derivation, a list of values (searched element by element, nested lists too), or an
//! attrset whose attributes are searched — at the top level always, deeper only inside
//! sets that say `recurseForDerivations = true`. Attribute names that are not plain
//! identifiers (`[A-Za-z_][A-Za-z0-9-_+]*`) are skipped, as are repeats of the very same
//! derivation value. A derivation whose `outputName` is not `out` prints as `drv!name`.

use crate::eval::shared::Shared;
use std::collections::HashSet;

use super::args::{parse, CommonArgs, Spec};
use super::{auto_args, auto_call, report, usage_error};
use crate::eval::attrs::Attrs;
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

const SPEC: Spec = Spec { flags: &["--indirect"], valued: &["--add-root"] };

/// A derivation found in a value.
pub struct FoundDrv {
    pub drv_path: String,
    pub output_name: String,
}

pub fn run(argv: &[String]) -> i32 {
    // `nix-instantiate --eval` (or the old `--eval-only`) prints the value instead: the
    // same as `tern eval`, so scripts written for nix-instantiate work with either name.
    if argv.iter().any(|a| a == "--eval" || a == "--eval-only") {
        let rest: Vec<String> = argv.iter().filter(|a| *a != "--eval" && *a != "--eval-only").cloned().collect();
        return super::eval::run(&rest);
    }
    let a = match parse(argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let settings = match a.settings() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    if a.value("--add-root").is_some() {
        eprintln!("warning: tern has no garbage collector; '--add-root' is ignored");
    }
    let ev = Evaluator::new(settings);
    match instantiate(&ev, &a) {
        Ok(found) => {
            if let Some(socket) = crate::store::chosen_daemon(a.store.as_deref()) {
                if let Err(e) = to_daemon(&socket, &a, &found) {
                    eprintln!("error: {e}");
                    return 1;
                }
            }
            let mut out = String::new();
            for d in found {
                out.push_str(&d.drv_path);
                if d.output_name != "out" {
                    out.push('!');
                    out.push_str(&d.output_name);
                }
                out.push('\n');
            }
            print!("{out}");
            0
        }
        Err(e) => {
            report(&e, a.show_trace);
            1
        }
    }
}

/// With `--store daemon`: the derivations go to the daemon's store too.
fn to_daemon(socket: &std::path::Path, a: &CommonArgs, found: &[FoundDrv]) -> Result<(), String> {
    let root = crate::store::resolve_root(a.store.as_deref().map(std::path::Path::new)).map_err(|e| e.to_string())?;
    let store = crate::store::Store::open(&root).map_err(|e| e.to_string())?;
    let drvs = found
        .iter()
        .map(|d| crate::store::StorePath::parse(&d.drv_path).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    super::daemon::copy_derivations(socket, &store, &drvs)
}

/// Evaluates the file/expression arguments (with `-A` paths and auto-arguments) and
/// collects the derivations in them.
pub fn instantiate(ev: &Evaluator, a: &CommonArgs) -> EvalResult<Vec<FoundDrv>> {
    let values = super::installable::resolve_installables(ev, a, true)?;
    let auto = auto_args(ev, a)?;
    let mut c = Collector { ev, auto: &auto, found: Vec::new(), done: HashSet::new(), kept: Vec::new() };
    for v in values {
        c.derivations(&v)?;
    }
    Ok(c.found)
}

struct Collector<'a> {
    ev: &'a Evaluator,
    auto: &'a [(Symbol, Value)],
    found: Vec<FoundDrv>,
    /// Derivation sets already taken, by address (each kept alive in `kept` so addresses
    /// stay unique).
    done: HashSet<usize>,
    kept: Vec<Shared<Attrs>>,
}

fn is_attr_name(name: &[u8]) -> bool {
    match name.split_first() {
        Some((first, rest)) => {
            (first.is_ascii_alphabetic() || *first == b'_')
                && rest.iter().all(|c| c.is_ascii_alphanumeric() || b"-_+".contains(c))
        }
        None => false,
    }
}

impl Collector<'_> {
    /// `getDerivations`: searches `v` (auto-called first).
    fn derivations(&mut self, v: &Value) -> EvalResult<()> {
        let v = auto_call(self.ev, v.clone(), self.auto)?;
        if !self.derivation(&v)? {
            return Ok(());
        }
        match &v {
            Value::Attrs(attrs) => {
                let combine = attrs.contains(Symbol::intern("_combineChannels"));
                let recurse_sym = Symbol::intern("recurseForDerivations");
                for attr in attrs.iter_sorted() {
                    if !is_attr_name(attr.name.bytes()) {
                        continue;
                    }
                    let frame = || format!("while evaluating the attribute '{}'", attr.name);
                    if combine {
                        self.derivations(&attr.value).map_err(|e| e.with_frame(attr.pos.span(), frame()))?;
                    } else if self.derivation(&attr.value).map_err(|e| e.with_frame(attr.pos.span(), frame()))? {
                        let inner = self.ev.force(&attr.value)?;
                        if let Value::Attrs(set) = &inner {
                            if let Some(r) = set.get(recurse_sym) {
                                if self.ev.expect_bool(r, "")? {
                                    self.derivations(&inner)?;
                                }
                            }
                        }
                    }
                }
                Ok(())
            }
            Value::List(items) => {
                for item in items.iter() {
                    if self.derivation(item)? {
                        self.derivations(item)?;
                    }
                }
                Ok(())
            }
            _ => Err(EvalError::msg("expression does not evaluate to a derivation (or a set or list of those)")),
        }
    }

    /// `getDerivation`: takes `v` if it is a derivation not seen before; returns whether the
    /// caller should search inside it (true for anything that is not a derivation).
    fn derivation(&mut self, v: &Value) -> EvalResult<bool> {
        let ev = self.ev;
        let v = ev.force(v)?;
        let Value::Attrs(attrs) = &v else { return Ok(true) };
        if !ev.is_derivation(attrs)? {
            return Ok(true);
        }
        if !self.done.insert(Shared::as_ptr(attrs) as usize) {
            return Ok(false);
        }
        self.kept.push(attrs.clone());
        if !attrs.contains(ev.syms.name) {
            return Err(EvalError::msg("derivation name missing"));
        }
        let drv_path = match attrs.get(ev.syms.drv_path) {
            Some(p) => ev.expect_string(p, "while evaluating the 'drvPath' attribute of a derivation")?,
            None => return Err(EvalError::msg("derivation does not contain a 'drvPath' attribute")),
        };
        let drv_path = drv_path.to_str_lossy().into_owned();
        let output_name = match attrs.get(ev.syms.output_name) {
            Some(o) => {
                ev.expect_string(o, "while evaluating the output name of a derivation")?.to_str_lossy().into_owned()
            }
            None => String::new(),
        };
        if output_name.is_empty() {
            return Err(EvalError::msg(format!("derivation '{drv_path}' lacks an 'outputName' attribute")));
        }
        self.found.push(FoundDrv { drv_path, output_name });
        Ok(false)
    }
}
