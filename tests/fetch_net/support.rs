//! Helpers for the network fetcher tests: a scratch directory with its own tern store and
//! configuration, the HTTP(S) server of `server.py` on 127.0.0.1 (stopped by its PID when
//! dropped), a certificate authority made with `openssl`, and fixtures (a file, a tarball
//! with fixed times, a git repository).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A scratch directory: `store/` (TERN_STORE), `config/` (XDG_CONFIG_HOME), `www/` (served).
pub struct Work {
    pub dir: PathBuf,
}

impl Work {
    pub fn new(tag: &str) -> Work {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fetch-net-{tag}-{}", std::process::id()));
        remove(&dir);
        std::fs::create_dir_all(dir.join("www")).expect("scratch dir");
        std::fs::create_dir_all(dir.join("config")).expect("config dir");
        std::fs::create_dir_all(dir.join("tmp")).expect("tmp dir");
        Work { dir }
    }

    pub fn www(&self) -> PathBuf {
        self.dir.join("www")
    }

    pub fn store(&self) -> PathBuf {
        self.dir.join("store")
    }

    /// Runs tern with this store; returns (success, stdout, stderr).
    pub fn tern(&self, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tern"));
        cmd.args(args)
            .env("TERN_STORE", self.store())
            .env("XDG_CONFIG_HOME", self.dir.join("config"))
            .env_remove("NIX_SSL_CERT_FILE")
            .env_remove("SSL_CERT_FILE")
            .env("TMPDIR", self.dir.join("tmp"))
            .current_dir(&self.dir);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("tern runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `tern eval --strict -E EXPR [EXTRA…]`, which must succeed.
    pub fn eval(&self, expr: &str, extra: &[&str]) -> String {
        let mut args = vec!["eval", "--strict", "-E", expr];
        args.extend_from_slice(extra);
        let (ok, out, err) = self.tern(&args, &[]);
        assert!(ok, "tern eval {expr} {extra:?} failed:\n{err}");
        out
    }

    /// `tern eval --strict -E EXPR [EXTRA…]`, which must fail; returns stderr.
    pub fn eval_err(&self, expr: &str, extra: &[&str]) -> String {
        let mut args = vec!["eval", "--strict", "-E", expr];
        args.extend_from_slice(extra);
        let (ok, out, err) = self.tern(&args, &[]);
        assert!(!ok, "tern eval {expr} should have failed but printed {out}");
        err
    }

    /// Writes `flake_nix` as `NAME/flake.nix` under the work directory, runs
    /// `tern flake lock path:…` (with `extra` arguments), which must succeed, and returns the
    /// lock file as JSON.
    pub fn lock_flake(&self, name: &str, flake_nix: &str, extra: &[&str]) -> serde_json::Value {
        let dir = self.dir.join(name);
        write(&dir.join("flake.nix"), flake_nix.as_bytes());
        let reference = format!("path:{}", dir.display());
        let mut args = vec!["flake", "lock", reference.as_str()];
        args.extend_from_slice(extra);
        let (ok, _, err) = self.tern(&args, &[]);
        assert!(ok, "tern flake lock {name}: {err}");
        let text = std::fs::read_to_string(dir.join("flake.lock")).expect("a lock file");
        serde_json::from_str(&text).expect("the lock file is JSON")
    }

    /// The names of the objects in the store.
    pub fn store_objects(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.store().join("store"))
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        remove(&self.dir);
    }
}

pub fn remove(dir: &Path) {
    let _ = Command::new("chmod").arg("-R").arg("u+w").arg(dir).stderr(Stdio::null()).status();
    let _ = std::fs::remove_dir_all(dir);
}

pub fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `server.py` on 127.0.0.1, killed by PID on drop.
pub struct Server {
    child: Child,
    pub port: u16,
    pub https: bool,
    log: PathBuf,
}

impl Server {
    pub fn start(work: &Work, tag: &str, routes: Option<&Path>, tls: Option<&Ca>) -> Server {
        Self::spawn(work, tag, routes, tls, false)
    }

    /// A server that also speaks git's smart HTTP protocol (`git http-backend`) for the
    /// repositories under `www/`, which shallow fetches need.
    pub fn start_smart_git(work: &Work, tag: &str) -> Server {
        Self::spawn(work, tag, None, None, true)
    }

    fn spawn(work: &Work, tag: &str, routes: Option<&Path>, tls: Option<&Ca>, smart_git: bool) -> Server {
        let port_file = work.dir.join(format!("{tag}.port"));
        let log = work.dir.join(format!("{tag}.log"));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fetch_net/server.py");
        let mut cmd = Command::new("python3");
        cmd.arg(script).arg("--root").arg(work.www()).arg("--port-file").arg(&port_file).arg("--log").arg(&log);
        if let Some(r) = routes {
            cmd.arg("--routes").arg(r);
        }
        if let Some(ca) = tls {
            cmd.arg("--cert").arg(&ca.server_cert).arg("--key").arg(&ca.server_key);
        }
        if smart_git {
            cmd.arg("--smart-git");
        }
        let child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).spawn().expect("python3 runs");
        let deadline = Instant::now() + Duration::from_secs(20);
        let port = loop {
            if let Ok(p) = std::fs::read_to_string(&port_file) {
                break p.trim().parse().expect("a port number");
            }
            assert!(Instant::now() < deadline, "the test server did not start");
            std::thread::sleep(Duration::from_millis(50));
        };
        Server { child, port, https: tls.is_some(), log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}://127.0.0.1:{}/{}", if self.https { "https" } else { "http" }, self.port, path)
    }

    /// The requests served so far ("GET /path auth=… inm=…").
    pub fn requests(&self) -> Vec<String> {
        std::fs::read_to_string(&self.log).unwrap_or_default().lines().map(String::from).collect()
    }

    pub fn count(&self, path: &str) -> usize {
        let prefix = format!("GET {path} ");
        self.requests().iter().filter(|r| r.starts_with(&prefix)).count()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The child we started, by its PID.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// A certificate authority and a server certificate for 127.0.0.1, made with openssl.
pub struct Ca {
    pub ca_cert: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
}

impl Ca {
    pub fn new(work: &Work) -> Ca {
        let d = work.dir.join("ca");
        std::fs::create_dir_all(&d).expect("ca dir");
        let ossl = |args: &[&str]| run(Command::new("openssl").args(args).current_dir(&d));
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        let mut a = vec!["req", "-x509", "-days", "2", "-subj", "/CN=tern test CA", "-keyout", "ca.key"];
        a.extend_from_slice(&ec);
        a.extend_from_slice(&[
            "-out",
            "ca.pem",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        ossl(&a);
        let mut a = vec!["req", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr"];
        a.extend_from_slice(&ec);
        ossl(&a);
        write(
            &d.join("ext.cnf"),
            b"basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n",
        );
        ossl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            "server.pem",
            "-extfile",
            "ext.cnf",
        ]);
        Ca { ca_cert: d.join("ca.pem"), server_cert: d.join("server.pem"), server_key: d.join("server.key") }
    }
}

/// The tarball fixture: `proj-1.0/` with a file, an executable, a symlink and a
/// subdirectory, every entry dated `TARBALL_MTIME`. Returns the tree's directory.
pub const TARBALL_MTIME: i64 = 1_700_000_000;

pub fn make_tarball(work: &Work, archive: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let src = work.dir.join("tarball-src");
    let top = src.join("proj-1.0");
    write(&top.join("README"), b"a project\n");
    write(&top.join("bin/run"), b"#!/bin/sh\necho hi\n");
    std::fs::set_permissions(top.join("bin/run"), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let _ = std::fs::remove_file(top.join("link"));
    std::os::unix::fs::symlink("README", top.join("link")).expect("symlink");
    run(Command::new("tar")
        .arg("-czf")
        .arg(work.www().join(archive))
        .args(["--sort=name", "--owner=0", "--group=0", "--numeric-owner"])
        .arg(format!("--mtime=@{TARBALL_MTIME}"))
        .arg("-C")
        .arg(&src)
        .arg("proj-1.0"));
    top
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    run(Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.email=t@example.org", "-c", "user.name=test", "-c", "init.defaultBranch=main"])
        .args(args)
        .env("GIT_COMMITTER_DATE", "1700001000 +0000")
        .env("GIT_AUTHOR_DATE", "1700001000 +0000"))
}

/// A repository with one commit (a flake exposing `value = 42`), committed at 1700001000.
pub fn make_repo(work: &Work, name: &str) -> (PathBuf, String) {
    let repo = work.dir.join(name);
    std::fs::create_dir_all(&repo).expect("repo dir");
    git(&repo, &["init", "--quiet", "-b", "main"]);
    write(&repo.join("flake.nix"), b"{ outputs = { self }: { value = 42; }; }\n");
    write(&repo.join("sub/data.txt"), b"data\n");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "first"]);
    let rev = git(&repo, &["rev-parse", "HEAD"]);
    (repo, rev)
}
