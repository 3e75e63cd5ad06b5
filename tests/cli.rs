//! Command-line habits carried over from CppNix that belong to no one subsystem.

use std::process::Command;

fn tern(args: &[&str]) -> (i32, String, String) {
    let store = std::env::temp_dir().join(format!("tern-cli-test-{}", std::process::id()));
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
