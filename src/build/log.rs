//! Build logs: where they are kept, how a builder's output gets there, and
//! reading them back (`tern log`, the tail shown on failure).
//!
//! Every build's stdout and stderr go to
//! `<root>/var/log/drvs/<first two characters of the drv base name>/<rest>`
//! — CppNix's layout (`/nix/var/log/nix/drvs/…`), uncompressed. The file
//! is written directly by the builder unless tern must see the output as
//! it comes (`--print-build-logs`), in which case the builder writes to a
//! pipe and a thread copies each line to the file and to stderr prefixed
//! with the derivation name, as `nix build -L` does. A log is kept for
//! successful and failed builds alike, replaced by the next build of the
//! same derivation.

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use crate::store::StorePath;

/// The log file of `drv`'s builds in the store rooted at `root`.
pub fn log_path(root: &Path, drv: &StorePath) -> PathBuf {
    let base = drv.base_name();
    root.join("var/log/drvs").join(&base[..2]).join(&base[2..])
}

/// The last `n` lines of the file (reads at most its last 64 KiB).
pub fn tail(path: &Path, n: usize) -> Vec<String> {
    let Ok(mut f) = File::open(path) else { return Vec::new() };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let start = len.saturating_sub(64 * 1024);
    if f.seek(SeekFrom::Start(start)).is_err() {
        return Vec::new();
    }
    let mut buf = Vec::new();
    let _ = f.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let mut lines: Vec<&str> = text.lines().collect();
    if start > 0 && !lines.is_empty() {
        lines.remove(0); // probably cut in the middle
    }
    let skip = lines.len().saturating_sub(n);
    lines[skip..].iter().map(|s| s.to_string()).collect()
}

/// Receives each line of a builder's output (for `--print-build-logs`).
pub(crate) type LineEcho = Box<dyn FnMut(&str) + Send>;

/// Where a running builder's output goes.
pub(crate) struct LogSink {
    /// What to give the builder as stdout/stderr.
    pub builder_side: File,
    /// The copying thread, when streaming.
    copier: Option<JoinHandle<()>>,
}

impl LogSink {
    /// Opens (truncating) the log file; with `stream`, output is also
    /// passed line by line to `echo` as it arrives.
    pub(crate) fn open(path: &Path, stream: Option<LineEcho>) -> io::Result<LogSink> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let file = File::create(path)?;
        let Some(mut echo) = stream else {
            return Ok(LogSink { builder_side: file, copier: None });
        };
        let (reader, writer) = pipe()?;
        let copier = std::thread::spawn(move || {
            let mut file = io::BufWriter::new(file);
            let mut r = BufReader::new(reader);
            let mut line = Vec::new();
            loop {
                line.clear();
                match r.read_until(b'\n', &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let _ = file.write_all(&line);
                        let text = String::from_utf8_lossy(&line);
                        echo(text.trim_end_matches('\n'));
                    }
                }
            }
            let _ = file.flush();
        });
        Ok(LogSink { builder_side: writer, copier: Some(copier) })
    }

    /// The builder's end, to hand to the process (one per sink).
    pub(crate) fn take_builder_side(&mut self) -> io::Result<File> {
        self.builder_side.try_clone()
    }

    /// Waits until everything written has reached the file.
    pub(crate) fn finish(self) {
        drop(self.builder_side);
        if let Some(c) = self.copier {
            let _ = c.join();
        }
    }
}

fn pipe() -> io::Result<(File, File)> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills the array on success.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    use std::os::fd::FromRawFd;
    // SAFETY: both descriptors are fresh and owned here.
    Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_tail() {
        let drv = StorePath::parse("/nix/store/wnjclzlnf4asslbc8c33cqkgr3cwfw8a-failing.drv").unwrap();
        assert_eq!(
            log_path(Path::new("/r"), &drv),
            PathBuf::from("/r/var/log/drvs/wn/jclzlnf4asslbc8c33cqkgr3cwfw8a-failing.drv")
        );
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("log");
        fs::write(&f, (1..=12).map(|i| format!("line {i}\n")).collect::<String>()).unwrap();
        let t = tail(&f, 10);
        assert_eq!(t.first().map(String::as_str), Some("line 3"));
        assert_eq!(t.len(), 10);
    }

    #[test]
    fn streaming_copies_to_file_and_echo() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("d/log");
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let mut sink =
            LogSink::open(&f, Some(Box::new(move |l: &str| s2.lock().unwrap().push(l.to_string())))).unwrap();
        let mut w = sink.take_builder_side().unwrap();
        w.write_all(b"a\nb\n").unwrap();
        drop(w);
        sink.finish();
        assert_eq!(fs::read_to_string(&f).unwrap(), "a\nb\n");
        assert_eq!(*seen.lock().unwrap(), vec!["a", "b"]);
    }
}
