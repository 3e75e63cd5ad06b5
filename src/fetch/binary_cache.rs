//! Binary caches in Nix's format: `nix-cache-info`, `<hash>.narinfo` files
//! and NARs (`nar/<filehash>.nar[.xz|.zst|.bz2]`), over `file://`, `http://`
//! and `https://`.
//!
//! A `.narinfo` is `Key: value` lines: `StorePath`, `URL` (of the NAR,
//! relative to the cache), `Compression`, `FileHash`/`FileSize` (of the file
//! as stored), `NarHash`/`NarSize` (of the uncompressed NAR), `References`
//! (base names), `Deriver`, `Sig` (one line per signature) and `CA`. A
//! signature is `KEYNAME:BASE64` of the ed25519 signature of the path's
//! fingerprint, `1;STOREPATH;NARHASH;NARSIZE;REF1,REF2…` (full paths); keys
//! are written `KEYNAME:BASE64` too (32 bytes public, 64 bytes secret).
//!
//! Substituting a path fetches its `.narinfo` from each cache in turn,
//! checks a signature against `trusted-public-keys` (unless `require-sigs`
//! is false), substitutes its references first, then downloads, unpacks and
//! verifies the NAR (size and hash) before the object is registered.

use std::collections::BTreeSet;
use std::io::Read;

use base64::Engine;

use crate::store::download::{download_with, Request};
use crate::store::hash::{hash_string, Hash, HashAlgo};
use crate::store::local::Store;
use crate::store::{ContentAddress, PathInfo, StorePath, STORE_DIR};

/// What a `.narinfo` says.
#[derive(Clone, Debug, PartialEq)]
pub struct NarInfo {
    pub info: PathInfo,
    pub url: String,
    pub compression: String,
    pub file_hash: Option<Hash>,
    pub file_size: Option<u64>,
    pub sigs: Vec<String>,
}

fn bad(what: &str) -> String {
    format!("malformed .narinfo: {what}")
}

impl NarInfo {
    pub fn parse(text: &str) -> Result<NarInfo, String> {
        let mut path = None;
        let (mut url, mut compression) = (None, "bzip2".to_string());
        let (mut file_hash, mut file_size, mut nar_hash, mut nar_size) = (None, None, None, None);
        let (mut references, mut deriver, mut ca, mut sigs) = (BTreeSet::new(), None, None, Vec::new());
        for line in text.lines() {
            let Some((k, v)) = line.split_once(": ") else { continue };
            let base = |b: &str| StorePath::from_base_name(b).map_err(|e| bad(&e.to_string()));
            match k {
                "StorePath" => path = Some(StorePath::parse(v).map_err(|e| bad(&e.to_string()))?),
                "URL" => url = Some(v.to_string()),
                "Compression" => compression = v.to_string(),
                "FileHash" => file_hash = Some(Hash::parse_any(v, None).map_err(|e| bad(&e.to_string()))?),
                "FileSize" => file_size = Some(v.parse().map_err(|_| bad("FileSize"))?),
                "NarHash" => nar_hash = Some(Hash::parse_any(v, None).map_err(|e| bad(&e.to_string()))?),
                "NarSize" => nar_size = Some(v.parse().map_err(|_| bad("NarSize"))?),
                "References" => {
                    for r in v.split_whitespace() {
                        references.insert(base(r)?);
                    }
                }
                "Deriver" if v != "unknown-deriver" => deriver = Some(base(v)?),
                "Sig" => sigs.push(v.to_string()),
                "CA" => ca = Some(ContentAddress::parse(v).map_err(|e| bad(&e.to_string()))?),
                _ => {}
            }
        }
        let path = path.ok_or_else(|| bad("no StorePath"))?;
        Ok(NarInfo {
            info: PathInfo {
                path,
                nar_hash: nar_hash.ok_or_else(|| bad("no NarHash"))?,
                nar_size: nar_size.ok_or_else(|| bad("no NarSize"))?,
                references,
                deriver,
                ca,
                registration_time: 0,
            },
            url: url.ok_or_else(|| bad("no URL"))?,
            compression,
            file_hash,
            file_size,
            sigs,
        })
    }

    /// The text of the `.narinfo`, fields in CppNix's order.
    pub fn to_text(&self) -> String {
        let i = &self.info;
        let mut s =
            format!("StorePath: {}\nURL: {}\nCompression: {}\n", i.path.to_absolute(), self.url, self.compression);
        if let Some(h) = &self.file_hash {
            s.push_str(&format!("FileHash: {}:{}\n", h.algo(), h.to_nix32()));
        }
        if let Some(n) = self.file_size {
            s.push_str(&format!("FileSize: {n}\n"));
        }
        s.push_str(&format!("NarHash: {}:{}\nNarSize: {}\n", i.nar_hash.algo(), i.nar_hash.to_nix32(), i.nar_size));
        let refs: Vec<String> = i.references.iter().map(|r| r.base_name().to_string()).collect();
        s.push_str(&format!("References: {}\n", refs.join(" ")));
        if let Some(d) = &i.deriver {
            s.push_str(&format!("Deriver: {}\n", d.base_name()));
        }
        for sig in &self.sigs {
            s.push_str(&format!("Sig: {sig}\n"));
        }
        if let Some(ca) = &i.ca {
            s.push_str(&format!("CA: {ca}\n"));
        }
        s
    }
}

/// The string a signature covers.
pub fn fingerprint(info: &PathInfo) -> String {
    let refs: Vec<String> = info.references.iter().map(|r| r.to_absolute()).collect();
    format!(
        "1;{};{}:{};{};{}",
        info.path.to_absolute(),
        info.nar_hash.algo(),
        info.nar_hash.to_nix32(),
        info.nar_size,
        refs.join(",")
    )
}

fn key_parts(key: &str) -> Result<(&str, Vec<u8>), String> {
    let (name, b64) = key.trim().split_once(':').ok_or_else(|| "a key must be written NAME:BASE64".to_string())?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("the key '{name}' is not valid base64: {e}"))?;
    Ok((name, bytes))
}

/// The name and ed25519 key of a secret key in Nix's format (its first 32
/// bytes are the seed).
fn signing_key(secret_key: &str) -> Result<(String, ed25519_dalek::SigningKey), String> {
    let (name, bytes) = key_parts(secret_key)?;
    let seed: [u8; 32] = bytes
        .get(..32)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| format!("the secret key '{name}' is too short"))?;
    Ok((name.to_string(), ed25519_dalek::SigningKey::from_bytes(&seed)))
}

/// Signs `info` with a secret key in Nix's format (`NAME:BASE64` of 64 bytes).
pub fn sign(secret_key: &str, info: &PathInfo) -> Result<String, String> {
    use ed25519_dalek::Signer;
    let (name, key) = signing_key(secret_key)?;
    let sig = key.sign(fingerprint(info).as_bytes());
    Ok(format!("{name}:{}", base64::engine::general_purpose::STANDARD.encode(sig.to_bytes())))
}

/// The public key (`NAME:BASE64`) of a secret key.
pub fn public_key(secret_key: &str) -> Result<String, String> {
    let (name, key) = signing_key(secret_key)?;
    Ok(format!("{name}:{}", base64::engine::general_purpose::STANDARD.encode(key.verifying_key().to_bytes())))
}

/// Whether one of `sigs` is a valid signature of `info` by one of `trusted` keys.
pub fn verify(info: &PathInfo, sigs: &[String], trusted: &[String]) -> bool {
    use ed25519_dalek::Verifier;
    let fp = fingerprint(info);
    sigs.iter().any(|sig| {
        let Ok((name, sig_bytes)) = key_parts(sig) else { return false };
        let Ok(sig) = ed25519_dalek::Signature::from_slice(&sig_bytes) else { return false };
        trusted.iter().any(|k| match key_parts(k) {
            Ok((kname, kb)) if kname == name => <[u8; 32]>::try_from(kb.as_slice())
                .ok()
                .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
                .is_some_and(|vk| vk.verify(fp.as_bytes(), &sig).is_ok()),
            _ => false,
        })
    })
}

/// Reads `rel` from the cache at `base`; `Ok(None)` when it is not there.
pub fn get(base: &str, rel: &str) -> Result<Option<Vec<u8>>, String> {
    let url = format!("{}/{rel}", base.trim_end_matches('/'));
    if let Some(dir) = base.strip_prefix("file://") {
        let path = std::path::Path::new(dir).join(rel);
        return match std::fs::read(&path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read '{url}': {e}")),
        };
    }
    let scratch = super::unpack::scratch_dir("cache")?;
    let file = scratch.join("body");
    let got = download_with(&Request { url: url.clone(), ..Request::default() }, &file, &mut |_, _| {});
    let result = match got {
        Ok(_) => std::fs::read(&file).map(Some).map_err(|e| format!("cannot read the download of '{url}': {e}")),
        Err(e) if matches!(e.status, Some(404) | Some(403)) => Ok(None),
        Err(e) => Err(e.message),
    };
    super::unpack::remove_scratch(&scratch);
    result
}

/// Uncompresses a NAR file as stored in a cache.
pub fn decompress(compression: &str, data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let r = match compression {
        "none" | "" => return Ok(data.to_vec()),
        "xz" => xz2::read::XzDecoder::new(data).read_to_end(&mut out),
        "bzip2" => bzip2::read::BzDecoder::new(data).read_to_end(&mut out),
        "zstd" => zstd::stream::read::Decoder::new(data).and_then(|mut d| d.read_to_end(&mut out)),
        other => return Err(format!("unsupported compression '{other}'")),
    };
    r.map_err(|e| format!("cannot decompress ({compression}): {e}"))?;
    Ok(out)
}

/// Where substitution looks and what it trusts.
#[derive(Clone, Debug, Default)]
pub struct Substituters {
    pub urls: Vec<String>,
    pub trusted_keys: Vec<String>,
    pub require_sigs: bool,
}

impl Substituters {
    pub fn from_settings() -> Substituters {
        let s = super::settings();
        Substituters { urls: s.substituters, trusted_keys: s.trusted_public_keys, require_sigs: s.require_sigs }
    }

    /// Substitutes `path` (and its references) from the first cache that has it.
    /// `Ok(false)`: no cache has it (or none is configured).
    pub fn substitute(&self, store: &Store, path: &StorePath) -> Result<bool, String> {
        if store.is_valid(path).map_err(|e| e.to_string())? {
            return Ok(true);
        }
        let mut last_error = None;
        for url in &self.urls {
            match self.substitute_from(store, url, path) {
                Ok(true) => return Ok(true),
                Ok(false) => {}
                Err(e) => {
                    eprintln!("warning: substituting '{path}' from '{url}': {e}");
                    last_error = Some(e);
                }
            }
        }
        match last_error {
            Some(e) if self.urls.len() == 1 => Err(e),
            _ => Ok(false),
        }
    }

    fn substitute_from(&self, store: &Store, base: &str, path: &StorePath) -> Result<bool, String> {
        let hash_part = &path.base_name()[..32];
        let Some(text) = get(base, &format!("{hash_part}.narinfo"))? else { return Ok(false) };
        let ni = NarInfo::parse(&String::from_utf8_lossy(&text))?;
        if &ni.info.path != path {
            return Err(format!("its .narinfo is for '{}'", ni.info.path));
        }
        // A content-addressed path needs no signature: its contents are checked against
        // the address below, once the NAR is here.
        let self_certifying = ca_names_path(&ni.info);
        if self.require_sigs && !self_certifying && !verify(&ni.info, &ni.sigs, &self.trusted_keys) {
            return Err("no signature by a trusted key (trusted-public-keys)".into());
        }
        for r in &ni.info.references {
            if r != path && !self.substitute(store, r)? {
                return Err(format!("its reference '{r}' is not available"));
            }
        }
        eprintln!("copying path '{path}' from '{base}'...");
        let file = get(base, &ni.url)?.ok_or_else(|| format!("the NAR '{}' is missing from the cache", ni.url))?;
        if let Some(h) = &ni.file_hash {
            let got = hash_string(h.algo(), &file);
            if &got != h {
                return Err(format!("the file '{}' has hash {}, not {}", ni.url, got.to_sri(), h.to_sri()));
            }
        }
        let nar = decompress(&ni.compression, &file)?;
        if nar.len() as u64 != ni.info.nar_size {
            return Err(format!("its NAR has {} bytes, not {}", nar.len(), ni.info.nar_size));
        }
        let got = hash_string(HashAlgo::Sha256, &nar);
        if got != ni.info.nar_hash {
            return Err(format!("NAR hash mismatch: got {}, expected {}", got.to_sri(), ni.info.nar_hash.to_sri()));
        }
        if self.require_sigs && self_certifying && !ca_matches(&ni.info, &nar) {
            return Err("its contents do not match its content address".into());
        }
        store.add_nar(&ni.info, &nar).map_err(|e| e.to_string())?;
        Ok(true)
    }
}

/// Whether the path is the one its content address (`CA`) gives.
fn ca_names_path(info: &PathInfo) -> bool {
    let name = info.path.name();
    let computed = match &info.ca {
        Some(ContentAddress::Fixed(f)) => {
            crate::store::path::fixed_output_path(name, f.method, &f.hash, &info.references)
        }
        Some(ContentAddress::Text(h)) => crate::store::path::text_path(name, h, &info.references),
        None => return false,
    };
    computed.is_ok_and(|p| p == info.path)
}

/// Whether a NAR's contents hash to the path's content address.
fn ca_matches(info: &PathInfo, nar: &[u8]) -> bool {
    use crate::store::FileIngestionMethod;
    match &info.ca {
        Some(ContentAddress::Fixed(f)) if f.method == FileIngestionMethod::Recursive => {
            hash_string(f.hash.algo(), nar) == f.hash
        }
        Some(ContentAddress::Fixed(f)) => {
            single_file_contents(nar).is_some_and(|c| hash_string(f.hash.algo(), c) == f.hash)
        }
        Some(ContentAddress::Text(h)) => single_file_contents(nar).is_some_and(|c| hash_string(h.algo(), c) == *h),
        None => false,
    }
}

/// The contents of a NAR holding one regular file (executable or not).
fn single_file_contents(nar: &[u8]) -> Option<&[u8]> {
    let mut pos = 0;
    let mut token = || -> Option<&[u8]> {
        let len = u64::from_le_bytes(nar.get(pos..pos + 8)?.try_into().ok()?) as usize;
        let start = pos + 8;
        let bytes = nar.get(start..start.checked_add(len)?)?;
        pos = start + len.div_ceil(8) * 8;
        Some(bytes)
    };
    let expect = |t: Option<&[u8]>, want: &[u8]| t == Some(want);
    if !expect(token(), b"nix-archive-1") || !expect(token(), b"(") || !expect(token(), b"type") {
        return None;
    }
    if !expect(token(), b"regular") {
        return None;
    }
    let mut tag = token()?;
    if tag == b"executable" {
        token()?;
        tag = token()?;
    }
    if tag != b"contents" {
        return None;
    }
    let contents = token()?;
    expect(token(), b")").then_some(contents)
}

/// `nix-cache-info` of a cache tern writes.
pub fn cache_info() -> String {
    format!("StoreDir: {STORE_DIR}\nWantMassQuery: 1\nPriority: 40\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narinfo_round_trips_and_signatures_check() {
        let text = "StorePath: /nix/store/7rjj86a15146cq1d3qy068lml7n8ykzm-hello\nURL: nar/abc.nar.xz\n\
                    Compression: xz\nFileHash: sha256:1b9si0ip4mf6i4z6v1g3sysz9mqr5bmcbcn1w3iq0ki8jyiv7w5r\n\
                    FileSize: 100\nNarHash: sha256:1b9si0ip4mf6i4z6v1g3sysz9mqr5bmcbcn1w3iq0ki8jyiv7w5r\n\
                    NarSize: 120\nReferences: 7rjj86a15146cq1d3qy068lml7n8ykzm-hello\n";
        let ni = NarInfo::parse(text).unwrap();
        assert_eq!(ni.to_text(), text);
        let secret = format!("test-1:{}", base64::engine::general_purpose::STANDARD.encode([7u8; 64]));
        let public = public_key(&secret).unwrap();
        let sig = sign(&secret, &ni.info).unwrap();
        assert!(sig.starts_with("test-1:"));
        assert!(verify(&ni.info, std::slice::from_ref(&sig), std::slice::from_ref(&public)));
        let mut other = ni.info.clone();
        other.nar_size += 1;
        assert!(!verify(&other, std::slice::from_ref(&sig), std::slice::from_ref(&public)));
        let wrong_name = public.replacen("test-1", "test-2", 1);
        assert!(!verify(&ni.info, &[sig], &[wrong_name]));
        assert_eq!(
            fingerprint(&ni.info),
            "1;/nix/store/7rjj86a15146cq1d3qy068lml7n8ykzm-hello;sha256:1b9si0ip4mf6i4z6v1g3sysz9mqr5bmcbcn1w3iq0ki8jyiv7w5r;\
             120;/nix/store/7rjj86a15146cq1d3qy068lml7n8ykzm-hello"
        );
    }

    #[test]
    fn single_file_nars_give_their_contents() {
        let mut nar = Vec::new();
        crate::store::nar::dump_contents(b"hello", true, &mut nar).unwrap();
        assert_eq!(single_file_contents(&nar), Some(&b"hello"[..]));
        assert_eq!(single_file_contents(&nar[..nar.len() - 8]), None);
    }

    #[test]
    fn compressions_decompress() {
        use std::io::Write;
        let data = b"nix-archive-1 and some more bytes".repeat(10);
        let mut xz = xz2::write::XzEncoder::new(Vec::new(), 6);
        xz.write_all(&data).unwrap();
        assert_eq!(decompress("xz", &xz.finish().unwrap()).unwrap(), data);
        let zst = zstd::stream::encode_all(&data[..], 3).unwrap();
        assert_eq!(decompress("zstd", &zst).unwrap(), data);
        assert_eq!(decompress("none", &data).unwrap(), data);
        assert!(decompress("lz4", &data).is_err());
    }
}
