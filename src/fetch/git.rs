//! Remote git repositories (`https://`, `http://`, `ssh://`, `git://`, with or without
//! `git+`, and bare repositories on this machine), fetched with the `git` command into a
//! cache of bare repositories under `git-cache/` of the fetchers' state directory (`<store
//! root>/var` of a tern store), one per URL — and another for shallow fetches, as CppNix
//! keeps them apart: a shallow clone cannot give `revCount`, and a full one must not be
//! made shallow.
//!
//! As in CppNix, only what is asked for is fetched: the commit `rev` when it is not in the
//! cache yet, else the branch `ref` (by default the one the remote's `HEAD` names, itself
//! cached), at most once per `tarball-ttl`; `allRefs` fetches every ref. `shallow` fetches
//! with `--depth 1`. In offline mode only the cache is used. The evaluator then reads the
//! commit from the cache as from a local repository.

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

/// The full name of a ref as the cache stores it (`main` is `refs/heads/main`).
fn full_ref(git_ref: &str) -> String {
    if git_ref.starts_with("refs/") || git_ref == "HEAD" {
        git_ref.to_string()
    } else {
        format!("refs/heads/{git_ref}")
    }
}

fn resolve(repo: &Path, git_ref: &str) -> Option<String> {
    run(Some(repo), &["rev-parse", "--verify", "-q", &format!("{}^{{commit}}", full_ref(git_ref))])
        .ok()
        .filter(|r| !r.is_empty())
}

/// What a fetch asks of a remote repository.
pub struct Want<'a> {
    pub url: &'a str,
    pub rev: Option<&'a str>,
    pub git_ref: Option<&'a str>,
    pub shallow: bool,
    pub all_refs: bool,
}

/// A commit in the cache: the repository holding it, the ref it was looked up by (the
/// remote's default branch when none was given) and the commit.
pub struct Cached {
    pub repo: PathBuf,
    pub git_ref: String,
    pub rev: String,
}

/// Seconds-since-epoch stamps of the last fetch of each ref (and of `HEAD`'s target),
/// for `tarball-ttl`.
fn stamp(repo: &Path, what: &str) -> PathBuf {
    repo.join("tern-fetched").join(what.replace('/', "%"))
}

fn fresh(repo: &Path, what: &str) -> bool {
    let ttl = super::settings().tarball_ttl as i64;
    std::fs::read_to_string(stamp(repo, what))
        .ok()
        .and_then(|t| t.trim().parse::<i64>().ok())
        .is_some_and(|t| super::now().saturating_sub(t) < ttl)
}

fn touch(repo: &Path, what: &str) {
    let s = stamp(repo, what);
    let _ = std::fs::create_dir_all(s.parent().expect("a stamp directory"));
    let _ = std::fs::write(s, super::now().to_string());
}

/// The branch the remote's `HEAD` names (`main`), from the cache while fresh (or offline).
fn default_ref(repo: &Path, remote: &str, url: &str) -> Result<String, String> {
    let cached = run(Some(repo), &["symbolic-ref", "-q", "HEAD"]).ok().filter(|r| !r.is_empty());
    let settings = super::settings();
    if let Some(r) = &cached {
        if fresh(repo, "HEAD") || settings.offline {
            return Ok(r.clone());
        }
    }
    if settings.offline {
        return Err(super::offline_error(url));
    }
    match run(None, &["ls-remote", "--symref", remote, "HEAD"]) {
        Ok(head) => {
            let target = head
                .lines()
                .find_map(|l| l.strip_prefix("ref: ").and_then(|r| r.split_whitespace().next()).map(String::from));
            let target = target.unwrap_or_else(|| "refs/heads/master".to_string());
            run(Some(repo), &["symbolic-ref", "HEAD", &target])
                .map_err(|e| format!("cannot update the git cache '{}': {e}", repo.display()))?;
            touch(repo, "HEAD");
            Ok(target)
        }
        // As CppNix: an expired cached answer beats none.
        Err(e) => match cached {
            Some(r) => {
                eprintln!("warning: could not get HEAD ref for repository '{url}'; using expired cached ref '{r}'");
                Ok(r)
            }
            None => Err(format!("cannot fetch the git repository '{url}': {e}")),
        },
    }
}

/// A bare repository in the cache holding what `want` names, fetched if needed.
pub fn cached_repo(state_dir: &Path, want: &Want) -> Result<Cached, String> {
    let url = want.url;
    let remote = url.strip_prefix("git+").unwrap_or(url);
    let remote = remote.strip_prefix("file://").unwrap_or(remote);
    let key = hash_string(HashAlgo::Sha256, remote.as_bytes()).to_nix32();
    let dir_name = if want.shallow { format!("{}-shallow", &key[..32]) } else { key[..32].to_string() };
    let repo = state_dir.join("git-cache").join(dir_name);
    if !repo.join("HEAD").exists() {
        std::fs::create_dir_all(&repo).map_err(|e| format!("cannot create '{}': {e}", repo.display()))?;
        run(None, &["init", "--quiet", "--bare", &repo.to_string_lossy()])
            .map_err(|e| format!("cannot create the git cache '{}': {e}", repo.display()))?;
        // Relative submodule URLs are resolved against this.
        let _ = run(Some(&repo), &["remote", "add", "origin", remote]);
    }
    let git_ref = match want.git_ref {
        Some(r) => r.to_string(),
        None => default_ref(&repo, remote, url)?,
    };
    let settings = super::settings();
    let needed = match want.rev {
        Some(r) => !has_commit(&repo, r),
        None => want.all_refs || !fresh(&repo, &full_ref(&git_ref)) || resolve(&repo, &git_ref).is_none(),
    };
    if needed && settings.offline {
        let usable = want.rev.is_none() && resolve(&repo, &git_ref).is_some();
        if !usable {
            return Err(super::offline_error(url));
        }
    } else if needed {
        let full = full_ref(&git_ref);
        let refspec = if want.all_refs {
            "refs/*:refs/*".to_string()
        } else if let Some(r) = want.rev {
            r.to_string()
        } else {
            format!("{full}:{full}")
        };
        let mut args = vec!["fetch", "--quiet", "--force"];
        if want.shallow {
            args.extend(["--depth", "1"]);
        }
        args.extend(["--", remote, &refspec]);
        let mut result = run(Some(&repo), &args);
        if result.is_err() && want.rev.is_some() && !want.all_refs {
            // A server that will not hand out a commit by name (dumb HTTP): fetch the branch.
            let branch = format!("+{full}:{full}");
            let n = args.len();
            args[n - 1] = &branch;
            result = run(Some(&repo), &args);
        }
        match result {
            Ok(_) => {
                if want.rev.is_none() {
                    touch(&repo, &full);
                }
            }
            Err(e) if want.rev.is_none() && resolve(&repo, &git_ref).is_some() => {
                eprintln!("error: {e}");
                eprintln!(
                    "warning: could not update local clone of Git repository '{url}'; continuing with the most \
                     recent version"
                );
            }
            Err(e) => return Err(format!("cannot fetch the git repository '{url}': {e}")),
        }
    }
    let rev = match want.rev {
        Some(r) if has_commit(&repo, r) => r.to_string(),
        Some(r) => {
            return Err(format!(
                "cannot find Git revision '{r}' in ref '{git_ref}' of repository '{url}'; make sure the rev exists \
                 on the ref given, or add 'allRefs = true;' to fetchGit"
            ))
        }
        None => resolve(&repo, &git_ref)
            .ok_or_else(|| format!("cannot fetch the git repository '{url}': it has no ref '{git_ref}'"))?,
    };
    let is_shallow = run(Some(&repo), &["rev-parse", "--is-shallow-repository"]).is_ok_and(|s| s == "true");
    if is_shallow && !want.shallow {
        return Err(format!(
            "'{url}' is a shallow Git repository, but shallow repositories are only allowed when 'shallow = true;' \
             is specified"
        ));
    }
    Ok(Cached { repo, git_ref, rev })
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

    #[test]
    fn full_ref_names() {
        assert_eq!(full_ref("main"), "refs/heads/main");
        assert_eq!(full_ref("refs/tags/v1"), "refs/tags/v1");
        assert_eq!(full_ref("HEAD"), "HEAD");
    }
}
