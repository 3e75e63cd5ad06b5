//! The evaluator's door to the store: opening it, mapping logical store paths to where
//! their bytes live, and copying source paths in.
//!
//! The store is opened lazily, on the first operation that needs it, at the root chosen by
//! `--store DIR` (`Settings::store_root`), else `TERN_STORE`, else the per-user default
//! (`store::resolve_root`). Logical paths are always under `/nix/store`; their bytes live
//! under the store root, so anything that *reads* a store path (`readFile`, `hashFile`,
//! re-importing a store path) goes through [`Evaluator::physical_path`].
//!
//! Copying a path (`"${./file}"`, a path in a derivation attribute) follows CppNix: the
//! canonical path's base name becomes the store name, the file system object is
//! NAR-hashed and added as a source, and the result is cached per path for the whole
//! evaluation. A base name ending in `.drv` is refused. A path that is itself in the store
//! is copied again (CppNix gives `<hash2>-<hash>-<name>`), read from the store root.
//!
//! Knows nothing about derivations; `derivation.rs` builds on these helpers.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::store::path::{is_in_store, split_store_path};
use crate::store::{FileIngestionMethod, Store, StoreError};

use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::super::string::ContextElem;
use super::super::Evaluator;

impl From<StoreError> for EvalError {
    #[cold]
    fn from(e: StoreError) -> EvalError {
        let kind = match e {
            StoreError::Io { .. } | StoreError::Db { .. } => ErrorKind::Io,
            _ => ErrorKind::Eval,
        };
        EvalError::new(kind, e.to_string(), None)
    }
}

impl Evaluator {
    /// The store, opened on first use.
    pub fn store(&self) -> EvalResult<&Store> {
        if let Some(s) = self.store.get() {
            return Ok(s);
        }
        let root = crate::store::resolve_root(self.settings.store_root.as_deref())?;
        let open = if self.settings.read_only_store { Store::open_read_only } else { Store::open };
        let store = open(&root).map_err(|e| {
            EvalError::new(ErrorKind::Io, format!("cannot open the store at '{}': {e}", root.display()), None)
        })?;
        Ok(self.store.get_or_init(|| store))
    }

    /// Where the bytes of `path` live: a path inside a valid store object maps to the store
    /// root; anything else is a host path.
    pub fn physical_path(&self, path: &str) -> EvalResult<PathBuf> {
        if is_in_store(path) {
            if let Ok((sp, _)) = split_store_path(path) {
                let store = self.store()?;
                if store.is_valid(&sp)? {
                    return Ok(store.real_path_of(path)?);
                }
            }
        }
        super::tracked_trees::check_visible(self, path)?;
        Ok(PathBuf::from(path))
    }
}

/// The last component of a canonical path (`""` for `/`).
pub fn path_base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// An error for a source path that does not exist, in CppNix's words.
#[cold]
pub fn missing_path(path: &str) -> EvalError {
    EvalError::new(ErrorKind::Io, format!("path '{path}' does not exist"), None)
}

/// How a source tree used in place (a flake's directory) is copied when a derivation
/// refers to it: under the name CppNix gives fetched trees (`source`), so the store path
/// is the one CppNix computes. (A git work tree keeps only tracked files, as every copy
/// under a registered tracked tree does.)
#[derive(Clone, Debug)]
pub struct SourceCopy {
    pub name: String,
}

/// Registers the way `path` is copied (see [`SourceCopy`]).
pub fn register_source_copy(ev: &Evaluator, path: &str, copy: SourceCopy) {
    ev.caches.source_copies.borrow_mut().entry(path.to_string()).or_insert(copy);
}

/// The name a path inside a tree used in place (a flake's source) has where CppNix
/// evaluates such a tree from: inside its store copy. `None` for any other path. Asking
/// copies the tree (once), as CppNix copies it before evaluating.
pub fn in_place_path_as_stored(ev: &Evaluator, path: &str) -> EvalResult<Option<String>> {
    let root = {
        let copies = ev.caches.source_copies.borrow();
        if copies.is_empty() {
            return Ok(None);
        }
        let inside = |root: &&String| {
            path.strip_prefix(root.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        match copies.keys().filter(inside).max_by_key(|root| root.len()) {
            Some(root) => root.clone(),
            None => return Ok(None),
        }
    };
    let (stored_root, _) = copy_path_to_store(ev, &root)?;
    Ok(Some(format!("{stored_root}{}", &path[root.len()..])))
}

/// The store name a copy of `path` gets by default (`builtins.path`, `filterSource`): its
/// base name; for the root of a tree used in place, the base name of the store path CppNix
/// would have put the tree at (`<hash>-source`), since there the root *is* that store path.
pub fn default_copy_name(ev: &Evaluator, path: &str) -> EvalResult<String> {
    if ev.caches.source_copies.borrow().contains_key(path) {
        let (sp, _) = copy_path_to_store(ev, path)?;
        return Ok(path_base_name(&sp).to_string());
    }
    Ok(path_base_name(path).to_string())
}

/// Copies a source path into the store (once per path per evaluation); returns the store
/// path and its plain context element.
pub fn copy_path_to_store(ev: &Evaluator, path: &str) -> EvalResult<(String, ContextElem)> {
    if let Some(sp) = ev.caches.store_paths.borrow().get(path) {
        return Ok((sp.to_string(), ContextElem::Plain(sp.clone())));
    }
    let special = ev.caches.source_copies.borrow().get(path).cloned();
    let name = special.as_ref().map(|c| c.name.as_str()).unwrap_or_else(|| path_base_name(path));
    if name.ends_with(".drv") {
        return Err(EvalError::msg("file names are not allowed to end in '.drv'"));
    }
    let src = ev.physical_path(path)?;
    if std::fs::symlink_metadata(&src).is_err() {
        return Err(missing_path(path));
    }
    let store = ev.store()?;
    let added = match super::tracked_trees::tree_of(ev, path) {
        Some((tree, _)) => {
            let keeps = tree.keeper()?;
            store.add_path_filtered(&src, name, FileIngestionMethod::Recursive, &mut |p: &Path, _| {
                Ok::<bool, StoreError>(keeps(p))
            })
        }
        None => store.add_path(&src, name, FileIngestionMethod::Recursive),
    };
    let sp = added.map_err(|e| EvalError::from(e).with_frame(None, format!("while copying '{path}' to the store")))?;
    let sp: Rc<str> = Rc::from(sp.to_absolute());
    ev.caches.store_paths.borrow_mut().insert(path.to_string(), sp.clone());
    Ok((sp.to_string(), ContextElem::Plain(sp)))
}
