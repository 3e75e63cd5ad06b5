//! Command-line habits carried over from CppNix that belong to no one subsystem.

use std::process::Command;

fn tern(args: &[&str]) -> (i32, String, String) {
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let store = std::env::temp_dir().join(format!("tern-cli-test-{}-{n}", std::process::id()));
    let out =
        Command::new(env!("CARGO_BIN_EXE_tern")).args(args).env("TERN_STORE", &store).output().expect("tern runs");
    let _ = std::fs::remove_dir_all(&store);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `nix-instantiate --eval` (and the old `--eval-only`) print the value: so does
/// `tern instantiate` given either, exactly as `tern eval` would.
#[test]
fn instantiate_with_eval_prints_the_value() {
    assert_eq!(tern(&["instantiate", "--eval", "-E", "1 + 2"]), (0, "3\n".into(), String::new()));
    let (code, out, err) = tern(&["instantiate", "--eval-only", "--strict", "--json", "-E", "{ a = [ 1 \"x\" ]; }"]);
    assert_eq!((code, out.as_str()), (0, "{\"a\":[1,\"x\"]}\n"), "{err}");
    assert_eq!(tern(&["instantiate", "--eval", "-E", "{ a = 1 + 1; }"]).1, tern(&["eval", "-E", "{ a = 1 + 1; }"]).1);
    let (code, _, err) = tern(&["instantiate", "--eval", "-E", "throw \"no\""]);
    assert_eq!(code, 1);
    assert!(err.contains("no"), "{err}");
}

fn drv_path(attr: &str) -> String {
    let (code, out, err) = tern(&["eval", "--raw", "<nixpkgs>", "-A", &format!("{attr}.drvPath")]);
    assert_eq!(code, 0, "{err}");
    out
}

/// Guix's habits on `tern build`: `--target TRIPLET` is the package set's `crossSystem`
/// (GNU's short triplet meaning the same platform as the `pkgsCross` example), a bare
/// package name is an attribute of `<nixpkgs>`, and Guix's system names are translated.
#[test]
fn guix_style_build_flags() {
    // `--dry-run` lists what would be built on standard error, as nix-build does.
    let (code, _, err) = tern(&["build", "--dry-run", "--target=aarch64-linux-gnu", "<nixpkgs>", "-A", "hello"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&drv_path("pkgsCross.aarch64-multiplatform.hello")), "{err}");
    let (code, _, err) = tern(&["build", "--dry-run", "--target", "riscv64-linux-gnu", "<nixpkgs>", "-A", "hello"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&drv_path("pkgsCross.riscv64.hello")), "{err}");

    let (code, _, err) = tern(&["build", "--dry-run", "hello"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&drv_path("hello")), "{err}");
    let (code, _, err) = tern(&["build", "--dry-run", "hellox"]);
    assert_eq!(code, 1);
    assert!(err.contains("attribute 'hellox'") && err.contains("Did you mean 'hello'?"), "{err}");

    let (code, _, err) = tern(&["build", "--dry-run", "--system=armhf-linux", "hello"]);
    assert_eq!(code, 1);
    assert!(err.contains("note: Guix's system 'armhf-linux' is 'armv7l-linux' in Nix"), "{err}");
    assert!(err.contains("a 'armv7l-linux' is required to build"), "{err}");

    let (code, out, err) = tern(&["build", "--list-targets"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("The available targets are:\n\n"), "{out}");
    let line = out.lines().find(|l| l.contains("aarch64-unknown-linux-gnu ")).expect("aarch64 listed");
    assert!(line.contains("pkgsCross.aarch64-multiplatform"), "{line}");
    assert!(
        out.lines().any(|l| l.starts_with("   - x86_64-w64-mingw32 ") && l.contains("pkgsCross.mingwW64")),
        "{out}"
    );
}

/// An infinite recursion names the cycle of bindings it went through, aliases included
/// (`y = x;` shares `x`'s thunk, yet the cycle is `x → y → x`), like the README's example.
#[test]
fn infinite_recursion_names_the_whole_cycle() {
    let cases = [
        ("let x = y; y = x; in x", "the cycle goes through: x → y → x"),
        ("rec { a = b; b = c; c = a; }.a", "the cycle goes through: a → b → c → a"),
        ("let a = b; b = c; c = d; d = a; in a", "the cycle goes through: a → b → c → d → a"),
        ("let a = b; b = a + 1; in b", "the cycle goes through: b → a → b"),
        ("let x = x; in x", "the cycle goes through: x → x"),
    ];
    for (expr, chain) in cases {
        let (code, _, err) = tern(&["eval", "-E", expr]);
        assert_eq!(code, 1, "{expr}: {err}");
        assert!(err.contains("infinite recursion encountered"), "{expr}: {err}");
        assert!(err.contains(chain), "{expr}: wanted {chain:?}\n{err}");
    }
}

/// `--no-show-trace` is accepted (CppNix's negated flag), and undoes an earlier
/// `--show-trace`.
#[test]
fn no_show_trace_is_accepted() {
    let (code, out, err) = tern(&["eval", "--show-trace", "--no-show-trace", "-E", "1 + 1"]);
    assert_eq!((code, out.as_str()), (0, "2\n"), "{err}");
}
