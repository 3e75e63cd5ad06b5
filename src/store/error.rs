//! The store layer's error type.
//!
//! One enum for every failure in `store::*`, from a malformed hash string to
//! an SQLite error. Messages follow CppNix's wording where users are likely
//! to grep for them ("invalid SRI hash '…'", "path '…' is not valid"), and
//! always name the offending value so the user can act on it. The evaluator
//! wraps these in its own diagnostics (it adds spans); this module knows
//! nothing about source positions.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Everything that can go wrong in the store layer.
#[derive(Debug)]
pub enum StoreError {
    /// A hash or nix32 string could not be parsed; the message is complete
    /// (CppNix wording, e.g. "hash 'x' has wrong length for hash type 'sha256'").
    BadHash(String),
    /// A store path or store path name is malformed (spec §1.3); the
    /// message is complete and names the offending path and character.
    BadStorePath(String),
    /// A file system operation failed.
    Io { action: &'static str, path: PathBuf, source: io::Error },
    /// A file that is neither a regular file, a directory nor a symlink was
    /// met while serialising a NAR.
    UnsupportedFileType { path: PathBuf },
    /// A NAR stream is malformed.
    BadArchive(String),
    /// A `.drv` file could not be parsed; `offset` is the byte position.
    BadDerivation { offset: usize, message: String },
    /// A derivation is structurally wrong (e.g. an input refers to a missing
    /// output) or uses an unsupported feature.
    Derivation(String),
    /// A store path was expected to be valid (registered) but is not.
    NotValid { path: String },
    /// The metadata database failed.
    Db { action: String, source: rusqlite::Error },
    /// Anything else, with a complete message.
    Other(String),
}

impl StoreError {
    /// Wraps an I/O error with the action and path it concerned.
    #[cold]
    pub fn io(action: &'static str, path: &Path, source: io::Error) -> StoreError {
        StoreError::Io { action, path: path.to_path_buf(), source }
    }

    #[cold]
    pub(crate) fn bad_hash(msg: String) -> StoreError {
        StoreError::BadHash(msg)
    }

    #[cold]
    pub(crate) fn db(action: impl Into<String>, source: rusqlite::Error) -> StoreError {
        StoreError::Db { action: action.into(), source }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::BadHash(msg) => f.write_str(msg),
            StoreError::BadStorePath(msg) => f.write_str(msg),
            StoreError::Io { action, path, source } => write!(f, "cannot {action} '{}': {source}", path.display()),
            StoreError::UnsupportedFileType { path } => {
                write!(f, "file '{}' has an unsupported type", path.display())
            }
            StoreError::BadArchive(msg) => write!(f, "bad archive: {msg}"),
            StoreError::BadDerivation { offset, message } => {
                write!(f, "error parsing derivation at byte {offset}: {message}")
            }
            StoreError::Derivation(msg) => f.write_str(msg),
            StoreError::NotValid { path } => write!(f, "path '{path}' is not valid"),
            StoreError::Db { action, source } => {
                write!(f, "store database error while {action}: {source}")
            }
            StoreError::Other(msg) => f.write_str(msg),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io { source, .. } => Some(source),
            StoreError::Db { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Shorthand used throughout the store layer.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
