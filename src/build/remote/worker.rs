//! The client side of Nix's worker protocol, the one `nix-daemon` speaks:
//! over `ssh` to `nix-daemon --stdio` (`ssh-ng://` builders) or over the
//! daemon's Unix socket (`--store daemon`, `unix://…`).
//!
//! A session starts with a handshake: magic numbers, both sides' protocol
//! versions (the lower one is used), from 1.38 a (here empty) set of
//! features, two obsolete fields, the daemon's Nix version (1.33) and
//! whether it trusts us (1.35). tern speaks 1.38 and accepts daemons from
//! 1.23 on (CppNix 2.4), the first with framed NAR uploads.
//!
//! Every operation is a number and its arguments; the daemon then sends a
//! stream of messages (log lines, activities, …) ended by `STDERR_LAST`
//! or `STDERR_ERROR`, and after `LAST` the operation's answer. Build logs
//! arrive as results of build activities; they are written to the
//! session's log (the derivation's log file, echoed with `-L`).

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::process::Command;

use super::wire::{CountingWriter, Tunnel, WireRead, WireWrite};
use crate::store::{ContentAddress, Derivation, Hash, HashAlgo, PathInfo, StorePath};

const WORKER_MAGIC_1: u64 = 0x6e69_7863;
const WORKER_MAGIC_2: u64 = 0x6478_696f;
/// `(major << 8) | minor`.
const CLIENT_VERSION: u64 = 1 << 8 | 38;
const OLDEST_DAEMON: u64 = 1 << 8 | 23;

const STDERR_NEXT: u64 = 0x6f6c_6d67;
const STDERR_READ: u64 = 0x6461_7461;
const STDERR_WRITE: u64 = 0x6461_7416;
const STDERR_LAST: u64 = 0x616c_7473;
const STDERR_ERROR: u64 = 0x6378_7470;
const STDERR_START_ACTIVITY: u64 = 0x5354_5254;
const STDERR_STOP_ACTIVITY: u64 = 0x5354_4f50;
const STDERR_RESULT: u64 = 0x5253_4c54;

/// Result types carrying a line of a builder's (or post-build hook's) output.
const RES_BUILD_LOG_LINE: u64 = 101;
const RES_POST_BUILD_LOG_LINE: u64 = 107;
/// The activity type of a build.
const ACT_BUILD: u64 = 105;

const OP_SET_OPTIONS: u64 = 19;
const OP_QUERY_PATH_INFO: u64 = 26;
const OP_QUERY_VALID_PATHS: u64 = 31;
const OP_BUILD_DERIVATION: u64 = 36;
const OP_NAR_FROM_PATH: u64 = 38;
const OP_ADD_TO_STORE_NAR: u64 = 39;
const OP_ADD_MULTIPLE_TO_STORE: u64 = 44;

/// Paths per `AddMultipleToStore`: the daemon may answer with a message or
/// two per path while we still write, and nobody reads them until the
/// batch is sent, so a batch stays well inside a pipe's buffer.
const BATCH: usize = 64;
/// Bytes of NAR per frame of an upload.
const FRAME: usize = 64 << 10;

/// Why an operation did not complete.
#[derive(Debug)]
pub enum WorkerError {
    /// The connection broke or the daemon spoke nonsense: the session is
    /// unusable.
    Connection(String),
    /// The daemon refused the operation (its error message).
    Daemon(String),
}

impl std::fmt::Display for WorkerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkerError::Connection(m) | WorkerError::Daemon(m) => f.write_str(m),
        }
    }
}

type Result<T> = std::result::Result<T, WorkerError>;

fn broken(what: &str) -> impl Fn(io::Error) -> WorkerError + '_ {
    move |e| WorkerError::Connection(format!("{what}: {e}"))
}

/// What `BuildDerivation` answered.
#[derive(Debug)]
pub struct BuildResult {
    /// CppNix's build status: 0 built, 1 substituted, 2 already valid, 13
    /// resolved to valid ones; the rest are failures.
    pub status: u64,
    pub error: String,
}

impl BuildResult {
    pub fn succeeded(&self) -> bool {
        matches!(self.status, 0..=2 | 13)
    }
}

/// Settings sent with `SetOptions` at the start of a session.
#[derive(Clone, Copy, Debug, Default)]
pub struct SessionOptions {
    pub max_silent_time: u64,
    pub build_timeout: u64,
    pub max_log_size: u64,
    /// Builds at once (0 counts as 1).
    pub max_jobs: u64,
    pub keep_going: bool,
    pub keep_failed: bool,
    /// Let the daemon substitute from its caches.
    pub use_substitutes: bool,
}

/// An open session with a daemon.
pub struct WorkerConnection {
    pub(super) from: BufReader<Box<dyn Read + Send>>,
    pub(super) to: BufWriter<Box<dyn Write + Send>>,
    /// The `ssh` process, when there is one.
    tunnel: Option<Tunnel>,
    /// Where the daemon's messages and build logs go.
    log: Box<dyn Write + Send>,
    /// The negotiated protocol version.
    pub version: u64,
    /// The daemon's Nix version, from 1.33.
    pub daemon_version: Option<String>,
    /// Whether the daemon trusts us, from 1.35 (`None`: it did not say).
    pub trusted: Option<bool>,
    /// Also log the text of build activities ("building '…'"), as the
    /// daemon describes them.
    pub show_activities: bool,
    /// Where the daemon's own messages (errors, warnings) go, when not to
    /// the log.
    pub messages: Option<Box<dyn Write + Send>>,
}

impl WorkerConnection {
    /// Runs `command` (an `ssh … nix-daemon --stdio`) and shakes hands.
    pub fn open_command(command: Command, host: &str, log: Box<dyn Write + Send>) -> Result<WorkerConnection> {
        let (mut tunnel, stdin, stdout) = Tunnel::spawn(command, host).map_err(WorkerError::Connection)?;
        match Self::handshake(Box::new(stdout), Box::new(stdin), log) {
            Ok(mut conn) => {
                conn.tunnel = Some(tunnel);
                Ok(conn)
            }
            Err(e) => {
                let status = tunnel.exit_status().map(|s| format!("; ssh {s}")).unwrap_or_default();
                Err(WorkerError::Connection(format!("cannot connect to '{host}' ({e}{status})")))
            }
        }
    }

    /// Shakes hands over a connected daemon socket.
    pub fn from_stream(stream: std::os::unix::net::UnixStream, log: Box<dyn Write + Send>) -> Result<WorkerConnection> {
        let reader = stream.try_clone().map_err(broken("cannot use the daemon socket"))?;
        Self::handshake(Box::new(reader), Box::new(stream), log)
    }

    fn handshake(
        from: Box<dyn Read + Send>,
        to: Box<dyn Write + Send>,
        log: Box<dyn Write + Send>,
    ) -> Result<WorkerConnection> {
        let mut conn = WorkerConnection {
            from: BufReader::with_capacity(FRAME, from),
            to: BufWriter::with_capacity(FRAME, to),
            tunnel: None,
            log,
            version: 0,
            daemon_version: None,
            trusted: None,
            show_activities: false,
            messages: None,
        };
        let io = broken("handshake");
        conn.to.put_u64(WORKER_MAGIC_1).map_err(&io)?;
        conn.to.put_u64(CLIENT_VERSION).map_err(&io)?;
        conn.to.flush().map_err(&io)?;
        let magic = conn.from.get_u64().map_err(&io)?;
        if magic != WORKER_MAGIC_2 {
            return Err(WorkerError::Connection("the other side does not speak Nix's worker protocol".into()));
        }
        let theirs = conn.from.get_u64().map_err(&io)?;
        if theirs >> 8 != 1 || theirs < OLDEST_DAEMON {
            return Err(WorkerError::Connection(format!(
                "the daemon speaks worker protocol {}.{}; tern needs 1.23 or later (CppNix 2.4 or later)",
                theirs >> 8,
                theirs & 0xff
            )));
        }
        conn.version = theirs.min(CLIENT_VERSION);
        if conn.at_least(38) {
            // No optional features asked for; whatever the daemon offers
            // is then not used.
            conn.to.put_u64(0).map_err(&io)?;
            conn.to.flush().map_err(&io)?;
            conn.from.get_strings().map_err(&io)?;
        }
        conn.to.put_u64(0).map_err(&io)?; // obsolete CPU affinity (1.14)
        conn.to.put_u64(0).map_err(&io)?; // obsolete reserveSpace (1.11)
        conn.to.flush().map_err(&io)?;
        if conn.at_least(33) {
            conn.daemon_version = Some(conn.from.get_string().map_err(&io)?);
        }
        if conn.at_least(35) {
            conn.trusted = match conn.from.get_u64().map_err(&io)? {
                0 => None,
                1 => Some(true),
                2 => Some(false),
                n => return Err(WorkerError::Connection(format!("a trust status of {n}"))),
            };
        }
        conn.process_stderr()?;
        Ok(conn)
    }

    pub(super) fn at_least(&self, minor: u64) -> bool {
        self.version >= (1 << 8 | minor)
    }

    /// The negotiated version as `1.38`.
    pub fn version_string(&self) -> String {
        format!("{}.{}", self.version >> 8, self.version & 0xff)
    }

    /// Reads the daemon's messages up to the end of the current operation:
    /// log lines go to the log, an error ends the operation.
    pub(super) fn process_stderr(&mut self) -> Result<()> {
        let io = broken("reading the daemon's messages");
        self.to.flush().map_err(&io)?;
        loop {
            match self.from.get_u64().map_err(&io)? {
                STDERR_LAST => return Ok(()),
                STDERR_NEXT => {
                    let text = self.from.get_bytes().map_err(&io)?;
                    match self.messages.as_mut() {
                        Some(m) => {
                            let _ = m.write_all(&text);
                            if !text.ends_with(b"\n") {
                                let _ = m.write_all(b"\n");
                            }
                        }
                        None => self.log_bytes(&text, !text.ends_with(b"\n")),
                    }
                }
                STDERR_START_ACTIVITY => {
                    let _id = self.from.get_u64().map_err(&io)?;
                    let _level = self.from.get_u64().map_err(&io)?;
                    let kind = self.from.get_u64().map_err(&io)?;
                    let text = self.from.get_bytes().map_err(&io)?;
                    self.get_fields().map_err(&io)?;
                    let _parent = self.from.get_u64().map_err(&io)?;
                    if self.show_activities && kind == ACT_BUILD && !text.is_empty() {
                        match self.messages.as_mut() {
                            Some(m) => {
                                let _ = m.write_all(&[&text[..], b"\n"].concat());
                            }
                            None => self.log_bytes(&text, true),
                        }
                    }
                }
                STDERR_STOP_ACTIVITY => {
                    let _id = self.from.get_u64().map_err(&io)?;
                }
                STDERR_RESULT => {
                    let _id = self.from.get_u64().map_err(&io)?;
                    let kind = self.from.get_u64().map_err(&io)?;
                    let fields = self.get_fields().map_err(&io)?;
                    if kind == RES_BUILD_LOG_LINE || kind == RES_POST_BUILD_LOG_LINE {
                        if let Some(Field::Text(line)) = fields.first() {
                            self.log_bytes(line, true);
                        }
                    }
                }
                STDERR_ERROR => return Err(WorkerError::Daemon(self.get_error().map_err(&io)?)),
                STDERR_READ | STDERR_WRITE => {
                    return Err(WorkerError::Connection(
                        "the daemon asked to exchange data outside an operation that does".into(),
                    ))
                }
                other => return Err(WorkerError::Connection(format!("unknown message {other:#x} from the daemon"))),
            }
        }
    }

    fn log_bytes(&mut self, text: &[u8], newline: bool) {
        // A log that cannot be written must not end the build.
        let _ = self.log.write_all(text);
        if newline {
            let _ = self.log.write_all(b"\n");
        }
    }

    fn get_fields(&mut self) -> io::Result<Vec<Field>> {
        let n = self.from.get_count()?;
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(match self.from.get_u64()? {
                0 => Field::Int(self.from.get_u64()?),
                1 => Field::Text(self.from.get_bytes()?),
                t => return Err(io::Error::other(format!("a log field of type {t}"))),
            });
        }
        Ok(out)
    }

    /// An error as the daemon sends it: from 1.26 a structured one (type,
    /// level, an unused name, message, no position, traces), before that a
    /// message and an exit status.
    fn get_error(&mut self) -> io::Result<String> {
        if !self.at_least(26) {
            let message = self.from.get_string()?;
            let _status = self.from.get_u64()?;
            return Ok(message);
        }
        let _kind = self.from.get_string()?;
        let _level = self.from.get_u64()?;
        let _name = self.from.get_string()?;
        let mut message = self.from.get_string()?;
        let _position = self.from.get_u64()?;
        for _ in 0..self.from.get_count()? {
            let _position = self.from.get_u64()?;
            let trace = self.from.get_string()?;
            message.push_str("\n… ");
            message.push_str(&trace);
        }
        Ok(message)
    }

    /// Sends the session's settings: jobs, substitutes, the limits.
    /// Build logs come as activity results either way; `verboseBuild` off
    /// keeps the daemon from also printing them as messages.
    pub fn set_options(&mut self, opts: &SessionOptions) -> Result<()> {
        let io = broken("setting the daemon's options");
        let mut overrides: Vec<(&str, String)> = Vec::new();
        if opts.build_timeout > 0 {
            overrides.push(("timeout", opts.build_timeout.to_string()));
        }
        if opts.max_log_size > 0 {
            overrides.push(("max-log-size", opts.max_log_size.to_string()));
        }
        let w = &mut self.to;
        (|| -> io::Result<()> {
            w.put_u64(OP_SET_OPTIONS)?;
            // keepFailed, keepGoing, tryFallback, verbosity (lvlError),
            // maxBuildJobs, maxSilentTime, useBuildHook (obsolete),
            // verboseBuild (lvlVomit: off), logType and printBuildTrace
            // (obsolete), buildCores (all), useSubstitutes.
            let (failed, going, subst) = (opts.keep_failed as u64, opts.keep_going as u64, opts.use_substitutes as u64);
            for n in [failed, going, 0, 0, opts.max_jobs.max(1), opts.max_silent_time, 1, 7, 0, 0, 0, subst] {
                w.put_u64(n)?;
            }
            w.put_u64(overrides.len() as u64)?;
            for (k, v) in &overrides {
                w.put_bytes(k.as_bytes())?;
                w.put_bytes(v.as_bytes())?;
            }
            Ok(())
        })()
        .map_err(io)?;
        self.process_stderr()
    }

    /// Which of `paths` the daemon's store has (no substitution).
    pub fn query_valid_paths(&mut self, paths: &[StorePath]) -> Result<Vec<StorePath>> {
        let io = broken("querying the remote store");
        self.to.put_u64(OP_QUERY_VALID_PATHS).map_err(&io)?;
        self.to.put_paths(paths.iter()).map_err(&io)?;
        if self.at_least(27) {
            self.to.put_u64(0).map_err(&io)?;
        }
        self.process_stderr()?;
        self.from.get_paths().map_err(&io)
    }

    /// The metadata of `path` there, `None` when it is not valid.
    pub fn query_path_info(&mut self, path: &StorePath) -> Result<Option<PathInfo>> {
        let what = format!("querying '{path}' on the remote store");
        let io = broken(&what);
        self.to.put_u64(OP_QUERY_PATH_INFO).map_err(&io)?;
        self.to.put_bytes(path.to_absolute().as_bytes()).map_err(&io)?;
        match self.process_stderr() {
            // Daemons before 1.17 answer an invalid path with an error.
            Err(WorkerError::Daemon(m)) if !self.at_least(17) && m.contains("is not valid") => return Ok(None),
            r => r?,
        }
        if self.at_least(17) && self.from.get_u64().map_err(&io)? == 0 {
            return Ok(None);
        }
        self.get_path_info(path.clone()).map_err(io).map(Some)
    }

    /// The "unkeyed" path info of the protocol (1.16 and later).
    fn get_path_info(&mut self, path: StorePath) -> io::Result<PathInfo> {
        let r = &mut self.from;
        let deriver = r.get_string()?;
        let nar_hash = r.get_string()?;
        let references = r.get_paths()?;
        let registration_time = r.get_u64()?;
        let nar_size = r.get_u64()?;
        let _ultimate = r.get_u64()?;
        let _sigs = r.get_strings()?;
        let ca = r.get_string()?;
        let bad = |e: crate::store::StoreError| io::Error::other(e.to_string());
        Ok(PathInfo {
            path,
            nar_hash: Hash::parse_any(&nar_hash, Some(HashAlgo::Sha256)).map_err(bad)?,
            nar_size,
            references: references.into_iter().collect(),
            deriver: Some(deriver).filter(|d| !d.is_empty()).map(|d| StorePath::parse(&d)).transpose().map_err(bad)?,
            ca: Some(ca).filter(|c| !c.is_empty()).map(|c| ContentAddress::parse(&c)).transpose().map_err(bad)?,
            registration_time: registration_time.min(i64::MAX as u64) as i64,
        })
    }

    /// Adds store objects, each after the ones it refers to: `dump` writes
    /// one's NAR. Signatures are not checked (the daemon must trust us, as
    /// it must for building input-addressed derivations anyway).
    pub fn add_paths(
        &mut self,
        infos: &[PathInfo],
        dump: &mut dyn FnMut(&PathInfo, &mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        if self.at_least(32) {
            for batch in infos.chunks(BATCH) {
                self.add_multiple(batch, dump)?;
            }
        } else {
            for info in infos {
                self.add_one(info, dump)?;
            }
        }
        Ok(())
    }

    /// `AddMultipleToStore` (1.32): one framed stream of a count and, per
    /// path, its info (always in the 1.16 form) and its NAR.
    fn add_multiple(
        &mut self,
        infos: &[PathInfo],
        dump: &mut dyn FnMut(&PathInfo, &mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        let io = broken("copying paths to the remote store");
        self.to.put_u64(OP_ADD_MULTIPLE_TO_STORE).map_err(&io)?;
        self.to.put_u64(0).map_err(&io)?; // repair
        self.to.put_u64(1).map_err(&io)?; // don't check signatures
        let mut framed = FramedWriter::new(&mut self.to);
        (|| -> io::Result<()> {
            framed.put_u64(infos.len() as u64)?;
            for info in infos {
                framed.put_bytes(info.path.to_absolute().as_bytes())?;
                put_path_info(&mut framed, info)?;
                put_nar(&mut framed, info, dump)?;
            }
            framed.finish()
        })()
        .map_err(&io)?;
        self.process_stderr()
    }

    /// `AddToStoreNar`: one path, its NAR framed (1.23).
    fn add_one(
        &mut self,
        info: &PathInfo,
        dump: &mut dyn FnMut(&PathInfo, &mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        let what = format!("copying '{}' to the remote store", info.path);
        let io = broken(&what);
        (|| -> io::Result<()> {
            self.to.put_u64(OP_ADD_TO_STORE_NAR)?;
            self.to.put_bytes(info.path.to_absolute().as_bytes())?;
            put_path_info(&mut self.to, info)?;
            self.to.put_u64(0)?; // repair
            self.to.put_u64(1)?; // don't check signatures
            let mut framed = FramedWriter::new(&mut self.to);
            put_nar(&mut framed, info, dump)?;
            framed.finish()
        })()
        .map_err(&io)?;
        self.process_stderr()
    }

    /// Builds `drv` there from `inputs` (valid there); its log goes to the
    /// session's log.
    pub fn build_derivation(
        &mut self,
        drv_path: &StorePath,
        drv: &Derivation,
        inputs: &[StorePath],
    ) -> Result<BuildResult> {
        let what = format!("building '{drv_path}' remotely");
        let io = broken(&what);
        self.to.put_u64(OP_BUILD_DERIVATION).map_err(&io)?;
        self.to.put_bytes(drv_path.to_absolute().as_bytes()).map_err(&io)?;
        self.to.put_basic_derivation(drv, inputs).map_err(&io)?;
        self.to.put_u64(0).map_err(&io)?; // build mode: normal
        self.process_stderr()?;
        self.get_build_result().map_err(|e| match e {
            WorkerError::Connection(m) => WorkerError::Connection(format!("{what}: {m}")),
            e => e,
        })
    }

    /// A `BuildResult`: status and error, then (by version) build times,
    /// CPU times and the built outputs, which tern does not need.
    pub(super) fn get_build_result(&mut self) -> Result<BuildResult> {
        let io = broken("reading a build result");
        let r = &mut self.from;
        let status = r.get_u64().map_err(&io)?;
        let error = r.get_string().map_err(&io)?;
        if self.version >= (1 << 8 | 29) {
            // timesBuilt, isNonDeterministic, startTime, stopTime.
            for _ in 0..4 {
                r.get_u64().map_err(&io)?;
            }
        }
        if self.version >= (1 << 8 | 37) {
            // cpuUser, cpuSystem: each absent (0) or present (1) and a number.
            for _ in 0..2 {
                match r.get_u64().map_err(&io)? {
                    0 => {}
                    1 => {
                        r.get_u64().map_err(&io)?;
                    }
                    t => return Err(WorkerError::Connection(format!("an optional tagged {t}"))),
                }
            }
        }
        if self.version >= (1 << 8 | 28) {
            // Built outputs as realisations (id, JSON): tern knows its
            // outputs' paths and asks for their metadata afterwards.
            for _ in 0..r.get_count().map_err(&io)? {
                r.get_bytes().map_err(&io)?;
                r.get_bytes().map_err(&io)?;
            }
        }
        Ok(BuildResult { status, error })
    }

    /// Streams the NAR of a path there into `take`, which must read
    /// exactly one NAR.
    pub fn nar_from_path<T>(
        &mut self,
        path: &StorePath,
        take: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> Result<T> {
        let what = format!("copying '{path}' from the remote store");
        let io = broken(&what);
        self.to.put_u64(OP_NAR_FROM_PATH).map_err(&io)?;
        self.to.put_bytes(path.to_absolute().as_bytes()).map_err(&io)?;
        self.process_stderr()?;
        take(&mut self.from).map_err(io)
    }

    /// Ends the session: the daemon sees end of input and exits.
    pub fn close(mut self) {
        let _ = self.to.flush();
        // Dropping the writer closes our end; then wait for ssh.
        let WorkerConnection { to, tunnel, .. } = &mut self;
        drop(std::mem::replace(to, BufWriter::new(Box::new(io::sink()))));
        if let Some(t) = tunnel.as_mut() {
            t.wait();
        }
    }
}

enum Field {
    #[allow(dead_code)]
    Int(u64),
    Text(Vec<u8>),
}

/// A path's info after its path: deriver, NAR hash (base16, no algorithm),
/// references, registration time, NAR size, ultimate, signatures, content
/// address.
fn put_path_info(w: &mut dyn Write, info: &PathInfo) -> io::Result<()> {
    let deriver = info.deriver.as_ref().map(StorePath::to_absolute).unwrap_or_default();
    w.put_bytes(deriver.as_bytes())?;
    w.put_bytes(info.nar_hash.to_base16().as_bytes())?;
    w.put_paths(info.references.iter())?;
    w.put_u64(info.registration_time.max(0) as u64)?;
    w.put_u64(info.nar_size)?;
    w.put_u64(0)?; // not ultimately trusted: it comes from elsewhere
    w.put_u64(0)?; // no signatures
    let ca = info.ca.as_ref().map(|c| c.to_string()).unwrap_or_default();
    w.put_bytes(ca.as_bytes())
}

/// Writes the NAR of `info.path`, checking its size against the metadata
/// (a mismatch would desynchronise the stream for the daemon).
fn put_nar(
    w: &mut dyn Write,
    info: &PathInfo,
    dump: &mut dyn FnMut(&PathInfo, &mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut counted = CountingWriter { inner: w, written: 0 };
    dump(info, &mut counted)?;
    if counted.written != info.nar_size {
        return Err(io::Error::other(format!(
            "the NAR of '{}' has {} bytes, but its metadata says {}",
            info.path, counted.written, info.nar_size
        )));
    }
    Ok(())
}

/// Data sent as frames: a length and that many bytes (no padding), ended
/// by an empty frame.
struct FramedWriter<'a, W: Write> {
    inner: &'a mut W,
    buf: Vec<u8>,
}

impl<'a, W: Write> FramedWriter<'a, W> {
    fn new(inner: &'a mut W) -> Self {
        FramedWriter { inner, buf: Vec::with_capacity(FRAME) }
    }

    fn emit(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            self.inner.put_u64(self.buf.len() as u64)?;
            self.inner.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.emit()?;
        self.inner.put_u64(0)
    }
}

impl<W: Write> Write for FramedWriter<'_, W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(FRAME - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == FRAME {
            self.emit()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_no_padding_and_end_empty() {
        let mut out = Vec::new();
        let mut f = FramedWriter::new(&mut out);
        f.write_all(b"abc").unwrap();
        f.finish().unwrap();
        let mut expected = 3u64.to_le_bytes().to_vec();
        expected.extend_from_slice(b"abc");
        expected.extend_from_slice(&0u64.to_le_bytes());
        assert_eq!(out, expected);
        let mut out = Vec::new();
        let mut f = FramedWriter::new(&mut out);
        f.write_all(&vec![7u8; FRAME + 1]).unwrap();
        f.finish().unwrap();
        assert_eq!(out.len(), 8 + FRAME + 8 + 1 + 8);
    }

    /// A fake daemon's side of a handshake at `version`, then `rest`.
    fn daemon_says(version: u64, rest: &[u8]) -> Vec<u8> {
        let mut s = Vec::new();
        s.put_u64(WORKER_MAGIC_2).unwrap();
        s.put_u64(version).unwrap();
        if version >= (1 << 8 | 38) {
            s.put_strings([b"some-feature".as_slice()].into_iter()).unwrap();
        }
        if version >= (1 << 8 | 33) {
            s.put_bytes(b"2.34.8").unwrap();
        }
        if version >= (1 << 8 | 35) {
            s.put_u64(1).unwrap();
        }
        s.extend_from_slice(rest);
        s
    }

    fn connect(daemon: Vec<u8>) -> (Result<WorkerConnection>, std::sync::Arc<std::sync::Mutex<Vec<u8>>>) {
        #[derive(Clone)]
        struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let log = Shared(Default::default());
        let conn =
            WorkerConnection::handshake(Box::new(io::Cursor::new(daemon)), Box::new(io::sink()), Box::new(log.clone()));
        (conn, log.0)
    }

    #[test]
    fn handshake_negotiates_the_lower_version() {
        let mut last = Vec::new();
        last.put_u64(STDERR_LAST).unwrap();
        let (conn, _) = connect(daemon_says(1 << 8 | 38, &last));
        let conn = conn.unwrap();
        assert_eq!(
            (conn.version_string(), conn.daemon_version.as_deref(), conn.trusted),
            ("1.38".into(), Some("2.34.8"), Some(true))
        );
        let (conn, _) = connect(daemon_says(1 << 8 | 34, &last));
        let conn = conn.unwrap();
        assert_eq!((conn.version_string(), conn.trusted), ("1.34".into(), None));
        let (conn, _) = connect(daemon_says(1 << 8 | 21, &last));
        assert!(conn.err().unwrap().to_string().contains("1.23 or later"));
        let (conn, _) = connect(daemon_says(2 << 8 | 40, &last));
        assert!(conn.is_err());
    }

    #[test]
    fn log_lines_errors_and_garbage() {
        let mut msgs = Vec::new();
        msgs.put_u64(STDERR_RESULT).unwrap();
        msgs.put_u64(7).unwrap();
        msgs.put_u64(RES_BUILD_LOG_LINE).unwrap();
        msgs.put_u64(1).unwrap();
        msgs.put_u64(1).unwrap();
        msgs.put_bytes(b"hello from the builder").unwrap();
        msgs.put_u64(STDERR_ERROR).unwrap();
        msgs.put_bytes(b"Error").unwrap();
        msgs.put_u64(0).unwrap();
        msgs.put_bytes(b"Error").unwrap();
        msgs.put_bytes(b"it broke").unwrap();
        msgs.put_u64(0).unwrap();
        msgs.put_u64(0).unwrap();
        let (conn, log) = connect(daemon_says(1 << 8 | 38, &msgs));
        match conn {
            Err(WorkerError::Daemon(m)) => assert_eq!(m, "it broke"),
            other => panic!("{:?}", other.map(|c| c.version)),
        }
        assert_eq!(String::from_utf8_lossy(&log.lock().unwrap()), "hello from the builder\n");
        let mut junk = Vec::new();
        junk.put_u64(0x1234).unwrap();
        let (conn, _) = connect(daemon_says(1 << 8 | 38, &junk));
        assert!(matches!(conn, Err(WorkerError::Connection(m)) if m.contains("unknown message")));
        let (conn, _) = connect(daemon_says(1 << 8 | 38, &[1, 2, 3]));
        assert!(matches!(conn, Err(WorkerError::Connection(_))), "truncated");
    }
}
