//! Runs the stdlib's own test suites (`stdlib/tests/run-*.sh`) with the `tern` binary as
//! the evaluator: lib, the module system and NixOS-lite, and the package sets. Each runner
//! evaluates its `stdlib/tests/<suite>/*.nix` files (each a list of failures that must be
//! empty) and checks error messages and time budgets; it exits non-zero on any failure.
//!
//! The runners take the evaluator as `NIX_INSTANTIATE` (a `nix-instantiate`-style command);
//! a small wrapper turns that into `tern eval`, with the source tree's stdlib and a private
//! store.

use std::path::Path;
use std::process::Command;

fn run_suite(script: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("tern-stdlib-{}-{script}", std::process::id()));
    std::fs::create_dir_all(&work).expect("temp dir");
    let wrapper = work.join("nix-instantiate");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\nexport TERN_STDLIB={stdlib}\nexport TERN_STORE={store}\nexec {tern} eval \"$@\"\n",
            stdlib = root.join("stdlib").display(),
            store = work.join("store").display(),
            tern = env!("CARGO_BIN_EXE_tern"),
        ),
    )
    .expect("write wrapper");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    let out = Command::new("bash")
        .arg(root.join("stdlib/tests").join(script))
        .env("NIX_INSTANTIATE", &wrapper)
        .output()
        .expect("the runner starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&work);
    assert!(out.status.success(), "{script} failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    println!("{stdout}");
}

#[test]
fn lib_suite() {
    run_suite("run-with-cppnix.sh");
}

#[test]
fn modules_suite() {
    run_suite("run-modules-with-cppnix.sh");
}

#[test]
fn pkgs_suite() {
    run_suite("run-pkgs-with-cppnix.sh");
}
