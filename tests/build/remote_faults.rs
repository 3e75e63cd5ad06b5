//! A remote builder that dies under tern: the test's `sshd` (and the session
//! processes under it, all started by the test) is killed by PID while a
//! build runs there, or while its output is being copied back. With
//! `--max-jobs 1` the derivation then builds here; with `--max-jobs 0` it
//! fails, naming the machine, and nothing half-copied is left in or
//! registered in tern's store. A builder entry that is down from the start
//! sits before the live one. Runs over both `ssh://` and `ssh-ng://`.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use libtest_mimic::{Completion, Failed};

use crate::gate;
use crate::remote::{free_port, prerequisites, start_sshd, Sshd};
use crate::support::*;

pub fn remote_dies_during_a_build_over_ssh() -> Result<Completion, Failed> {
    match prerequisites() {
        Ok(nix_new) => gate::run_body(move || faults(&nix_new, "ssh")),
        Err(outcome) => outcome,
    }
}

pub fn remote_dies_during_a_build_over_ssh_ng() -> Result<Completion, Failed> {
    match prerequisites() {
        Ok(nix_new) => gate::run_body(move || faults(&nix_new, "ssh-ng")),
        Err(outcome) => outcome,
    }
}

/// PIDs of the processes below `root` (by their parent PIDs in /proc).
fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    for e in fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = fs::read_to_string(e.path().join("stat")) else { continue };
        // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
        let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else { continue };
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
            parent_of.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(parent_of.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    found.remove(0);
    found
}

/// Kills the test's sshd and everything it started (sessions, the remote
/// nix-store/nix-daemon and its builders), each by its PID.
fn kill_machine(sshd: &mut Sshd) {
    let below = descendants(sshd.child.id());
    let _ = sshd.child.kill();
    let _ = sshd.child.wait();
    for pid in below {
        // SAFETY: plain system call; the PIDs are processes this test started.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Entries of tern's store directory whose names contain `part`.
fn store_entries(ts: &TestStore, part: &str) -> Vec<String> {
    let any = tern::store::StorePath::parse("/nix/store/00000000000000000000000000000000-x").unwrap();
    let dir = ts.store.real_path(&any).parent().unwrap().to_path_buf();
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(part))
        .collect()
}

fn faults(nix_new: &Path, scheme: &str) {
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let marks = tempfile::tempdir().unwrap();
    // The remote builder runs as a build user: let it leave marks.
    fs::set_permissions(marks.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let salt = format!("{scheme}-{}-{:?}", std::process::id(), std::time::SystemTime::now());
    let m = marks.path().display();
    let user_key = |s: &Sshd| s.dir.path().join("user_key").display().to_string();

    // 1. Killed while building: built here instead.
    let mut sshd = start_sshd(nix_new);
    let slow = format!(
        r#"derivation {{ name = "remote-slow"; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}";
             args = [ "-c" "echo started > {m}/started-$$; /bin/sleep 3; echo done > $out" ]; }}"#
    );
    let dead = format!("{scheme}://root@127.0.0.1:{} x86_64-linux {} 1 5 - -", free_port(), user_key(&sshd));
    let builders = format!("{dead}\n{}", sshd.machine(scheme, 1));
    let mut cmd = tern(ts.root(), cwd.path(), &["build", "-E", &slow, "--max-jobs", "1", "--builders", &builders]);
    let child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    wait_for("the remote build to start", || fs::read_dir(marks.path()).unwrap().next().is_some());
    kill_machine(&mut sshd);
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert!(o.status.success(), "built here after the remote builder died: {err}");
    let on = format!("'{scheme}://root@127.0.0.1:{}' is unusable", sshd.port);
    assert!(err.contains(&on), "the dead builder is named: {err}");
    assert!(err.contains(" is unusable") && err.matches("is unusable").count() >= 2, "both entries were down: {err}");
    let out = stdout(&o).trim().to_string();
    let path = tern::store::StorePath::parse(&out).unwrap();
    assert!(ts.valid(&path));
    assert_eq!(fs::read_to_string(ts.store.real_path(&path)).unwrap(), "done\n");
    let remote = std::process::Command::new("nix-store").args(["--check-validity", &out]).output().unwrap();
    assert!(!remote.status.success(), "the remote store never finished it");

    // 2. Killed while its output comes back, with --max-jobs 0: a clear
    // failure, and nothing of the output here.
    let mut sshd = start_sshd(nix_new);
    let big = format!(
        r#"derivation {{ name = "remote-big"; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}";
             args = [ "-c" "/bin/dd if=/dev/urandom of=$out bs=1M count=200 status=none" ]; }}"#
    );
    let builders = sshd.machine(scheme, 1);
    let expr = format!("({big}).outPath");
    let out = stdout(&run(tern(ts.root(), cwd.path(), &["eval", "--raw", "-E", &expr]))).trim().to_string();
    let hash_part = tern::store::StorePath::parse(&out).unwrap().hash_part().to_string();
    let mut cmd = tern(ts.root(), cwd.path(), &["build", "-E", &big, "--max-jobs", "0", "--builders", &builders]);
    let child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    // The output arrives in a temporary object named after its hash part.
    wait_for("the output to start coming back", || !store_entries(&ts, &format!("-{hash_part}")).is_empty());
    kill_machine(&mut sshd);
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert!(!o.status.success(), "--max-jobs 0 and no builder left: {err}");
    assert!(err.contains("no remote builder could take it") && err.contains(&format!("{scheme}://")), "{err}");
    assert_eq!(store_entries(&ts, &hash_part), Vec::<String>::new(), "nothing of the half-copied output is left");
    let path = tern::store::StorePath::parse(&out).unwrap();
    assert!(!ts.valid(&path), "not registered");
    // 200 MB less in the machine's store (it was built there).
    let _ = std::process::Command::new("nix-store").args(["--delete", &out]).output();
}
