//! Remote git repositories (`https://`, `http://`, `ssh://`, `git://`, with
//! or without `git+`), fetched with the `git` command into a cache of bare
//! repositories under `git-cache/` of the fetchers' state directory (`<store
//! root>/var` of a tern store), one per URL.
//!
//! A wanted revision already in the cache is used without asking the
//! remote. Otherwise every branch and tag is fetched (so `revCount` and
//! `lastModified` are those of the full history), at most once per
//! `tarball-ttl` for a branch, and the cache's `HEAD` follows the remote's
//! default branch. In offline mode only the cache is used. The evaluator's
//! `git archive` export then reads from the cache as from a local clone.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::store::hash::{hash_string, HashAlgo};

/// Whether `url` names a repository that must be fetched over the network.
pub fn is_remote(url: &str) -> bool {
    let u = url.strip_prefix("git+").unwrap_or(url);
    ["https://", "http://", "ssh://", "git://"].iter().any(|p| u.starts_with(p))
        || (!u.contains("://") && u.contains(':') && u.contains('@'))
}

fn run(dir: Option<&Path>, args: &[&str]) -> Result<String, String> {
    let mut cmd = Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    // Never ask for credentials on the terminal: fail instead.
    let out = cmd
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_ASKPASS", "true")
        .output()
        .map_err(|e| format!("cannot run 'git': {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn has_commit(repo: &Path, rev: &str) -> bool {
    run(Some(repo), &["cat-file", "-e", &format!("{rev}^{{commit}}")]).is_ok()
}

fn has_ref(repo: &Path, git_ref: &str) -> bool {
    let full = if git_ref.starts_with("refs/") { git_ref.to_string() } else { format!("refs/heads/{git_ref}") };
    run(Some(repo), &["rev-parse", "--verify", "-q", &full]).is_ok()
        || run(Some(repo), &["rev-parse", "--verify", "-q", &format!("refs/tags/{git_ref}")]).is_ok()
}

/// A bare repository in the cache holding what `url` names at `rev` (or the tip
/// of `git_ref`, or of the remote's default branch), fetched if needed.
pub fn cached_repo(state_dir: &Path, url: &str, rev: Option<&str>, git_ref: Option<&str>) -> Result<PathBuf, String> {
    let remote = url.strip_prefix("git+").unwrap_or(url);
    let key = hash_string(HashAlgo::Sha256, remote.as_bytes()).to_nix32();
    let repo = state_dir.join("git-cache").join(&key[..32]);
    if !repo.join("HEAD").exists() {
        std::fs::create_dir_all(&repo).map_err(|e| format!("cannot create '{}': {e}", repo.display()))?;
        run(None, &["init", "--quiet", "--bare", &repo.to_string_lossy()])
            .map_err(|e| format!("cannot create the git cache '{}': {e}", repo.display()))?;
    }
    let stamp = repo.join("tern-last-fetch");
    let settings = super::settings();
    let fresh = std::fs::read_to_string(&stamp)
        .ok()
        .and_then(|t| t.trim().parse::<i64>().ok())
        .is_some_and(|t| super::now().saturating_sub(t) < settings.tarball_ttl as i64);
    let satisfied = match (rev, git_ref) {
        (Some(r), _) => has_commit(&repo, r),
        (None, Some(r)) => fresh && has_ref(&repo, r),
        (None, None) => fresh && run(Some(&repo), &["rev-parse", "--verify", "-q", "HEAD"]).is_ok(),
    };
    if satisfied {
        return Ok(repo);
    }
    if settings.offline {
        let usable = match (rev, git_ref) {
            (Some(_), _) => false,
            (None, Some(r)) => has_ref(&repo, r),
            (None, None) => run(Some(&repo), &["rev-parse", "--verify", "-q", "HEAD"]).is_ok(),
        };
        return if usable { Ok(repo) } else { Err(super::offline_error(url)) };
    }
    let fail = |e: String| format!("cannot fetch the git repository '{url}': {e}");
    // The remote's default branch, for HEAD.
    let head = run(None, &["ls-remote", "--symref", remote, "HEAD"]).map_err(fail)?;
    let default_branch =
        head.lines().find_map(|l| l.strip_prefix("ref: ").and_then(|r| r.split_whitespace().next()).map(String::from));
    run(
        Some(&repo),
        &["fetch", "--quiet", "--force", "--prune", remote, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"],
    )
    .map_err(fail)?;
    if let Some(r) = rev {
        if !has_commit(&repo, r) {
            // A revision no branch or tag reaches: ask for it by name.
            run(Some(&repo), &["fetch", "--quiet", remote, r])
                .map_err(|e| format!("cannot fetch the git repository '{url}': revision {r} is not in it ({e})"))?;
        }
    }
    if let Some(b) = default_branch {
        run(Some(&repo), &["symbolic-ref", "HEAD", &b]).map_err(fail)?;
    }
    let _ = std::fs::write(&stamp, super::now().to_string());
    Ok(repo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls() {
        for u in ["https://h/r.git", "git+https://h/r", "git+ssh://git@h/r", "git://h/r", "git@h:o/r.git"] {
            assert!(is_remote(u), "{u}");
        }
        for u in ["/srv/r", "file:///srv/r", "git+file:///srv/r", "path:/x"] {
            assert!(!is_remote(u), "{u}");
        }
    }
}
