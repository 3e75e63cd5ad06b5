//! `tern with-store [--store DIR] [--] COMMAND [ARGS…]`: runs a command where tern's
//! store appears at `/nix/store`.
//!
//! What tern builds refers to `/nix/store/…` (a program's library path, a wrapper's
//! symlinks), but tern's store usually lives elsewhere (`~/.local/share/tern/store`), so
//! those references dangle outside a build. This command gives the command the same view
//! builders have — a private mount namespace with the store bound at `/nix/store` — and
//! otherwise leaves it alone: same user, environment, working directory and terminal. With
//! no command it starts `$SHELL`.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::Path;

use super::usage_error;
use crate::build::sandbox::enter_store_view;
use crate::store::resolve_root;

const HELP: &str = "\
Usage: tern with-store [--store DIR] [--] [COMMAND [ARGS…]]

Runs COMMAND (default: $SHELL) with tern's store visible at /nix/store, as builders see it,
so that programs tern built (./result/bin/…) find their libraries and links.
";

pub fn run(argv: &[String]) -> i32 {
    let mut store: Option<String> = None;
    let mut i = 0;
    while i < argv.len() {
        match argv[i].as_str() {
            "--store" => {
                let Some(dir) = argv.get(i + 1) else { return usage_error("'--store' needs a directory") };
                store = Some(dir.clone());
                i += 2;
            }
            "--help" | "-h" => {
                print!("{HELP}");
                return 0;
            }
            "--" => {
                i += 1;
                break;
            }
            s if s.starts_with('-') => {
                return usage_error(&format!("unrecognised flag '{s}' (put the command after '--')"))
            }
            _ => break,
        }
    }
    let command: Vec<OsString> = if i < argv.len() {
        argv[i..].iter().map(OsString::from).collect()
    } else {
        vec![std::env::var_os("SHELL").filter(|s| !s.is_empty()).unwrap_or_else(|| "/bin/sh".into())]
    };
    let root = match resolve_root(store.as_deref().map(Path::new)) {
        Ok(r) => r,
        Err(e) => return usage_error(&e.to_string()),
    };
    let store_dir = root.join("store");
    if !store_dir.is_dir() {
        eprintln!("error: there is no store at '{}' (nothing was built there yet)", root.display());
        return 1;
    }
    if let Err(e) = enter_store_view(&store_dir) {
        eprintln!("error: {e}");
        return 1;
    }
    let err = std::process::Command::new(&command[0]).args(&command[1..]).exec();
    eprintln!("error: cannot run '{}': {err}", command[0].to_string_lossy());
    if err.kind() == std::io::ErrorKind::NotFound {
        127
    } else {
        126
    }
}
