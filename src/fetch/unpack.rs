//! Unpacking archives with the system `tar` (gzip, bzip2, xz, zstd, plain).
//!
//! The archive is listed first (names C-quoted, times in UTC): an entry named
//! by an absolute path or through `..` is refused before anything is
//! unpacked, and the newest entry time is the archive's `lastModified`, as
//! CppNix computes it. Unpacking goes into a fresh private scratch directory;
//! the root is the single top-level directory if there is one.

use std::path::{Path, PathBuf};
use std::process::Command;

/// An unpacked archive.
pub struct Unpacked {
    /// The tree to add: the single top-level directory, or the scratch directory.
    pub root: PathBuf,
    /// The newest modification time among the entries (0 for an empty archive).
    pub last_modified: i64,
}

/// Unpacks `archive` into `dest` (an empty directory).
pub fn unpack(archive: &Path, dest: &Path) -> Result<Unpacked, String> {
    let tar_failed = |what: &str, out: &std::process::Output| {
        format!("cannot {what} '{}': {}", archive.display(), String::from_utf8_lossy(&out.stderr).trim())
    };
    let run = |args: &[&std::ffi::OsStr]| {
        Command::new("tar")
            .args(args)
            .env("LC_ALL", "C")
            .output()
            .map_err(|e| format!("cannot run 'tar' to unpack '{}': {e}", archive.display()))
    };
    let listing = run(&[
        "--list".as_ref(),
        "--verbose".as_ref(),
        "--full-time".as_ref(),
        "--utc".as_ref(),
        "--numeric-owner".as_ref(),
        "--quoting-style=c".as_ref(),
        "-f".as_ref(),
        archive.as_os_str(),
    ])?;
    if !listing.status.success() {
        return Err(tar_failed("list", &listing));
    }
    let mut last_modified = 0;
    for line in String::from_utf8_lossy(&listing.stdout).lines() {
        let Some((name, mtime)) = parse_listing_line(line) else {
            return Err(format!("cannot unpack '{}': unexpected listing line '{line}'", archive.display()));
        };
        if unsafe_entry_name(&name) {
            return Err(format!(
                "cannot unpack '{}': archive entry '{name}' is outside the archive's directory",
                archive.display()
            ));
        }
        last_modified = last_modified.max(mtime);
    }
    let out = run(&["-xf".as_ref(), archive.as_os_str(), "-C".as_ref(), dest.as_os_str(), "--no-same-owner".as_ref()])?;
    if !out.status.success() {
        return Err(tar_failed("unpack", &out));
    }
    let entries: Vec<_> =
        std::fs::read_dir(dest).map_err(|e| format!("cannot read '{}': {e}", dest.display()))?.flatten().collect();
    let root = if entries.len() == 1 && entries[0].file_type().map(|t| t.is_dir()).unwrap_or(false) {
        entries[0].path()
    } else {
        dest.to_path_buf()
    };
    Ok(Unpacked { root, last_modified })
}

/// `-rw-r--r-- 0/0 5 2026-12-05 08:05:33 "top/a"` (maybe ` -> "target"`):
/// the entry's name and its time.
fn parse_listing_line(line: &str) -> Option<(String, i64)> {
    let mut rest = line;
    let mut fields = Vec::with_capacity(5);
    for _ in 0..5 {
        rest = rest.trim_start();
        let end = rest.find(' ')?;
        fields.push(&rest[..end]);
        rest = &rest[end..];
    }
    let name = unquote_c(rest.trim_start())?;
    Some((name, parse_utc(fields[3], fields[4])?))
}

/// The first C-quoted string of `s`.
fn unquote_c(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    if bytes.first() != Some(&b'"') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
            b'\\' if i + 1 < bytes.len() => {
                let c = bytes[i + 1];
                i += 2;
                match c {
                    b'0'..=b'7' => {
                        let mut v = (c - b'0') as u32;
                        for _ in 0..2 {
                            if i < bytes.len() && (b'0'..=b'7').contains(&bytes[i]) {
                                v = v * 8 + (bytes[i] - b'0') as u32;
                                i += 1;
                            }
                        }
                        out.push(v as u8);
                    }
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    other => out.push(other),
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// `2026-12-05` `08:05:33` in UTC as Unix seconds.
fn parse_utc(date: &str, time: &str) -> Option<i64> {
    let d: Vec<i64> = date.split('-').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    let t: Vec<i64> = time.split(':').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    if d.len() != 3 || t.len() != 3 {
        return None;
    }
    Some(days_from_civil(d[0], d[1], d[2]) * 86_400 + t[0] * 3600 + t[1] * 60 + t[2])
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An archive entry name that would land outside the directory it is unpacked in.
pub fn unsafe_entry_name(name: &str) -> bool {
    name.starts_with('/') || name.split('/').any(|c| c == "..")
}

/// A fresh directory for unpacking, created exclusively with an unpredictable name
/// (`mkdtemp`) under `parent`, so nothing planted there beforehand is used.
pub fn scratch_dir_in(parent: &Path, tag: &str) -> Result<PathBuf, String> {
    use std::os::unix::ffi::OsStrExt;
    let template = parent.join(format!("tern-fetch-{tag}-XXXXXX"));
    let mut bytes = template.as_os_str().as_bytes().to_vec();
    bytes.push(0);
    // SAFETY: `bytes` is a NUL-terminated template that mkdtemp rewrites in place.
    let made = unsafe { libc::mkdtemp(bytes.as_mut_ptr().cast()) };
    if made.is_null() {
        return Err(format!(
            "cannot create a directory like '{}': {}",
            template.display(),
            std::io::Error::last_os_error()
        ));
    }
    bytes.pop();
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(&bytes)))
}

/// [`scratch_dir_in`] the temporary directory.
pub fn scratch_dir(tag: &str) -> Result<PathBuf, String> {
    scratch_dir_in(&std::env::temp_dir(), tag)
}

/// Removes a scratch tree, making read-only directories writable first.
pub fn remove_scratch(dir: &Path) {
    let _ = Command::new("chmod").arg("-R").arg("u+w").arg(dir).status();
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_lines_give_names_and_utc_times() {
        assert_eq!(
            parse_listing_line("-rw-r--r-- 0/0               5 2026-12-05 08:05:33 \"top/a -> b\""),
            Some(("top/a -> b".to_string(), 1_796_457_933))
        );
        assert_eq!(
            parse_listing_line("lrwxrwxrwx 0/0 0 1970-01-01 00:00:01 \"top/lnk\" -> \"../x\""),
            Some(("top/lnk".to_string(), 1))
        );
        assert_eq!(parse_listing_line("drwx 0/0 0 2000-02-29 12:00:00 \"a\\\\b\\303\\251\\n\""), {
            Some(("a\\bé\n".to_string(), 951_825_600))
        });
        assert_eq!(parse_listing_line("garbage"), None);
    }

    #[test]
    fn entry_names_outside_the_archive() {
        for bad in ["/etc/passwd", "../x", "a/../../x", "a/.."] {
            assert!(unsafe_entry_name(bad), "{bad}");
        }
        for good in ["a/b", "a..b/c", "./a", "..a"] {
            assert!(!unsafe_entry_name(good), "{good}");
        }
    }

    #[test]
    fn scratch_directories_are_fresh_private_and_unpredictable() {
        use std::os::unix::fs::PermissionsExt;
        let a = scratch_dir("t").unwrap();
        let b = scratch_dir("t").unwrap();
        assert_ne!(a, b);
        for d in [&a, &b] {
            let meta = std::fs::symlink_metadata(d).unwrap();
            assert!(meta.is_dir());
            assert_eq!(meta.permissions().mode() & 0o777, 0o700);
            let name = d.file_name().unwrap().to_str().unwrap();
            assert!(!name.contains(&std::process::id().to_string()), "{name}");
            std::fs::remove_dir(d).unwrap();
        }
    }
}
