//! Diagnostics: source positions and the rendering of errors.

pub mod render;
pub mod source_map;
