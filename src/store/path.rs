//! Store paths: parsing, name rules, and computing a path from a fingerprint
//! for every kind of store object (spec §1–§2).
//!
//! A store path is `/nix/store/<hash>-<name>` where `<hash>` is 32 nix32
//! characters. Every path is derived the same way: a *fingerprint* string
//! `TYPE:sha256:<hex INNER>:/nix/store:NAME` is hashed with sha256, folded
//! by xor onto 20 bytes and printed in nix32. Only `TYPE` and `INNER`
//! differ between kinds:
//!
//! | kind | TYPE | INNER |
//! |---|---|---|
//! | text (`toFile`, `.drv`) | `text` + `:ref`… | sha256 of the contents |
//! | source / recursive sha256 | `source` + `:ref`… | sha256 of the NAR |
//! | other fixed outputs | `output:out` | sha256(`fixed:out:<m><algo>:<hex>:`) |
//! | input-addressed outputs | `output:<out>` | the masked derivation hash |
//!
//! The logical store directory is always `/nix/store` ([`STORE_DIR`]): that
//! is what goes into fingerprints and `.drv` files, wherever the physical
//! store lives (see `local.rs`). This module is pure: no file system access.

use std::collections::BTreeSet;
use std::fmt;

use super::base32;
use super::content_address::FileIngestionMethod;
use super::error::{Result, StoreError};
use super::hash::{hash_string, xor_fold, Hash, HashAlgo};

/// The logical store directory, as it appears in paths and fingerprints.
pub const STORE_DIR: &str = "/nix/store";

/// Length of the hash part of a store path.
pub const HASH_PART_LEN: usize = 32;

/// Longest allowed name (so the full path stays within 255 bytes).
pub const MAX_NAME_LEN: usize = 211;

/// A validated store path, kept as its base name `<hash>-<name>`.
///
/// Ordering is byte order of the base name, which equals the byte order of
/// the full paths because they share the `/nix/store/` prefix.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StorePath {
    base: Box<str>,
}

impl StorePath {
    /// Parses a full store path such as `/nix/store/<hash>-<name>`. Paths
    /// inside a store object (`…/bin/sh`) are rejected; see
    /// [`split_store_path`] for those.
    pub fn parse(path: &str) -> Result<StorePath> {
        let base = strip_store_dir(path).ok_or_else(|| not_in_store(path))?;
        if base.contains('/') {
            return Err(StoreError::BadStorePath(format!(
                "path '{path}' is not a store path: it lies inside store object '{}'",
                base.split('/').next().unwrap_or("")
            )));
        }
        StorePath::from_base_name(base)
    }

    /// Parses a base name `<hash>-<name>`.
    pub fn from_base_name(base: &str) -> Result<StorePath> {
        let malformed = || {
            StoreError::BadStorePath(format!(
                "path '{STORE_DIR}/{base}' is not a valid store path: expected \
                 {HASH_PART_LEN} base-32 characters, a '-' and a name"
            ))
        };
        if base.len() < HASH_PART_LEN + 1 || !base.is_char_boundary(HASH_PART_LEN) {
            return Err(malformed());
        }
        let (hash, rest) = base.split_at(HASH_PART_LEN);
        if !rest.starts_with('-') {
            return Err(malformed());
        }
        if let Some(c) = hash.chars().find(|&c| !base32::is_nix32_char(c)) {
            return Err(StoreError::BadStorePath(format!(
                "store path '{base}' contains illegal base-32 character '{c}'"
            )));
        }
        check_name(&rest[1..], Some(base))?;
        Ok(StorePath { base: base.into() })
    }

    /// Builds a path from a 20-byte digest and a name.
    pub fn from_digest(digest: &[u8], name: &str) -> Result<StorePath> {
        let hash = base32::encode(digest);
        if hash.len() != HASH_PART_LEN {
            return Err(StoreError::Other(format!("a store path digest must be 20 bytes, got {}", digest.len())));
        }
        let base = format!("{hash}-{name}");
        check_name(name, Some(&base))?;
        Ok(StorePath { base: base.into() })
    }

    /// The 32-character hash part.
    pub fn hash_part(&self) -> &str {
        &self.base[..HASH_PART_LEN]
    }

    /// The name after `<hash>-`.
    pub fn name(&self) -> &str {
        &self.base[HASH_PART_LEN + 1..]
    }

    /// `<hash>-<name>`.
    pub fn base_name(&self) -> &str {
        &self.base
    }

    /// Whether this is a derivation (`….drv`).
    pub fn is_derivation(&self) -> bool {
        self.name().ends_with(".drv")
    }

    /// The full logical path, `/nix/store/<hash>-<name>`.
    pub fn to_absolute(&self) -> String {
        format!("{STORE_DIR}/{}", self.base)
    }
}

impl fmt::Display for StorePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{STORE_DIR}/{}", self.base)
    }
}

impl fmt::Debug for StorePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StorePath({STORE_DIR}/{})", self.base)
    }
}

fn strip_store_dir(path: &str) -> Option<&str> {
    path.strip_prefix(STORE_DIR)?.strip_prefix('/')
}

fn not_in_store(path: &str) -> StoreError {
    StoreError::BadStorePath(format!("path '{path}' is not in the Nix store"))
}

/// Whether `path` lies in the store (is a store path or inside one).
pub fn is_in_store(path: &str) -> bool {
    strip_store_dir(path).is_some_and(|rest| !rest.is_empty())
}

/// Splits a path inside the store into its store path and the remainder:
/// `/nix/store/<h>-x/bin/sh` → (`/nix/store/<h>-x`, `/bin/sh`). The
/// remainder is empty or starts with `/`.
pub fn split_store_path(path: &str) -> Result<(StorePath, &str)> {
    let rest = strip_store_dir(path).ok_or_else(|| not_in_store(path))?;
    let end = rest.find('/').unwrap_or(rest.len());
    Ok((StorePath::from_base_name(&rest[..end])?, &rest[end..]))
}

/// Checks a store path name against the CppNix 2.8 rules (spec §1.3):
/// non-empty, at most 211 bytes, only `A-Za-z0-9+-._?=`. Names starting
/// with `.` (even `.` and `..`) are accepted, as 2.8 does.
pub fn validate_name(name: &str) -> Result<()> {
    check_name(name, None)
}

fn check_name(name: &str, base: Option<&str>) -> Result<()> {
    let subject = match base {
        Some(b) => format!("store path '{b}'"),
        None => format!("store path name '{name}'"),
    };
    if name.is_empty() {
        return Err(StoreError::BadStorePath(format!("{subject} has an empty name")));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(StoreError::BadStorePath(format!("{subject} has a name longer than {MAX_NAME_LEN} characters")));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+-._?=".contains(c);
    if let Some(c) = name.chars().find(|&c| !allowed(c)) {
        return Err(StoreError::BadStorePath(format!("{subject} contains illegal character '{c}'")));
    }
    Ok(())
}

/// `TYPE` with references appended as `:<path>` in sorted order.
fn type_with_refs(kind: &str, references: &BTreeSet<StorePath>) -> String {
    let mut t = String::from(kind);
    for r in references {
        t.push(':');
        t.push_str(STORE_DIR);
        t.push('/');
        t.push_str(r.base_name());
    }
    t
}

fn require_sha256(hash: &Hash, what: &str) -> Result<()> {
    if hash.algo() == HashAlgo::Sha256 {
        Ok(())
    } else {
        Err(StoreError::Other(format!("{what} must be a sha256 hash, got {}", hash.algo())))
    }
}

/// The general fingerprint `TYPE:sha256:<hex INNER>:/nix/store:NAME`.
pub fn fingerprint(path_type: &str, inner: &Hash, name: &str) -> Result<String> {
    require_sha256(inner, "the inner hash of a store path fingerprint")?;
    Ok(format!("{path_type}:sha256:{}:{STORE_DIR}:{name}", inner.to_base16()))
}

/// Computes the store path for a fingerprint (sha256, xor-fold to 20 bytes,
/// nix32). `name` must be the fingerprint's final field.
pub fn path_from_fingerprint(fingerprint: &str, name: &str) -> Result<StorePath> {
    let digest = hash_string(HashAlgo::Sha256, fingerprint.as_bytes());
    StorePath::from_digest(&xor_fold(digest.as_bytes(), 20), name)
}

/// Fingerprint of a text object (`toFile`, `.drv`) with these contents'
/// sha256 and references.
pub fn text_fingerprint(name: &str, content_hash: &Hash, references: &BTreeSet<StorePath>) -> Result<String> {
    fingerprint(&type_with_refs("text", references), content_hash, name)
}

/// Fingerprint of a source object (recursive sha256 of its NAR).
pub fn source_fingerprint(name: &str, nar_hash: &Hash, references: &BTreeSet<StorePath>) -> Result<String> {
    fingerprint(&type_with_refs("source", references), nar_hash, name)
}

/// Fingerprint of a fixed-output object. Recursive sha256 is the source
/// fingerprint with the hash as INNER; everything else hashes the inner
/// fingerprint `fixed:out:<method><algo>:<hex>:` (note the trailing colon)
/// and may not have references.
pub fn fixed_output_fingerprint(
    name: &str,
    method: FileIngestionMethod,
    hash: &Hash,
    references: &BTreeSet<StorePath>,
) -> Result<String> {
    if method == FileIngestionMethod::Recursive && hash.algo() == HashAlgo::Sha256 {
        return source_fingerprint(name, hash, references);
    }
    if !references.is_empty() {
        return Err(StoreError::Other(format!(
            "fixed-output path '{name}' ({}{}) cannot have references",
            method.prefix(),
            hash.algo()
        )));
    }
    let inner = format!("fixed:out:{}{}:{}:", method.prefix(), hash.algo(), hash.to_base16());
    let inner = hash_string(HashAlgo::Sha256, inner.as_bytes());
    fingerprint("output:out", &inner, name)
}

/// The store name of output `output` of a derivation named `drv_name`:
/// `drv_name` for `out`, else `drv_name-output`.
pub fn output_path_name(drv_name: &str, output: &str) -> String {
    if output == "out" {
        drv_name.to_string()
    } else {
        format!("{drv_name}-{output}")
    }
}

/// Fingerprint of an input-addressed output, from the masked derivation hash.
pub fn output_fingerprint(drv_name: &str, output: &str, masked_hash: &Hash) -> Result<String> {
    fingerprint(&format!("output:{output}"), masked_hash, &output_path_name(drv_name, output))
}

/// Path of a text object (`builtins.toFile`, `.drv` files).
pub fn text_path(name: &str, content_hash: &Hash, references: &BTreeSet<StorePath>) -> Result<StorePath> {
    validate_name(name)?;
    path_from_fingerprint(&text_fingerprint(name, content_hash, references)?, name)
}

/// Path of a source object (`./path` imports, `builtins.path`).
pub fn source_path(name: &str, nar_hash: &Hash, references: &BTreeSet<StorePath>) -> Result<StorePath> {
    validate_name(name)?;
    path_from_fingerprint(&source_fingerprint(name, nar_hash, references)?, name)
}

/// Path of a fixed-output object (FOD outputs, `builtins.path` flat).
pub fn fixed_output_path(
    name: &str,
    method: FileIngestionMethod,
    hash: &Hash,
    references: &BTreeSet<StorePath>,
) -> Result<StorePath> {
    validate_name(name)?;
    path_from_fingerprint(&fixed_output_fingerprint(name, method, hash, references)?, name)
}

/// Path of output `output` of an input-addressed derivation.
pub fn output_path(drv_name: &str, output: &str, masked_hash: &Hash) -> Result<StorePath> {
    let name = output_path_name(drv_name, output);
    validate_name(&name)?;
    path_from_fingerprint(&output_fingerprint(drv_name, output, masked_hash)?, &name)
}

/// `builtins.placeholder`: `/` + nix32(sha256("nix-output:" + output)).
pub fn placeholder(output: &str) -> String {
    let h = hash_string(HashAlgo::Sha256, format!("nix-output:{output}").as_bytes());
    format!("/{}", h.to_nix32())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a";

    #[test]
    fn to_file_hello_worked_example() {
        // Spec §1.1: builtins.toFile "a" "hello".
        let h = hash_string(HashAlgo::Sha256, b"hello");
        let fp = text_fingerprint("a", &h, &BTreeSet::new()).unwrap();
        assert_eq!(fp, format!("text:sha256:{}:/nix/store:a", h.to_base16()));
        let p = text_path("a", &h, &BTreeSet::new()).unwrap();
        assert_eq!(p.to_string(), A);
    }

    #[test]
    fn parse_and_parts() {
        let p = StorePath::parse(A).unwrap();
        assert_eq!(p.hash_part(), "vmg5na96ajnh1v932j9jdzfc3022vbh9");
        assert_eq!(p.name(), "a");
        assert_eq!(p.base_name(), "vmg5na96ajnh1v932j9jdzfc3022vbh9-a");
        assert!(!p.is_derivation());
        assert_eq!(p.to_absolute(), A);
        assert!(StorePath::parse(&format!("{A}.drv")).unwrap().is_derivation());
    }

    #[test]
    fn parse_rejects() {
        let bad = [
            "/nix/store",
            "/nix/store/",
            "/nix/storex/vmg5na96ajnh1v932j9jdzfc3022vbh9-a",
            "/tmp/vmg5na96ajnh1v932j9jdzfc3022vbh9-a",
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9",
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-",
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9_a",
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbhe-a",
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh-a",
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a b",
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a/bin",
            "/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh✓-a",
        ];
        for b in bad {
            assert!(StorePath::parse(b).is_err(), "{b}");
        }
        let e = StorePath::parse("/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbhe-a").unwrap_err().to_string();
        assert!(e.contains("illegal base-32 character 'e'"), "{e}");
    }

    #[test]
    fn split_inside_store() {
        let inside = format!("{A}/bin/sh");
        let (p, rest) = split_store_path(&inside).unwrap();
        assert_eq!(p.to_string(), A);
        assert_eq!(rest, "/bin/sh");
        let (p, rest) = split_store_path(A).unwrap();
        assert_eq!(p.to_string(), A);
        assert_eq!(rest, "");
        assert!(split_store_path("/tmp/x").is_err());
        assert!(is_in_store(A));
        assert!(!is_in_store("/nix/store"));
        assert!(!is_in_store("/nix/store/"));
    }

    #[test]
    fn name_rules() {
        for ok in ["a", "A-Z_0.9+?=", ".", "..", ".-x", ".foo", &"n".repeat(211)] {
            validate_name(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        let msg = |n: &str| validate_name(n).unwrap_err().to_string();
        assert_eq!(msg(""), "store path name '' has an empty name");
        assert!(msg(&"n".repeat(212)).contains("longer than 211 characters"));
        assert!(msg("a b").ends_with("contains illegal character ' '"));
        assert!(msg("a@b").ends_with("contains illegal character '@'"));
        assert!(msg("a/b").ends_with("contains illegal character '/'"));
        assert!(msg("é").ends_with("contains illegal character 'é'"));
    }

    #[test]
    fn bad_name_error_names_the_path_like_cppnix() {
        let h = hash_string(HashAlgo::Sha256, b"x");
        let fp = text_fingerprint("a b", &h, &BTreeSet::new()).unwrap();
        let e = path_from_fingerprint(&fp, "a b").unwrap_err().to_string();
        assert!(e.starts_with("store path '"), "{e}");
        assert!(e.ends_with("-a b' contains illegal character ' '"), "{e}");
    }

    #[test]
    fn inner_hash_must_be_sha256() {
        let h = hash_string(HashAlgo::Sha1, b"x");
        assert!(text_path("a", &h, &BTreeSet::new()).is_err());
        // ... but fixed outputs accept any algorithm.
        fixed_output_path("a", FileIngestionMethod::Flat, &h, &BTreeSet::new()).unwrap();
    }

    #[test]
    fn fixed_output_refs_only_for_recursive_sha256() {
        let refs: BTreeSet<StorePath> = [StorePath::parse(A).unwrap()].into();
        let sha256 = hash_string(HashAlgo::Sha256, b"x");
        assert!(fixed_output_path("f", FileIngestionMethod::Flat, &sha256, &refs).is_err());
        let rec = fixed_output_path("f", FileIngestionMethod::Recursive, &sha256, &refs).unwrap();
        assert_eq!(rec, source_path("f", &sha256, &refs).unwrap());
    }

    #[test]
    fn output_names() {
        assert_eq!(output_path_name("hello", "out"), "hello");
        assert_eq!(output_path_name("hello", "dev"), "hello-dev");
    }

    #[test]
    fn placeholders() {
        assert_eq!(placeholder("out"), "/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9");
        assert_eq!(placeholder("dev").len(), 53);
    }
}
