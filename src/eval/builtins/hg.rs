//! Mercurial inputs (`fetchMercurial`, `fetchTree { type = "hg"; }`, `hg+file://`,
//! `hg+http(s)://` flake references), with CppNix 2.34's semantics, through the `hg`
//! command (run with `HGPLAIN` so that no user configuration changes its output):
//!
//! - A local repository without `ref` or `rev` whose working tree has uncommitted changes
//!   is copied as it is (tracked files only), with no `rev` (`fetchMercurial` says all
//!   zeros) and its branch as the ref.
//! - Otherwise the repository is cloned (`--noupdate`) into `hg-cache/` of the fetchers'
//!   state directory, one per URL, pulled unless the wanted `rev` is already there, and the
//!   revision (`rev`, else the tip of `ref`, by default the branch `default`) exported with
//!   `hg archive` (without `.hg_archival.txt`). `revCount` is Mercurial's local revision
//!   number, as CppNix reports it.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::store::{Hash, HashAlgo, StorePath};

use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::fetch::{add_tree, expected_hash, fetch_error, io_error};

/// What a Mercurial fetch asks for.
#[derive(Clone, Debug, Default)]
pub(crate) struct HgInput {
    /// `file://PATH`, `http(s)://…` or `ssh://…` (without `hg+`).
    pub url: String,
    pub rev: Option<String>,
    pub hg_ref: Option<String>,
    pub name: Option<String>,
    pub nar_hash: Option<String>,
}

impl HgInput {
    /// From an `hg` input's attributes (a flake reference or lock entry).
    pub(crate) fn from_input(input: &crate::flake::flakeref::Input) -> HgInput {
        HgInput {
            url: input.get_str("url").unwrap_or("").to_string(),
            rev: input.get_str("rev").map(String::from),
            hg_ref: input.get_str("ref").map(String::from),
            name: input.get_str("name").map(String::from),
            nar_hash: input.get_str("narHash").map(String::from),
        }
    }
}

/// A Mercurial revision (or dirty working tree) copied into the store.
pub(crate) struct HgFetched {
    pub path: StorePath,
    pub nar_hash: Hash,
    pub rev: Option<String>,
    pub rev_count: Option<i64>,
    /// The branch the revision is on (the ref it was found by).
    pub branch: String,
}

fn hg(args: &[&str]) -> EvalResult<String> {
    let out = Command::new("hg").args(args).env("HGPLAIN", "").output().map_err(|e| {
        EvalError::new(
            ErrorKind::Io,
            format!("cannot run 'hg': {e} (install Mercurial to fetch Mercurial repositories)"),
            None,
        )
    })?;
    if !out.status.success() {
        return Err(EvalError::new(
            ErrorKind::Io,
            format!("hg {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()),
            None,
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn local_path(url: &str) -> Option<PathBuf> {
    url.strip_prefix("file://").map(|p| PathBuf::from(crate::store::download::percent_decode(p)))
}

/// Fetches `input` into the store.
pub(crate) fn fetch_hg(ev: &super::super::Evaluator, input: &HgInput) -> EvalResult<HgFetched> {
    let name = input.name.as_deref().unwrap_or("source");
    let expected = expected_hash(&input.nar_hash, HashAlgo::Sha256)?;
    let scratch = crate::fetch::unpack::scratch_dir("hg").map_err(fetch_error)?;
    let result = (|| {
        let local = local_path(&input.url);
        if let Some(repo) = local.as_ref().filter(|p| p.join(".hg").exists()) {
            if input.rev.is_none() && input.hg_ref.is_none() {
                let r = repo.to_string_lossy();
                let changes = hg(&["status", "-R", &r, "--modified", "--added", "--removed"])?;
                if !changes.is_empty() {
                    eprintln!("warning: Mercurial tree '{}' is unclean", repo.display());
                    let branch = hg(&["branch", "-R", &r])?.trim().to_string();
                    let files =
                        hg(&["status", "-R", &r, "--clean", "--modified", "--added", "--no-status", "--print0"])?;
                    let root = scratch.join("tree");
                    std::fs::create_dir_all(&root).map_err(|e| io_error("create", &root, e))?;
                    for f in files.split('\0').filter(|f| !f.is_empty()) {
                        copy_entry(&repo.join(f), &root.join(f))?;
                    }
                    let (path, nar_hash) = add_tree(ev, &root, name, expected, &input.url)?;
                    return Ok(HgFetched { path, nar_hash, rev: None, rev_count: None, branch });
                }
            }
        }
        let source = match &local {
            Some(p) => p.to_string_lossy().into_owned(),
            None => input.url.clone(),
        };
        let key = crate::store::hash::hash_string(HashAlgo::Sha256, source.as_bytes()).to_nix32();
        let cache = crate::fetch::state_dir(ev.store()?).join("hg-cache").join(&key[..32]);
        let cache_str = cache.to_string_lossy().into_owned();
        let have_rev = match &input.rev {
            Some(rev) if cache.exists() => {
                hg(&["log", "-R", &cache_str, "-r", rev, "--template", "1"]).is_ok_and(|o| o == "1")
            }
            _ => false,
        };
        if !have_rev {
            if crate::fetch::settings().offline && local.is_none() {
                if !cache.exists() || input.rev.is_some() {
                    return Err(fetch_error(crate::fetch::offline_error(&input.url)));
                }
            } else if cache.exists() {
                hg(&["pull", "-q", "-R", &cache_str, "--", &source])
                    .map_err(|e| fetch_error(format!("cannot fetch the Mercurial repository '{}': {e}", input.url)))?;
            } else {
                std::fs::create_dir_all(cache.parent().expect("a cache directory"))
                    .map_err(|e| io_error("create", &cache, e))?;
                hg(&["clone", "-q", "--noupdate", "--", &source, &cache_str])
                    .map_err(|e| fetch_error(format!("cannot fetch the Mercurial repository '{}': {e}", input.url)))?;
            }
        }
        let wanted = input.rev.clone().or_else(|| input.hg_ref.clone()).unwrap_or_else(|| "default".to_string());
        let info =
            hg(&["log", "-R", &cache_str, "-r", &wanted, "--template", "{node} {rev} {branch}"]).map_err(|e| {
                fetch_error(format!("cannot find '{wanted}' in the Mercurial repository '{}': {e}", input.url))
            })?;
        let fields: Vec<&str> = info.split_whitespace().collect();
        let [node, number, branch] = fields[..] else {
            return Err(fetch_error(format!("unexpected 'hg log' output for '{}': {info}", input.url)));
        };
        let root = scratch.join("tree");
        hg(&["archive", "-R", &cache_str, "-r", node, &root.to_string_lossy()])?;
        let _ = std::fs::remove_file(root.join(".hg_archival.txt"));
        let (path, nar_hash) = add_tree(ev, &root, name, expected, &input.url)?;
        Ok(HgFetched {
            path,
            nar_hash,
            rev: Some(node.to_string()),
            rev_count: number.parse().ok(),
            branch: branch.to_string(),
        })
    })();
    crate::fetch::unpack::remove_scratch(&scratch);
    result
}

/// Copies a tracked file or symlink of a working tree.
fn copy_entry(from: &Path, to: &Path) -> EvalResult<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
    }
    match std::fs::symlink_metadata(from) {
        Ok(m) if m.file_type().is_symlink() => {
            let target = std::fs::read_link(from).map_err(|e| io_error("read", from, e))?;
            std::os::unix::fs::symlink(target, to).map_err(|e| io_error("create", to, e))
        }
        Ok(_) => std::fs::copy(from, to).map(drop).map_err(|e| io_error("copy", from, e)),
        Err(_) => Ok(()),
    }
}
