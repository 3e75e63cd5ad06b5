//! Store-layer tests against the CppNix 2.8 vectors in `tests/vectors`
//! (copied from `shared/vectors`, see its README), plus on-disk store tests.

mod support;

mod cppnix;
mod derivations;
mod eval_paths;
mod hashes;
mod local;
mod nar;
mod paths;
