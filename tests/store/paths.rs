//! fingerprints.tsv: every row's fingerprint hashes to its store path, and
//! every fingerprint is re-derived from first principles by kind.

use std::collections::{BTreeMap, BTreeSet};

use tern::store::content_address::FileIngestionMethod;
use tern::store::derivation::{hash_derivation_modulo, Derivation, HashModuloMemo};
use tern::store::hash::{hash_string, HashAlgo};
use tern::store::nar;
use tern::store::path::{
    fixed_output_fingerprint, output_fingerprint, path_from_fingerprint, placeholder, source_fingerprint,
    text_fingerprint, StorePath,
};

use crate::support::{drv_db, drv_texts, fixture, tsv, unescape};

struct Row {
    kind: String,
    fingerprint: String,
    path: String,
}

fn rows() -> Vec<Row> {
    tsv("fingerprints.tsv")
        .into_iter()
        .map(|r| Row { kind: r[0].clone(), fingerprint: unescape(&r[1]), path: r[2].clone() })
        .collect()
}

#[test]
fn every_fingerprint_hashes_to_its_path() {
    let rows = rows();
    assert_eq!(rows.len(), 115);
    for r in rows {
        // A name never contains ':', so it is the last field.
        let name = r.fingerprint.rsplit(':').next().unwrap();
        let p = path_from_fingerprint(&r.fingerprint, name).unwrap();
        assert_eq!(p.to_string(), r.path, "{}", r.fingerprint);
        assert_eq!(StorePath::parse(&r.path).unwrap(), p);
    }
}

/// The derivation (from drvtext.tsv) having `path` as output `output`.
fn drv_with_output<'a>(db: &'a BTreeMap<String, Derivation>, path: &str) -> (&'a Derivation, String) {
    for drv in db.values() {
        for (o, out) in &drv.outputs {
            if out.path == path {
                return (drv, o.clone());
            }
        }
    }
    panic!("no derivation in drvtext.tsv has output {path}");
}

/// Contents of the `toFile` objects in fingerprints.tsv, from the
/// expressions in eval.tsv (`b` refers to `a`).
fn text_contents(name: &str, a_path: &str) -> Vec<u8> {
    match name {
        "a" => b"hello".to_vec(),
        "empty" => Vec::new(),
        "unicode.txt" => "héllo ✓\n".as_bytes().to_vec(),
        "b" => format!("see {a_path}").into_bytes(),
        other => panic!("unexpected text row {other}"),
    }
}

#[test]
fn every_fingerprint_is_rederived_by_kind() {
    let db = drv_db();
    let texts: BTreeMap<String, Vec<u8>> = drv_texts().into_iter().collect();
    let nar_rows = tsv("nar.tsv");
    let a_path = rows().into_iter().find(|r| r.kind == "text" && r.fingerprint.ends_with(":a")).unwrap().path;
    let mut memo = HashModuloMemo::new();
    let mut loader = db.clone();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();

    for r in rows() {
        let name = r.fingerprint.rsplit(':').next().unwrap().to_string();
        let got = if r.kind == "drv" {
            let drv = &db[&r.path];
            let text = &texts[&r.path];
            let h = hash_string(HashAlgo::Sha256, text);
            text_fingerprint(&name, &h, &drv.references().unwrap()).unwrap()
        } else if let Some(output) = r.kind.strip_prefix("input-addressed:") {
            let (drv, o) = drv_with_output(&db, &r.path);
            assert_eq!(o, output);
            let hashes = hash_derivation_modulo(drv, true, &mut loader, &mut memo).unwrap();
            output_fingerprint(&drv.name, output, &hashes[output]).unwrap()
        } else if let Some(ma) = r.kind.strip_prefix("fixed-output(").and_then(|k| k.strip_suffix(')')) {
            let (drv, o) = drv_with_output(&db, &r.path);
            assert_eq!(o, "out");
            let fo = drv.fixed_output().expect("a fixed-output derivation");
            assert_eq!(fo.method_algo(), ma);
            fixed_output_fingerprint(&drv.name, fo.method, &fo.hash, &BTreeSet::new()).unwrap()
        } else if r.kind == "source" {
            let row = nar_rows.iter().find(|n| n[6] == r.path).expect("nar.tsv row");
            let p = fixture(row[0].strip_prefix("fixtures/").unwrap());
            let (h, _) = nar::hash_path(HashAlgo::Sha256, &p).unwrap();
            source_fingerprint(&name, &h, &BTreeSet::new()).unwrap()
        } else if r.kind == "text" || r.kind == "text+refs" {
            let contents = text_contents(&name, &a_path);
            let refs: BTreeSet<StorePath> =
                if r.kind == "text+refs" { [StorePath::parse(&a_path).unwrap()].into() } else { BTreeSet::new() };
            let h = hash_string(HashAlgo::Sha256, &contents);
            text_fingerprint(&name, &h, &refs).unwrap()
        } else {
            panic!("unknown fingerprint kind {}", r.kind);
        };
        assert_eq!(got, r.fingerprint, "{} {}", r.kind, r.path);
        *by_kind.entry(r.kind.clone()).or_default() += 1;
    }
    // All kinds of spec §2 occur.
    for k in ["drv", "input-addressed:out", "input-addressed:dev", "source", "text", "text+refs"] {
        assert!(by_kind.contains_key(k), "no {k} rows checked");
    }
    for ma in ["md5", "sha1", "r:sha1", "sha256", "r:sha256", "sha512", "r:sha512"] {
        assert!(by_kind.contains_key(&format!("fixed-output({ma})")), "no {ma} row");
    }
}

#[test]
fn recursive_sha256_fixed_output_equals_source_import() {
    // Spec §2.3: a recursive-sha256 FOD named hello.txt with the NAR hash of
    // fixtures/hello.txt lands on the path "${./fixtures/hello.txt}" gets.
    let (h, _) = nar::hash_path(HashAlgo::Sha256, &fixture("hello.txt")).unwrap();
    let none = BTreeSet::new();
    let fod = tern::store::path::fixed_output_path("hello.txt", FileIngestionMethod::Recursive, &h, &none).unwrap();
    let src = tern::store::path::source_path("hello.txt", &h, &none).unwrap();
    assert_eq!(fod, src);
    let want = &tsv("nar.tsv")[0][6];
    assert_eq!(&src.to_string(), want);
}

#[test]
fn placeholders_match_eval_tsv() {
    let mut checked = 0;
    for r in tsv("eval.tsv") {
        if let Some(arg) = r[0].strip_prefix("builtins.placeholder \"") {
            let output = arg.strip_suffix('"').unwrap();
            assert_eq!(format!("\"{}\"", placeholder(output)), r[1]);
            assert_eq!(r[2], "{}");
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
}
