//! drvtext.tsv and drv.tsv: every `.drv` parses and re-serialises byte for
//! byte, its drv path and output paths are recomputed from the parsed
//! structure (masking + modulo hashing, the other rows being the input
//! database), and every drv.tsv expression's drvPath/outPaths agree.

use std::collections::BTreeSet;

use tern::store::derivation::{Derivation, HashModuloMemo};
use tern::store::path::StorePath;

use crate::support::{drv_db, drv_texts, tsv};

#[test]
fn drvtext_round_trips_byte_for_byte() {
    let texts = drv_texts();
    assert_eq!(texts.len(), 53);
    for (path, text) in texts {
        let sp = StorePath::parse(&path).unwrap();
        let drv = Derivation::parse_at(&text, &sp).unwrap();
        assert_eq!(drv.to_aterm(), text, "{path}");
        assert_eq!(format!("{}.drv", drv.name), sp.name());
    }
}

#[test]
fn drvtext_drv_paths_recomputed() {
    for (path, drv) in drv_db() {
        assert_eq!(drv.drv_path().unwrap().to_string(), path);
    }
}

/// Blanks every output path and scribbles over the output env entries, so
/// recomputation cannot just copy them back.
fn strip_outputs(drv: &Derivation) -> Derivation {
    let mut d = drv.clone();
    for (name, out) in d.outputs.iter_mut() {
        out.path.clear();
        d.env.insert(name.as_bytes().to_vec(), b"/tmp/bogus".to_vec());
    }
    d
}

#[test]
fn drvtext_output_paths_recomputed() {
    let db = drv_db();
    let mut loader = db.clone();
    let mut memo = HashModuloMemo::new();
    let mut fixed = 0;
    for (path, drv) in &db {
        let mut fresh = strip_outputs(drv);
        fresh.fill_output_paths(&mut loader, &mut memo).unwrap();
        assert_eq!(&fresh, drv, "{path}");
        assert_eq!(fresh.drv_path().unwrap().to_string(), *path);
        fixed += usize::from(drv.is_fixed_output());
    }
    assert!(fixed >= 8, "expected the fixed-output rows, got {fixed}");
    // Every input was hashed once and memoised.
    assert!(!memo.is_empty());
}

#[test]
fn drv_tsv_rows_agree_with_drvtext() {
    let db = drv_db();
    let rows = tsv("drv.tsv");
    assert_eq!(rows.len(), 57);
    let mut loader = db.clone();
    let mut memo = HashModuloMemo::new();
    for r in rows {
        let (expr, drv_path, out_paths) = (&r[0], &r[1], &r[2]);
        let drv = db.get(drv_path).unwrap_or_else(|| panic!("{drv_path} missing from drvtext.tsv ({expr})"));
        let mut declared = BTreeSet::new();
        for pair in out_paths.split(';') {
            let (name, path) = pair.split_once('=').unwrap();
            assert_eq!(drv.outputs[name].path, path, "{expr}");
            declared.insert(name.to_string());
        }
        let actual: BTreeSet<String> = drv.outputs.keys().cloned().collect();
        assert_eq!(declared, actual, "{expr}");

        let mut fresh = strip_outputs(drv);
        fresh.fill_output_paths(&mut loader, &mut memo).unwrap();
        assert_eq!(fresh.drv_path().unwrap().to_string(), *drv_path, "{expr}");
    }
}

#[test]
fn fixed_output_hides_how_it_was_built() {
    // uses-fod appears twice in drv.tsv with different FOD inputs (different
    // drvPaths, same output): the using derivations get the same outPath.
    let rows: Vec<Vec<String>> = tsv("drv.tsv").into_iter().filter(|r| r[0].contains("name = \"uses-fod\"")).collect();
    assert_eq!(rows.len(), 2);
    assert_ne!(rows[0][1], rows[1][1]);
    assert_eq!(rows[0][2], rows[1][2]);
    let db = drv_db();
    let inputs = |r: &Vec<String>| db[&r[1]].input_drvs.keys().cloned().collect::<Vec<_>>();
    assert_ne!(inputs(&rows[0]), inputs(&rows[1]));
}

#[test]
fn output_hash_attrs_parse_to_the_drv_hash() {
    // The env keeps outputHash* as the user wrote them (hex, nix32, base64,
    // SRI); parsing them must give the hash the .drv records.
    let mut checked = 0;
    for (path, drv) in drv_db() {
        let Some(fo) = drv.fixed_output() else {
            continue;
        };
        let get = |k: &str| drv.env_get(k).map(|v| std::str::from_utf8(v).unwrap());
        let Some(h) = get("outputHash") else {
            continue; // structured attrs: the values are inside __json
        };
        let parsed =
            tern::store::FixedOutputHash::from_derivation_attrs(h, get("outputHashAlgo"), get("outputHashMode"))
                .unwrap();
        assert_eq!(&parsed, fo, "{path}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixed-output rows");
}

#[test]
fn memo_seeded_by_the_creator_needs_no_loader() {
    // An evaluator records each derivation it creates; later derivations
    // using it then hash without loading anything.
    let db = drv_db();
    let a_path = "/nix/store/49c9l6zsk73s3waaqjxvc2vs88q36fzf-chain-a.drv";
    let b_path = "/nix/store/7sv5rkpc9wx37xpxbr0y6rf7ygdsn257-chain-b.drv";
    let mut refuse = |p: &str| -> Result<Derivation, tern::store::StoreError> { panic!("unexpected load of {p}") };
    let mut memo = HashModuloMemo::new();
    let a = &db[a_path];
    let hashes = tern::store::derivation::hash_derivation_modulo(a, false, &mut refuse, &mut memo).unwrap();
    memo.insert(a_path, hashes);
    let mut b = strip_outputs(&db[b_path]);
    b.fill_output_paths(&mut refuse, &mut memo).unwrap();
    assert_eq!(&b, &db[b_path]);
    assert!(memo.get(a_path).is_some());
}
