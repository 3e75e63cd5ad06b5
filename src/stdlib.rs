//! The standard library shipped inside the binary.
//!
//! Every file under `stdlib/` is embedded at build time. On first use the tree is written
//! out once to a content-addressed directory under the user's data directory (written to a
//! temporary name, then renamed, so concurrent tern processes never see half a tree); the
//! evaluator then reads it like any other Nix code, so `import ./x.nix`, `readDir` and
//! store imports inside the stdlib behave as usual. Errors inside it are shown with the
//! `stdlib/…` name. `TERN_STDLIB=DIR` uses a source tree instead (for stdlib development).
//! The tree is written out only when an evaluation first looks something up in it, so
//! `tern eval -E '1 + 1'` in a fresh `HOME` writes nothing.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::eval::SearchPathEntry;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));
}

fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("tern");
    }
    // A HOME that does not exist is not created (as CppNix leaves it alone).
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty() && Path::new(h).is_dir()) {
        return PathBuf::from(h).join(".local/share/tern");
    }
    // SAFETY: getuid has no preconditions.
    let uid = unsafe { libc::getuid() };
    std::env::temp_dir().join(format!("tern-{uid}"))
}

/// Where the embedded tree is (or will be) written out.
fn extraction_root() -> PathBuf {
    data_dir().join(format!("stdlib-{}", embedded::TAG))
}

fn extract() -> Result<PathBuf, String> {
    let tag = embedded::TAG;
    let root = extraction_root();
    if root.join(".complete").exists() {
        return Ok(root);
    }
    let parent = root.parent().expect("has a parent");
    std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let tmp = parent.join(format!(".stdlib-{tag}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    for (name, bytes, exec) in embedded::FILES {
        let path = tmp.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        if *exec {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
        }
    }
    std::fs::write(tmp.join(".complete"), b"").map_err(|e| e.to_string())?;
    match std::fs::rename(&tmp, &root) {
        Ok(()) => Ok(root),
        // Another process won the race: its tree is identical.
        Err(_) if root.join(".complete").exists() => {
            let _ = std::fs::remove_dir_all(&tmp);
            Ok(root)
        }
        Err(e) => Err(format!("cannot install the stdlib into {}: {e}", root.display())),
    }
}

/// The directory holding the stdlib, extracting it on first use.
pub fn root() -> Option<&'static Path> {
    static ROOT: OnceLock<Option<PathBuf>> = OnceLock::new();
    ROOT.get_or_init(|| {
        if let Some(dir) = std::env::var_os("TERN_STDLIB").filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(dir));
        }
        if embedded::FILES.is_empty() {
            return None;
        }
        match extract() {
            Ok(root) => Some(root),
            Err(e) => {
                eprintln!("warning: the embedded stdlib is unavailable: {e}");
                None
            }
        }
    })
    .as_deref()
}

/// Where the stdlib is or will be, without writing it out: `TERN_STDLIB`, else the
/// extraction directory. Evaluations that never look up `<nixpkgs>` never pay for the
/// extraction; [`ensure_for`] writes the tree out the first time a lookup needs it.
fn planned_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("TERN_STDLIB").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    (!embedded::FILES.is_empty()).then(extraction_root)
}

/// Writes the stdlib out if `path` lies in its (not yet extracted) tree.
pub fn ensure_for(path: &str) {
    if let Some(planned) = planned_root() {
        if Path::new(path).starts_with(&planned) {
            let _ = root();
        }
    }
}

/// The search-path entries the stdlib answers to, after the user's entries: `<nixpkgs>`,
/// `<tern>`, and `<nix/…>` for the files CppNix builds in (`<nix/fetchurl.nix>`).
pub fn search_path_entries() -> Vec<SearchPathEntry> {
    match planned_root() {
        Some(root) => {
            let path = root.to_string_lossy().into_owned();
            crate::diag::source_map::set_stdlib_root(&path);
            vec![
                SearchPathEntry { prefix: "nixpkgs".into(), path: path.clone() },
                SearchPathEntry { prefix: "tern".into(), path: path.clone() },
                SearchPathEntry { prefix: "nix".into(), path: format!("{path}/corepkgs") },
            ]
        }
        None => Vec::new(),
    }
}
