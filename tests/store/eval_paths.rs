//! eval.tsv rows that are pure store-layer results: `toFile`, path imports,
//! `builtins.path` (name, flat, expected sha256, filters), `filterSource`,
//! `hashString`, `hashFile`. Each expression is re-enacted with store calls
//! against a fresh temporary store and compared with CppNix's value.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use tern::store::hash::{hash_file, hash_string, Hash, HashAlgo};
use tern::store::{EntryType, FileIngestionMethod, Store, StoreError, StorePath};

use crate::support::{fixture, tsv};

/// eval.tsv as expression → JSON value.
fn eval_values() -> BTreeMap<String, String> {
    tsv("eval.tsv").into_iter().map(|r| (r[0].clone(), r[1].clone())).collect()
}

fn json_str(s: &str) -> String {
    format!("\"{s}\"")
}

fn keep_all(_: &Path, _: EntryType) -> Result<bool, StoreError> {
    Ok(true)
}

fn import(store: &Store, rel: &str) -> StorePath {
    let p = fixture(rel);
    let name = p.file_name().unwrap().to_str().unwrap().to_string();
    store.add_path(&p, &name, FileIngestionMethod::Recursive).unwrap()
}

#[test]
fn store_rows_of_eval_tsv() {
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(tmp.path()).unwrap();
    let none = BTreeSet::new();
    let text = |name: &str, s: &str, refs: &BTreeSet<StorePath>| store.add_text(name, s.as_bytes(), refs).unwrap();
    let dir = fixture("dir");
    let hello = fixture("hello.txt");

    type Case<'a> = (&'a str, Box<dyn Fn() -> String + 'a>);
    let cases: Vec<Case> = vec![
        ("builtins.toFile \"a\" \"hello\"", Box::new(|| text("a", "hello", &none).to_string())),
        ("builtins.toFile \"empty\" \"\"", Box::new(|| text("empty", "", &none).to_string())),
        (
            "builtins.toFile \"unicode.txt\" \"héllo ✓\\n\"",
            Box::new(|| text("unicode.txt", "héllo ✓\n", &none).to_string()),
        ),
        (
            "let a = builtins.toFile \"a\" \"hello\"; in builtins.toFile \"b\" \"see ${a}\"",
            Box::new(|| {
                let a = text("a", "hello", &none);
                text("b", &format!("see {a}"), &[a].into()).to_string()
            }),
        ),
        (
            "let a = builtins.toFile \"a\" \"hello\"; b = builtins.toFile \"b2\" \"x\"; in builtins.toFile \"c\" \"${b} ${a}\"",
            Box::new(|| {
                let a = text("a", "hello", &none);
                let b = text("b2", "x", &none);
                text("c", &format!("{b} {a}"), &[a, b].into()).to_string()
            }),
        ),
        ("\"${./fixtures/hello.txt}\"", Box::new(|| import(&store, "hello.txt").to_string())),
        (
            "\"${./fixtures/again/hello.txt}\"",
            Box::new(|| import(&store, "again/hello.txt").to_string()),
        ),
        ("\"${./fixtures/script.sh}\"", Box::new(|| import(&store, "script.sh").to_string())),
        ("\"${./fixtures/dir}\"", Box::new(|| import(&store, "dir").to_string())),
        ("\"${./fixtures/again/dir}\"", Box::new(|| import(&store, "again/dir").to_string())),
        ("\"${./fixtures/dir/sub}\"", Box::new(|| import(&store, "dir/sub").to_string())),
        (
            "builtins.path { path = ./fixtures/hello.txt; }",
            Box::new(|| import(&store, "hello.txt").to_string()),
        ),
        (
            "builtins.path { path = ./fixtures/hello.txt; name = \"renamed\"; }",
            Box::new(|| {
                store
                    .add_path(&hello, "renamed", FileIngestionMethod::Recursive)
                    .unwrap()
                    .to_string()
            }),
        ),
        (
            "builtins.path { path = ./fixtures/hello.txt; recursive = false; }",
            Box::new(|| {
                store
                    .add_path(&hello, "hello.txt", FileIngestionMethod::Flat)
                    .unwrap()
                    .to_string()
            }),
        ),
        (
            "builtins.path { path = ./fixtures/hello.txt; recursive = false; name = \"flat\"; }",
            Box::new(|| {
                store
                    .add_path(&hello, "flat", FileIngestionMethod::Flat)
                    .unwrap()
                    .to_string()
            }),
        ),
        ("builtins.path { path = ./fixtures/dir; }", Box::new(|| import(&store, "dir").to_string())),
        (
            "builtins.path { path = ./fixtures/dir; name = \"source\"; }",
            Box::new(|| {
                store
                    .add_path(&dir, "source", FileIngestionMethod::Recursive)
                    .unwrap()
                    .to_string()
            }),
        ),
        (
            "builtins.path { path = ./fixtures/dir; sha256 = \"1bdd54zvbighjdk0v0zfaf7m0lyxk5bxghzhxf2wcip3idpssd4v\"; }",
            Box::new(|| {
                // The expected path is computed from the given hash alone.
                let h = Hash::parse_any(
                    "1bdd54zvbighjdk0v0zfaf7m0lyxk5bxghzhxf2wcip3idpssd4v",
                    Some(HashAlgo::Sha256),
                )
                .unwrap();
                let expected = tern::store::path::source_path("dir", &h, &BTreeSet::new()).unwrap();
                assert_eq!(import(&store, "dir"), expected);
                expected.to_string()
            }),
        ),
        (
            "builtins.path { path = ./fixtures/dir; filter = p: t: t == \"directory\" || baseNameOf p == \"b.txt\"; }",
            Box::new(|| {
                let mut f = |p: &Path, t: EntryType| {
                    Ok::<_, StoreError>(t == EntryType::Directory || p.ends_with("b.txt"))
                };
                store
                    .add_path_filtered(&dir, "dir", FileIngestionMethod::Recursive, &mut f)
                    .unwrap()
                    .to_string()
            }),
        ),
        (
            "builtins.filterSource (p: t: t != \"symlink\") ./fixtures/dir",
            Box::new(|| {
                let mut f = |_: &Path, t: EntryType| Ok::<_, StoreError>(t != EntryType::Symlink);
                store
                    .add_path_filtered(&dir, "dir", FileIngestionMethod::Recursive, &mut f)
                    .unwrap()
                    .to_string()
            }),
        ),
        (
            "builtins.filterSource (p: t: true) ./fixtures/dir",
            Box::new(|| {
                store
                    .add_path_filtered(&dir, "dir", FileIngestionMethod::Recursive, &mut keep_all)
                    .unwrap()
                    .to_string()
            }),
        ),
        (
            "builtins.hashString \"sha256\" \"hello\"",
            Box::new(|| hash_string(HashAlgo::Sha256, b"hello").to_base16()),
        ),
        (
            "builtins.hashFile \"sha256\" ./fixtures/hello.txt",
            Box::new(|| hash_file(HashAlgo::Sha256, &hello).unwrap().to_base16()),
        ),
        (
            "builtins.hashFile \"sha1\" ./fixtures/hello.txt",
            Box::new(|| hash_file(HashAlgo::Sha1, &hello).unwrap().to_base16()),
        ),
    ];

    let values = eval_values();
    for (expr, run) in &cases {
        let want = values.get(*expr).unwrap_or_else(|| panic!("eval.tsv has no row {expr}"));
        assert_eq!(&json_str(&run()), want, "{expr}");
        // Adding again is a no-op with the same answer.
        assert_eq!(&json_str(&run()), want, "{expr} (second time)");
    }

    // Every stored object's content matches its path.
    for p in store.list().unwrap() {
        let info = store.query_info(&p).unwrap().unwrap();
        let (h, n) = tern::store::nar::hash_path(HashAlgo::Sha256, &store.real_path(&p)).unwrap();
        assert_eq!((h, n), (info.nar_hash.clone(), info.nar_size), "{p}");
    }
}
