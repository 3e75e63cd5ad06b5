//! The language golden tests: one test per case file under `tests/lang/`.
//!
//! * `eval-okay-NAME.nix` + `.exp`: `tern eval --strict` (or the flags in `.flags`) must
//!   exit 0 and print exactly `.exp`.
//! * `eval-fail-NAME.nix` + `.err.exp`: must exit 1; every non-empty line of `.err.exp`
//!   must appear in standard error.
//! * `parse-fail-NAME.nix` + `.err.exp`: `tern eval --parse` must exit 1, same rule.
//! * `newer/` holds cases whose expectation comes from Nix newer than the 2.8 oracle;
//!   `notyet/` holds known failures, which must keep failing (so a fix is noticed).
//!
//! `TERN_BLESS=1` rewrites `.exp` files of okay cases from tern's output.

use std::path::{Path, PathBuf};
use std::process::Command;

use libtest_mimic::{Arguments, Failed, Trial};

fn tern() -> &'static str {
    env!("CARGO_BIN_EXE_tern")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

fn flags_for(nix: &Path, default: &[&str]) -> Vec<String> {
    let flags = nix.with_extension("flags");
    if flags.exists() {
        read(&flags)
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").to_string())
            .flat_map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
            .collect()
    } else {
        default.iter().map(|s| s.to_string()).collect()
    }
}

fn run(dir: &Path, args: &[String], file: &Path) -> std::process::Output {
    Command::new(tern())
        .arg("eval")
        .args(args)
        .arg(file.file_name().expect("a file"))
        .current_dir(dir)
        .env("NIX_PATH", "")
        .env("HOME", "/fake-home")
        .env("TEST_VAR", "foo")
        // Cases that write to the store (derivations, `toFile`, path imports) share one
        // scratch store; every path in it is content-derived.
        .env("TERN_STORE", Path::new(env!("CARGO_TARGET_TMPDIR")).join("lang-store"))
        .env_remove("TERN_STDLIB")
        .output()
        .expect("tern runs")
}

fn check_okay(nix: PathBuf) -> Result<(), Failed> {
    let dir = nix.parent().expect("in a dir");
    let out = run(dir, &flags_for(&nix, &["--strict"]), &nix);
    let exp_path = nix.with_extension("exp");
    if std::env::var_os("TERN_BLESS").is_some() && out.status.success() {
        std::fs::write(&exp_path, &out.stdout).map_err(|e| e.to_string())?;
        return Ok(());
    }
    if !out.status.success() {
        return Err(format!("exit {:?}\nstderr:\n{}", out.status.code(), String::from_utf8_lossy(&out.stderr)).into());
    }
    // Byte comparison: Nix strings are bytes and are printed unchanged.
    let expected = std::fs::read(&exp_path).map_err(|e| format!("cannot read {}: {e}", exp_path.display()))?;
    if out.stdout != expected {
        return Err(format!(
            "output differs\nexpected: {}\n     got: {}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&out.stdout)
        )
        .into());
    }
    Ok(())
}

fn check_fail(nix: PathBuf, parse_only: bool) -> Result<(), Failed> {
    let dir = nix.parent().expect("in a dir");
    let mut flags = flags_for(&nix, &["--strict"]);
    if parse_only {
        flags = vec!["--parse".to_string()];
    }
    let out = run(dir, &flags, &nix);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.code() != Some(1) {
        return Err(format!(
            "expected exit 1, got {:?}\nstdout:\n{}\nstderr:\n{stderr}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout)
        )
        .into());
    }
    let exp = read(&nix.with_extension("err.exp"));
    for line in exp.lines().filter(|l| !l.trim().is_empty()) {
        if !stderr.contains(line) {
            return Err(format!("stderr lacks {line:?}\nstderr:\n{stderr}").into());
        }
    }
    Ok(())
}

fn trials_in(dir: &Path, prefix: &str, expect_failure: bool, trials: &mut Vec<Trial>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        if !name.ends_with(".nix") {
            continue;
        }
        let stem = name.trim_end_matches(".nix").to_string();
        let check: Box<dyn FnOnce() -> Result<(), Failed> + Send> = if stem.starts_with("eval-okay-") {
            let p = path.clone();
            Box::new(move || check_okay(p))
        } else if stem.starts_with("eval-fail-") {
            let p = path.clone();
            Box::new(move || check_fail(p, false))
        } else if stem.starts_with("parse-fail-") {
            let p = path.clone();
            Box::new(move || check_fail(p, true))
        } else {
            continue;
        };
        let test_name = format!("{prefix}{stem}");
        trials.push(Trial::test(test_name, move || {
            let result = check();
            match (result, expect_failure) {
                (r, false) => r,
                (Ok(()), true) => Err("a notyet/ case passes now: move it out of notyet/".into()),
                (Err(_), true) => Ok(()),
            }
        }));
    }
}

fn main() {
    let args = Arguments::from_args();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lang");
    let mut trials = Vec::new();
    trials_in(&root, "", false, &mut trials);
    trials_in(&root.join("newer"), "newer/", false, &mut trials);
    trials_in(&root.join("notyet"), "notyet/", true, &mut trials);
    libtest_mimic::run(&args, trials).exit();
}
