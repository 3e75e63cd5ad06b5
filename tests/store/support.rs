//! Reading the vector files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use tern::store::derivation::Derivation;
use tern::store::path::StorePath;

pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

pub fn fixture(rel: &str) -> PathBuf {
    vectors_dir().join("fixtures").join(rel)
}

/// Data rows of a vector TSV (header dropped), each with exactly the
/// header's number of columns.
pub fn tsv(name: &str) -> Vec<Vec<String>> {
    let path = vectors_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines();
    let header = lines.next().expect("header line");
    let ncols = header.split('\t').count();
    let rows: Vec<Vec<String>> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let cols: Vec<String> = l.split('\t').map(str::to_string).collect();
            assert_eq!(cols.len(), ncols, "{name}: bad row {l:?}");
            cols
        })
        .collect();
    assert!(!rows.is_empty(), "{name} has no rows");
    rows
}

pub fn b64(s: &str) -> Vec<u8> {
    STANDARD.decode(s).expect("valid base64 in vector")
}

/// Undoes the C-style escaping of `fingerprints.tsv` (`\\`, `\t`, `\n`).
pub fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// drvtext.tsv as (drv path, exact text).
pub fn drv_texts() -> Vec<(String, Vec<u8>)> {
    tsv("drvtext.tsv").into_iter().map(|r| (r[0].clone(), b64(&r[1]))).collect()
}

/// Every derivation of drvtext.tsv, parsed, by drv path: the input
/// derivation database for modulo hashing.
pub fn drv_db() -> BTreeMap<String, Derivation> {
    drv_texts()
        .into_iter()
        .map(|(p, text)| {
            let sp = StorePath::parse(&p).expect("valid drv path");
            let drv = Derivation::parse_at(&text, &sp).unwrap_or_else(|e| panic!("cannot parse {p}: {e}"));
            (p, drv)
        })
        .collect()
}
