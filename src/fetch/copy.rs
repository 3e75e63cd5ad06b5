//! Writing a binary cache: `tern copy --to file:///DIR PATHS…`.
//!
//! For each path of the closure that the cache lacks: the NAR, compressed
//! (`xz` by default, as CppNix writes; `zstd`, `bzip2` or `none` on request)
//! under `nar/<sha256 of the file, nix32>.nar.xz`, then `<hash>.narinfo`,
//! signed with the `secret-key-files` keys. Each file is written to a
//! temporary name and renamed, the `.narinfo` last, so a reader never sees a
//! `.narinfo` whose NAR is incomplete. `nix-cache-info` is written once.

use std::io::Write;
use std::path::Path;

use super::binary_cache::{cache_info, sign, NarInfo};
use crate::store::hash::{hash_string, HashAlgo};
use crate::store::local::Store;
use crate::store::StorePath;

/// How NARs are compressed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Compression {
    Xz,
    Zstd,
    Bzip2,
    None,
}

impl Compression {
    pub fn parse(s: &str) -> Result<Compression, String> {
        match s {
            "xz" => Ok(Compression::Xz),
            "zstd" => Ok(Compression::Zstd),
            "bzip2" => Ok(Compression::Bzip2),
            "none" => Ok(Compression::None),
            other => Err(format!("unknown compression '{other}' (expected xz, zstd, bzip2 or none)")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
            Compression::Bzip2 => "bzip2",
            Compression::None => "none",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Compression::Xz => ".xz",
            Compression::Zstd => ".zst",
            Compression::Bzip2 => ".bz2",
            Compression::None => "",
        }
    }

    fn compress(self, data: &[u8]) -> Result<Vec<u8>, String> {
        let io = |e: std::io::Error| format!("cannot compress ({}): {e}", self.name());
        match self {
            Compression::None => Ok(data.to_vec()),
            Compression::Xz => {
                let mut w = xz2::write::XzEncoder::new(Vec::new(), 6);
                w.write_all(data).map_err(io)?;
                w.finish().map_err(io)
            }
            Compression::Zstd => zstd::stream::encode_all(data, 3).map_err(io),
            Compression::Bzip2 => {
                let mut w = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
                w.write_all(data).map_err(io)?;
                w.finish().map_err(io)
            }
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write '{}': {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write '{}': {e}", path.display())
    })
}

/// Copies the closure of `paths` into the cache directory `dir`. Returns how many
/// paths were written (those already there are skipped).
pub fn copy_to_dir(
    store: &Store,
    dir: &Path,
    paths: &[StorePath],
    compression: Compression,
    secret_keys: &[String],
) -> Result<usize, String> {
    std::fs::create_dir_all(dir.join("nar")).map_err(|e| format!("cannot create '{}': {e}", dir.display()))?;
    let info_file = dir.join("nix-cache-info");
    if !info_file.exists() {
        write_atomically(&info_file, cache_info().as_bytes())?;
    }
    let closure = store.closure(paths).map_err(|e| e.to_string())?;
    let mut written = 0;
    for p in &closure {
        let narinfo = dir.join(format!("{}.narinfo", &p.base_name()[..32]));
        if narinfo.exists() {
            continue;
        }
        let info = store
            .query_info(p)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("path '{p}' is not valid in the store"))?;
        let real = store.real_path(p);
        let nar = crate::store::nar::nar_bytes(&real).map_err(|e| e.to_string())?;
        let file = compression.compress(&nar)?;
        let file_hash = hash_string(HashAlgo::Sha256, &file);
        let url = format!("nar/{}.nar{}", file_hash.to_nix32(), compression.extension());
        write_atomically(&dir.join(&url), &file)?;
        let mut ni = NarInfo {
            info: crate::store::PathInfo { registration_time: 0, ..info },
            url,
            compression: compression.name().to_string(),
            file_hash: Some(file_hash),
            file_size: Some(file.len() as u64),
            sigs: Vec::new(),
        };
        for key in secret_keys {
            ni.sigs.push(sign(key, &ni.info)?);
        }
        write_atomically(&narinfo, ni.to_text().as_bytes())?;
        written += 1;
    }
    Ok(written)
}
