//! The wire format both of Nix's remote protocols share (`nix-store
//! --serve`, [`super::serve`], and the worker protocol of `nix-daemon`,
//! [`super::worker`]), and the `ssh` child process both run over.
//!
//! Every number is a little-endian u64; a string is its length, its bytes
//! and zero padding to a multiple of 8; a set of paths is a count followed
//! by that many strings. A derivation sent for building ("BasicDerivation")
//! is the same in both protocols.

use std::io::{self, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use crate::store::{Derivation, StorePath};

/// Strings longer than this from the remote side are a broken stream.
const MAX_STRING: u64 = 64 << 20;
/// Likewise for counts of things (paths, log fields, …).
const MAX_COUNT: u64 = 1 << 24;

/// Writing the wire format, on any byte sink.
pub trait WireWrite: Write {
    fn put_u64(&mut self, n: u64) -> io::Result<()> {
        self.write_all(&n.to_le_bytes())
    }

    fn put_bytes(&mut self, s: &[u8]) -> io::Result<()> {
        self.put_u64(s.len() as u64)?;
        self.write_all(s)?;
        let pad = (8 - s.len() % 8) % 8;
        self.write_all(&[0u8; 8][..pad])
    }

    fn put_paths<'a>(&mut self, paths: impl ExactSizeIterator<Item = &'a StorePath>) -> io::Result<()> {
        self.put_u64(paths.len() as u64)?;
        for p in paths {
            self.put_bytes(p.to_absolute().as_bytes())?;
        }
        Ok(())
    }

    fn put_strings<'a>(&mut self, items: impl ExactSizeIterator<Item = &'a [u8]>) -> io::Result<()> {
        self.put_u64(items.len() as u64)?;
        for s in items {
            self.put_bytes(s)?;
        }
        Ok(())
    }

    /// A derivation as `BuildDerivation` of either protocol takes it: its
    /// outputs, `inputs` (which must be valid on the other side) as its
    /// only input sources, then platform, builder, arguments, environment.
    fn put_basic_derivation(&mut self, drv: &Derivation, inputs: &[StorePath]) -> io::Result<()> {
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
        self.put_strings(drv.args.iter().map(|a| a.as_slice()))?;
        self.put_u64(drv.env.len() as u64)?;
        for (k, v) in &drv.env {
            self.put_bytes(k)?;
            self.put_bytes(v)?;
        }
        Ok(())
    }
}

impl<W: Write + ?Sized> WireWrite for W {}

/// Reading the wire format, with limits: the other side may be broken.
pub trait WireRead: Read {
    fn get_u64(&mut self) -> io::Result<u64> {
        let mut b = [0u8; 8];
        self.read_exact(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// A count of things to follow, refused when absurd.
    fn get_count(&mut self) -> io::Result<u64> {
        let n = self.get_u64()?;
        if n > MAX_COUNT {
            return Err(io::Error::other(format!("a count of {n} items")));
        }
        Ok(n)
    }

    fn get_bytes(&mut self) -> io::Result<Vec<u8>> {
        let len = self.get_u64()?;
        if len > MAX_STRING {
            return Err(io::Error::other(format!("a string of {len} bytes")));
        }
        let mut buf = vec![0u8; len as usize];
        self.read_exact(&mut buf)?;
        let pad = ((8 - len % 8) % 8) as usize;
        let mut zeros = [0u8; 8];
        self.read_exact(&mut zeros[..pad])?;
        if zeros.iter().any(|&b| b != 0) {
            return Err(io::Error::other("non-zero padding after a string"));
        }
        Ok(buf)
    }

    fn get_string(&mut self) -> io::Result<String> {
        String::from_utf8(self.get_bytes()?).map_err(|_| io::Error::other("a string that is not UTF-8"))
    }

    fn get_path(&mut self) -> io::Result<StorePath> {
        let s = self.get_string()?;
        StorePath::parse(&s).map_err(|e| io::Error::other(e.to_string()))
    }

    fn get_paths(&mut self) -> io::Result<Vec<StorePath>> {
        let n = self.get_count()?;
        (0..n).map(|_| self.get_path()).collect()
    }

    fn get_strings(&mut self) -> io::Result<Vec<String>> {
        let n = self.get_count()?;
        (0..n).map(|_| self.get_string()).collect()
    }
}

impl<R: Read + ?Sized> WireRead for R {}

/// Counts what goes through, to check a NAR's size against its metadata.
pub struct CountingWriter<'a, W: Write + ?Sized> {
    pub inner: &'a mut W,
    pub written: u64,
}

impl<W: Write + ?Sized> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// An `ssh` (or other) child process whose stdin and stdout carry a
/// protocol; it is killed if dropped while still running, so an error path
/// never leaves one behind.
pub struct Tunnel {
    child: Child,
}

impl Tunnel {
    /// Starts `command` with piped stdin and stdout.
    pub fn spawn(mut command: Command, host: &str) -> Result<(Tunnel, ChildStdin, ChildStdout), String> {
        command.stdin(Stdio::piped()).stdout(Stdio::piped());
        let mut child = command.spawn().map_err(|e| format!("cannot run ssh for '{host}': {e}"))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("ssh gave no pipes".into());
        };
        Ok((Tunnel { child }, stdin, stdout))
    }

    /// How the process ended, once its pipes are closed (for messages).
    pub fn exit_status(&mut self) -> Option<std::process::ExitStatus> {
        self.child.wait().ok()
    }

    /// Waits for the process after its input was closed.
    pub fn wait(&mut self) {
        let _ = self.child.wait();
    }
}

impl Drop for Tunnel {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_padded_and_checked() {
        let mut buf = Vec::new();
        buf.put_bytes(b"abc").unwrap();
        assert_eq!(buf.len(), 16);
        assert_eq!(&buf[..8], &3u64.to_le_bytes());
        assert_eq!(buf.as_slice().get_string().unwrap(), "abc");
        buf[12] = 1;
        assert!(buf.as_slice().get_string().is_err(), "padding must be zero");
        let huge = u64::MAX.to_le_bytes();
        assert!(huge.as_slice().get_bytes().is_err());
        assert!(huge.as_slice().get_paths().is_err());
        assert!([1u8, 2].as_slice().get_u64().is_err(), "truncated");
    }
}
