//! `tern build --store unix://…` against a running CppNix daemon: the test
//! starts current CppNix's `nix-daemon` (through `shared/tools/nix-new`)
//! on a Unix socket in a temporary directory (`NIX_DAEMON_SOCKET_PATH`),
//! serving a chroot store of its own (`--store DIR`, so the system's `/nix`
//! is not touched) with sandboxed builds and `trusted-users = nobody`, so
//! tern is an untrusted client as a user of a system's daemon is. It
//! builds a small graph through the daemon, checks the outputs are valid
//! in the daemon's store (`nix-store --store DIR --verify-path`), the
//! result link is the daemon's indirect GC root, `path-info` and
//! `instantiate` go through the daemon, a failing build is reported once,
//! and a missing socket or a daemon that refuses the user are plain
//! errors. The daemons are stopped by PID.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use libtest_mimic::{Completion, Failed};

use crate::gate;
use crate::remote::nix_new;
use crate::support::*;

struct Daemon {
    child: Child,
    socket: PathBuf,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The nix.conf of the CppNix `nix-new` runs (its `sandbox-paths` give the
/// sandbox a `/bin/sh`), with this test's settings after it.
fn daemon_conf(dir: &Path, extra: &str) -> PathBuf {
    let prefix = std::env::var("NIXNEW_PREFIX").unwrap_or_else(|_| "/opt/nixnew".into());
    let base = fs::read_to_string(Path::new(&prefix).join("etc/nix/nix.conf")).unwrap_or_default();
    let conf = dir.join("conf");
    fs::create_dir_all(&conf).unwrap();
    fs::write(
        conf.join("nix.conf"),
        format!("{base}\nsandbox = true\nsubstituters =\nexperimental-features = nix-command\n{extra}\n"),
    )
    .unwrap();
    conf
}

fn start_daemon(nix_new: &Path, dir: &Path, name: &str, store: &Path, extra: &str) -> Daemon {
    let conf = daemon_conf(&dir.join(name), extra);
    let socket = dir.join(name).join("socket");
    let child = Command::new(nix_new)
        .arg("nix-daemon")
        .arg("--store")
        .arg(store)
        .env("NIX_CONF_DIR", &conf)
        .env("NIX_DAEMON_SOCKET_PATH", &socket)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(dir.join(format!("{name}.log"))).unwrap())
        .spawn()
        .expect("start nix-daemon");
    for _ in 0..200 {
        if std::os::unix::net::UnixStream::connect(&socket).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Daemon { child, socket }
}

/// `tern ARGS…` with its staging store at `staging`.
fn tern_at(staging: &Path, cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(tern_bin());
    c.args(args).current_dir(cwd).stdin(Stdio::null());
    c.env("XDG_CONFIG_HOME", cwd.join(".no-config")).env("TERN_STORE", staging).env_remove("NIX_DAEMON_SOCKET_PATH");
    c
}

fn nix(nix_new: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(nix_new).arg(program).args(args).output().unwrap()
}

pub fn builds_through_a_cppnix_daemon() -> Result<Completion, Failed> {
    let Some(nix_new) = nix_new() else { return gate::missing("current CppNix (shared/tools/nix-new)") };
    if !gate::is_root() {
        return gate::missing("root (the daemon's sandboxed builds in its chroot store)");
    }
    gate::run_body(move || daemon_builds(&nix_new))
}

/// A directory for the daemon's chroot store: CppNix refuses one below a
/// world-writable directory or a symlink (such as /tmp, where a checkout may
/// live), so the target directory is used only when none of its ancestors is
/// one; else a root-owned directory under /var/lib (the test runs as root).
fn safe_base() -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let unsafe_ancestor = target.ancestors().any(|a| match fs::symlink_metadata(a) {
        Ok(m) => m.file_type().is_symlink() || m.permissions().mode() & 0o002 != 0,
        Err(_) => true,
    });
    if !unsafe_ancestor {
        return target.to_path_buf();
    }
    let base = Path::new("/var/lib/tern-tests");
    fs::create_dir_all(base).unwrap();
    fs::set_permissions(base, fs::Permissions::from_mode(0o755)).unwrap();
    base.to_path_buf()
}

fn daemon_builds(nix_new: &Path) {
    let dir = tempfile::tempdir_in(safe_base()).unwrap();
    let d = dir.path();
    let chroot = d.join("chroot");
    let daemon = start_daemon(nix_new, d, "daemon", &chroot, "trusted-users = nobody");
    let uri = format!("unix://{}", daemon.socket.display());
    let staging = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let salt = format!("daemon-{}-{:?}", std::process::id(), std::time::SystemTime::now());
    fs::write(cwd.path().join("src.txt"), "a source\n").unwrap();
    // The sandbox has only a static bash as /bin/sh (no coreutils): the
    // builders use its builtins, so every output is a file.
    let expr = format!(
        r#"let
          sh = args: name: derivation {{ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}"; args = [ "-c" args ]; }};
          a = sh "echo building a in the daemon; echo a > $out" "daemon-a";
          b = sh "read x < ${{a}}; echo \"$x b ${{./src.txt}}\" > $out" "daemon-b";
        in sh "read x < ${{b}}; echo \"$x\" > $out; echo ${{a}} >> $out" "daemon-c""#
    );
    fs::write(cwd.path().join("graph.nix"), &expr).unwrap();
    let daemon_log = || fs::read_to_string(d.join("daemon.log")).unwrap_or_default();

    let o = run(tern_at(staging.root(), cwd.path(), &["build", "graph.nix", "--store", &uri, "-L"]));
    assert!(o.status.success(), "{}\ndaemon:\n{}", stderr(&o), daemon_log());
    assert!(stderr(&o).contains("building a in the daemon"), "-L shows the daemon's build log: {}", stderr(&o));
    let out = stdout(&o).trim().to_string();
    assert!(out.starts_with("/nix/store/") && out.ends_with("-daemon-c"), "{out}");

    // Valid in the daemon's store, with the right contents, and not built
    // into tern's staging store.
    let chroot_arg = chroot.to_str().unwrap();
    let v = nix(nix_new, "nix-store", &["--store", chroot_arg, "--verify-path", &out]);
    assert!(v.status.success(), "valid in the daemon's store: {}", String::from_utf8_lossy(&v.stderr));
    let text = fs::read_to_string(chroot.join(out.trim_start_matches('/'))).unwrap();
    assert!(text.starts_with("a b /nix/store/") && text.contains("-src.txt"), "{text}");
    assert!(!staging.valid(&tern::store::StorePath::parse(&out).unwrap()), "built there, not here");
    let refs = nix(nix_new, "nix-store", &["--store", chroot_arg, "-q", "--references", &out]);
    let refs = String::from_utf8_lossy(&refs.stdout).into_owned();
    assert!(refs.contains("-daemon-a") && refs.contains("-src.txt"), "{refs}");

    // `result` points at the daemon's path and is its indirect GC root.
    let link = cwd.path().join("result");
    assert_eq!(fs::read_link(&link).unwrap(), PathBuf::from(&out));
    let roots: Vec<PathBuf> = fs::read_dir(chroot.join("nix/var/nix/gcroots/auto"))
        .map(|r| r.flatten().filter_map(|e| fs::read_link(e.path()).ok()).collect())
        .unwrap_or_default();
    assert!(roots.contains(&link), "indirect roots there: {roots:?}");

    // path-info asks the daemon: the NAR hash CppNix reports.
    let o = run(tern_at(staging.root(), cwd.path(), &["path-info", "--store", &uri, "-r", &out]));
    assert!(o.status.success(), "{}", stderr(&o));
    let hash = nix(nix_new, "nix-store", &["--store", chroot_arg, "-q", "--hash", &out]);
    let hash = String::from_utf8_lossy(&hash.stdout).trim().to_string();
    let listed = stdout(&o);
    assert!(listed.lines().any(|l| l.starts_with(&format!("{out}\t{hash}\t"))), "{listed}\nvs {hash}");
    assert_eq!(listed.lines().count(), 3, "c, a and the source: {listed}");

    // `--store daemon` is the socket of NIX_DAEMON_SOCKET_PATH; built
    // already, so the same path without building.
    let mut cmd = tern_at(staging.root(), cwd.path(), &["build", "graph.nix", "--store", "daemon", "--no-link"]);
    let o = run(cmd.env("NIX_DAEMON_SOCKET_PATH", &daemon.socket));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), out);
    assert!(!stderr(&o).contains("building"), "nothing built again: {}", stderr(&o));

    // instantiate: the printed .drv is valid in the daemon's store.
    let one = format!(
        r#"derivation {{ name = "daemon-drv"; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}"; }}"#
    );
    let o = run(tern_at(staging.root(), cwd.path(), &["instantiate", "--store", &uri, "-E", &one]));
    assert!(o.status.success(), "{}", stderr(&o));
    let drv = stdout(&o).trim().to_string();
    let v = nix(nix_new, "nix-store", &["--store", chroot_arg, "--verify-path", &drv]);
    assert!(v.status.success(), "{drv} there: {}", String::from_utf8_lossy(&v.stderr));

    // A failing build (and one depending on it) is reported once, with
    // CppNix's exit status for a failed builder.
    let failing = format!(
        r#"let bad = derivation {{ name = "daemon-fails"; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}"; args = [ "-c" "echo it goes wrong; exit 3" ]; }};
        in derivation {{ name = "daemon-after"; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}"; args = [ "-c" "echo ${{bad}} > $out" ]; }}"#
    );
    let o = run(tern_at(staging.root(), cwd.path(), &["build", "--store", &uri, "-E", &failing]));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(100), "a build failure: {err}");
    assert_eq!(err.matches("builder failed with exit code 3").count(), 1, "reported once: {err}");
    assert!(err.contains("daemon-after") && err.contains("dependency"), "{err}");
    assert!(!err.contains('\x1b'), "no colours: {err}");

    // No socket; a daemon that refuses this user.
    let o = run(tern_at(staging.root(), cwd.path(), &["build", "graph.nix", "--store", "unix:///nonexistent/socket"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("there is no socket '/nonexistent/socket'"), "{}", stderr(&o));
    let strict = start_daemon(nix_new, d, "strict", &chroot, "allowed-users = nobody\ntrusted-users = nobody");
    let strict_uri = format!("unix://{}", strict.socket.display());
    let o = run(tern_at(staging.root(), cwd.path(), &["build", "graph.nix", "--store", &strict_uri]));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("refuses this user"), "{}", stderr(&o));
    drop(strict);
    drop(daemon);
}
