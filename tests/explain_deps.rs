//! `tern explain-deps` on the stdlib's package set: where dependencies come from, and the
//! warning for an unspliced one.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

fn explain(args: &[&str]) -> (bool, String, String) {
    // One store per call: the tests run in parallel threads of one process.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, Ordering::Relaxed);
    let store = std::env::temp_dir().join(format!("tern-explain-{}-{n}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_tern"))
        .arg("explain-deps")
        .args(args)
        .env("TERN_STORE", &store)
        .env("TERN_STDLIB", concat!(env!("CARGO_MANIFEST_DIR"), "/stdlib"))
        .env("NIX_PATH", "")
        .output()
        .expect("tern runs");
    let _ = std::fs::remove_dir_all(&store);
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const AARCH64: &str = "{ config = \"aarch64-unknown-linux-gnu\"; }";

#[test]
fn spliced_dependencies_come_from_the_right_sets() {
    let (ok, out, err) = explain(&["<nixpkgs>", "-A", "greeter", "--arg", "crossSystem", AARCH64]);
    assert!(ok, "{err}");
    assert!(out.starts_with("greeter-aarch64-unknown-linux-gnu-1.0\n"), "{out}");
    assert!(out.contains("built on x86_64-unknown-linux-gnu, runs on aarch64-unknown-linux-gnu"), "{out}");
    assert!(out.contains("libgreet-aarch64-unknown-linux-gnu-1.0  from pkgsHostTarget"), "{out}");
    assert!(!out.contains("warning"), "{out}");
}

#[test]
fn the_build_time_compiler_comes_from_pkgs_build_build() {
    let (ok, out, err) = explain(&["<nixpkgs>", "-A", "gentable", "--arg", "crossSystem", AARCH64]);
    assert!(ok, "{err}");
    let section = out.split("depsBuildBuild").nth(1).expect("a depsBuildBuild section");
    assert!(section.contains("from pkgsBuildBuild"), "{out}");
    assert!(section.contains("runs on x86_64-unknown-linux-gnu, targets x86_64-unknown-linux-gnu"), "{out}");
    assert!(!out.contains("warning"), "{out}");
}

#[test]
fn an_unspliced_host_package_in_native_build_inputs_is_flagged() {
    let expr = format!(
        "let X = import <nixpkgs> {{ crossSystem = {AARCH64}; }}; in \
         X.callPackage ({{ stdenv, zlib }}: stdenv.mkDerivation {{ pname = \"q\"; version = \"1\"; \
         nativeBuildInputs = [ X.zlib ]; buildInputs = [ zlib ]; }}) {{}}"
    );
    let (ok, out, err) = explain(&["-E", &expr]);
    assert!(ok, "{err}");
    let (_, native) = out.split_once("\nnativeBuildInputs:").expect("a nativeBuildInputs section");
    let native = native.split("\nbuildInputs:").next().unwrap_or(native);
    assert!(native.contains("zlib-aarch64-unknown-linux-gnu-1.2.13  from pkgsHostTarget"), "{out}");
    assert!(native.contains("warning: nativeBuildInputs needs something that runs on the build platform"), "{out}");
    assert!(native.contains("take it from pkgsBuildHost (buildPackages)"), "{out}");
    assert!(out.contains("1 warning"), "{out}");
}

#[test]
fn natively_everything_is_one_platform() {
    let (ok, out, err) = explain(&["<nixpkgs>", "-A", "greeter", "--argstr", "localSystem", "x86_64-linux"]);
    assert!(ok, "{err}");
    assert!(
        out.contains(
            "built on x86_64-unknown-linux-gnu, runs on x86_64-unknown-linux-gnu, targets x86_64-unknown-linux-gnu"
        ),
        "{out}"
    );
    assert!(!out.contains("warning"), "{out}");
}

#[test]
fn the_stdenv_compiler_and_tools_are_listed_as_implicit_dependencies() {
    let (ok, out, err) = explain(&["<nixpkgs>", "-A", "greeter", "--arg", "crossSystem", AARCH64]);
    assert!(ok, "{err}");
    let (_, compiler) = out.split_once("\nimplicit (the stdenv's compiler)").expect("a compiler section");
    let (compiler, tools) = compiler.split_once("\nimplicit (the stdenv's tools on PATH)").expect("a tools section");
    assert!(compiler.contains("aarch64-unknown-linux-gnu-stage-final-gcc-wrapper-11.3.0  from pkgsBuildHost"), "{out}");
    assert!(compiler.contains("aarch64-unknown-linux-gnu-binutils-wrapper-2.40  from pkgsBuildHost"), "{out}");
    assert!(
        tools.contains(
            "coreutils-9.1  from pkgsBuildBuild  (built on x86_64-unknown-linux-gnu, runs on x86_64-unknown-linux-gnu"
        ),
        "{out}"
    );
    assert!(tools.contains("bash-5.2.15  from pkgsBuildBuild"), "{out}");
    assert!(!out.contains("warning"), "{out}");
}
