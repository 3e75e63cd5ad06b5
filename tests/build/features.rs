//! What the builder does besides matching the vectors: output selection,
//! graphs, the contract's corners (placeholders, passAsFile, structured
//! attrs, fixed outputs, reference rules), `--check`, the command line
//! (result links, `tern log`, `--dry-run`), and the two store views.

use std::fs;
use std::process::Command;

use tern::build::{realise, realise_requests, BuildError, BuildRequest, FailureKind, OutputSpec, StoreView};
use tern::store::path::placeholder;
use tern::store::{FixedOutputHash, StorePath};

use crate::support::*;

#[test]
fn chain_and_diamond() {
    let ts = TestStore::new();
    let s = &ts.store;
    let top = Drv::sh("top", "echo top > $out").add(s);
    let left =
        Drv::sh("left", &format!("/bin/cat {} > $out; echo left >> $out", out(s, &top))).input(&top, &["out"]).add(s);
    let right =
        Drv::sh("right", &format!("/bin/cat {} > $out; echo right >> $out", out(s, &top))).input(&top, &["out"]).add(s);
    let bottom = Drv::sh(
        "bottom",
        &format!("/bin/cat {} {} > $out; echo {} >> $out", out(s, &left), out(s, &right), out(s, &left)),
    )
    .input(&left, &["out"])
    .input(&right, &["out"])
    .add(s);
    let built = realise(s, std::slice::from_ref(&bottom), &opts()).unwrap();
    let b = &built[0].outputs["out"];
    let text = String::from_utf8(ts.read(b)).unwrap();
    assert_eq!(text, format!("top\nleft\ntop\nright\n{}\n", out(s, &left)));
    // Only the path that is mentioned is a reference.
    let info = s.query_info(b).unwrap().unwrap();
    assert_eq!(info.references.into_iter().collect::<Vec<_>>(), vec![out(s, &left)]);
    for d in [&top, &left, &right] {
        assert!(ts.valid(&out(s, d)));
    }
    // A second realise builds nothing (a changed log would show it).
    let log = tern::build::log::log_path(ts.root(), &bottom);
    let before = fs::metadata(&log).unwrap().modified().unwrap();
    realise(s, std::slice::from_ref(&bottom), &opts()).unwrap();
    assert_eq!(fs::metadata(&log).unwrap().modified().unwrap(), before);
}

#[test]
fn a_long_chain_in_parallel_slots() {
    let ts = TestStore::new();
    let s = &ts.store;
    let mut prev: Option<StorePath> = None;
    let mut leaves = Vec::new();
    for i in 0..40 {
        let d = match &prev {
            None => Drv::sh(&format!("c{i}"), "echo 0 > $out").add(s),
            Some(p) => Drv::sh(&format!("c{i}"), &format!("/bin/cat {} > $out; echo {i} >> $out", out(s, p)))
                .input(p, &["out"])
                .add(s),
        };
        leaves.push(Drv::sh(&format!("leaf{i}"), &format!("echo {i} > $out")).add(s));
        prev = Some(d);
    }
    let mut all = leaves.clone();
    all.push(prev.clone().unwrap());
    let o = tern::build::BuildOptions { max_jobs: 4, ..opts() };
    let built = realise(s, &all, &o).unwrap();
    let last = &built.last().unwrap().outputs["out"];
    assert_eq!(String::from_utf8(ts.read(last)).unwrap().lines().count(), 40);
}

#[test]
fn selected_outputs() {
    let ts = TestStore::new();
    let d =
        Drv::sh("multi", "echo o > $out; echo d > $dev; echo l > $lib").outputs(&["out", "dev", "lib"]).add(&ts.store);
    let req = BuildRequest { drv_path: d.clone(), outputs: OutputSpec::Names(["dev".to_string()].into()) };
    let built = realise_requests(&ts.store, &[req], &opts()).unwrap();
    assert_eq!(built[0].outputs.keys().collect::<Vec<_>>(), vec!["dev"]);
    // All outputs of a built derivation become valid together.
    for p in outs(&ts.store, &d).values() {
        assert!(ts.valid(p), "{p}");
    }
    let bad = BuildRequest { drv_path: d, outputs: OutputSpec::Names(["nope".to_string()].into()) };
    let e = realise_requests(&ts.store, &[bad], &opts()).unwrap_err();
    assert!(e.to_string().contains("does not have an output named 'nope'"), "{e}");
}

#[test]
fn placeholders_are_rewritten() {
    let ts = TestStore::new();
    let ph = placeholder("out");
    let d = Drv::sh("ph", &format!("echo $p {ph} > $out; /bin/cat $qPath >> $out"))
        .attr("p", &format!("x{ph}y"))
        .attr("q", &format!("file {ph}\n"))
        .attr("passAsFile", "q")
        .add(&ts.store);
    realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap();
    let o = out(&ts.store, &d);
    assert_eq!(String::from_utf8(ts.read(&o)).unwrap(), format!("x{o}y {o}\nfile {o}\n"));
}

#[test]
fn structured_attrs_files() {
    let ts = TestStore::new();
    let mut d = Drv::sh(
        "st",
        "source $NIX_ATTRS_SH_FILE; echo \"$s ${l[1]} ${a[k]} $f\" > ${outputs[out]}; /bin/cat $NIX_ATTRS_JSON_FILE >> ${outputs[out]}",
    );
    d.builder = "/bin/bash".into();
    d.json = Some(
        r#"{"s":"it's","l":[1,"two"],"a":{"k":"v"},"f":2.5,"builder":"/bin/bash","name":"st","system":"x86_64-linux"}"#
            .into(),
    );
    let d = d.add(&ts.store);
    realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap();
    let o = out(&ts.store, &d);
    assert_eq!(
        String::from_utf8(ts.read(&o)).unwrap(),
        format!(
            "it's two v \n{{\"a\":{{\"k\":\"v\"}},\"builder\":\"/bin/bash\",\"f\":2.5,\"l\":[1,\"two\"],\"name\":\"st\",\"outputs\":{{\"out\":\"{o}\"}},\"s\":\"it's\",\"system\":\"x86_64-linux\"}}"
        )
    );
}

fn fod(name: &str, script: &str, mode: &str, hash: &str) -> Drv {
    let mut d =
        Drv::sh(name, script).attr("outputHashMode", mode).attr("outputHashAlgo", "sha256").attr("outputHash", hash);
    d.fixed = Some(FixedOutputHash::from_derivation_attrs(hash, Some("sha256"), Some(mode)).unwrap());
    d
}

#[test]
fn fixed_output_from_printf() {
    let ts = TestStore::new();
    // sha256("hello world\n"), written by the builder itself.
    let hash = "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447";
    let d = fod("greeting", "printf 'hello world\\n' > $out", "flat", hash).add(&ts.store);
    realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap();
    let o = out(&ts.store, &d);
    let info = ts.store.query_info(&o).unwrap().unwrap();
    let nix32 = tern::store::Hash::parse_bare(hash, tern::store::HashAlgo::Sha256).unwrap().to_nix32();
    assert_eq!(info.ca.unwrap().to_string(), format!("fixed:sha256:{nix32}"));
    assert!(info.references.is_empty());
    assert_eq!(ts.read(&o), b"hello world\n");
    // The same output from a different builder: same path, nothing rebuilt.
    let d2 = fod("greeting", "echo 'hello world' > $out", "flat", hash).add(&ts.store);
    assert_ne!(d, d2);
    assert_eq!(out(&ts.store, &d2), o);
    realise(&ts.store, std::slice::from_ref(&d2), &opts()).unwrap();
}

#[test]
fn fixed_output_environment() {
    let ts = TestStore::new();
    // NIX_OUTPUT_CHECKED and the impure variable reach the builder, which
    // fails (saying what it saw) unless they are as expected.
    let user = std::env::var("USER").unwrap_or_else(|_| "unset".into());
    let hash = "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447";
    let d = fod(
        "impure",
        &format!(
            "seen=\"$NIX_OUTPUT_CHECKED ${{HOME}} ${{USER-unset}}\"; echo \"saw: $seen\"; \
             [ \"$seen\" = '1 /homeless-shelter {user}' ] || exit 1; printf 'hello world\\n' > $out"
        ),
        "flat",
        hash,
    )
    .attr("impureEnvVars", "USER")
    .add(&ts.store);
    realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap();
}

#[test]
fn fixed_output_mismatch_keeps_nothing() {
    let ts = TestStore::new();
    let hash = "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447";
    let d = fod("wrong", "printf 'hello\\n' > $out", "flat", hash).add(&ts.store);
    let e = realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap_err();
    assert_eq!(e.exit_code(), 102);
    let msg = e.to_string();
    assert!(msg.starts_with(&format!("hash mismatch in fixed-output derivation '{d}':\n  specified: sha256-qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc=")), "{msg}");
    assert!(msg.contains("got:    sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="), "{msg}");
    assert!(msg.contains("(sha256:0ix4jahrkll5zg01wandq78jw3ab30q4nscph67rniqg5x7r0j59)"), "{msg}");
    let o = out(&ts.store, &d);
    assert!(!ts.valid(&o));
    assert!(!ts.store.real_path(&o).exists(), "no leftover");
    // Flat hashing wants a plain file.
    let x = fod("exec", "printf 'hello world\\n' > $out; /bin/chmod +x $out", "flat", hash).add(&ts.store);
    let e = realise(&ts.store, std::slice::from_ref(&x), &opts()).unwrap_err();
    assert!(e.to_string().contains("must be a regular, non-executable file"), "{e}");
}

#[test]
fn reference_rules() {
    let ts = TestStore::new();
    let s = &ts.store;
    let dep = Drv::sh("dep", "echo dep > $out").add(s);
    let script = format!("echo {} > $out", out(s, &dep));
    let ok = Drv::sh("ok", &script).input(&dep, &["out"]).attr("allowedReferences", &out(s, &dep).to_string()).add(s);
    realise(s, std::slice::from_ref(&ok), &opts()).unwrap();
    let bad = Drv::sh("bad", &script).input(&dep, &["out"]).attr("allowedReferences", "").add(s);
    let e = realise(s, std::slice::from_ref(&bad), &opts()).unwrap_err();
    assert!(e.to_string().contains("is not allowed to refer to the following paths"), "{e}");
    assert!(!ts.valid(&out(s, &bad)));
    let bad2 =
        Drv::sh("bad2", &script).input(&dep, &["out"]).attr("disallowedRequisites", &out(s, &dep).to_string()).add(s);
    assert!(realise(s, std::slice::from_ref(&bad2), &opts()).is_err());
}

#[test]
fn output_cycles_are_refused() {
    let ts = TestStore::new();
    let d = Drv::sh("cyc", "echo $lib > $out; echo $dev > $lib; echo $out > $dev")
        .outputs(&["out", "lib", "dev"])
        .add(&ts.store);
    let e = realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap_err();
    // CppNix 2.8's words and search order.
    assert_eq!(
        e.to_string(),
        format!("cycle detected in build of '{d}' in the references of output 'dev' from output 'lib'")
    );
    for p in outs(&ts.store, &d).values() {
        assert!(!ts.valid(p) && !ts.store.real_path(p).exists());
    }
}

#[test]
fn missing_output_is_a_failure() {
    let ts = TestStore::new();
    let d = Drv::sh("lazy", "echo > $out").outputs(&["out", "dev"]).add(&ts.store);
    let e = realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap_err();
    assert!(e.to_string().contains("failed to produce output path for output 'dev'"), "{e}");
    for p in outs(&ts.store, &d).values() {
        assert!(!ts.valid(p));
        assert!(!ts.store.real_path(p).exists());
    }
}

#[test]
fn check_finds_non_determinism() {
    let ts = TestStore::new();
    let s = &ts.store;
    let same = Drv::sh("same", "/bin/mkdir $out; echo x > $out/f").add(s);
    let rand = Drv::sh(
        "rand",
        "/bin/mkdir $out; echo x > $out/a; /bin/cat /proc/sys/kernel/random/uuid > $out/b; echo $PWD > $out/pwd",
    )
    .add(s);
    realise(s, &[same.clone(), rand.clone()], &opts()).unwrap();
    let o = |check| tern::build::BuildOptions { check, keep_failed: true, ..opts() };
    realise(s, std::slice::from_ref(&same), &o(true)).unwrap();
    let e = realise(s, std::slice::from_ref(&rand), &o(true)).unwrap_err();
    assert_eq!(e.exit_code(), 104, "{e}");
    let msg = e.to_string();
    let rout = out(s, &rand);
    assert!(msg.contains(&format!("derivation '{rand}' may not be deterministic: output '{rout}' differs")), "{msg}");
    assert!(msg.contains(&format!("first difference: '{rout}/b' (contents)")), "{msg}");
    // The valid output is untouched; -K kept the rebuilt one beside it.
    assert!(ts.valid(&rout));
    let kept = ts.root().join("store").join(format!("{}.check", rout.base_name()));
    assert!(kept.join("b").exists(), "{msg}");
    let (h, _) = tern::store::nar::hash_path(tern::store::HashAlgo::Sha256, &s.real_path(&rout)).unwrap();
    assert_eq!(h, s.query_info(&rout).unwrap().unwrap().nar_hash);
    // -K kept the build directory of the failed check too.
    let dir = fs::read_to_string(kept.join("pwd")).unwrap();
    assert!(std::path::Path::new(dir.trim()).is_dir());
    fs::remove_dir_all(dir.trim()).unwrap();
}

#[test]
fn check_of_an_unbuilt_path_is_refused() {
    let ts = TestStore::new();
    let marker = ts.dir.path().join("ran");
    let d = Drv::sh("unbuilt", &format!("echo > {}; echo x > $out", marker.display())).add(&ts.store);
    let o = tern::build::BuildOptions { check: true, ..opts() };
    let e = realise(&ts.store, std::slice::from_ref(&d), &o).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(&format!("some outputs of '{d}' are not valid, so checking is not possible")), "{msg}");
    // Nothing was built: the builder never ran and the output is not valid.
    assert!(!marker.exists());
    assert!(!ts.valid(&out(&ts.store, &d)));
}

#[test]
fn new_root_view() {
    // The store view used when the host has no /nix/store to mount over.
    let ts = TestStore::new();
    let d = Drv::sh("nr", "/bin/ls /nix/store > $out").add(&ts.store);
    let o = tern::build::BuildOptions { store_view: StoreView::NewRoot, ..opts_without_sandbox() };
    realise(&ts.store, std::slice::from_ref(&d), &o).unwrap();
    let text = String::from_utf8(ts.read(&out(&ts.store, &d))).unwrap();
    // The builder saw tern's store (its own .drv) at /nix/store.
    assert!(text.contains(d.base_name()), "{text}");
}

#[test]
fn builtin_builders_are_refused_plainly() {
    let ts = TestStore::new();
    let mut d = Drv::sh("fetch", "");
    d.builder = "builtin:buildenv".into();
    d.args = vec![];
    let d = d.add(&ts.store);
    let e = realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap_err();
    assert!(e.to_string().contains("builtin builders ('builtin:buildenv') are not supported"), "{e}");
    assert_eq!(e.exit_code(), 1);
}

#[test]
fn cli_links_output_and_log() {
    let ts = TestStore::new();
    let s = &ts.store;
    let a = Drv::sh("cli-a", "echo a > $out; echo 'to the log'; echo > $dev").outputs(&["out", "dev"]).add(s);
    let b = Drv::sh("cli-b", "echo b > $out").add(s);
    let cwd = tempfile::tempdir().unwrap();
    let o = run(tern(ts.root(), cwd.path(), &["build", &a.to_string(), &b.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));
    let oa = outs(s, &a);
    let ob = out(s, &b);
    assert_eq!(stdout(&o), format!("{}\n{}\n{}\n", oa["out"], oa["dev"], ob));
    let link = |n: &str| fs::read_link(cwd.path().join(n)).unwrap();
    assert_eq!(link("result"), s.real_path(&oa["out"]));
    assert_eq!(link("result-dev"), s.real_path(&oa["dev"]));
    assert_eq!(link("result-2"), s.real_path(&ob));
    // -o renames; --no-link makes none; dev only with drv^dev.
    let o = run(tern(ts.root(), cwd.path(), &["build", "-o", "res", &format!("{a}^dev")]));
    assert_eq!(stdout(&o), format!("{}\n", oa["dev"]));
    assert_eq!(link("res-dev"), s.real_path(&oa["dev"]));
    let o = run(tern(ts.root(), cwd.path(), &["build", "--no-link", &format!("{a}!out"), &ob.to_string()]));
    assert_eq!(stdout(&o), format!("{}\n{}\n", oa["out"], ob));
    // tern log finds the log by drv, by output, and through the result link.
    for arg in [a.to_string(), oa["dev"].to_string(), cwd.path().join("result").display().to_string()] {
        let o = run(tern(ts.root(), cwd.path(), &["log", &arg]));
        assert_eq!(stdout(&o), "to the log\n", "tern log {arg}: {}", stderr(&o));
    }
}

#[test]
fn cli_dry_run() {
    let ts = TestStore::new();
    let d = Drv::sh("dry", "echo > $out").add(&ts.store);
    let cwd = tempfile::tempdir().unwrap();
    let o = run(tern(ts.root(), cwd.path(), &["build", "--dry-run", &d.to_string()]));
    assert!(o.status.success());
    assert!(stderr(&o).contains(&format!("this derivation will be built (dry run):\n  {d}\n")), "{}", stderr(&o));
    assert!(!ts.valid(&out(&ts.store, &d)));
}

#[test]
fn cli_builds_files_and_expressions() {
    // `tern build FILE -A attr` and `-E`: evaluated by tern itself, then built;
    // paths as CppNix computes them (build.tsv's chain-b and refs rows).
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let chain = "let a = derivation { name = \"chain-a\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" \"echo a > $out\" ]; }; \
                 in { b = derivation { name = \"chain-b\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; args = [ \"-c\" \"echo ${a} > $out\" ]; }; \
                 refs = derivation { name = \"refs\"; system = \"x86_64-linux\"; builder = \"/bin/sh\"; outputs = [ \"out\" \"dev\" ]; args = [ \"-c\" \"echo $out $dev > $out; echo $dev > $dev\" ]; }; }";
    fs::write(cwd.path().join("default.nix"), chain).unwrap();
    let o = run(tern(ts.root(), cwd.path(), &["build", "-A", "b"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "/nix/store/ysgja5skidsgng1vsvh0fd29jkld6056-chain-b\n");
    assert_eq!(
        fs::read_to_string(cwd.path().join("result")).unwrap(),
        "/nix/store/kdwvcddwjz7plkg82fd7k0dpk25nr7aa-chain-a\n"
    );
    // A derivation value stands for one output (`refs.dev` for dev), as with nix-build.
    let o = run(tern(ts.root(), cwd.path(), &["build", "--no-link", "default.nix", "-A", "refs.dev"]));
    assert_eq!(stdout(&o), "/nix/store/87sv35fgs89hc4ssp0cqf2cvyfcgyyqj-refs-dev\n", "{}", stderr(&o));
    let o = run(tern(ts.root(), cwd.path(), &["build", "--no-link", "-E", "(import ./default.nix).refs"]));
    assert_eq!(stdout(&o), "/nix/store/2p7idipan0l2sxhcnx012x08bq4zx3dd-refs\n", "{}", stderr(&o));
    // Evaluation errors are reported as such.
    let o = run(tern(ts.root(), cwd.path(), &["build", "-A", "nope"]));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("attribute 'nope' in selection path 'nope' not found"), "{}", stderr(&o));
}

#[test]
fn failure_dependents_and_keep_going() {
    let ts = TestStore::new();
    let s = &ts.store;
    let bad = Drv::sh("bad", "exit 1").add(s);
    let after = Drv::sh("after", &format!("echo {} > $out", out(s, &bad))).input(&bad, &["out"]).add(s);
    let other = Drv::sh("other", "/bin/sleep 0.3; echo > $out").add(s);
    let o = tern::build::BuildOptions { keep_going: true, ..opts() };
    let e = realise(s, &[after.clone(), other.clone()], &o).unwrap_err();
    let BuildError::Failed { failures, abandoned } = &e else { panic!("{e}") };
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].kind, FailureKind::Failed);
    assert_eq!(abandoned, &vec![format!("1 dependency of derivation '{after}' failed to build")]);
    assert!(ts.valid(&out(s, &other)), "keep-going built the unrelated one");
}

/// `tern with-store` runs a command where tern's store is at /nix/store: a build's link
/// into another output dangles outside and resolves inside; the exit status comes through.
#[test]
fn with_store_shows_the_store_at_nix_store() {
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let expr = r#"let
        mk = name: script: derivation { inherit name; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" script ]; };
        msg = mk "with-store-msg" "echo 'seen through /nix/store' > $out";
      in mk "with-store-link" "/bin/ln -s ${msg} $out""#;
    let o = run(tern(ts.root(), cwd.path(), &["build", "-E", expr]));
    assert!(o.status.success(), "{}", stderr(&o));
    let link = std::fs::read_link(cwd.path().join("result")).unwrap();
    let target = std::fs::read_link(&link).unwrap();
    assert!(target.starts_with("/nix/store/"), "{}", target.display());
    assert!(!ts.root().starts_with("/nix") && !cwd.path().join("result").exists(), "the link should dangle outside");
    let with_store = |args: &[&str]| {
        let mut c = Command::new(tern_bin());
        c.arg("with-store").arg("--store").arg(ts.root()).args(args).current_dir(cwd.path());
        run(c)
    };
    let o = with_store(&["cat", "result"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "seen through /nix/store\n");
    // The working directory is kept, and the command's exit status is tern's.
    let here = cwd.path().canonicalize().unwrap();
    let o = with_store(&["/bin/sh", "-c", "test \"$(pwd -P)\" = \"$0\" && exit 3", here.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let o = with_store(&["/no/such/program"]);
    assert_eq!(o.status.code(), Some(127));
    assert!(stderr(&o).contains("cannot run '/no/such/program'"), "{}", stderr(&o));
}
