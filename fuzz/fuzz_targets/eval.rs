//! Evaluates arbitrary bytes as a Nix expression in pure mode, forces the result deeply,
//! prints it, and renders any error as the CLI would. The limits are the fuzzer's
//! (`-timeout`, `-rss_limit_mb`, see README.md) plus tern's own `max-call-depth`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tern::eval::{Evaluator, Settings};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let settings = Settings {
        pure: true,
        read_only_store: true,
        // No host store is ever written: `read_only_store` computes paths only.
        store_root: Some(std::env::temp_dir().join("tern-fuzz-store")),
        ..Settings::default()
    };
    let ev = Evaluator::new(settings);
    let result = ev.eval_string(text, "/var/empty").and_then(|v| {
        ev.force_deep(&v)?;
        Ok(tern::eval::print::print_value(&v))
    });
    if let Err(e) = result {
        let _ = tern::diag::render::render_eval_error(&e, true);
    }
});
