//! The on-disk store: metadata, canonical form, atomic and concurrent adds,
//! derivations in the store, registration of built outputs.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

use tern::store::content_address::FixedOutputHash;
use tern::store::derivation::HashModuloMemo;
use tern::store::hash::{hash_string, HashAlgo};
use tern::store::nar;
use tern::store::{ContentAddress, Derivation, FileIngestionMethod, PathInfo, Store, StoreError, StorePath};

use crate::support::{drv_db, drv_texts, fixture, tsv};

fn new_store() -> (tempfile::TempDir, Store) {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    (tmp, store)
}

fn mode(p: &Path) -> u32 {
    fs::symlink_metadata(p).unwrap().mode() & 0o7777
}

#[test]
fn layout_and_text_metadata() {
    let (tmp, store) = new_store();
    assert!(tmp.path().join("store").is_dir());
    assert!(tmp.path().join("var/db.sqlite").is_file());

    let p = store.add_text("a", b"hello", &BTreeSet::new()).unwrap();
    let real = store.real_path(&p);
    assert_eq!(real, tmp.path().join("store").join(p.base_name()));
    assert_eq!(fs::read(&real).unwrap(), b"hello");
    assert_eq!(mode(&real), 0o444);
    assert_eq!(fs::metadata(&real).unwrap().mtime(), 1);

    let info = store.query_info(&p).unwrap().unwrap();
    let (nar_hash, nar_size) = nar::hash_path(HashAlgo::Sha256, &real).unwrap();
    assert_eq!(info.nar_hash, nar_hash);
    assert_eq!(info.nar_size, nar_size);
    let h = hash_string(HashAlgo::Sha256, b"hello");
    assert_eq!(info.ca.as_ref().unwrap().to_string(), format!("text:sha256:{}", h.to_nix32()));
    assert!(info.references.is_empty());
    assert!(info.deriver.is_none());
    assert!(info.registration_time > 0);
    assert_eq!(store.list().unwrap(), vec![p.clone()]);
    assert!(store.is_valid(&p).unwrap());

    // Adding again is a no-op: the registration is untouched.
    let again = store.add_text("a", b"hello", &BTreeSet::new()).unwrap();
    assert_eq!(again, p);
    assert_eq!(store.query_info(&p).unwrap().unwrap(), info);

    // Logical paths inside an object map to the physical location.
    assert_eq!(store.real_path_of(&format!("{p}/x/y")).unwrap(), real.join("x/y"));
    assert_eq!(store.real_path_of(&p.to_string()).unwrap(), real);
}

#[test]
fn references_and_closure() {
    let (_tmp, store) = new_store();
    let none = BTreeSet::new();
    let a = store.add_text("a", b"hello", &none).unwrap();
    let b2 = store.add_text("b2", b"x", &none).unwrap();
    let c = store.add_text("c", format!("{b2} {a}").as_bytes(), &[a.clone(), b2.clone()].into()).unwrap();
    let d = store.add_text("d", c.to_string().as_bytes(), &[c.clone()].into()).unwrap();
    assert_eq!(store.references(&c).unwrap(), [a.clone(), b2.clone()].into());
    assert_eq!(store.referrers(&a).unwrap(), [c.clone()].into());
    assert_eq!(store.closure([&d]).unwrap(), [a.clone(), b2.clone(), c.clone(), d.clone()].into());
    assert_eq!(store.closure([&a]).unwrap(), [a.clone()].into());

    let ghost = StorePath::parse("/nix/store/00000000000000000000000000000000-ghost").unwrap();
    assert!(matches!(store.references(&ghost), Err(StoreError::NotValid { .. })));
    assert!(store.closure([&ghost]).is_err());
    let e = store.add_text("e", b"x", &[ghost.clone()].into()).unwrap_err().to_string();
    assert!(e.contains("is not valid"), "{e}");
    // The failed add left nothing behind.
    let e = store_path_for_text("e", b"x", &[ghost]);
    assert!(!store.is_valid(&e).unwrap());
    assert!(!store.real_path(&e).exists());
}

fn store_path_for_text(name: &str, s: &[u8], refs: &[StorePath]) -> StorePath {
    let refs: BTreeSet<StorePath> = refs.iter().cloned().collect();
    tern::store::path::text_path(name, &hash_string(HashAlgo::Sha256, s), &refs).unwrap()
}

#[test]
fn source_objects_are_canonical() {
    let (_tmp, store) = new_store();
    let p = store.add_path(&fixture("dir"), "dir", FileIngestionMethod::Recursive).unwrap();
    let real = store.real_path(&p);
    assert_eq!(mode(&real), 0o555);
    assert_eq!(mode(&real.join("sub")), 0o555);
    assert_eq!(mode(&real.join("a.txt")), 0o444);
    assert_eq!(mode(&real.join("run.sh")), 0o555);
    assert_eq!(fs::read_link(real.join("link")).unwrap().to_str(), Some("a.txt"));
    for f in ["", "sub", "a.txt", "sub/b.txt", "run.sh"] {
        assert_eq!(fs::metadata(real.join(f)).unwrap().mtime(), 1, "{f}");
    }
    let info = store.query_info(&p).unwrap().unwrap();
    let row = tsv("nar.tsv").into_iter().find(|r| r[0] == "fixtures/dir").unwrap();
    assert_eq!(info.nar_hash.to_base16(), row[3]);
    assert_eq!(info.nar_size.to_string(), row[4]);
    assert_eq!(
        info.ca,
        Some(ContentAddress::Fixed(FixedOutputHash {
            method: FileIngestionMethod::Recursive,
            hash: info.nar_hash.clone(),
        }))
    );

    // A flat object is a plain read-only file, even from an executable.
    let f = store.add_path(&fixture("script.sh"), "s", FileIngestionMethod::Flat).unwrap();
    assert_eq!(mode(&store.real_path(&f)), 0o444);
    let info = store.query_info(&f).unwrap().unwrap();
    assert!(info.ca.unwrap().to_string().starts_with("fixed:sha256:"));
}

#[test]
fn add_path_errors() {
    let (_tmp, store) = new_store();
    let e = store.add_path(&fixture("dir"), "dir", FileIngestionMethod::Flat).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    let e = store.add_path(&fixture("nonexistent"), "x", FileIngestionMethod::Recursive).unwrap_err().to_string();
    assert!(e.contains("nonexistent"), "{e}");
    let e = store.add_path(&fixture("dir"), "a b", FileIngestionMethod::Recursive).unwrap_err().to_string();
    assert!(e.contains("illegal character ' '"), "{e}");
    assert!(store.list().unwrap().is_empty());
    // No temporary objects were left behind.
    let leftovers: Vec<_> = fs::read_dir(store.root().join("store")).unwrap().collect();
    assert!(leftovers.is_empty());
}

#[test]
fn unregistered_leftover_is_replaced_only_when_tern_made_it() {
    let (_tmp, store) = new_store();
    let p = store_path_for_text("a", b"hello", &[]);
    let real = store.real_path(&p);
    fs::create_dir_all(real.join("junk")).unwrap();
    fs::set_permissions(&real, std::os::unix::fs::PermissionsExt::from_mode(0o555)).unwrap();
    // Not tern's (never recorded): refused and left alone.
    let e = store.add_text("a", b"hello", &BTreeSet::new()).unwrap_err().to_string();
    assert!(e.contains("tern will not overwrite it"), "{e}");
    assert!(real.join("junk").is_dir());
    // tern's own garbage (recorded before a build that died): replaced.
    store.mark_pending(std::slice::from_ref(&p)).unwrap();
    assert_eq!(store.add_text("a", b"hello", &BTreeSet::new()).unwrap(), p);
    assert_eq!(fs::read(&real).unwrap(), b"hello");
}

#[test]
fn register_built_outputs() {
    let (_tmp, store) = new_store();
    let input = store.add_text("in", b"input", &BTreeSet::new()).unwrap();
    let out = StorePath::parse("/nix/store/2p7idipan0l2sxhcnx012x08bq4zx3dd-refs").unwrap();
    let dev = StorePath::parse("/nix/store/87sv35fgs89hc4ssp0cqf2cvyfcgyyqj-refs-dev").unwrap();
    let drv = StorePath::parse("/nix/store/44rhsfr03hw2agjmxy9qaz389rgkjwxv-refs.drv").unwrap();

    let info = |p: &StorePath, refs: BTreeSet<StorePath>| {
        let real = store.real_path(p);
        let (nar_hash, nar_size) = nar::hash_path(HashAlgo::Sha256, &real).unwrap();
        PathInfo {
            path: p.clone(),
            nar_hash,
            nar_size,
            references: refs,
            deriver: Some(drv.clone()),
            ca: None,
            registration_time: 0,
        }
    };
    // Not on disk yet: refused.
    fs::write(store.real_path(&out), format!("{out} {dev} {input}")).unwrap();
    let out_info = info(&out, [out.clone(), dev.clone(), input.clone()].into());
    assert!(store.register_valid(out_info.clone()).is_err(), "dev missing");
    fs::write(store.real_path(&dev), dev.to_string()).unwrap();
    let dev_info = info(&dev, [dev.clone()].into());
    // Self- and sibling references in one batch.
    store.register_valid_paths(&[out_info.clone(), dev_info.clone()]).unwrap();
    let got = store.query_info(&out).unwrap().unwrap();
    assert_eq!(got.references, out_info.references);
    assert_eq!(got.deriver, Some(drv.clone()));
    assert_eq!(got.nar_hash, out_info.nar_hash);
    assert_eq!(store.closure([&out]).unwrap(), [out.clone(), dev.clone(), input.clone()].into());
}

/// Adds every drvtext.tsv derivation, inputs first (input sources imported
/// from the fixtures or re-created with toFile), and checks paths, bytes,
/// re-parsing and output paths recomputed with the store as loader.
#[test]
fn derivations_in_the_store() {
    let (_tmp, store) = new_store();
    // Input sources the vector derivations use.
    let none = BTreeSet::new();
    for rel in ["hello.txt", "script.sh", "dir"] {
        let p = fixture(rel);
        store.add_path(&p, rel, FileIngestionMethod::Recursive).unwrap();
    }
    store.add_path(&fixture("dir"), "mydir", FileIngestionMethod::Recursive).unwrap();
    let mut no_symlinks =
        |_: &Path, t: tern::store::EntryType| Ok::<_, StoreError>(t != tern::store::EntryType::Symlink);
    store.add_path_filtered(&fixture("dir"), "dir", FileIngestionMethod::Recursive, &mut no_symlinks).unwrap();
    store.add_text("build.sh", b"echo built > $out", &none).unwrap();
    let conf = store.add_text("conf", b"x=1", &none).unwrap();
    store.add_text("script", format!("cat {conf} > $out").as_bytes(), &[conf].into()).unwrap();

    let db = drv_db();
    let texts: BTreeMap<String, Vec<u8>> = drv_texts().into_iter().collect();
    let mut added = BTreeSet::new();
    loop {
        let mut progress = false;
        for (path, drv) in &db {
            if added.contains(path) {
                continue;
            }
            let ready = drv.references().unwrap().iter().all(|r| store.is_valid(r).unwrap());
            if !ready {
                continue;
            }
            let p = store.add_derivation(drv).unwrap();
            assert_eq!(&p.to_string(), path);
            assert_eq!(&fs::read(store.real_path(&p)).unwrap(), &texts[path]);
            assert_eq!(&store.read_derivation(&p).unwrap(), drv);
            let outs: BTreeMap<String, String> =
                store.derivation_outputs(&p).unwrap().into_iter().map(|(k, v)| (k, v.to_string())).collect();
            let want: BTreeMap<String, String> = drv.outputs.iter().map(|(k, o)| (k.clone(), o.path.clone())).collect();
            assert_eq!(outs, want);
            let info = store.query_info(&p).unwrap().unwrap();
            assert_eq!(info.references, drv.references().unwrap());
            added.insert(path.clone());
            progress = true;
        }
        if !progress {
            break;
        }
    }
    let missing: Vec<&String> = db.keys().filter(|k| !added.contains(*k)).collect();
    assert!(missing.is_empty(), "not added: {missing:?}");

    // Output paths recomputed with the store as the input database.
    let mut memo = HashModuloMemo::new();
    for path in &added {
        let drv = &db[path];
        let mut fresh: Derivation = drv.clone();
        for o in fresh.outputs.values_mut() {
            o.path.clear();
        }
        let mut loader = &store;
        fresh.fill_output_paths(&mut loader, &mut memo).unwrap();
        assert_eq!(&fresh, drv, "{path}");
    }
}

#[test]
fn concurrent_threads_add_the_same_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    Store::open(&root).unwrap();
    let results: Vec<Vec<StorePath>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let root = root.clone();
                s.spawn(move || {
                    let store = Store::open(&root).unwrap();
                    add_many(&store)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(results.windows(2).all(|w| w[0] == w[1]));
    check_many(&Store::open(&root).unwrap(), &results[0]);
}

/// The same work done by every concurrent adder.
fn add_many(store: &Store) -> Vec<StorePath> {
    let mut out = Vec::new();
    for i in 0..20 {
        out.push(store.add_text(&format!("t{i}"), format!("text {i}").as_bytes(), &BTreeSet::new()).unwrap());
    }
    let dir = store.add_path(&fixture("dir"), "dir", FileIngestionMethod::Recursive).unwrap();
    out.push(dir);
    out
}

fn check_many(store: &Store, paths: &[StorePath]) {
    let listed: BTreeSet<StorePath> = store.list().unwrap().into_iter().collect();
    let want: BTreeSet<StorePath> = paths.iter().cloned().collect();
    assert_eq!(listed, want);
    for p in paths {
        let info = store.query_info(p).unwrap().unwrap();
        let (h, _) = nar::hash_path(HashAlgo::Sha256, &store.real_path(p)).unwrap();
        assert_eq!(h, info.nar_hash, "{p}");
    }
    let names: Vec<String> = fs::read_dir(store.root().join("store"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp")), "{names:?}");
    assert_eq!(names.len(), paths.len());
    // Lock files are removed by their holders.
    let locks: Vec<_> = fs::read_dir(store.root().join("var/locks")).unwrap().collect();
    assert!(locks.is_empty(), "{locks:?}");
}

const CHILD_ENV: &str = "TERN_STORE_TEST_CHILD_ROOT";

/// Runs inside the child processes of `concurrent_processes_add_the_same_paths`;
/// does nothing in a normal test run.
#[test]
fn concurrent_child() {
    if let Some(root) = std::env::var_os(CHILD_ENV) {
        let store = Store::open(Path::new(&root)).unwrap();
        add_many(&store);
    }
}

#[test]
fn concurrent_processes_add_the_same_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(&exe)
                .args(["--exact", "local::concurrent_child", "--test-threads=1"])
                .env(CHILD_ENV, tmp.path())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Race the children from this process too.
    let store = Store::open(tmp.path()).unwrap();
    let paths = add_many(&store);
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success());
        // Make sure the child really ran the adder, not zero tests.
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("1 passed"), "{stdout}");
    }
    check_many(&store, &paths);
}
