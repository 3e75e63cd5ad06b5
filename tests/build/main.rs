//! Integration tests of the embedded builder: they build real derivations
//! into temporary stores (through user/mount namespaces as needed) and
//! compare with CppNix 2.8's results (`tests/vectors/build.tsv`, and a live
//! `nix-build` where installed).

mod faults;
mod features;
mod integrity;
mod isolation;
mod platform;
mod support;
mod vectors;
