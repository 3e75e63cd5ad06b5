//! Remote builders over `ssh://` and `ssh-ng://` against a real CppNix: the
//! test starts its own `sshd` on 127.0.0.1 (its own host and user keys,
//! `SetEnv PATH` so the remote side runs current CppNix's `nix-store --serve
//! --write` or `nix-daemon --stdio` through `shared/tools/nix-new`), builds a
//! small graph with `--max-jobs 0`, and
//! checks the outputs are valid in both stores, the log came back, a down
//! machine is skipped, and a failing build is reported once. The remote
//! store is the machine's `/nix` (as a real builder's would be); every
//! derivation is salted so it is built afresh. sshd is stopped by PID.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use libtest_mimic::{Completion, Failed};

use crate::gate;
use crate::support::*;

pub struct Sshd {
    pub child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn keygen(file: &Path) {
    let o = Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-f"]).arg(file).output().unwrap();
    assert!(o.status.success(), "ssh-keygen: {}", String::from_utf8_lossy(&o.stderr));
}

pub fn start_sshd(nix_new: &Path) -> Sshd {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    keygen(&d.join("host_key"));
    keygen(&d.join("user_key"));
    fs::copy(d.join("user_key.pub"), d.join("authorized_keys")).unwrap();
    // The remote PATH finds current CppNix's nix-store first.
    let bin = d.join("bin");
    fs::create_dir(&bin).unwrap();
    for program in ["nix-store", "nix-daemon"] {
        let wrapper = bin.join(program);
        fs::write(&wrapper, format!("#!/bin/sh\nexec {} {program} \"$@\"\n", nix_new.display())).unwrap();
        fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let port = free_port();
    let config = d.join("sshd_config");
    fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {host}\nAuthorizedKeysFile {auth}\nPidFile {pid}\n\
             StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
             PermitRootLogin prohibit-password\nSetEnv PATH={bin}:/usr/bin:/bin\n",
            host = d.join("host_key").display(),
            auth = d.join("authorized_keys").display(),
            pid = d.join("sshd.pid").display(),
            bin = bin.display(),
        ),
    )
    .unwrap();
    fs::create_dir_all("/run/sshd").unwrap();
    let child = Command::new("/usr/sbin/sshd")
        .args(["-D", "-e", "-f"])
        .arg(&config)
        .stderr(fs::File::create(d.join("sshd.log")).unwrap())
        .spawn()
        .expect("start sshd");
    // Wait until it listens.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Sshd { child, port, dir }
}

impl Sshd {
    /// A machines-format line for this server.
    pub fn machine(&self, scheme: &str, speed: u32) -> String {
        use base64::Engine;
        let host_pub = fs::read_to_string(self.dir.path().join("host_key.pub")).unwrap();
        let key_part: Vec<&str> = host_pub.split_whitespace().take(2).collect();
        let host_key = base64::engine::general_purpose::STANDARD.encode(key_part.join(" "));
        format!(
            "{scheme}://root@127.0.0.1:{} x86_64-linux {} 2 {speed} - - {host_key}",
            self.port,
            self.dir.path().join("user_key").display()
        )
    }
}

pub fn nix_new() -> Option<PathBuf> {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/nix-new");
    tool.exists().then(|| tool.canonicalize().unwrap())
}

/// What the remote tests need: ssh, sshd, current CppNix, root. `Err`: the
/// test's outcome without them.
pub fn prerequisites() -> Result<PathBuf, Result<Completion, Failed>> {
    if let Some(skipped) = gate::require(&["ssh", "ssh-keygen", "nix-store"]) {
        return Err(skipped);
    }
    if !Path::new("/usr/sbin/sshd").exists() {
        return Err(gate::missing("sshd (openssh-server)"));
    }
    let Some(nix_new) = nix_new() else { return Err(gate::missing("current CppNix (shared/tools/nix-new)")) };
    if !gate::is_root() {
        return Err(gate::missing("root (sshd and the remote /nix store)"));
    }
    Ok(nix_new)
}

pub fn builds_on_a_remote_cppnix_over_ssh() -> Result<Completion, Failed> {
    match prerequisites() {
        Ok(nix_new) => gate::run_body(move || remote_builds(&nix_new, "ssh")),
        Err(outcome) => outcome,
    }
}

pub fn builds_on_a_remote_cppnix_over_ssh_ng() -> Result<Completion, Failed> {
    match prerequisites() {
        Ok(nix_new) => gate::run_body(move || remote_builds(&nix_new, "ssh-ng")),
        Err(outcome) => outcome,
    }
}

fn remote_builds(nix_new: &Path, scheme: &str) {
    let sshd = start_sshd(nix_new);
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let salt = format!("{scheme}-{}-{:?}", std::process::id(), std::time::SystemTime::now());
    fs::write(cwd.path().join("src.txt"), "a source\n").unwrap();
    let expr = format!(
        r#"let
          sh = args: name: derivation {{ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}"; args = [ "-c" args ]; }};
          a = sh "echo building a on the remote side; echo a > $out" "remote-a";
          b = sh "read x < ${{a}}; echo \"$x b ${{./src.txt}}\" > $out" "remote-b";
        in sh "/bin/mkdir $out; /bin/cat ${{b}} > $out/c; echo ${{a}} > $out/refers-to-a" "remote-c""#
    );
    fs::write(cwd.path().join("graph.nix"), &expr).unwrap();
    let dead_port = free_port();
    // The dead machine first (higher speed factor), then the live one.
    let builders = format!(
        "{scheme}://root@127.0.0.1:{dead_port} x86_64-linux {} 1 5 - -\n{}",
        sshd.dir.path().join("user_key").display(),
        sshd.machine(scheme, 1)
    );
    let o = run(tern(ts.root(), cwd.path(), &["build", "graph.nix", "--max-jobs", "0", "--builders", &builders]));
    let log = fs::read_to_string(sshd.dir.path().join("sshd.log")).unwrap_or_default();
    assert!(o.status.success(), "{}\nsshd:\n{log}", stderr(&o));
    assert!(stderr(&o).contains("is unusable"), "the dead machine was tried and skipped: {}", stderr(&o));
    let out = stdout(&o).trim().to_string();
    let c = ts.store.real_path(&tern::store::StorePath::parse(&out).unwrap());
    let text = fs::read_to_string(c.join("c")).unwrap();
    assert!(text.starts_with("a b /nix/store/"), "{text}");

    // Valid here, with the references the remote build found, and there.
    let info = ts.store.query_info(&tern::store::StorePath::parse(&out).unwrap()).unwrap().unwrap();
    let mut names: Vec<&str> = info.references.iter().map(|r| r.name()).collect();
    names.sort();
    assert_eq!(names, ["remote-a", "src.txt"], "c refers to a and, through b's text, the source");
    let check = Command::new("nix-store").args(["--check-validity", &out]).output().unwrap();
    assert!(check.status.success(), "the remote store has {out}: {}", String::from_utf8_lossy(&check.stderr));
    let remote_hash = Command::new("nix-store").args(["-q", "--hash", &out]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&remote_hash.stdout).trim(),
        info.nar_hash.encode(tern::store::HashFormat::Nix32, true),
        "the same NAR on both sides"
    );

    // The remote build's log came back.
    let mut found = false;
    for entry in walk(&ts.root().join("var/log/drvs")) {
        let name = entry.file_name().unwrap().to_string_lossy().into_owned();
        let drv = format!("/nix/store/{}{}", entry.parent().unwrap().file_name().unwrap().to_string_lossy(), name);
        let drv = drv.trim_end_matches(".bz2").to_string();
        let l = run(tern(ts.root(), cwd.path(), &["log", &drv]));
        found |= stdout(&l).contains("building a on the remote side");
    }
    assert!(found, "tern log shows the remote build's output");

    // tern copy: a path made here goes there; the built closure comes back
    // into an empty store. The ssh options come from NIX_SSHOPTS.
    let known_hosts = sshd.dir.path().join("known_hosts");
    let host_pub = fs::read_to_string(sshd.dir.path().join("host_key.pub")).unwrap();
    fs::write(&known_hosts, format!("[127.0.0.1]:{} {host_pub}", sshd.port)).unwrap();
    let sshopts = format!(
        "-i {} -o UserKnownHostsFile={} -o StrictHostKeyChecking=yes",
        sshd.dir.path().join("user_key").display(),
        known_hosts.display()
    );
    let uri = format!("{scheme}://root@127.0.0.1:{}", sshd.port);
    let drv =
        format!(r#"derivation {{ name = "copied"; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}"; }}"#);
    let src = stdout(&run(tern(ts.root(), cwd.path(), &["instantiate", "-E", &drv]))).trim().to_string();
    let o = run(tern(ts.root(), cwd.path(), &["copy", "--to", &uri, &src]).env("NIX_SSHOPTS", &sshopts));
    assert!(o.status.success() && stderr(&o).contains("copied 1 path to"), "{}", stderr(&o));
    let check = Command::new("nix-store").args(["--check-validity", &src]).output().unwrap();
    assert!(check.status.success(), "copied there: {}", String::from_utf8_lossy(&check.stderr));
    let fresh = TestStore::new();
    let o = run(tern(fresh.root(), cwd.path(), &["copy", "--from", &uri, &out]).env("NIX_SSHOPTS", &sshopts));
    assert!(o.status.success() && stderr(&o).contains("copied 3 paths from"), "{}", stderr(&o));
    let copied = fresh.store.query_info(&tern::store::StorePath::parse(&out).unwrap()).unwrap().unwrap();
    assert_eq!((copied.nar_hash, copied.references), (info.nar_hash.clone(), info.references.clone()));
    assert_eq!(fs::read_to_string(fresh.store.real_path(&copied.path).join("c")).unwrap(), text);

    // A build that fails there is reported once, not retried here.
    let failing = format!(
        r#"derivation {{ name = "remote-fails"; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}"; args = [ "-c" "echo it goes wrong; exit 3" ]; }}"#
    );
    let mut cmd = tern(ts.root(), cwd.path(), &["build", "-E", &failing, "--builders", &sshd.machine(scheme, 1)]);
    let o = run(cmd.stdin(Stdio::null()));
    assert_eq!(o.status.code(), Some(100), "a build failure, as CppNix reports it: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("builder failed with exit code 3") && !err.contains('\x1b'), "{err}");
    let on = format!("on '{scheme}://root@127.0.0.1");
    assert_eq!(err.matches(&on).count(), 2, "one attempt, one failure message: {err}");
    assert!(err.contains("failed"), "{err}");
    assert!(!err.contains("here: no remote builder"), "not retried here: {err}");
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
