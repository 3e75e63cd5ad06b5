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
            _ => Err(StoreError::Derivation(format!("invalid value '{mode}' for 'outputHashMode' attribute"))),
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
        Ok(FixedOutputHash { method, hash: Hash::parse_bare(hash, algo)? })
    }
}

impl FixedOutputHash {
    /// The expected hash of a fixed-output derivation from its
    /// `outputHash`, `outputHashAlgo` and `outputHashMode` attributes, with
    /// CppNix 2.8's rules: the hash may be SRI, `algo:…`, or bare when
    /// `outputHashAlgo` names the algorithm (an unknown or empty
    /// `outputHashAlgo` counts as absent); the mode defaults to flat. An
    /// empty `outputHash` means the all-zero hash of the given algorithm;
    /// CppNix warns "found empty hash, assuming '`<SRI>`'", which is the
    /// caller's to print.
    pub fn from_derivation_attrs(
        output_hash: &str,
        output_hash_algo: Option<&str>,
        output_hash_mode: Option<&str>,
    ) -> Result<FixedOutputHash> {
        let method = match output_hash_mode {
            Some(m) => FileIngestionMethod::parse_mode(m)?,
            None => FileIngestionMethod::Flat,
        };
        let algo = output_hash_algo.and_then(|a| HashAlgo::parse(a).ok());
        let hash = if output_hash.is_empty() {
            let algo = algo.ok_or_else(|| StoreError::bad_hash("empty hash requires explicit hash type".into()))?;
            Hash::zero(algo)
        } else {
            Hash::parse_any(output_hash, algo)?
        };
        Ok(FixedOutputHash { method, hash })
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
        Ok(ContentAddress::Fixed(FixedOutputHash { method, hash: Hash::parse_prefixed(rest)? }))
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
        let fo = FixedOutputHash { method: FileIngestionMethod::Recursive, hash: h.clone() };
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
            let ca = ContentAddress::Fixed(FixedOutputHash { method, hash: h.clone() });
            assert_eq!(ContentAddress::parse(&ca.to_string()).unwrap(), ca);
        }
        assert!(ContentAddress::parse("bogus:sha256:x").is_err());
    }

    #[test]
    fn derivation_attrs_like_cppnix() {
        let sri = "sha256-qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc=";
        let hex = "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447";
        let plain = FixedOutputHash::from_derivation_attrs(sri, None, None).unwrap();
        assert_eq!(plain.method, FileIngestionMethod::Flat);
        assert_eq!(plain.hash.to_base16(), hex);
        // An unknown or empty outputHashAlgo is ignored when the hash names
        // its algorithm…
        for algo in ["foo", ""] {
            let h = FixedOutputHash::from_derivation_attrs(sri, Some(algo), None).unwrap();
            assert_eq!(h, plain);
        }
        // …but cannot type a bare hash.
        let e = FixedOutputHash::from_derivation_attrs(hex, Some("foo"), None).unwrap_err();
        assert!(e.to_string().contains("does not include a type"), "{e}");
        let h = FixedOutputHash::from_derivation_attrs(hex, Some("sha256"), Some("recursive")).unwrap();
        assert_eq!(h.method_algo(), "r:sha256");
        // Empty hash: zero hash of the given algorithm, or an error.
        let z = FixedOutputHash::from_derivation_attrs("", Some("sha256"), None).unwrap();
        assert_eq!(z.hash, Hash::zero(HashAlgo::Sha256));
        let e = FixedOutputHash::from_derivation_attrs("", None, None).unwrap_err();
        assert_eq!(e.to_string(), "empty hash requires explicit hash type");
        let e = FixedOutputHash::from_derivation_attrs(sri, None, Some("nar")).unwrap_err();
        assert_eq!(e.to_string(), "invalid value 'nar' for 'outputHashMode' attribute");
    }

    #[test]
    fn output_hash_mode() {
        assert_eq!(FileIngestionMethod::parse_mode("recursive").unwrap(), FileIngestionMethod::Recursive);
        assert!(FileIngestionMethod::parse_mode("nar").is_err());
    }
}
