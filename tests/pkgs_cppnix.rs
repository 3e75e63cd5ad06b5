//! CppNix as a second opinion on the package set: `nix-instantiate` evaluating tern's own
//! `stdlib/` must give the same `.drv` paths as tern does — for `hello` on every
//! `pkgsCross` example, the native and variant sets, and the seed's gcc12 overlay — since
//! both evaluate the same Nix code and must hash derivations identically — and for every
//! package built from upstream sources, native and for aarch64, armv7l and riscv64, and a
//! cross NixOS system. Current CppNix (`shared/tools/nix-new`) must agree too. `.ci/run`
//! installs CppNix 2.8 (`nix-bin`); without it the test reports itself skipped (failed
//! under `CI=true`, see `tests/common/gate.rs`).

#[path = "common/gate.rs"]
mod gate;

use std::path::Path;
use std::process::Command;

use libtest_mimic::{Arguments, Trial};

fn main() {
    let trials = vec![Trial::ignorable_test("cppnix_gives_the_same_drv_paths_for_the_stdlib", || {
        if let Some(skipped) = gate::require(&["nix-instantiate"]) {
            return skipped;
        }
        gate::run_body(cppnix_gives_the_same_drv_paths_for_the_stdlib)
    })];
    libtest_mimic::run(&Arguments::from_args(), trials).exit();
}

const EXPR: &str = r#"
let
  p = import ./stdlib { localSystem = "x86_64-linux"; config = {}; overlays = []; };
  gcc12 = import ./stdlib {
    localSystem = "x86_64-linux"; config = {};
    crossSystem = { config = "riscv64-unknown-linux-gnu"; };
    overlays = [ (self: super: { gcc = self.gcc12; }) ];
  };
  drv = x: let r = builtins.tryEval x.drvPath; in if r.success then r.value else "does not evaluate";
  upstreamNames = [
    "hello" "zlib" "xz" "bzip2" "gzip" "gnumake" "coreutils" "bash" "gnused" "gnugrep" "gawk" "findutils"
    "diffutils" "gnupatch" "gnutar" "pkgconf" "pkg-config" "ncurses" "readline" "lua5_4" "tcl" "sqlite"
    "pixman" "json-c" "gnu-config"
  ];
in {
  cross = builtins.mapAttrs (n: _: drv p.pkgsCross.${n}.hello) p.lib.systems.examples;
  native = map drv [ p.hello p.greeter p.gentable p.libgreet p.stdenv p.stdenv.cc p.gcc12 ];
  variants = map drv [ p.pkgsi686Linux.hello p.pkgsStatic.hello p.pkgsMusl.hello p.pkgsCross.armv7l-hf-multiplatform.greeter ];
  seed = map drv [ gcc12.pkgsCross.riscv64.stdenv.cc p.pkgsCross.riscv64.stdenv.cc gcc12.hello ];
  # The packages built from upstream sources, native and for three targets.
  upstream = map (set: map (n: drv set.${n}) upstreamNames) [
    p p.pkgsCross.aarch64-multiplatform p.pkgsCross.armv7l-hf-multiplatform gcc12.pkgsCross.riscv64
  ];
  system = drv (p.lib.nixosSystem {
    system = "x86_64-linux";
    modules = [ { nixpkgs.crossSystem.system = "aarch64-linux"; } ({ pkgs, ... }: { environment.systemPackages = [ pkgs.hello ]; }) ];
  }).config.system.build.toplevel;
}
"#;

fn eval(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e} (install nix-bin, as .ci/run does)"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Current CppNix through `shared/tools/nix-new` (beside the checkout), if it is there.
fn current_cppnix(root: &Path) -> Option<std::path::PathBuf> {
    let tool = root.join("../shared/tools/nix-new");
    if tool.exists() {
        return Some(tool);
    }
    assert!(!gate::in_ci(), "CI=true but {} is missing", tool.display());
    println!("skipped: current CppNix ({} is missing)", tool.display());
    None
}

fn cppnix_gives_the_same_drv_paths_for_the_stdlib() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let store = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pkgs-cppnix-{}", std::process::id()));
    let theirs = eval(Command::new("nix-instantiate").args(["--eval", "--strict", "-E", EXPR]).current_dir(root));
    if let Some(nix_new) = current_cppnix(root) {
        let current =
            eval(Command::new(nix_new).args(["nix-instantiate", "--eval", "--strict", "-E", EXPR]).current_dir(root));
        assert_eq!(current, theirs, "CppNix 2.8 and current CppNix disagree on the stdlib's derivations");
    }
    let ours = eval(
        Command::new(env!("CARGO_BIN_EXE_tern"))
            .args(["eval", "--strict", "-E", EXPR])
            .current_dir(root)
            .env("TERN_STORE", &store),
    );
    let _ = std::fs::remove_dir_all(&store);
    assert_eq!(ours, theirs, "tern and nix-instantiate disagree on the stdlib's derivations");
    let drvs = ours.matches(".drv\"").count();
    assert!(drvs >= 100, "expected every example to give a derivation, got {drvs}:\n{ours}");
    assert!(!ours.contains("does not evaluate"), "some package does not evaluate:\n{ours}");
}
