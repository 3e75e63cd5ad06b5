//! Nothing is lost when builds fail or tern is killed: a failing builder
//! leaves no valid output and keeps its log; SIGKILL of tern kills its
//! builders and leaves only garbage that the next build removes; SIGTERM
//! cleans up at once; two tern processes build a derivation once.

use std::fs;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::*;

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn alive(pid: i32) -> bool {
    // A zombie counts as dead: look at the state in /proc.
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => !s.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z'),
        Err(_) => false,
    }
}

#[test]
fn failing_build_keeps_log_and_nothing_else() {
    let ts = TestStore::new();
    let d =
        Drv::sh("failing", "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line $i; done; echo partial > $out; exit 3")
            .add(&ts.store);
    let cwd = tempfile::tempdir().unwrap();
    let o = run(tern(ts.root(), cwd.path(), &["build", "-K", &d.to_string()]));
    assert_eq!(o.status.code(), Some(100));
    let err = stderr(&o);
    let want =
        format!("error: builder for '{d}' failed with exit code 3;\n       last 10 log lines:\n       > line 3\n");
    assert!(err.contains(&want), "{err}");
    assert!(err.contains("       > line 12\n"), "{err}");
    assert!(err.contains(&format!("For full logs, run 'tern log --store {} {d}'.", ts.root().display())), "{err}");
    let o2 = out(&ts.store, &d);
    assert!(!ts.valid(&o2));
    assert!(!ts.store.real_path(&o2).exists(), "the partial output was removed");
    assert!(!cwd.path().join("result").exists());
    // The full log is kept.
    let log = run(tern(ts.root(), cwd.path(), &["log", &d.to_string()]));
    assert_eq!(stdout(&log).lines().count(), 12);
    // -K kept the build directory and said where.
    let line = err.lines().find(|l| l.starts_with("note: keeping build directory '")).expect("note");
    let dir = line.trim_start_matches("note: keeping build directory '").trim_end_matches('\'');
    assert!(dir.contains("nix-build-failing.drv-"), "{dir}");
    assert!(Path::new(dir).is_dir());
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn build_directory_is_removed() {
    let ts = TestStore::new();
    let d = Drv::sh("where", "echo $PWD > $out").add(&ts.store);
    tern::build::realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap();
    let dir = String::from_utf8(ts.read(&out(&ts.store, &d))).unwrap();
    assert!(dir.trim().contains("/nix-build-where.drv-"), "{dir}");
    assert!(!Path::new(dir.trim()).exists());
}

/// A builder that writes a partial output, records its PIDs (its own and a
/// background child's, as seen outside), then waits for `go` unless `done`
/// exists, then completes the output.
fn slow_drv(ts: &TestStore, name: &str) -> (tern::store::StorePath, std::path::PathBuf) {
    let dir = ts.dir.path().join(format!("{name}-ctl"));
    fs::create_dir_all(&dir).unwrap();
    let d = dir.display();
    let script = format!(
        "echo partial > $out; echo $PWD > {d}/pwd; /bin/sh -c '/bin/sleep 60' {d}/bg & echo started > {d}/started; \
         while [ ! -e {d}/done ]; do /bin/sleep 0.05; done; echo complete >> $out"
    );
    (Drv::sh(name, &script).add(&ts.store), dir)
}

/// PIDs (outside view) of processes whose command line mentions `needle`.
fn pids_with(needle: &str) -> Vec<i32> {
    let mut v = Vec::new();
    for e in fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        if let Ok(cmd) = fs::read(format!("/proc/{pid}/cmdline")) {
            if String::from_utf8_lossy(&cmd).contains(needle) && alive(pid) {
                v.push(pid);
            }
        }
    }
    v
}

/// `tern build` unsandboxed: these tests watch the builder's files and
/// host PIDs from outside.
fn spawn_build(ts: &TestStore, cwd: &Path, drv: &tern::store::StorePath) -> Child {
    without_sandbox(cwd);
    tern(ts.root(), cwd, &["build", "--no-link", &drv.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn sigkill_of_tern_kills_builders_and_next_build_succeeds() {
    let ts = TestStore::new();
    let (d, ctl) = slow_drv(&ts, "killed");
    let o = out(&ts.store, &d);
    let mut child = spawn_build(&ts, ts.dir.path(), &d);
    wait_for("the builder to start", || ctl.join("started").exists());
    let needle = ctl.display().to_string();
    assert!(!pids_with(&needle).is_empty(), "builder visible");
    // SAFETY: kills the tern we started.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    let _ = child.wait();
    wait_for("the builders to die with tern", || pids_with(&needle).is_empty());
    // The half-built output is garbage: present, not valid.
    assert!(!ts.valid(&o));
    assert_eq!(fs::read_to_string(ts.store.real_path(&o)).unwrap(), "partial\n");
    // A SIGKILLed tern leaves its build directory behind…
    let dir = fs::read_to_string(ctl.join("pwd")).unwrap();
    assert!(Path::new(dir.trim()).is_dir());
    // …which the next run removes; that build replaces the garbage and succeeds.
    fs::write(ctl.join("done"), "").unwrap();
    let r = run(tern(ts.root(), ts.dir.path(), &["build", "--no-link", &d.to_string()]));
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(!Path::new(dir.trim()).exists(), "the killed build's directory was cleaned up");
    assert_eq!(stdout(&r), format!("{o}\n"));
    assert!(ts.valid(&o));
    assert_eq!(fs::read_to_string(ts.store.real_path(&o)).unwrap(), "partial\ncomplete\n");
}

#[test]
fn sigterm_and_sigint_clean_up() {
    for (sig, name) in [(libc::SIGTERM, "termed"), (libc::SIGINT, "inted")] {
        let ts = TestStore::new();
        let (d, ctl) = slow_drv(&ts, name);
        let o = out(&ts.store, &d);
        let child = spawn_build(&ts, ts.dir.path(), &d);
        wait_for("the builder to start", || ctl.join("started").exists());
        // SAFETY: signals the tern we started.
        unsafe { libc::kill(child.id() as i32, sig) };
        let res = child.wait_with_output().unwrap();
        assert_eq!(res.status.code(), Some(1), "{}", stderr(&res));
        assert!(stderr(&res).contains("error: interrupted by the user"), "{}", stderr(&res));
        assert!(pids_with(&ctl.display().to_string()).is_empty());
        assert!(!ts.valid(&o));
        assert!(!ts.store.real_path(&o).exists(), "removed on the way out");
    }
}

#[test]
fn two_processes_build_once() {
    let ts = TestStore::new();
    let counter = ts.dir.path().join("counter");
    let d = Drv::sh("counted", &format!("echo built >> {}; /bin/sleep 1; echo ok > $out", counter.display()))
        .add(&ts.store);
    let o = out(&ts.store, &d);
    let a = spawn_build(&ts, ts.dir.path(), &d);
    let b = spawn_build(&ts, ts.dir.path(), &d);
    for c in [a, b] {
        let r = c.wait_with_output().unwrap();
        assert!(r.status.success(), "{}", stderr(&r));
        assert_eq!(stdout(&r), format!("{o}\n"));
    }
    assert_eq!(fs::read_to_string(&counter).unwrap(), "built\n", "built exactly once");
    assert!(ts.valid(&o));
}

#[test]
fn leftover_of_a_crash_is_replaced() {
    let ts = TestStore::new();
    let d = Drv::sh("leftover", "/bin/mkdir $out; echo fresh > $out/f").add(&ts.store);
    let o = out(&ts.store, &d);
    // Garbage at the output's place, read-only like a canonicalised tree,
    // of a build that tern recorded before it was killed.
    ts.store.mark_pending(std::slice::from_ref(&o)).unwrap();
    let real = ts.store.real_path(&o);
    fs::create_dir_all(real.join("junk")).unwrap();
    fs::write(real.join("junk/x"), "old").unwrap();
    tern::store::canonicalise(&real).unwrap();
    tern::build::realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap();
    assert!(!real.join("junk").exists());
    assert_eq!(fs::read_to_string(real.join("f")).unwrap(), "fresh\n");
}

#[test]
fn a_path_tern_did_not_make_is_never_replaced() {
    let ts = TestStore::new();
    let d = Drv::sh("theirs", "echo ours > $out").add(&ts.store);
    let o = out(&ts.store, &d);
    // Put there by someone else (CppNix, a user): tern never recorded it.
    let real = ts.store.real_path(&o);
    fs::write(&real, "theirs\n").unwrap();
    let e = tern::build::realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap_err();
    assert!(e.to_string().contains("tern neither registered it nor was building it"), "{e}");
    assert_eq!(fs::read_to_string(&real).unwrap(), "theirs\n");
    assert!(!ts.valid(&o));
    // Nor is an added object put over something else at its name; the same
    // object there (left by a crash before registration) is taken as is.
    let elsewhere = TestStore::new();
    let note = elsewhere.store.add_text("note", b"mine\n", &Default::default()).unwrap();
    let real = ts.store.real_path(&note);
    fs::write(&real, "other\n").unwrap();
    let e = ts.store.add_text("note", b"mine\n", &Default::default()).unwrap_err();
    assert!(e.to_string().contains("tern did not register it; tern will not overwrite it"), "{e}");
    assert_eq!(fs::read_to_string(&real).unwrap(), "other\n");
    fs::write(&real, "mine\n").unwrap();
    assert_eq!(ts.store.add_text("note", b"mine\n", &Default::default()).unwrap(), note);
    assert!(ts.valid(&note));
}
