//! Loading code: parsing and lowering sources, `import` with its per-process cache, and
//! the search path behind `<name>`.
//!
//! Every file is parsed and lowered once; its IR is leaked (it lives as long as the
//! process) and the value of an `import` is cached by canonical path, so importing the same
//! file twice yields the very same value, as in CppNix.

use std::path::Path;

use crate::diag::source_map::{add_source_bytes, Origin, Span};
use crate::syntax;

use super::env::{Env, Frame};
use super::error::{ErrorKind, EvalError, EvalResult};
use super::ir::Ir;
use super::lower::{canonicalize, Lowerer, OuterScope};
use super::value::Value;
use super::Evaluator;

/// Parsed and lowered code ready to evaluate.
pub struct Program {
    pub ir: &'static Ir,
}

impl Evaluator {
    /// Parses and lowers a source text. `outer` names the slots of frames the code will be
    /// evaluated under (REPL variables, `scopedImport`).
    pub fn compile(&self, origin: Origin, text: &[u8], base_dir: &str, outer: Vec<OuterScope>) -> EvalResult<Program> {
        self.compile_named(origin, text, base_dir, outer, None)
    }

    /// Like `compile`; a function the text defines directly is named `name` in messages and
    /// printing (the REPL's `f = x: …`).
    pub fn compile_named(
        &self,
        origin: Origin,
        text: &[u8],
        base_dir: &str,
        outer: Vec<OuterScope>,
        name: Option<crate::symbol::Symbol>,
    ) -> EvalResult<Program> {
        let file = add_source_bytes(origin, text);
        let ast = syntax::parse_with(file, text, self.settings.syntax_features())
            .map_err(|e| EvalError::new(ErrorKind::Parse, e.message, Some(e.span)))?;
        let mut lowerer = Lowerer::new(&self.globals, base_dir.to_string(), outer);
        lowerer.lints = super::lower::Lints {
            url: self.settings.lint_url_literals,
            absolute_path: self.settings.lint_absolute_path_literals,
            short_path: self.settings.lint_short_path_literals,
        };
        let ir =
            lowerer.lower_program(&ast, name).map_err(|e| EvalError::new(ErrorKind::Parse, e.message, Some(e.span)))?;
        // Drop the AST on a big stack: deeply nested input makes its destructor recurse.
        crate::eval::stack::maybe_grow(64 * 1024, 4 * 1024 * 1024, move || drop(ast));
        Ok(Program { ir: Box::leak(Box::new(ir)) })
    }

    /// Evaluates an expression given as text (`-E`), relative paths resolving against
    /// `base_dir`.
    pub fn eval_string(&self, text: &str, base_dir: &str) -> EvalResult<Value> {
        let program = self.compile(Origin::String, text.as_bytes(), base_dir, Vec::new())?;
        self.eval(program.ir, &self.root_env.clone())
    }

    /// Evaluates standard input's text.
    pub fn eval_stdin(&self, text: &str, base_dir: &str) -> EvalResult<Value> {
        let program = self.compile(Origin::Stdin, text.as_bytes(), base_dir, Vec::new())?;
        self.eval(program.ir, &self.root_env.clone())
    }

    /// Evaluates code under extra named frames (innermost last), e.g. REPL variables.
    pub fn eval_with_scopes(
        &self,
        origin: Origin,
        text: &str,
        base_dir: &str,
        scopes: &[(Vec<crate::symbol::Symbol>, Vec<Value>)],
    ) -> EvalResult<Value> {
        let outer = scopes.iter().map(|(names, _)| OuterScope { names: names.clone() }).collect();
        let program = self.compile(origin, text.as_bytes(), base_dir, outer)?;
        let mut env: Env = self.root_env.clone();
        for (_, values) in scopes {
            env = Frame::new(Some(env), values.clone());
        }
        self.eval(program.ir, &env)
    }

    /// Resolves what `import p` reads: a file, or `default.nix` in a directory. A symlink
    /// at the end of the path is followed first (relative to the link's directory), as
    /// CppNix does, so the file's relative paths resolve against the target and the import
    /// cache sees one file under one name.
    pub fn resolve_import_path(&self, path: &str) -> EvalResult<String> {
        let path = &self.follow_final_symlinks(path)?;
        // Store paths (an `import` of a `toFile` result) live under the store root.
        let p = self.physical_path(path)?;
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => Ok(canonicalize(&format!("{path}/default.nix"))),
            Ok(_) => Ok(path.to_string()),
            Err(e) => {
                Err(EvalError::new(ErrorKind::Io, format!("path '{path}' does not exist{}", io_detail(&e)), None))
            }
        }
    }

    /// Follows the last component of `path` while it is a symlink (at most 1023 links, like
    /// CppNix's `resolveExprPath`). Directories above it are left as written.
    fn follow_final_symlinks(&self, path: &str) -> EvalResult<String> {
        // CppNix gives up when its 1024th step would start, after 1023 links followed.
        const MAX_FOLLOW: usize = 1023;
        let mut path = path.to_string();
        for _ in 0..MAX_FOLLOW {
            if path == "/" {
                return Ok(path);
            }
            let physical = self.physical_path(&path)?;
            let is_link = std::fs::symlink_metadata(&physical).is_ok_and(|m| m.file_type().is_symlink());
            if !is_link {
                return Ok(path);
            }
            let Ok(target) = std::fs::read_link(&physical) else { return Ok(path) };
            let target = target.to_string_lossy();
            path = if target.starts_with('/') {
                canonicalize(&target)
            } else {
                let parent = Path::new(&path).parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
                canonicalize(&format!("{parent}/{target}"))
            };
        }
        Err(EvalError::new(
            ErrorKind::Io,
            format!("too many symbolic links encountered while traversing the path '{path}'"),
            None,
        ))
    }

    /// `import path`: evaluates a file once per process.
    pub fn import_file(&self, path: &str) -> EvalResult<Value> {
        let file = self.resolve_import_path(path)?;
        let cached = self.import_cache.borrow().get(&file).cloned();
        if let Some(v) = cached {
            return self.force(&v);
        }
        let text = std::fs::read(self.physical_path(&file)?)
            .map_err(|e| EvalError::new(ErrorKind::Io, format!("cannot read '{file}': {}", describe_io(&e)), None))?;
        let dir = Path::new(&file).parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|| "/".into());
        let program = self.compile(self.origin_of(&file), &text, &dir, Vec::new())?;
        // A file's value is a thunk so that mutually importing files stay lazy.
        let value = super::thunk::ThunkCell::code(program.ir, self.root_env.clone());
        self.import_cache.borrow_mut().insert(file, value.clone());
        self.force(&value)
    }

    /// `scopedImport attrs path`: evaluates a file with extra variables in scope (not
    /// cached, since the scope differs per call).
    pub fn scoped_import(&self, scope: &super::attrs::Attrs, path: &str) -> EvalResult<Value> {
        let file = self.resolve_import_path(path)?;
        let text = std::fs::read(self.physical_path(&file)?)
            .map_err(|e| EvalError::new(ErrorKind::Io, format!("cannot read '{file}': {}", describe_io(&e)), None))?;
        let dir = Path::new(&file).parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_else(|| "/".into());
        let names: Vec<_> = scope.iter().map(|a| a.name).collect();
        let values: Vec<_> = scope.iter().map(|a| a.value.clone()).collect();
        let program = self.compile(self.origin_of(&file), &text, &dir, vec![OuterScope { names }])?;
        let env = Frame::new(Some(self.root_env.clone()), values);
        self.eval(program.ir, &env)
    }

    fn origin_of(&self, file: &str) -> Origin {
        Origin::File(file.to_string())
    }

    /// Finds `<name>` in the search path, then in the fallback entries (the stdlib).
    pub fn find_file(&self, entries: &[super::SearchPathEntry], name: &str, span: Option<Span>) -> EvalResult<String> {
        for entry in entries.iter().chain(self.settings.fallback_search_path.iter()) {
            let candidate = if entry.prefix.is_empty() {
                format!("{}/{name}", entry.path)
            } else if name == entry.prefix {
                entry.path.clone()
            } else if let Some(rest) = name.strip_prefix(&entry.prefix).and_then(|r| r.strip_prefix('/')) {
                format!("{}/{rest}", entry.path)
            } else {
                continue;
            };
            crate::stdlib::ensure_for(&candidate);
            if Path::new(&candidate).exists() {
                return Ok(canonicalize(&candidate));
            }
        }
        // Catchable, as in CppNix: `tryEval <optional>` is a common idiom.
        Err(EvalError::new(
            ErrorKind::Throw,
            format!("file '{name}' was not found in the Nix search path (add it using $NIX_PATH or -I)"),
            span,
        ))
    }

    /// Copies a path into the store for interpolation and derivations; returns the store
    /// path and its context element.
    pub fn copy_path_to_store(&self, path: &str) -> EvalResult<(String, super::string::ContextElem)> {
        super::builtins::store_bridge::copy_path_to_store(self, path)
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

fn io_detail(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => String::new(),
        _ => format!(" ({})", describe_io(e)),
    }
}
