//! Hash algorithms, hash values and their textual encodings.
//!
//! Owns: `HashAlgo` (md5, sha1, sha256, sha512), `Hash` (an algorithm plus
//! its raw digest), parsing hashes the way CppNix 2.8 does (`algo:rest`,
//! SRI `algo-base64`, or a bare string whose encoding — base16, nix32 or
//! base64 — is told apart by its length), printing in every encoding, and a
//! streaming `Hasher` that is also an `io::Write` so NARs can be hashed
//! without buffering them. Serves `builtins.hashString`/`hashFile`, output
//! hash parsing in derivations, and store metadata (narHash, ca).
//!
//! Knows nothing about store paths; the xor-folding used for path hash
//! parts lives here because it is a pure hash operation.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::base32;
use super::error::{Result, StoreError};

/// A hash algorithm supported by Nix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HashAlgo {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl HashAlgo {
    /// All algorithms, in the order CppNix lists them.
    pub const ALL: [HashAlgo; 4] = [HashAlgo::Md5, HashAlgo::Sha1, HashAlgo::Sha256, HashAlgo::Sha512];

    /// The name used in hash prefixes, SRI strings and `.drv` files.
    pub fn name(self) -> &'static str {
        match self {
            HashAlgo::Md5 => "md5",
            HashAlgo::Sha1 => "sha1",
            HashAlgo::Sha256 => "sha256",
            HashAlgo::Sha512 => "sha512",
        }
    }

    /// Parses an algorithm name; the error uses CppNix's wording.
    pub fn parse(name: &str) -> Result<HashAlgo> {
        HashAlgo::ALL
            .into_iter()
            .find(|a| a.name() == name)
            .ok_or_else(|| StoreError::bad_hash(format!("unknown hash algorithm '{name}'")))
    }

    /// Digest size in bytes.
    pub fn size(self) -> usize {
        match self {
            HashAlgo::Md5 => 16,
            HashAlgo::Sha1 => 20,
            HashAlgo::Sha256 => 32,
            HashAlgo::Sha512 => 64,
        }
    }

    /// Length of the base16 encoding of a digest.
    pub fn base16_len(self) -> usize {
        self.size() * 2
    }

    /// Length of the nix32 encoding of a digest.
    pub fn nix32_len(self) -> usize {
        base32::encoded_len(self.size())
    }

    /// Length of the padded base64 encoding of a digest.
    pub fn base64_len(self) -> usize {
        self.size().div_ceil(3) * 4
    }
}

impl fmt::Display for HashAlgo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A textual encoding of a hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashFormat {
    /// Lowercase hexadecimal.
    Base16,
    /// Nix's base-32 (spec §1.2).
    Nix32,
    /// Standard padded base64.
    Base64,
    /// Subresource integrity: `algo-base64`. Always carries the algorithm.
    Sri,
}

impl HashFormat {
    /// Parses the format names `builtins.convertHash` and `nix hash` accept.
    pub fn parse(name: &str) -> Result<HashFormat> {
        match name {
            "base16" => Ok(HashFormat::Base16),
            "nix32" | "base32" => Ok(HashFormat::Nix32),
            "base64" => Ok(HashFormat::Base64),
            "sri" => Ok(HashFormat::Sri),
            _ => Err(StoreError::bad_hash(format!(
                "unknown hash format '{name}', expect 'base16', 'base32', 'base64', or 'sri'"
            ))),
        }
    }
}

/// A digest together with the algorithm that produced it. The length of
/// `bytes` always equals `algo.size()`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hash {
    algo: HashAlgo,
    bytes: Vec<u8>,
}

// A permissive base64 decoder: CppNix 2.8 stops at the first '=' and does
// not insist on padding or on zero trailing bits.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

impl Hash {
    /// Wraps a raw digest, checking its length.
    pub fn new(algo: HashAlgo, bytes: Vec<u8>) -> Result<Hash> {
        if bytes.len() != algo.size() {
            return Err(StoreError::bad_hash(format!(
                "a {algo} hash must be {} bytes, got {}",
                algo.size(),
                bytes.len()
            )));
        }
        Ok(Hash { algo, bytes })
    }

    /// The all-zero hash, which CppNix substitutes for an empty `outputHash`.
    pub fn zero(algo: HashAlgo) -> Hash {
        Hash { algo, bytes: vec![0; algo.size()] }
    }

    pub fn algo(&self) -> HashAlgo {
        self.algo
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Parses a hash in any form CppNix accepts: `algo:rest`, SRI
    /// `algo-base64`, or a bare `rest` when `algo` is given. If both the
    /// string and `algo` name an algorithm they must agree.
    pub fn parse_any(s: &str, algo: Option<HashAlgo>) -> Result<Hash> {
        let (prefix, rest, is_sri) = split_prefix(s);
        let parsed = prefix.map(HashAlgo::parse).transpose()?;
        let algo = match (parsed, algo) {
            (None, None) => {
                return Err(StoreError::bad_hash(format!(
                    "hash '{rest}' does not include a type, nor is the type otherwise known from context"
                )))
            }
            (Some(p), Some(expected)) if p != expected => {
                return Err(StoreError::bad_hash(format!("hash '{s}' should have type '{expected}'")))
            }
            (Some(a), _) | (None, Some(a)) => a,
        };
        Hash::decode_rest(rest, algo, is_sri)
    }

    /// Parses a hash that must name its algorithm (`algo:rest` or SRI).
    pub fn parse_prefixed(s: &str) -> Result<Hash> {
        let (prefix, rest, is_sri) = split_prefix(s);
        let Some(prefix) = prefix else {
            return Err(StoreError::bad_hash(format!("hash '{s}' does not include a type")));
        };
        Hash::decode_rest(rest, HashAlgo::parse(prefix)?, is_sri)
    }

    /// Parses an SRI hash `algo-base64`.
    pub fn parse_sri(s: &str) -> Result<Hash> {
        let Some((prefix, rest)) = s.split_once('-') else {
            return Err(StoreError::bad_hash(format!("hash '{s}' is not SRI")));
        };
        Hash::decode_rest(rest, HashAlgo::parse(prefix)?, true)
    }

    /// Parses a bare hash (base16, nix32 or base64 by length) of a known
    /// algorithm, without prefix.
    pub fn parse_bare(s: &str, algo: HashAlgo) -> Result<Hash> {
        Hash::decode_rest(s, algo, false)
    }

    fn decode_rest(rest: &str, algo: HashAlgo, is_sri: bool) -> Result<Hash> {
        let len = rest.len();
        if !is_sri && len == algo.base16_len() {
            let bytes =
                decode_hex(rest).ok_or_else(|| StoreError::bad_hash(format!("invalid base-16 hash '{rest}'")))?;
            return Hash::new(algo, bytes);
        }
        if !is_sri && len == algo.nix32_len() {
            let bytes =
                base32::decode(rest).map_err(|_| StoreError::bad_hash(format!("invalid base-32 hash '{rest}'")))?;
            return Hash::new(algo, bytes);
        }
        if is_sri || len == algo.base64_len() {
            let bytes = decode_base64(rest)?;
            if bytes.len() != algo.size() {
                let kind = if is_sri { "SRI" } else { "base-64" };
                return Err(StoreError::bad_hash(format!("invalid {kind} hash '{rest}'")));
            }
            return Hash::new(algo, bytes);
        }
        Err(StoreError::bad_hash(format!("hash '{rest}' has wrong length for hash type '{algo}'")))
    }

    /// Lowercase hexadecimal.
    pub fn to_base16(&self) -> String {
        let mut s = Vec::with_capacity(self.bytes.len() * 2);
        for b in &self.bytes {
            s.extend_from_slice(&[HEX[(b >> 4) as usize], HEX[(b & 0xf) as usize]]);
        }
        String::from_utf8(s).expect("hex digits are ASCII")
    }

    /// Nix's base-32.
    pub fn to_nix32(&self) -> String {
        base32::encode(&self.bytes)
    }

    /// Padded base64.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(&self.bytes)
    }

    /// `algo-base64`.
    pub fn to_sri(&self) -> String {
        format!("{}-{}", self.algo, self.to_base64())
    }

    /// Prints in `format`; with `with_algo` the non-SRI forms get an
    /// `algo:` prefix (SRI always carries its algorithm).
    pub fn encode(&self, format: HashFormat, with_algo: bool) -> String {
        let body = match format {
            HashFormat::Base16 => self.to_base16(),
            HashFormat::Nix32 => self.to_nix32(),
            HashFormat::Base64 => self.to_base64(),
            HashFormat::Sri => return self.to_sri(),
        };
        if with_algo {
            format!("{}:{body}", self.algo)
        } else {
            body
        }
    }
}

/// `algo:nix32`, the form CppNix prints by default.
impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algo, self.to_nix32())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algo, self.to_base16())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Splits `algo:rest` or `algo-rest` (SRI); `:` takes precedence, as in
/// CppNix. Neither base16, nix32 nor base64 contain `:` or `-`.
fn split_prefix(s: &str) -> (Option<&str>, &str, bool) {
    if let Some((p, r)) = s.split_once(':') {
        (Some(p), r, false)
    } else if let Some((p, r)) = s.split_once('-') {
        (Some(p), r, true)
    } else {
        (None, s, false)
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes().chunks(2).map(|p| Some(nibble(p[0])? << 4 | nibble(p[1])?)).collect()
}

fn decode_base64(s: &str) -> Result<Vec<u8>> {
    // CppNix ignores everything from the first '=' on.
    let body = s.split('=').next().unwrap_or("");
    LENIENT_BASE64.decode(body).map_err(|e| match e {
        base64::DecodeError::InvalidByte(_, c) => {
            StoreError::bad_hash(format!("invalid character in Base64 string: '{}'", c as char))
        }
        other => StoreError::bad_hash(format!("invalid Base64 string '{s}': {other}")),
    })
}

/// Incremental hashing; also an `io::Write` sink that counts bytes.
#[derive(Clone)]
pub struct Hasher {
    state: HasherState,
    len: u64,
}

#[derive(Clone)]
enum HasherState {
    Md5(Md5),
    Sha1(Sha1),
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    pub fn new(algo: HashAlgo) -> Hasher {
        let state = match algo {
            HashAlgo::Md5 => HasherState::Md5(Md5::new()),
            HashAlgo::Sha1 => HasherState::Sha1(Sha1::new()),
            HashAlgo::Sha256 => HasherState::Sha256(Sha256::new()),
            HashAlgo::Sha512 => HasherState::Sha512(Sha512::new()),
        };
        Hasher { state, len: 0 }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.len += data.len() as u64;
        match &mut self.state {
            HasherState::Md5(h) => h.update(data),
            HasherState::Sha1(h) => h.update(data),
            HasherState::Sha256(h) => h.update(data),
            HasherState::Sha512(h) => h.update(data),
        }
    }

    /// Number of bytes fed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn finish(self) -> Hash {
        let (algo, bytes) = match self.state {
            HasherState::Md5(h) => (HashAlgo::Md5, h.finalize().to_vec()),
            HasherState::Sha1(h) => (HashAlgo::Sha1, h.finalize().to_vec()),
            HasherState::Sha256(h) => (HashAlgo::Sha256, h.finalize().to_vec()),
            HasherState::Sha512(h) => (HashAlgo::Sha512, h.finalize().to_vec()),
        };
        Hash { algo, bytes }
    }
}

impl io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Hashes a byte string (`builtins.hashString`).
pub fn hash_string(algo: HashAlgo, data: &[u8]) -> Hash {
    let mut h = Hasher::new(algo);
    h.update(data);
    h.finish()
}

/// Hashes a file's contents, streaming (`builtins.hashFile`, flat hashing).
/// Follows symlinks, like reading the file would.
pub fn hash_file(algo: HashAlgo, path: &Path) -> Result<Hash> {
    let mut file = File::open(path).map_err(|e| StoreError::io("open", path, e))?;
    let mut h = Hasher::new(algo);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(StoreError::io("read", path, e)),
        };
        h.update(&buf[..n]);
    }
    Ok(h.finish())
}

/// Folds `bytes` onto `size` bytes by xor (CppNix's `compressHash`): byte
/// `i` of the input is xored into byte `i % size` of the result.
pub fn xor_fold(bytes: &[u8], size: usize) -> Vec<u8> {
    let mut out = vec![0u8; size];
    if size == 0 {
        return out;
    }
    for (i, b) in bytes.iter().enumerate() {
        out[i % size] ^= b;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha256_hello() -> Hash {
        hash_string(HashAlgo::Sha256, b"hello")
    }

    #[test]
    fn hello_sha256() {
        assert_eq!(sha256_hello().to_base16(), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    }

    #[test]
    fn parse_every_encoding_round_trips() {
        for algo in HashAlgo::ALL {
            let h = hash_string(algo, b"round trip");
            for fmt in [HashFormat::Base16, HashFormat::Nix32, HashFormat::Base64] {
                let bare = h.encode(fmt, false);
                assert_eq!(Hash::parse_bare(&bare, algo).unwrap(), h);
                assert_eq!(Hash::parse_any(&bare, Some(algo)).unwrap(), h);
                let prefixed = h.encode(fmt, true);
                assert_eq!(Hash::parse_any(&prefixed, None).unwrap(), h);
                assert_eq!(Hash::parse_prefixed(&prefixed).unwrap(), h);
            }
            let sri = h.to_sri();
            assert_eq!(Hash::parse_sri(&sri).unwrap(), h);
            assert_eq!(Hash::parse_any(&sri, None).unwrap(), h);
            assert_eq!(Hash::parse_any(&sri, Some(algo)).unwrap(), h);
        }
    }

    #[test]
    fn uppercase_hex_accepted() {
        let h = sha256_hello();
        let upper = h.to_base16().to_uppercase();
        assert_eq!(Hash::parse_bare(&upper, HashAlgo::Sha256).unwrap(), h);
    }

    #[test]
    fn sri_without_padding_accepted() {
        let h = sha256_hello();
        let sri = h.to_sri();
        let unpadded = sri.trim_end_matches('=');
        assert_eq!(Hash::parse_sri(unpadded).unwrap(), h);
    }

    #[test]
    fn error_messages() {
        let e = |r: Result<Hash>| r.unwrap_err().to_string();
        assert_eq!(
            e(Hash::parse_any("abc", Some(HashAlgo::Sha256))),
            "hash 'abc' has wrong length for hash type 'sha256'"
        );
        assert_eq!(
            e(Hash::parse_any("abc", None)),
            "hash 'abc' does not include a type, nor is the type otherwise known from context"
        );
        assert_eq!(e(Hash::parse_any("sha256-AAAA", None)), "invalid SRI hash 'AAAA'");
        assert_eq!(e(Hash::parse_any("sha1:abc", Some(HashAlgo::Sha256))), "hash 'sha1:abc' should have type 'sha256'");
        assert_eq!(e(Hash::parse_any("foo:abc", None)), "unknown hash algorithm 'foo'");
        assert_eq!(e(Hash::parse_sri("abc")), "hash 'abc' is not SRI");
        assert_eq!(e(Hash::parse_prefixed("abc")), "hash 'abc' does not include a type");
        let bad_hex = "g".repeat(64);
        assert_eq!(e(Hash::parse_bare(&bad_hex, HashAlgo::Sha256)), format!("invalid base-16 hash '{bad_hex}'"));
        let bad32 = "e".repeat(52);
        assert_eq!(e(Hash::parse_bare(&bad32, HashAlgo::Sha256)), format!("invalid base-32 hash '{bad32}'"));
        let bad64 = format!("{}!=", "A".repeat(42));
        assert_eq!(e(Hash::parse_bare(&bad64, HashAlgo::Sha256)), "invalid character in Base64 string: '!'");
    }

    #[test]
    fn streaming_matches_one_shot() {
        let mut h = Hasher::new(HashAlgo::Sha512);
        h.update(b"hello ");
        h.update(b"world");
        assert_eq!(h.len(), 11);
        assert_eq!(h.finish(), hash_string(HashAlgo::Sha512, b"hello world"));
    }

    #[test]
    fn xor_fold_is_not_truncation() {
        let d: Vec<u8> = (0..32).collect();
        let f = xor_fold(&d, 20);
        assert_eq!(f.len(), 20);
        assert_eq!(f[0], 20);
        assert_eq!(f[11], 11 ^ 31);
        assert_eq!(f[12], 12);
    }

    #[test]
    fn format_names() {
        assert_eq!(HashFormat::parse("base32").unwrap(), HashFormat::Nix32);
        assert_eq!(HashFormat::parse("sri").unwrap(), HashFormat::Sri);
        assert!(HashFormat::parse("hex").is_err());
    }
}
