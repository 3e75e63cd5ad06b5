//! Hostile input: nothing a user writes may crash tern. Each input (generated here, some
//! megabytes long) runs through the built binary under `prlimit --as` (4 GiB); it must either
//! evaluate as CppNix evaluates it, or end in an error with a location and exit status 1,
//! never in a signal (stack overflow, abort, segfault) or a panic (status 101).

use std::path::PathBuf;
use std::process::Command;

/// The address-space limit every run gets (4 GiB; prlimit takes plain bytes, and reads
/// `4G` as 4): deep input must stay well inside it.
const ADDRESS_SPACE: &str = "4294967296";
const ONE_GIB: &str = "1073741824";

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn prlimit_available() -> bool {
    let found = Command::new("prlimit").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found && std::env::var("CI").as_deref() == Ok("true") {
        panic!("prlimit (util-linux) is missing");
    }
    if !found {
        eprintln!("skipped: prlimit (util-linux) is not installed");
    }
    found
}

fn scratch_dir() -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("tern-hostile-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Runs `tern ARGS…` under an address-space limit.
fn run_limited(limit: &str, args: &[&str]) -> Outcome {
    let dir = scratch_dir();
    let out = Command::new("prlimit")
        .arg(format!("--as={limit}"))
        .arg(env!("CARGO_BIN_EXE_tern"))
        .args(args)
        .env("TERN_STORE", dir.join("store"))
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("prlimit runs");
    let _ = std::fs::remove_dir_all(&dir);
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Evaluates `source`, written to a file (big inputs do not fit on a command line).
fn eval_file(source: &str) -> Outcome {
    let dir = scratch_dir();
    let file = dir.join("input.nix");
    std::fs::write(&file, source).expect("input written");
    let outcome = run_limited(ADDRESS_SPACE, &["eval", file.to_str().expect("utf-8 path")]);
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

fn eval_expr(limit: &str, expr: &str) -> Outcome {
    run_limited(limit, &["eval", "-E", expr])
}

/// The input evaluated, printing `expected`.
fn assert_value(what: &str, o: &Outcome, expected: &str) {
    assert_eq!(o.code, Some(0), "{what}: exit status (a signal if None); stderr: {}", tail(&o.stderr));
    assert_eq!(o.stdout.trim_end(), expected, "{what}");
}

/// The input failed with `message`, a source location (`╭─[file:line:column]`) and status 1.
fn assert_located_error(what: &str, o: &Outcome, message: &str) {
    assert_eq!(o.code, Some(1), "{what}: exit status (a signal if None); stderr: {}", tail(&o.stderr));
    assert!(o.stderr.starts_with("error: "), "{what}: {}", tail(&o.stderr));
    assert!(o.stderr.contains(message), "{what}: expected {message:?} in {}", tail(&o.stderr));
    assert!(o.stderr.contains("╭─["), "{what}: no location in {}", tail(&o.stderr));
    assert!(!o.stderr.contains("panicked"), "{what}: {}", tail(&o.stderr));
}

fn tail(s: &str) -> &str {
    let mut start = s.len().saturating_sub(2000);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    &s[start..]
}

fn repeat(s: &str, n: usize) -> String {
    s.repeat(n)
}

fn chain(term: &str, op: &str, n: usize) -> String {
    vec![term; n].join(op)
}

#[test]
fn deeply_nested_lists_and_sets_are_refused_with_a_stack_overflow_error() {
    if !prlimit_available() {
        return;
    }
    let lists = eval_file(&(repeat("[", 1_000_000) + &repeat("]", 1_000_000)));
    assert_located_error("10^6 nested lists", &lists, "stack overflow");
    let sets = eval_file(&(repeat("{a=", 1_000_000) + "1" + &repeat(";}", 1_000_000)));
    assert_located_error("10^6 nested sets", &sets, "stack overflow");
    // A syntax error after a too-deep tree: the parser drops the tree it built.
    let broken = eval_file(&(repeat("[", 1_000_000) + &repeat("]", 1_000_000) + ")"));
    assert_located_error("10^6 nested lists, then a syntax error", &broken, "syntax error");
    // An interpolated attribute name is moved into the set being built, never copied.
    let deep = repeat("[", 1_000_000) + &repeat("]", 1_000_000);
    let named = eval_file(&format!("{{ a.${{{deep}}}.b = 1; a.c = 2; }}"));
    assert_located_error("10^6 nested lists as an attribute name", &named, "stack overflow");
}

#[test]
fn deep_right_nested_expressions_evaluate() {
    if !prlimit_available() {
        return;
    }
    // CppNix evaluates all of these except the `let`s (it overflows its stack there).
    assert_value("10^5 let", &eval_file(&(repeat("let a = 1; in ", 100_000) + "a")), "1");
    assert_value(
        "8,000 nested interpolations",
        &eval_file(&(repeat("\"${", 8_000) + "\"x\"" + &repeat("}\"", 8_000))),
        "\"x\"",
    );
    assert_value("10^4 assert", &eval_file(&(repeat("assert true; ", 10_000) + "1")), "1");
    assert_value("10^4 with", &eval_file(&(repeat("with {}; ", 10_000) + "1")), "1");
    assert_value("10^4 unary minus", &eval_file(&(repeat("-", 10_000) + "1")), "1");
    assert_value("10^5 if", &eval_file(&(repeat("if true then ", 100_000) + "1" + &repeat(" else 2", 100_000))), "1");
}

#[test]
fn long_operator_chains_evaluate() {
    if !prlimit_available() {
        return;
    }
    assert_value("20,000 +", &eval_file(&chain("1", "+", 20_000)), "20000");
    assert_value("20,000 &&", &eval_file(&chain("true", "&&", 20_000)), "true");
    assert_value("20,000 ++", &eval_file(&format!("builtins.length ({})", chain("[1]", "++", 20_000))), "20000");
    assert_value("20,000 //", &eval_file(&chain("{a=1;}", "//", 20_000)), "{ a = 1; }");
}

#[test]
fn a_long_attribute_path_is_built_and_freed() {
    if !prlimit_available() {
        return;
    }
    let source = format!("{{ {} = 1; }}", chain("a", ".", 70_000));
    assert_value("70,000-component attribute path", &eval_file(&source), "{ a = <CODE>; }");
}

#[test]
fn cyclic_values_end_in_a_stack_overflow_error() {
    if !prlimit_available() {
        return;
    }
    for expr in [
        "toString (let x = [ x ]; in x)",
        "let s = { __toString = s: s; }; in \"${s}\"",
        "let s = { outPath = s; }; in \"${s}\"",
        "let x = { a = x; }; y = { a = y; }; in x == y",
        "let x = [ x ]; y = [ y ]; in x < y",
    ] {
        assert_located_error(expr, &eval_expr(ADDRESS_SPACE, expr), "stack overflow; max-call-depth exceeded");
    }
}

#[test]
fn a_failed_assertion_on_a_deep_condition_is_reported() {
    if !prlimit_available() {
        return;
    }
    // The message quotes the condition: printing it must neither recurse without bound nor
    // grow without bound.
    let source = format!("assert {}{} == [ ]; 1", repeat("[", 150_000), repeat("]", 150_000));
    let o = eval_file(&source);
    assert_located_error("assertion on 150,000 nested lists", &o, "assertion '(");
    assert!(o.stderr.len() < 200_000, "the quoted condition is cut short: {} bytes", o.stderr.len());
}

#[test]
fn an_error_far_into_a_long_line_shows_its_column() {
    if !prlimit_available() {
        return;
    }
    let o = eval_file(&(repeat(" ", 70_000) + "throw \"far away\""));
    assert_located_error("error at column 70,001", &o, "far away");
    assert!(o.stderr.contains(":1:70001]"), "{}", tail(&o.stderr));
    assert!(o.stderr.len() < 2_000, "a window of the line, not all of it: {}", o.stderr.len());
}

#[test]
fn impossible_list_sizes_are_refused_before_allocating() {
    if !prlimit_available() {
        return;
    }
    for n in ["9223372036854775807", "1000000000000"] {
        let expr = format!("builtins.genList (x: x) {n}");
        assert_located_error(&expr, &eval_expr(ADDRESS_SPACE, &expr), "out of memory");
    }
}

#[test]
fn running_out_of_memory_is_an_error_not_an_abort() {
    if !prlimit_available() {
        return;
    }
    // Doubling a string: 2^40 bytes is more than any machine here has (refused at once);
    // 2^31 bytes is more than a 1 GiB address space holds (the allocator fails).
    let double = |n: u32| {
        format!("let d = s: n: if n == 0 then s else d (s + s) (n - 1); in builtins.stringLength (d \"x\" {n})")
    };
    for (limit, n) in [(ADDRESS_SPACE, 40), (ONE_GIB, 31)] {
        let o = eval_expr(limit, &double(n));
        assert_eq!(o.code, Some(1), "2^{n} bytes under {limit}: {}", tail(&o.stderr));
        assert!(o.stderr.contains("error: out of memory"), "2^{n} bytes under {limit}: {}", tail(&o.stderr));
    }
}

#[test]
fn from_json_nests_as_deep_as_nix_code() {
    if !prlimit_available() {
        return;
    }
    let dir = scratch_dir();
    for (depth, fine) in [(128, true), (100_000, true), (1_000_000, false)] {
        let file = dir.join(format!("nested-{depth}.json"));
        std::fs::write(&file, repeat("[", depth) + &repeat("]", depth)).expect("JSON written");
        let expr = format!("builtins.length (builtins.fromJSON (builtins.readFile {}))", file.display());
        let o = eval_expr(ADDRESS_SPACE, &expr);
        if fine {
            assert_value(&format!("JSON nested {depth} deep"), &o, "1");
        } else {
            assert_located_error(&format!("JSON nested {depth} deep"), &o, "stack overflow");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
