//! The client side of `nix-store --serve --write`, Nix's `ssh://` protocol,
//! spoken over an `ssh` child process to a real CppNix on the other end.
//!
//! Wire format: every number is a little-endian u64; a string is its
//! length, its bytes and zero padding to a multiple of 8; a set of paths is
//! a count followed by that many strings. tern speaks protocol 2.5 (the
//! oldest current CppNix accepts), so build results carry timings but no
//! output map (tern knows its outputs' paths), and path infos carry the
//! NAR hash. The build log arrives on the connection's stderr.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

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

/// Strings longer than this from the remote side are a broken stream.
const MAX_STRING: u64 = 64 << 20;

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
    child: Child,
    /// `None` once closed.
    to: Option<BufWriter<ChildStdin>>,
    from: BufReader<ChildStdout>,
}

impl ServeConnection {
    /// Runs `command` (an `ssh … nix-store --serve --write`) and shakes hands.
    pub fn open(mut command: Command, host: &str) -> Result<ServeConnection> {
        command.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = command.spawn().map_err(|e| broken(&format!("cannot run ssh for '{host}'"), e))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(ConnectionError("ssh gave no pipes".into()));
        };
        let mut conn = ServeConnection { child, to: Some(BufWriter::new(stdin)), from: BufReader::new(stdout) };
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
                let status = conn.child.wait().ok();
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
        self.sink()?.write_all(&n.to_le_bytes())
    }

    fn put_bytes(&mut self, s: &[u8]) -> io::Result<()> {
        self.put_u64(s.len() as u64)?;
        let sink = self.sink()?;
        sink.write_all(s)?;
        let pad = (8 - s.len() % 8) % 8;
        sink.write_all(&[0u8; 8][..pad])
    }

    fn put_paths<'a>(&mut self, paths: impl ExactSizeIterator<Item = &'a StorePath>) -> io::Result<()> {
        self.put_u64(paths.len() as u64)?;
        for p in paths {
            self.put_bytes(p.to_absolute().as_bytes())?;
        }
        Ok(())
    }

    fn get_u64(&mut self) -> io::Result<u64> {
        let mut b = [0u8; 8];
        self.from.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn get_string(&mut self) -> io::Result<String> {
        let len = self.get_u64()?;
        if len > MAX_STRING {
            return Err(io::Error::other(format!("a string of {len} bytes")));
        }
        let mut buf = vec![0u8; len as usize];
        self.from.read_exact(&mut buf)?;
        let pad = ((8 - len % 8) % 8) as usize;
        self.from.read_exact(&mut [0u8; 8][..pad])?;
        String::from_utf8(buf).map_err(|_| io::Error::other("a string that is not UTF-8"))
    }

    fn get_paths(&mut self) -> io::Result<Vec<StorePath>> {
        let n = self.get_u64()?;
        let mut out = Vec::new();
        for _ in 0..n {
            let s = self.get_string()?;
            out.push(StorePath::parse(&s).map_err(|e| io::Error::other(e.to_string()))?);
        }
        Ok(out)
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
            self.put_u64(drv.outputs.len() as u64)?;
            for (name, out) in &drv.outputs {
                self.put_bytes(name.as_bytes())?;
                self.put_bytes(out.path.as_bytes())?;
                match &out.hash {
                    Some(fixed) => {
                        self.put_bytes(fixed.method_algo().as_bytes())?;
                        self.put_bytes(fixed.hash.to_base16().as_bytes())?;
                    }
                    None => {
                        self.put_bytes(b"")?;
                        self.put_bytes(b"")?;
                    }
                }
            }
            self.put_paths(inputs.iter())?;
            self.put_bytes(&drv.platform)?;
            self.put_bytes(&drv.builder)?;
            self.put_u64(drv.args.len() as u64)?;
            for a in &drv.args {
                self.put_bytes(a)?;
            }
            self.put_u64(drv.env.len() as u64)?;
            for (k, v) in &drv.env {
                self.put_bytes(k)?;
                self.put_bytes(v)?;
            }
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
                let sigs = self.get_u64()?;
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
        let _ = self.child.wait();
    }
}

impl Drop for ServeConnection {
    fn drop(&mut self) {
        // A session dropped on an error path: do not leave ssh behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

struct CountingWriter<'a, W: Write> {
    inner: &'a mut W,
    written: u64,
}

impl<W: Write> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// NAR hashes as CppNix sends them (`sha256:<nix32>`) are parsed by
/// [`Hash::parse_any`]; this is the inverse, for messages.
pub fn show_hash(h: &Hash) -> String {
    h.encode(HashFormat::Nix32, true)
}
