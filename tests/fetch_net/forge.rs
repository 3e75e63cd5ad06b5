//! Forge inputs against stand-in servers answering the API paths CppNix uses (GitHub's
//! `/api/v3/…` for a host other than github.com, GitLab's `/api/v4/…`, SourceHut's
//! `HEAD`/`info/refs`/`archive`), over HTTPS with a test CA; and git over HTTP (the "dumb"
//! protocol, a bare repository served as files).

use std::path::Path;
use std::process::Command;

use super::support::{git, make_repo, run, write, Ca, Server, Work};

/// The repository served by the stand-ins, its revision, and what fetching it locally gives.
struct Served {
    rev: String,
    /// `{ narHash; outPath; }` of `fetchGit` of the local repository.
    nar_hash: String,
    out_path: String,
}

fn serve_repo(w: &Work) -> (std::path::PathBuf, Served) {
    let (repo, rev) = make_repo(w, "repo");
    write(&repo.join("sub/flake.nix"), b"{ outputs = { self }: { value = 7; }; }\n");
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "sub flake"]);
    let rev2 = git(&repo, &["rev-parse", "HEAD"]);
    assert_ne!(rev, rev2);
    let local = w.eval(
        &format!(
            "let g = builtins.fetchGit {{ url = \"{}\"; rev = \"{rev2}\"; }}; in [ g.narHash g.outPath ]",
            repo.display()
        ),
        &[],
    );
    let parts: Vec<&str> = local.trim_matches(['[', ']', ' ']).split_whitespace().collect();
    let served = Served {
        rev: rev2.clone(),
        nar_hash: parts[0].trim_matches('"').to_string(),
        out_path: parts[1].trim_matches('"').to_string(),
    };
    // The archive as a forge makes it: one top directory, every entry at the commit time.
    let archive = w.dir.join("archive.tar.gz");
    run(Command::new("git")
        .arg("-C")
        .arg(&repo)
        .args(["archive", "--format=tar.gz", &format!("--prefix=o-r-{}/", &rev2[..7]), "-o"])
        .arg(&archive)
        .arg(&rev2));
    (archive, served)
}

fn routes(w: &Work, pairs: &[(&str, &Path)]) -> std::path::PathBuf {
    let map: serde_json::Map<String, serde_json::Value> =
        pairs.iter().map(|(k, v)| (k.to_string(), serde_json::Value::String(v.display().to_string()))).collect();
    let file = w.dir.join("routes.json");
    write(&file, serde_json::Value::Object(map).to_string().as_bytes());
    file
}

pub fn github_stand_in() {
    let w = Work::new("github");
    let (archive, served) = serve_repo(&w);
    let rev = &served.rev;
    let commit = w.dir.join("commit.json");
    write(&commit, format!("{{\"sha\": \"{rev}\", \"commit\": {{\"tree\": {{\"sha\": \"{rev}\"}}}}}}").as_bytes());
    let tarball_path = format!("/api/v3/repos/o/r/tarball/{rev}");
    let r = routes(
        &w,
        &[
            ("/api/v3/repos/o/r/commits/HEAD", &commit),
            ("/api/v3/repos/o/r/commits/main", &commit),
            (&tarball_path, &archive),
        ],
    );
    let ca = Ca::new(&w);
    let s = Server::start(&w, "forge", Some(&r), Some(&ca));
    let host = format!("127.0.0.1:{}", s.port);
    let cert = ca.ca_cert.to_string_lossy().into_owned();
    let opts = ["--option", "ssl-cert-file", &cert];

    let expr = format!(
        "let t = builtins.fetchTree {{ type = \"github\"; owner = \"o\"; repo = \"r\"; host = \"{host}\"; }}; in \
         [ t.rev t.narHash t.outPath t.lastModified t.shortRev ]"
    );
    let out = w.eval(&expr, &opts);
    let want = format!("[ \"{rev}\" \"{}\" \"{}\" 1700001000 \"{}\" ]", served.nar_hash, served.out_path, &rev[..7]);
    assert_eq!(out, want);
    assert_eq!(s.count(&tarball_path), 1);

    // getFlake, with `dir`, and the branch in the reference.
    let flake = format!("github:o/r/main?host={host}");
    assert_eq!(w.eval(&format!("(builtins.getFlake \"{flake}\").value"), &opts), "42");
    let sub = format!("github:o/r?host={host}&dir=sub");
    assert_eq!(w.eval(&format!("(builtins.getFlake \"{sub}\").value"), &opts), "7");
    assert_eq!(s.count(&tarball_path), 1, "the archive of a revision is fetched once");

    // A flake input, locked as CppNix locks it.
    let lock = w.lock_flake(
        "app",
        &format!("{{ inputs.dep.url = \"{flake}\"; outputs = {{ self, dep }}: {{ v = dep.value + 1; }}; }}\n"),
        &["--option", "ssl-cert-file", &cert],
    );
    let app = w.dir.join("app").to_string_lossy().into_owned();
    let dep = &lock["nodes"]["dep"];
    assert_eq!(
        dep["locked"],
        serde_json::json!({
            "host": host, "lastModified": 1700001000, "narHash": served.nar_hash, "owner": "o",
            "repo": "r", "rev": rev, "type": "github"
        }),
        "{lock:#}"
    );
    assert_eq!(
        dep["original"],
        serde_json::json!({ "host": host, "owner": "o", "ref": "main", "repo": "r", "type": "github" })
    );
    assert_eq!(w.eval(&format!("(builtins.getFlake \"path:{app}\").v"), &opts), "43");

    // Offline, everything comes from the cache (the branch's revision too).
    let before = s.requests().len();
    assert_eq!(w.eval(&format!("(builtins.getFlake \"{flake}\").value"), &["--offline", "--tarball-ttl", "0"]), "42");
    assert_eq!(s.requests().len(), before);

    // An access token for the host is sent as GitHub wants it.
    let token = format!("{host}=sekrit");
    let e = format!("(builtins.fetchTree {{ type = \"github\"; owner = \"o\"; repo = \"r\"; ref = \"main\"; host = \"{host}\"; }}).rev");
    let mut with_token = opts.to_vec();
    with_token.extend_from_slice(&["--option", "access-tokens", &token, "--tarball-ttl", "0"]);
    assert_eq!(w.eval(&e, &with_token), format!("\"{rev}\""));
    assert!(s.requests().iter().any(|r| r.contains("auth=token sekrit")), "{:?}", s.requests());

    // nixpkgs is tern's stdlib, unless `stdlib-nixpkgs = false`: then it is fetched like any input.
    let nixpkgs = format!("github:NixOS/nixpkgs?host={host}");
    let before = s.requests().len();
    assert_eq!(w.eval(&format!("builtins.isAttrs (builtins.getFlake \"{nixpkgs}\").lib"), &opts), "true");
    assert_eq!(s.requests().len(), before, "the stdlib needs no download");
    let mut upstream = opts.to_vec();
    upstream.extend_from_slice(&["--option", "stdlib-nixpkgs", "false"]);
    let err = w.eval_err(&format!("(builtins.getFlake \"{nixpkgs}\").lib"), &upstream);
    assert!(err.contains("/api/v3/repos/NixOS/nixpkgs/commits/HEAD") && err.contains("404"), "{err}");

    // An unknown repository names what failed.
    let err = w.eval_err(
        &format!("builtins.fetchTree {{ type = \"github\"; owner = \"o\"; repo = \"nope\"; host = \"{host}\"; }}"),
        &opts,
    );
    assert!(err.contains("/api/v3/repos/o/nope/commits/HEAD") && err.contains("404"), "{err}");
}

pub fn gitlab_and_sourcehut_stand_ins() {
    let w = Work::new("gitlab");
    let (archive, served) = serve_repo(&w);
    let rev = &served.rev;
    let commits = w.dir.join("commits.json");
    write(&commits, format!("[{{\"id\": \"{rev}\"}}]").as_bytes());
    let head = w.dir.join("HEAD");
    write(&head, b"ref: refs/heads/main\n");
    let refs = w.dir.join("refs");
    write(&refs, format!("{rev}\trefs/heads/main\n").as_bytes());
    let gl_archive = format!("/api/v4/projects/o%2Fr/repository/archive.tar.gz?sha={rev}");
    let srht_archive = format!("/~o/r/archive/{rev}.tar.gz");
    let r = routes(
        &w,
        &[
            ("/api/v4/projects/o%2Fr/repository/commits?ref_name=HEAD", &commits),
            (&gl_archive, &archive),
            ("/~o/r/HEAD", &head),
            ("/~o/r/info/refs", &refs),
            (&srht_archive, &archive),
        ],
    );
    let ca = Ca::new(&w);
    let s = Server::start(&w, "forge", Some(&r), Some(&ca));
    let host = format!("127.0.0.1:{}", s.port);
    let cert = ca.ca_cert.to_string_lossy().into_owned();
    let opts = ["--option", "ssl-cert-file", &cert];
    for (kind, owner) in [("gitlab", "o"), ("sourcehut", "~o")] {
        let expr = format!(
            "let t = builtins.fetchTree {{ type = \"{kind}\"; owner = \"{owner}\"; repo = \"r\"; host = \"{host}\"; }}; \
             in [ t.rev t.narHash t.lastModified ]"
        );
        assert_eq!(w.eval(&expr, &opts), format!("[ \"{rev}\" \"{}\" 1700001000 ]", served.nar_hash), "{kind}");
        let flake = format!("{kind}:{owner}/r?host={host}");
        assert_eq!(w.eval(&format!("(builtins.getFlake \"{flake}\").value"), &opts), "42", "{kind}");
    }
    assert_eq!(s.count(&gl_archive), 1);
    assert_eq!(s.count(&srht_archive), 1);
}

pub fn fetch_git_over_http() {
    let w = Work::new("git");
    let (repo, rev) = make_repo(&w, "repo");
    let bare = w.www().join("repo.git");
    run(Command::new("git").args(["clone", "--quiet", "--bare"]).arg(&repo).arg(&bare));
    git(&bare, &["update-server-info"]);
    let s = Server::start(&w, "git", None, None);
    let url = s.url("repo.git");
    let local = w.eval(&format!("(builtins.fetchGit \"{}\").narHash", repo.display()), &[]);
    let expr = format!("let g = builtins.fetchGit \"{url}\"; in [ g.rev g.narHash g.revCount g.lastModified ]");
    assert_eq!(w.eval(&expr, &[]), format!("[ \"{rev}\" {local} 1 1700001000 ]"));
    // A known revision is served from the cache without asking the server.
    let before = s.requests().len();
    let expr = format!("(builtins.fetchGit {{ url = \"{url}\"; rev = \"{rev}\"; ref = \"main\"; }}).narHash");
    assert_eq!(w.eval(&expr, &[]), local);
    assert_eq!(s.requests().len(), before);
    // Offline, the branch comes from the cache; an unknown repository is an error.
    let expr = format!("(builtins.fetchGit \"{url}\").rev");
    assert_eq!(w.eval(&expr, &["--offline", "--tarball-ttl", "0"]), format!("\"{rev}\""));
    assert_eq!(s.requests().len(), before);
    let err = w.eval_err(&format!("builtins.fetchGit \"{}\"", s.url("other.git")), &["--offline"]);
    assert!(err.contains("offline mode") && err.contains("other.git"), "{err}");

    // As a flake input (git+http), locked with ref, rev, revCount, lastModified, narHash.
    let lock = w.lock_flake(
        "app",
        &format!("{{ inputs.dep.url = \"git+{url}\"; outputs = {{ self, dep }}: {{ v = dep.value; }}; }}\n"),
        &[],
    );
    let app = w.dir.join("app").to_string_lossy().into_owned();
    assert_eq!(
        lock["nodes"]["dep"]["locked"],
        serde_json::json!({
            "lastModified": 1700001000, "narHash": local.trim_matches('"'), "ref": "refs/heads/main", "rev": rev,
            "revCount": 1, "type": "git", "url": url
        }),
        "{lock:#}"
    );
    assert_eq!(w.eval(&format!("(builtins.getFlake \"path:{app}\").v"), &[]), "42");
}

/// `flake lock` of a flake with a `git+http` input and an `http` tarball input writes the
/// same `flake.lock`, byte for byte, as CppNix 2.34's `nix flake lock`.
pub fn same_lock_as_cppnix(nix_new: &Path) {
    let w = Work::new("lock-cppnix");
    let (repo, _) = make_repo(&w, "repo");
    let bare = w.www().join("repo.git");
    run(Command::new("git").args(["clone", "--quiet", "--bare"]).arg(&repo).arg(&bare));
    git(&bare, &["update-server-info"]);
    super::support::make_tarball(&w, "proj.tar.gz");
    let s = Server::start(&w, "lock", None, None);
    let flake = format!(
        "{{ inputs.dep.url = \"git+{}\";\n  inputs.tb = {{ url = \"{}\"; flake = false; }};\n  \
         outputs = {{ self, dep, tb }}: {{ v = dep.value; }}; }}\n",
        s.url("repo.git"),
        s.url("proj.tar.gz")
    );
    let ours = w.dir.join("ours");
    let theirs = w.dir.join("theirs");
    write(&ours.join("flake.nix"), flake.as_bytes());
    write(&theirs.join("flake.nix"), flake.as_bytes());
    run(Command::new(nix_new)
        .args(["nix", "--extra-experimental-features", "nix-command flakes", "flake", "lock", "--store"])
        .arg(w.dir.join("nix-root"))
        // `path:`, as the test directory may lie inside a git work tree.
        .arg(format!("path:{}", theirs.display()))
        .env("NIX_CACHE_HOME", w.dir.join("nix-cache")));
    let (ok, _, err) = w.tern(&["flake", "lock", &format!("path:{}", ours.display())], &[]);
    assert!(ok, "{err}");
    let read = |d: &Path| std::fs::read_to_string(d.join("flake.lock")).expect("a lock file");
    assert_eq!(read(&ours), read(&theirs));
    // And each reads the other's: tern evaluates with CppNix's lock unchanged.
    std::fs::copy(theirs.join("flake.lock"), ours.join("flake.lock")).unwrap();
    assert_eq!(w.eval(&format!("(builtins.getFlake \"path:{}\").v", ours.display()), &["--offline"]), "42");
    assert_eq!(read(&ours), read(&theirs));
}
