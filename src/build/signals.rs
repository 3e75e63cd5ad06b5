//! Interrupts: Ctrl-C, `kill` (SIGTERM) and a closed terminal (SIGHUP)
//! must stop tern's builds cleanly — builders killed, half-built outputs
//! removed, locks released — instead of killing tern mid-registration.
//!
//! [`install`] replaces the default action of those signals with a handler
//! that only sets a flag (the one thing a handler may safely do); the
//! scheduler polls [`interrupted`] and does the rest. The library never
//! installs handlers itself: the `tern build` command does, so embedding
//! programs keep control of their signals. (SIGKILL cannot be caught; see
//! `sandbox` for how builders die with tern then.)

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Routes SIGINT, SIGTERM and SIGHUP to the interrupt flag.
pub fn install() {
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as libc::sighandler_t;
        libc::sigemptyset(&mut sa.sa_mask);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaction(sig, &sa, std::ptr::null_mut());
        }
    }
}

/// Whether an interrupt arrived (or [`interrupt`] was called).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Forgets an interrupt, for a program (the REPL) that goes on after one.
pub fn clear() {
    INTERRUPTED.store(false, Ordering::SeqCst);
}

/// Asks running builds to stop, as a signal would.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}
