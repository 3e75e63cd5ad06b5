//! The store stays intact whatever builders and accidents do: hard links
//! into outputs never change the linked file, a broken CppNix store and a
//! store that lost its database are refused, logs are compressed and bounded,
//! and a full disk fails the build cleanly.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use tern::store::Store;

use crate::support::*;

#[test]
fn hard_links_into_outputs_leave_the_linked_file_alone() {
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    // A file that is no part of the build, on the mount the builder writes
    // its outputs to (unsandboxed, the whole store directory).
    let host_file = ts.root().join("store/host-file");
    fs::write(&host_file, "host\n").unwrap();
    fs::set_permissions(&host_file, fs::Permissions::from_mode(0o640)).unwrap();
    let before = fs::metadata(&host_file).unwrap();
    without_sandbox(cwd.path());
    let d = Drv::sh("linker", "/bin/mkdir $out; /bin/ln /nix/store/host-file $out/linked").add(&ts.store);
    let o = run(tern(ts.root(), cwd.path(), &["build", "--no-link", &d.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let after = fs::metadata(&host_file).unwrap();
    assert_eq!(after.mode(), before.mode(), "the host file's mode is unchanged");
    assert_eq!(after.mtime(), before.mtime(), "the host file's mtime is unchanged");
    assert_eq!(after.nlink(), 1, "the output has its own copy");
    let linked = ts.store.real_path(&out(&ts.store, &d)).join("linked");
    let copy = fs::metadata(&linked).unwrap();
    assert_eq!(fs::read(&linked).unwrap(), b"host\n");
    assert_eq!((copy.mode() & 0o777, copy.mtime()), (0o444, 1), "the copy is canonical");
}

fn store_with_a_path() -> (tempfile::TempDir, tern::store::StorePath) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let p = store.add_text("kept", b"kept\n", &BTreeSet::new()).unwrap();
    drop(store);
    (dir, p)
}

fn path_info_all(root: &Path) -> std::process::Output {
    let cwd = tempfile::tempdir().unwrap();
    run(tern(root, cwd.path(), &["path-info", "--all"]))
}

#[test]
fn a_store_without_its_database_is_refused() {
    for damage in ["empty", "missing"] {
        let (dir, p) = store_with_a_path();
        let db = dir.path().join("var/db.sqlite");
        for side in ["var/db.sqlite-wal", "var/db.sqlite-shm"] {
            let _ = fs::remove_file(dir.path().join(side));
        }
        if damage == "empty" {
            fs::write(&db, b"").unwrap();
        } else {
            fs::remove_file(&db).unwrap();
        }
        let o = path_info_all(dir.path());
        assert_eq!(o.status.code(), Some(1), "{damage}: {}", stderr(&o));
        let want = format!("the store database '{}' is {damage}, but the store", db.display());
        assert!(stderr(&o).contains(&want), "{damage}: {}", stderr(&o));
        // Nothing was taken for garbage.
        let real = dir.path().join("store").join(p.base_name());
        assert_eq!(fs::read(&real).unwrap(), b"kept\n", "{damage}");
        assert_eq!(fs::metadata(&db).map(|m| m.len()).unwrap_or(0), 0, "{damage}: no new database was made");
    }
}

/// A root with CppNix's database is shared with CppNix (tests/build/shared_store.rs);
/// one whose database tern cannot vouch for (no schema file here) is refused, and
/// nothing in it is touched.
#[test]
fn a_broken_cppnix_store_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // CppNix's layout: its database beside the store, and a path of its own.
    fs::create_dir_all(dir.path().join("var/nix/db")).unwrap();
    fs::write(dir.path().join("var/nix/db/db.sqlite"), b"").unwrap();
    fs::create_dir_all(dir.path().join("store")).unwrap();
    let theirs = dir.path().join("store/7f8wq8ziz4nz9kf9s2d4hkbhvhb2bahf-theirs");
    fs::write(&theirs, b"theirs\n").unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let o = run(tern(
        dir.path(),
        cwd.path(),
        &["build", "-E", "derivation { name = \"x\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; }"],
    ));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("var/nix/db/schema"), "{}", stderr(&o));
    assert_eq!(fs::read(&theirs).unwrap(), b"theirs\n");
    assert!(!dir.path().join("var/db.sqlite").exists(), "tern made no database of its own there");
}

#[test]
fn logs_are_compressed_with_bzip2() {
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let d = Drv::sh("chatty", "for i in 1 2 3; do echo hello log $i; done; echo > $out").add(&ts.store);
    let o = run(tern(ts.root(), cwd.path(), &["build", "--no-link", &d.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let base = d.base_name();
    let file = ts.root().join("var/log/drvs").join(&base[..2]).join(format!("{}.bz2", &base[2..]));
    let bytes = fs::read(&file).unwrap();
    assert_eq!(&bytes[..3], b"BZh", "a bzip2 stream");
    let log = run(tern(ts.root(), cwd.path(), &["log", &d.to_string()]));
    assert_eq!(stdout(&log), "hello log 1\nhello log 2\nhello log 3\n");
}

#[test]
fn logs_are_capped() {
    for how in ["option", "tern.conf"] {
        let ts = TestStore::new();
        let cwd = tempfile::tempdir().unwrap();
        let d = Drv::sh("flood", "/usr/bin/yes flood | /usr/bin/head -c 2000000; echo > $out").add(&ts.store);
        let mut args = vec!["build", "--no-link"];
        if how == "option" {
            args.extend(["--max-build-log-size", "10000"]);
        } else {
            let conf = cwd.path().join(".no-config/tern");
            fs::create_dir_all(&conf).unwrap();
            fs::write(conf.join("tern.conf"), "max-build-log-size = 10000\n").unwrap();
        }
        let drv = d.to_string();
        args.push(&drv);
        let o = run(tern(ts.root(), cwd.path(), &args));
        assert_eq!(o.status.code(), Some(100), "{how}: {}", stderr(&o));
        let want = format!("builder for '{d}' killed after writing more than 10000 bytes of log output");
        assert!(stderr(&o).contains(&want), "{how}: {}", stderr(&o));
        assert!(!ts.valid(&out(&ts.store, &d)));
        let log = run(tern(ts.root(), cwd.path(), &["log", &d.to_string()]));
        assert_eq!(log.stdout.len(), 10000, "{how}: the log stops at the limit");
    }
}

/// Unmounts the small file system when the test ends.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_build_and_leaves_the_store_usable() {
    if !is_root() {
        assert!(std::env::var_os("CI").is_none(), "this test needs root to mount a small tmpfs");
        eprintln!("skipped: needs root to mount a small tmpfs");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("small");
    fs::create_dir(&root).unwrap();
    let mount = Command::new("mount").args(["-t", "tmpfs", "-o", "size=8m", "tmpfs"]).arg(&root).status().unwrap();
    assert!(mount.success());
    let _mounted = Mounted(root.clone());
    let store = Store::open(&root).unwrap();
    // Random bytes in base64 hardly compress: the log fills the 8 MiB.
    let noisy = Drv::sh("noisy", "/usr/bin/head -c 30000000 /dev/urandom | /usr/bin/base64; echo > $out").add(&store);
    let small = Drv::sh("small", "echo ok > $out").add(&store);
    drop(store);
    let cwd = tempfile::tempdir().unwrap();
    let o = run(tern(&root, cwd.path(), &["build", "--no-link", &noisy.to_string()]));
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("No space left on device"), "{}", stderr(&o));
    // The store still works: a small build succeeds and the database reads.
    let o = run(tern(&root, cwd.path(), &["build", "--no-link", &small.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let info = run(tern(&root, cwd.path(), &["path-info", "--all"]));
    assert!(info.status.success(), "{}", stderr(&info));
    let store = Store::open(&root).unwrap();
    assert!(store.is_valid(&out(&store, &small)).unwrap());
    assert!(!store.is_valid(&out(&store, &noisy)).unwrap());
}
