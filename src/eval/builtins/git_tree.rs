//! Reading local git repositories for `fetchGit`/`fetchTree` and git flake inputs: running
//! `git`, and exporting what a fetch copies into the store — a commit (`git archive`) or
//! the working tree's tracked files with their uncommitted changes — with submodules
//! followed when asked (`submodules = true`) and left as empty directories otherwise, as
//! CppNix does.

use std::path::Path;
use std::process::Command;

use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::fetch::io_error;

/// Runs `git -C repo ARGS…` and returns its standard output without surrounding whitespace.
pub(super) fn git(repo: &Path, args: &[&str]) -> EvalResult<String> {
    git_raw(repo, args).map(|s| s.trim().to_string())
}

/// Runs `git -C repo ARGS…` and returns its standard output as it is (for `-z` lists,
/// whose names may begin or end with blanks).
fn git_raw(repo: &Path, args: &[&str]) -> EvalResult<String> {
    let out =
        Command::new("git").arg("-C").arg(repo).args(args).env("GIT_CONFIG_NOSYSTEM", "1").output().map_err(|e| {
            EvalError::new(
                ErrorKind::Io,
                format!("cannot run 'git': {e} (install git to fetch git repositories)"),
                None,
            )
        })?;
    if !out.status.success() {
        return Err(EvalError::new(
            ErrorKind::Io,
            format!(
                "git {} failed in '{}': {}",
                args.join(" "),
                repo.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            None,
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// An entry of the index or of a tree: its mode, object id and path.
struct Entry {
    mode: String,
    object: String,
    path: String,
}

/// Git's mode for a submodule (a "gitlink": a commit of another repository).
const GITLINK: &str = "160000";

/// Parses `git ls-files -s -z` (`MODE OBJECT STAGE\tPATH`) or `git ls-tree -r -z`
/// (`MODE TYPE OBJECT\tPATH`) output: the object is the field before the tab for the
/// tree and the second for the index, so the caller says which.
fn entries(listing: &str, object_field: usize) -> Vec<Entry> {
    listing
        .split('\0')
        .filter(|e| !e.is_empty())
        .filter_map(|e| {
            let (meta, path) = e.split_once('\t')?;
            let fields: Vec<&str> = meta.split(' ').collect();
            Some(Entry {
                mode: fields.first()?.to_string(),
                object: fields.get(object_field)?.to_string(),
                path: path.to_string(),
            })
        })
        .collect()
}

/// Copies the tracked files of `repo`'s working tree, as they are now, to `dest`.
/// Submodules are copied the same way (their own working trees) when `submodules` is set,
/// and are empty directories otherwise. A tracked file deleted from the working tree is
/// left out.
pub(super) fn export_work_tree(repo: &Path, dest: &Path, submodules: bool) -> EvalResult<()> {
    std::fs::create_dir_all(dest).map_err(|e| io_error("create", dest, e))?;
    for entry in entries(&git_raw(repo, &["ls-files", "-s", "-z"])?, 1) {
        let from = repo.join(&entry.path);
        let to = dest.join(&entry.path);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
        }
        if entry.mode == GITLINK {
            if submodules && from.join(".git").exists() {
                export_work_tree(&from, &to, true)?;
            } else {
                std::fs::create_dir_all(&to).map_err(|e| io_error("create", &to, e))?;
            }
            continue;
        }
        match std::fs::symlink_metadata(&from) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&from).map_err(|e| io_error("read", &from, e))?;
                std::os::unix::fs::symlink(target, &to).map_err(|e| io_error("create", &to, e))?;
            }
            Ok(_) => {
                std::fs::copy(&from, &to).map_err(|e| io_error("copy", &from, e))?;
            }
            // Deleted but not committed: the working tree has no such file.
            Err(_) => {}
        }
    }
    Ok(())
}

/// Unpacks commit `rev` of `repo` into `dest` (`git archive`, which leaves submodules as
/// empty directories); with `submodules`, each submodule's recorded commit is unpacked
/// into its directory in turn, from the submodule's checkout inside `repo`.
pub(super) fn export_commit(repo: &Path, rev: &str, dest: &Path, submodules: bool) -> EvalResult<()> {
    std::fs::create_dir_all(dest).map_err(|e| io_error("create", dest, e))?;
    let archive = dest.with_extension("tern-archive.tar");
    let archive_str = archive.to_string_lossy().into_owned();
    git(repo, &["archive", "--format=tar", "-o", &archive_str, rev])?;
    let out = Command::new("tar")
        .arg("-xf")
        .arg(&archive)
        .arg("-C")
        .arg(dest)
        .output()
        .map_err(|e| EvalError::new(ErrorKind::Io, format!("cannot run 'tar': {e}"), None));
    let _ = std::fs::remove_file(&archive);
    if !out?.status.success() {
        return Err(EvalError::new(ErrorKind::Io, "cannot unpack the git archive".to_string(), None));
    }
    if !submodules {
        return Ok(());
    }
    for entry in entries(&git_raw(repo, &["ls-tree", "-r", "-z", rev])?, 2) {
        if entry.mode != GITLINK {
            continue;
        }
        let checkout = repo.join(&entry.path);
        if !checkout.join(".git").exists() {
            return Err(EvalError::new(
                ErrorKind::Io,
                format!(
                    "cannot fetch submodule '{}' of '{}': it is not checked out here, and tern takes submodules \
                     only from a checkout (run `git submodule update --init` in the repository first)",
                    entry.path,
                    repo.display()
                ),
                None,
            ));
        }
        export_commit(&checkout, &entry.object, &dest.join(&entry.path), true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_index_and_tree_listings() {
        let index = entries(concat!("100644 abc 0\ta b.txt", "\0", "160000 def 0\tsub", "\0"), 1);
        assert_eq!(index.len(), 2);
        assert_eq!(
            (index[0].mode.as_str(), index[0].object.as_str(), index[0].path.as_str()),
            ("100644", "abc", "a b.txt")
        );
        assert_eq!((index[1].mode.as_str(), index[1].path.as_str()), (GITLINK, "sub"));
        let tree = entries("160000 commit 0123\tdeps/lib\0", 2);
        assert_eq!((tree[0].object.as_str(), tree[0].path.as_str()), ("0123", "deps/lib"));
    }
}
