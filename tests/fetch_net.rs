//! Fetching over the network: `fetchurl`, `fetchTarball`, `fetchTree` (file, tarball,
//! github/gitlab/sourcehut), `fetchGit` and flake inputs against servers the tests start on
//! 127.0.0.1 (`tests/fetch_net/server.py`: plain HTTP, and HTTPS with a CA made by openssl and
//! given through `ssl-cert-file` / `NIX_SSL_CERT_FILE`). Expected store paths and NAR hashes
//! are CppNix 2.34's for the same contents (`cppnix::…` checks them live when
//! `../shared/tools/nix-new` is there). Binary caches: `fetch_net/binary_cache.rs`; git LFS:
//! `fetch_net/lfs.rs`. Tests whose
//! tools (python3, openssl, tar, git, hg) are missing report themselves skipped, and fail under
//! `CI=true` (tests/common/gate.rs).

use std::path::Path;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

#[path = "fetch_net/binary_cache.rs"]
mod binary_cache;
#[path = "fetch_net/forge.rs"]
mod forge;
#[path = "common/gate.rs"]
mod gate;
#[path = "fetch_net/git.rs"]
mod git;
#[path = "fetch_net/hg.rs"]
mod hg;
#[path = "fetch_net/lfs.rs"]
mod lfs;
#[path = "fetch_net/support.rs"]
mod support;

use support::{closed_port, make_tarball, write, Ca, Server, Work, TARBALL_MTIME};

/// CppNix 2.34's answers for the fixtures of `support`.
pub const HELLO: &str = "hello from the test server\n";
pub const HELLO_PATH: &str = "/nix/store/xbkd485spfsbrkwr30zsz0ahir9774qg-hello.txt";
pub const HELLO_SHA256: &str = "f64db2aa4efb723cb97dc0bd724f8fdec2db1853daac96e63695e81572c6acab";
pub const HELLO_NAMED_PATH: &str = "/nix/store/hlpk0ngg7g35hw1cb9mpd41z552iwm24-greeting";
pub const HELLO_TREE_PATH: &str = "/nix/store/kr7bk3f5l3rdnkijh25s75nzin320lfg-source";
pub const HELLO_TREE_NAR: &str = "sha256-LN433UEnCkYqzjr1CbH0p0L5WD0SHyJw1HdXAFbcIzs=";
pub const TARBALL_PATH: &str = "/nix/store/52w1hjajlq9b5lzddvwq7z5rc1zzb2pq-source";
pub const TARBALL_NAR: &str = "sha256-ph/TNtCe9morvGoL/gOXhGW67Yt3l8Gvei0AkmYMcaQ=";

fn gated(tools: &'static [&'static str], body: fn()) -> impl FnOnce() -> Result<Completion, Failed> + Send {
    move || match gate::require(tools) {
        Some(skipped) => skipped,
        None => gate::run_body(body),
    }
}

fn main() {
    let http: &[&str] = &["python3", "tar"];
    let trials = vec![
        Trial::ignorable_test("url::fetchurl_over_http", gated(http, fetchurl_over_http)),
        Trial::ignorable_test("url::fetch_tarball_and_its_cache", gated(http, fetch_tarball_and_its_cache)),
        Trial::ignorable_test("url::fetch_tree_file_and_tarball", gated(http, fetch_tree_file_and_tarball)),
        Trial::ignorable_test("url::tarball_immutable_link", gated(http, tarball_immutable_link)),
        Trial::ignorable_test("url::errors_name_the_url", gated(http, errors_name_the_url_and_add_nothing)),
        Trial::ignorable_test(
            "url::https_with_ssl_cert_file",
            gated(&["python3", "openssl"], https_with_ssl_cert_file),
        ),
        Trial::ignorable_test(
            "forge::github_stand_in",
            gated(&["python3", "openssl", "git", "tar"], forge::github_stand_in),
        ),
        Trial::ignorable_test(
            "forge::gitlab_and_sourcehut_stand_ins",
            gated(&["python3", "openssl", "git", "tar"], forge::gitlab_and_sourcehut_stand_ins),
        ),
        Trial::ignorable_test("git::fetch_git_over_http", gated(&["python3", "git"], forge::fetch_git_over_http)),
        Trial::ignorable_test(
            "git::shallow_submodules_all_refs",
            gated(&["python3", "git"], git::shallow_submodules_all_refs),
        ),
        Trial::ignorable_test("git::lfs_smudges_pointers", gated(&["python3", "git"], lfs::smudges_pointers)),
        Trial::ignorable_test("hg::mercurial_like_cppnix", gated(&["hg"], hg::mercurial_like_cppnix)),
        Trial::ignorable_test("cppnix::same_results_as_cppnix", cppnix_same_results),
        Trial::ignorable_test("cppnix::same_git_results_and_locks", cppnix_same_git),
        Trial::ignorable_test(
            "binary_cache::substitute_before_building",
            gated(&["python3"], binary_cache::substitute_before_building),
        ),
        Trial::ignorable_test("cppnix::binary_caches_both_ways", cppnix_binary_caches),
        Trial::ignorable_test("cppnix::same_flake_lock_for_remote_inputs", cppnix_same_lock),
    ];
    libtest_mimic::run(&Arguments::from_args(), trials).exit();
}

fn fetchurl_over_http() {
    let w = Work::new("url");
    write(&w.www().join("hello.txt"), HELLO.as_bytes());
    let s = Server::start(&w, "http", None, None);
    let url = s.url("hello.txt");
    assert_eq!(w.eval(&format!("builtins.fetchurl \"{url}\""), &[]), format!("\"{HELLO_PATH}\""));
    assert_eq!(w.eval(&format!("builtins.fetchurl {{ url = \"{url}\"; name = \"greeting\"; }}"), &[]), {
        format!("\"{HELLO_NAMED_PATH}\"")
    });
    let real = w.store().join("store").join(HELLO_PATH.trim_start_matches("/nix/store/"));
    assert_eq!(std::fs::read_to_string(real).unwrap(), HELLO);
    // A netrc-file login for the host is sent (HTTP Basic).
    let netrc = w.dir.join("netrc");
    write(&netrc, b"machine 127.0.0.1\n  login user\n  password secret\n");
    let expr = format!("builtins.fetchurl {{ url = \"{url}\"; name = \"with-login\"; }}");
    w.eval(&expr, &["--option", "netrc-file", &netrc.to_string_lossy()]);
    assert!(s.requests().iter().any(|r| r.contains("auth=Basic dXNlcjpzZWNyZXQ=")), "{:?}", s.requests());
    // With the hash of something already in the store, nothing is downloaded.
    let before = s.count("/hello.txt");
    let expr = format!("builtins.fetchurl {{ url = \"{url}\"; sha256 = \"{HELLO_SHA256}\"; }}");
    assert_eq!(w.eval(&expr, &[]), format!("\"{HELLO_PATH}\""));
    assert_eq!(s.count("/hello.txt"), before);
}

fn fetch_tarball_and_its_cache() {
    let w = Work::new("tarball");
    make_tarball(&w, "proj.tar.gz");
    let s = Server::start(&w, "http", None, None);
    let url = s.url("proj.tar.gz");
    let expr = format!("builtins.fetchTarball \"{url}\"");
    assert_eq!(w.eval(&expr, &[]), format!("\"{TARBALL_PATH}\""));
    let real = w.store().join("store").join(TARBALL_PATH.trim_start_matches("/nix/store/"));
    assert_eq!(std::fs::read_to_string(real.join("README")).unwrap(), "a project\n");
    assert_eq!(std::fs::read_link(real.join("link")).unwrap(), Path::new("README"));
    assert_eq!(s.count("/proj.tar.gz"), 1);
    // Within tarball-ttl the URL is not asked again.
    assert_eq!(w.eval(&expr, &[]), format!("\"{TARBALL_PATH}\""));
    assert_eq!(s.count("/proj.tar.gz"), 1, "{:?}", s.requests());
    // Past it, the server is asked with the ETag and answers 304.
    assert_eq!(w.eval(&expr, &["--tarball-ttl", "0"]), format!("\"{TARBALL_PATH}\""));
    let reqs: Vec<String> = s.requests().into_iter().filter(|r| r.starts_with("GET /proj.tar.gz ")).collect();
    assert_eq!(reqs.len(), 2);
    assert!(reqs[1].contains("inm=\""), "no If-None-Match: {reqs:?}");
    // Offline: the cached copy is used whatever its age; an unknown URL is an error.
    assert_eq!(w.eval(&expr, &["--offline", "--tarball-ttl", "0"]), format!("\"{TARBALL_PATH}\""));
    assert_eq!(s.count("/proj.tar.gz"), 2);
    let err = w.eval_err(&format!("builtins.fetchTarball \"{}\"", s.url("other.tar.gz")), &["--offline"]);
    assert!(err.contains("offline mode") && err.contains("other.tar.gz"), "{err}");
    assert_eq!(s.count("/other.tar.gz"), 0);
    // The right hash is accepted; `name` names the store path.
    let named = w.eval(
        &format!("builtins.fetchTarball {{ url = \"{url}\"; sha256 = \"{TARBALL_NAR}\"; name = \"proj\"; }}"),
        &[],
    );
    assert!(named.ends_with("-proj\""), "{named}");
}

/// The lockable tarball protocol: a `Link: <URL>; rel="immutable"` answer makes `fetchTree`
/// report the link's `rev`/`revCount` and the lock record the link's URL (as CppNix 2.34
/// does; the archive's newest entry still gives `lastModified`).
fn tarball_immutable_link() {
    let w = Work::new("link");
    make_tarball(&w, "proj.tar.gz");
    let rev = "442793d9ec0584f6a6e82fa253850c8085bb150a";
    let routes = w.dir.join("routes.json");
    let file = w.www().join("proj.tar.gz");
    let link = format!("<{{base}}/proj.tar.gz?rev={rev}&revCount=835>; rel=\"immutable\"");
    let json = serde_json::json!({ "/latest.tar.gz": { "file": file, "headers": [["Link", link]] } });
    write(&routes, json.to_string().as_bytes());
    let s = Server::start(&w, "link", Some(&routes), None);
    let latest = s.url("latest.tar.gz");
    let got = w.eval(&format!("builtins.fetchTree {{ type = \"tarball\"; url = \"{latest}\"; }}"), &[]);
    assert_eq!(
        got,
        format!(
            "{{ lastModified = {TARBALL_MTIME}; lastModifiedDate = \"20231114221320\"; narHash = \"{TARBALL_NAR}\"; \
             outPath = \"{TARBALL_PATH}\"; rev = \"{rev}\"; revCount = 835; shortRev = \"442793d\"; }}"
        )
    );
    let lock = w.lock_flake(
        "app",
        &format!("{{ inputs.t = {{ url = \"{latest}\"; flake = false; }}; outputs = x: {{ }}; }}\n"),
        &[],
    );
    assert_eq!(
        lock["nodes"]["t"]["locked"],
        serde_json::json!({
            "lastModified": TARBALL_MTIME, "narHash": TARBALL_NAR, "rev": rev, "revCount": 835,
            "type": "tarball", "url": s.url("proj.tar.gz")
        })
    );
    assert_eq!(lock["nodes"]["t"]["original"], serde_json::json!({ "type": "tarball", "url": latest }));
}

fn fetch_tree_file_and_tarball() {
    let w = Work::new("tree");
    write(&w.www().join("hello.txt"), HELLO.as_bytes());
    make_tarball(&w, "proj.tar.gz");
    let s = Server::start(&w, "http", None, None);
    let file = w.eval(&format!("builtins.fetchTree {{ type = \"file\"; url = \"{}\"; }}", s.url("hello.txt")), &[]);
    assert_eq!(file, format!("{{ narHash = \"{HELLO_TREE_NAR}\"; outPath = \"{HELLO_TREE_PATH}\"; }}"));
    let tarball =
        w.eval(&format!("builtins.fetchTree {{ type = \"tarball\"; url = \"{}\"; }}", s.url("proj.tar.gz")), &[]);
    assert_eq!(
        tarball,
        format!(
            "{{ lastModified = {TARBALL_MTIME}; lastModifiedDate = \"20231114221320\"; narHash = \"{TARBALL_NAR}\"; \
             outPath = \"{TARBALL_PATH}\"; }}"
        )
    );
    // A URL string: an archive is a tarball.
    let short = w.eval(&format!("(builtins.fetchTree \"{}\").narHash", s.url("proj.tar.gz")), &[]);
    assert_eq!(short, format!("\"{TARBALL_NAR}\""));
    // `file+` asks for the file itself; a plain URL is a tarball (as CppNix 2.34).
    let as_file = w.eval(&format!("(builtins.fetchTree \"file+{}\").outPath", s.url("hello.txt")), &[]);
    assert_eq!(as_file, format!("\"{HELLO_TREE_PATH}\""));
    let err = w.eval_err(&format!("builtins.fetchTree \"{}\"", s.url("hello.txt")), &[]);
    assert!(err.contains(&s.url("hello.txt")), "{err}");
    // narHash is checked.
    let bad = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let err = w.eval_err(
        &format!(
            "builtins.fetchTree {{ type = \"tarball\"; url = \"{}\"; narHash = \"{bad}\"; }}",
            s.url("proj.tar.gz")
        ),
        &["--tarball-ttl", "0"],
    );
    assert!(err.contains(bad) && err.contains(TARBALL_NAR), "{err}");
}

fn errors_name_the_url_and_add_nothing() {
    let w = Work::new("errors");
    write(&w.www().join("hello.txt"), HELLO.as_bytes());
    let s = Server::start(&w, "http", None, None);
    // Open the store once so "nothing added" compares like with like.
    w.eval("1", &[]);
    let empty = w.store_objects();

    let refused = format!("http://127.0.0.1:{}/x.tar.gz", closed_port());
    let err = w.eval_err(&format!("builtins.fetchurl \"{refused}\""), &[]);
    assert!(err.contains(&refused) && err.contains("connection refused"), "{err}");

    let missing = s.url("missing.txt");
    let err = w.eval_err(&format!("builtins.fetchurl \"{missing}\""), &[]);
    assert!(err.contains(&missing) && err.contains("404"), "{err}");

    let wrong = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    let err =
        w.eval_err(&format!("builtins.fetchurl {{ url = \"{}\"; hash = \"{wrong}\"; }}", s.url("hello.txt")), &[]);
    let got = "sha256-9k2yqk77cjy5fcC9ck+P3sLbGFParJbmNpXoFXLGrKs=";
    assert!(err.contains(&s.url("hello.txt")) && err.contains(wrong) && err.contains(got), "{err}");

    let truncated = s.url("truncated/big.tar.gz");
    let err = w.eval_err(&format!("builtins.fetchTarball \"{truncated}\""), &[]);
    assert!(err.contains(&truncated), "{err}");
    assert!(err.contains("ended after") || err.contains("broke off"), "{err}");

    let not_archive = s.url("hello.txt");
    let err = w.eval_err(&format!("builtins.fetchTarball \"{not_archive}\""), &[]);
    assert!(err.contains(&not_archive), "{err}");

    assert_eq!(w.store_objects(), empty, "a failed fetch left something in the store");
    let leftovers: Vec<_> = [w.dir.join("tmp"), w.store().join("var/tmp")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten().map(|e| e.path()))
        .collect();
    assert!(leftovers.is_empty(), "scratch directories left behind: {leftovers:?}");
}

fn https_with_ssl_cert_file() {
    let w = Work::new("https");
    write(&w.www().join("hello.txt"), HELLO.as_bytes());
    let ca = Ca::new(&w);
    let s = Server::start(&w, "https", None, Some(&ca));
    let url = s.url("hello.txt");
    assert!(url.starts_with("https://"));
    let expr = format!("builtins.fetchurl \"{url}\"");
    // Unknown CA: a TLS error naming the URL.
    let err = w.eval_err(&expr, &[]);
    assert!(err.contains(&url) && err.contains("TLS"), "{err}");
    // The CA through the setting…
    let cert = ca.ca_cert.to_string_lossy().into_owned();
    assert_eq!(w.eval(&expr, &["--option", "ssl-cert-file", &cert]), format!("\"{HELLO_PATH}\""));
    // …and through NIX_SSL_CERT_FILE (another name, so it is downloaded again).
    let expr = format!("builtins.fetchurl {{ url = \"{url}\"; name = \"greeting\"; }}");
    let (ok, out, err) = w.tern(&["eval", "-E", &expr], &[("NIX_SSL_CERT_FILE", &cert)]);
    assert!(ok, "{err}");
    assert_eq!(out, format!("\"{HELLO_NAMED_PATH}\""));
    // tern.conf too.
    write(&w.dir.join("config/tern/tern.conf"), format!("ssl-cert-file = {cert}\ntarball-ttl = 0\n").as_bytes());
    assert_eq!(w.eval(&format!("builtins.fetchurl \"{url}\""), &[]), format!("\"{HELLO_PATH}\""));
}

fn cppnix_same_lock() -> Result<Completion, Failed> {
    if let Some(skipped) = gate::require(&["python3", "git", "tar"]) {
        return skipped;
    }
    let nix_new = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/nix-new");
    if !nix_new.exists() {
        return gate::missing(&format!("current CppNix ({})", nix_new.display()));
    }
    gate::run_body(move || forge::same_lock_as_cppnix(&nix_new))
}

fn cppnix_same_git() -> Result<Completion, Failed> {
    if let Some(skipped) = gate::require(&["python3", "git"]) {
        return skipped;
    }
    let nix_new = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/nix-new");
    if !nix_new.exists() {
        return gate::missing(&format!("current CppNix ({})", nix_new.display()));
    }
    gate::run_body(move || git::same_as_cppnix(&nix_new))
}

fn cppnix_binary_caches() -> Result<Completion, Failed> {
    let nix_new = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/nix-new");
    if !nix_new.exists() {
        return gate::missing(&format!("current CppNix ({})", nix_new.display()));
    }
    gate::run_body(binary_cache::cppnix_reads_and_writes_caches)
}

/// The same fetches with CppNix 2.34 (through `../shared/tools/nix-new`) give the same paths
/// and hashes.
fn cppnix_same_results() -> Result<Completion, Failed> {
    if let Some(skipped) = gate::require(&["python3", "tar"]) {
        return skipped;
    }
    let nix_new = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/nix-new");
    if !nix_new.exists() {
        return gate::missing(&format!("current CppNix ({})", nix_new.display()));
    }
    gate::run_body(move || {
        let w = Work::new("cppnix");
        write(&w.www().join("hello.txt"), HELLO.as_bytes());
        make_tarball(&w, "proj.tar.gz");
        let s = Server::start(&w, "http", None, None);
        let expr = format!(
            "let t = builtins.fetchTree {{ type = \"tarball\"; url = \"{tar}\"; }}; \
             f = builtins.fetchTree {{ type = \"file\"; url = \"{file}\"; }}; in \
             [ (builtins.fetchurl \"{file}\") (builtins.fetchTarball \"{tar}\") t.narHash t.lastModified \
               f.outPath f.narHash ]",
            file = s.url("hello.txt"),
            tar = s.url("proj.tar.gz"),
        );
        let nix_root = w.dir.join("nix-root");
        let theirs = support::run(
            std::process::Command::new(&nix_new)
                .args(["nix-instantiate", "--eval", "--strict", "--store"])
                .arg(&nix_root)
                .args(["--extra-experimental-features", "flakes nix-command", "-E", &expr])
                .env("NIX_CACHE_HOME", w.dir.join("nix-cache")),
        );
        let ours = w.eval(&expr, &[]);
        assert_eq!(ours, theirs);
        assert!(ours.contains(TARBALL_PATH) && ours.contains(HELLO_PATH), "{ours}");
    })
}
