//! Systems: `--list-systems`, the refusal of foreign derivations before
//! anything starts, an aarch64 build under qemu-user, and builds by an
//! unprivileged user (user namespaces).

use std::fs;
use std::process::Command;

use tern::store::{FileIngestionMethod, StorePath};

use crate::support::*;

fn host() -> String {
    tern::build::platform::host_system()
}

#[test]
fn list_systems() {
    let cwd = tempfile::tempdir().unwrap();
    let o = run(tern(cwd.path(), cwd.path(), &["build", "--list-systems"]));
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.starts_with(&format!("The available systems are:\n\n   - {} [current]\n", host())), "{text}");
    if host() == "x86_64-linux" {
        assert!(text.contains("   - i686-linux\n"));
        let o = run(tern(cwd.path(), cwd.path(), &["build", "--list-systems", "--system", "i686-linux"]));
        assert!(stdout(&o).contains("   - i686-linux [current]\n"), "{}", stdout(&o));
    }
}

#[test]
fn foreign_system_is_refused_before_starting() {
    let ts = TestStore::new();
    let foreign = if host() == "aarch64-linux" { "riscv64-linux" } else { "aarch64-linux" };
    let dep = Drv::sh("native-dep", "echo > $out").add(&ts.store);
    let d = Drv::sh("foreign", "echo > $out").system(foreign).input(&dep, &["out"]).add(&ts.store);
    let cwd = tempfile::tempdir().unwrap();
    let mut cmd = tern(ts.root(), cwd.path(), &["build", &d.to_string()]);
    cmd.env("PATH", "/usr/bin:/bin:/nonexistent-qemu-free"); // hint text depends on qemu being found
    let o = run(&mut cmd);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let first = format!("error: a '{foreign}' is required to build '{d}', but I am a '{}'\n", host());
    assert!(err.starts_with(&first), "{err}");
    let hint = err.lines().nth(1).unwrap();
    assert!(hint.starts_with("       hint: "), "{err}");
    assert!(hint.contains(&format!("--extra-platforms {foreign}")) && hint.contains("qemu"), "{err}");
    // Nothing started: not even the native dependency.
    assert!(!ts.valid(&out(&ts.store, &dep)));
    assert!(!tern::build::log::log_path(ts.root(), &dep).exists());
}

/// A static aarch64 program that writes its machine name and argc to $out.
const HELLO_C: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
int main(int argc, char **argv) {
    const char *out = getenv("out");
    if (!out) return 2;
    FILE *f = fopen(out, "w");
    if (!f) return 3;
    struct utsname u;
    uname(&u);
    fprintf(f, "hello from %s with %d arguments, first %s\n", u.machine, argc - 1, argc > 1 ? argv[1] : "-");
    return fclose(f) == 0 ? 0 : 4;
}
"#;

#[test]
fn aarch64_under_qemu_user() {
    if host() != "x86_64-linux" || !require(&["qemu-aarch64", "aarch64-linux-gnu-gcc"]) {
        return;
    }
    let ts = TestStore::new();
    let src = ts.dir.path().join("hello.c");
    fs::write(&src, HELLO_C).unwrap();
    let bin = ts.dir.path().join("hello-aarch64");
    let cc = Command::new("aarch64-linux-gnu-gcc").args(["-static", "-O2", "-o"]).arg(&bin).arg(&src).output().unwrap();
    assert!(cc.status.success(), "{}", String::from_utf8_lossy(&cc.stderr));
    let builder: StorePath = ts.store.add_path(&bin, "hello-aarch64", FileIngestionMethod::Recursive).unwrap();
    let mut d = Drv::sh("hello-arm", "");
    d.system = "aarch64-linux".into();
    d.builder = builder.to_string();
    d.args = vec!["first".into(), "second".into()];
    d.srcs = vec![builder.clone()];
    let d = d.add(&ts.store);
    let cwd = tempfile::tempdir().unwrap();

    // Refused without the option, with a hint naming it.
    let o = run(tern(ts.root(), cwd.path(), &["build", &d.to_string()]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--extra-platforms aarch64-linux"), "{}", stderr(&o));

    // Built under emulation with it; tern.conf works the same way.
    let o = run(tern(ts.root(), cwd.path(), &["build", "--extra-platforms", "aarch64-linux", &d.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let result = fs::read_to_string(cwd.path().join("result")).unwrap();
    assert_eq!(result, "hello from aarch64 with 2 arguments, first first\n");
    let conf = cwd.path().join(".no-config/tern");
    fs::create_dir_all(&conf).unwrap();
    fs::write(conf.join("tern.conf"), "extra-platforms = aarch64-linux\n").unwrap();
    let o = run(tern(ts.root(), cwd.path(), &["build", "--list-systems"]));
    assert!(stdout(&o).contains("   - aarch64-linux (emulated: "), "{}", stdout(&o));
    let o = run(tern(ts.root(), cwd.path(), &["build", "--check", &d.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));

    // A builder qemu-user cannot run (a script, or a program for this machine) is refused
    // in plain words before it starts, instead of qemu's "Invalid ELF image".
    let mut s = Drv::sh("script-arm", "echo > $out");
    s.system = "aarch64-linux".into();
    let s = s.add(&ts.store);
    let o = run(tern(ts.root(), cwd.path(), &["build", "--extra-platforms", "aarch64-linux", &s.to_string()]));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("cannot build for 'aarch64-linux' under emulation: the builder '/bin/sh' is a program for"),
        "{err}"
    );
    assert!(
        err.contains("qemu-aarch64 runs only aarch64 programs") && err.contains("--target aarch64-linux-gnu"),
        "{err}"
    );
    assert!(!ts.valid(&out(&ts.store, &s)));
}

#[test]
fn unprivileged_user_builds_through_a_user_namespace() {
    if !is_root() || !have("setpriv") {
        eprintln!("skipped: needs root and setpriv to become an unprivileged user");
        return;
    }
    // Can this kernel give unprivileged users namespaces at all?
    let probe = Command::new("setpriv")
        .args(["--reuid", "65534", "--regid", "65534", "--clear-groups", "unshare", "-Urm", "true"])
        .output();
    if !probe.map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("skipped: unprivileged user namespaces are disabled here");
        return;
    }
    // The checkout may live where that user cannot reach the binary (e.g. /root).
    let reach = Command::new("setpriv")
        .args(["--reuid", "65534", "--regid", "65534", "--clear-groups", "test", "-x", tern_bin()])
        .status();
    if !reach.map(|s| s.success()).unwrap_or(false) {
        eprintln!("skipped: user 65534 cannot run {}", tern_bin());
        return;
    }
    for view in ["bind", "newroot"] {
        let ts = TestStore::new();
        let d = Drv::sh("as-nobody", "/bin/id -u > $out; /bin/ls /nix/store >> $out").add(&ts.store);
        let chown = Command::new("chown").args(["-R", "65534:65534"]).arg(ts.root()).status().unwrap();
        assert!(chown.success());
        let o = Command::new("setpriv")
            .args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
            .arg(tern_bin())
            .args(["build", "--no-link", "--store"])
            .arg(ts.root())
            .arg(d.to_string())
            .env("HOME", ts.root())
            .env("TERN_BUILD_STORE_VIEW", view)
            .env("XDG_CONFIG_HOME", ts.root().join("cfg"))
            .current_dir(ts.root())
            .output()
            .unwrap();
        assert!(o.status.success(), "{view}: {}", stderr(&o));
        let text = fs::read_to_string(ts.store.real_path(&out(&ts.store, &d))).unwrap();
        assert!(text.starts_with("65534\n") && text.contains(d.base_name()), "{view}: {text}");
    }
}

/// A static aarch64 program: with an argument it executes that program
/// (so the kernel itself must know how to run it), without one it writes
/// its machine name to $out.
const EXEC_C: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/utsname.h>
int main(int argc, char **argv) {
    if (argc > 1) {
        execv(argv[1], argv + 1);
        perror("execv");
        return 5;
    }
    FILE *f = fopen(getenv("out"), "w");
    struct utsname u;
    uname(&u);
    fprintf(f, "exec'd on %s\n", u.machine);
    return fclose(f) == 0 ? 0 : 4;
}
"#;

/// Linux ≥ 6.7 gives each user namespace its own binfmt_misc: an emulated
/// builder gets qemu registered there, so a foreign program it starts runs
/// too (qemu-user alone would answer "Exec format error"), and the host's
/// binfmt_misc is left as it was.
#[test]
fn private_binfmt_runs_every_foreign_program() {
    if host() != "x86_64-linux" || !require(&["qemu-aarch64", "aarch64-linux-gnu-gcc"]) {
        return;
    }
    let mut probe = Command::new("unshare");
    probe.args(["-Urm", "mount", "-t", "binfmt_misc", "none", "/proc/sys/fs/binfmt_misc"]);
    if !probe.output().map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("skipped: this kernel has no binfmt_misc per user namespace (Linux < 6.7)");
        return;
    }
    let host_entries = || fs::read_dir("/proc/sys/fs/binfmt_misc").map(|d| d.count()).unwrap_or(0);
    let before = host_entries();
    let ts = TestStore::new();
    let src = ts.dir.path().join("exec.c");
    fs::write(&src, EXEC_C).unwrap();
    let bin = ts.dir.path().join("exec-aarch64");
    let cc = Command::new("aarch64-linux-gnu-gcc").args(["-static", "-O2", "-o"]).arg(&bin).arg(&src).output().unwrap();
    assert!(cc.status.success(), "{}", String::from_utf8_lossy(&cc.stderr));
    let prog: StorePath = ts.store.add_path(&bin, "exec-aarch64", FileIngestionMethod::Recursive).unwrap();
    let mut d = Drv::sh("exec-arm", "");
    d.system = "aarch64-linux".into();
    d.builder = prog.to_string();
    d.args = vec![prog.to_string()];
    d.srcs = vec![prog.clone()];
    let d = d.add(&ts.store);
    let cwd = tempfile::tempdir().unwrap();

    let o = run(tern(ts.root(), cwd.path(), &["build", "--list-systems", "--extra-platforms", "aarch64-linux"]));
    assert!(stdout(&o).contains("   - aarch64-linux (emulated: ") && stdout(&o).contains("in a private binfmt_misc)"));
    let o = run(tern(ts.root(), cwd.path(), &["build", "--extra-platforms", "aarch64-linux", &d.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(cwd.path().join("result")).unwrap(), "exec'd on aarch64\n");
    assert_eq!(host_entries(), before, "the host's binfmt_misc is untouched");

    // Without private instances (older kernels) tern wraps the builder in qemu, which
    // cannot start a second foreign program: the build fails, showing the difference.
    let mut d2 = Drv::sh("exec-arm-wrapped", "");
    d2.system = "aarch64-linux".into();
    d2.builder = prog.to_string();
    d2.args = vec![prog.to_string()];
    d2.srcs = vec![prog.clone()];
    let d2 = d2.add(&ts.store);
    let mut cmd =
        tern(ts.root(), cwd.path(), &["build", "--no-link", "--extra-platforms", "aarch64-linux", &d2.to_string()]);
    cmd.env("TERN_BUILD_NO_PRIVATE_BINFMT", "1");
    let o = run(cmd);
    if fs::metadata("/proc/sys/fs/binfmt_misc/qemu-aarch64").is_err() {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("execv: Exec format error"), "{}", stderr(&o));
    }
}
