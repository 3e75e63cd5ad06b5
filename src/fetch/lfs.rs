//! Git LFS for git inputs with `lfs = true` (`fetchGit`, `fetchTree`, `git+…?lfs=1`), as
//! CppNix 2.34 smudges them: a file whose `filter` attribute is `lfs` and whose content is
//! an LFS pointer (`version https://git-lfs.github.com/spec/v1`, `oid sha256:HEX`,
//! `size N`) is replaced by the object the pointer names. A would-be pointer of 1024 bytes
//! or more, or one that does not parse, is kept as it is with a warning.
//!
//! This module owns the protocol: parsing pointers, finding the LFS server of a remote
//! (`lfs.url`, else git-lfs's server discovery from the remote URL: `…/x.git/info/lfs`; for
//! ssh remotes `git-lfs-authenticate` over ssh), the batch API (`POST …/objects/batch`,
//! basic transfers), checking each object's size and SHA-256, and a cache of the objects
//! under `git-lfs/<sha256 of the file's path>/<oid>` of the fetchers' state directory (the
//! layout of CppNix's `~/.cache/nix/git-lfs`). Which files to smudge is the caller's
//! business (`eval::builtins::git_input` asks `git check-attr`).
//!
//! Unlike CppNix 2.34, `lfs.url` is taken as the endpoint itself, as git-lfs means it
//! (CppNix appends `.git/info/lfs` to it as to a remote URL); a repository with neither
//! `lfs.url` nor an http(s)/ssh `origin` is an error naming the file (CppNix aborts on an
//! assertion). One batch request covers all the objects a fetch misses (CppNix asks per
//! file); all the download action's headers are sent (CppNix sends its `Authorization`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::store::download::{download_with, post, Request};
use crate::store::hash::{hash_file, hash_string, HashAlgo};

/// Pointers this large or larger are not pointers (CppNix's limit, after git-lfs's).
const MAX_POINTER: u64 = 1024;

/// The media type of the batch API's requests and answers.
const LFS_JSON: &str = "application/vnd.git-lfs+json";

/// What an LFS pointer file names.
#[derive(Clone, Debug, PartialEq)]
pub struct Pointer {
    /// The object's SHA-256, in hexadecimal.
    pub oid: String,
    pub size: u64,
}

/// Parses a pointer file (spec v1); `None` when `content` is not one. Unknown keys are
/// extensions and ignored, as CppNix does.
pub fn parse_pointer(content: &[u8]) -> Option<Pointer> {
    let text = std::str::from_utf8(content).ok()?;
    if !text.starts_with("version https://git-lfs.github.com/spec/v1") {
        return None;
    }
    let (mut oid, mut size) = ("", "");
    for line in text.split('\n') {
        if let Some(o) = line.strip_prefix("oid sha256:") {
            oid = o;
        } else if let Some(s) = line.strip_prefix("size ") {
            size = s;
        }
    }
    let hex = oid.len() == 64 && oid.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit());
    if !(hex && digits) {
        return None;
    }
    Some(Pointer { oid: oid.to_string(), size: size.parse().ok()? })
}

/// An LFS server: the batch API's base URL and the `Authorization` header to send to it.
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    pub endpoint: String,
    pub authorization: Option<String>,
}

/// A git remote as a URL: `user@host:path` (scp-like) is `ssh://user@host/path`, a path is
/// `file://PATH`.
fn remote_as_url(remote: &str) -> String {
    if remote.contains("://") {
        return remote.to_string();
    }
    match remote.split_once(':') {
        Some((host, path)) if !host.is_empty() && !host.contains('/') => {
            format!("ssh://{host}/{}", path.trim_start_matches('/'))
        }
        _ => format!("file://{remote}"),
    }
}

/// The LFS endpoint git-lfs's server discovery derives from an http(s) remote: the path's
/// last segment gets `.git` when it lacks it, then `/info/lfs` (`https://h/o/r` and
/// `https://h/o/r/` both give `https://h/o/r.git/info/lfs`).
pub fn derived_endpoint(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    let (origin, path) = match url.find("://").map(|i| i + 3) {
        Some(start) => match url[start..].find('/') {
            Some(slash) => (&url[..start + slash], &url[start + slash..]),
            None => (url, ""),
        },
        None => ("", url),
    };
    let mut segments: Vec<String> =
        if path.is_empty() { Vec::new() } else { path.split('/').map(String::from).collect() };
    match segments.iter_mut().rev().find(|s| !s.is_empty()) {
        Some(last) => {
            if !last.ends_with(".git") {
                last.push_str(".git");
            }
        }
        None => match segments.len() {
            0 => segments.extend([String::new(), ".git".to_string()]),
            1 => segments.push(".git".to_string()),
            _ => *segments.last_mut().expect("segments") = ".git".to_string(),
        },
    }
    match segments.last_mut() {
        Some(last) if last.is_empty() => *last = "info".to_string(),
        _ => segments.push("info".to_string()),
    }
    segments.push("lfs".to_string());
    format!("{origin}{}", segments.join("/"))
}

/// Asks an ssh remote's host for its LFS server (`git-lfs-authenticate PATH download`).
fn ssh_api(url: &str) -> Result<Api, String> {
    let rest = &url["ssh://".len()..];
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        _ => (authority, None),
    };
    let mut args: Vec<String> =
        std::env::var("NIX_SSHOPTS").unwrap_or_default().split_whitespace().map(String::from).collect();
    if let Some(p) = port {
        args.push(format!("-p{p}"));
    }
    args.extend([host.to_string(), "--".into(), "git-lfs-authenticate".into(), path.to_string(), "download".into()]);
    let out = std::process::Command::new("ssh")
        .args(&args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run 'ssh' for git-lfs-authenticate: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if text.trim().is_empty() {
        return Err(format!(
            "git-lfs-authenticate: no output (cmd: 'ssh {}'): {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let answer: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("git-lfs-authenticate answered something not JSON: {e}"))?;
    let header = answer.get("header").ok_or("no header in git-lfs-authenticate response")?;
    let auth = header
        .get("Authorization")
        .and_then(|a| a.as_str())
        .ok_or("no Authorization in git-lfs-authenticate response")?;
    let href = answer.get("href").and_then(|h| h.as_str()).ok_or("no href in git-lfs-authenticate response")?;
    Ok(Api { endpoint: href.to_string(), authorization: Some(auth.to_string()) })
}

/// Where the objects of a repository are fetched from: `lfs_url` (its `lfs.url`) as it is,
/// else the server `remote` (its `origin`) implies.
pub fn api(lfs_url: Option<&str>, remote: Option<&str>) -> Result<Api, String> {
    if let Some(u) = lfs_url.filter(|u| !u.is_empty()) {
        let u = remote_as_url(u);
        if u.starts_with("ssh://") {
            return ssh_api(&u);
        }
        return Ok(Api { endpoint: u, authorization: None });
    }
    let Some(remote) = remote.filter(|r| !r.is_empty()) else {
        return Err("the repository has neither 'lfs.url' nor an 'origin' remote to find its LFS server".into());
    };
    let url = remote_as_url(remote);
    let scheme = url.split("://").next().unwrap_or("");
    match scheme {
        "http" | "https" => Ok(Api { endpoint: derived_endpoint(&url), authorization: None }),
        "ssh" => ssh_api(&url),
        _ => Err(format!(
            "the LFS server of '{remote}' cannot be found: tern asks http(s) and ssh remotes only (set 'lfs.url' in \
             the repository's git configuration)"
        )),
    }
}

/// A file to smudge: its path in the tree (`/a/b.bin`, for messages) and where it is on disk.
pub struct File {
    pub tree_path: String,
    pub disk: PathBuf,
}

/// Replaces the pointers among `files` by their objects, from the cache under `state_dir`
/// or the LFS server `find_api` names (asked only when some object is not cached).
pub fn smudge(state_dir: &Path, files: &[File], find_api: &dyn Fn() -> Result<Api, String>) -> Result<(), String> {
    let cache = state_dir.join("git-lfs");
    let mut missing: Vec<(&File, Pointer, PathBuf)> = Vec::new();
    for f in files {
        let meta = std::fs::metadata(&f.disk).map_err(|e| format!("cannot read '{}': {e}", f.disk.display()))?;
        if meta.len() >= MAX_POINTER {
            eprintln!(
                "warning: encountered file '{}' that should have been a git-lfs pointer, but is too large",
                f.tree_path
            );
            continue;
        }
        let content = std::fs::read(&f.disk).map_err(|e| format!("cannot read '{}': {e}", f.disk.display()))?;
        let Some(pointer) = parse_pointer(&content) else {
            eprintln!(
                "warning: encountered file '{}' that should have been a git-lfs pointer, but is invalid",
                f.tree_path
            );
            continue;
        };
        let rel = f.tree_path.trim_start_matches('/');
        let key = hash_string(HashAlgo::Sha256, rel.as_bytes()).to_base16();
        let cached = cache.join(key).join(&pointer.oid);
        if cached.is_file() {
            copy_into(&cached, &f.disk)?;
        } else {
            missing.push((f, pointer, cached));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let trace = |f: &File, e: String| format!("while smudging git-lfs file '{}': {e}", f.tree_path);
    if super::settings().offline {
        let (f, ..) = &missing[0];
        return Err(trace(f, "tern is in offline mode and the object is not cached".into()));
    }
    let api = find_api().map_err(|e| trace(missing[0].0, e))?;
    let wanted: Vec<Pointer> = {
        let mut by_oid = BTreeMap::new();
        for (_, p, _) in &missing {
            by_oid.entry(p.oid.clone()).or_insert_with(|| p.clone());
        }
        by_oid.into_values().collect()
    };
    let objects = batch(&api, &wanted).map_err(|e| trace(missing[0].0, e))?;
    for (f, pointer, cached) in &missing {
        let obj =
            objects.iter().find(|o| o.get("oid").and_then(|v| v.as_str()) == Some(pointer.oid.as_str())).ok_or_else(
                || trace(f, format!("the LFS server '{}' did not answer for object {}", api.endpoint, pointer.oid)),
            )?;
        fetch_object(obj, pointer, cached, &api.endpoint).map_err(|e| trace(f, e))?;
        copy_into(cached, &f.disk)?;
    }
    Ok(())
}

/// Writes `from`'s bytes over `to`, keeping `to`'s permissions (an executable stays one).
fn copy_into(from: &Path, to: &Path) -> Result<(), String> {
    let mut src = std::fs::File::open(from).map_err(|e| format!("cannot read '{}': {e}", from.display()))?;
    let mut dst = std::fs::File::create(to).map_err(|e| format!("cannot write '{}': {e}", to.display()))?;
    std::io::copy(&mut src, &mut dst).map_err(|e| format!("cannot write '{}': {e}", to.display()))?;
    dst.flush().map_err(|e| format!("cannot write '{}': {e}", to.display()))
}

/// The batch API's answer for `pointers`: its `objects`.
fn batch(api: &Api, pointers: &[Pointer]) -> Result<Vec<serde_json::Value>, String> {
    let url = format!("{}/objects/batch", api.endpoint);
    // As CppNix sends it: no `transfers` (the API then assumes `basic`) and no `ref`.
    let objects: Vec<serde_json::Value> =
        pointers.iter().map(|p| serde_json::json!({ "oid": p.oid, "size": p.size })).collect();
    let body = serde_json::json!({ "operation": "download", "objects": objects }).to_string();
    let mut headers =
        vec![("Content-Type".to_string(), LFS_JSON.to_string()), ("Accept".to_string(), LFS_JSON.to_string())];
    if let Some(a) = &api.authorization {
        headers.push(("Authorization".to_string(), a.clone()));
    }
    let (status, text) = post(&url, &headers, body.as_bytes()).map_err(|e| e.message)?;
    if !(200..300).contains(&status) {
        let why = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(String::from))
            .unwrap_or_else(|| text.trim().chars().take(200).collect());
        return Err(format!("the LFS batch request '{url}' failed with HTTP {status}: {why}"));
    }
    let answer: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("the answer of '{url}' did not parse as JSON: {e}"))?;
    match answer.get("objects").and_then(|o| o.as_array()) {
        Some(objects) => Ok(objects.clone()),
        None => Err(format!("the answer of '{url}' does not contain 'objects'")),
    }
}

/// Downloads the object one entry of a batch answer offers into the cache at `cached`,
/// checking it against the committed pointer (not the server's claims).
fn fetch_object(obj: &serde_json::Value, pointer: &Pointer, cached: &Path, endpoint: &str) -> Result<(), String> {
    let size = obj.get("size").and_then(|s| s.as_u64());
    if size != Some(pointer.size) {
        return Err(format!(
            "the LFS server '{endpoint}' returned a mismatched size for object {} (got {}, expected {})",
            pointer.oid,
            size.map_or("none".to_string(), |s| s.to_string()),
            pointer.size
        ));
    }
    if let Some(err) = obj.get("error") {
        let message = err.get("message").and_then(|m| m.as_str()).unwrap_or("no message");
        let code = err.get("code").map(|c| c.to_string()).unwrap_or_default();
        return Err(format!("the LFS server '{endpoint}' refused object {}: {message} (code {code})", pointer.oid));
    }
    let download = obj.pointer("/actions/download").ok_or_else(|| {
        format!("bad answer from '{endpoint}/objects/batch': no download action for object {}", pointer.oid)
    })?;
    let href = download
        .get("href")
        .and_then(|h| h.as_str())
        .ok_or_else(|| format!("bad answer from '{endpoint}/objects/batch': no href for object {}", pointer.oid))?;
    let headers: Vec<(String, String)> = download
        .get("header")
        .and_then(|h| h.as_object())
        .map(|h| h.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default();
    let dir = cached.parent().expect("a cache directory");
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create '{}': {e}", dir.display()))?;
    let temp = dir.join(format!(".{}.{}.tmp", pointer.oid, std::process::id()));
    let request = Request { url: href.to_string(), headers, etag: None };
    let result = (|| {
        let got = download_with(&request, &temp, &mut |_, _| {}).map_err(|e| e.message)?;
        if got.bytes != pointer.size {
            return Err(format!(
                "size mismatch while fetching {href}: expected {} but got {}",
                pointer.size, got.bytes
            ));
        }
        let sha = hash_file(HashAlgo::Sha256, &temp).map_err(|e| e.to_string())?.to_base16();
        if !sha.eq_ignore_ascii_case(&pointer.oid) {
            return Err(format!(
                "hash mismatch while fetching {href}: expected sha256:{} but got sha256:{sha}",
                pointer.oid
            ));
        }
        std::fs::rename(&temp, cached).map_err(|e| format!("cannot write '{}': {e}", cached.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const OID: &str = "f5e02aa71e67f41d79023a128ca35bad86cf7b6656967bfe0884b3a3c4325eaf";

    #[test]
    fn pointers_parse_and_others_do_not() {
        let text = format!("version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize 10000000\n");
        assert_eq!(parse_pointer(text.as_bytes()), Some(Pointer { oid: OID.into(), size: 10_000_000 }));
        let ext =
            format!("version https://git-lfs.github.com/spec/v1\next-0-foo sha256:{OID}\noid sha256:{OID}\nsize 3\n");
        assert_eq!(parse_pointer(ext.as_bytes()).map(|p| p.size), Some(3));
        assert_eq!(parse_pointer(b"hello\n"), None);
        assert_eq!(parse_pointer(b"version https://example.org/v2\noid sha256:00\nsize 1\n"), None);
        let short = "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 3\n";
        assert_eq!(parse_pointer(short.as_bytes()), None);
        let bad_size = format!("version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize -1\n");
        assert_eq!(parse_pointer(bad_size.as_bytes()), None);
    }

    #[test]
    fn endpoints_by_server_discovery() {
        assert_eq!(derived_endpoint("https://h/o/r"), "https://h/o/r.git/info/lfs");
        assert_eq!(derived_endpoint("https://h/o/r.git"), "https://h/o/r.git/info/lfs");
        assert_eq!(derived_endpoint("https://h/o/r/"), "https://h/o/r.git/info/lfs");
        assert_eq!(derived_endpoint("https://h/o/r.git/"), "https://h/o/r.git/info/lfs");
        assert_eq!(derived_endpoint("http://127.0.0.1:80/x?y=1"), "http://127.0.0.1:80/x.git/info/lfs");
        assert_eq!(derived_endpoint("https://h"), "https://h/.git/info/lfs");
        assert_eq!(derived_endpoint("https://h/"), "https://h/.git/info/lfs");
        assert_eq!(remote_as_url("git@h:o/r.git"), "ssh://git@h/o/r.git");
        assert_eq!(remote_as_url("/srv/r"), "file:///srv/r");
        let a = api(Some("https://lfs.example/api"), Some("https://h/o/r")).unwrap();
        assert_eq!(a.endpoint, "https://lfs.example/api");
        assert!(api(None, Some("/srv/r")).unwrap_err().contains("lfs.url"));
    }
}
