//! Every case of `build.tsv` (real CppNix 2.8 builds): tern builds the same
//! derivation and must register the same narHash, narSize, references and
//! deriver, produce the same bytes, and give its builders the same
//! environment (the `builder-env` and `structured-env` dumps), up to the
//! build directory's path.
//!
//! The chain derivations come from `drvtext.tsv` (parsed ATerm); the others
//! are written with the store API the way `derivationStrict` writes them,
//! and their drv paths must equal the vector's `deriver` column.

use std::collections::BTreeMap;

use tern::build::realise;
use tern::store::{nar, Derivation, FixedOutputHash, HashAlgo, HashFormat, StorePath};

use crate::support::{b64, opts, tsv, Drv, TestStore};

fn sh(name: &str, script: &str) -> Drv {
    Drv::sh(name, script)
}

/// Adds a `.drv` from drvtext.tsv (its inputs must be there already).
fn from_drvtext(ts: &TestStore, path: &str) -> StorePath {
    let row = tsv("drvtext.tsv").into_iter().find(|r| r[0] == path).expect("drv in drvtext.tsv");
    let sp = StorePath::parse(path).unwrap();
    let drv = Derivation::parse_at(&b64(&row[1]), &sp).unwrap();
    let added = ts.store.add_derivation(&drv).unwrap();
    assert_eq!(added, sp);
    added
}

/// The ten build.cases, in order; returns their drv paths.
fn add_cases(ts: &TestStore) -> Vec<StorePath> {
    let s = &ts.store;
    let a = from_drvtext(ts, "/nix/store/49c9l6zsk73s3waaqjxvc2vs88q36fzf-chain-a.drv");
    let b = from_drvtext(ts, "/nix/store/7sv5rkpc9wx37xpxbr0y6rf7ygdsn257-chain-b.drv");
    let c = from_drvtext(ts, "/nix/store/z7mbc09hlfid3q36c85851fasrkr1ck0-chain-c.drv");
    let fod = |name: &str, mode: &str, algo: &str, hash: &str| {
        let mut d = sh(name, "printf 'hello world\\n' > $out")
            .attr("outputHashMode", mode)
            .attr("outputHashAlgo", algo)
            .attr("outputHash", hash);
        d.fixed = Some(FixedOutputHash::from_derivation_attrs(hash, Some(algo), Some(mode)).unwrap());
        d.add(s)
    };
    let flat =
        fod("fod-flat-sha256", "flat", "sha256", "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447");
    let rec = fod(
        "fod-rec-sha256",
        "recursive",
        "sha256",
        "34ca3ac63094d1d5751f741101692a78f95eedf10744b088129fc324dfd0f603",
    );
    let refs = sh("refs", "echo $out $dev > $out; echo $dev > $dev").outputs(&["out", "dev"]).add(s);
    let unused = sh("unused-input", "echo nothing > $out")
        .attr("dep", "/nix/store/kdwvcddwjz7plkg82fd7k0dpk25nr7aa-chain-a")
        .input(&a, &["out"])
        .add(s);
    let dir = sh(
        "dir-output",
        "/bin/mkdir -p $out/sub; echo x > $out/sub/f; /bin/ln -s sub/f $out/l; printf '#!/bin/sh\\n' > $out/run; /bin/chmod 755 $out/run",
    )
    .add(s);
    let env = sh(
        "builder-env",
        "export > $out; echo PWD=$(pwd) >> $out; /bin/cat $bigPath >> $out; /bin/ls -A >> $out; echo > $dev",
    )
    .outputs(&["out", "dev"])
    .attr("passAsFile", "big")
    .attr("big", "hello big")
    .attr("n", "3")
    .add(s);
    let mut st = sh(
        "structured-env",
        "source $NIX_ATTRS_SH_FILE; o=${outputs[out]}; { export; /bin/cat $NIX_ATTRS_JSON_FILE; echo; /bin/cat $NIX_ATTRS_SH_FILE; /bin/ls -A; } > $o; echo > ${outputs[dev]}",
    )
    .outputs(&["out", "dev"]);
    st.builder = "/bin/bash".into();
    st.json = Some(
        r#"{"a":{"x":1},"b":true,"builder":"/bin/bash","l":[1,"a"],"name":"structured-env","outputs":["out","dev"],"s":"str","system":"x86_64-linux"}"#
            .into(),
    );
    let st = st.add(s);
    vec![a, b, c, flat, rec, refs, unused, dir, env, st]
}

/// Replaces the build directory tern used with the one of the vectors.
fn normalise(content: &[u8], name: &str) -> (Vec<u8>, bool) {
    let text = String::from_utf8_lossy(content).into_owned();
    let want = format!("/tmp/nix-build-{name}.drv-0");
    let key = if text.contains("declare -x NIX_BUILD_TOP=\"") {
        "declare -x NIX_BUILD_TOP=\""
    } else {
        "export NIX_BUILD_TOP='"
    };
    let start = text.find(key).expect("NIX_BUILD_TOP in dump") + key.len();
    let end = start + text[start..].find(['\'', '"']).unwrap();
    let actual = text[start..end].to_string();
    (text.replace(&actual, &want).into_bytes(), actual == want)
}

#[test]
fn build_tsv_cases_match_cppnix() {
    let ts = TestStore::new();
    let drvs = add_cases(&ts);
    let built = realise(&ts.store, &drvs, &opts()).unwrap();
    let by_path: BTreeMap<String, StorePath> =
        built.iter().flat_map(|b| b.outputs.values().map(|p| (p.to_string(), b.drv_path.clone()))).collect();
    let rows = tsv("build.tsv");
    assert_eq!(rows.len(), 13);
    for r in rows {
        let (output, out_path, nar_hash, nar_size, refs, deriver, content) =
            (&r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7]);
        let p = StorePath::parse(out_path).unwrap();
        assert_eq!(
            by_path.get(out_path.as_str()).map(|d| d.to_string()),
            Some(deriver.clone()),
            "{output} of {deriver}"
        );
        let info = ts.store.query_info(&p).unwrap().unwrap_or_else(|| panic!("{p} not valid"));
        assert_eq!(info.deriver.as_ref().map(|d| d.to_string()).as_ref(), Some(deriver));
        let want_refs: Vec<String> = if refs == "-" { vec![] } else { refs.split(',').map(String::from).collect() };
        let got_refs: Vec<String> = info.references.iter().map(|r| r.to_string()).collect();
        assert_eq!(got_refs, want_refs, "references of {p}");
        let got_hash = info.nar_hash.encode(HashFormat::Nix32, true);
        let is_dump = p.name().starts_with("builder-env") || p.name().starts_with("structured-env");
        if content != "-" && is_dump && output == "out" {
            // The dump names the build directory; compare after normalising it.
            let name = p.name().to_string();
            let (norm, exact) = normalise(&ts.read(&p), &name);
            assert_eq!(String::from_utf8_lossy(&norm), String::from_utf8_lossy(&b64(content)), "environment of {name}");
            let (own, own_size) = nar::hash_contents(HashAlgo::Sha256, &ts.read(&p), false);
            assert_eq!((own, own_size), (info.nar_hash.clone(), info.nar_size));
            if exact {
                assert_eq!(&got_hash, nar_hash, "narHash of {p}");
                assert_eq!(info.nar_size.to_string(), *nar_size);
            }
            continue;
        }
        assert_eq!(&got_hash, nar_hash, "narHash of {p}");
        assert_eq!(info.nar_size.to_string(), *nar_size, "narSize of {p}");
        if content != "-" {
            assert_eq!(ts.read(&p), b64(content), "contents of {p}");
        }
        // The registered hash is the hash of what is on disk.
        let (disk, size) = nar::hash_path(HashAlgo::Sha256, &ts.store.real_path(&p)).unwrap();
        assert_eq!((disk, size), (info.nar_hash.clone(), info.nar_size));
    }
}

#[test]
fn outputs_are_canonical() {
    let ts = TestStore::new();
    let d = add_cases(&ts)[7].clone(); // dir-output
    realise(&ts.store, std::slice::from_ref(&d), &opts()).unwrap();
    let root = ts.store.real_path(&crate::support::out(&ts.store, &d));
    use std::os::unix::fs::MetadataExt;
    let mode = |rel: &str| std::fs::symlink_metadata(root.join(rel)).unwrap().mode() & 0o7777;
    assert_eq!(mode(""), 0o555);
    assert_eq!(mode("sub"), 0o555);
    assert_eq!(mode("sub/f"), 0o444);
    assert_eq!(mode("run"), 0o555);
    assert_eq!(std::fs::metadata(root.join("sub/f")).unwrap().mtime(), 1);
    assert_eq!(std::fs::metadata(&root).unwrap().mtime(), 1);
    assert_eq!(std::fs::read_link(root.join("l")).unwrap().to_str(), Some("sub/f"));
}
