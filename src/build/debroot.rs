//! `builtin:unpack-debs`: unpacks Debian packages (`.deb` files, fetched
//! by `builtin:fetchurl`) into one root directory, the bootstrap tools of
//! an emulated package set (`stdlib/pkgs/stdenv/debian-bootstrap.nix`).
//!
//! It runs inside tern, like the fetches, so the root can be made on any
//! machine before anything of the emulated architecture can run. Each
//! `.deb` is an `ar` archive whose `data.tar.*` member holds the files;
//! that member is handed to `tar`. The root is laid out as Debian's
//! merged /usr (`bin`, `lib`, `sbin` are links into `usr/`) and fixed up
//! for life in the store:
//! * absolute symlinks become relative, so they point into the root and
//!   not at this machine's files;
//! * setuid/setgid bits go (the store holds none);
//! * the links that Debian's maintainer scripts would make (`sh`, `awk`,
//!   `gcc`, `cpp`, `cc`) are added where the packages leave them out;
//! * documentation, manuals and translations are left out.

use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Members of `.deb` files larger than this are refused (a corrupt header).
const MAX_MEMBER: u64 = 1 << 32;

/// The links added when missing: link in `usr/bin`, then the programs of
/// that directory it may point to, first found wins.
const DEFAULT_LINKS: &[(&str, &[&str])] = &[
    ("sh", &["dash", "bash"]),
    ("awk", &["mawk", "gawk"]),
    ("gcc", &["gcc-14", "gcc-13", "gcc-12"]),
    ("cc", &["gcc-14", "gcc-13", "gcc-12"]),
    ("cpp", &["cpp-14", "cpp-13", "cpp-12"]),
];

/// Paths inside packages that a build root does not need.
const EXCLUDED: &[&str] =
    &["./usr/share/doc", "./usr/share/man", "./usr/share/info", "./usr/share/locale", "./usr/share/lintian"];

/// Unpacks `debs`, in order, into the new directory `dest`.
pub(crate) fn unpack_debs(debs: &[PathBuf], dest: &Path) -> Result<(), String> {
    let io = |what: &str, p: &Path, e: std::io::Error| format!("{what} '{}': {e}", p.display());
    fs::create_dir(dest).map_err(|e| io("cannot create", dest, e))?;
    for dir in ["usr/bin", "usr/lib", "usr/sbin"] {
        fs::create_dir_all(dest.join(dir)).map_err(|e| io("cannot create", &dest.join(dir), e))?;
    }
    for top in ["bin", "lib", "sbin"] {
        std::os::unix::fs::symlink(format!("usr/{top}"), dest.join(top))
            .map_err(|e| io("cannot create", &dest.join(top), e))?;
    }
    let scratch = dest.with_extension("data-tar");
    for deb in debs {
        let member = extract_data_member(deb, &scratch)?;
        let mut tar = std::process::Command::new("tar");
        tar.arg("-xf").arg(&scratch).arg("-C").arg(dest).args(["--keep-directory-symlink", "--no-same-owner"]);
        for path in EXCLUDED {
            tar.arg(format!("--exclude={path}"));
        }
        let status = tar.status().map_err(|e| format!("cannot run tar to unpack '{}': {e}", deb.display()));
        let _ = fs::remove_file(&scratch);
        if !status?.success() {
            return Err(format!("tar could not unpack {member} of '{}'", deb.display()));
        }
    }
    fix_tree(dest, 0)?;
    add_default_links(&dest.join("usr/bin"))
}

/// Copies the `data.tar.*` member of the `ar` archive `deb` to `to`; returns its name.
fn extract_data_member(deb: &Path, to: &Path) -> Result<String, String> {
    let bad = |why: &str| format!("'{}' is not a Debian package: {why}", deb.display());
    let mut file = fs::File::open(deb).map_err(|e| format!("cannot open '{}': {e}", deb.display()))?;
    let mut magic = [0u8; 8];
    file.read_exact(&mut magic).map_err(|_| bad("too short"))?;
    if &magic != b"!<arch>\n" {
        return Err(bad("no ar signature"));
    }
    loop {
        let mut header = [0u8; 60];
        if file.read_exact(&mut header).is_err() {
            return Err(bad("no data.tar member"));
        }
        let name = String::from_utf8_lossy(&header[..16]).trim_end().trim_end_matches('/').to_string();
        let size: u64 = String::from_utf8_lossy(&header[48..58])
            .trim()
            .parse()
            .map_err(|_| bad("a member size is not a number"))?;
        if size > MAX_MEMBER {
            return Err(bad("a member is too large"));
        }
        if name.starts_with("data.tar") {
            let mut out = fs::File::create(to).map_err(|e| format!("cannot create '{}': {e}", to.display()))?;
            let copied = std::io::copy(&mut (&mut file).take(size), &mut out)
                .map_err(|e| format!("cannot read '{}': {e}", deb.display()))?;
            if copied != size {
                return Err(bad("the data member is truncated"));
            }
            return Ok(name);
        }
        // Members are padded to an even length.
        let skip = size + (size & 1);
        std::io::copy(&mut (&mut file).take(skip), &mut std::io::sink()).map_err(|_| bad("truncated"))?;
    }
}

/// Makes absolute symlinks under `dir` relative to the root and drops
/// setuid/setgid bits; `depth` is how many directories `dir` lies below the root.
fn fix_tree(dir: &Path, depth: usize) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read '{}': {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let meta = fs::symlink_metadata(&path).map_err(|e| format!("cannot stat '{}': {e}", path.display()))?;
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&path).map_err(|e| e.to_string())?;
            if let Ok(inside) = target.strip_prefix("/") {
                let relative = "../".repeat(depth) + &inside.to_string_lossy();
                fs::remove_file(&path).map_err(|e| e.to_string())?;
                std::os::unix::fs::symlink(&relative, &path)
                    .map_err(|e| format!("cannot relink '{}': {e}", path.display()))?;
            }
            continue;
        }
        let mode = meta.permissions().mode();
        if mode & 0o6000 != 0 {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode & 0o1777))
                .map_err(|e| format!("cannot change '{}': {e}", path.display()))?;
        }
        if meta.is_dir() {
            fix_tree(&path, depth + 1)?;
        }
    }
    Ok(())
}

fn add_default_links(bin: &Path) -> Result<(), String> {
    for (link, candidates) in DEFAULT_LINKS {
        if fs::symlink_metadata(bin.join(link)).is_ok() {
            continue;
        }
        if let Some(target) = candidates.iter().find(|c| bin.join(c).exists()) {
            std::os::unix::fs::symlink(target, bin.join(link))
                .map_err(|e| format!("cannot create '{}': {e}", bin.join(link).display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `ar` archive with the given members, as dpkg-deb writes it.
    fn ar(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = b"!<arch>\n".to_vec();
        for (name, data) in members {
            out.extend(format!("{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n", name, 0, 0, 0, 100644, data.len()).as_bytes());
            out.extend(*data);
            if data.len() % 2 == 1 {
                out.push(b'\n');
            }
        }
        out
    }

    fn tar_of(dir: &Path) -> Vec<u8> {
        let out = std::process::Command::new("tar").arg("-cf").arg("-").arg("-C").arg(dir).arg(".").output().unwrap();
        assert!(out.status.success());
        out.stdout
    }

    #[test]
    fn unpacks_into_a_merged_usr_root() {
        let tmp = tempfile::tempdir().unwrap();
        let files = tmp.path().join("files");
        fs::create_dir_all(files.join("bin")).unwrap();
        fs::create_dir_all(files.join("usr/lib/x")).unwrap();
        fs::create_dir_all(files.join("usr/share/doc/p")).unwrap();
        fs::write(files.join("bin/dash"), "shell").unwrap();
        fs::set_permissions(files.join("bin/dash"), fs::Permissions::from_mode(0o4755)).unwrap();
        fs::write(files.join("usr/share/doc/p/copyright"), "c").unwrap();
        std::os::unix::fs::symlink("/bin/dash", files.join("usr/lib/x/shell")).unwrap();
        let deb = tmp.path().join("p.deb");
        let data = tar_of(&files);
        fs::write(&deb, ar(&[("debian-binary", b"2.0\n"), ("control.tar.xz", b"odd"), ("data.tar", &data)])).unwrap();

        let root = tmp.path().join("root");
        unpack_debs(&[deb], &root).unwrap();
        assert_eq!(fs::read_to_string(root.join("usr/bin/dash")).unwrap(), "shell", "bin/ is usr/bin");
        assert_eq!(fs::read_link(root.join("bin")).unwrap(), Path::new("usr/bin"));
        assert_eq!(fs::metadata(root.join("usr/bin/dash")).unwrap().permissions().mode() & 0o7777, 0o755);
        assert_eq!(fs::read_link(root.join("usr/lib/x/shell")).unwrap(), Path::new("../../../bin/dash"));
        assert_eq!(fs::read_to_string(root.join("usr/lib/x/shell")).unwrap(), "shell");
        assert_eq!(fs::read_link(root.join("usr/bin/sh")).unwrap(), Path::new("dash"));
        assert!(!root.join("usr/share/doc/p").exists(), "documentation is left out");
    }

    #[test]
    fn refuses_what_is_not_a_deb() {
        let tmp = tempfile::tempdir().unwrap();
        let deb = tmp.path().join("x.deb");
        fs::write(&deb, "just text").unwrap();
        let e = unpack_debs(std::slice::from_ref(&deb), &tmp.path().join("root")).unwrap_err();
        assert!(e.contains("is not a Debian package"), "{e}");
        fs::write(&deb, ar(&[("debian-binary", b"2.0\n")])).unwrap();
        let e = unpack_debs(&[deb], &tmp.path().join("root2")).unwrap_err();
        assert!(e.contains("no data.tar member"), "{e}");
    }
}
