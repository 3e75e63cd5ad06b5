//! Tests that need a tool from outside tern (CppNix, qemu-user, Debian's cross compilers).
//! Where a tool is missing such a test reports itself skipped (libtest's "ignored", with the
//! reason) instead of passing without having run; under `CI=true`, where `.ci/run` installs
//! every tool, a missing tool fails the test instead.
//!
//! The binaries using this run their tests through `libtest_mimic` (`harness = false`), the
//! only way a test can decide at run time that it was skipped.

use libtest_mimic::{Completion, Failed};

/// Whether the tests run in CI (`CI` set to anything but empty, `0` or `false`).
pub fn in_ci() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok(v) if !v.is_empty() && v != "0" && v != "false")
}

/// Is `cmd` on PATH?
pub fn have(cmd: &str) -> bool {
    std::env::var_os("PATH").map(|p| std::env::split_paths(&p).any(|d| d.join(cmd).is_file())).unwrap_or(false)
}

/// Whether the tests run as root.
#[allow(dead_code)]
pub fn is_root() -> bool {
    // SAFETY: no side effects.
    unsafe { libc::geteuid() == 0 }
}

/// The outcome for a test that cannot run for want of `what`: skipped, or failed in CI.
pub fn missing(what: &str) -> Result<Completion, Failed> {
    if in_ci() {
        Err(format!("CI must provide {what} (see .ci/run)").into())
    } else {
        Ok(Completion::ignored_with(format!("skipped: {what} not available")))
    }
}

/// `Ok(None)` when every tool is on PATH, else the outcome [`missing`] gives for them.
pub fn require(tools: &[&str]) -> Option<Result<Completion, Failed>> {
    let absent: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if absent.is_empty() {
        None
    } else {
        Some(missing(&absent.join(", ")))
    }
}

/// Runs a test body written with assertions: a panic is a failure carrying its message.
pub fn run_body(body: impl FnOnce() + std::panic::UnwindSafe) -> Result<Completion, Failed> {
    match std::panic::catch_unwind(body) {
        Ok(()) => Ok(Completion::Completed),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the test panicked".into());
            Err(message.into())
        }
    }
}
