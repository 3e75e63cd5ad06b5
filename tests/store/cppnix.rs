//! Differential checks against a real CppNix, for inputs the vectors do not
//! cover (odd file names and sizes, all control bytes, non-UTF-8 bytes).
//! They need `nix-store`, `nix-hash` and `nix-instantiate` on `PATH`, never
//! write to `/nix/store` (`--readonly-mode`), and are ignored by default:
//!
//! ```text
//! cargo test --test store cppnix -- --ignored
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use tern::store::derivation::{DerivationOutput, HashModuloMemo};
use tern::store::hash::{hash_file, hash_string, HashAlgo};
use tern::store::path::text_path;
use tern::store::{nar, Derivation};

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().expect("CppNix tools on PATH");
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn nix_eval_string(expr: &str) -> String {
    let out = run(Command::new("nix-instantiate").args(["--readonly-mode", "--eval", "--json", "-E", expr]));
    let s = String::from_utf8(out).unwrap();
    serde_json::from_str::<String>(s.trim()).unwrap()
}

/// A tree with the awkward cases: empty and 8/9-byte files, an empty
/// directory, names that sort differently by byte than by locale, a
/// non-UTF-8 name, absolute and dangling symlinks.
fn tricky_tree(root: &Path) -> PathBuf {
    let t = root.join("tree");
    fs::create_dir_all(t.join("empty-dir")).unwrap();
    fs::create_dir_all(t.join("a/b/c")).unwrap();
    fs::write(t.join("empty"), "").unwrap();
    fs::write(t.join("eight"), "12345678").unwrap();
    fs::write(t.join("nine"), "123456789").unwrap();
    fs::write(t.join("B"), "upper").unwrap();
    fs::write(t.join("a.b"), "dot").unwrap();
    fs::write(t.join("a-b"), "dash").unwrap();
    fs::write(t.join(".hidden"), "h").unwrap();
    fs::write(t.join("a/b/c/deep"), vec![0u8, 1, 2, 255]).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9");
    fs::write(t.join(odd), "latin1 name").unwrap();
    fs::write(t.join("x"), "#!/bin/sh\n").unwrap();
    fs::set_permissions(t.join("x"), fs::Permissions::from_mode(0o711)).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", t.join("abs")).unwrap();
    std::os::unix::fs::symlink("does/not/exist", t.join("dangling")).unwrap();
    t
}

#[test]
#[ignore]
fn nar_matches_nix_store_dump() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tricky_tree(tmp.path());
    for p in [t.clone(), t.join("empty"), t.join("nine"), t.join("abs"), t.join("empty-dir")] {
        let theirs = run(Command::new("nix-store").arg("--dump").arg(&p));
        assert_eq!(nar::nar_bytes(&p).unwrap(), theirs, "{}", p.display());
        // Restoring their NAR and dumping it again is the identity.
        let dest = tmp.path().join(format!("r-{}", p.file_name().unwrap().to_string_lossy()));
        nar::restore(&theirs[..], &dest).unwrap();
        assert_eq!(nar::nar_bytes(&dest).unwrap(), theirs);
    }
}

#[test]
#[ignore]
fn hashes_match_nix_hash() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tricky_tree(tmp.path());
    for algo in HashAlgo::ALL {
        let theirs = run(Command::new("nix-hash").args(["--type", algo.name()]).arg(&t));
        let (ours, _) = nar::hash_path(algo, &t).unwrap();
        assert_eq!(String::from_utf8(theirs).unwrap().trim(), ours.to_base16());
        let f = t.join("nine");
        let theirs = run(Command::new("nix-hash").args(["--flat", "--base32", "--type", algo.name()]).arg(&f));
        let ours = hash_file(algo, &f).unwrap();
        assert_eq!(String::from_utf8(theirs).unwrap().trim(), ours.to_nix32());
    }
}

/// Every byte 1..=255 except NUL (Nix strings cannot hold it), so every
/// control character and raw non-UTF-8 bytes go through `toFile` and a
/// derivation env value.
fn all_bytes_file(dir: &Path) -> (PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (1..=255u8).collect();
    let p = dir.join("bytes");
    fs::write(&p, &bytes).unwrap();
    (p, bytes)
}

#[test]
#[ignore]
fn to_file_paths_match() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, bytes) = all_bytes_file(tmp.path());
    let expr = format!("builtins.toFile \"bytes\" (builtins.readFile {})", file.display());
    let theirs = nix_eval_string(&expr);
    let ours = text_path("bytes", &hash_string(HashAlgo::Sha256, &bytes), &BTreeSet::new());
    assert_eq!(ours.unwrap().to_string(), theirs);
}

#[test]
#[ignore]
fn derivation_with_every_byte_matches() {
    let tmp = tempfile::tempdir().unwrap();
    let (file, bytes) = all_bytes_file(tmp.path());
    let attrs = "name = \"bytes\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; \
                 outputs = [ \"out\" \"dev\" ]; inherit s; args = [ \"-c\" s ];";
    let prefix = format!("let s = builtins.readFile {}; in", file.display());
    let expr = |attr: &str| format!("{prefix} (derivation {{ {attrs} }}).{attr}");

    let mut drv = Derivation::new("bytes");
    drv.platform = b"x86_64-linux".to_vec();
    drv.builder = b"/bin/sh".to_vec();
    drv.args = vec![b"-c".to_vec(), bytes.clone()];
    let env: BTreeMap<&str, &[u8]> = BTreeMap::from([
        ("builder", &b"/bin/sh"[..]),
        ("name", b"bytes"),
        ("outputs", b"out dev"),
        ("s", &bytes),
        ("system", b"x86_64-linux"),
    ]);
    for (k, v) in env {
        drv.env.insert(k.as_bytes().to_vec(), v.to_vec());
    }
    for o in ["out", "dev"] {
        drv.outputs.insert(o.to_string(), DerivationOutput { path: String::new(), hash: None });
    }
    let mut no_inputs = BTreeMap::<String, Derivation>::new();
    drv.fill_output_paths(&mut no_inputs, &mut HashModuloMemo::new()).unwrap();
    assert_eq!(drv.outputs["out"].path, nix_eval_string(&expr("outPath")));
    assert_eq!(drv.outputs["dev"].path, nix_eval_string(&expr("dev.outPath")));
    assert_eq!(drv.drv_path().unwrap().to_string(), nix_eval_string(&expr("drvPath")));
}
