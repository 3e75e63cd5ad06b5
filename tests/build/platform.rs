//! Systems: `--list-systems` and the refusal of foreign derivations before
//! anything starts. (The aarch64 build under qemu-user and the builds by an
//! unprivileged user need outside tools: `tests/build/emulation.rs`.)

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
