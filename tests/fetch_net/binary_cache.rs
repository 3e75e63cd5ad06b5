//! Binary caches: `tern copy --to file://…` writes a signed cache, `tern build` substitutes
//! from it (served over HTTP) instead of building, unsigned or corrupted caches are refused;
//! and with CppNix 2.34, a cache tern writes is read by `nix copy --from` and a cache
//! `nix copy --to` writes is read by tern.

use std::path::Path;
use std::process::Command;

use base64::Engine;

use super::support::{run, write, Server, Work};

const DRV_EXPR: &str = "derivation { name = \"cached\"; system = builtins.currentSystem; builder = \"/bin/sh\"; \
                        args = [ \"-c\" \"echo hello > $out\" ]; src = builtins.toFile \"in\" \"data\"; }";

/// A secret key in Nix's format and its public key.
fn key(name: &str, seed: u8) -> (String, String) {
    let secret = format!("{name}:{}", base64::engine::general_purpose::STANDARD.encode([seed; 64]));
    let public = tern::fetch::binary_cache::public_key(&secret).expect("a key");
    (secret, public)
}

/// Builds `DRV_EXPR` in `w`'s store; returns (drv, out).
fn build(w: &Work) -> (String, String) {
    let (ok, drv, err) = w.tern(&["instantiate", "-E", DRV_EXPR], &[]);
    assert!(ok, "{err}");
    let (ok, out, err) = w.tern(&["build", "--no-link", &drv], &[]);
    assert!(ok, "{err}");
    (drv, out.lines().last().unwrap_or("").to_string())
}

pub fn substitute_before_building() {
    let a = Work::new("cache-a");
    let (drv, out) = build(&a);
    let (secret, public) = key("test-1", 7);
    let key_file = a.dir.join("secret.key");
    write(&key_file, secret.as_bytes());
    let cache = a.www().join("cache");
    let to = format!("file://{}", cache.display());
    let (ok, _, err) =
        a.tern(&["copy", "--to", &to, "--option", "secret-key-files", &key_file.to_string_lossy(), &out, &drv], &[]);
    assert!(ok, "{err}");
    assert!(cache.join("nix-cache-info").is_file());
    let hash = &out["/nix/store/".len()..][..32];
    let narinfo = std::fs::read_to_string(cache.join(format!("{hash}.narinfo"))).unwrap();
    assert!(narinfo.contains(&format!("StorePath: {out}\n")) && narinfo.contains("Compression: xz\n"), "{narinfo}");
    assert!(narinfo.contains("Sig: test-1:"), "{narinfo}");

    // A fresh store, the cache over HTTP: the output is substituted, not built.
    let s = Server::start(&a, "cache", None, None);
    let b = Work::new("cache-b");
    let url = s.url("cache");
    let subst = ["--option", "substituters", &url, "--option", "trusted-public-keys", &public];
    let (ok, drv_b, err) = b.tern(&["instantiate", "-E", DRV_EXPR], &[]);
    assert!(ok && drv_b == drv, "{err}");
    let mut args = vec!["build", "--no-link", &drv_b];
    args.extend_from_slice(&subst);
    let (ok, out_b, err) = b.tern(&args, &[]);
    assert!(ok, "{err}");
    assert_eq!(out_b.lines().last(), Some(out.as_str()));
    assert!(err.contains(&format!("copying path '{out}' from '{url}'")), "{err}");
    assert!(!err.contains("building '"), "it was built, not substituted:\n{err}");
    let real = b.store().join("store").join(&out["/nix/store/".len()..]);
    assert_eq!(std::fs::read_to_string(real).unwrap(), "hello\n");

    // Another key is not trusted: the path is built instead, with a warning.
    let c = Work::new("cache-c");
    let (_, other) = key("test-2", 9);
    let (ok, drv_c, _) = c.tern(&["instantiate", "-E", DRV_EXPR], &[]);
    assert!(ok);
    let (ok, _, err) = c.tern(&["copy", "--from", &url, "--option", "trusted-public-keys", &other, &out], &[]);
    assert!(!ok && err.contains("no signature by a trusted key"), "{err}");
    let (ok, _, err) = c.tern(
        &["build", "--no-link", &drv_c, "--option", "substituters", &url, "--option", "trusted-public-keys", &other],
        &[],
    );
    assert!(ok, "{err}");
    assert!(err.contains("no signature by a trusted key") && err.contains("building '"), "{err}");

    // A fixed-output path (fetchurl with a hash) comes from an unsigned cache: its content
    // address vouches for it, so the dead URL is never needed.
    let file = a.dir.join("hello.txt");
    write(&file, super::HELLO.as_bytes());
    let fetch = |url: &str| format!("builtins.fetchurl {{ url = \"{url}\"; sha256 = \"{}\"; }}", super::HELLO_SHA256);
    assert_eq!(a.eval(&fetch(&format!("file://{}", file.display())), &[]), format!("\"{}\"", super::HELLO_PATH));
    let unsigned = format!("file://{}", a.dir.join("unsigned").display());
    let (ok, _, err) = a.tern(&["copy", "--to", &unsigned, super::HELLO_PATH], &[]);
    assert!(ok, "{err}");
    let e = Work::new("cache-e");
    let dead = format!("http://127.0.0.1:{}/hello.txt", super::support::closed_port());
    let (ok, out_e, err) = e.tern(&["eval", "-E", &fetch(&dead), "--option", "substituters", &unsigned], &[]);
    assert!(ok, "{err}");
    assert_eq!(out_e, format!("\"{}\"", super::HELLO_PATH));
    assert!(err.contains("copying path"), "{err}");

    // A corrupted NAR is refused and nothing is added.
    let d = Work::new("cache-d");
    let nar_name = narinfo.lines().find_map(|l| l.strip_prefix("URL: ")).unwrap().to_string();
    let nar_file = cache.join(&nar_name);
    let mut bytes = std::fs::read(&nar_file).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&nar_file, bytes).unwrap();
    let (ok, _, err) = d.tern(&["copy", "--from", &to, "--option", "trusted-public-keys", &public, &out], &[]);
    assert!(!ok && err.contains(&nar_name), "{err}");
    assert!(!d.store_objects().iter().any(|n| n.ends_with("-cached")), "{:?}", d.store_objects());
}

fn nix_new() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/nix-new")
}

pub fn cppnix_reads_and_writes_caches() {
    let w = Work::new("cache-cppnix");
    let (drv, out) = build(&w);
    let nix = |args: &[&str]| {
        run(Command::new(nix_new())
            .arg("nix")
            .args(["--extra-experimental-features", "nix-command"])
            .args(args)
            .env("NIX_CACHE_HOME", w.dir.join("nix-cache")))
    };
    // tern writes (signed, xz), CppNix reads with the public key.
    let (secret, public) = key("tern-1", 3);
    let key_file = w.dir.join("tern.key");
    write(&key_file, secret.as_bytes());
    let tern_cache = format!("file://{}", w.dir.join("tern-cache").display());
    let (ok, _, err) = w.tern(
        &["copy", "--to", &tern_cache, "--option", "secret-key-files", &key_file.to_string_lossy(), &out, &drv],
        &[],
    );
    assert!(ok, "{err}");
    let nix_root = w.dir.join("nix-root");
    let root = nix_root.to_string_lossy().into_owned();
    nix(&["copy", "--from", &tern_cache, "--to", &root, "--trusted-public-keys", &public, &out, &drv]);
    let info = nix(&["path-info", "--store", &root, "--json", "--json-format", "1", &out]);
    let v: serde_json::Value = serde_json::from_str(&info).unwrap();
    let (ok, ours, _) = w.tern(&["path-info", "--json", &out], &[]);
    assert!(ok);
    let ours: serde_json::Value = serde_json::from_str(&ours).unwrap();
    let our_hash = tern::store::Hash::parse_any(ours[0]["narHash"].as_str().unwrap(), None).unwrap().to_sri();
    assert_eq!(v[&out]["narHash"].as_str(), Some(our_hash.as_str()), "{info}");
    assert!(v[&out]["signatures"].to_string().contains("tern-1:"), "{info}");

    // CppNix writes (its default xz; and zstd), tern reads with CppNix's key.
    let sk = w.dir.join("nix.key");
    let secret = nix(&["key", "generate-secret", "--key-name", "nix-1"]);
    write(&sk, secret.as_bytes());
    let public = tern::fetch::binary_cache::public_key(&secret).unwrap();
    nix(&["store", "sign", "--store", &root, "--key-file", &sk.to_string_lossy(), "-r", &drv, &out]);
    for compression in ["xz", "zstd"] {
        let dir = w.dir.join(format!("nix-cache-{compression}"));
        let to = format!("file://{}?compression={compression}", dir.display());
        nix(&["copy", "--store", &root, "--to", &to, &out, &drv]);
        let fresh = Work::new(&format!("cache-from-nix-{compression}"));
        let from = format!("file://{}", dir.display());
        let (ok, _, err) =
            fresh.tern(&["copy", "--from", &from, "--option", "trusted-public-keys", &public, &drv, &out], &[]);
        assert!(ok, "{compression}: {err}");
        let (ok, listed, err) = fresh.tern(&["path-info", "-r", &drv], &[]);
        assert!(ok && listed.lines().count() == 2, "{listed}\n{err}");
        let real = fresh.store().join("store").join(&out["/nix/store/".len()..]);
        assert_eq!(std::fs::read_to_string(real).unwrap(), "hello\n");
    }
}
