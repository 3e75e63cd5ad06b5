//! `tern log PATH`: prints the build log of a derivation or of the
//! derivation that built an output (as `nix log` / `nix-store --read-log`).
//!
//! PATH is a `.drv` or output store path (`/nix/store/…`), or a physical
//! path into tern's store such as a `result` symlink.

use std::io::Write;
use std::path::Path;

use super::args::{parse, Spec};
use super::usage_error;
use crate::build::log::read_log;
use crate::store::{resolve_root, Store, StorePath, STORE_DIR};

const SPEC: Spec = Spec { flags: &[], valued: &[] };

pub fn run(argv: &[String]) -> i32 {
    let a = match parse(argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    if a.files.len() != 1 {
        return usage_error("'tern log' needs exactly one store path");
    }
    let root = match resolve_root(a.store.as_deref().map(Path::new)) {
        Ok(r) => r,
        Err(e) => return usage_error(&e.to_string()),
    };
    let store = match Store::open(&root) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot open the store at '{}': {e}", root.display());
            return 1;
        }
    };
    let arg = &a.files[0];
    let physical = store.root().join("store");
    let resolved = std::fs::canonicalize(arg).ok().filter(|p| p.starts_with(&physical));
    let logical = match &resolved {
        Some(p) => format!("{STORE_DIR}/{}", p.strip_prefix(&physical).unwrap_or(p).display()),
        None => arg.clone(),
    };
    let path = match crate::store::path::split_store_path(&logical) {
        Ok((p, _)) => p,
        Err(e) => return usage_error(&format!("'{arg}' is not a store path: {e}")),
    };
    let drv: StorePath = if path.is_derivation() {
        path.clone()
    } else {
        match store.query_info(&path) {
            Ok(Some(info)) => match info.deriver {
                Some(d) => d,
                None => {
                    eprintln!("error: '{path}' was not built by a derivation, so it has no build log");
                    return 1;
                }
            },
            Ok(None) => {
                eprintln!("error: path '{path}' is not valid");
                return 1;
            }
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    };
    match read_log(store.root(), &drv) {
        Ok(Some(bytes)) => {
            let _ = std::io::stdout().write_all(&bytes);
            0
        }
        Ok(None) => {
            eprintln!("error: build log of '{drv}' is not available");
            1
        }
        Err(e) => {
            eprintln!("error: cannot read the build log of '{drv}': {e}");
            1
        }
    }
}
