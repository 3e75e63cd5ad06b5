//! Real builds of the package set with tern's builder: `stdlib/tests/build-checks.sh` run
//! with `tern build` as the build command and `tern with-store` to run what was built.
//! It builds the core tools from their upstream sources (the final stdenv's PATH), GNU
//! `hello`, coreutils, lua, sqlite and programs linking zlib, pixman (meson) and json-c
//! (cmake) through `pkg-config`, natively and for aarch64; the cookbook's
//! `mesonEmulatorHook` case for aarch64 and armv7l; a NixOS system cross-built for aarch64;
//! `hello` for riscv64 (GCC 12 overlay), armv7l, raspberryPi, powerpc64le, s390x, i686,
//! musl, static and MinGW-w64; and the small `greeter`, `gentable` and `hostinfo`. It
//! checks each binary's ELF/PE header, its output under qemu-user and the compiler named
//! in its `.comment`, the refusals for toolchains Debian lacks, the cross wrapper's prefixed
//! tools and the separation of build and host compiler flags. Sources come from the Debian
//! archive of this machine's apt configuration.
//! `.ci/run` installs the Debian toolchains and qemu-user it needs; where one is missing the
//! test reports itself skipped (failed under `CI=true`, see `tests/common/gate.rs`).

#[path = "common/gate.rs"]
mod gate;

use std::path::Path;
use std::process::Command;

use libtest_mimic::{Arguments, Trial};

/// A compiler of each Debian toolchain package the build checks use, and qemu-user.
const TOOLS: &[&str] = &[
    "gcc-11",
    "gcc-12",
    "aarch64-linux-gnu-gcc-11",
    "aarch64-linux-gnu-gcc-12",
    "arm-linux-gnueabihf-gcc-11",
    "powerpc64le-linux-gnu-gcc-11",
    "s390x-linux-gnu-gcc-11",
    "riscv64-linux-gnu-gcc-12",
    "x86_64-w64-mingw32-gcc",
    "musl-gcc",
    "qemu-aarch64",
    "meson",
    "ninja",
    "cmake",
];

fn main() {
    let trials = vec![Trial::ignorable_test("package_set_builds_for_every_target", || {
        if let Some(skipped) = gate::require(TOOLS) {
            return skipped;
        }
        gate::run_body(package_set_builds_for_every_target)
    })];
    libtest_mimic::run(&Arguments::from_args(), trials).exit();
}

fn package_set_builds_for_every_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pkgs-build-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("scratch dir");
    let tern = env!("CARGO_BIN_EXE_tern");
    let out = Command::new("bash")
        .arg(root.join("stdlib/tests/build-checks.sh"))
        .env("NIX_BUILD", format!("{tern} build"))
        .env("NIX_RUN", format!("{tern} with-store"))
        .env("TERN_STORE", work.join("store"))
        .env("TERN_STDLIB", root.join("stdlib"))
        .output()
        .expect("the build checks start");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = Command::new("chmod").arg("-R").arg("u+w").arg(&work).status();
    let _ = std::fs::remove_dir_all(&work);
    assert!(out.status.success(), "build checks failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(stdout.contains("51 passed, 0 failed"), "unexpected summary:\n{stdout}");
    println!("{stdout}");
}
