//! What the user sees while builds run.
//!
//! On a terminal (stderr is a TTY): one status line, redrawn in place —
//! `[3/10 built, 2 running] building chain-b, chain-c` — cut to the
//! terminal's width; messages (notes, streamed log lines) are printed
//! above it. Otherwise plain lines as `nix-build` prints them
//! (`building '/nix/store/…drv'...`), nothing redrawn. `Quiet` prints
//! only messages, for library callers and tests.

use std::io::Write;
use std::sync::Mutex;

/// How progress is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProgressMode {
    /// Status line on a terminal, plain lines otherwise.
    #[default]
    Auto,
    /// Plain lines.
    Plain,
    /// Only warnings and notes.
    Quiet,
}

struct State {
    total: usize,
    built: usize,
    failed: usize,
    /// Names of the derivations building now, in start order.
    running: Vec<String>,
    line_shown: bool,
}

pub(crate) struct Progress {
    tty: bool,
    plain: bool,
    state: Mutex<State>,
}

fn stderr_is_tty() -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(2) == 1 }
}

fn terminal_width() -> usize {
    // SAFETY: TIOCGWINSZ fills the struct it is given.
    unsafe {
        let mut ws: libc::winsize = std::mem::zeroed();
        if libc::ioctl(2, libc::TIOCGWINSZ, &mut ws) == 0 && ws.ws_col > 0 {
            return ws.ws_col as usize;
        }
    }
    80
}

impl Progress {
    pub(crate) fn new(mode: ProgressMode, total: usize) -> Progress {
        let tty = mode == ProgressMode::Auto && stderr_is_tty();
        let plain = mode == ProgressMode::Plain || (mode == ProgressMode::Auto && !tty);
        Progress {
            tty,
            plain,
            state: Mutex::new(State { total, built: 0, failed: 0, running: Vec::new(), line_shown: false }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn clear(&self, st: &mut State, err: &mut impl Write) {
        if st.line_shown {
            let _ = write!(err, "\r\x1b[K");
            st.line_shown = false;
        }
    }

    fn draw(&self, st: &mut State, err: &mut impl Write) {
        if !self.tty || st.running.is_empty() {
            return;
        }
        let mut line = format!("[{}/{} built", st.built, st.total);
        if st.failed > 0 {
            line.push_str(&format!(", {} failed", st.failed));
        }
        line.push_str(&format!(", {} running] building {}", st.running.len(), st.running.join(", ")));
        let width = terminal_width().saturating_sub(1).max(10);
        if line.chars().count() > width {
            line = line.chars().take(width - 1).collect::<String>() + "…";
        }
        let _ = write!(err, "\r\x1b[K{line}");
        let _ = err.flush();
        st.line_shown = true;
    }

    /// A message printed on its own line (above the status line).
    pub(crate) fn message(&self, text: &str) {
        let mut st = self.lock();
        let mut err = std::io::stderr().lock();
        self.clear(&mut st, &mut err);
        let _ = writeln!(err, "{text}");
        self.draw(&mut st, &mut err);
    }

    /// A passing status (a download's byte count): shown in place of the
    /// status line on a terminal until the next redraw, never in logs.
    pub(crate) fn transient(&self, text: &str) {
        if !self.tty {
            return;
        }
        let mut st = self.lock();
        let mut err = std::io::stderr().lock();
        let width = terminal_width().saturating_sub(1).max(10);
        let line: String = text.chars().take(width).collect();
        let _ = write!(err, "\r\x1b[K{line}");
        let _ = err.flush();
        st.line_shown = true;
    }

    /// Announces the derivations about to be built (plain mode).
    pub(crate) fn plan(&self, drvs: &[String], verb: &str) {
        if !self.plain || drvs.is_empty() {
            return;
        }
        let mut err = std::io::stderr().lock();
        let what =
            if drvs.len() == 1 { "this derivation".to_string() } else { format!("these {} derivations", drvs.len()) };
        let _ = writeln!(err, "{what} will be {verb}:");
        for d in drvs {
            let _ = writeln!(err, "  {d}");
        }
    }

    pub(crate) fn started(&self, name: &str, drv_path: &str, checking: bool) {
        let mut st = self.lock();
        let mut err = std::io::stderr().lock();
        st.running.push(name.to_string());
        if self.plain {
            let verb = if checking { "checking outputs of" } else { "building" };
            let _ = writeln!(err, "{verb} '{drv_path}'...");
        } else {
            self.draw(&mut st, &mut err);
        }
    }

    pub(crate) fn finished(&self, name: &str, ok: bool) {
        let mut st = self.lock();
        let mut err = std::io::stderr().lock();
        if let Some(i) = st.running.iter().position(|n| n == name) {
            st.running.remove(i);
        }
        if ok {
            st.built += 1;
        } else {
            st.failed += 1;
        }
        self.clear(&mut st, &mut err);
        self.draw(&mut st, &mut err);
    }

    /// A line of a builder's output, prefixed with its name (`-L`).
    pub(crate) fn log_line(&self, name: &str, line: &str) {
        self.message(&format!("{name}> {line}"));
    }

    /// Removes the status line for good.
    pub(crate) fn done(&self) {
        let mut st = self.lock();
        let mut err = std::io::stderr().lock();
        self.clear(&mut st, &mut err);
        let _ = err.flush();
    }
}
