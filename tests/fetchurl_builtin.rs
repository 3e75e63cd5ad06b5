//! `builtin:fetchurl` through `tern build`: `mirror://debian/…` resolved from `tern.conf`
//! (`mirrors = debian=URL…`) against HTTP servers this test starts on 127.0.0.1, a second
//! mirror tried after a 404, a build that is a no-op once the source is in the store, a
//! wrong hash (exit 102, both hashes and the URL named, nothing valid), an unknown mirror
//! name and a refused connection. Mirror resolution from apt's own files is unit-tested in
//! `src/build/mirrors.rs`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const BODY: &[u8] = b"pretend this is hello_2.10.orig.tar.gz\n";

/// A server answering `GET /debian/pool/x.tar.gz` with BODY and anything else with
/// 404; it counts the requests for BODY. Runs until the process ends.
fn serve(answers_body: bool) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut req = [0u8; 2048];
            let n = s.read(&mut req).unwrap_or(0);
            let line = String::from_utf8_lossy(&req[..n]).lines().next().unwrap_or("").to_string();
            let wanted = line.starts_with("GET /debian/pool/x.tar.gz ");
            if answers_body && wanted {
                counter.fetch_add(1, Ordering::SeqCst);
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", BODY.len());
                let _ = s.write_all(head.as_bytes());
                let _ = s.write_all(BODY);
            } else {
                let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
        }
    });
    (port, hits)
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new(mirrors: &str) -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config/tern")).unwrap();
        std::fs::write(dir.path().join("config/tern/tern.conf"), format!("mirrors = {mirrors}\n")).unwrap();
        Env { dir }
    }

    fn tern(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_tern"))
            .args(args)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("TERN_STORE", self.dir.path().join("store"))
            .env("HOME", self.dir.path())
            .env_remove("http_proxy")
            .env_remove("HTTP_PROXY")
            .output()
            .expect("tern runs")
    }

    fn build(&self, url: &str, sha256: &str) -> Output {
        let expr = format!("import <nix/fetchurl.nix> {{ url = \"{url}\"; sha256 = \"{sha256}\"; }}");
        self.tern(&["build", "--no-link", "-E", &expr])
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_debian_mirror_source_is_fetched_once_from_the_first_mirror_that_has_it() {
    let (missing, _) = serve(false);
    let (good, hits) = serve(true);
    let env = Env::new(&format!("debian=http://127.0.0.1:{missing}/debian debian=http://127.0.0.1:{good}/debian"));
    let out = env.build("mirror://debian/pool/x.tar.gz", &sha256_hex(BODY));
    assert!(out.status.success(), "stderr:\n{}", text(&out.stderr));
    let path = text(&out.stdout).trim().to_string();
    assert!(path.starts_with("/nix/store/") && path.ends_with("-x.tar.gz"), "{path}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("downloading 'http://127.0.0.1:{good}/debian/pool/x.tar.gz'")), "{stderr}");
    let real = env.dir.path().join("store/store").join(path.trim_start_matches("/nix/store/"));
    assert_eq!(std::fs::read(&real).unwrap(), BODY);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // Built already: nothing is downloaded again.
    let again = env.build("mirror://debian/pool/x.tar.gz", &sha256_hex(BODY));
    assert!(again.status.success(), "stderr:\n{}", text(&again.stderr));
    assert_eq!(text(&again.stdout).trim(), path);
    assert_eq!(hits.load(Ordering::SeqCst), 1, "the second build downloaded again");
}

#[test]
fn a_wrong_hash_names_the_url_and_both_hashes_and_registers_nothing() {
    let (good, _) = serve(true);
    let env = Env::new(&format!("debian=http://127.0.0.1:{good}/debian"));
    let wrong = sha256_hex(b"something else");
    let out = env.build("mirror://debian/pool/x.tar.gz", &wrong);
    assert_eq!(out.status.code(), Some(102), "stderr:\n{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(&format!("downloaded from 'http://127.0.0.1:{good}/debian/pool/x.tar.gz'")), "{stderr}");
    assert!(stderr.contains("hash mismatch in the source of 'x.tar.gz'"), "{stderr}");
    assert!(stderr.contains("specified: sha256-") && stderr.contains("got:    sha256-"), "{stderr}");
    let store = env.dir.path().join("store/store");
    let leftovers: Vec<_> = std::fs::read_dir(&store)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| !n.ends_with(".drv") && !n.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "left in the store: {leftovers:?}");
    let info = env.tern(&["path-info", "--all"]);
    assert!(!text(&info.stdout).contains("-x.tar.gz\n"), "registered: {}", text(&info.stdout));
}

#[test]
fn unknown_mirrors_and_unreachable_servers_are_plain_errors() {
    let env = Env::new("debian=http://127.0.0.1:1/debian");
    let out = env.build("mirror://gnu/hello/hello-2.12.tar.gz", &sha256_hex(BODY));
    assert_eq!(out.status.code(), Some(100));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no mirror is known for 'mirror://gnu/'"), "{stderr}");
    assert!(stderr.contains("mirrors = gnu=URL"), "{stderr}");

    let out = env.build("mirror://debian/pool/x.tar.gz", &sha256_hex(BODY));
    assert_eq!(out.status.code(), Some(100));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cannot fetch the source of 'x.tar.gz'"), "{stderr}");
    assert!(stderr.contains("http://127.0.0.1:1/debian/pool/x.tar.gz': connection refused"), "{stderr}");
}

#[test]
fn file_urls_need_no_network() {
    let env = Env::new("debian=http://127.0.0.1:1/debian");
    let src = env.dir.path().join("src.txt");
    std::fs::write(&src, BODY).unwrap();
    let out = env.build(&format!("file://{}", src.display()), &sha256_hex(BODY));
    assert!(out.status.success(), "stderr:\n{}", text(&out.stderr));
    let path = text(&out.stdout).trim().to_string();
    assert!(path.ends_with("-src.txt"), "{path}");
    let real = env.dir.path().join("store/store").join(path.trim_start_matches("/nix/store/"));
    assert_eq!(std::fs::read(real).unwrap(), BODY);
}

#[test]
fn check_fetches_again_and_compares() {
    let env = Env::new("debian=http://127.0.0.1:1/debian");
    let src = env.dir.path().join("src.txt");
    std::fs::write(&src, BODY).unwrap();
    let url = format!("file://{}", src.display());
    let expr = format!("import <nix/fetchurl.nix> {{ url = \"{url}\"; sha256 = \"{}\"; }}", sha256_hex(BODY));
    assert!(env.tern(&["build", "--no-link", "-E", &expr]).status.success());
    let same = env.tern(&["build", "--check", "--no-link", "-E", &expr]);
    assert!(same.status.success(), "stderr:\n{}", text(&same.stderr));
    std::fs::write(&src, b"changed upstream\n").unwrap();
    let changed = env.tern(&["build", "--check", "--no-link", "-E", &expr]);
    assert_eq!(changed.status.code(), Some(102), "stderr:\n{}", text(&changed.stderr));
    for scratch in ["store/var/check", "store/var/builds"] {
        let dir = env.dir.path().join(scratch);
        let left: Vec<_> = std::fs::read_dir(&dir).map(|d| d.filter_map(|e| e.ok()).collect()).unwrap_or_default();
        assert!(left.is_empty(), "--check left scratch files in {scratch}: {left:?}");
    }
}
