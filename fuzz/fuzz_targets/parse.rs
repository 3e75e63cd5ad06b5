//! Parses arbitrary bytes and prints the tree back (`tern eval --parse`'s printer): neither
//! may crash, however deep or malformed the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern::diag::source_map::FileId;

fuzz_target!(|data: &[u8]| {
    // A file id no source is registered under: nothing accumulates between runs.
    if let Ok(ast) = tern::syntax::parse(FileId(u32::MAX), data) {
        let _ = tern::syntax::show::show(&ast);
    }
});
