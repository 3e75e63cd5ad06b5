//! placeholder
pub mod aterm;
pub mod base32;
pub mod content_address;
pub mod derivation;
pub mod error;
pub mod hash;
pub mod nar;
pub mod path;
