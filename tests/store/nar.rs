//! nar.tsv: NAR bytes, sizes and hashes of the fixtures, and their import
//! paths; plus restore round trips.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;

use tern::store::hash::{hash_file, HashAlgo};
use tern::store::nar::{self, EntryType};
use tern::store::path::source_path;

use crate::support::{b64, fixture, tsv};

#[test]
fn nar_tsv_every_fixture() {
    let rows = tsv("nar.tsv");
    assert_eq!(rows.len(), 7);
    for r in rows {
        let (rel, kind, nix32, hex, size) = (&r[0], &r[1], &r[2], &r[3], &r[4]);
        let (flat_hex, import_path, nar_b64) = (&r[5], &r[6], &r[7]);
        let path = fixture(rel.strip_prefix("fixtures/").unwrap());
        let meta = fs::symlink_metadata(&path).unwrap();
        assert_eq!(EntryType::of(&meta.file_type()).as_str(), kind, "{rel}");

        let bytes = nar::nar_bytes(&path).unwrap();
        assert_eq!(bytes, b64(nar_b64), "{rel}: NAR bytes");
        let (h, n) = nar::hash_path(HashAlgo::Sha256, &path).unwrap();
        assert_eq!(&h.to_base16(), hex, "{rel}");
        assert_eq!(&h.to_nix32(), nix32, "{rel}");
        assert_eq!(n.to_string(), *size, "{rel}");
        assert_eq!(n, bytes.len() as u64);

        if flat_hex != "-" {
            assert_eq!(&hash_file(HashAlgo::Sha256, &path).unwrap().to_base16(), flat_hex);
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        let p = source_path(name, &h, &BTreeSet::new()).unwrap();
        assert_eq!(&p.to_string(), import_path, "{rel}");
    }
}

#[test]
fn restore_round_trips_every_fixture() {
    let tmp = tempfile::tempdir().unwrap();
    for (i, r) in tsv("nar.tsv").into_iter().enumerate() {
        let want = b64(&r[7]);
        let dest = tmp.path().join(format!("r{i}"));
        nar::restore(&want[..], &dest).unwrap();
        assert_eq!(nar::nar_bytes(&dest).unwrap(), want, "{}", r[0]);
    }
    // The executable bit and the symlink survive.
    let dir = tmp.path().join("dir");
    nar::restore(&nar::nar_bytes(&fixture("dir")).unwrap()[..], &dir).unwrap();
    let mode = fs::metadata(dir.join("run.sh")).unwrap().permissions().mode();
    assert_ne!(mode & 0o100, 0);
    let mode = fs::metadata(dir.join("a.txt")).unwrap().permissions().mode();
    assert_eq!(mode & 0o100, 0);
    assert_eq!(fs::read_link(dir.join("link")).unwrap().to_str(), Some("a.txt"));
}

#[test]
fn contents_nar_equals_file_nar() {
    let p = fixture("hello.txt");
    let contents = fs::read(&p).unwrap();
    let mut from_mem = Vec::new();
    nar::dump_contents(&contents, false, &mut from_mem).unwrap();
    assert_eq!(from_mem, nar::nar_bytes(&p).unwrap());
    let (h, n) = nar::hash_contents(HashAlgo::Sha256, &contents, false);
    assert_eq!((h, n), nar::hash_path(HashAlgo::Sha256, &p).unwrap());
}

#[test]
fn filter_sees_entries_below_root_with_types() {
    let root = fixture("dir");
    let mut seen = Vec::new();
    let mut keep_all = |p: &std::path::Path, t: EntryType| {
        seen.push((p.strip_prefix(&root).unwrap().display().to_string(), t.as_str()));
        Ok::<_, tern::store::error::StoreError>(true)
    };
    let filtered = nar::hash_path_filtered(HashAlgo::Sha256, &root, &mut keep_all).unwrap();
    assert_eq!(filtered, nar::hash_path(HashAlgo::Sha256, &root).unwrap());
    let want = [
        ("a.txt", "regular"),
        ("link", "symlink"),
        ("run.sh", "regular"),
        ("sub", "directory"),
        ("sub/b.txt", "regular"),
    ];
    let want: Vec<(String, &str)> = want.iter().map(|(p, t)| (p.to_string(), *t)).collect();
    assert_eq!(seen, want);
}

#[test]
fn filter_errors_pass_through_unchanged() {
    #[derive(Debug, PartialEq)]
    enum MyErr {
        Thrown(String),
        Store(String),
    }
    impl From<tern::store::error::StoreError> for MyErr {
        fn from(e: tern::store::error::StoreError) -> MyErr {
            MyErr::Store(e.to_string())
        }
    }
    let mut boom = |p: &std::path::Path, _t: EntryType| -> Result<bool, MyErr> {
        if p.ends_with("run.sh") {
            Err(MyErr::Thrown("no".into()))
        } else {
            Ok(true)
        }
    };
    let e = nar::hash_path_filtered(HashAlgo::Sha256, &fixture("dir"), &mut boom).unwrap_err();
    assert_eq!(e, MyErr::Thrown("no".into()));
}
