//! Scripted REPL sessions run through a pseudo-terminal, one test per `tests/repl/*.session`
//! file (the format is described in `tests/repl/README.md`), and the completion latency on
//! a set of 20,000 attributes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};
use rexpect::session::{spawn_with_options, PtySession};

const TIMEOUT_MS: u64 = 60_000;
const PROMPT: &str = "tern> ";

fn tern() -> &'static str {
    env!("CARGO_BIN_EXE_tern")
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/repl")
}

/// Starts `tern repl ARGS` in `tests/repl/` with a private data directory (history, the
/// extracted stdlib) and no colours.
fn start(args: &[String], data: &Path) -> Result<PtySession, Failed> {
    let mut cmd = Command::new(tern());
    cmd.arg("repl")
        .args(args)
        .current_dir(dir())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env("NIX_PATH", "")
        .env("HOME", data)
        .env("XDG_DATA_HOME", data.join("share"))
        .env_remove("TERN_STDLIB");
    let options = rexpect::reader::Options::new().timeout_ms(Some(TIMEOUT_MS)).strip_ansi_escape_codes(true);
    let session = spawn_with_options(cmd, options).map_err(|e| format!("cannot start tern repl: {e}"))?;
    // A terminal of 120 columns and 50 rows, so that completion lists are laid out the same
    // way everywhere (and long ones are not paged).
    let pty = session.process().get_file_handle().map_err(|e| e.to_string())?;
    let size = libc::winsize { ws_row: 50, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCSWINSZ reads one `winsize` from the pointer, which is valid for the call.
    unsafe { libc::ioctl(std::os::fd::AsRawFd::as_raw_fd(&pty), libc::TIOCSWINSZ, &size) };
    Ok(session)
}

/// rexpect turns each byte it reads into a `char`: expected text must be matched in that
/// form.
fn as_read(text: &str) -> String {
    text.bytes().map(char::from).collect()
}

/// Lets the terminal output settle, and drops it.
fn settle(s: &mut PtySession) {
    std::thread::sleep(Duration::from_millis(200));
    while s.try_read().is_some() {}
}

/// Waits for `text` in the output (ANSI codes removed).
fn expect(s: &mut PtySession, text: &str) -> Result<(), String> {
    s.exp_string(&as_read(text)).map(|_| ()).map_err(|e| {
        // Show what was read as text again.
        let shown = e.to_string();
        let bytes: Vec<u8> = shown.chars().map(|c| c as u32 as u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// The keys a `>` line stands for: text with `<TAB>`, `<C-c>`, `<C-d>` and `<SPACE>`
/// tokens. Enter is added unless the line ends with a token.
fn keys(line: &str) -> (String, bool) {
    let mut out = String::new();
    let mut rest = line;
    let mut ends_with_token = false;
    while !rest.is_empty() {
        let token = [("<TAB>", "\t"), ("<C-c>", "\x03"), ("<C-d>", "\x04"), ("<SPACE>", " ")]
            .into_iter()
            .find(|(t, _)| rest.starts_with(t));
        match token {
            Some((t, k)) => {
                out.push_str(k);
                rest = &rest[t.len()..];
                ends_with_token = rest.is_empty();
            }
            None => {
                let c = rest.chars().next().expect("not empty");
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    (out, !ends_with_token)
}

fn run_session(path: PathBuf) -> Result<(), Failed> {
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut args: Vec<String> = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    if let Some((_, first)) = lines.peek() {
        if let Some(a) = first.strip_prefix("$ tern repl") {
            args = a.split_whitespace().map(String::from).collect();
            lines.next();
        }
    }
    let mut s = start(&args, data.path())?;
    let fail = |n: usize, what: String| -> Failed { format!("{}:{}: {what}", path.display(), n + 1).into() };
    // Whether a fresh prompt must be seen before the next input.
    let mut need_prompt = true;
    // Whether the last input ended without Enter (after Tab, the line editor redraws the
    // prompt and line, which must not be taken for a fresh prompt).
    let mut redrawn = false;
    for (n, line) in lines {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // `>>`: a continuation line of a multi-line input, typed without a new prompt;
        // `>!`: keys sent at once, while an evaluation runs.
        let (input, wait) = if let Some(rest) = line.strip_prefix(">>") {
            (Some(rest.strip_prefix(' ').unwrap_or(rest)), false)
        } else if let Some(rest) = line.strip_prefix(">!") {
            (Some(rest.strip_prefix(' ').unwrap_or(rest)), false)
        } else if let Some(rest) = line.strip_prefix('>') {
            (Some(rest.strip_prefix(' ').unwrap_or(rest)), true)
        } else {
            (None, false)
        };
        if let Some(input) = input {
            if redrawn {
                settle(&mut s);
            }
            if wait && need_prompt {
                expect(&mut s, PROMPT).map_err(|e| fail(n, format!("no prompt before this input: {e}")))?;
            }
            let (keys, enter) = keys(input);
            // `>!` sends exactly the keys (an answer to a question, Ctrl-C).
            let enter = enter && !line.starts_with(">!");
            s.send(&keys).map_err(|e| fail(n, e.to_string()))?;
            if enter {
                s.send("\r").map_err(|e| fail(n, e.to_string()))?;
            }
            s.flush().map_err(|e| fail(n, e.to_string()))?;
            let interrupt = input.ends_with("<C-c>");
            if wait && (enter || interrupt) {
                // The end of the input line: what follows is its output, then a new prompt.
                expect(&mut s, "\n").map_err(|e| fail(n, format!("the line was not accepted: {e}")))?;
            }
            if wait {
                need_prompt = enter || interrupt;
                redrawn = !enter && !interrupt;
            } else {
                // Continuation lines and keys sent during an evaluation leave what to wait
                // for as it was.
                redrawn = false;
            }
        } else if let Some(expected) = line.strip_prefix("< ") {
            expect(&mut s, expected).map_err(|e| fail(n, format!("expected {expected:?}: {e}")))?;
        } else if let Some(ms) = line.strip_prefix("@sleep ") {
            let ms: u64 = ms.trim().parse().map_err(|_| fail(n, "bad @sleep".into()))?;
            std::thread::sleep(Duration::from_millis(ms));
        } else {
            return Err(fail(n, format!("cannot read this line: {line:?}")));
        }
    }
    if redrawn {
        settle(&mut s);
        s.send_control('c').map_err(|e| e.to_string())?;
        need_prompt = true;
    }
    if need_prompt {
        expect(&mut s, PROMPT).map_err(|e| format!("no prompt at the end: {e}"))?;
    }
    s.send_line(":q").map_err(|e| e.to_string())?;
    s.exp_eof().map_err(|e| format!("tern repl did not exit after :q: {e}"))?;
    // The history is kept in the data directory.
    let history = data.path().join("share/tern/repl-history");
    let kept = std::fs::read_to_string(&history).map_err(|e| format!("no history in {}: {e}", history.display()))?;
    if !kept.lines().any(|l| l == ":q") {
        return Err(format!("the history lacks the last line:\n{kept}").into());
    }
    Ok(())
}

/// Completing the names of a set of 20,000 attributes: through the library (first time,
/// which forces the set, and again) and end to end through the terminal.
fn completion_latency() -> Result<(), Failed> {
    const BIG: &str =
        "big = builtins.listToAttrs (builtins.genList (i: { name = \"a${toString i}\"; value = i; }) 20000)";
    let ev = tern::eval::Evaluator::new(tern::eval::Settings::default());
    let repl = tern::repl::Repl::new(ev, Vec::new(), false);
    repl.process_line(BIG);
    let count = |c: tern::repl::complete::Completion| match c {
        tern::repl::complete::Completion::Candidates { items, .. } => items.len(),
        tern::repl::complete::Completion::Failed(why) => panic!("completion failed: {why}"),
    };
    let t = Instant::now();
    let n = count(repl.complete("big.", 4));
    let first = t.elapsed();
    assert_eq!(n, 20000);
    let t = Instant::now();
    let n = count(repl.complete("big.", 4));
    let again = t.elapsed();
    assert_eq!(n, 20000);
    let t = Instant::now();
    let n = count(repl.complete("big.a1999", 9));
    let narrow = t.elapsed();
    assert_eq!(n, 11);

    // The seed session's `pkgsCross.<TAB>` on the stdlib's package set: the first time
    // evaluates the package set and `pkgsCross` (not the cross package sets themselves).
    repl.process_line("pkgs = import <nixpkgs> { }");
    let t = Instant::now();
    let cross = count(repl.complete("pkgs.pkgsCross.", 15));
    let cross_first = t.elapsed();
    let t = Instant::now();
    count(repl.complete("pkgs.pkgsCross.", 15));
    let cross_again = t.elapsed();
    assert!(cross > 20, "pkgsCross has {cross} attributes");

    // End to end: from the keys to the listed names on the terminal.
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut s = start(&[], data.path())?;
    expect(&mut s, PROMPT)?;
    s.send_line(BIG).map_err(|e| e.to_string())?;
    expect(&mut s, PROMPT)?;
    s.send_line("builtins.length (builtins.attrNames big)").map_err(|e| e.to_string())?;
    expect(&mut s, "20000")?;
    expect(&mut s, PROMPT)?;
    s.send("big.a1999").map_err(|e| e.to_string())?;
    s.flush().map_err(|e| e.to_string())?;
    expect(&mut s, "big.a1999")?;
    // Wait for output by polling each millisecond (`exp_string` polls every 100 ms).
    std::thread::sleep(Duration::from_millis(200));
    while s.try_read().is_some() {}
    let t = Instant::now();
    // One Tab lists (and, with this many candidates, asks first; a second Tab answers yes).
    s.send("\t\t").map_err(|e| e.to_string())?;
    s.flush().map_err(|e| e.to_string())?;
    let mut seen = String::new();
    while !seen.contains("a19999") {
        match s.try_read() {
            Some(c) => seen.push(c),
            None if t.elapsed() > Duration::from_secs(30) => return Err("no completion list after 30 s".into()),
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    let terminal = t.elapsed();
    settle(&mut s);
    s.send_control('c').map_err(|e| e.to_string())?;
    expect(&mut s, "\n")?;
    expect(&mut s, PROMPT)?;
    s.send_line(":q").map_err(|e| e.to_string())?;
    s.exp_eof().map_err(|e| e.to_string())?;

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "completion latency on 20,000 attributes: first {:.1} ms (forces the set), again {:.1} ms, \
         narrowed to 11 {:.1} ms, end to end through the terminal {:.1} ms; pkgs.pkgsCross.<TAB> \
         ({cross} names): first {:.1} ms (evaluates the package set), again {:.1} ms",
        ms(first),
        ms(again),
        ms(narrow),
        ms(terminal),
        ms(cross_first),
        ms(cross_again)
    );
    // Generous bounds: the target is 50 ms, but test machines can be busy.
    if again > Duration::from_millis(500) || narrow > Duration::from_millis(500) || terminal > Duration::from_secs(2) {
        return Err("completion on 20,000 attributes is too slow".into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/repl exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "session"))
        .collect();
    files.sort();
    for path in files {
        let name = path.file_stem().expect("a name").to_string_lossy().into_owned();
        trials.push(Trial::test(format!("repl::{name}"), move || run_session(path)));
    }
    trials.push(Trial::test("repl::completion_latency", completion_latency));
    libtest_mimic::run(&args, trials).exit();
}
