//! The evaluator façade: settings, global state and the entry points the CLI, REPL and
//! tests use (`eval_file`, `eval_string`, `import`).
//!
//! Module map: `lower` turns the AST into `ir`; `machine` evaluates IR (force, call,
//! operators); `coerce` and `compare` hold Nix's string-coercion and equality/ordering
//! rules; `print` renders values like `nix-instantiate --eval`, `pretty` like `nix repl`; `import` owns file loading
//! and the search path; `stack` the cheap stack-growth checks every force, call and deep
//! drop goes through; `builtins/` the primops, one file per family.

pub mod attrs;
pub mod builtins;
pub mod call;
pub mod capture;
pub mod coerce;
pub mod compare;
pub mod env;
pub mod error;
pub mod import;
pub mod ir;
pub mod let_cycles;
pub mod lower;
pub mod machine;
pub mod operators;
pub mod pretty;
pub mod print;
pub mod shared;
pub mod stack;
pub mod string;
pub mod thunk;
pub mod value;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::symbol::Symbol;

use env::{Env, Frame};
use value::Value;

/// Where `<name>` lookups go: `-I` entries first, then `NIX_PATH`, then the stdlib.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchPathEntry {
    /// Empty for a plain directory entry.
    pub prefix: String,
    pub path: String,
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// The user's search path (`-I`, then `NIX_PATH`): what `builtins.nixPath` shows.
    pub search_path: Vec<SearchPathEntry>,
    /// Where `<name>` lookups go when the search path given to `findFile` has no match:
    /// the stdlib (`<nixpkgs>`, `<tern>`) and the built-in `<nix/…>` files. Not part of
    /// `nixPath`, so user code sees only what the user configured.
    pub fallback_search_path: Vec<SearchPathEntry>,
    pub current_system: String,
    /// Pure evaluation forbids impure builtins (`currentTime`, `getEnv`, …).
    pub pure: bool,
    pub max_call_depth: u32,
    pub show_trace: bool,
    /// Experimental features turned on (`pipe-operators`, `flakes`, …): `pipe-operators`
    /// enables `|>`/`<|` and `parse-toml-timestamps` changes `fromTOML`; the others are
    /// accepted for CLI compatibility.
    pub experimental_features: Vec<String>,
    /// What to do about URL, absolute-path and short-path literals: none, warn, fatal.
    pub lint_url_literals: Lint,
    pub lint_absolute_path_literals: Lint,
    pub lint_short_path_literals: Lint,
    /// Print `traceVerbose` messages.
    pub trace_verbose: bool,
    /// Turn `warn` into an error.
    pub abort_on_warn: bool,
    /// The physical root of the store (`--store DIR`); `None` means `TERN_STORE`, else the
    /// per-user default (see `store::resolve_root`).
    pub store_root: Option<std::path::PathBuf>,
    /// Compute store paths without writing `.drv` files, texts and source imports (what
    /// `nix-instantiate --eval` does); fetched inputs are still added.
    pub read_only_store: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lint {
    Off,
    Warn,
    Fatal,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            search_path: Vec::new(),
            fallback_search_path: crate::stdlib::search_path_entries(),
            current_system: default_system(),
            pure: false,
            max_call_depth: 10_000,
            show_trace: false,
            experimental_features: Vec::new(),
            lint_url_literals: Lint::Off,
            lint_absolute_path_literals: Lint::Off,
            lint_short_path_literals: Lint::Off,
            trace_verbose: false,
            abort_on_warn: false,
            store_root: None,
            read_only_store: false,
        }
    }
}

impl Settings {
    /// The experimental syntax the parser accepts under these settings.
    pub fn syntax_features(&self) -> crate::syntax::Features {
        crate::syntax::Features { pipe_operators: self.experimental_features.iter().any(|f| f == "pipe-operators") }
    }
}

/// The Nix system double of this machine (`x86_64-linux`, …).
pub fn default_system() -> String {
    let arch = match std::env::consts::ARCH {
        "x86" => "i686",
        "arm" => "armv7l",
        "powerpc64" if cfg!(target_endian = "little") => "powerpc64le",
        other => other,
    };
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{arch}-{os}")
}

/// Symbols the machine needs constantly, interned once.
pub struct Syms {
    pub out_path: Symbol,
    pub type_: Symbol,
    pub functor: Symbol,
    pub to_string: Symbol,
    pub drv_path: Symbol,
    pub name: Symbol,
    pub value: Symbol,
    pub body: Symbol,
    pub file: Symbol,
    pub line: Symbol,
    pub column: Symbol,
    pub ignore_nulls: Symbol,
    pub structured_attrs: Symbol,
    pub outputs: Symbol,
    pub args: Symbol,
    pub system: Symbol,
    pub builder: Symbol,
    pub output_name: Symbol,
    pub key: Symbol,
    pub success: Symbol,
    pub path: Symbol,
    pub all_outputs: Symbol,
    pub operator: Symbol,
    pub start_set: Symbol,
    pub right: Symbol,
    pub wrong: Symbol,
    pub prefix: Symbol,
    pub function_args: Symbol,
    pub overrides: Symbol,
}

impl Syms {
    fn new() -> Syms {
        let s = Symbol::intern;
        Syms {
            out_path: s("outPath"),
            type_: s("type"),
            functor: s("__functor"),
            to_string: s("__toString"),
            drv_path: s("drvPath"),
            name: s("name"),
            value: s("value"),
            body: s("body"),
            file: s("file"),
            line: s("line"),
            column: s("column"),
            ignore_nulls: s("__ignoreNulls"),
            structured_attrs: s("__structuredAttrs"),
            outputs: s("outputs"),
            args: s("args"),
            system: s("system"),
            builder: s("builder"),
            output_name: s("outputName"),
            key: s("key"),
            success: s("success"),
            path: s("path"),
            all_outputs: s("allOutputs"),
            operator: s("operator"),
            start_set: s("startSet"),
            right: s("right"),
            wrong: s("wrong"),
            prefix: s("prefix"),
            function_args: s("__functionArgs"),
            overrides: s("__overrides"),
        }
    }
}

pub struct Evaluator {
    pub settings: Settings,
    pub syms: Syms,
    /// Names visible in every file: `builtins`, `true`, `map`, `__sub`, …
    pub globals: HashMap<Symbol, Value>,
    /// The `builtins` attrset.
    pub builtins: Value,
    /// An empty frame files are evaluated in (globals are inlined, so it has no slots).
    pub root_env: Env,
    /// Imported files, by canonical path: each file is parsed and evaluated once.
    pub(crate) import_cache: RefCell<HashMap<String, Value>>,
    pub(crate) call_depth: Cell<u32>,
    /// Set by a signal handler (another thread); checked at calls so Ctrl-C can stop a long
    /// evaluation.
    pub interrupted: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Per-builtin caches and state (regexes, copied paths, modulo hashes, …).
    pub(crate) caches: builtins::Caches,
    /// The store, opened on first use (pure evaluations never touch it).
    pub(crate) store: std::cell::OnceCell<crate::store::Store>,
}

impl Evaluator {
    pub fn new(settings: Settings) -> Evaluator {
        let mut ev = Evaluator {
            settings,
            syms: Syms::new(),
            globals: HashMap::new(),
            builtins: Value::Null,
            root_env: Frame::new(None, Vec::new()),
            import_cache: RefCell::new(HashMap::new()),
            call_depth: Cell::new(0),
            interrupted: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
            caches: builtins::Caches::default(),
            store: std::cell::OnceCell::new(),
        };
        builtins::install(&mut ev);
        ev
    }

    /// Fails with an `Interrupted` error if Ctrl-C was pressed (for long loops that make no
    /// function calls, such as printing a big value).
    #[inline]
    pub fn check_interrupt(&self) -> error::EvalResult<()> {
        if self.interrupted.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(error::EvalError::new(error::ErrorKind::Interrupted, "interrupted by the user", None));
        }
        Ok(())
    }
}
