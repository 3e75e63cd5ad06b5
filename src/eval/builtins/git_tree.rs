//! Reading git repositories for `fetchGit`/`fetchTree` and git flake inputs: running
//! `git`, and exporting what a fetch copies into the store — a commit's tree or the working
//! tree's tracked files with their uncommitted changes.
//!
//! A commit is exported blob by blob (`git ls-tree` and `git cat-file --batch`) rather than
//! with `git archive`, because CppNix copies the raw objects: no end-of-line or `export-subst`
//! conversion, and `export-ignore` honoured only when the input asks for it (`exportIgnore`,
//! which `fetchGit` sets by default and `fetchTree` does not). Submodules are left out
//! here, and `git_input` fills them in when `submodules = true`; otherwise their paths are absent.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::fetch::io_error;

/// Runs `git -C repo ARGS…` and returns its standard output without surrounding whitespace.
pub(super) fn git(repo: &Path, args: &[&str]) -> EvalResult<String> {
    git_raw(repo, args, None).map(|s| s.trim().to_string())
}

fn git_command(repo: &Path) -> Command {
    let mut cmd = Command::new("git");
    // System-wide configuration and attributes must not change what is fetched (CppNix asks
    // libgit2 for attributes with GIT_ATTR_CHECK_NO_SYSTEM).
    cmd.arg("-C").arg(repo).env("GIT_CONFIG_NOSYSTEM", "1").env("GIT_ATTR_NOSYSTEM", "1");
    cmd
}

fn cannot_run(e: std::io::Error) -> EvalError {
    EvalError::new(ErrorKind::Io, format!("cannot run 'git': {e} (install git to fetch git repositories)"), None)
}

/// Runs `git -C repo ARGS…` (with `stdin` fed to it if given) and returns its standard
/// output as it is (for `-z` lists, whose names may begin or end with blanks).
fn git_raw(repo: &Path, args: &[&str], stdin: Option<&[u8]>) -> EvalResult<String> {
    let mut cmd = git_command(repo);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().map_err(cannot_run)?;
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A writer thread, so that a large answer cannot block git while we still write.
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let out = child.wait_with_output().map_err(cannot_run)?;
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
pub(super) struct Entry {
    pub mode: String,
    pub object: String,
    pub path: String,
}

/// Git's mode for a submodule (a "gitlink": a commit of another repository).
pub(super) const GITLINK: &str = "160000";

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

/// The files and gitlinks of commit `rev`.
pub(super) fn tree_entries(repo: &Path, rev: &str) -> EvalResult<Vec<Entry>> {
    Ok(entries(&git_raw(repo, &["ls-tree", "-r", "-z", "--full-tree", rev], None)?, 2))
}

/// Where gitattributes are read from for `export-ignore`.
enum AttrSource<'a> {
    /// The `.gitattributes` files of a commit.
    Commit(&'a str),
    /// Those of the index (for a working tree, as CppNix does).
    Index,
}

/// Drops the entries that `export-ignore` removes: those whose path, or a directory
/// above it, has the attribute set.
fn drop_export_ignored(repo: &Path, entries: Vec<Entry>, source: AttrSource) -> EvalResult<Vec<Entry>> {
    let mut paths = BTreeSet::new();
    for e in &entries {
        let mut p = e.path.as_str();
        paths.insert(p.to_string());
        while let Some((parent, _)) = p.rsplit_once('/') {
            paths.insert(parent.to_string());
            p = parent;
        }
    }
    let mut input = Vec::new();
    for p in &paths {
        input.extend_from_slice(p.as_bytes());
        input.push(0);
    }
    let source_arg;
    let mut args = vec!["check-attr", "-z", "--stdin"];
    match source {
        AttrSource::Commit(rev) => {
            source_arg = format!("--source={rev}");
            args.push(&source_arg);
        }
        AttrSource::Index => args.push("--cached"),
    }
    args.push("export-ignore");
    let out = git_raw(repo, &args, Some(&input))?;
    // `PATH NUL ATTRIBUTE NUL VALUE NUL` per path; only `set` ignores (git, and CppNix after
    // it, disregard `export-ignore=value`).
    let fields: Vec<&str> = out.split('\0').collect();
    let ignored: BTreeSet<&str> = fields.chunks(3).filter(|c| c.len() == 3 && c[2] == "set").map(|c| c[0]).collect();
    if ignored.is_empty() {
        return Ok(entries);
    }
    let is_ignored = |path: &str| {
        let mut p = path;
        loop {
            if ignored.contains(p) {
                return true;
            }
            match p.rsplit_once('/') {
                Some((parent, _)) => p = parent,
                None => return false,
            }
        }
    };
    Ok(entries.into_iter().filter(|e| !is_ignored(&e.path)).collect())
}

/// The regular files of commit `rev` whose `filter` attribute is `lfs` (per the commit's
/// `.gitattributes`, as CppNix reads them for `lfs = true`).
pub(super) fn lfs_files(repo: &Path, rev: &str) -> EvalResult<Vec<String>> {
    let files: Vec<Entry> =
        tree_entries(repo, rev)?.into_iter().filter(|e| e.mode == "100644" || e.mode == "100755").collect();
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = Vec::new();
    for e in &files {
        input.extend_from_slice(e.path.as_bytes());
        input.push(0);
    }
    let source = format!("--source={rev}");
    let out = git_raw(repo, &["check-attr", "-z", "--stdin", &source, "filter"], Some(&input))?;
    let fields: Vec<&str> = out.split('\0').collect();
    Ok(fields.chunks(3).filter(|c| c.len() == 3 && c[2] == "lfs").map(|c| c[0].to_string()).collect())
}

fn create_parent(path: &Path) -> EvalResult<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
    }
    Ok(())
}

/// Writes the blobs of commit `rev` of `repo` under `dest`; returns its gitlinks, for the
/// caller to fill (a submodule not fetched is left out entirely, as in CppNix 2.34).
pub(super) fn export_commit(repo: &Path, rev: &str, dest: &Path, export_ignore: bool) -> EvalResult<Vec<Entry>> {
    std::fs::create_dir_all(dest).map_err(|e| io_error("create", dest, e))?;
    let mut listed = tree_entries(repo, rev)?;
    if export_ignore {
        listed = drop_export_ignored(repo, listed, AttrSource::Commit(rev))?;
    }
    let (links, blobs): (Vec<Entry>, Vec<Entry>) = listed.into_iter().partition(|e| e.mode == GITLINK);
    if blobs.is_empty() {
        return Ok(links);
    }
    let mut child = git_command(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(cannot_run)?;
    let mut request = String::new();
    for b in &blobs {
        request.push_str(&b.object);
        request.push('\n');
    }
    let mut pipe = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(request.as_bytes());
    });
    let mut reader = BufReader::new(child.stdout.take().expect("piped stdout"));
    let broken = |what: &str| {
        EvalError::new(ErrorKind::Io, format!("cannot read commit {rev} of '{}': {what}", repo.display()), None)
    };
    for b in &blobs {
        let mut header = String::new();
        reader.read_line(&mut header).map_err(|e| broken(&e.to_string()))?;
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| broken(&format!("object {} is missing", b.object)))?;
        let mut content = vec![0; size + 1];
        reader.read_exact(&mut content).map_err(|e| broken(&e.to_string()))?;
        content.truncate(size);
        let to = dest.join(&b.path);
        create_parent(&to)?;
        match b.mode.as_str() {
            "120000" => {
                use std::os::unix::ffi::OsStrExt;
                let target = std::ffi::OsStr::from_bytes(&content);
                std::os::unix::fs::symlink(target, &to).map_err(|e| io_error("create", &to, e))?;
            }
            mode => {
                std::fs::write(&to, &content).map_err(|e| io_error("write", &to, e))?;
                if mode == "100755" {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755))
                        .map_err(|e| io_error("chmod", &to, e))?;
                }
            }
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(links)
}

/// Copies the tracked files of `repo`'s working tree, as they are now, to `dest`; returns
/// the gitlinks (for the caller to fill). A tracked file
/// deleted from the working tree is left out.
pub(super) fn export_work_tree(repo: &Path, dest: &Path, export_ignore: bool) -> EvalResult<Vec<Entry>> {
    std::fs::create_dir_all(dest).map_err(|e| io_error("create", dest, e))?;
    let mut listed = entries(&git_raw(repo, &["ls-files", "-s", "-z"], None)?, 1);
    if export_ignore {
        listed = drop_export_ignored(repo, listed, AttrSource::Index)?;
    }
    let mut links = Vec::new();
    for entry in listed {
        let from = repo.join(&entry.path);
        let to = dest.join(&entry.path);
        create_parent(&to)?;
        if entry.mode == GITLINK {
            links.push(entry);
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
    Ok(links)
}

/// A submodule as `.gitmodules` describes it.
pub(super) struct Submodule {
    pub path: String,
    pub url: String,
    pub branch: Option<String>,
}

/// The submodules `.gitmodules` lists, read from commit `rev` or (without one) from the
/// working tree.
pub(super) fn submodules(repo: &Path, rev: Option<&str>) -> EvalResult<Vec<Submodule>> {
    let file = repo.join(".gitmodules");
    let source = match rev {
        Some(r) => {
            if git(repo, &["cat-file", "-e", &format!("{r}:.gitmodules")]).is_err() {
                return Ok(Vec::new());
            }
            format!("--blob={r}:.gitmodules")
        }
        None if file.exists() => format!("--file={}", file.display()),
        None => return Ok(Vec::new()),
    };
    let args = ["config", &source, "-z", "--list"];
    let listing = git_raw(repo, &args, None)?;
    // `submodule.NAME.KEY\nVALUE` per entry.
    let mut by_name: std::collections::BTreeMap<String, Submodule> = Default::default();
    for item in listing.split('\0').filter(|i| !i.is_empty()) {
        let (key, value) = item.split_once('\n').unwrap_or((item, ""));
        let Some(rest) = key.strip_prefix("submodule.") else { continue };
        let Some((name, field)) = rest.rsplit_once('.') else { continue };
        let s = by_name.entry(name.to_string()).or_insert_with(|| Submodule {
            path: String::new(),
            url: String::new(),
            branch: None,
        });
        match field {
            "path" => s.path = value.to_string(),
            "url" => s.url = value.to_string(),
            "branch" => s.branch = Some(value.to_string()),
            _ => {}
        }
    }
    Ok(by_name.into_values().filter(|s| !s.path.is_empty() && !s.url.is_empty()).collect())
}

/// Resolves a submodule URL relative to its superproject's (`./x`, `../x`), as git does.
pub(super) fn resolve_submodule_url(base: &str, url: &str) -> String {
    if !url.starts_with("./") && !url.starts_with("../") {
        return url.to_string();
    }
    let mut base = base.trim_end_matches('/').to_string();
    let mut rest = url;
    loop {
        if let Some(r) = rest.strip_prefix("./") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("../") {
            rest = r;
            match base.rfind('/') {
                Some(i) => base.truncate(i),
                None => base.clear(),
            }
        } else {
            break;
        }
    }
    format!("{base}/{rest}")
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

    #[test]
    fn relative_submodule_urls() {
        assert_eq!(resolve_submodule_url("http://h/a/repo.git", "../sub.git"), "http://h/a/sub.git");
        assert_eq!(resolve_submodule_url("/srv/repo", "./sub"), "/srv/repo/sub");
        assert_eq!(resolve_submodule_url("/srv/repo/", "../../x"), "/x");
        assert_eq!(resolve_submodule_url("/srv/repo", "/abs/sub"), "/abs/sub");
    }
}
