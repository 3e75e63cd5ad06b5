//! tern: an evaluator for the Nix language, with a store, a builder and a package-set stdlib.

pub mod cli;
pub mod diag;
pub mod eval;
pub mod numfmt;
pub mod stdlib;
pub mod symbol;
pub mod syntax;

/// The logical store directory: paths are computed as if the store were here, whatever
/// its physical location, so they match CppNix's.
pub const STORE_DIR: &str = "/nix/store";
