//! `builtin:fetchurl`: the builder that runs inside tern itself for
//! fixed-output downloads (`<nix/fetchurl.nix>`, and the package set's
//! `fetchurl`, whose sources are `mirror://debian/pool/…` URLs).
//!
//! The derivation names its URLs (`urls`, else `url`), whether the file is
//! `executable`, and whether to `unpack` a tarball into the output. Each URL
//! is expanded through [`Mirrors`] (tern.conf, then this machine's apt
//! configuration) and the candidates are tried in turn until one answers.
//! The download goes to a temporary file beside the output and is hashed
//! before it is moved into place, so a wrong hash names the URL and both
//! hashes and nothing reaches the output path; the usual output checks and
//! the registration follow in the caller. Only this builder reaches the
//! network: it runs in tern's process, never in a sandboxed builder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::config::Config;
use super::mirrors::Mirrors;
use super::progress::Progress;
use crate::store::download::{download, DownloadError};
use crate::store::hash::hash_file;
use crate::store::{remove_tree, Derivation, FileIngestionMethod, StorePath};

/// What the derivation asks for.
pub(crate) struct FetchRequest {
    pub urls: Vec<String>,
    pub executable: bool,
    pub unpack: bool,
}

impl FetchRequest {
    pub(crate) fn from_drv(drv: &Derivation) -> Result<FetchRequest, String> {
        let text = |k: &str| drv.env_get(k).map(|v| String::from_utf8_lossy(v).into_owned());
        let urls: Vec<String> = match text("urls").or_else(|| text("url")) {
            Some(u) => u.split_whitespace().map(String::from).collect(),
            None => Vec::new(),
        };
        if urls.is_empty() {
            return Err("builtin:fetchurl: the derivation has no 'url' or 'urls' attribute".into());
        }
        let flag = |k: &str| text(k).is_some_and(|v| v == "1");
        Ok(FetchRequest { urls, executable: flag("executable"), unpack: flag("unpack") })
    }
}

/// Why a fetch failed: the complete message, and whether it was a hash
/// mismatch (which has its own exit status).
pub(crate) struct FetchFailure {
    pub message: String,
    pub hash_mismatch: bool,
}

impl From<String> for FetchFailure {
    fn from(message: String) -> FetchFailure {
        FetchFailure { message, hash_mismatch: false }
    }
}

/// Fetches into `dest` (which must not exist); `dest` is left absent on
/// failure.
pub(crate) fn fetch(
    drv_path: &StorePath,
    drv: &Derivation,
    dest: &Path,
    progress: &Progress,
) -> Result<(), FetchFailure> {
    let request = FetchRequest::from_drv(drv)?;
    let config = Config::load();
    let mirrors = Mirrors::new(&config.mirrors, Path::new("/"))?;
    let name = drv_path.name().trim_end_matches(".drv").to_string();
    let temp = temp_beside(dest);
    let mut tried: Vec<String> = Vec::new();
    let mut last_error: Option<DownloadError> = None;
    'urls: for url in &request.urls {
        for candidate in mirrors.expand(url)? {
            progress.message(&format!("downloading '{candidate}'"));
            let mut report = |done: u64, total: Option<u64>| match total {
                Some(t) => progress.transient(&format!("downloading '{candidate}': {} of {}", mib(done), mib(t))),
                None => progress.transient(&format!("downloading '{candidate}': {}", mib(done))),
            };
            let _ = std::fs::remove_file(&temp);
            match download(&candidate, &temp, &mut report) {
                Ok(_) => {
                    tried.push(candidate.clone());
                    let result = verify_and_place(drv, &request, &temp, dest, &candidate, &name);
                    let _ = std::fs::remove_file(&temp);
                    return result;
                }
                Err(e) => {
                    tried.push(candidate.clone());
                    let go_on = e.try_next;
                    last_error = Some(e);
                    if !go_on {
                        break 'urls;
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_file(&temp);
    let reason = last_error.map(|e| e.message).unwrap_or_else(|| "no URL to try".into());
    let mut msg = format!("cannot fetch the source of '{name}': {reason}");
    if tried.len() > 1 {
        msg.push_str("\nURLs tried:");
        for t in &tried {
            msg.push_str(&format!("\n  {t}"));
        }
    }
    Err(msg.into())
}

/// Checks a flat file's hash against the derivation's before anything is
/// placed, then moves (or unpacks) the download into `dest`.
fn verify_and_place(
    drv: &Derivation,
    request: &FetchRequest,
    temp: &Path,
    dest: &Path,
    url: &str,
    name: &str,
) -> Result<(), FetchFailure> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(fixed) = drv.fixed_output() {
        if fixed.method == FileIngestionMethod::Flat && !request.executable && !request.unpack {
            let got = hash_file(fixed.hash.algo(), temp).map_err(|e| e.to_string())?;
            if got != fixed.hash {
                let message = format!(
                    "hash mismatch in the source of '{name}' downloaded from '{url}':\n  specified: {}\n     got:    {}\n\
                     (the file on the mirror differs from the one the package was written for; nothing was added \
                     to the store)",
                    fixed.hash.to_sri(),
                    got.to_sri()
                );
                return Err(FetchFailure { message, hash_mismatch: true });
            }
        }
    }
    if request.unpack {
        return Ok(unpack_into(temp, dest)?);
    }
    let mode = if request.executable { 0o755 } else { 0o644 };
    std::fs::set_permissions(temp, std::fs::Permissions::from_mode(mode)).map_err(|e| e.to_string())?;
    std::fs::rename(temp, dest).map_err(|e| format!("cannot move the download to '{}': {e}", dest.display()).into())
}

/// `unpack = true`: the tarball's single top directory (or its entries)
/// becomes the output.
fn unpack_into(archive: &Path, dest: &Path) -> Result<(), String> {
    let work = temp_beside(dest).with_extension("unpack");
    let _ = remove_tree(&work);
    std::fs::create_dir(&work).map_err(|e| e.to_string())?;
    let status = std::process::Command::new("tar")
        .arg("-xf")
        .arg(archive)
        .arg("-C")
        .arg(&work)
        .arg("--no-same-owner")
        .status()
        .map_err(|e| format!("cannot run tar to unpack the download: {e}"))?;
    if !status.success() {
        let _ = remove_tree(&work);
        return Err("tar could not unpack the download".into());
    }
    let entries: Vec<PathBuf> =
        std::fs::read_dir(&work).map_err(|e| e.to_string())?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    let result = match entries.as_slice() {
        [only] if only.is_dir() => std::fs::rename(only, dest),
        _ => std::fs::rename(&work, dest),
    };
    let _ = remove_tree(&work);
    result.map_err(|e| format!("cannot move the unpacked download to '{}': {e}", dest.display()))
}

/// A scratch name in the output's directory (same file system, so the
/// final move is a rename).
fn temp_beside(dest: &Path) -> PathBuf {
    let base = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dest.with_file_name(format!(".{base}.download-{}", std::process::id()))
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The outputs a `builtin:fetchurl` derivation must have: just `out`.
pub(crate) fn single_output(outputs: &BTreeMap<String, StorePath>) -> Result<&StorePath, String> {
    match (outputs.len(), outputs.get("out")) {
        (1, Some(p)) => Ok(p),
        _ => Err("builtin:fetchurl: the derivation must have exactly one output, 'out'".into()),
    }
}
