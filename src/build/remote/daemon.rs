//! A running CppNix daemon's store as the place builds happen
//! (`--store daemon`, `--store unix:///path/to/socket`): for users who keep
//! their system's Nix, tern evaluates and the daemon builds into its own
//! store, over the worker protocol ([`super::worker`]) on its Unix socket.
//!
//! tern writes what it evaluates (`.drv` files, sources) into its staging
//! store as always; before a build, the closure of the requested
//! derivations goes to the daemon with `AddMultipleToStore` (older daemons:
//! `AddToStoreNar`). Every object of such a closure is content-addressed
//! (`text:` for `.drv` files and `toFile`, `fixed:` for sources), so the
//! daemon checks each against its address and takes it from users it does
//! not trust as well. The daemon then builds with `BuildPathsWithResults`
//! (1.34; `BuildPaths` before, which reports only that something failed),
//! asked by `drv!outputs` as `nix-build` asks, so it also substitutes from
//! its caches and may use its own remote builders. Its build log arrives as
//! activity results, its errors and warnings as messages.
//!
//! The paths a session added are temporary GC roots until it ends; a result
//! link is registered with the daemon as an indirect root
//! (`AddIndirectRoot`), as `nix-build -o` does.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::wire::{WireRead, WireWrite};
use super::worker::{BuildResult, SessionOptions, WorkerConnection, WorkerError};
use crate::store::{PathInfo, Store, StorePath};

const OP_BUILD_PATHS: u64 = 9;
const OP_ADD_TEMP_ROOT: u64 = 11;
const OP_ADD_INDIRECT_ROOT: u64 = 12;
const OP_QUERY_ALL_VALID_PATHS: u64 = 23;
const OP_QUERY_DERIVATION_OUTPUT_MAP: u64 = 41;
const OP_BUILD_PATHS_WITH_RESULTS: u64 = 46;

/// Build modes of `BuildPaths`.
pub const MODE_NORMAL: u64 = 0;
pub const MODE_CHECK: u64 = 2;

/// CppNix's `BuildResult` statuses that tern tells apart.
const TIMED_OUT: u64 = 8;
const DEPENDENCY_FAILED: u64 = 10;
const NOT_DETERMINISTIC: u64 = 12;
const HASH_MISMATCH: u64 = 15;

/// One derivation's outcome.
pub struct Outcome {
    pub drv_path: StorePath,
    pub result: BuildResult,
}

impl Outcome {
    /// Only a dependency failed (its own failure is reported by itself).
    pub fn dependency_failed(&self) -> bool {
        self.result.status == DEPENDENCY_FAILED
    }
}

/// CppNix's exit status for failed builds: bits over 0x60 (100 for a
/// failed builder), as tern's own builds report them.
pub fn exit_code(failed: &[&Outcome]) -> i32 {
    let mut mask = 0;
    for o in failed {
        mask |= match o.result.status {
            TIMED_OUT => 0x01,
            HASH_MISMATCH => 0x06,
            NOT_DETERMINISTIC => 0x08,
            _ => 0x04,
        };
    }
    0x60 | mask
}

/// A session with a daemon.
pub struct DaemonStore {
    conn: WorkerConnection,
    pub socket: PathBuf,
    /// The daemon's messages so far.
    said: Arc<Mutex<String>>,
}

/// Writes the daemon's messages to stderr without its colours, keeping
/// them to tell what was said already.
struct PlainStderr(Arc<Mutex<String>>);

impl Write for PlainStderr {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = super::without_colours(&String::from_utf8_lossy(buf));
        io::stderr().write_all(text.as_bytes())?;
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push_str(&text);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

fn plain(e: WorkerError) -> String {
    e.to_string()
}

impl DaemonStore {
    /// Connects to the daemon at `socket`: its build log goes to `log`,
    /// its messages to stderr.
    pub fn connect(socket: &Path, log: Box<dyn Write + Send>, opts: &SessionOptions) -> Result<DaemonStore, String> {
        let at = socket.display();
        match std::fs::metadata(socket) {
            Err(_) => {
                return Err(format!(
                    "cannot connect to the Nix daemon: there is no socket '{at}' (is nix-daemon running? \
                     'unix://PATH' or NIX_DAEMON_SOCKET_PATH names another socket)"
                ))
            }
            Ok(m) if !std::os::unix::fs::FileTypeExt::is_socket(&m.file_type()) => {
                return Err(format!("cannot connect to the Nix daemon: '{at}' is not a socket"))
            }
            Ok(_) => {}
        }
        let stream = std::os::unix::net::UnixStream::connect(socket).map_err(|e| match e.kind() {
            io::ErrorKind::ConnectionRefused => {
                format!("cannot connect to the Nix daemon at '{at}': nothing is listening there (is nix-daemon running?)")
            }
            io::ErrorKind::PermissionDenied => {
                format!("cannot connect to the Nix daemon at '{at}': permission denied (the socket's permissions exclude this user)")
            }
            _ => format!("cannot connect to the Nix daemon at '{at}': {e}"),
        })?;
        let mut conn = WorkerConnection::from_stream(stream, log).map_err(|e| match e {
            WorkerError::Connection(m) if m.contains("handshake") => format!(
                "the Nix daemon at '{at}' closed the connection: it refuses this user (see 'allowed-users' in its \
                 nix.conf) or failed; its log says why ({m})"
            ),
            e => format!("the Nix daemon at '{at}': {e}"),
        })?;
        conn.show_activities = true;
        let said = Arc::new(Mutex::new(String::new()));
        conn.messages = Some(Box::new(PlainStderr(said.clone())));
        conn.set_options(opts).map_err(|e| format!("the Nix daemon at '{at}' refused the session's options: {e}"))?;
        Ok(DaemonStore { conn, socket: socket.to_path_buf(), said })
    }

    /// The daemon's protocol version and Nix version, for messages.
    pub fn describe(&self) -> String {
        let nix = self.conn.daemon_version.as_deref().map(|v| format!("Nix {v}, ")).unwrap_or_default();
        format!("{nix}protocol {}", self.conn.version_string())
    }

    /// Has the daemon already shown this message (its first line)?
    pub fn already_said(&self, message: &str) -> bool {
        let plain = super::without_colours(message);
        let first = plain.lines().next().unwrap_or_default().trim_start_matches("error: ").trim();
        !first.is_empty() && self.said.lock().unwrap_or_else(|p| p.into_inner()).contains(first)
    }

    /// Whether the daemon said it trusts us.
    pub fn trusted(&self) -> Option<bool> {
        self.conn.trusted
    }

    /// Copies the closure of `paths` in `store` that the daemon lacks,
    /// references first, and makes `paths` temporary roots there; returns
    /// how many objects were copied.
    pub fn copy_closure(&mut self, store: &Store, paths: &[StorePath]) -> Result<usize, String> {
        let closure = store.closure(paths).map_err(|e| e.to_string())?;
        let list: Vec<StorePath> = closure.iter().cloned().collect();
        let there: BTreeSet<StorePath> = self.conn.query_valid_paths(&list).map_err(plain)?.into_iter().collect();
        let mut missing: Vec<PathInfo> = Vec::new();
        for p in super::references_first(store, &closure)? {
            if there.contains(&p) {
                continue;
            }
            let info = store.query_info(&p).map_err(|e| e.to_string())?.ok_or(format!("'{p}' is not valid"))?;
            if info.ca.is_none() {
                return Err(format!(
                    "'{p}' is not content-addressed (it was built by tern, not added as a source), so the daemon \
                     would take it only from a trusted user with a signature; build it through the daemon instead"
                ));
            }
            missing.push(info);
        }
        for p in paths {
            self.add_temp_root(p)?;
        }
        self.conn
            .add_paths(&missing, &mut |info, w| super::dump_nar(store, info, w))
            .map_err(|e| format!("the Nix daemon did not take the derivations: {e}"))?;
        Ok(missing.len())
    }

    /// Keeps `path` (and its closure) from the daemon's garbage collector
    /// while this session lasts.
    pub fn add_temp_root(&mut self, path: &StorePath) -> Result<(), String> {
        self.simple_op(OP_ADD_TEMP_ROOT, path.to_absolute().as_bytes())
    }

    /// Registers `link` (absolute) as an indirect GC root of the daemon's
    /// store.
    pub fn add_indirect_root(&mut self, link: &Path) -> Result<(), String> {
        self.simple_op(OP_ADD_INDIRECT_ROOT, link.as_os_str().as_encoded_bytes())
    }

    /// An operation with one string argument answered by the number 1.
    fn simple_op(&mut self, op: u64, arg: &[u8]) -> Result<(), String> {
        let c = &mut self.conn;
        (|| -> io::Result<()> {
            c.to.put_u64(op)?;
            c.to.put_bytes(arg)
        })()
        .map_err(|e| format!("talking to the Nix daemon: {e}"))?;
        c.process_stderr().map_err(plain)?;
        c.from.get_u64().map_err(|e| format!("talking to the Nix daemon: {e}"))?;
        Ok(())
    }

    /// Builds each `(drv, outputs)`; one outcome per request. A daemon
    /// before 1.34 gives no per-derivation results: a failure of any is
    /// then the failure of the first.
    pub fn build(&mut self, requests: &[(StorePath, Vec<String>)], mode: u64) -> Result<Vec<Outcome>, String> {
        let names: Vec<String> =
            requests.iter().map(|(drv, outs)| format!("{}!{}", drv.to_absolute(), outs.join(","))).collect();
        let c = &mut self.conn;
        let io = |e: io::Error| format!("talking to the Nix daemon: {e}");
        let with_results = c.at_least(34);
        c.to.put_u64(if with_results { OP_BUILD_PATHS_WITH_RESULTS } else { OP_BUILD_PATHS }).map_err(io)?;
        c.to.put_strings(names.iter().map(|n| n.as_bytes())).map_err(io)?;
        c.to.put_u64(mode).map_err(io)?;
        match c.process_stderr() {
            Ok(()) => {}
            Err(WorkerError::Daemon(m)) if !with_results => {
                let first = requests.first().map(|r| r.0.clone()).ok_or("nothing to build")?;
                return Ok(vec![Outcome { drv_path: first, result: BuildResult { status: 3, error: m } }]);
            }
            Err(e) => return Err(format!("the Nix daemon could not build: {e}")),
        }
        if !with_results {
            c.from.get_u64().map_err(io)?;
            let ok = || BuildResult { status: 0, error: String::new() };
            return Ok(requests.iter().map(|(d, _)| Outcome { drv_path: d.clone(), result: ok() }).collect());
        }
        let n = c.from.get_count().map_err(io)?;
        let mut out = Vec::new();
        for _ in 0..n {
            let path = c.from.get_string().map_err(io)?;
            let result = c.get_build_result().map_err(plain)?;
            let drv = path.split_once('!').map_or(path.as_str(), |(d, _)| d);
            let drv_path = StorePath::parse(drv).map_err(|e| format!("the daemon answered about '{path}': {e}"))?;
            out.push(Outcome { drv_path, result });
        }
        Ok(out)
    }

    pub fn valid_paths(&mut self, paths: &[StorePath]) -> Result<Vec<StorePath>, String> {
        self.conn.query_valid_paths(paths).map_err(plain)
    }

    pub fn path_info(&mut self, path: &StorePath) -> Result<Option<PathInfo>, String> {
        self.conn.query_path_info(path).map_err(plain)
    }

    /// The outputs of a derivation valid there, by name, with their paths
    /// where known (a floating content-addressed output's only once built).
    pub fn output_map(&mut self, drv: &StorePath) -> Result<BTreeMap<String, Option<StorePath>>, String> {
        let c = &mut self.conn;
        let io = |e: io::Error| format!("talking to the Nix daemon: {e}");
        c.to.put_u64(OP_QUERY_DERIVATION_OUTPUT_MAP).map_err(io)?;
        c.to.put_bytes(drv.to_absolute().as_bytes()).map_err(io)?;
        c.process_stderr().map_err(plain)?;
        let mut out = BTreeMap::new();
        for _ in 0..c.from.get_count().map_err(io)? {
            let name = c.from.get_string().map_err(io)?;
            let path = c.from.get_string().map_err(io)?;
            let path = Some(path).filter(|p| !p.is_empty()).map(|p| StorePath::parse(&p)).transpose();
            out.insert(name, path.map_err(|e| format!("the daemon named an output of '{drv}' wrongly: {e}"))?);
        }
        Ok(out)
    }

    /// Every valid path of the daemon's store.
    pub fn all_valid_paths(&mut self) -> Result<Vec<StorePath>, String> {
        let c = &mut self.conn;
        c.to.put_u64(OP_QUERY_ALL_VALID_PATHS).map_err(|e| e.to_string())?;
        c.process_stderr().map_err(plain)?;
        c.from.get_paths().map_err(|e| format!("talking to the Nix daemon: {e}"))
    }

    pub fn close(self) {
        self.conn.close();
    }
}
