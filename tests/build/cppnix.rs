//! Cross-check with CppNix (where `nix-build` is installed, else reported as
//! skipped; CI installs `nix-bin`): the same expressions are instantiated and built by CppNix
//! in the real `/nix/store`, and tern builds the very same `.drv` paths
//! (copying them from CppNix's store) into its own store. Output paths,
//! NAR hashes, sizes and references must agree.
//!
//! The expressions go beyond `build.cases`: nested directories, symlinks,
//! executables, odd file names, multiple outputs referring to each other,
//! a recursive fixed output, structured attributes with nested values,
//! placeholders and passAsFile.

use std::process::Command;

use libtest_mimic::{Completion, Failed};
use tern::build::realise;
use tern::store::{HashFormat, StorePath};

use crate::gate;
use crate::support::*;

const EXPRS: &[&str] = &[
    r#"derivation { name = "x-tree"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "/bin/mkdir -p $out/a/b $out/empty; printf 'é\001\n' > $out/a/b/'odd name'; echo '#!/bin/sh' > $out/run; /bin/chmod 755 $out/run; /bin/ln -s a/b $out/link; /bin/ln -s /nonexistent $out/dangling" ]; }"#,
    r#"derivation { name = "x-multi"; system = "x86_64-linux"; builder = "/bin/sh"; outputs = [ "out" "lib" "dev" ]; args = [ "-c" "/bin/mkdir $out $lib; echo $lib > $out/uses-lib; echo $dev $lib > $lib/uses-dev; echo dev > $dev" ]; }"#,
    r#"let a = derivation { name = "x-a"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo a > $out" ]; }; b = derivation { name = "x-b"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ${a} > $out" ]; }; in derivation { name = "x-c"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "/bin/cat ${b} > $out; echo ${a} >> $out" ]; }"#,
    r#"derivation { name = "x-fod-rec"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "/bin/mkdir $out; echo hi > $out/f" ]; outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = "sha256-MyEwKR7frLkJXyCTAYmhACAemt2h4EszAo04ltEu78o="; }"#,
    r#"derivation { name = "x-structured"; system = "x86_64-linux"; builder = "/bin/bash"; __structuredAttrs = true; n = { deep = [ 1 { x = "y"; } ]; }; f = 1.5; s = "a'b"; args = [ "-c" "source $NIX_ATTRS_SH_FILE; /bin/cat $NIX_ATTRS_JSON_FILE $NIX_ATTRS_SH_FILE > \${outputs[out]}" ]; }"#,
    r#"derivation { name = "x-ph"; system = "x86_64-linux"; builder = "/bin/sh"; passAsFile = [ "t" ]; t = "text ${builtins.placeholder "out"}"; args = [ "-c" "/bin/cat $tPath > $out; echo ${builtins.placeholder "out"} >> $out" ]; }"#,
    r#"let a = derivation { name = "x-dep"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo a > $out" ]; }; b = derivation { name = "x-dep2"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ${a} > $out" ]; }; in derivation { name = "x-graph"; system = "x86_64-linux"; builder = "/bin/sh"; exportReferencesGraph = [ "graph" b ]; args = [ "-c" "/bin/cat graph > $out" ]; }"#,
];

fn nix(args: &[&str]) -> String {
    let o = Command::new(args[0]).args(&args[1..]).output().expect("CppNix tool");
    assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

pub fn same_outputs_as_nix_build() -> Result<Completion, Failed> {
    if let Some(skipped) = gate::require(&["nix-build", "nix-instantiate", "nix-store"]) {
        return skipped;
    }
    if !std::path::Path::new("/nix/var/nix/db/db.sqlite").exists() && !gate::is_root() {
        return gate::missing("a usable CppNix store (/nix/var/nix/db)");
    }
    gate::run_body(compare_with_nix_build)
}

fn compare_with_nix_build() {
    let ts = TestStore::new();
    let opts = tern::build::BuildOptions { import_from: Some("/nix".into()), ..opts() };
    for expr in EXPRS {
        let drv = nix(&["nix-instantiate", "--option", "substituters", "", "-E", expr]);
        let drv = drv.lines().next().unwrap().to_string();
        let nix_outs = nix(&["nix-store", "--option", "substituters", "", "--realise", &drv]);
        let drv_path = StorePath::parse(&drv).unwrap();
        let built =
            realise(&ts.store, std::slice::from_ref(&drv_path), &opts).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let mut ours: Vec<String> = built[0].outputs.values().map(|p| p.to_string()).collect();
        let mut theirs: Vec<String> = nix_outs.lines().map(String::from).collect();
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs, "{expr}");
        for p in &theirs {
            let sp = StorePath::parse(p).unwrap();
            let info = ts.store.query_info(&sp).unwrap().unwrap();
            let hash = nix(&["nix-store", "-q", "--hash", p]);
            assert_eq!(info.nar_hash.encode(HashFormat::Nix32, true), hash.trim(), "narHash of {p}");
            let size = nix(&["nix-store", "-q", "--size", p]);
            assert_eq!(info.nar_size.to_string(), size.trim(), "narSize of {p}");
            let mut refs: Vec<String> =
                nix(&["nix-store", "-q", "--references", p]).lines().map(String::from).collect();
            refs.sort();
            let got: Vec<String> = info.references.iter().map(|r| r.to_string()).collect();
            assert_eq!(got, refs, "references of {p}");
            assert_eq!(info.deriver.as_ref().map(|d| d.to_string()), Some(drv.clone()));
        }
    }
}
