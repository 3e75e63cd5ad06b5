//! The interactive loop: rustyline with the REPL's helper, history in the user's data
//! directory, and Ctrl-C.
//!
//! Ctrl-C: while a line is being edited the terminal is in raw mode and rustyline reads
//! Ctrl-C as a key, which clears the line. While evaluating, the terminal is in its normal
//! mode and Ctrl-C raises SIGINT; a handler (installed once, for the whole process) sets the
//! evaluator's `interrupted` flag, which the machine checks at every function call, so the
//! evaluation fails with "interrupted" and the prompt comes back. Thunks being forced at
//! that moment are put back as they were, so forcing them again later works.

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::Editor;

use super::complete::ReplHelper;
use super::{Outcome, Repl};

pub const PROMPT: &str = "tern> ";
/// Shown for the lines after the first of an incomplete input that rustyline did not edit as
/// one (input that is not a terminal, or pasted text ending inside an expression).
const CONTINUATION: &str = "      ";

/// The flag SIGINT sets; the handler is installed on first use.
pub fn sigint_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let set = flag.clone();
        // Ctrl-C also stops a `:b` build: the builder polls its own flag.
        let on_ctrl_c = move || {
            set.store(true, std::sync::atomic::Ordering::Relaxed);
            crate::build::signals::interrupt();
        };
        if let Err(e) = ctrlc::set_handler(on_ctrl_c) {
            eprintln!("warning: Ctrl-C will not interrupt evaluations: {e}");
        }
        flag
    })
    .clone()
}

/// Runs `f` with Ctrl-C interrupting evaluation although the line editor is reading: the
/// terminal has Ctrl-C raise SIGINT again (raw mode turns that off) and SIGINT sets the
/// evaluator's flag (the line editor has its own handler meanwhile). Both are restored
/// afterwards. For a slow evaluation during completion.
pub fn with_interrupts<R>(f: impl FnOnce() -> R) -> R {
    use std::sync::atomic::{AtomicPtr, Ordering};
    static TARGET: AtomicPtr<AtomicBool> = AtomicPtr::new(std::ptr::null_mut());
    extern "C" fn on_sigint(_: libc::c_int) {
        let flag = TARGET.load(Ordering::Relaxed);
        if !flag.is_null() {
            // SAFETY: the flag is kept alive for the whole process by `sigint_flag`'s static.
            unsafe { (*flag).store(true, Ordering::Relaxed) };
        }
    }
    struct Restore {
        termios: Option<libc::termios>,
        action: libc::sigaction,
    }
    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: puts back the settings and the handler read before.
            unsafe {
                libc::sigaction(libc::SIGINT, &self.action, std::ptr::null_mut());
                if let Some(t) = &self.termios {
                    libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, t);
                }
            }
        }
    }
    TARGET.store(Arc::as_ptr(&sigint_flag()) as *mut AtomicBool, Ordering::Relaxed);
    // SAFETY: plain libc calls on zero-initialised C structs; tcgetattr's result is read only
    // when it succeeded; the handler only stores to an atomic.
    let _restore = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigint as *const () as usize;
        libc::sigemptyset(&mut action.sa_mask);
        let mut old_action: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGINT, &action, &mut old_action);
        let mut current = std::mem::MaybeUninit::<libc::termios>::uninit();
        let termios = if libc::tcgetattr(libc::STDIN_FILENO, current.as_mut_ptr()) == 0 {
            let old = current.assume_init();
            let mut with_isig = old;
            with_isig.c_lflag |= libc::ISIG;
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &with_isig);
            Some(old)
        } else {
            None
        };
        Restore { termios, action: old_action }
    };
    f()
}

/// `$XDG_DATA_HOME/tern/repl-history`, else `~/.local/share/tern/repl-history`.
pub fn history_path() -> Option<PathBuf> {
    let dir = match std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME").filter(|h| !h.is_empty())?).join(".local/share"),
    };
    Some(dir.join("tern").join("repl-history"))
}

/// The greeting line.
pub fn greeting() -> String {
    let lang = crate::eval::builtins::NIX_VERSION.rsplit_once('.').map(|(mm, _)| mm).unwrap_or("2");
    format!("tern {} (Nix language {lang}) — type :? for help.", env!("CARGO_PKG_VERSION"))
}

/// Reads and runs lines until `:q` or Ctrl-D; returns the exit code.
pub fn run(repl: Rc<Repl>) -> i32 {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        // List the candidates on the first Tab, as `nix repl` does, not only on a second.
        .completion_show_all_if_ambiguous(true)
        .auto_add_history(false)
        .max_history_size(10_000)
        .and_then(|b| b.history_ignore_dups(true))
        .map(|b| b.build());
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot configure the line editor: {e}");
            return 1;
        }
    };
    let mut editor: Editor<ReplHelper, FileHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start the line editor: {e}");
            return 1;
        }
    };
    editor.set_helper(Some(ReplHelper::new(repl.clone())));
    let history = history_path();
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.load_history(path);
    }

    let mut pending = String::new();
    loop {
        let prompt = if pending.is_empty() { PROMPT } else { CONTINUATION };
        match editor.readline(prompt) {
            Ok(text) => {
                if !text.trim().is_empty() {
                    let _ = editor.add_history_entry(text.as_str());
                    if let Some(path) = &history {
                        let _ = editor.append_history(path);
                    }
                }
                // Pasted text can hold several inputs: run them line by line, as they would
                // have run if typed, each input going on while it is incomplete.
                for line in text.split('\n') {
                    if !pending.is_empty() {
                        pending.push('\n');
                    }
                    pending.push_str(line);
                    if super::validate::is_incomplete(&pending) {
                        continue;
                    }
                    let input = std::mem::take(&mut pending);
                    if repl.process_line(&input) == Outcome::Quit {
                        return 0;
                    }
                }
            }
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => {
                println!();
                return 0;
            }
            Err(e) => {
                eprintln!("error: cannot read input: {e}");
                return 1;
            }
        }
    }
}
