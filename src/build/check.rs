//! `--check`: rebuilding a valid derivation and comparing.
//!
//! The rebuild must not touch the valid outputs, so it runs against a
//! **scratch store**: a directory `<root>/var/check/<pid>-<n>` shown to the
//! builder as `/nix/store`, in which every path of the input closure is
//! bind-mounted (symlinks copied) and nothing else exists; the builder
//! writes its outputs there. The outputs are then canonicalised and hashed
//! like real ones, and each NAR hash compared with the registered one. For
//! the first output that differs, [`first_difference`] walks both trees in
//! NAR order and names the first file whose type, executable bit, contents
//! or symlink target differs, so the user knows where to look.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::store::{Store, StorePath};

/// Creates the scratch store for a check of a derivation with this input
/// closure: mount points for every input, and the bind list for the child.
pub(crate) fn scratch_store(
    store: &Store,
    dir: &Path,
    inputs: impl IntoIterator<Item = StorePath>,
) -> Result<Vec<(PathBuf, PathBuf)>, String> {
    let err = |what: &str, p: &Path, e: std::io::Error| format!("cannot {what} '{}': {e}", p.display());
    fs::create_dir_all(dir).map_err(|e| err("create", dir, e))?;
    let mut binds = Vec::new();
    for p in inputs {
        let real = store.real_path(&p);
        let target = dir.join(p.base_name());
        let meta = fs::symlink_metadata(&real).map_err(|e| err("get status of", &real, e))?;
        if meta.file_type().is_symlink() {
            let t = fs::read_link(&real).map_err(|e| err("read", &real, e))?;
            std::os::unix::fs::symlink(t, &target).map_err(|e| err("create", &target, e))?;
            continue;
        }
        if meta.is_dir() {
            fs::create_dir(&target).map_err(|e| err("create", &target, e))?;
        } else {
            fs::write(&target, b"").map_err(|e| err("create", &target, e))?;
        }
        binds.push((real, target));
    }
    Ok(binds)
}

/// The first place where the trees at `a` and `b` differ, as a path
/// relative to the output (`""` for the output itself) and what differs.
pub fn first_difference(a: &Path, b: &Path) -> Option<(String, &'static str)> {
    diff(a, b, "")
}

fn kind(m: &fs::Metadata) -> u8 {
    if m.file_type().is_symlink() {
        0
    } else if m.is_dir() {
        1
    } else {
        2
    }
}

fn same_contents(a: &Path, b: &Path) -> bool {
    let (Ok(mut fa), Ok(mut fb)) = (fs::File::open(a), fs::File::open(b)) else { return false };
    let mut ba = vec![0u8; 64 * 1024];
    let mut bb = vec![0u8; 64 * 1024];
    loop {
        let na = fa.read(&mut ba).unwrap_or(0);
        let mut got = 0;
        while got < na {
            match fb.read(&mut bb[got..na]) {
                Ok(0) | Err(_) => return false,
                Ok(n) => got += n,
            }
        }
        if ba[..na] != bb[..na] {
            return false;
        }
        if na == 0 {
            return fb.read(&mut bb[..1]).map(|n| n == 0).unwrap_or(false);
        }
    }
}

fn diff(a: &Path, b: &Path, rel: &str) -> Option<(String, &'static str)> {
    let (Ok(ma), Ok(mb)) = (fs::symlink_metadata(a), fs::symlink_metadata(b)) else {
        return Some((rel.to_string(), "missing"));
    };
    if kind(&ma) != kind(&mb) {
        return Some((rel.to_string(), "file type"));
    }
    match kind(&ma) {
        0 => (fs::read_link(a).ok() != fs::read_link(b).ok()).then(|| (rel.to_string(), "symlink target")),
        2 => {
            if (ma.permissions().mode() & 0o100) != (mb.permissions().mode() & 0o100) {
                Some((rel.to_string(), "executable bit"))
            } else if ma.len() != mb.len() || !same_contents(a, b) {
                Some((rel.to_string(), "contents"))
            } else {
                None
            }
        }
        _ => {
            let names = |d: &Path| -> Vec<std::ffi::OsString> {
                let mut v: Vec<_> = fs::read_dir(d)
                    .map(|r| r.filter_map(|e| e.ok().map(|e| e.file_name())).collect())
                    .unwrap_or_default();
                v.sort_by(|x, y| {
                    use std::os::unix::ffi::OsStrExt;
                    x.as_bytes().cmp(y.as_bytes())
                });
                v
            };
            let (na, nb) = (names(a), names(b));
            let mut all: Vec<_> = na.iter().chain(nb.iter()).cloned().collect();
            all.sort_by(|x, y| {
                use std::os::unix::ffi::OsStrExt;
                x.as_bytes().cmp(y.as_bytes())
            });
            all.dedup();
            for n in all {
                let child = if rel.is_empty() {
                    n.to_string_lossy().into_owned()
                } else {
                    format!("{rel}/{}", n.to_string_lossy())
                };
                if !na.contains(&n) || !nb.contains(&n) {
                    return Some((child, "presence"));
                }
                if let Some(d) = diff(&a.join(&n), &b.join(&n), &child) {
                    return Some(d);
                }
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_first_difference() {
        let t = tempfile::tempdir().unwrap();
        let (a, b) = (t.path().join("a"), t.path().join("b"));
        for d in [&a, &b] {
            fs::create_dir_all(d.join("sub")).unwrap();
            fs::write(d.join("sub/f"), "same").unwrap();
            fs::write(d.join("z"), "same").unwrap();
        }
        assert_eq!(first_difference(&a, &b), None);
        fs::write(b.join("z"), "other").unwrap();
        assert_eq!(first_difference(&a, &b), Some(("z".to_string(), "contents")));
        fs::write(b.join("sub/g"), "new").unwrap();
        assert_eq!(first_difference(&a, &b), Some(("sub/g".to_string(), "presence")));
    }
}
