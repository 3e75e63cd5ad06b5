//! Flakes end to end: `tern eval REF#ATTR`, `tern flake lock/update/show/metadata`,
//! `builtins.getFlake`, run as a user would, in temporary directories.
//!
//! * The seed flakes (`tests/flake/seeds/`, copied verbatim from
//!   `shared/seeds/nixos-flakes-cross-platform-compilation.txt`) evaluate as written with
//!   the values of cross.md §13.H; the two with the `nigpkgs` typo fail with the module
//!   system's message, and evaluate once the typo is corrected.
//! * Lock files: evaluation never writes one; `flake lock` creates it or adds only what is
//!   missing; `flake update` refreshes; a lock that disagrees with `flake.nix` is refused
//!   with the differences.
//! * Inputs: `follows`, `path:` (absolute, relative, non-flake), `git+file:`, tarballs,
//!   `--override-input`, nixpkgs served by the stdlib, remote refs refused.
//! * Goldens (`tests/flake/*.exp`, `TERN_BLESS=1` rewrites them): `flake show` of
//!   `examples/flake`, with the temporary directory replaced by `[FLAKE]`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Dir {
    path: PathBuf,
    _tmp: tempfile::TempDir,
}

fn tmp() -> Dir {
    let t = tempfile::Builder::new().prefix("tern-flake-test-").tempdir().expect("temp dir");
    // Canonical, so paths in messages match the ones the test computes.
    let path = t.path().canonicalize().expect("canonical");
    Dir { path, _tmp: t }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn tern(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .current_dir(cwd)
        .env("NIX_PATH", "")
        .env("TERN_STDLIB", manifest().join("stdlib"))
        .env("TERN_STORE", Path::new(env!("CARGO_TARGET_TMPDIR")).join("flake-store"))
        .output()
        .expect("tern runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs tern; must succeed; returns standard output, trimmed.
fn ok(cwd: &Path, args: &[&str]) -> String {
    let o = tern(cwd, args);
    assert!(o.status.success(), "tern {args:?} failed:\n{}", stderr(&o));
    stdout(&o).trim_end().to_string()
}

/// Runs tern; must fail; returns standard error.
fn fails(cwd: &Path, args: &[&str]) -> String {
    let o = tern(cwd, args);
    assert!(!o.status.success(), "tern {args:?} should fail but printed:\n{}", stdout(&o));
    stderr(&o)
}

fn seed(name: &str) -> String {
    read(&manifest().join("tests/flake/seeds").join(name))
}

/// A flake directory with `flake.nix` = `text`.
fn flake(text: &str) -> Dir {
    let d = tmp();
    write(&d.path.join("flake.nix"), text);
    d
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.email=t@example.org", "-c", "user.name=test", "-c", "init.defaultBranch=main"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Makes `dir` a git repository whose one commit holds all its files; the commit's hash.
fn git_init_commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", message]);
    git(dir, &["rev-parse", "HEAD"])
}

const LP4A: &str = ".#nixosConfigurations.lp4a";

fn attr(path: &str) -> String {
    format!("{LP4A}.{path}")
}

// ---------------------------------------------------------------------------------------
// The seed flakes

#[test]
fn seed_cross_flake_evaluates_as_written() {
    let d = flake(&seed("cross.nix"));
    let o = tern(&d.path, &["eval", &attr("pkgs.stdenv.hostPlatform.system")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "\"riscv64-linux\"");
    // nixpkgs comes from the stdlib, said once on stderr; nothing is locked or written.
    let err = stderr(&o);
    assert!(
        err.contains("note: input 'nixpkgs' ('github:nixos/nixpkgs/nixos-23.11') is provided by tern's stdlib"),
        "{err}"
    );
    assert!(err.contains("has no lock file"), "{err}");
    assert!(!d.path.join("flake.lock").exists());
    assert_eq!(ok(&d.path, &["eval", &attr("pkgs.stdenv.buildPlatform.system")]), "\"x86_64-linux\"");
    assert_eq!(ok(&d.path, &["eval", &attr("pkgs.hello"), "--apply", "h: h ? __spliced"]), "true");
    assert_eq!(
        ok(&d.path, &["eval", &attr("config.system.build.toplevel.name")]),
        "\"nixos-system-nixos-26.11pre-tern\""
    );
    // cross.md §13.H's variant of flake 1, with a package: a riscv64 package built on x86_64.
    let extend = "c: let r = c.extendModules { modules = [ ({ pkgs, ... }: { environment.systemPackages = [ pkgs.hello ]; }) ]; }; \
                  p = builtins.head r.config.environment.systemPackages; in [ p.stdenv.hostPlatform.system p.system ]";
    assert_eq!(ok(&d.path, &["eval", "--strict", LP4A, "--apply", extend]), "[ \"riscv64-linux\" \"x86_64-linux\" ]");
}

#[test]
fn seed_emulated_flake_evaluates_as_written() {
    let d = flake(&seed("emulated.nix"));
    assert_eq!(ok(&d.path, &["eval", &attr("pkgs.stdenv"), "--apply", "s: s.hostPlatform == s.buildPlatform"]), "true");
    assert_eq!(ok(&d.path, &["eval", &attr("pkgs.hello.system")]), "\"riscv64-linux\"");
}

#[test]
fn seed_overlay_flake_fails_on_its_typo_and_works_corrected() {
    let d = flake(&seed("overlay-typo.nix"));
    let err = fails(&d.path, &["eval", &attr("pkgs.stdenv.cc.name")]);
    assert!(err.contains("The option `nigpkgs' does not exist."), "{err}");
    let d = flake(&seed("overlay-typo.nix").replace("nigpkgs", "nixpkgs"));
    assert_eq!(
        ok(&d.path, &["eval", &attr("pkgs.stdenv.cc.name")]),
        "\"riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-12.2.0\""
    );
}

#[test]
fn seed_specialargs_flake_fails_on_its_typo_and_works_corrected() {
    let d = flake(&seed("specialargs-typo.nix"));
    let err = fails(&d.path, &["eval", &attr("config.environment.systemPackages")]);
    assert!(err.contains("The option `nigpkgs' does not exist."), "{err}");
    let d = flake(&seed("specialargs-typo.nix").replace("nigpkgs", "nixpkgs"));
    assert_eq!(
        ok(
            &d.path,
            &["eval", &attr("config.environment.systemPackages"), "--apply", "l: (builtins.head l).stdenv.cc.name"]
        ),
        "\"riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-12.2.0\""
    );
    // The module's own pkgs has no overlay.
    assert_eq!(
        ok(&d.path, &["eval", &attr("pkgs.stdenv.cc.name")]),
        "\"riscv64-unknown-linux-gnu-stage-final-gcc-wrapper-11.3.0\""
    );
    // And the system instantiates.
    let drv = ok(&d.path, &["instantiate", &attr("config.system.build.toplevel")]);
    assert!(drv.starts_with("/nix/store/") && drv.ends_with("-nixos-system-nixos-26.11pre-tern.drv"), "{drv}");
}

// ---------------------------------------------------------------------------------------
// Lock files

const TWO_INPUTS: &str = r#"{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-23.11";
  inputs.lib1.url = "path:LIB1";
  outputs = { self, nixpkgs, lib1 }: { greeting = lib1.greeting; };
}
"#;

fn lib1(dir: &Path, greeting: &str) -> PathBuf {
    let lib1 = dir.join("lib1");
    write(&lib1.join("flake.nix"), &format!("{{ outputs = {{ self }}: {{ greeting = \"{greeting}\"; }}; }}\n"));
    lib1
}

#[test]
fn lock_is_created_by_flake_lock_only() {
    let d = tmp();
    let lib = lib1(&d.path, "hi");
    let top = d.path.join("top");
    write(&top.join("flake.nix"), &TWO_INPUTS.replace("LIB1", &lib.to_string_lossy()));
    // Evaluation never writes the lock, also not through getFlake or flake show.
    assert_eq!(ok(&top, &["eval", ".#greeting"]), "\"hi\"");
    ok(&top, &["flake", "show"]);
    ok(&top, &["eval", "-E", &format!("(builtins.getFlake \"path:{}\").greeting", top.display())]);
    assert!(!top.join("flake.lock").exists());

    let o = tern(&top, &["flake", "lock"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(&format!("warning: creating lock file '{}/flake.lock':", top.display())), "{err}");
    assert!(err.contains("• Added input 'nixpkgs':\n    'tern:stdlib'"), "{err}");
    assert!(err.contains("• Added input 'lib1':\n    'path:"), "{err}");
    let lock = read(&top.join("flake.lock"));
    let j: serde_json::Value = serde_json::from_str(&lock).expect("JSON");
    assert_eq!(j["version"], 7);
    assert_eq!(j["nodes"]["nixpkgs"]["locked"], serde_json::json!({ "type": "tern-stdlib" }));
    assert_eq!(j["nodes"]["nixpkgs"]["original"]["type"], "github");
    assert_eq!(j["nodes"]["lib1"]["locked"]["path"], lib.to_string_lossy().as_ref());
    assert!(j["nodes"]["lib1"]["locked"]["narHash"].as_str().is_some_and(|h| h.starts_with("sha256-")));
    assert!(lock.ends_with("}\n"));

    // Nothing to add: the file is left alone and nothing is said.
    let o = tern(&top, &["flake", "lock"]);
    assert!(o.status.success());
    assert!(!stderr(&o).contains("lock file"), "{}", stderr(&o));
    assert_eq!(read(&top.join("flake.lock")), lock);
    assert_eq!(ok(&top, &["eval", ".#greeting"]), "\"hi\"");
}

#[test]
fn lock_adds_only_missing_inputs_and_update_refreshes() {
    let d = tmp();
    let lib = lib1(&d.path, "one");
    let top = d.path.join("top");
    write(&top.join("flake.nix"), &TWO_INPUTS.replace("LIB1", &lib.to_string_lossy()));
    ok(&top, &["flake", "lock"]);
    let first: serde_json::Value = serde_json::from_str(&read(&top.join("flake.lock"))).expect("JSON");

    // lib1 changes: the locked hash no longer matches, evaluation says so.
    lib1(&d.path, "two");
    let err = fails(&top, &["eval", ".#greeting"]);
    assert!(err.contains("NAR hash mismatch in input 'lib1'"), "{err}");
    assert!(err.contains("tern flake update lib1"), "{err}");

    // A new input: `flake lock` adds it and keeps lib1's entry as it was.
    let data = d.path.join("data");
    write(&data.join("file.txt"), "data\n");
    let text = TWO_INPUTS.replace("LIB1", &lib.to_string_lossy()).replace(
        "outputs = { self, nixpkgs, lib1 }",
        &format!(
            "inputs.data = {{ url = \"path:{}\"; flake = false; }};\n  outputs = {{ self, nixpkgs, lib1, data }}",
            data.display()
        ),
    );
    write(&top.join("flake.nix"), &text);
    let err = fails(&top, &["eval", ".#greeting"]);
    assert!(err.contains("is out of date"), "{err}");
    assert!(err.contains("• Added input 'data': 'path:"), "{err}");
    assert!(err.contains("tern flake lock"), "{err}");
    let o = tern(&top, &["flake", "lock"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: updating lock file"), "{}", stderr(&o));
    assert!(stderr(&o).contains("• Added input 'data':"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("'lib1'"), "{}", stderr(&o));
    let second: serde_json::Value = serde_json::from_str(&read(&top.join("flake.lock"))).expect("JSON");
    assert_eq!(first["nodes"]["lib1"], second["nodes"]["lib1"]);
    assert_eq!(second["nodes"]["data"]["flake"], false);

    // `flake update lib1` refreshes only lib1.
    let o = tern(&top, &["flake", "update", "lib1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("• Updated input 'lib1':"), "{}", stderr(&o));
    let third: serde_json::Value = serde_json::from_str(&read(&top.join("flake.lock"))).expect("JSON");
    assert_ne!(second["nodes"]["lib1"]["locked"]["narHash"], third["nodes"]["lib1"]["locked"]["narHash"]);
    assert_eq!(second["nodes"]["data"], third["nodes"]["data"]);
    assert_eq!(ok(&top, &["eval", ".#greeting"]), "\"two\"");

    // `flake update` with no names recreates everything; nothing changed, nothing written.
    let before = read(&top.join("flake.lock"));
    let o = tern(&top, &["flake", "update"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&top.join("flake.lock")), before);
}

#[test]
fn out_of_date_lock_is_refused_with_a_diff() {
    let d = flake(&seed("cross.nix"));
    ok(&d.path, &["flake", "lock"]);
    let lock = read(&d.path.join("flake.lock"));
    write(&d.path.join("flake.nix"), &seed("cross.nix").replace("nixos-23.11", "nixos-24.05"));
    let err = fails(&d.path, &["eval", &attr("pkgs.stdenv.hostPlatform.system")]);
    assert!(err.contains("• Changed input 'nixpkgs':"), "{err}");
    assert!(err.contains("flake.nix:  'github:nixos/nixpkgs/nixos-24.05'"), "{err}");
    assert!(err.contains("flake.lock: 'github:nixos/nixpkgs/nixos-23.11', locked as 'tern:stdlib'"), "{err}");
    assert!(err.contains("tern never changes the lock file while evaluating"), "{err}");
    // Still untouched; an input removed from flake.nix is reported too.
    assert_eq!(read(&d.path.join("flake.lock")), lock);
    write(&d.path.join("flake.nix"), "{ outputs = { self }: { }; }\n");
    let err = fails(&d.path, &["eval", ".#x"]);
    assert!(err.contains("• Removed input 'nixpkgs'"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Inputs

#[test]
fn follows_share_an_input() {
    let d = tmp();
    let dep = d.path.join("dep");
    write(
        &dep.join("flake.nix"),
        "{ inputs.nixpkgs.url = \"github:NixOS/nixpkgs/nixos-unstable\";\n  inputs.util.url = \"path:./util\";\n  outputs = { self, nixpkgs, util }: { np = nixpkgs.outPath; u = util.value; }; }\n",
    );
    write(
        &dep.join("util/flake.nix"),
        "{ inputs.nixpkgs.url = \"nixpkgs\"; outputs = { self, nixpkgs }: { value = 7; np = nixpkgs.outPath; }; }\n",
    );
    let top = d.path.join("top");
    let text = format!(
        "{{ inputs.nixpkgs.url = \"github:nixos/nixpkgs/nixos-23.11\";\n  inputs.dep = {{ url = \"path:{}\"; inputs.nixpkgs.follows = \"nixpkgs\"; inputs.util.inputs.nixpkgs.follows = \"nixpkgs\"; }};\n  outputs = {{ self, nixpkgs, dep }}: {{ same = dep.np == nixpkgs.outPath && dep.inputs.util.np == nixpkgs.outPath; u = dep.u; }}; }}\n",
        dep.display()
    );
    write(&top.join("flake.nix"), &text);
    assert_eq!(ok(&top, &["eval", "--strict", ".#same"]), "true");
    assert_eq!(ok(&top, &["eval", ".#u"]), "7");
    ok(&top, &["flake", "lock"]);
    let j: serde_json::Value = serde_json::from_str(&read(&top.join("flake.lock"))).expect("JSON");
    assert_eq!(j["nodes"]["dep"]["inputs"]["nixpkgs"], serde_json::json!(["nixpkgs"]));
    assert_eq!(j["nodes"]["util"]["inputs"]["nixpkgs"], serde_json::json!(["nixpkgs"]));
    assert_eq!(j["nodes"]["util"]["parent"], serde_json::json!(["dep"]));
    assert_eq!(ok(&top, &["eval", "--strict", ".#same"]), "true");
    let meta = ok(&top, &["flake", "metadata"]);
    assert!(meta.contains("│   ├───nixpkgs follows input 'nixpkgs'"), "{meta}");
    // A follows to nowhere is an error.
    write(
        &top.join("flake.nix"),
        &text.replace("follows = \"nixpkgs\"; inputs.util", "follows = \"nope\"; inputs.util"),
    );
    let err = fails(&top, &["flake", "lock"]);
    assert!(err.contains("input 'dep/nixpkgs' follows a non-existent input 'nope'"), "{err}");
}

#[test]
fn path_relative_and_non_flake_inputs() {
    let d = tmp();
    let data = d.path.join("data");
    write(&data.join("file.txt"), "payload\n");
    let top = d.path.join("top");
    write(
        &top.join("sub/flake.nix"),
        "{ outputs = { self }: { v = \"sub\"; dir = builtins.baseNameOf self.outPath; }; }\n",
    );
    write(
        &top.join("flake.nix"),
        &format!(
            "{{ inputs.data = {{ url = \"path:{}\"; flake = false; }};\n  inputs.sub.url = \"path:./sub\";\n  outputs = {{ self, data, sub }}: {{ text = builtins.readFile \"${{data}}/file.txt\"; v = sub.v; dir = sub.dir; selfType = builtins.typeOf self.outPath; src = \"${{self}}\"; }}; }}\n",
            data.display()
        ),
    );
    for _ in 0..2 {
        assert_eq!(ok(&top, &["eval", ".#text"]), "\"payload\\n\"");
        assert_eq!(ok(&top, &["eval", ".#v"]), "\"sub\"");
        assert_eq!(ok(&top, &["eval", ".#dir"]), "\"sub\"");
        // In place: self is the directory itself; a derivation or interpolation copies it as `source`.
        assert_eq!(ok(&top, &["eval", ".#selfType"]), "\"path\"");
        let src = ok(&top, &["eval", ".#src"]);
        assert!(src.ends_with("-source\""), "{src}");
        ok(&top, &["flake", "lock"]);
    }
    let j: serde_json::Value = serde_json::from_str(&read(&top.join("flake.lock"))).expect("JSON");
    assert_eq!(j["nodes"]["sub"]["locked"], serde_json::json!({ "path": "./sub", "type": "path" }));
    assert_eq!(j["nodes"]["sub"]["parent"], serde_json::json!([]));
    assert_eq!(j["nodes"]["data"]["flake"], false);
}

#[test]
fn git_inputs_lock_a_revision() {
    let d = tmp();
    let repo = d.path.join("repo");
    write(&repo.join("flake.nix"), "{ outputs = { self }: { value = 42; rev = self.rev; }; }\n");
    let rev1 = git_init_commit_all(&repo, "first");
    let top = d.path.join("top");
    write(
        &top.join("flake.nix"),
        &format!(
            "{{ inputs.g.url = \"git+file://{}\";\n  outputs = {{ self, g }}: {{ v = g.value; rev = g.rev; }}; }}\n",
            repo.display()
        ),
    );
    assert_eq!(ok(&top, &["eval", ".#rev"]), format!("\"{rev1}\""));
    ok(&top, &["flake", "lock"]);
    let j: serde_json::Value = serde_json::from_str(&read(&top.join("flake.lock"))).expect("JSON");
    let locked = &j["nodes"]["g"]["locked"];
    assert_eq!(locked["rev"], rev1.as_str());
    // CppNix 2.34 records the full name of the branch HEAD is on.
    assert_eq!(locked["ref"], "refs/heads/main");
    assert_eq!(locked["type"], "git");
    assert_eq!(locked["url"], format!("file://{}", repo.display()));
    assert_eq!(locked["revCount"], 1);
    // A new commit does not move the lock until `flake update`.
    write(&repo.join("flake.nix"), "{ outputs = { self }: { value = 43; rev = self.rev; }; }\n");
    git(&repo, &["commit", "-qam", "second"]);
    let rev2 = git(&repo, &["rev-parse", "HEAD"]);
    assert_eq!(ok(&top, &["eval", ".#v"]), "42");
    ok(&top, &["flake", "update", "g"]);
    assert_eq!(ok(&top, &["eval", ".#v"]), "43");
    assert_eq!(ok(&top, &["eval", ".#rev"]), format!("\"{rev2}\""));
    // Uncommitted changes cannot be locked.
    write(&repo.join("flake.nix"), "{ outputs = { self }: { value = 44; }; }\n");
    let err = fails(&top, &["flake", "update", "g"]);
    assert!(err.contains("because it has an unlocked input"), "{err}");
    // A git work tree as the flake itself: evaluated in place, with its revision when clean.
    git(&repo, &["checkout", "-q", "flake.nix"]);
    let rev = ok(&repo, &["eval", ".#rev"]);
    assert_eq!(rev, format!("\"{rev2}\""));
    let meta = ok(&repo, &["flake", "metadata"]);
    assert!(meta.contains(&format!("Revision:      {rev2}")), "{meta}");
}

/// `flake lock` in a git work tree adds the new lock with intent to add (as CppNix does), so
/// that the next evaluation, which sees tracked files only, reads it.
#[test]
fn a_lock_written_in_a_git_work_tree_is_added_to_git() {
    let d = tmp();
    write(&d.path.join("dep/flake.nix"), "{ outputs = _: { v = 1; }; }\n");
    let top = d.path.join("top");
    write(
        &top.join("flake.nix"),
        &format!(
            "{{ inputs.dep.url = \"path:{}/dep\"; outputs = {{ dep, ... }}: {{ x = dep.v; }}; }}\n",
            d.path.display()
        ),
    );
    git(&top, &["init", "-q"]);
    git(&top, &["add", "flake.nix"]);
    git(&top, &["commit", "-qm", "flake"]);
    let o = tern(&top, &["eval", ".#x"]);
    assert!(stderr(&o).contains("has no lock file"), "{}", stderr(&o));
    ok(&top, &["flake", "lock"]);
    assert_eq!(git(&top, &["ls-files", "flake.lock"]), "flake.lock");
    let o = tern(&top, &["eval", ".#x"]);
    assert_eq!(stdout(&o).trim(), "1");
    assert!(!stderr(&o).contains("lock file"), "the lock is read: {}", stderr(&o));
}

/// What a flake evaluated from its git work tree sees: only tracked files (CppNix reads such
/// a flake through git), a `narHash` of those files, submodules only with `?submodules=1`.
/// The hashes and store path are CppNix 2.34's for the same files (checked by hand).
#[test]
fn git_work_tree_flakes_see_tracked_files_only() {
    const FLAKE: &str = "{ outputs = { self }: {\n  \
        x = [ self.narHash self.submodules (builtins.attrNames (builtins.readDir ./.)) (builtins.pathExists ./untracked.txt) ];\n  \
        untracked = builtins.readFile ./untracked.txt;\n  \
        src = \"${self}\";\n  \
        nested = [ { a.b = 1; } ];\n}; }\n";
    const NAR_HASH: &str = "sha256-n7k1lv1b2BVWXXSs8OwvR2rk8iSNoDHma7AsQW2I6Ao=";
    const NAR_HASH_WITH_SUB: &str = "sha256-H1mUh2xqMU4Mt/KEquOR40cou0mX4w+EOJSc9EQtYPw=";
    const STORE_PATH: &str = "/nix/store/k3ksmpf1bif2y1cyxcvmjj7p3jlyfmp0-source";
    let d = tmp();
    let sub = d.path.join("sub");
    write(&sub.join("s.txt"), "s\n");
    git_init_commit_all(&sub, "s");
    let top = d.path.join("top");
    write(&top.join("flake.nix"), FLAKE);
    write(&top.join("t.txt"), "t\n");
    git(&top, &["init", "-q"]);
    git(&top, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", "../sub", "sub"]);
    git(&top, &["add", "."]);
    git(&top, &["commit", "-qm", "t"]);
    write(&top.join("untracked.txt"), "u\n");

    assert_eq!(
        ok(&top, &["eval", "--json", ".#x"]),
        format!("[\"{NAR_HASH}\",false,[\".gitmodules\",\"flake.nix\",\"t.txt\"],false]")
    );
    let err = fails(&top, &["eval", ".#untracked"]);
    let shown = top.display();
    assert!(
        err.contains(&format!("Path 'untracked.txt' in the repository \"{shown}\" is not tracked by Git.")),
        "{err}"
    );
    assert!(err.contains(&format!("git -C \"{shown}\" add \"untracked.txt\"")), "{err}");
    assert_eq!(ok(&top, &["eval", ".#src"]), format!("\"{STORE_PATH}\""));
    // A flake output is printed strictly, as `nix eval` does.
    assert_eq!(ok(&top, &["eval", "--json", ".#nested"]), "[{\"a\":{\"b\":1}}]");
    // With submodules the tree is fetched with its submodules filled in.
    let with_sub = format!("git+file://{shown}?submodules=1#x");
    assert_eq!(
        ok(&top, &["eval", "--json", &with_sub]),
        format!("[\"{NAR_HASH_WITH_SUB}\",true,[\".gitmodules\",\"flake.nix\",\"sub\",\"t.txt\"],false]")
    );
}

#[test]
fn paths_of_a_flake_read_as_in_its_store_copy() {
    // Expected output recorded from CppNix 2.34 (`nix eval --json .#x`), for the flake as
    // a git work tree and as a plain directory (`path:`): CppNix evaluates a flake from its
    // store copy, so `toString ./.` names the copy; tern evaluates it where it lies but
    // must say the same.
    const FLAKE: &str = "{\n  outputs = { self }: {\n    x = [\n      (toString ./.)\n      \
        (toString ./data/t.txt)\n      \"${toString ./.}/data/t.txt\"\n      \
        (builtins.readFile (toString ./data/t.txt))\n      (import (toString ./two.nix))\n      \
        (baseNameOf (toString ./.))\n      \"${./data/t.txt}\"\n      \"${self}\"\n    ];\n  };\n}\n";
    const ROOT: &str = "/nix/store/m11d31n6r251lnv4nmk3p3y82s3pizx2-source";
    let expected = format!(
        "[\"{ROOT}\",\"{ROOT}/data/t.txt\",\"{ROOT}/data/t.txt\",\"hi\\n\",2,\"{}\",\
         \"/nix/store/y98xi9rikyga1bqlfgch4wzvn1k1fdc8-t.txt\",\"{ROOT}\"]",
        &ROOT["/nix/store/".len()..]
    );
    let d = flake(FLAKE);
    write(&d.path.join("data/t.txt"), "hi\n");
    write(&d.path.join("two.nix"), "1 + 1\n");
    let as_path = format!("path:{}#x", d.path.display());
    assert_eq!(ok(&d.path, &["eval", "--json", &as_path]), expected);
    git_init_commit_all(&d.path, "paths");
    assert_eq!(ok(&d.path, &["eval", "--json", ".#x"]), expected);
}

#[test]
fn tarball_inputs() {
    let d = tmp();
    write(&d.path.join("src/pkg/flake.nix"), "{ outputs = { self }: { from = \"tarball\"; }; }\n");
    let st = Command::new("tar")
        .arg("-czf")
        .arg(d.path.join("pkg.tar.gz"))
        .arg("-C")
        .arg(d.path.join("src"))
        .arg("pkg")
        .status();
    assert!(st.expect("tar runs").success());
    let top = d.path.join("top");
    write(
        &top.join("flake.nix"),
        &format!("{{ inputs.t.url = \"tarball+file://{}/pkg.tar.gz\";\n  outputs = {{ self, t }}: {{ from = t.from; }}; }}\n", d.path.display()),
    );
    assert_eq!(ok(&top, &["eval", ".#from"]), "\"tarball\"");
    ok(&top, &["flake", "lock"]);
    let j: serde_json::Value = serde_json::from_str(&read(&top.join("flake.lock"))).expect("JSON");
    assert_eq!(j["nodes"]["t"]["locked"]["type"], "tarball");
    assert!(j["nodes"]["t"]["locked"]["narHash"].as_str().is_some_and(|h| h.starts_with("sha256-")));
    assert_eq!(ok(&top, &["eval", ".#from"]), "\"tarball\"");
}

#[test]
fn remote_inputs_offline_need_an_override() {
    let d = tmp();
    let local = d.path.join("local");
    write(&local.join("flake.nix"), "{ outputs = { self }: { answer = 42; }; }\n");
    let top = d.path.join("top");
    write(
        &top.join("flake.nix"),
        "{ inputs.utils.url = \"github:numtide/flake-utils\";\n  outputs = { self, utils }: { a = utils.answer; }; }\n",
    );
    // Offline (so the test never reaches a real forge), a forge input cannot be fetched.
    let err = fails(&top, &["eval", ".#a", "--offline"]);
    assert!(err.contains("cannot fetch input 'utils' ('github:numtide/flake-utils')"), "{err}");
    assert!(err.contains("offline mode"), "{err}");
    assert!(err.contains("--override-input utils path:/"), "{err}");
    let over = format!("path:{}", local.display());
    assert_eq!(ok(&top, &["eval", ".#a", "--override-input", "utils", &over]), "42");
    // With a lock, an overridden input is not a difference; the lock stays as it is.
    let err = fails(&top, &["flake", "lock", "--offline"]);
    assert!(err.contains("offline mode"), "{err}");
    let o = tern(&top, &["flake", "lock", "--override-input", "utils", &over]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_str(&read(&top.join("flake.lock"))).expect("JSON");
    // As in CppNix, the original stays what flake.nix says.
    assert_eq!(j["nodes"]["utils"]["original"]["type"], "github");
    assert_eq!(j["nodes"]["utils"]["locked"]["type"], "path");
    assert_eq!(ok(&top, &["eval", ".#a"]), "42");
    // Other registry names are unknown.
    std::fs::remove_file(top.join("flake.lock")).expect("rm");
    write(&top.join("flake.nix"), "{ outputs = { self, utils }: { }; }\n");
    let err = fails(&top, &["eval", ".#a", "--override-input", "x", "path:/nonexistent"]);
    assert!(err.contains("tern has no flake registry"), "{err}");
}

#[test]
fn duplicated_inputs_are_reported() {
    let d = tmp();
    let dep = d.path.join("dep");
    write(
        &dep.join("flake.nix"),
        "{ inputs.nixpkgs.url = \"github:NixOS/nixpkgs\"; outputs = { self, nixpkgs }: { }; }\n",
    );
    let top = d.path.join("top");
    write(
        &top.join("flake.nix"),
        &format!("{{ inputs.nixpkgs.url = \"nixpkgs\"; inputs.dep.url = \"path:{}\"; outputs = {{ self, nixpkgs, dep }}: {{ }}; }}\n", dep.display()),
    );
    let o = tern(&top, &["flake", "lock"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("'tern:stdlib' is locked 2 times (the same source), as inputs 'nixpkgs', 'dep/nixpkgs'"),
        "{err}"
    );
    assert!(err.contains("inputs.dep.inputs.nixpkgs.follows = \"nixpkgs\";"), "{err}");

    // One git repository locked twice: the same tree however it is asked for, or two commits.
    let repo = d.path.join("repo");
    write(&repo.join("f"), "1\n");
    let first = git_init_commit_all(&repo, "one");
    let twice = |second: &str| {
        let dir = d.path.join(format!("twice-{}", second.len()));
        let url = format!("git+file://{}", repo.display());
        write(
            &dir.join("flake.nix"),
            &format!(
                "{{ inputs.a = {{ url = \"{url}\"; flake = false; }};\n  inputs.b = {{ url = \"{url}{second}\"; flake = false; }};\n  \
                 outputs = {{ self, a, b }}: {{ }}; }}\n"
            ),
        );
        stderr(&tern(&dir, &["flake", "lock"]))
    };
    let err = twice("?ref=main&allRefs=1");
    assert!(err.contains("is locked 2 times (the same source), as inputs 'a', 'b'"), "{err}");
    write(&repo.join("f"), "2\n");
    git(&repo, &["commit", "-qam", "two"]);
    let err = twice(&format!("?rev={first}"));
    assert!(err.contains("is locked 2 times (different revisions), as inputs 'a', 'b'"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Installables, builtins, show

#[test]
fn installables_try_packages_and_legacy_packages() {
    let d = flake(
        "{ outputs = { self }: {\n  packages.x86_64-linux.default = { type = \"derivation\"; name = \"d\"; };\n  packages.x86_64-linux.p = 1;\n  packages.aarch64-linux.p = 2;\n  legacyPackages.x86_64-linux.l = 3;\n  p = 0;\n  f = { a }: a;\n}; }\n",
    );
    let sys = ["--system", "x86_64-linux"];
    let e = |args: &[&str]| ok(&d.path, &[&["eval"], args, &sys].concat());
    assert_eq!(e(&[".#p"]), "0");
    assert_eq!(e(&[".#l"]), "3");
    assert_eq!(e(&[".#packages.x86_64-linux.p"]), "1");
    assert_eq!(ok(&d.path, &["eval", ".#packages.aarch64-linux.p"]), "2");
    assert_eq!(ok(&d.path, &["eval", "--system", "aarch64-linux", ".#legacyPackages.x86_64-linux.l"]), "3");
    assert_eq!(e(&[".#", "--apply", "d: d.name"]), "\"d\"");
    assert_eq!(e(&[".#f", "--apply", "f: f { a = 5; }"]), "5");
    assert_eq!(e(&[&format!("path:{}#p", d.path.display())]), "0");
    assert_eq!(
        e(&["--strict", "--json", ".#packages"]),
        "{\"aarch64-linux\":{\"p\":2},\"x86_64-linux\":{\"default\":{\"name\":\"d\",\"type\":\"derivation\"},\"p\":1}}"
    );
    let err = fails(&d.path, &["eval", ".#nope", "--system", "x86_64-linux"]);
    assert!(
        err.contains(&format!(
            "flake 'path:{}' does not provide attribute 'nope', 'packages.x86_64-linux.nope' or 'legacyPackages.x86_64-linux.nope'",
            d.path.display()
        )),
        "{err}"
    );
    // A leading dot: exactly that path.
    let err = fails(&d.path, &["eval", ".#.l"]);
    assert!(err.contains("does not provide attribute 'l'"), "{err}");
    // Files still work as before: like `nix-instantiate --eval`, a function is called only
    // when given automatic arguments.
    write(&d.path.join("default.nix"), "{ x ? 1 }: x + 1\n");
    assert_eq!(ok(&d.path, &["eval", "default.nix"]), "<LAMBDA>");
    assert_eq!(ok(&d.path, &["eval", "default.nix", "--arg", "x", "2"]), "3");
    assert_eq!(ok(&d.path, &["eval", "-E", "1 + 1"]), "2");
}

#[test]
fn get_flake_and_flake_values() {
    let d = flake(&seed("cross.nix"));
    let expr = format!(
        "let f = builtins.getFlake \"path:{}\"; in [ f._type (builtins.attrNames f.inputs) (f.outPath == f.sourceInfo.outPath) (builtins.typeOf f.lastModified) (builtins.isAttrs f.outputs.nixosConfigurations) (f.inputs.nixpkgs.lib.systems.elaborate \"riscv64-linux\").config ]",
        d.path.display()
    );
    assert_eq!(
        ok(&d.path, &["eval", "--strict", "-E", &expr]),
        "[ \"flake\" [ \"nixpkgs\" ] true \"int\" true \"riscv64-unknown-linux-gnu\" ]"
    );
    // A path value works too; in pure mode an unlocked reference is refused.
    let expr = format!(
        "(builtins.getFlake {}).outputs.nixosConfigurations.lp4a.pkgs.stdenv.hostPlatform.system",
        d.path.display()
    );
    assert_eq!(ok(&d.path, &["eval", "-E", &expr]), "\"riscv64-linux\"");
    let err =
        fails(&d.path, &["eval", "--pure-eval", "-E", &format!("builtins.getFlake \"path:{}\"", d.path.display())]);
    assert!(err.contains("cannot call 'getFlake' on unlocked flake reference"), "{err}");
    // `nixpkgs` itself is a flake: the stdlib's.
    assert_eq!(ok(&d.path, &["eval", "nixpkgs#hello.name", "--system", "x86_64-linux"]), "\"hello-2.10\"");
    let lib = ok(&d.path, &["eval", "-E", "builtins.isFunction (builtins.getFlake \"nixpkgs\").lib.nixosSystem"]);
    assert_eq!(lib, "true");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("readable") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}

fn golden(name: &str, actual: &str) {
    let path = manifest().join("tests/flake").join(name);
    if std::env::var_os("TERN_BLESS").is_some() {
        write(&path, actual);
        return;
    }
    let expected = read(&path);
    assert_eq!(actual, expected, "golden {name} differs (TERN_BLESS=1 rewrites it)");
}

#[test]
fn example_flake() {
    let d = tmp();
    let ex = d.path.join("flake");
    copy_dir(&manifest().join("examples/flake"), &ex);
    let committed = read(&ex.join("flake.lock"));
    // The committed lock is current: locking changes nothing, evaluation accepts it.
    let o = tern(&ex, &["flake", "lock"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&ex.join("flake.lock")), committed);
    let sys = ["--system", "x86_64-linux"];
    let show = ok(&ex, &[&["flake", "show"][..], &sys].concat());
    golden("show-example.exp", &(show.replace(&ex.to_string_lossy().into_owned(), "[FLAKE]") + "\n"));
    let all = ok(&ex, &[&["flake", "show", "--all-systems"][..], &sys].concat());
    // On aarch64 the "cross" package is a native one.
    assert!(all.contains("    │   └───hello-aarch64: package 'hello-2.10'\n"), "{all}");
    let json = ok(&ex, &[&["flake", "show", "--json"][..], &sys].concat());
    let j: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(j["nixosConfigurations"]["demo"]["type"], "nixos-configuration");
    assert_eq!(j["packages"]["x86_64-linux"]["hello"]["name"], "hello-2.10");
    // The values the example promises.
    let e = |a: &[&str]| ok(&ex, &[&["eval"][..], a, &sys].concat());
    assert_eq!(e(&[".#hello", "--apply", "p: p.name"]), "\"hello-2.10\"");
    assert_eq!(e(&[".#hello-aarch64", "--apply", "p: p.stdenv.hostPlatform.config"]), "\"aarch64-unknown-linux-gnu\"");
    assert_eq!(
        e(&[
            ".#nixosConfigurations.demo.config.environment.systemPackages",
            "--apply",
            "l: (builtins.head l).stdenv.hostPlatform.system"
        ]),
        "\"riscv64-linux\""
    );
    assert_eq!(
        e(&[".#nixosConfigurations.demo.config.system.build.toplevel.name"]),
        "\"nixos-system-demo-26.11pre-tern\""
    );
    let drvs = ok(&ex, &[&["instantiate", ".#hello", ".#hello-aarch64"][..], &sys].concat());
    assert_eq!(drvs.lines().count(), 2, "{drvs}");
    assert!(drvs.lines().all(|l| l.starts_with("/nix/store/") && l.ends_with(".drv")), "{drvs}");
    // In the repository itself (a git work tree): the same, in place.
    assert_eq!(
        ok(&manifest(), &["eval", "./examples/flake#hello", "--apply", "p: p.name", "--system", "x86_64-linux"]),
        "\"hello-2.10\""
    );
    let meta = ok(&ex, &["flake", "metadata"]);
    assert!(meta.contains("Description:   tern example"), "{meta}");
    assert!(meta.contains("Inputs:\n└───nixpkgs: tern:stdlib"), "{meta}");
}
