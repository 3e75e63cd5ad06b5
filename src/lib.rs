//! tern: an evaluator for the Nix language, with a store, a builder and a package-set stdlib.

pub mod allocator;
pub mod build;
pub mod cli;
pub mod diag;
pub mod eval;
pub mod fetch;
pub mod flake;
pub mod numfmt;
pub mod repl;
pub mod stdlib;
pub mod store;
pub mod symbol;
pub mod syntax;

pub use store::STORE_DIR;
