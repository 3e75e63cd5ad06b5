//! Builds that need outside tools: an aarch64 build under qemu-user (with a
//! static aarch64 builder from Debian's cross compiler) and builds by an
//! unprivileged user (root, `setpriv` and user namespaces). Each reports itself
//! skipped where it cannot run (failed under `CI=true` for a missing tool).

use std::fs;
use std::process::Command;

use libtest_mimic::{Completion, Failed};
use tern::store::{FileIngestionMethod, StorePath};

use crate::gate;
use crate::support::*;

fn host() -> String {
    tern::build::platform::host_system()
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

pub fn aarch64_under_qemu_user() -> Result<Completion, Failed> {
    if host() != "x86_64-linux" {
        return Ok(Completion::ignored_with("skipped: the aarch64 builder is compiled on x86_64-linux"));
    }
    if let Some(skipped) = gate::require(&["qemu-aarch64", "aarch64-linux-gnu-gcc"]) {
        return skipped;
    }
    gate::run_body(build_under_qemu_user)
}

fn build_under_qemu_user() {
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

pub fn unprivileged_user_builds_through_a_user_namespace() -> Result<Completion, Failed> {
    if !gate::is_root() {
        return Ok(Completion::ignored_with("skipped: needs root to become an unprivileged user"));
    }
    if let Some(skipped) = gate::require(&["setpriv"]) {
        return skipped;
    }
    // Can this kernel give unprivileged users namespaces at all?
    let probe = Command::new("setpriv")
        .args(["--reuid", "65534", "--regid", "65534", "--clear-groups", "unshare", "-Urm", "true"])
        .output();
    if !probe.map(|o| o.status.success()).unwrap_or(false) {
        return Ok(Completion::ignored_with("skipped: unprivileged user namespaces are disabled here"));
    }
    // The checkout may live where that user cannot reach the binary (e.g. /root).
    let reach = Command::new("setpriv")
        .args(["--reuid", "65534", "--regid", "65534", "--clear-groups", "test", "-x", tern_bin()])
        .status();
    if !reach.map(|s| s.success()).unwrap_or(false) {
        return Ok(Completion::ignored_with(format!("skipped: user 65534 cannot run {}", tern_bin())));
    }
    gate::run_body(build_as_nobody)
}

fn build_as_nobody() {
    // Unsandboxed, with each store view: the builder runs as the user; isolated
    // (None): as the sandbox's uid 1000, seeing only its closure at /nix/store.
    for view in [Some("bind"), Some("newroot"), None] {
        let ts = TestStore::new();
        let d = Drv::sh("as-nobody", "/bin/id -u > $out; /bin/ls /nix/store >> $out").add(&ts.store);
        let cfg = ts.root().join("cfg/tern");
        fs::create_dir_all(&cfg).unwrap();
        fs::write(cfg.join("tern.conf"), if view.is_some() { "sandbox = false\n" } else { "" }).unwrap();
        let chown = Command::new("chown").args(["-R", "65534:65534"]).arg(ts.root()).status().unwrap();
        assert!(chown.success());
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
            .arg(tern_bin())
            .args(["build", "--no-link", "--store"])
            .arg(ts.root())
            .arg(d.to_string())
            .env("HOME", ts.root())
            .env("XDG_CONFIG_HOME", ts.root().join("cfg"))
            .current_dir(ts.root());
        if let Some(view) = view {
            cmd.env("TERN_BUILD_STORE_VIEW", view);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{view:?}: {}", stderr(&o));
        let text = fs::read_to_string(ts.store.real_path(&out(&ts.store, &d))).unwrap();
        if view.is_some() {
            assert!(text.starts_with("65534\n") && text.contains(d.base_name()), "{view:?}: {text}");
        } else {
            assert!(text.starts_with("1000\n") && !text.contains(d.base_name()), "isolated: {text}");
        }
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
pub fn private_binfmt_runs_every_foreign_program() -> Result<Completion, Failed> {
    if host() != "x86_64-linux" {
        return Ok(Completion::ignored_with("skipped: the aarch64 program is compiled on x86_64-linux"));
    }
    if let Some(skipped) = gate::require(&["qemu-aarch64", "aarch64-linux-gnu-gcc", "unshare"]) {
        return skipped;
    }
    let mut probe = Command::new("unshare");
    probe.args(["-Urm", "mount", "-t", "binfmt_misc", "none", "/proc/sys/fs/binfmt_misc"]);
    if !probe.output().map(|o| o.status.success()).unwrap_or(false) {
        return Ok(Completion::ignored_with(
            "skipped: this kernel has no binfmt_misc per user namespace (Linux < 6.7)",
        ));
    }
    gate::run_body(exec_foreign_programs)
}

fn exec_foreign_programs() {
    let host_entries = || fs::read_dir("/proc/sys/fs/binfmt_misc").map(|d| d.count()).unwrap_or(0);
    let before = host_entries();
    // The isolated sandbox (the default) and `sandbox = false` both register
    // qemu in the builder's own instance.
    for sandbox in [true, false] {
        let ts = TestStore::new();
        let src = ts.dir.path().join("exec.c");
        fs::write(&src, EXEC_C).unwrap();
        let bin = ts.dir.path().join("exec-aarch64");
        let cc =
            Command::new("aarch64-linux-gnu-gcc").args(["-static", "-O2", "-o"]).arg(&bin).arg(&src).output().unwrap();
        assert!(cc.status.success(), "{}", String::from_utf8_lossy(&cc.stderr));
        let prog: StorePath = ts.store.add_path(&bin, "exec-aarch64", FileIngestionMethod::Recursive).unwrap();
        let foreign = |name: &str| {
            let mut d = Drv::sh(name, "");
            d.system = "aarch64-linux".into();
            d.builder = prog.to_string();
            d.args = vec![prog.to_string()];
            d.srcs = vec![prog.clone()];
            d.add(&ts.store)
        };
        let d = foreign("exec-arm");
        let cwd = tempfile::tempdir().unwrap();
        let conf = cwd.path().join(".no-config/tern");
        fs::create_dir_all(&conf).unwrap();
        fs::write(conf.join("tern.conf"), if sandbox { "" } else { "sandbox = false\n" }).unwrap();

        let o = run(tern(ts.root(), cwd.path(), &["build", "--list-systems", "--extra-platforms", "aarch64-linux"]));
        let listed = stdout(&o);
        assert!(
            listed.contains("   - aarch64-linux (emulated: ") && listed.contains("in a private binfmt_misc)"),
            "{listed}"
        );
        let o = run(tern(ts.root(), cwd.path(), &["build", "--extra-platforms", "aarch64-linux", &d.to_string()]));
        assert!(o.status.success(), "sandbox {sandbox}: {}", stderr(&o));
        assert_eq!(fs::read_to_string(cwd.path().join("result")).unwrap(), "exec'd on aarch64\n");
        assert_eq!(host_entries(), before, "the host's binfmt_misc is untouched");
        let o = run(tern(
            ts.root(),
            cwd.path(),
            &["build", "--check", "--extra-platforms", "aarch64-linux", &d.to_string()],
        ));
        assert!(o.status.success(), "sandbox {sandbox}, --check: {}", stderr(&o));

        // Without private instances (older kernels) tern wraps the builder in qemu, which
        // cannot start a second foreign program unless the host registered qemu itself.
        let d2 = foreign("exec-arm-wrapped");
        let mut cmd =
            tern(ts.root(), cwd.path(), &["build", "--no-link", "--extra-platforms", "aarch64-linux", &d2.to_string()]);
        cmd.env("TERN_BUILD_NO_PRIVATE_BINFMT", "1");
        let o = run(cmd);
        if fs::metadata("/proc/sys/fs/binfmt_misc/qemu-aarch64").is_err() {
            assert_eq!(o.status.code(), Some(100), "a failed build: {}", stderr(&o));
            assert!(stderr(&o).contains("execv: Exec format error"), "{}", stderr(&o));
        } else {
            assert!(o.status.success(), "the host's own registration runs it: {}", stderr(&o));
        }
    }
}
