//! Git inputs as CppNix 2.34 fetches them: `shallow` (depth-1 fetches over git's smart HTTP
//! protocol, `git http-backend` behind `server.py`), `submodules` (relative URLs resolved
//! against the superproject's), `allRefs`, `exportIgnore`, which attributes `fetchGit` and
//! the two forms of `fetchTree` report, and the `flake.lock` entries of git inputs. The
//! hashes below are CppNix 2.34's for the same contents; `same_as_cppnix` compares whole
//! results live when `../shared/tools/nix-new` is there.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::support::{git, run, write, Server, Work};

/// NAR hashes from CppNix 2.34 of the fixtures below.
const GR_EXPORT_IGNORED: &str = "sha256-/Yj6pwTPHpq8GwC2Y4+mhVrVTqISU7hLykFZMCt5zkc=";
const GR_WHOLE: &str = "sha256-GNUtomBhP0Pv6+uYqMfIIJQIzLcghGr2H2mNSsJ+iA0=";
const GR_FIRST: &str = "sha256-zcGWFvGhpVUnowuRjTIBuJscpnzTUrltvpPtXkNUHpI=";
const TOP_WITH_SUB: &str = "sha256-E6s9vDqnctDXoor0RSvW4v1eIiRpAL7pujHgYVOzQ8c=";
const TOP_WITHOUT_SUB: &str = "sha256-vv4/TLAyKjK1A1+V4GfG618/Y8NMZDwtzL06Cd782o4=";

/// The repositories: `gr` (two commits, an `export-ignore`d file), `sub` and `top` (with
/// `sub` as a submodule at `../sub`); bare copies under `www/`.
pub struct Repos {
    pub gr: PathBuf,
    pub top: PathBuf,
    pub first: String,
    pub second: String,
    pub top_rev: String,
}

pub fn make_repos(w: &Work) -> Repos {
    let gr = w.dir.join("gr");
    std::fs::create_dir_all(&gr).unwrap();
    git(&gr, &["init", "-q", "-b", "main"]);
    write(&gr.join("f"), b"one\n");
    write(&gr.join(".gitattributes"), b"ign export-ignore\n");
    write(&gr.join("ign"), b"ignored\n");
    git(&gr, &["add", "."]);
    git(&gr, &["commit", "-qm", "one"]);
    let first = git(&gr, &["rev-parse", "HEAD"]);
    write(&gr.join("f"), b"two\n");
    git(&gr, &["commit", "-qam", "two"]);
    let second = git(&gr, &["rev-parse", "HEAD"]);
    let sub = w.dir.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    git(&sub, &["init", "-q", "-b", "main"]);
    write(&sub.join("s.txt"), b"s\n");
    git(&sub, &["add", "."]);
    git(&sub, &["commit", "-qm", "s"]);
    let top = w.dir.join("top");
    std::fs::create_dir_all(&top).unwrap();
    git(&top, &["init", "-q", "-b", "main"]);
    write(&top.join("t.txt"), b"t\n");
    git(&top, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", "../sub", "sub"]);
    git(&top, &["add", "."]);
    git(&top, &["commit", "-qm", "t"]);
    let top_rev = git(&top, &["rev-parse", "HEAD"]);
    for (from, to) in [(&gr, "gr.git"), (&top, "top.git"), (&sub, "sub")] {
        run(Command::new("git").args(["clone", "-q", "--bare"]).arg(from).arg(w.www().join(to)));
    }
    Repos { gr, top, first, second, top_rev }
}

pub fn shallow_submodules_all_refs() {
    let w = Work::new("git-smart");
    let r = make_repos(&w);
    let s = Server::start_smart_git(&w, "smart");
    let gr = s.url("gr.git");
    let top = s.url("top.git");
    let attrs = |e: &str| {
        w.eval(
            &format!("let a = {e}; in [ a.narHash (a.rev or null) (a.revCount or null) a.lastModified a.submodules ]"),
            &[],
        )
    };
    let second = &r.second;
    // fetchGit: exportIgnore by default, full history unless shallow (revCount 0 then).
    assert_eq!(
        attrs(&format!("builtins.fetchGit \"{gr}\"")),
        format!("[ \"{GR_EXPORT_IGNORED}\" \"{second}\" 2 1700001000 false ]")
    );
    assert_eq!(
        attrs(&format!("builtins.fetchGit {{ url = \"{gr}\"; shallow = true; }}")),
        format!("[ \"{GR_EXPORT_IGNORED}\" \"{second}\" 0 1700001000 false ]")
    );
    // The shallow fetch went to a cache of its own, which has one commit only.
    let caches: Vec<PathBuf> = std::fs::read_dir(w.store().join("var/git-cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("-shallow"))
        .collect();
    assert_eq!(caches.len(), 1, "{caches:?}");
    assert_eq!(git(&caches[0], &["rev-parse", "--is-shallow-repository"]), "true");
    assert_eq!(git(&caches[0], &["rev-list", "--count", "--all"]), "1");
    // fetchTree's attribute form is shallow by default (no revCount), its URL form is not.
    assert_eq!(
        attrs(&format!("builtins.fetchTree {{ type = \"git\"; url = \"{gr}\"; }}")),
        format!("[ \"{GR_WHOLE}\" \"{second}\" null 1700001000 false ]")
    );
    assert_eq!(
        attrs(&format!("builtins.fetchTree \"git+{gr}\"")),
        format!("[ \"{GR_WHOLE}\" \"{second}\" 2 1700001000 false ]")
    );
    assert_eq!(
        attrs(&format!("builtins.fetchTree \"git+{gr}?shallow=1\"")),
        format!("[ \"{GR_WHOLE}\" \"{second}\" null 1700001000 false ]")
    );
    // allRefs with an older revision.
    assert_eq!(
        attrs(&format!("builtins.fetchGit {{ url = \"{gr}\"; allRefs = true; rev = \"{}\"; }}", r.first)),
        format!("[ \"{GR_FIRST}\" \"{}\" 1 1700001000 false ]", r.first)
    );
    // Submodules, fetched from `../sub` next to the superproject on the server.
    let top_rev = &r.top_rev;
    assert_eq!(
        attrs(&format!("builtins.fetchGit {{ url = \"{top}\"; submodules = true; }}")),
        format!("[ \"{TOP_WITH_SUB}\" \"{top_rev}\" 1 1700001000 true ]")
    );
    assert_eq!(
        attrs(&format!("builtins.fetchTree {{ type = \"git\"; url = \"{top}\"; submodules = true; }}")),
        format!("[ \"{TOP_WITH_SUB}\" \"{top_rev}\" null 1700001000 true ]")
    );
    assert_eq!(
        attrs(&format!("builtins.fetchGit \"{top}\"")),
        format!("[ \"{TOP_WITHOUT_SUB}\" \"{top_rev}\" 1 1700001000 false ]")
    );
    let err =
        w.eval_err(&format!("builtins.fetchGit {{ url = \"{top}\"; submodules = true; exportIgnore = true; }}"), &[]);
    assert!(err.contains("exportIgnore and submodules"), "{err}");
}

/// The attributes CppNix 2.34 and tern give for the same git fetches — local (clean and
/// dirty working trees, `ref`, `rev`) and remote — and the `flake.lock` each writes for git
/// inputs, compared whole.
pub fn same_as_cppnix(nix_new: &Path) {
    let w = Work::new("git-cppnix");
    let r = make_repos(&w);
    let s = Server::start_smart_git(&w, "smart");
    let (gr, top) = (r.gr.display().to_string(), r.top.display().to_string());
    let first = &r.first;
    let cases = [
        format!("builtins.fetchGit {gr}"),
        format!("builtins.fetchGit {{ url = \"{gr}\"; shallow = true; }}"),
        format!("builtins.fetchGit {{ url = \"{gr}\"; exportIgnore = false; }}"),
        format!("builtins.fetchGit {{ url = \"{gr}\"; ref = \"main\"; }}"),
        format!("builtins.fetchGit {{ url = \"{gr}\"; rev = \"{first}\"; }}"),
        format!("builtins.fetchTree {{ type = \"git\"; url = \"file://{gr}\"; }}"),
        format!("builtins.fetchTree {{ type = \"git\"; url = \"file://{gr}\"; shallow = false; }}"),
        format!("builtins.fetchTree {{ type = \"git\"; url = \"file://{gr}\"; exportIgnore = true; }}"),
        format!("builtins.fetchTree \"git+file://{gr}\""),
        format!("builtins.fetchTree \"git+file://{gr}?rev={first}\""),
        format!("builtins.fetchGit {{ url = \"{top}\"; submodules = true; }}"),
        format!("builtins.fetchGit {{ url = \"{top}\"; submodules = true; ref = \"main\"; }}"),
        format!("builtins.fetchGit {top}"),
        format!("builtins.fetchTree \"git+file://{top}?submodules=1\""),
        format!("builtins.fetchGit \"{}\"", s.url("gr.git")),
        format!("builtins.fetchGit {{ url = \"{}\"; shallow = true; }}", s.url("gr.git")),
        format!("builtins.fetchTree {{ type = \"git\"; url = \"{}\"; }}", s.url("gr.git")),
        format!("builtins.fetchTree \"git+{}\"", s.url("top.git") + "?submodules=1"),
    ];
    let expr = |cases: &[String]| {
        let items: Vec<String> = cases.iter().map(|c| format!("({c})")).collect();
        format!("[ {} ]", items.join("\n"))
    };
    let nix_root = w.dir.join("nix-root");
    let theirs = |e: &str| {
        run(Command::new(nix_new)
            .args(["nix-instantiate", "--eval", "--strict", "--store"])
            .arg(&nix_root)
            .args(["--extra-experimental-features", "flakes nix-command", "-E", e])
            .env("NIX_CACHE_HOME", w.dir.join("nix-cache")))
    };
    let e = expr(&cases);
    assert_eq!(w.eval(&e, &[]), theirs(&e));
    // Dirty working trees (tracked files changed; untracked ones do not count).
    write(&r.gr.join("f"), b"three\n");
    write(&r.gr.join("ign"), b"new\n");
    write(&r.gr.join("untracked"), b"u\n");
    write(&r.top.join("sub/s.txt"), b"changed\n");
    let dirty = [
        format!("builtins.fetchGit {gr}"),
        format!("builtins.fetchGit {{ url = \"{gr}\"; exportIgnore = false; }}"),
        format!("builtins.fetchTree {{ type = \"git\"; url = \"file://{gr}\"; }}"),
        format!("builtins.fetchTree \"git+file://{gr}\""),
        format!("builtins.fetchGit {{ url = \"{gr}\"; ref = \"main\"; }}"),
        format!("builtins.fetchGit {{ url = \"{top}\"; submodules = true; }}"),
        format!("builtins.fetchGit {top}"),
    ];
    let e = expr(&dirty);
    assert_eq!(w.eval(&e, &[]), theirs(&e));
    std::fs::remove_file(r.gr.join("untracked")).unwrap();
    git(&r.gr, &["checkout", "-q", "--", "."]);
    git(&r.top.join("sub"), &["checkout", "-q", "--", "."]);

    // flake.lock entries of git inputs, local and remote.
    let flake = format!(
        "{{\n  inputs.a = {{ url = \"git+file://{gr}\"; flake = false; }};\n  \
         inputs.b = {{ url = \"git+file://{gr}?shallow=1\"; flake = false; }};\n  \
         inputs.c = {{ url = \"git+file://{gr}?rev={first}\"; flake = false; }};\n  \
         inputs.d = {{ url = \"git+file://{gr}?ref=main\"; flake = false; }};\n  \
         inputs.e = {{ url = \"git+file://{top}?submodules=1\"; flake = false; }};\n  \
         inputs.f = {{ url = \"git+{}?shallow=1\"; flake = false; }};\n  \
         outputs = x: {{ }};\n}}\n",
        s.url("gr.git")
    );
    let ours = w.dir.join("ours");
    let cppnix = w.dir.join("theirs");
    write(&ours.join("flake.nix"), flake.as_bytes());
    write(&cppnix.join("flake.nix"), flake.as_bytes());
    run(Command::new(nix_new)
        .args(["nix", "--extra-experimental-features", "nix-command flakes", "flake", "lock", "--store"])
        .arg(&nix_root)
        .arg(format!("path:{}", cppnix.display()))
        .env("NIX_CACHE_HOME", w.dir.join("nix-cache")));
    let (ok, _, err) = w.tern(&["flake", "lock", &format!("path:{}", ours.display())], &[]);
    assert!(ok, "{err}");
    let read = |d: &Path| std::fs::read_to_string(d.join("flake.lock")).expect("a lock file");
    assert_eq!(read(&ours), read(&cppnix));
}
