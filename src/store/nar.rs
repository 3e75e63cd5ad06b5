//! NAR (Nix ARchive) serialisation and restoration (spec §4.1).
//!
//! Owns the NAR format: writing a file system object (regular file,
//! directory, symlink) as a NAR byte stream into any `io::Write` — usually
//! a [`Hasher`], so trees are hashed without being buffered — and reading a
//! NAR stream back into a directory tree.
//!
//! Format: every token is `str(b)` = 8-byte little-endian length, the bytes,
//! zero padding to a multiple of 8. A node is `( type <kind> … )`:
//! regular files carry an optional `executable ""` marker and `contents`;
//! symlinks carry their `target` (never followed); directories list
//! `entry ( name <n> node <node> )` sorted by name bytes. Only the owner
//! execute bit is recorded: no times, owners or other permissions, so a NAR
//! depends on content and tree shape alone. Fifos, sockets and devices are
//! an error.
//!
//! An optional filter (for `builtins.path`/`filterSource`) is consulted for
//! every entry below the root, with its path and [`EntryType`]; a rejected
//! directory drops its whole subtree. Filter errors are the caller's type
//! `E`, which must absorb [`StoreError`], so evaluation errors raised inside
//! a filter pass through untouched.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use super::error::{Result, StoreError};
use super::hash::{Hash, HashAlgo, Hasher};

/// The NAR magic string, the first token of every archive.
pub const NAR_MAGIC: &[u8] = b"nix-archive-1";

/// What kind of file system object an entry is, as `filterSource` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryType {
    Regular,
    Directory,
    Symlink,
    /// Fifo, socket, device: cannot be archived.
    Unknown,
}

impl EntryType {
    /// `"regular"`, `"directory"`, `"symlink"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryType::Regular => "regular",
            EntryType::Directory => "directory",
            EntryType::Symlink => "symlink",
            EntryType::Unknown => "unknown",
        }
    }

    pub fn of(ft: &fs::FileType) -> EntryType {
        if ft.is_symlink() {
            EntryType::Symlink
        } else if ft.is_dir() {
            EntryType::Directory
        } else if ft.is_file() {
            EntryType::Regular
        } else {
            EntryType::Unknown
        }
    }
}

const PADDING: [u8; 8] = [0; 8];

fn padding_len(len: u64) -> usize {
    ((8 - len % 8) % 8) as usize
}

/// Writes NAR tokens, attributing sink errors to the object being dumped.
struct NarWriter<'w, W: Write> {
    sink: &'w mut W,
}

impl<W: Write> NarWriter<'_, W> {
    fn str(&mut self, bytes: &[u8], at: &Path) -> Result<()> {
        self.raw(&(bytes.len() as u64).to_le_bytes(), at)?;
        self.raw(bytes, at)?;
        self.raw(&PADDING[..padding_len(bytes.len() as u64)], at)
    }

    fn strs(&mut self, tokens: &[&[u8]], at: &Path) -> Result<()> {
        tokens.iter().try_for_each(|t| self.str(t, at))
    }

    fn raw(&mut self, bytes: &[u8], at: &Path) -> Result<()> {
        self.sink.write_all(bytes).map_err(|e| StoreError::io("write the NAR serialisation of", at, e))
    }

    /// A regular file node whose contents come from `reader` (exactly `len`
    /// bytes, streamed).
    fn regular(&mut self, executable: bool, len: u64, reader: &mut dyn Read, at: &Path) -> Result<()> {
        self.strs(&[b"(", b"type", b"regular"], at)?;
        if executable {
            self.strs(&[b"executable", b""], at)?;
        }
        self.str(b"contents", at)?;
        self.raw(&len.to_le_bytes(), at)?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = match reader.read(&mut buf[..want]) {
                Ok(0) => {
                    return Err(StoreError::Other(format!("file '{}' shrank while it was being read", at.display())))
                }
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(StoreError::io("read", at, e)),
            };
            self.raw(&buf[..n], at)?;
            left -= n as u64;
        }
        self.raw(&PADDING[..padding_len(len)], at)?;
        self.str(b")", at)
    }
}

/// Serialises the file system object at `path` (not following a symlink
/// there) as a NAR into `sink`.
pub fn dump_path<W: Write>(path: &Path, sink: &mut W) -> Result<()> {
    dump_path_filtered(path, sink, &mut |_: &Path, _| Ok::<bool, StoreError>(true))
}

/// Like [`dump_path`], consulting `filter` for every entry below the root.
pub fn dump_path_filtered<W, F, E>(path: &Path, sink: &mut W, filter: &mut F) -> Result<(), E>
where
    W: Write,
    F: FnMut(&Path, EntryType) -> Result<bool, E>,
    E: From<StoreError>,
{
    let mut w = NarWriter { sink };
    w.str(NAR_MAGIC, path)?;
    dump_node(&mut w, path, filter)
}

fn dump_node<W, F, E>(w: &mut NarWriter<'_, W>, path: &Path, filter: &mut F) -> Result<(), E>
where
    W: Write,
    F: FnMut(&Path, EntryType) -> Result<bool, E>,
    E: From<StoreError>,
{
    let meta = fs::symlink_metadata(path).map_err(|e| StoreError::io("get status of", path, e))?;
    match EntryType::of(&meta.file_type()) {
        EntryType::Regular => {
            let mut file = File::open(path).map_err(|e| StoreError::io("open", path, e))?;
            let executable = meta.permissions().mode() & 0o100 != 0;
            w.regular(executable, meta.len(), &mut file, path)?;
        }
        EntryType::Symlink => {
            let target = fs::read_link(path).map_err(|e| StoreError::io("read symlink", path, e))?;
            w.strs(&[b"(", b"type", b"symlink", b"target"], path)?;
            w.str(target.as_os_str().as_bytes(), path)?;
            w.str(b")", path)?;
        }
        EntryType::Directory => {
            w.strs(&[b"(", b"type", b"directory"], path)?;
            for name in sorted_entries(path)? {
                let child = path.join(&name);
                let meta = fs::symlink_metadata(&child).map_err(|e| StoreError::io("get status of", &child, e))?;
                if !filter(&child, EntryType::of(&meta.file_type()))? {
                    continue;
                }
                w.strs(&[b"entry", b"(", b"name"], &child)?;
                w.str(name.as_bytes(), &child)?;
                w.str(b"node", &child)?;
                dump_node(w, &child, filter)?;
                w.str(b")", &child)?;
            }
            w.str(b")", path)?;
        }
        EntryType::Unknown => return Err(StoreError::UnsupportedFileType { path: path.to_path_buf() }.into()),
    }
    Ok(())
}

/// Directory entry names sorted by their bytes, as NAR requires.
pub(crate) fn sorted_entries(dir: &Path) -> Result<Vec<OsString>> {
    let rd = fs::read_dir(dir).map_err(|e| StoreError::io("read directory", dir, e))?;
    let mut names = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| StoreError::io("read directory", dir, e))?;
        names.push(entry.file_name());
    }
    names.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    Ok(names)
}

/// Writes the NAR of a single regular file with the given contents (used
/// for text objects, whose contents are in memory).
pub fn dump_contents<W: Write>(contents: &[u8], executable: bool, sink: &mut W) -> Result<()> {
    let mut w = NarWriter { sink };
    let at = Path::new("<contents>");
    w.str(NAR_MAGIC, at)?;
    let mut reader = contents;
    w.regular(executable, contents.len() as u64, &mut reader, at)
}

/// The whole NAR of `path` in memory (for tests and small objects).
pub fn nar_bytes(path: &Path) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    dump_path(path, &mut out)?;
    Ok(out)
}

/// Hash and size of the NAR of `path`, streamed.
pub fn hash_path(algo: HashAlgo, path: &Path) -> Result<(Hash, u64)> {
    hash_path_filtered(algo, path, &mut |_: &Path, _| Ok::<bool, StoreError>(true))
}

/// Hash and size of the filtered NAR of `path`, streamed.
pub fn hash_path_filtered<F, E>(algo: HashAlgo, path: &Path, filter: &mut F) -> Result<(Hash, u64), E>
where
    F: FnMut(&Path, EntryType) -> Result<bool, E>,
    E: From<StoreError>,
{
    let mut hasher = Hasher::new(algo);
    dump_path_filtered(path, &mut hasher, filter)?;
    let size = hasher.len();
    Ok((hasher.finish(), size))
}

/// Hash and size of the NAR of a regular file with these contents.
pub fn hash_contents(algo: HashAlgo, contents: &[u8], executable: bool) -> (Hash, u64) {
    let mut hasher = Hasher::new(algo);
    // Writing into a hasher cannot fail.
    let _ = dump_contents(contents, executable, &mut hasher);
    let size = hasher.len();
    (hasher.finish(), size)
}

// Upper bounds for tokens that are held in memory while restoring, so a
// corrupt length cannot make us allocate gigabytes.
const MAX_TOKEN: u64 = 64 * 1024;

struct NarReader<R: Read> {
    r: R,
    pos: u64,
}

impl<R: Read> NarReader<R> {
    fn bad(&self, msg: impl std::fmt::Display) -> StoreError {
        StoreError::BadArchive(format!("{msg} (at byte {})", self.pos))
    }

    fn exact(&mut self, buf: &mut [u8]) -> Result<()> {
        self.r.read_exact(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                self.bad("unexpected end of archive")
            } else {
                StoreError::BadArchive(format!("cannot read archive: {e}"))
            }
        })?;
        self.pos += buf.len() as u64;
        Ok(())
    }

    fn u64(&mut self) -> Result<u64> {
        let mut b = [0u8; 8];
        self.exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn padding(&mut self, len: u64) -> Result<()> {
        let mut pad = [0u8; 8];
        let n = padding_len(len);
        self.exact(&mut pad[..n])?;
        if pad[..n].iter().any(|&b| b != 0) {
            return Err(self.bad("non-zero padding"));
        }
        Ok(())
    }

    fn token(&mut self) -> Result<Vec<u8>> {
        let len = self.u64()?;
        if len > MAX_TOKEN {
            return Err(self.bad(format!("string of {len} bytes is too long")));
        }
        let mut buf = vec![0u8; len as usize];
        self.exact(&mut buf)?;
        self.padding(len)?;
        Ok(buf)
    }

    fn expect(&mut self, want: &[u8]) -> Result<()> {
        let got = self.token()?;
        if got != want {
            return Err(self.bad(format!(
                "expected '{}', got '{}'",
                String::from_utf8_lossy(want),
                String::from_utf8_lossy(&got)
            )));
        }
        Ok(())
    }
}

/// Unpacks a NAR read from `reader` into `dest`, which must not exist.
/// Reads ahead (it buffers `reader`): for a stream that goes on after the
/// archive, see [`restore_exact`]. Rejects malformed archives:
/// unsorted or duplicate entries, names with `/` or equal to `.`/`..`,
/// non-zero padding. On error a partial tree may remain at `dest`.
pub fn restore<R: Read>(reader: R, dest: &Path) -> Result<()> {
    restore_exact(BufReader::new(reader), dest)
}

/// Like [`restore`], but consumes exactly the archive's bytes from
/// `reader` (give it a buffered one: it is read in small pieces).
pub fn restore_exact<R: Read>(reader: R, dest: &Path) -> Result<()> {
    let mut r = NarReader { r: reader, pos: 0 };
    r.expect(NAR_MAGIC).map_err(|_| StoreError::BadArchive("input is not a NAR (bad magic)".into()))?;
    restore_node(&mut r, dest)
}

fn restore_node<R: Read>(r: &mut NarReader<R>, path: &Path) -> Result<()> {
    r.expect(b"(")?;
    r.expect(b"type")?;
    let kind = r.token()?;
    match kind.as_slice() {
        b"regular" => {
            let mut tag = r.token()?;
            let mut executable = false;
            if tag == b"executable" {
                r.expect(b"")?;
                executable = true;
                tag = r.token()?;
            }
            if tag != b"contents" {
                return Err(r.bad("expected 'contents'"));
            }
            let len = r.u64()?;
            let mode = if executable { 0o755 } else { 0o644 };
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(mode)
                .open(path)
                .map_err(|e| StoreError::io("create", path, e))?;
            let copied =
                io::copy(&mut (&mut r.r).take(len), &mut file).map_err(|e| StoreError::io("write", path, e))?;
            r.pos += copied;
            if copied != len {
                return Err(r.bad("unexpected end of archive"));
            }
            r.padding(len)?;
            r.expect(b")")?;
        }
        b"symlink" => {
            r.expect(b"target")?;
            let target = r.token()?;
            std::os::unix::fs::symlink(OsString::from_vec(target), path)
                .map_err(|e| StoreError::io("create symlink", path, e))?;
            r.expect(b")")?;
        }
        b"directory" => {
            fs::create_dir(path).map_err(|e| StoreError::io("create directory", path, e))?;
            let mut prev: Option<Vec<u8>> = None;
            loop {
                let tag = r.token()?;
                if tag == b")" {
                    break;
                }
                if tag != b"entry" {
                    return Err(r.bad("expected 'entry' or ')'"));
                }
                r.expect(b"(")?;
                r.expect(b"name")?;
                let name = r.token()?;
                if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') || name.contains(&0) {
                    return Err(r.bad(format!("invalid file name '{}'", String::from_utf8_lossy(&name))));
                }
                if prev.as_ref().is_some_and(|p| p >= &name) {
                    return Err(r.bad("directory entries are not sorted"));
                }
                r.expect(b"node")?;
                restore_node(r, &path.join(OsString::from_vec(name.clone())))?;
                r.expect(b")")?;
                prev = Some(name);
            }
        }
        other => return Err(r.bad(format!("unknown file type '{}'", String::from_utf8_lossy(other)))),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(out: &mut Vec<u8>, b: &[u8]) {
        out.extend_from_slice(&(b.len() as u64).to_le_bytes());
        out.extend_from_slice(b);
        out.extend(std::iter::repeat_n(0u8, padding_len(b.len() as u64)));
    }

    #[test]
    fn contents_layout() {
        let mut got = Vec::new();
        dump_contents(b"hi", true, &mut got).unwrap();
        let mut want = Vec::new();
        for t in [&b"nix-archive-1"[..], b"(", b"type", b"regular", b"executable", b"", b"contents", b"hi", b")"] {
            tok(&mut want, t);
        }
        assert_eq!(got, want);
        assert_eq!(got.len() % 8, 0);
    }

    #[test]
    fn restore_rejects_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("x");
        assert!(restore(&b"not a nar"[..], &dest).is_err());
        let mut nar = Vec::new();
        dump_contents(b"abc", false, &mut nar).unwrap();
        // Truncated archive.
        assert!(restore(&nar[..nar.len() - 9], &dir.path().join("y")).is_err());
        // Non-zero padding after "abc".
        let mut bad = nar.clone();
        let pad_at = bad.len() - 16 - 5;
        bad[pad_at] = 1;
        let e = restore(&bad[..], &dir.path().join("z")).unwrap_err();
        assert!(e.to_string().contains("padding"), "{e}");
    }

    #[test]
    fn restore_rejects_unsorted_and_bad_names() {
        let dir = tempfile::tempdir().unwrap();
        let build = |names: &[&[u8]]| {
            let mut v = Vec::new();
            for t in [&b"nix-archive-1"[..], b"(", b"type", b"directory"] {
                tok(&mut v, t);
            }
            for n in names {
                for t in [&b"entry"[..], b"(", b"name", n, b"node", b"(", b"type"] {
                    tok(&mut v, t);
                }
                for t in [&b"symlink"[..], b"target", b"x", b")", b")"] {
                    tok(&mut v, t);
                }
            }
            tok(&mut v, b")");
            v
        };
        restore(&build(&[b"a", b"b"])[..], &dir.path().join("ok")).unwrap();
        assert!(restore(&build(&[b"b", b"a"])[..], &dir.path().join("u")).is_err());
        assert!(restore(&build(&[b"a", b"a"])[..], &dir.path().join("d")).is_err());
        assert!(restore(&build(&[b".."])[..], &dir.path().join("p")).is_err());
        assert!(restore(&build(&[b"a/b"])[..], &dir.path().join("s")).is_err());
    }

    #[test]
    fn fifo_is_unsupported() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !status.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this machine: nothing to test
        }
        let e = nar_bytes(dir.path()).unwrap_err();
        assert!(matches!(e, StoreError::UnsupportedFileType { .. }), "{e}");
        // The filter sees it as "unknown" and may drop it.
        let mut seen = Vec::new();
        let mut filter = |p: &Path, t: EntryType| {
            seen.push((p.to_path_buf(), t));
            Ok::<_, StoreError>(t != EntryType::Unknown)
        };
        hash_path_filtered(HashAlgo::Sha256, dir.path(), &mut filter).unwrap();
        assert_eq!(seen, vec![(fifo, EntryType::Unknown)]);
    }
}
