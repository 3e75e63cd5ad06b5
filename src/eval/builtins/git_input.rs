//! Git inputs of `fetchGit`, `fetchTree { type = "git"; }` and git flake inputs, with
//! CppNix 2.34's semantics:
//!
//! - A local repository without `ref` or `rev` is read from its working tree: clean, it
//!   gives `HEAD`'s `rev` (all zeros before the first commit) and `revCount`; dirty, the
//!   tracked files as they are now with `dirtyRev`/`dirtyShortRev` instead. With `ref` or
//!   `rev`, or for a remote (or bare) repository, a commit is exported.
//! - `shallow = true` fetches remote repositories with depth 1 and leaves out `revCount`;
//!   `fetchTree`'s attribute form is shallow unless told otherwise, while its URL form and
//!   `fetchGit` are not. `fetchGit` alone reports a missing `rev`/`revCount` as zeros.
//! - `exportIgnore` drops paths the `export-ignore` attribute names; `fetchGit` sets it
//!   unless `submodules = true` (the two together are refused, as CppNix does).
//! - `submodules = true` fetches each submodule `.gitmodules` lists as a git input of its
//!   own (URL resolved against the superproject's, the recorded commit, `allRefs`), or from
//!   its working tree when the superproject's working tree is used; a dirty submodule makes
//!   the whole tree dirty.
//! - `verifyCommit`/`publicKey`/`keytype`/`publicKeys` check the commit's SSH signature
//!   (`git_verify`); a verified input is never read from a dirty working tree.
//! - `lfs = true` smudges the exported commit's git LFS pointers (`crate::fetch::lfs`),
//!   fetching from the server of the repository's `lfs.url` or `origin` (for a remote, the
//!   remote itself). A working tree is copied as it is, as CppNix does: its files are
//!   whatever git-lfs (or nothing) checked out.

use std::path::{Path, PathBuf};

use crate::store::{Hash, StorePath};

use super::super::attrs::AttrsBuilder;
use super::super::error::{EvalError, EvalResult};
use super::super::value::Value;
use super::super::Evaluator;
use super::fetch::{add_tree, date_string, expected_hash, fetch_error, store_path_value};
use super::git_tree::{export_commit, export_work_tree, git, lfs_files, resolve_submodule_url, submodules};
use super::git_verify::{self, Verification};
use crate::flake::flakeref::{Attr, Input};
use crate::store::HashAlgo;

/// What a git fetch asks for.
#[derive(Clone, Debug, Default)]
pub(crate) struct GitInput {
    /// The repository: a URL (without `git+`) or a path.
    pub url: String,
    pub rev: Option<String>,
    pub git_ref: Option<String>,
    pub shallow: bool,
    pub submodules: bool,
    pub export_ignore: bool,
    pub all_refs: bool,
    /// Smudge git LFS pointers (`lfs = true`).
    pub lfs: bool,
    /// The store path's name (`source` by default).
    pub name: Option<String>,
    pub nar_hash: Option<String>,
    /// The keys the commit must be signed with, when the fetch is verified.
    pub verify: Option<Verification>,
}

impl GitInput {
    /// From a git input's attributes (a flake reference or lock entry, or `fetchTree`'s
    /// URL form): unset Booleans are false.
    pub(crate) fn from_input(input: &Input) -> EvalResult<GitInput> {
        let flag = |n: &str| matches!(input.attrs.get(n), Some(Attr::Bool(true)));
        let keys =
            git_verify::keys_from(input.get_str("publicKeys"), input.get_str("publicKey"), input.get_str("keytype"))?;
        let verify_commit = match input.attrs.get("verifyCommit") {
            Some(Attr::Bool(b)) => Some(*b),
            _ => None,
        };
        Ok(GitInput {
            url: input.get_str("url").unwrap_or("").to_string(),
            rev: input.get_str("rev").map(String::from),
            git_ref: input.get_str("ref").map(String::from),
            shallow: flag("shallow"),
            submodules: flag("submodules"),
            export_ignore: flag("exportIgnore"),
            all_refs: flag("allRefs"),
            lfs: flag("lfs"),
            name: None,
            nar_hash: input.get_str("narHash").map(String::from),
            verify: git_verify::requested(verify_commit, keys),
        })
    }
}

/// A git input copied into the store, with what CppNix reports about it.
pub(crate) struct GitFetched {
    pub path: StorePath,
    pub nar_hash: Hash,
    pub rev: Option<String>,
    pub dirty_rev: Option<String>,
    /// Left out for shallow fetches.
    pub rev_count: Option<i64>,
    pub last_modified: i64,
    /// The ref the commit was found by (the default branch's full name when none was given),
    /// for lock files; `None` for a dirty working tree.
    pub git_ref: Option<String>,
    pub submodules: bool,
}

/// What exporting an input found out.
struct Resolved {
    rev: Option<String>,
    dirty_rev: Option<String>,
    rev_count: Option<i64>,
    last_modified: i64,
    git_ref: Option<String>,
}

/// The commit id CppNix reports for a clean repository without commits.
const NULL_REV: &str = "0000000000000000000000000000000000000000";

/// The repository on this machine that `url` names, unless it must be cloned: remote URLs,
/// and bare repositories (as CppNix, which fetches those into its cache too).
fn local_repo(url: &str) -> Option<PathBuf> {
    let path = match url.strip_prefix("file://") {
        Some(p) => PathBuf::from(crate::flake::flakeref::percent_decode(p).unwrap_or_else(|_| p.to_string())),
        None if url.starts_with('/') => PathBuf::from(url),
        None => return None,
    };
    let bare = path.exists() && !path.join(".git").exists();
    (!bare).then_some(path)
}

/// Fetches `input` into the store.
pub(crate) fn fetch_git(ev: &Evaluator, input: &GitInput) -> EvalResult<GitFetched> {
    let scratch = crate::fetch::unpack::scratch_dir("git").map_err(fetch_error)?;
    let result = (|| {
        let root = scratch.join("tree");
        let r = export(ev, input, &root)?;
        let expected = expected_hash(&input.nar_hash, HashAlgo::Sha256)?;
        let name = input.name.as_deref().unwrap_or("source");
        let (path, nar_hash) = add_tree(ev, &root, name, expected, &input.url)?;
        Ok(GitFetched {
            path,
            nar_hash,
            rev: r.rev,
            dirty_rev: r.dirty_rev,
            rev_count: r.rev_count,
            last_modified: r.last_modified,
            git_ref: r.git_ref,
            submodules: input.submodules,
        })
    })();
    crate::fetch::unpack::remove_scratch(&scratch);
    result
}

/// Writes the tree `input` names to `dest`.
fn export(ev: &Evaluator, input: &GitInput, dest: &Path) -> EvalResult<Resolved> {
    if input.export_ignore && input.submodules {
        return Err(EvalError::msg(format!(
            "cannot fetch '{}': exportIgnore and submodules are not supported together yet",
            input.url
        )));
    }
    match local_repo(&input.url) {
        Some(repo) => {
            git(&repo, &["rev-parse", "--git-dir"])?;
            if input.rev.is_none() && input.git_ref.is_none() {
                return from_work_tree(ev, input, &repo, dest);
            }
            let git_ref = match &input.git_ref {
                Some(r) => r.clone(),
                None => head_ref(&repo).unwrap_or_else(|| "master".to_string()),
            };
            let rev = match &input.rev {
                Some(r) => git(&repo, &["rev-parse", "--verify", &format!("{r}^{{commit}}")])?,
                None => {
                    let full =
                        if git_ref.starts_with("refs/") { git_ref.clone() } else { format!("refs/heads/{git_ref}") };
                    git(&repo, &["rev-parse", "--verify", &format!("{full}^{{commit}}")])
                        .or_else(|_| git(&repo, &["rev-parse", "--verify", &format!("{git_ref}^{{commit}}")]))?
                }
            };
            // Relative submodule URLs: against `origin` when there is one, else the repository.
            let base =
                git(&repo, &["remote", "get-url", "origin"]).unwrap_or_else(|_| repo.to_string_lossy().into_owned());
            from_commit(ev, input, &repo, &base, rev, git_ref, dest)
        }
        None => {
            let want = crate::fetch::git::Want {
                url: &input.url,
                rev: input.rev.as_deref(),
                git_ref: input.git_ref.as_deref(),
                shallow: input.shallow,
                all_refs: input.all_refs,
            };
            let c =
                crate::fetch::git::cached_repo(&crate::fetch::state_dir(ev.store()?), &want).map_err(fetch_error)?;
            let base = input.url.strip_prefix("file://").unwrap_or(&input.url).to_string();
            from_commit(ev, input, &c.repo, &base, c.rev, c.git_ref, dest)
        }
    }
}

/// The full name of the branch `HEAD` is on (`refs/heads/main`), if it is on one.
fn head_ref(repo: &Path) -> Option<String> {
    git(repo, &["symbolic-ref", "-q", "HEAD"]).ok().filter(|r| !r.is_empty())
}

fn rev_count(repo: &Path, rev: &str) -> EvalResult<i64> {
    Ok(git(repo, &["rev-list", "--count", rev])?.parse().unwrap_or(0))
}

fn commit_time(repo: &Path, rev: &str) -> EvalResult<i64> {
    Ok(git(repo, &["log", "-1", "--format=%ct", rev])?.parse().unwrap_or(0))
}

fn from_commit(
    ev: &Evaluator,
    input: &GitInput,
    repo: &Path,
    base_url: &str,
    rev: String,
    git_ref: String,
    dest: &Path,
) -> EvalResult<Resolved> {
    if let Some(v) = &input.verify {
        git_verify::verify_commit(repo, &rev, v)?;
    }
    let links = export_commit(repo, &rev, dest, input.export_ignore)?;
    if input.lfs {
        smudge_lfs(ev, input, repo, &rev, dest)?;
    }
    if input.submodules && !links.is_empty() {
        for sm in submodules(repo, Some(&rev))? {
            let Some(link) = links.iter().find(|l| l.path == sm.path) else { continue };
            let sub = GitInput {
                url: resolve_submodule_url(base_url, &sm.url),
                rev: Some(link.object.clone()),
                // `.` means the superproject's branch (gitmodules(5)).
                git_ref: sm.branch.map(|b| if b == "." { git_ref.clone() } else { b }),
                shallow: false,
                submodules: true,
                export_ignore: input.export_ignore,
                all_refs: true,
                lfs: input.lfs,
                name: None,
                nar_hash: None,
                verify: None,
            };
            export(ev, &sub, &dest.join(&sm.path)).map_err(|e| {
                EvalError::msg(format!("while fetching submodule '{}' of '{}': {e}", sm.path, input.url))
            })?;
        }
    }
    Ok(Resolved {
        rev_count: if input.shallow { None } else { Some(rev_count(repo, &rev)?) },
        last_modified: commit_time(repo, &rev)?,
        rev: Some(rev),
        dirty_rev: None,
        git_ref: Some(git_ref),
    })
}

/// Replaces the LFS pointers among the files of `rev` exported to `dest` by their objects.
fn smudge_lfs(ev: &Evaluator, input: &GitInput, repo: &Path, rev: &str, dest: &Path) -> EvalResult<()> {
    let files: Vec<crate::fetch::lfs::File> = lfs_files(repo, rev)?
        .into_iter()
        .map(|p| crate::fetch::lfs::File { disk: dest.join(&p), tree_path: format!("/{p}") })
        // Left out by `exportIgnore`.
        .filter(|f| f.disk.is_file())
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    // Unset keys make `git config --get` fail: no value.
    let find_api = || {
        let lfs_url = git(repo, &["config", "--get", "lfs.url"]).ok();
        let origin = git(repo, &["config", "--get", "remote.origin.url"]).ok();
        crate::fetch::lfs::api(lfs_url.as_deref(), origin.as_deref())
    };
    let state = crate::fetch::state_dir(ev.store()?);
    crate::fetch::lfs::smudge(&state, &files, &find_api)
        .map_err(|e| EvalError::msg(format!("cannot fetch git LFS objects of '{}': {e}", input.url)))
}

fn from_work_tree(ev: &Evaluator, input: &GitInput, repo: &Path, dest: &Path) -> EvalResult<Resolved> {
    let head = git(repo, &["rev-parse", "--verify", "-q", "HEAD"]).ok().filter(|r| !r.is_empty());
    // Untracked files and submodules do not count (CppNix excludes both from its status).
    let mut dirty =
        !git(repo, &["status", "--porcelain", "--untracked-files=no", "--ignore-submodules=all"])?.trim().is_empty();
    let links = export_work_tree(repo, dest, input.export_ignore)?;
    if input.submodules && !links.is_empty() {
        for sm in submodules(repo, None)? {
            let checkout = repo.join(&sm.path);
            if !links.iter().any(|l| l.path == sm.path) || !checkout.join(".git").exists() {
                continue;
            }
            let sub = GitInput {
                url: checkout.to_string_lossy().into_owned(),
                submodules: true,
                export_ignore: input.export_ignore,
                ..Default::default()
            };
            let r = export(ev, &sub, &dest.join(&sm.path))?;
            dirty |= r.rev.is_none();
        }
    }
    let last_modified = match &head {
        Some(h) => commit_time(repo, h)?,
        None => 0,
    };
    if dirty {
        eprintln!("warning: Git tree '{}' is dirty", repo.display());
        if input.verify.is_some() {
            return Err(git_verify::refuse_dirty(&input.url));
        }
        return Ok(Resolved {
            rev: None,
            dirty_rev: head.map(|h| format!("{h}-dirty")),
            rev_count: None,
            last_modified,
            git_ref: None,
        });
    }
    if let Some(v) = &input.verify {
        git_verify::verify_commit(repo, head.as_deref().unwrap_or(NULL_REV), v)?;
    }
    let rev_count = match (&head, input.shallow) {
        (_, true) => None,
        (Some(h), false) => Some(rev_count(repo, h)?),
        (None, false) => Some(0),
    };
    Ok(Resolved {
        rev: Some(head.unwrap_or_else(|| NULL_REV.to_string())),
        dirty_rev: None,
        rev_count,
        last_modified,
        git_ref: head_ref(repo),
    })
}

/// The attribute set `fetchGit` (`empty_rev_fallback`: a missing `rev` and `revCount` are
/// reported as zeros) or `fetchTree` returns.
pub(super) fn git_result_value(g: &GitFetched, empty_rev_fallback: bool) -> Value {
    let mut b = AttrsBuilder::with_capacity(10);
    b.insert_str("outPath", store_path_value(&g.path));
    b.insert_str("narHash", Value::string(g.nar_hash.to_sri()));
    b.insert_str("submodules", Value::Bool(g.submodules));
    let rev = g.rev.as_deref().or(empty_rev_fallback.then_some(NULL_REV));
    if let Some(rev) = rev {
        b.insert_str("rev", Value::string(rev));
        b.insert_str("shortRev", Value::string(&rev[..7.min(rev.len())]));
    }
    match (g.rev_count, empty_rev_fallback) {
        (Some(n), _) => b.insert_str("revCount", Value::Int(n)),
        (None, true) => b.insert_str("revCount", Value::Int(0)),
        (None, false) => {}
    }
    if let Some(rev) = &g.dirty_rev {
        b.insert_str("dirtyRev", Value::string(rev.as_str()));
        b.insert_str("dirtyShortRev", Value::string(format!("{}-dirty", &rev[..7.min(rev.len())])));
    }
    b.insert_str("lastModified", Value::Int(g.last_modified));
    b.insert_str("lastModifiedDate", Value::string(date_string(g.last_modified)));
    Value::attrs(b.finish())
}

/// What `git` says about a work tree used in place: the `HEAD` commit, whether tracked
/// files have uncommitted changes, the commit count and the commit time.
pub(crate) struct WorkTreeInfo {
    pub rev: Option<String>,
    pub dirty: bool,
    pub rev_count: i64,
    pub last_modified: i64,
}

pub(crate) fn work_tree_info(repo: &Path) -> EvalResult<WorkTreeInfo> {
    let rev = git(repo, &["rev-parse", "--verify", "-q", "HEAD"]).ok().filter(|r| !r.is_empty());
    let dirty = !git(repo, &["status", "--porcelain", "--untracked-files=no", "--ignore-submodules=all"])?.is_empty();
    let (rev_count, last_modified) = match &rev {
        Some(r) => (rev_count(repo, r)?, commit_time(repo, r)?),
        None => (0, 0),
    };
    Ok(WorkTreeInfo { rev, dirty, rev_count, last_modified })
}
