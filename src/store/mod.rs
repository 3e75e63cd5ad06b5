//! placeholder
pub mod base32;
pub mod content_address;
pub mod error;
pub mod hash;
pub mod path;
