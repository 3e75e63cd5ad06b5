//! `tern copy`: between the store and binary caches.
//!
//! `tern copy --to file:///DIR [--compression xz|zstd|bzip2|none] PATHS…` writes the closure
//! of `PATHS` as a binary cache CppNix reads (`nix copy --from file:///DIR`), signed with the
//! keys of `secret-key-files` (`--option secret-key-files FILE`). `tern copy --from URL PATHS…`
//! substitutes `PATHS` (and their closure) from the cache at `URL` (`file://`, `http(s)://`),
//! checking signatures against `trusted-public-keys` unless `require-sigs` is false.
//! With an `ssh://` or `ssh-ng://` URL, closures go to or come from that machine's store
//! (`nix-store --serve` or `nix-daemon --stdio` over ssh; `NIX_SSHOPTS` honoured).

use super::args::{parse, Spec};
use super::usage_error;
use crate::fetch::binary_cache::Substituters;
use crate::fetch::copy::{copy_to_dir, Compression};
use crate::store::path::split_store_path;
use crate::store::{Store, StorePath};

const SPEC: Spec = Spec { flags: &[], valued: &["--to", "--from", "--compression"] };

pub fn run(argv: &[String]) -> i32 {
    let a = match parse(argv, &SPEC) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    if let Err(e) = a.settings() {
        return usage_error(&e);
    }
    match copy(&a) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn copy(a: &super::args::CommonArgs) -> Result<(), String> {
    let root = crate::store::resolve_root(a.store.as_deref().map(std::path::Path::new)).map_err(|e| e.to_string())?;
    let store = Store::open(&root).map_err(|e| e.to_string())?;
    let mut paths = Vec::new();
    for f in &a.files {
        let (p, _): (StorePath, _) = split_store_path(f).map_err(|e| e.to_string())?;
        paths.push(p);
    }
    if paths.is_empty() {
        return Err("'tern copy' needs the store paths to copy".into());
    }
    match (a.value("--to"), a.value("--from")) {
        (Some(to), None) if to.starts_with("ssh://") || to.starts_with("ssh-ng://") => {
            let n = crate::build::remote::copy::copy_to(&store, to, &paths)?;
            eprintln!("copied {n} path{} to '{to}'", if n == 1 { "" } else { "s" });
            Ok(())
        }
        (None, Some(from)) if from.starts_with("ssh://") || from.starts_with("ssh-ng://") => {
            let n = crate::build::remote::copy::copy_from(&store, from, &paths)?;
            eprintln!("copied {n} path{} from '{from}'", if n == 1 { "" } else { "s" });
            Ok(())
        }
        (Some(to), None) => {
            let Some(dir) = to.strip_prefix("file://") else {
                return Err(format!("cannot copy to '{to}': tern writes binary caches only to file:// URLs"));
            };
            let compression = Compression::parse(a.value("--compression").unwrap_or("xz"))?;
            let settings = crate::fetch::settings();
            let mut keys = Vec::new();
            for f in &settings.secret_key_files {
                keys.push(std::fs::read_to_string(f).map_err(|e| format!("cannot read the secret key '{f}': {e}"))?);
            }
            for p in &paths {
                if !store.is_valid(p).map_err(|e| e.to_string())? {
                    return Err(format!("path '{p}' is not valid in the store"));
                }
            }
            let n = copy_to_dir(&store, std::path::Path::new(dir), &paths, compression, &keys)?;
            eprintln!("copied {n} path{} to '{to}'", if n == 1 { "" } else { "s" });
            Ok(())
        }
        (None, Some(from)) => {
            let mut subst = Substituters::from_settings();
            subst.urls = vec![from.to_string()];
            for p in &paths {
                if !subst.substitute(&store, p)? {
                    return Err(format!("path '{p}' is not in the binary cache '{from}'"));
                }
            }
            Ok(())
        }
        _ => Err("'tern copy' needs exactly one of --to URL and --from URL".into()),
    }
}
