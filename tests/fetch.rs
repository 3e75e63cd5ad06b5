//! Fetchers on local inputs: files, tarballs and git repositories made by the test, fetched
//! with `tern eval`. Expected store paths and hashes were produced by CppNix 2.8 from the
//! same contents (store paths depend only on contents and names).

use std::path::{Path, PathBuf};
use std::process::Command;

struct Fixture {
    dir: PathBuf,
}

impl Fixture {
    fn new(tag: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("tern-fetch-test-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Fixture { dir }
    }

    fn eval(&self, expr: &str) -> (bool, String, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_tern"))
            .args(["eval", "--strict", "-E", expr])
            .env("TERN_STORE", self.dir.join("store"))
            .output()
            .expect("tern runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_string(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn ok(&self, expr: &str) -> String {
        let (ok, out, err) = self.eval(expr);
        assert!(ok, "{expr} failed:\n{err}");
        out
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = Command::new("chmod").arg("-R").arg("u+w").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.email=t@example.org", "-c", "user.name=test"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn fetchurl_of_a_local_file() {
    let f = Fixture::new("url");
    let file = f.dir.join("hello.txt");
    write(&file, "hello world\n");
    let url = format!("file://{}", file.display());
    assert_eq!(
        f.ok(&format!("builtins.fetchurl \"{url}\"")),
        "\"/nix/store/d5n8kjrd1ilw3mxdk83c446nyigj8pci-hello.txt\""
    );
    // The same with the right hash, and through <nix/fetchurl.nix> (a fixed-output derivation
    // whose output path is the same).
    let sha = "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447";
    assert_eq!(
        f.ok(&format!("builtins.fetchurl {{ url = \"{url}\"; sha256 = \"{sha}\"; }}")),
        "\"/nix/store/d5n8kjrd1ilw3mxdk83c446nyigj8pci-hello.txt\""
    );
    assert_eq!(
        f.ok(&format!("(import <nix/fetchurl.nix> {{ url = \"{url}\"; sha256 = \"{sha}\"; }}).outPath")),
        "\"/nix/store/d5n8kjrd1ilw3mxdk83c446nyigj8pci-hello.txt\""
    );
}

#[test]
fn a_hash_mismatch_names_both_hashes_and_adds_nothing() {
    let f = Fixture::new("mismatch");
    let file = f.dir.join("hello.txt");
    write(&file, "hello world\n");
    let expr = format!(
        "builtins.fetchurl {{ url = \"file://{}\"; sha256 = \"0000000000000000000000000000000000000000000000000000\"; }}",
        file.display()
    );
    let (ok, _, err) = f.eval(&expr);
    assert!(!ok);
    assert!(err.contains("hash mismatch"), "{err}");
    assert!(err.contains("specified: sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), "{err}");
    assert!(err.contains("got:       sha256-qUiQTy8PR5uPgZdpSzAYSw0u0cHNKh7A+4XSmaGSpEc="), "{err}");
}

#[test]
fn unresolvable_hosts_are_named_in_the_error() {
    // `.invalid` never resolves (RFC 2606), with or without a network.
    let f = Fixture::new("network");
    for (expr, url) in [
        ("builtins.fetchurl \"https://tern-test.invalid/x.tar.gz\"", "https://tern-test.invalid/x.tar.gz"),
        ("builtins.fetchTarball \"http://tern-test.invalid/x.tar.gz\"", "http://tern-test.invalid/x.tar.gz"),
        ("builtins.fetchGit \"https://tern-test.invalid/repo.git\"", "https://tern-test.invalid/repo.git"),
    ] {
        let (ok, _, err) = f.eval(expr);
        assert!(!ok, "{expr} must fail");
        assert!(err.contains(url), "{expr}: {err}");
        if !expr.contains("fetchGit") {
            assert!(err.contains("could not be resolved") && !err.contains("retrying"), "{expr}: {err}");
        }
    }
}

#[test]
fn fetch_tarball_unpacks_a_single_top_level_directory() {
    let f = Fixture::new("tarball");
    write(&f.dir.join("src/a.txt"), "a\n");
    write(&f.dir.join("src/sub/b.txt"), "b\n");
    let status =
        Command::new("tar").arg("-czf").arg("src.tar.gz").arg("src").current_dir(&f.dir).status().expect("tar");
    assert!(status.success());
    let url = format!("file://{}/src.tar.gz", f.dir.display());
    assert_eq!(
        f.ok(&format!("builtins.fetchTarball \"{url}\"")),
        "\"/nix/store/k4ps70basf29ggwhpfm7ijvcip4w1lj9-source\""
    );
    assert_eq!(
        f.ok(&format!("(builtins.fetchTree \"{url}\").narHash")),
        f.ok(&format!("(builtins.fetchTree {{ type = \"tarball\"; url = \"{url}\"; }}).narHash"))
    );
}

/// Makes `<dir>/<archive>` from `names` exactly as given (`-P` keeps `/` and `..`).
fn tar_verbatim(dir: &Path, archive: &str, names: &[&str]) {
    let status = Command::new("tar").arg("-cPf").arg(archive).args(names).current_dir(dir).status().expect("tar");
    assert!(status.success());
}

#[test]
fn archives_with_absolute_entry_names_are_refused() {
    let f = Fixture::new("tarball-absolute");
    let planted = f.dir.join("planted.txt");
    write(&planted, "written through an absolute name\n");
    tar_verbatim(&f.dir, "abs.tar", &[planted.to_str().unwrap()]);
    std::fs::remove_file(&planted).unwrap();
    let (ok, _, err) = f.eval(&format!("builtins.fetchTarball \"file://{}/abs.tar\"", f.dir.display()));
    assert!(!ok, "an absolute entry name must be refused");
    assert!(err.contains("is outside the archive's directory"), "{err}");
    assert!(!planted.exists(), "nothing may be written at the absolute name");
}

#[test]
fn archives_with_dot_dot_entry_names_are_refused() {
    let f = Fixture::new("tarball-dotdot");
    write(&f.dir.join("escaped.txt"), "escaped\n");
    write(&f.dir.join("inner/ok.txt"), "ok\n");
    tar_verbatim(&f.dir.join("inner"), "../dotdot.tar", &["ok.txt", "../escaped.txt"]);
    let (ok, _, err) = f.eval(&format!("builtins.fetchTarball \"file://{}/dotdot.tar\"", f.dir.display()));
    assert!(!ok, "an entry through '..' must be refused");
    assert!(err.contains("archive entry '../escaped.txt' is outside"), "{err}");
    let (ok, _, err) = f.eval(&format!(
        "builtins.fetchTree {{ type = \"tarball\"; url = \"file://{}/dotdot.tar\"; }}",
        f.dir.display()
    ));
    assert!(!ok && err.contains("is outside the archive's directory"), "{err}");
}

#[test]
fn unpacking_leaves_nothing_in_the_temporary_directory() {
    let f = Fixture::new("tarball-tmp");
    write(&f.dir.join("src/a.txt"), "a\n");
    let tmp = f.dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let status =
        Command::new("tar").arg("-czf").arg("src.tar.gz").arg("src").current_dir(&f.dir).status().expect("tar");
    assert!(status.success());
    let out = Command::new(env!("CARGO_BIN_EXE_tern"))
        .args(["eval", "-E", &format!("builtins.fetchTarball \"file://{}/src.tar.gz\"", f.dir.display())])
        .env("TERN_STORE", f.dir.join("store"))
        .env("TMPDIR", &tmp)
        .output()
        .expect("tern runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "the unpacking directory is removed");
}

#[test]
fn fetch_git_of_a_local_repository() {
    let f = Fixture::new("git");
    let repo = f.dir.join("repo");
    std::fs::create_dir_all(&repo).expect("mkdir");
    git(&repo, &["init", "-q"]);
    write(&repo.join("f"), "one\n");
    git(&repo, &["add", "f"]);
    git(&repo, &["commit", "-qm", "one"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    let r = format!("builtins.fetchGit {}", repo.display());
    assert_eq!(f.ok(&format!("({r}).outPath")), "\"/nix/store/5svdpxh92hm16lvnjxz4n6d4nsgs9m8d-source\"");
    assert_eq!(f.ok(&format!("({r}).narHash")), "\"sha256-0V+2P6tYAMkUM4sI49kdwQ0n1OIvbfOK/RO9ciX3YBc=\"");
    assert_eq!(f.ok(&format!("({r}).rev")), format!("\"{head}\""));
    assert_eq!(f.ok(&format!("({r}).revCount")), "1");

    // A second commit; the first is still reachable by `rev`.
    write(&repo.join("f"), "two\n");
    git(&repo, &["commit", "-qam", "two"]);
    let old = format!("builtins.fetchGit {{ url = \"{}\"; rev = \"{head}\"; }}", repo.display());
    assert_eq!(f.ok(&format!("({old}).outPath")), "\"/nix/store/5svdpxh92hm16lvnjxz4n6d4nsgs9m8d-source\"");
    assert_eq!(f.ok(&format!("({r}).revCount")), "2");

    // Uncommitted changes: the working tree is fetched, marked dirty.
    write(&repo.join("f"), "three\n");
    let dirty = f.ok(&format!("({r}).dirtyRev"));
    assert!(dirty.ends_with("-dirty\""), "{dirty}");
    assert_eq!(f.ok(&format!("builtins.readFile (({r}).outPath + \"/f\")")), "\"three\\n\"");
}

#[test]
fn fetch_git_follows_submodules_only_when_asked() {
    let f = Fixture::new("submodules");
    let sub = f.dir.join("sub-origin");
    write(&sub.join("b.txt"), "from the submodule\n");
    git(&sub, &["init", "-q"]);
    git(&sub, &["add", "."]);
    git(&sub, &["commit", "-q", "-m", "sub"]);
    let repo = f.dir.join("repo");
    write(&repo.join("a.txt"), "top\n");
    git(&repo, &["init", "-q"]);
    git(&repo, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.to_str().unwrap(), "sub"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "top"]);
    // What each fetch must equal, by content: the same tree copied with builtins.path.
    let with = f.dir.join("expected-with/source");
    write(&with.join("a.txt"), "top\n");
    write(&with.join("sub/b.txt"), "from the submodule\n");
    std::fs::copy(repo.join(".gitmodules"), with.join(".gitmodules")).expect("copy .gitmodules");
    // Without submodules, CppNix 2.34 leaves the submodule's path out altogether.
    let without = f.dir.join("expected-without/source");
    write(&without.join("a.txt"), "top\n");
    std::fs::copy(repo.join(".gitmodules"), without.join(".gitmodules")).expect("copy .gitmodules");
    let same = |fetch: &str, expected: &Path| {
        let expr = format!(
            "let f = {fetch}; e = builtins.path {{ path = {}; name = \"source\"; }}; in [ (f.outPath == e) f.submodules ]",
            expected.display()
        );
        f.ok(&expr)
    };
    let r = repo.display();
    // A clean checkout: the recorded commit of the submodule, from its checkout.
    assert_eq!(same(&format!("builtins.fetchGit {{ url = {r}; submodules = true; }}"), &with), "[ true true ]");
    assert_eq!(same(&format!("builtins.fetchGit {r}"), &without), "[ true false ]");
    // A dirty working tree: tracked files as they are now, the submodule's work tree too.
    write(&repo.join("a.txt"), "top, edited\n");
    write(&with.join("a.txt"), "top, edited\n");
    write(&without.join("a.txt"), "top, edited\n");
    assert_eq!(same(&format!("builtins.fetchGit {{ url = {r}; submodules = true; }}"), &with), "[ true true ]");
    assert_eq!(same(&format!("builtins.fetchGit {r}"), &without), "[ true false ]");
}

/// `ssh-keygen`, or `None` (skipped, said on standard error) outside CI when it is missing.
fn ssh_keygen() -> Option<&'static str> {
    let present = Command::new("ssh-keygen").arg("-?").output().is_ok();
    if !present {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "ssh-keygen (openssh-client) is missing");
        eprintln!("skipped: ssh-keygen (openssh-client) is missing");
        return None;
    }
    Some("ssh-keygen")
}

/// Verified fetches as in CppNix 2.34: a commit signed with an SSH key passes with that key
/// (`publicKey`, or one of `publicKeys`), fails with another, with an unsigned commit or on a
/// dirty tree; `verifyCommit = false` turns the check off; an unknown key type is named.
#[test]
fn fetch_git_verifies_ssh_signed_commits() {
    let Some(keygen) = ssh_keygen() else { return };
    let f = Fixture::new("verify");
    let key = |name: &str| {
        let path = f.dir.join(name);
        let st = Command::new(keygen)
            .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
            .arg(&path)
            .status()
            .expect("ssh-keygen runs");
        assert!(st.success());
        let public = std::fs::read_to_string(path.with_extension("pub")).expect("public key");
        (path, public.split_whitespace().nth(1).expect("a key").to_string())
    };
    let (good_secret, good) = key("good");
    let (_, bad) = key("bad");
    let repo = f.dir.join("repo");
    write(&repo.join("a"), "a\n");
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    let signing_key = format!("user.signingkey={}", good_secret.display());
    git(&repo, &["-c", "gpg.format=ssh", "-c", &signing_key, "commit", "-qS", "-m", "signed"]);
    let rev = git(&repo, &["rev-parse", "HEAD"]);
    let url = repo.display().to_string();
    let fetch = |args: &str| format!("(builtins.fetchGit {{ url = \"{url}\"; {args} }}).rev");

    assert_eq!(f.ok(&fetch(&format!("publicKey = \"{good}\";"))), format!("\"{rev}\""));
    let both = format!("publicKeys = [ {{ key = \"{bad}\"; }} {{ type = \"ssh-ed25519\"; key = \"{good}\"; }} ];");
    assert_eq!(f.ok(&fetch(&both)), format!("\"{rev}\""));
    assert_eq!(f.ok(&fetch(&format!("publicKey = \"{bad}\"; verifyCommit = false;"))), format!("\"{rev}\""));
    let (ok, _, err) = f.eval(&fetch(&format!("publicKey = \"{bad}\";")));
    assert!(!ok && err.contains(&format!("Commit signature verification on commit {rev} failed")), "{err}");
    let (ok, _, err) = f.eval(&fetch(&format!("publicKey = \"{good}\"; keytype = \"ssh-foo\";")));
    assert!(!ok && err.contains("Invalid SSH key type 'ssh-foo' in publicKeys."), "{err}");
    assert!(err.contains("ssh-ed25519-sk"), "{err}");
    // The flake-reference form checks too.
    let (ok, _, err) = f.eval(&format!("(builtins.fetchTree \"git+file://{url}?publicKey={bad}\").rev"));
    assert!(!ok && err.contains("Commit signature verification"), "{err}");

    // An unsigned commit fails; a dirty tree cannot be verified at all.
    write(&repo.join("a"), "b\n");
    let (ok, _, err) = f.eval(&fetch(&format!("publicKey = \"{good}\";")));
    assert!(!ok && err.contains("commit verification is required for Git repository"), "{err}");
    assert!(err.contains("but it's dirty"), "{err}");
    git(&repo, &["commit", "-qam", "unsigned"]);
    let unsigned = git(&repo, &["rev-parse", "HEAD"]);
    let (ok, _, err) = f.eval(&fetch(&format!("publicKey = \"{good}\";")));
    assert!(!ok && err.contains(&format!("Commit signature verification on commit {unsigned} failed")), "{err}");
}
