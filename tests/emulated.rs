//! Native builds for foreign systems under emulation (issue 13): the package set of an
//! aarch64, armv7l or riscv64 machine bootstraps from Debian's own packages of that
//! architecture (`stdlib/pkgs/stdenv/debian-bootstrap.nix`), every builder running under
//! qemu-user.
//!
//! The fast tests (the pinned `.deb` table as the package set sees it, the refusal
//! without an emulator) always run. Building the emulated chain takes many minutes, so
//! `emulated_native_hello` is ignored by default: `cargo test --test emulated -- --ignored`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tern ARGS…` reading the stdlib of this checkout, with no settings file.
fn tern(store: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tern"));
    c.args(args).env("TERN_STDLIB", repo().join("stdlib")).env("TERN_STORE", store);
    c.env("XDG_CONFIG_HOME", store.join("no-config")).env("NIX_PATH", "");
    c
}

fn output(mut c: Command) -> Output {
    c.output().expect("tern starts")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn eval_json(store: &Path, expr: &str) -> serde_json::Value {
    let o = output(tern(store, &["eval", "--strict", "--json", "-E", expr]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn bootstrap_tools_are_debians_packages_of_the_machine() {
    let store = tempfile::tempdir().unwrap();
    let v = eval_json(
        store.path(),
        r#"
        let
          set = system: import <nixpkgs> { localSystem = system; };
          describe = system: let
            pkgs = set system;
            root = pkgs.stdenv.bootstrapTools;
          in {
            rootBuilder = root.builder or "";
            rootSystem = root.system;
            debs = map (d: { inherit (d) name builder system outputHashAlgo outputHash; url = d.url or (builtins.head d.urls); }) (root.drvAttrs.debs or [ ]);
            ldPrefix = pkgs.hello.drvAttrs.QEMU_LD_PREFIX or null;
            stdenvLdPrefix = pkgs.stdenv.drvAttrs.QEMU_LD_PREFIX or null;
            rootPath = root.outPath;
            gccScript = pkgs.stdenv.cc.cc.drvAttrs.installPhase;
            ccVersion = pkgs.stdenv.cc.cc.version;
          };
        in { aarch64 = describe "aarch64-linux"; armv7l = describe "armv7l-linux"; riscv64 = describe "riscv64-linux"; x86_64 = (set "x86_64-linux").stdenv.bootstrapTools.builder; }
        "#,
    );
    for (system, arch) in [("aarch64", "arm64"), ("armv7l", "armhf"), ("riscv64", "riscv64")] {
        let s = &v[system];
        assert_eq!(s["rootBuilder"], "builtin:unpack-debs", "{system}");
        assert_eq!(s["rootSystem"], "builtin", "{system}: unpacked by tern itself, on any machine");
        let debs = s["debs"].as_array().unwrap();
        let names: Vec<String> = debs.iter().map(|d| d["name"].as_str().unwrap().to_string()).collect();
        for wanted in ["bash_", "coreutils_", "gcc-12_", "cpp-12_", "binutils_", "libc6-dev_", "make_", "sed_", "grep_"]
        {
            assert!(
                names.iter().any(|n| n.starts_with(wanted) && n.ends_with(&format!("_{arch}.deb"))),
                "{system}: no {wanted} in {names:?}"
            );
        }
        for d in debs {
            assert_eq!(d["builder"], "builtin:fetchurl");
            assert_eq!(d["outputHashAlgo"], "sha256");
            assert_eq!(d["outputHash"].as_str().unwrap().len(), 64, "{d}");
            assert!(d["url"].as_str().unwrap().starts_with("mirror://debian/pool/main/"), "{d}");
        }
        // Every builder, the stdenv's own too, finds the root's loader and libraries.
        assert_eq!(s["ldPrefix"], s["rootPath"], "{system}");
        assert_eq!(s["stdenvLdPrefix"], s["rootPath"], "{system}");
        // The compiler is the root's GCC 12, not this machine's cross compiler.
        let gcc = s["gccScript"].as_str().unwrap();
        assert!(gcc.contains(&format!("{}/usr/bin/$tool-12", s["rootPath"].as_str().unwrap())), "{system}: {gcc}");
        assert_eq!(s["ccVersion"], "12.2.0");
    }
    assert_eq!(v["x86_64"], "/bin/sh", "this machine's own system keeps the host tools");
}

#[test]
fn foreign_package_set_is_refused_without_an_emulator() {
    let store = tempfile::tempdir().unwrap();
    for (asked, system) in [("aarch64-linux", "aarch64-linux"), ("armhf-linux", "armv7l-linux")] {
        let o = output(tern(store.path(), &["build", "--no-link", &format!("--system={asked}"), "hello"]));
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        let host = tern::build::platform::host_system();
        assert!(err.contains(&format!("error: a '{system}' is required to build '")), "{err}");
        assert!(err.contains(&format!("but I am a '{host}'")), "{err}");
        assert!(err.contains(&format!("--extra-platforms {system}")), "{err}");
    }
    // Guix's name enables the system as `--system` takes it.
    let o = output(tern(store.path(), &["build", "--list-systems", "--extra-platforms", "armhf-linux"]));
    assert!(text(&o.stdout).contains("   - armv7l-linux (emulated: "), "{}", text(&o.stdout));
    // Nothing was fetched or built (the store holds derivations and their sources only).
    let names: Vec<String> = std::fs::read_dir(store.path().join("store"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(names.iter().any(|n| n.ends_with(".deb.drv")), "the .debs are planned: {names:?}");
    let fetched: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with(".deb") || (n.contains("debian-bootstrap") && !n.ends_with(".drv")))
        .collect();
    assert!(fetched.is_empty(), "a refused build starts nothing: {fetched:?}");
}

/// The cross-compiling alternative that the refusal of a host-made builder suggests is
/// itself accepted: `--target` of 32-bit ARM names an EABI, not the plain "gnu" ABI.
#[test]
fn the_suggested_cross_target_is_accepted() {
    let store = tempfile::tempdir().unwrap();
    for cpu in ["armv7l", "armv6l", "armv5tel", "aarch64", "riscv64", "s390x"] {
        let target = tern::build::platform::gnu_target(cpu);
        let o = output(tern(store.path(), &["build", "--dry-run", "--target", &target, "hello"]));
        assert!(o.status.success(), "--target {target}: {}", text(&o.stderr));
    }
}

/// A NixOS system whose `system` is a foreign machine (the seed's second flake) is
/// assembled by that machine's bash and coreutils, which load their C library from the
/// emulated bootstrap's Debian root: its builder gets the root as the stdenv's builders
/// do, and a system of this machine gets nothing of the kind.
#[test]
fn an_emulated_nixos_system_assembles_with_the_debian_root() {
    let store = tempfile::tempdir().unwrap();
    let v = eval_json(
        store.path(),
        r#"
        let
          lib = (import <nixpkgs> { }).lib;
          toplevel = system: (lib.nixosSystem { inherit system; modules = [ ]; }).config.system.build.toplevel;
        in {
          riscv64 = (toplevel "riscv64-linux").drvAttrs.QEMU_LD_PREFIX or null;
          root = (import <nixpkgs> { localSystem = "riscv64-linux"; }).stdenv.bootstrapTools.outPath;
          builder = (toplevel "riscv64-linux").drvAttrs.builder;
          native = (toplevel "x86_64-linux").drvAttrs ? QEMU_LD_PREFIX;
        }
        "#,
    );
    assert!(v["root"].as_str().unwrap().ends_with("-debian-bootstrap-riscv64-trixie"), "{v}");
    assert_eq!(v["riscv64"], v["root"], "{v}");
    assert!(v["builder"].as_str().unwrap().ends_with("-bash-5.2.15/bin/bash"), "built bash: {v}");
    assert_eq!(v["native"], false, "{v}");
}

/// The seed's second flake, verbatim: `nixosSystem { system = "riscv64-linux"; }` builds
/// natively under emulation (bash and coreutils compiled under qemu-riscv64 with the GCC
/// Debian ships for riscv64), and its `sw/bin` holds riscv64 programs that run.
#[test]
#[ignore = "compiles bash and coreutils under qemu-user for many minutes: run with --ignored"]
fn seed_flake_riscv64_nixos_builds_under_emulation() {
    let work = tempfile::tempdir().unwrap();
    let store = std::env::var_os("TERN_SLOW_STORE").map(PathBuf::from).unwrap_or_else(|| work.path().join("store"));
    let flake = work.path().join("flake");
    std::fs::create_dir_all(&flake).unwrap();
    std::fs::write(
        flake.join("flake.nix"),
        r#"{
  description = "NixOS running on LicheePi 4A";
  inputs = {
    nixpkgs.url = "github:nixos/nixpkgs/nixos-23.11";
  };
  outputs = inputs@{ self, nixpkgs, ... }: {
    nixosConfigurations.lp4a = nixpkgs.lib.nixosSystem {
      # native platform
      system = "riscv64-linux";
      modules = [
        # ...... other modules
      ];
    };
  };
}
"#,
    )
    .unwrap();
    let link = work.path().join("result");
    let started = std::time::Instant::now();
    let mut c = tern(
        &store,
        &[
            "build",
            "--extra-platforms",
            "riscv64-linux",
            "-o",
            link.to_str().unwrap(),
            ".#nixosConfigurations.lp4a.config.system.build.toplevel",
        ],
    );
    c.current_dir(&flake);
    let o = output(c);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let target = std::fs::read_link(&link).unwrap();
    let system = match target.strip_prefix("/nix/store") {
        Ok(rest) => store.join("store").join(rest),
        Err(_) => target,
    };
    for program in ["ls", "bash"] {
        // `sw/bin` links into /nix/store, which is the test store's `store` directory.
        let inner = std::fs::read_link(system.join("sw/bin").join(program)).unwrap();
        let real = store.join("store").join(inner.strip_prefix("/nix/store").unwrap());
        assert_eq!(elf_machine(&real), 243, "{program} is a RISC-V program");
    }
    let root = eval_string(&store, "riscv64-linux", "stdenv.bootstrapTools.outPath");
    let ls = link.join("sw/bin/ls");
    let o = output({
        let mut c = tern(&store, &["with-store", "qemu-riscv64", "-L", &root, ls.to_str().unwrap(), "--version"]);
        c.env_remove("QEMU_LD_PREFIX");
        c
    });
    assert!(text(&o.stdout).starts_with("ls (GNU coreutils) "), "{}{}", text(&o.stdout), text(&o.stderr));
    println!("riscv64 NixOS system under emulation: {:.1}s", started.elapsed().as_secs_f64());
}

/// ELF `e_machine` of a file.
fn elf_machine(path: &Path) -> u16 {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF", "{} is not ELF", path.display());
    u16::from_le_bytes([bytes[18], bytes[19]])
}

/// GNU `hello` built natively under emulation with the emulated package set's stdenv
/// (Debian's bootstrap tools, GCC 12 of the root), then run under qemu-user. The time
/// taken is printed with the time of the cross-compiled `hello` for comparison.
/// `TERN_SLOW_STORE` keeps the store between runs; `TERN_SLOW_SYSTEMS` names the systems.
#[test]
#[ignore = "builds a package set under qemu-user for many minutes: run with --ignored"]
fn emulated_native_hello() {
    let store = std::env::var_os("TERN_SLOW_STORE")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("emulated-{}", std::process::id())));
    let systems: Vec<String> = std::env::var("TERN_SLOW_SYSTEMS")
        .unwrap_or_else(|_| "aarch64-linux armv7l-linux riscv64-linux".into())
        .split_whitespace()
        .map(String::from)
        .collect();
    for system in systems {
        let (qemu, machine, cross) = match system.as_str() {
            "aarch64-linux" => ("qemu-aarch64", 183, "aarch64-multiplatform"),
            "armv7l-linux" => ("qemu-arm", 40, "armv7l-hf-multiplatform"),
            "riscv64-linux" => ("qemu-riscv64", 243, "riscv64"),
            other => panic!("no expectations for {other}"),
        };
        let link = store.join(format!("result-{system}"));
        let attr = "hello";
        let started = std::time::Instant::now();
        let o = output(tern(
            &store,
            &[
                "build",
                "--system",
                &system,
                "--extra-platforms",
                &system,
                "-o",
                link.to_str().unwrap(),
                "<nixpkgs>",
                "-A",
                attr,
            ],
        ));
        let emulated = started.elapsed();
        assert!(o.status.success(), "{system}: {}", text(&o.stderr));
        let hello = link.join("bin/hello");
        // The link names the output by its physical place, or under /nix/store.
        let target = std::fs::read_link(&link).unwrap();
        let real = match target.strip_prefix("/nix/store") {
            Ok(rest) => store.join("store").join(rest),
            Err(_) => target,
        }
        .join("bin/hello");
        assert_eq!(elf_machine(&real), machine, "{system}");
        let root = eval_string(&store, &system, "stdenv.bootstrapTools.outPath");
        let o = output({
            let mut c = tern(&store, &["with-store", qemu, "-L", &root, hello.to_str().unwrap()]);
            c.env_remove("QEMU_LD_PREFIX");
            c
        });
        assert_eq!(text(&o.stdout), "Hello, world!\n", "{system}: {}", text(&o.stderr));

        let started = std::time::Instant::now();
        let o = output(tern(&store, &["build", "--no-link", "<nixpkgs>", "-A", &format!("pkgsCross.{cross}.hello")]));
        let crossed = started.elapsed();
        assert!(o.status.success(), "{system} cross: {}", text(&o.stderr));
        println!(
            "{system}: hello natively under emulation (with its bootstrap) {:.1}s, cross-compiled {:.1}s",
            emulated.as_secs_f64(),
            crossed.as_secs_f64()
        );
    }
}

fn eval_string(store: &Path, system: &str, attr: &str) -> String {
    let expr = format!("(import <nixpkgs> {{ localSystem = \"{system}\"; }}).{attr}");
    let o = output(tern(store, &["eval", "--raw", "-E", &expr]));
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
}
