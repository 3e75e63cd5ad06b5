//! The builtins: one table row per primop (name, arity, function, doc), one file per family.
//!
//! `install` builds the `builtins` attrset and the global scope from the families' tables:
//! every primop is reachable as `builtins.NAME` and `__NAME`, and a few also bare (`map`,
//! `toString`, `import`, …), exactly the set CppNix exposes. A primop receives its
//! arguments unforced and forces what its semantics require.

pub mod args;
pub mod arith;
pub mod attrs;
pub mod context;
pub mod control;
pub mod derivation;
pub mod fetch;
pub mod flake;
pub mod git_input;
mod git_tree;
pub mod git_verify;
pub mod hash;
pub mod hg;
pub mod json;
pub mod lists;
pub mod paths;
pub mod regex;
pub mod store_bridge;
pub mod store_paths;
pub mod strings;
pub mod toml;
pub mod tracked_trees;
pub mod types;
pub mod versions;
pub mod xml;

use std::cell::RefCell;
use std::collections::HashMap;

use crate::diag::source_map::Span;
use crate::symbol::Symbol;

use super::attrs::AttrsBuilder;
use super::error::EvalResult;
use super::value::Value;
use super::Evaluator;

pub type PrimOpFn = fn(&Evaluator, &[Value], Span) -> EvalResult<Value>;

pub struct PrimOp {
    pub name: &'static str,
    pub arity: u8,
    pub func: PrimOpFn,
    /// Argument names, for `:doc` and `functionArgs`-style displays.
    pub args: &'static [&'static str],
    pub doc: &'static str,
}

/// Builtins that are also visible without the `builtins.` prefix.
const BARE_GLOBALS: &[&str] = &[
    "abort",
    "baseNameOf",
    "break",
    "derivation",
    "derivationStrict",
    "dirOf",
    "fetchGit",
    "fetchMercurial",
    "fetchTarball",
    "fetchTree",
    "fromTOML",
    "import",
    "isNull",
    "map",
    "placeholder",
    "removeAttrs",
    "scopedImport",
    "throw",
    "toString",
];

/// Per-process caches and state used by builtins.
#[derive(Default)]
pub struct Caches {
    /// Compiled regexes of `match` and `split`, by pattern.
    pub regexes: RefCell<HashMap<Vec<u8>, std::rc::Rc<regex::CompiledRegex>>>,
    /// Source path → the store path it was copied to.
    pub store_paths: RefCell<HashMap<String, std::rc::Rc<str>>>,
    /// Modulo hashes of every derivation seen, by drv path.
    pub drv_hashes: RefCell<crate::store::HashModuloMemo>,
    /// Output names of derivations read back from the store, by drv path.
    pub drv_outputs: RefCell<HashMap<String, std::rc::Rc<[String]>>>,
    /// `readDir` results by path: sources are taken not to change during one evaluation
    /// (as for `import`), and package sets list the same directories in every stage.
    pub read_dirs: RefCell<HashMap<String, super::value::Value>>,
    /// Source trees that copy to the store in their own way (flakes used in place), by path.
    pub source_copies: RefCell<HashMap<String, store_bridge::SourceCopy>>,
    /// Git work trees of which only tracked files are visible (flakes used in place).
    pub tracked_trees: RefCell<Vec<std::rc::Rc<tracked_trees::TrackedTree>>>,
}

fn families() -> Vec<&'static [PrimOp]> {
    vec![
        arith::PRIMOPS,
        attrs::PRIMOPS,
        context::PRIMOPS,
        control::PRIMOPS,
        fetch::PRIMOPS,
        flake::PRIMOPS,
        derivation::PRIMOPS,
        hash::PRIMOPS,
        json::PRIMOPS,
        lists::PRIMOPS,
        paths::PRIMOPS,
        regex::PRIMOPS,
        store_paths::PRIMOPS,
        strings::PRIMOPS,
        toml::PRIMOPS,
        types::PRIMOPS,
        versions::PRIMOPS,
        xml::PRIMOPS,
    ]
}

/// Looks up a primop by name (for `:doc`).
pub fn find(name: &str) -> Option<&'static PrimOp> {
    families().into_iter().flat_map(|f| f.iter()).find(|p| p.name == name)
}

pub fn install(ev: &mut Evaluator) {
    let mut b = AttrsBuilder::with_capacity(160);
    let mut globals: HashMap<Symbol, Value> = HashMap::new();
    for family in families() {
        for op in family.iter() {
            let v = Value::PrimOp(op);
            b.insert_str(op.name, v.clone());
            globals.insert(Symbol::intern(&format!("__{}", op.name)), v.clone());
            if BARE_GLOBALS.contains(&op.name) {
                globals.insert(Symbol::intern(op.name), v);
            }
        }
    }
    let constants = constants(ev);
    for (name, v) in &constants {
        b.insert_str(name, v.clone());
        globals.insert(Symbol::intern(&format!("__{name}")), v.clone());
    }
    for (name, v) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)] {
        b.insert_str(name, v.clone());
        globals.insert(Symbol::intern(name), v);
    }
    // `builtins.builtins` refers to the set itself; a thunk ties the knot lazily.
    let cell: std::rc::Rc<RefCell<Value>> = std::rc::Rc::new(RefCell::new(Value::Null));
    let knot = cell.clone();
    b.insert_str("builtins", super::thunk::ThunkCell::native(move |_| Ok(knot.borrow().clone())));
    // `derivation` is Nix code compiled against these globals; `builtins.derivation` is
    // tied in the same way as `builtins.builtins`.
    let wrapper: std::rc::Rc<RefCell<Value>> = std::rc::Rc::new(RefCell::new(Value::Null));
    let knot = wrapper.clone();
    b.insert_str("derivation", super::thunk::ThunkCell::native(move |_| Ok(knot.borrow().clone())));
    let builtins = Value::attrs(b.finish());
    *cell.borrow_mut() = builtins.clone();
    globals.insert(Symbol::intern("builtins"), builtins.clone());
    ev.globals = globals;
    ev.builtins = builtins;
    derivation::install_wrapper(ev, &wrapper);
}

/// The non-function builtins.
fn constants(ev: &Evaluator) -> Vec<(&'static str, Value)> {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let mut out = vec![
        ("currentSystem", Value::string(ev.settings.current_system.as_str())),
        ("langVersion", Value::Int(6)),
        ("nixVersion", Value::string(NIX_VERSION)),
        ("storeDir", Value::string(crate::STORE_DIR)),
        ("nixPath", paths::nix_path_value(&ev.settings.search_path)),
    ];
    if !ev.settings.pure {
        out.push(("currentTime", Value::Int(now)));
    }
    out
}

/// The CppNix language level tern implements (checked by `lib.versionAtLeast
/// builtins.nixVersion …` in the wild).
pub const NIX_VERSION: &str = "2.24.0";
