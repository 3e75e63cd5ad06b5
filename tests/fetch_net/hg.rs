//! Mercurial inputs: `fetchMercurial`, `fetchTree` (attribute and `hg+file://` forms) and the
//! `flake.lock` entry of an `hg+file://` input, clean and with uncommitted changes. Expected
//! revisions, store paths and hashes are CppNix 2.34's for the same repository (the same
//! user, dates and messages give the same changeset ids). The same repository served by
//! `hg serve` on 127.0.0.1 gives the same answers through `hg+http://`.

use std::process::Command;

use super::support::{closed_port, run, write, Work};

const REV: &str = "9abc736ba17a6f3358ffa8da33043294654cafc4";
const CLEAN_PATH: &str = "/nix/store/rba4xl519m0qz3iw74fj6smw7ssbcn3d-source";
const CLEAN_NAR: &str = "sha256-mJz6eUSWIidvpbniYMndYBjg5iHIyzYKQgvRcjlLq9s=";
const DIRTY_PATH: &str = "/nix/store/rxhzsaq6kzaxav08zhzlhmxb517wbrh7-source";
const DIRTY_NAR: &str = "sha256-qpetFUwpCgDiDiZsyeroeNr3G1/bs8rMTypLROZuqZE=";

fn hg(dir: &std::path::Path, args: &[&str]) -> String {
    run(Command::new("hg").arg("-R").arg(dir).args(args).env("HGPLAIN", "").env("HGUSER", "t"))
}

pub fn mercurial_like_cppnix() {
    let w = Work::new("hg");
    let repo = w.dir.join("hr");
    run(Command::new("hg").arg("init").arg(&repo).env("HGPLAIN", ""));
    write(&repo.join("f"), b"one\n");
    hg(&repo, &["add", "-q", &repo.join("f").to_string_lossy()]);
    hg(&repo, &["commit", "-q", "-m", "one", "-d", "1700000000 0"]);
    write(&repo.join("f"), b"two\n");
    hg(&repo, &["commit", "-q", "-m", "two", "-d", "1700001000 0"]);
    let r = repo.display();
    assert_eq!(
        w.eval(&format!("builtins.fetchMercurial {r}"), &[]),
        format!(
            "{{ branch = \"default\"; outPath = \"{CLEAN_PATH}\"; rev = \"{REV}\"; revCount = 1; \
             shortRev = \"9abc736ba17a\"; }}"
        )
    );
    assert_eq!(
        w.eval(&format!("(builtins.fetchMercurial {{ url = {r}; rev = \"default\"; }}).rev"), &[]),
        format!("\"{REV}\"")
    );
    let tree = format!(
        "{{ narHash = \"{CLEAN_NAR}\"; outPath = \"{CLEAN_PATH}\"; rev = \"{REV}\"; revCount = 1; \
         shortRev = \"9abc736\"; }}"
    );
    assert_eq!(w.eval(&format!("builtins.fetchTree {{ type = \"hg\"; url = \"file://{r}\"; }}"), &[]), tree);
    assert_eq!(w.eval(&format!("builtins.fetchTree \"hg+file://{r}\""), &[]), tree);
    // An older revision by id.
    let first = hg(&repo, &["log", "-r", "0", "--template", "{node}"]);
    assert_eq!(w.eval(&format!("(builtins.fetchMercurial {{ url = {r}; rev = \"{first}\"; }}).revCount"), &[]), "0");
    // The lock of an hg+file input.
    let lock = w.lock_flake(
        "app",
        &format!("{{ inputs.h = {{ url = \"hg+file://{r}\"; flake = false; }}; outputs = x: {{ }}; }}\n"),
        &[],
    );
    assert_eq!(
        lock["nodes"]["h"]["locked"],
        serde_json::json!({
            "narHash": CLEAN_NAR, "ref": "default", "rev": REV, "revCount": 1, "type": "hg",
            "url": format!("file://{r}")
        })
    );
    over_http(&w, &repo);
    // Uncommitted changes (an untracked file does not count).
    write(&repo.join("f"), b"three\n");
    write(&repo.join("untracked"), b"u\n");
    assert_eq!(
        w.eval(&format!("builtins.fetchMercurial {r}"), &[]),
        format!(
            "{{ branch = \"default\"; outPath = \"{DIRTY_PATH}\"; rev = \"0000000000000000000000000000000000000000\"; \
             shortRev = \"000000000000\"; }}"
        )
    );
    assert_eq!(
        w.eval(&format!("builtins.fetchTree {{ type = \"hg\"; url = \"file://{r}\"; }}"), &[]),
        format!("{{ narHash = \"{DIRTY_NAR}\"; outPath = \"{DIRTY_PATH}\"; }}")
    );
}

/// `hg serve` in the foreground, stopped by its PID when dropped.
struct HgServe {
    child: std::process::Child,
    port: u16,
}

impl Drop for HgServe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hg_serve(repo: &std::path::Path) -> HgServe {
    let port = closed_port();
    let child = Command::new("hg")
        .arg("-R")
        .arg(repo)
        .args(["serve", "-a", "127.0.0.1", "-p", &port.to_string()])
        .env("HGPLAIN", "")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("hg serve starts");
    let server = HgServe { child, port };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(std::time::Instant::now() < deadline, "hg serve did not listen on port {port}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    server
}

/// The committed repository through `hg+http://` and `fetchMercurial "http://…"`: the same
/// revision, store path and NAR hash as through `file://`, and the lock CppNix 2.34 writes.
fn over_http(w: &Work, repo: &std::path::Path) {
    let server = hg_serve(repo);
    let url = format!("http://127.0.0.1:{}", server.port);
    assert_eq!(
        w.eval(&format!("builtins.fetchTree \"hg+{url}\""), &[]),
        format!(
            "{{ narHash = \"{CLEAN_NAR}\"; outPath = \"{CLEAN_PATH}\"; rev = \"{REV}\"; revCount = 1; \
             shortRev = \"9abc736\"; }}"
        )
    );
    assert_eq!(
        w.eval(&format!("builtins.fetchMercurial \"{url}\""), &[]),
        format!(
            "{{ branch = \"default\"; outPath = \"{CLEAN_PATH}\"; rev = \"{REV}\"; revCount = 1; \
             shortRev = \"9abc736ba17a\"; }}"
        )
    );
    let lock = w.lock_flake(
        "app-http",
        &format!("{{ inputs.h = {{ url = \"hg+{url}\"; flake = false; }}; outputs = x: {{ }}; }}\n"),
        &[],
    );
    assert_eq!(
        lock["nodes"]["h"]["locked"],
        serde_json::json!({
            "narHash": CLEAN_NAR, "ref": "default", "rev": REV, "revCount": 1, "type": "hg", "url": url
        })
    );
    assert_eq!(lock["nodes"]["h"]["original"], serde_json::json!({ "type": "hg", "url": url }));
}
