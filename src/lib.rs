//! tern: an evaluator for the Nix language, with a store, a builder and a package-set stdlib.

pub mod diag;
pub mod store;
pub mod symbol;
pub mod syntax;
