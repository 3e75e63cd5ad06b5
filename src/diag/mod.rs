//! Diagnostics: source positions and the rendering of errors.

pub mod source_map;
