//! How a store object's content was hashed: ingestion methods, fixed-output
//! hashes as written in `.drv` files, and the `ca` metadata field.
//!
//! Pure data with exact textual forms:
//! * `FileIngestionMethod`: flat (the bytes of one regular file) or
//!   recursive (the NAR serialisation of a file system object);
//! * `FixedOutputHash`: a method plus a hash; its `method_algo()` is the
//!   `.drv` hashAlgo field (`"r:sha256"`, `"sha1"`, …);
//! * `ContentAddress`: `text:sha256:<nix32>` or `fixed:[r:]<algo>:<nix32>`,
//!   the `ca` column of the store database (spec §7.5).

use std::fmt;

use super::error::{Result, StoreError};
use super::hash::{Hash, HashAlgo};

/// Flat (file contents) or recursive (NAR) hashing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileIngestionMethod {
    Flat,
    Recursive,
}

impl FileIngestionMethod {
    /// `""` for flat, `"r:"` for recursive.
    pub fn prefix(self) -> &'static str {
        match self {
            FileIngestionMethod::Flat => "",
            FileIngestionMethod::Recursive => "r:",
        }
    }

    /// Parses `outputHashMode`: `"flat"` or `"recursive"`.
    pub fn parse_mode(mode: &str) -> Result<FileIngestionMethod> {
        match mode {
            "flat" => Ok(FileIngestionMethod::Flat),
            "recursive" => Ok(FileIngestionMethod::Recursive),
            _ => Err(StoreError::Derivation(format!(
                "invalid value '{mode}' for 'outputHashMode' attribute"
            ))),
        }
    }
}

/// The expected hash of a fixed-output derivation's output.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FixedOutputHash {
    pub method: FileIngestionMethod,
    pub hash: Hash,
}

impl FixedOutputHash {
    /// The `.drv` hashAlgo field: method prefix plus algorithm name.
    pub fn method_algo(&self) -> String {
        format!("{}{}", self.method.prefix(), self.hash.algo())
    }

    /// Parses a `.drv` hashAlgo field (`"r:sha256"`) and hash field (any
    /// bare encoding; CppNix always writes base16).
    pub fn parse(method_algo: &str, hash: &str) -> Result<FixedOutputHash> {
        let (method, algo) = match method_algo.strip_prefix("r:") {
            Some(a) => (FileIngestionMethod::Recursive, a),
            None => (FileIngestionMethod::Flat, method_algo),
        };
        let algo = HashAlgo::parse(algo)?;
        Ok(FixedOutputHash {
            method,
            hash: Hash::parse_bare(hash, algo)?,
        })
    }
}

/// The `ca` field of a store object's metadata.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ContentAddress {
    /// `toFile` and `.drv` files: sha256 of the contents.
    Text(Hash),
    /// Sources and fixed outputs.
    Fixed(FixedOutputHash),
}

impl ContentAddress {
    /// Parses the textual form written by `Display`.
    pub fn parse(s: &str) -> Result<ContentAddress> {
        let bad = || StoreError::Other(format!("invalid content address '{s}'"));
        if let Some(rest) = s.strip_prefix("text:") {
            let hash = Hash::parse_prefixed(rest)?;
            if hash.algo() != HashAlgo::Sha256 {
                return Err(bad());
            }
            return Ok(ContentAddress::Text(hash));
        }
        let rest = s.strip_prefix("fixed:").ok_or_else(bad)?;
        let (method, rest) = match rest.strip_prefix("r:") {
            Some(r) => (FileIngestionMethod::Recursive, r),
            None => (FileIngestionMethod::Flat, rest),
        };
        Ok(ContentAddress::Fixed(FixedOutputHash {
            method,
            hash: Hash::parse_prefixed(rest)?,
        }))
    }
}

impl fmt::Display for ContentAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContentAddress::Text(h) => write!(f, "text:{h}"),
            ContentAddress::Fixed(fo) => write!(f, "fixed:{}{}", fo.method.prefix(), fo.hash),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::hash::hash_string;

    #[test]
    fn method_algo_strings() {
        let h = hash_string(HashAlgo::Sha1, b"x");
        let fo = FixedOutputHash {
            method: FileIngestionMethod::Recursive,
            hash: h.clone(),
        };
        assert_eq!(fo.method_algo(), "r:sha1");
        let parsed = FixedOutputHash::parse("r:sha1", &h.to_base16()).unwrap();
        assert_eq!(parsed, fo);
        let flat = FixedOutputHash::parse("sha1", &h.to_base16()).unwrap();
        assert_eq!(flat.method, FileIngestionMethod::Flat);
        assert!(FixedOutputHash::parse("r:sha3", "00").is_err());
    }

    #[test]
    fn ca_round_trip() {
        let h = hash_string(HashAlgo::Sha256, b"hello");
        let text = ContentAddress::Text(h.clone());
        assert_eq!(text.to_string(), format!("text:sha256:{}", h.to_nix32()));
        assert_eq!(ContentAddress::parse(&text.to_string()).unwrap(), text);
        for method in [FileIngestionMethod::Flat, FileIngestionMethod::Recursive] {
            let ca = ContentAddress::Fixed(FixedOutputHash {
                method,
                hash: h.clone(),
            });
            assert_eq!(ContentAddress::parse(&ca.to_string()).unwrap(), ca);
        }
        assert!(ContentAddress::parse("bogus:sha256:x").is_err());
    }

    #[test]
    fn output_hash_mode() {
        assert_eq!(
            FileIngestionMethod::parse_mode("recursive").unwrap(),
            FileIngestionMethod::Recursive
        );
        assert!(FileIngestionMethod::parse_mode("nar").is_err());
    }
}
