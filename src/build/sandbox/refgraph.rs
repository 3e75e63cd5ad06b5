//! `exportReferencesGraph` (plain derivations): `"name1 path1 name2 path2 …"`
//! asks for a file `nameN` in the build directory describing the closure
//! of `pathN`, in the format of `nix-store --register-validity` with empty
//! deriver fields — what nixpkgs' `closureInfo` and
//! `writeReferencesToFile` read. As in CppNix 2.8, each path must be in
//! the derivation's input closure, and a `.drv` in the closure brings its
//! outputs' closures along.

use std::collections::BTreeSet;
use std::path::Path;

use crate::store::{Store, StorePath};

fn valid_file_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c))
}

/// Writes the files `spec` asks for into `build_dir`.
pub(crate) fn write(store: &Store, spec: &str, inputs: &BTreeSet<StorePath>, build_dir: &Path) -> Result<(), String> {
    let words: Vec<&str> = spec.split_whitespace().collect();
    if !words.len().is_multiple_of(2) {
        return Err(format!("odd number of tokens in 'exportReferencesGraph': '{spec}'"));
    }
    for pair in words.chunks(2) {
        let (name, path) = (pair[0], pair[1]);
        if !valid_file_name(name) {
            return Err(format!("invalid file name '{name}' in 'exportReferencesGraph'"));
        }
        let (sp, _) = crate::store::path::split_store_path(path)
            .map_err(|_| format!("'exportReferencesGraph' contains a non-store path '{path}'"))?;
        if !inputs.contains(&sp) {
            return Err(format!(
                "cannot export references of path '{sp}' because it is not in the input closure of the derivation"
            ));
        }
        let mut paths = store.closure([&sp]).map_err(|e| e.to_string())?;
        for p in paths.clone() {
            if p.is_derivation() {
                let drv = store.read_derivation(&p).map_err(|e| e.to_string())?;
                for o in drv.outputs.values() {
                    let op = StorePath::parse(&o.path).map_err(|e| e.to_string())?;
                    paths.extend(store.closure([&op]).map_err(|e| e.to_string())?);
                }
            }
        }
        let mut text = String::new();
        for p in &paths {
            let refs = store.references(p).map_err(|e| e.to_string())?;
            text.push_str(&format!("{p}\n\n{}\n", refs.len()));
            for r in refs {
                text.push_str(&format!("{r}\n"));
            }
        }
        let file = build_dir.join(name);
        std::fs::write(&file, text).map_err(|e| format!("cannot write '{}': {e}", file.display()))?;
    }
    Ok(())
}
