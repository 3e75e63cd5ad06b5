//! tern and CppNix sharing one store (`--store DIR` naming a store CppNix
//! made, as `nix-store --store DIR` does): CppNix's paths are valid for tern
//! and used as they are, tern registers what it builds in CppNix's database
//! so CppNix sees it valid, verified, with its references, deriver and log,
//! and a result link is an indirect GC root. The test makes its own
//! chroot store in a temporary directory; the system's `/nix` is not
//! touched.

use std::fs;
use std::path::Path;
use std::process::Command;

use libtest_mimic::{Completion, Failed};

use crate::gate;
use crate::support::*;

fn cppnix(args: &[&str]) -> std::process::Output {
    Command::new(args[0]).args(&args[1..]).output().expect("CppNix tool")
}

fn cppnix_ok(args: &[&str]) -> String {
    let o = cppnix(args);
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

pub fn tern_and_cppnix_share_a_store() -> Result<Completion, Failed> {
    if let Some(skipped) = gate::require(&["nix-store", "nix-instantiate"]) {
        return skipped;
    }
    gate::run_body(share_a_store)
}

fn share_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let store = dir.path().to_str().unwrap();
    let input = cwd.path().join("input.txt");
    fs::write(&input, "from the host\n").unwrap();
    // CppNix makes the store and adds a source of its own.
    let theirs = cppnix_ok(&["nix-store", "--store", store, "--add", input.to_str().unwrap()]);
    let expr = format!(
        "derivation {{ name = \"shared\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; \
         args = [ \"-c\" \"echo building shared; read x < ${{{}}}; echo \\\"$x ${{{}}}\\\" > $out\" ]; }}",
        input.display(),
        input.display()
    );
    let drv = cppnix_ok(&["nix-instantiate", "--store", store, "-E", &expr]);

    // tern builds CppNix's .drv in CppNix's store.
    let link = cwd.path().join("result");
    let o = run(tern(dir.path(), cwd.path(), &["build", &drv, "-o", link.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o).trim().to_string();
    let real = dir.path().join(out.trim_start_matches('/'));
    assert_eq!(fs::read_to_string(&real).unwrap(), format!("from the host {theirs}\n"));
    assert_eq!(fs::read_link(&link).unwrap(), real, "the result link points into the shared store");
    assert!(!dir.path().join("nix/var/db.sqlite").exists(), "tern kept no database of its own");

    // CppNix sees it valid, with contents matching the recorded hash, its
    // reference, its deriver and its build log.
    let verify = cppnix(&["nix-store", "--store", store, "--verify", "--check-contents"]);
    let verify_err = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success() && !verify_err.contains("modified"), "{verify_err}");
    assert_eq!(cppnix_ok(&["nix-store", "--store", store, "-q", "--references", &out]), theirs);
    assert_eq!(cppnix_ok(&["nix-store", "--store", store, "-q", "--deriver", &out]), drv);
    assert_eq!(cppnix_ok(&["nix-store", "--store", store, "-q", "--outputs", &drv]), out);
    assert!(cppnix_ok(&["nix-store", "--store", store, "-l", &drv]).contains("building shared"));

    // The link is an indirect GC root where CppNix's collector looks, under
    // the name CppNix gives it (a unit test of `store::layout` checks the name
    // against CppNix's). (In a chroot store the link points at the
    // object's real place, which the collector does not take for a store
    // path; with `--store /` the two are one.)
    let roots: Vec<_> =
        fs::read_dir(dir.path().join("nix/var/nix/gcroots/auto")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(roots.len(), 1);
    assert_eq!(fs::read_link(&roots[0]).unwrap(), link);

    // tern sees CppNix's paths as valid (nothing copied, nothing rebuilt).
    let o = run(tern(dir.path(), cwd.path(), &["path-info", "--all"]));
    assert!(o.status.success(), "{}", stderr(&o));
    for p in [&theirs, &drv, &out] {
        assert!(stdout(&o).contains(p.as_str()), "{p} listed: {}", stdout(&o));
    }
    let again = run(tern(dir.path(), cwd.path(), &["build", "--no-link", &drv]));
    assert!(again.status.success() && !stderr(&again).contains("building"), "{}", stderr(&again));

    // A schema tern does not know is refused, naming it.
    fs::write(dir.path().join("nix/var/nix/db/schema"), "11").unwrap();
    let o = run(tern(dir.path(), cwd.path(), &["path-info", "--all"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has database schema 11"), "{}", stderr(&o));
    assert!(Path::new(&real).exists());
}
