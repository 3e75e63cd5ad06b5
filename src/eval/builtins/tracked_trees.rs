//! Git work trees used in place (a flake evaluated from its checkout): only what git tracks
//! is visible to the evaluation, as in CppNix, where such a flake is read through git.
//!
//! A tree is registered by the flake fetcher; from then on every read of a path inside it
//! (`import`, `readFile`, `readDir`, `readFileType`, `hashFile`, copying to the store) goes
//! through [`Evaluator::physical_path`], which refuses untracked paths with CppNix's message
//! and the `git add` that fixes it; `pathExists` answers false; `readDir` lists tracked
//! entries only; a copy to the store keeps tracked files only. Tracked files are what
//! `git ls-files` lists (with their uncommitted contents), and the directories leading to
//! them; submodules (gitlinks) are not tracked files, as a fetch without `submodules`
//! leaves them out. The list is read once, on the first access under the tree.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::super::Evaluator;
use super::git_tree::git;

/// One work tree: its root and, once read, the paths git tracks in it.
#[derive(Debug)]
pub struct TrackedTree {
    root: String,
    tracked: OnceCell<HashSet<PathBuf>>,
}

impl TrackedTree {
    /// Tracked files and the directories leading to them, relative to the root.
    pub fn tracked(&self) -> EvalResult<&HashSet<PathBuf>> {
        if let Some(t) = self.tracked.get() {
            return Ok(t);
        }
        let t = git_tracked_tree(Path::new(&self.root))?;
        Ok(self.tracked.get_or_init(|| t))
    }

    /// Whether `rel` (relative to the root; empty for the root) is visible.
    pub fn is_tracked(&self, rel: &Path) -> EvalResult<bool> {
        Ok(rel.as_os_str().is_empty() || self.tracked()?.contains(rel))
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    /// Whether a copy of the tree keeps the absolute path `p` (paths outside it are kept).
    pub fn keeper(&self) -> EvalResult<impl Fn(&Path) -> bool + '_> {
        let tracked = self.tracked()?;
        let root = Path::new(&self.root);
        Ok(move |p: &Path| match p.strip_prefix(root) {
            Ok(rel) => rel.as_os_str().is_empty() || tracked.contains(rel),
            Err(_) => true,
        })
    }
}

/// Makes only the tracked files of the work tree at `root` visible from now on.
pub fn register(ev: &Evaluator, root: &str) {
    let mut trees = ev.caches.tracked_trees.borrow_mut();
    if !trees.iter().any(|t| t.root == root) {
        trees.push(Rc::new(TrackedTree { root: root.to_string(), tracked: OnceCell::new() }));
    }
}

/// The registered tree `path` lies in, and `path` relative to its root.
pub fn tree_of(ev: &Evaluator, path: &str) -> Option<(Rc<TrackedTree>, PathBuf)> {
    let trees = ev.caches.tracked_trees.borrow();
    trees.iter().find_map(|t| {
        let rest = path.strip_prefix(t.root.as_str())?;
        let rel = if rest.is_empty() { "" } else { rest.strip_prefix('/')? };
        Some((t.clone(), PathBuf::from(rel)))
    })
}

/// Whether `path` may be read: true outside registered trees.
pub fn is_visible(ev: &Evaluator, path: &str) -> EvalResult<bool> {
    match tree_of(ev, path) {
        Some((tree, rel)) => tree.is_tracked(&rel),
        None => Ok(true),
    }
}

/// Refuses a path that git does not track in a registered tree.
pub fn check_visible(ev: &Evaluator, path: &str) -> EvalResult<()> {
    let Some((tree, rel)) = tree_of(ev, path) else { return Ok(()) };
    if tree.is_tracked(&rel)? {
        return Ok(());
    }
    let rel = rel.display();
    let root = tree.root();
    Err(EvalError::new(
        ErrorKind::Io,
        format!("Path '{rel}' in the repository \"{root}\" is not tracked by Git."),
        None,
    )
    .with_note(format!("To make it visible to Nix, run:\n\ngit -C \"{root}\" add \"{rel}\"")))
}

/// The files git tracks in a work tree, relative to `repo`.
fn git_tracked_files(repo: &Path) -> EvalResult<Vec<String>> {
    // `MODE OBJECT STAGE\tPATH`; submodules (gitlinks, mode 160000) are left out, as a
    // fetch without `submodules` leaves them out.
    Ok(git(repo, &["ls-files", "-s", "-z"])?
        .split('\0')
        .filter_map(|line| line.split_once('\t'))
        .filter(|(meta, _)| !meta.starts_with("160000 "))
        .map(|(_, path)| path.to_string())
        .collect())
}

/// The tracked files of a git work tree and the directories leading to them, relative to
/// the work tree: what a copy of the tree in place keeps.
fn git_tracked_tree(repo: &Path) -> EvalResult<HashSet<PathBuf>> {
    let mut keep = HashSet::new();
    for f in git_tracked_files(repo)? {
        let mut p = PathBuf::from(f);
        loop {
            if !keep.insert(p.clone()) {
                break;
            }
            match p.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => p = parent.to_path_buf(),
                _ => break,
            }
        }
    }
    Ok(keep)
}
