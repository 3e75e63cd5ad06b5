//! The client side of `nix-store --serve --write`, Nix's `ssh://` protocol,
//! spoken over an `ssh` child process to a real CppNix on the other end.
//!
//! The wire format is in [`super::wire`]. tern speaks protocol 2.5 (the
//! oldest current CppNix accepts), so build results carry timings but no
//! output map (tern knows its outputs' paths), and path infos carry the
//! NAR hash. The build log arrives on the connection's stderr.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::process::{ChildStdin, ChildStdout, Command};

use super::wire::{CountingWriter, Tunnel, WireRead, WireWrite};
use crate::store::{Derivation, Hash, HashFormat, PathInfo, StorePath};

const SERVE_MAGIC_1: u64 = 0x390c_9deb;
const SERVE_MAGIC_2: u64 = 0x5452_eecb;
/// Protocol 2.5: `(major << 8) | minor`.
const CLIENT_VERSION: u64 = 2 << 8 | 5;

const CMD_QUERY_VALID_PATHS: u64 = 1;
const CMD_QUERY_PATH_INFOS: u64 = 2;
const CMD_DUMP_STORE_PATH: u64 = 3;
const CMD_BUILD_DERIVATION: u64 = 8;
const CMD_ADD_TO_STORE_NAR: u64 = 9;

/// A failure of the connection (as opposed to a failed build).
#[derive(Debug)]
pub struct ConnectionError(pub String);

impl std::fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

type Result<T> = std::result::Result<T, ConnectionError>;

fn broken(what: &str, e: io::Error) -> ConnectionError {
    ConnectionError(format!("{what}: {e}"))
}

/// What `BuildDerivation` answered.
#[derive(Debug)]
pub struct BuildResult {
    /// CppNix's `BuildResult::Status`: 0 built, 1 substituted, 2 already
    /// valid; 3 and above are failures.
    pub status: u64,
    pub error: String,
}

impl BuildResult {
    pub fn succeeded(&self) -> bool {
        self.status <= 2
    }
}

/// Limits the remote build runs under (`BuildOptions` of the protocol).
#[derive(Clone, Copy, Debug, Default)]
pub struct RemoteBuildLimits {
    pub max_silent_time: u64,
    pub build_timeout: u64,
    pub max_log_size: u64,
}

/// An open `nix-store --serve --write` session.
pub struct ServeConnection {
    tunnel: Tunnel,
    /// `None` once closed.
    to: Option<BufWriter<ChildStdin>>,
    from: BufReader<ChildStdout>,
}

impl ServeConnection {
    /// Runs `command` (an `ssh … nix-store --serve --write`) and shakes hands.
    pub fn open(command: Command, host: &str) -> Result<ServeConnection> {
        let (tunnel, stdin, stdout) = Tunnel::spawn(command, host).map_err(ConnectionError)?;
        let mut conn = ServeConnection { tunnel, to: Some(BufWriter::new(stdin)), from: BufReader::new(stdout) };
        let handshake = (|| -> io::Result<(u64, u64)> {
            conn.put_u64(SERVE_MAGIC_1)?;
            conn.put_u64(CLIENT_VERSION)?;
            conn.flush()?;
            Ok((conn.get_u64()?, conn.get_u64()?))
        })();
        match handshake {
            Ok((SERVE_MAGIC_2, version)) if version >> 8 == 2 && (version & 0xff) >= 5 => Ok(conn),
            Ok((SERVE_MAGIC_2, version)) => Err(ConnectionError(format!(
                "'{host}' speaks 'nix-store --serve' protocol {}.{}, too old for tern (2.5 or later: CppNix 2.4 or later)",
                version >> 8,
                version & 0xff
            ))),
            Ok(_) => Err(ConnectionError(format!("'nix-store --serve' protocol mismatch from '{host}'"))),
            Err(e) => {
                let status = conn.tunnel.exit_status();
                Err(ConnectionError(format!(
                    "cannot connect to '{host}' ({e}{})",
                    status.map(|s| format!("; ssh {s}")).unwrap_or_default()
                )))
            }
        }
    }

    fn sink(&mut self) -> io::Result<&mut BufWriter<ChildStdin>> {
        self.to.as_mut().ok_or_else(|| io::Error::other("the connection is closed"))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink()?.flush()
    }

    fn put_u64(&mut self, n: u64) -> io::Result<()> {
        self.sink()?.put_u64(n)
    }

    fn put_bytes(&mut self, s: &[u8]) -> io::Result<()> {
        self.sink()?.put_bytes(s)
    }

    fn put_paths<'a>(&mut self, paths: impl ExactSizeIterator<Item = &'a StorePath>) -> io::Result<()> {
        self.sink()?.put_paths(paths)
    }

    fn get_u64(&mut self) -> io::Result<u64> {
        self.from.get_u64()
    }

    fn get_string(&mut self) -> io::Result<String> {
        self.from.get_string()
    }

    fn get_paths(&mut self) -> io::Result<Vec<StorePath>> {
        self.from.get_paths()
    }

    /// Which of `paths` the remote store has.
    pub fn query_valid_paths(&mut self, paths: &[StorePath]) -> Result<Vec<StorePath>> {
        (|| {
            self.put_u64(CMD_QUERY_VALID_PATHS)?;
            self.put_u64(1)?; // lock: keep them as temporary GC roots
            self.put_u64(0)?; // substitute: no
            self.put_paths(paths.iter())?;
            self.flush()?;
            self.get_paths()
        })()
        .map_err(|e| broken("querying the remote store", e))
    }

    /// Sends one store object (its NAR streamed from `dump`).
    pub fn add_to_store_nar(
        &mut self,
        info: &PathInfo,
        dump: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        let what = format!("copying '{}' to the remote store", info.path);
        (|| {
            self.put_u64(CMD_ADD_TO_STORE_NAR)?;
            self.put_bytes(info.path.to_absolute().as_bytes())?;
            let deriver = info.deriver.as_ref().map(StorePath::to_absolute).unwrap_or_default();
            self.put_bytes(deriver.as_bytes())?;
            self.put_bytes(info.nar_hash.to_base16().as_bytes())?;
            self.put_paths(info.references.iter())?;
            self.put_u64(info.registration_time.max(0) as u64)?;
            self.put_u64(info.nar_size)?;
            self.put_u64(0)?; // ultimate
            self.put_u64(0)?; // no signatures
            let ca = info.ca.as_ref().map(|c| c.to_string()).unwrap_or_default();
            self.put_bytes(ca.as_bytes())?;
            let mut counted = CountingWriter { inner: self.sink()?, written: 0 };
            dump(&mut counted)?;
            if counted.written != info.nar_size {
                return Err(io::Error::other(format!(
                    "its NAR has {} bytes, but its metadata says {}",
                    counted.written, info.nar_size
                )));
            }
            self.flush()?;
            match self.get_u64()? {
                1 => Ok(()),
                n => Err(io::Error::other(format!("the remote side answered {n}"))),
            }
        })()
        .map_err(|e| broken(&what, e))
    }

    /// Builds `drv` there, its inputs being `inputs` (which must be valid
    /// there). The remote build's log goes to the connection's stderr.
    pub fn build_derivation(
        &mut self,
        drv_path: &StorePath,
        drv: &Derivation,
        inputs: &[StorePath],
        limits: RemoteBuildLimits,
    ) -> Result<BuildResult> {
        (|| {
            self.put_u64(CMD_BUILD_DERIVATION)?;
            self.put_bytes(drv_path.to_absolute().as_bytes())?;
            self.sink()?.put_basic_derivation(drv, inputs)?;
            // BuildOptions of 2.5: maxSilentTime, buildTimeout, maxLogSize,
            // nrRepeats, enforceDeterminism.
            self.put_u64(limits.max_silent_time)?;
            self.put_u64(limits.build_timeout)?;
            self.put_u64(limits.max_log_size)?;
            self.put_u64(0)?;
            self.put_u64(0)?;
            self.flush()?;
            let status = self.get_u64()?;
            let error = self.get_string()?;
            // timesBuilt, isNonDeterministic, startTime, stopTime (2.3+).
            for _ in 0..4 {
                self.get_u64()?;
            }
            Ok(BuildResult { status, error })
        })()
        .map_err(|e| broken(&format!("building '{drv_path}' remotely"), e))
    }

    /// The metadata of a valid remote path.
    pub fn query_path_info(&mut self, path: &StorePath) -> Result<PathInfo> {
        let what = format!("querying '{path}' on the remote store");
        (|| {
            self.put_u64(CMD_QUERY_PATH_INFOS)?;
            self.put_paths(std::iter::once(path))?;
            self.flush()?;
            let mut found = None;
            loop {
                let p = self.get_string()?;
                if p.is_empty() {
                    break;
                }
                let deriver = self.get_string()?;
                let references = self.get_paths()?;
                let _download_size = self.get_u64()?;
                let nar_size = self.get_u64()?;
                let nar_hash = self.get_string()?;
                let ca = self.get_string()?;
                let sigs = self.from.get_count()?;
                for _ in 0..sigs {
                    self.get_string()?;
                }
                let bad = |e: crate::store::StoreError| io::Error::other(e.to_string());
                found = Some(PathInfo {
                    path: StorePath::parse(&p).map_err(bad)?,
                    nar_hash: Hash::parse_any(&nar_hash, None).map_err(bad)?,
                    nar_size,
                    references: references.into_iter().collect(),
                    deriver: Some(deriver)
                        .filter(|d| !d.is_empty())
                        .map(|d| StorePath::parse(&d))
                        .transpose()
                        .map_err(bad)?,
                    ca: Some(ca)
                        .filter(|c| !c.is_empty())
                        .map(|c| crate::store::ContentAddress::parse(&c))
                        .transpose()
                        .map_err(bad)?,
                    registration_time: 0,
                });
            }
            found.ok_or_else(|| io::Error::other("the remote store does not have it"))
        })()
        .map_err(|e| broken(&what, e))
    }

    /// Streams the NAR of a remote path into `take`, which must read
    /// exactly one NAR.
    pub fn dump_store_path<T>(
        &mut self,
        path: &StorePath,
        take: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> Result<T> {
        (|| {
            self.put_u64(CMD_DUMP_STORE_PATH)?;
            self.put_bytes(path.to_absolute().as_bytes())?;
            self.flush()?;
            take(&mut self.from)
        })()
        .map_err(|e| broken(&format!("copying '{path}' from the remote store"), e))
    }

    /// Ends the session: the remote `nix-store` sees end of input and exits.
    pub fn close(mut self) {
        if let Some(mut to) = self.to.take() {
            let _ = to.flush();
        }
        self.tunnel.wait();
    }
}

/// NAR hashes as CppNix sends them (`sha256:<nix32>`) are parsed by
/// [`Hash::parse_any`]; this is the inverse, for messages.
pub fn show_hash(h: &Hash) -> String {
    h.encode(HashFormat::Nix32, true)
}
