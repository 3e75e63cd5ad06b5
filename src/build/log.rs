//! Build logs: where they are kept, how a builder's output gets there, and
//! reading them back (`tern log`, the tail shown on failure).
//!
//! Every build's stdout and stderr go to
//! `<root>/var/log/drvs/<first two characters of the drv base name>/<rest>.bz2`
//! — CppNix's layout and compression; in CppNix's own store, to its
//! `/nix/var/log/nix/drvs/…`, where `nix-store -l` finds them.
//! The builder writes to a pipe; a thread compresses what arrives into the
//! file, keeps the last 64 KiB for the failure message, and with
//! `--print-build-logs` passes each line to stderr prefixed with the
//! derivation name, as `nix build -L` does. A log is kept for successful
//! and failed builds alike, replaced by the next build of the same
//! derivation.
//!
//! Logs are bounded: past `max-build-log-size` bytes (uncompressed, as
//! CppNix counts) nothing more is written and the builder is stopped; if
//! the log cannot be written (a full disk), the builder is stopped too and
//! the build fails with the system's reason ("No space left on device"),
//! rather than a builder running on with its output going nowhere.

use std::collections::VecDeque;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use crate::store::StorePath;

/// How much of the end of the log is kept in memory for error messages.
const TAIL_BYTES: usize = 64 * 1024;

/// The log file of `drv`'s builds in the store rooted at `root`.
pub fn log_path(root: &Path, drv: &StorePath) -> PathBuf {
    let base = drv.base_name();
    crate::store::Layout::of(root).log_dir().join(&base[..2]).join(format!("{}.bz2", &base[2..]))
}

/// The whole log of `drv`, decompressed (`None` if there is none). Logs of
/// earlier tern versions were stored uncompressed without the suffix.
pub fn read_log(root: &Path, drv: &StorePath) -> io::Result<Option<Vec<u8>>> {
    let compressed = log_path(root, drv);
    match File::open(&compressed) {
        Ok(f) => {
            let mut text = Vec::new();
            bzip2::read::MultiBzDecoder::new(f).read_to_end(&mut text)?;
            return Ok(Some(text));
        }
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    match fs::read(compressed.with_extension("")) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The last `n` lines of `text` (a possibly cut first line dropped when
/// `cut` says the text is the end of something longer).
pub fn tail_lines(text: &[u8], n: usize, cut: bool) -> Vec<String> {
    let text = String::from_utf8_lossy(text);
    let mut lines: Vec<&str> = text.lines().collect();
    if cut && !lines.is_empty() {
        lines.remove(0);
    }
    let skip = lines.len().saturating_sub(n);
    lines[skip..].iter().map(|s| s.to_string()).collect()
}

/// Receives each line of a builder's output (for `--print-build-logs`).
pub(crate) type LineEcho = Box<dyn FnMut(&str) + Send>;

/// Called once when the builder must be stopped (log too big, or unwritable).
pub(crate) type StopBuilder = Box<dyn FnOnce() + Send>;

/// How the copying went.
pub(crate) struct LogSummary {
    /// The end of the log (at most 64 KiB), for the failure message.
    pub tail: Vec<u8>,
    /// Whether more was written than the end kept here.
    pub cut: bool,
    /// The limit, if the builder went past it.
    pub exceeded: Option<u64>,
    /// Why the log could not be written, if it could not.
    pub write_error: Option<io::Error>,
}

impl LogSummary {
    pub(crate) fn last_lines(&self, n: usize) -> Vec<String> {
        tail_lines(&self.tail, n, self.cut)
    }
}

/// Where a running builder's output goes.
pub(crate) struct LogSink {
    /// What to give the builder as stdout/stderr.
    builder_side: File,
    copier: JoinHandle<LogSummary>,
}

/// The file side of the copier: compressed, and failing for good after the
/// first error, when the partial file is removed (on a full disk, it would
/// otherwise keep the space that the store needs to go on working).
struct CompressedFile {
    path: PathBuf,
    encoder: Option<bzip2::write::BzEncoder<File>>,
    error: Option<io::Error>,
}

impl CompressedFile {
    fn write(&mut self, data: &[u8]) {
        if let Some(enc) = &mut self.encoder {
            if let Err(e) = enc.write_all(data) {
                self.fail(e);
            }
        }
    }

    fn fail(&mut self, e: io::Error) {
        if let Some(enc) = self.encoder.take() {
            // Dropping the encoder tries a last write, which may fail too.
            drop(enc);
            let _ = fs::remove_file(&self.path);
        }
        self.error.get_or_insert(e);
    }

    fn finish(&mut self) {
        if let Some(enc) = self.encoder.take() {
            match enc.finish() {
                Ok(f) => {
                    if let Err(e) = f.sync_data() {
                        self.error.get_or_insert(e);
                    }
                }
                Err(e) => self.fail(e),
            }
        }
    }
}

impl LogSink {
    /// Opens (truncating) the log file and starts copying into it. With
    /// `echo`, output is also passed line by line as it arrives; past
    /// `limit` bytes, or when the file cannot be written, `stop` is called.
    pub(crate) fn open(
        path: &Path,
        mut echo: Option<LineEcho>,
        limit: Option<u64>,
        stop: StopBuilder,
    ) -> io::Result<LogSink> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let _ = fs::remove_file(path.with_extension(""));
        let file = File::create(path)?;
        let log_file = path.to_path_buf();
        let (mut reader, writer) = pipe()?;
        let copier = std::thread::spawn(move || {
            let mut out = CompressedFile {
                path: log_file,
                encoder: Some(bzip2::write::BzEncoder::new(file, bzip2::Compression::default())),
                error: None,
            };
            let mut stop = Some(stop);
            let mut tail: VecDeque<u8> = VecDeque::with_capacity(TAIL_BYTES);
            let mut total: u64 = 0;
            let mut exceeded = None;
            let mut partial_line = Vec::new();
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                };
                // After a stop the rest is drained and dropped, so the
                // builder never blocks on a full pipe while it dies.
                if exceeded.is_some() || out.error.is_some() {
                    continue;
                }
                let mut chunk = &buf[..n];
                if let Some(max) = limit {
                    let room = max.saturating_sub(total);
                    if (chunk.len() as u64) > room {
                        chunk = &chunk[..room as usize];
                        exceeded = Some(max);
                    }
                }
                total += chunk.len() as u64;
                out.write(chunk);
                for &b in chunk {
                    if tail.len() == TAIL_BYTES {
                        tail.pop_front();
                    }
                    tail.push_back(b);
                }
                if let Some(echo) = &mut echo {
                    partial_line.extend_from_slice(chunk);
                    while let Some(end) = partial_line.iter().position(|&b| b == b'\n') {
                        let line: Vec<u8> = partial_line.drain(..=end).collect();
                        echo(String::from_utf8_lossy(&line).trim_end_matches('\n'));
                    }
                }
                if exceeded.is_some() || out.error.is_some() {
                    if let Some(stop) = stop.take() {
                        stop();
                    }
                }
            }
            if let (Some(echo), false) = (&mut echo, partial_line.is_empty()) {
                echo(&String::from_utf8_lossy(&partial_line));
            }
            out.finish();
            let cut = total > TAIL_BYTES as u64;
            LogSummary { tail: tail.into_iter().collect(), cut, exceeded, write_error: out.error }
        });
        Ok(LogSink { builder_side: writer, copier })
    }

    /// The builder's end, to hand to the process (one per sink).
    pub(crate) fn take_builder_side(&mut self) -> io::Result<File> {
        self.builder_side.try_clone()
    }

    /// Waits until everything written has reached the file.
    pub(crate) fn finish(self) -> LogSummary {
        drop(self.builder_side);
        self.copier.join().unwrap_or_else(|_| LogSummary {
            tail: Vec::new(),
            cut: false,
            exceeded: None,
            write_error: Some(io::Error::other("the log copier failed")),
        })
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
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    fn drv() -> StorePath {
        StorePath::parse("/nix/store/wnjclzlnf4asslbc8c33cqkgr3cwfw8a-failing.drv").unwrap()
    }

    #[test]
    fn layout_and_tail() {
        assert_eq!(
            log_path(Path::new("/r"), &drv()),
            PathBuf::from("/r/var/log/drvs/wn/jclzlnf4asslbc8c33cqkgr3cwfw8a-failing.drv.bz2")
        );
        let text: String = (1..=12).map(|i| format!("line {i}\n")).collect();
        let t = tail_lines(text.as_bytes(), 10, false);
        assert_eq!(t.first().map(String::as_str), Some("line 3"));
        assert_eq!(t.len(), 10);
        assert_eq!(tail_lines(b"cut\nwhole\n", 10, true), vec!["whole"]);
    }

    #[test]
    fn copies_compressed_with_echo() {
        let dir = tempfile::tempdir().unwrap();
        let f = log_path(dir.path(), &drv());
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let s2 = seen.clone();
        let echo: LineEcho = Box::new(move |l: &str| s2.lock().unwrap().push(l.to_string()));
        let mut sink = LogSink::open(&f, Some(echo), None, Box::new(|| panic!("no stop"))).unwrap();
        let mut w = sink.take_builder_side().unwrap();
        w.write_all(b"a\nb\nc").unwrap();
        drop(w);
        let summary = sink.finish();
        assert!(summary.write_error.is_none() && summary.exceeded.is_none());
        assert_eq!(&fs::read(&f).unwrap()[..3], b"BZh");
        assert_eq!(read_log(dir.path(), &drv()).unwrap().unwrap(), b"a\nb\nc");
        assert_eq!(*seen.lock().unwrap(), vec!["a", "b", "c"]);
        assert_eq!(summary.last_lines(2), vec!["b", "c"]);
    }

    #[test]
    fn stops_the_builder_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = log_path(dir.path(), &drv());
        let stopped = Arc::new(AtomicBool::new(false));
        let s2 = stopped.clone();
        let mut sink = LogSink::open(&f, None, Some(1000), Box::new(move || s2.store(true, Ordering::SeqCst))).unwrap();
        let mut w = sink.take_builder_side().unwrap();
        for _ in 0..100 {
            w.write_all(&[b'y'; 100]).unwrap();
        }
        drop(w);
        let summary = sink.finish();
        assert!(stopped.load(Ordering::SeqCst));
        assert_eq!(summary.exceeded, Some(1000));
        assert_eq!(read_log(dir.path(), &drv()).unwrap().unwrap().len(), 1000);
    }

    #[test]
    fn old_uncompressed_logs_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let old = log_path(dir.path(), &drv()).with_extension("");
        fs::create_dir_all(old.parent().unwrap()).unwrap();
        fs::write(&old, "old\n").unwrap();
        assert_eq!(read_log(dir.path(), &drv()).unwrap().unwrap(), b"old\n");
    }
}
