//! Stack-growth checks cheap enough for every force, call and drop.
//!
//! Deep recursion (long thunk chains, deep data, deep drops) must never overflow the
//! stack: when little stack is left, work continues on a fresh heap-allocated segment
//! (`stacker::grow`). Asking `stacker::maybe_grow` at every level costs a call to read the
//! stack pointer and a lazily initialised thread-local lookup, which adds up at millions of
//! levels per second. This module keeps the current segment's limit in a plain
//! thread-local `Cell` (a single load) and compares the address of a local against it
//! inline; only when that check fails does it ask stacker, which then either refreshes the
//! cached limit (first use, or a segment with room after all) or grows a new segment,
//! caching that segment's limit while running on it and restoring the old one after.
//!
//! Every stack-growing call in the evaluator must go through here: a segment grown behind
//! this module's back would leave a stale limit cached once control returns.

use std::cell::Cell;

/// No limit known yet: the inline check always fails, sending the first call to stacker.
const UNKNOWN: usize = usize::MAX;

thread_local! {
    /// The lowest address the current stack segment may use (`UNKNOWN` until learnt).
    static LIMIT: Cell<usize> = const { Cell::new(UNKNOWN) };
}

/// An address within a few bytes of the stack pointer.
#[inline(always)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    std::ptr::addr_of!(marker) as usize
}

/// Runs `f`, on a fresh segment of `segment` bytes if less than `red_zone` bytes of stack
/// are left (what `stacker::maybe_grow` does, with the common case inline).
#[inline(always)]
pub fn maybe_grow<R>(red_zone: usize, segment: usize, f: impl FnOnce() -> R) -> R {
    if stack_pointer().saturating_sub(red_zone) > LIMIT.with(Cell::get) {
        f()
    } else {
        maybe_grow_slow(red_zone, segment, f)
    }
}

#[cold]
#[inline(never)]
fn maybe_grow_slow<R>(red_zone: usize, segment: usize, f: impl FnOnce() -> R) -> R {
    match stacker::remaining_stack() {
        Some(left) if left >= red_zone => {
            // Room after all (the limit was not known yet): remember it for the inline check.
            LIMIT.with(|l| l.set(stack_pointer() - left));
            f()
        }
        _ => {
            // Restores the caller's segment limit on return, and on unwinding too.
            struct Restore(usize);
            impl Drop for Restore {
                fn drop(&mut self) {
                    LIMIT.with(|l| l.set(self.0));
                }
            }
            let _restore = Restore(LIMIT.with(Cell::get));
            stacker::grow(segment, || {
                let limit = match stacker::remaining_stack() {
                    Some(left) => stack_pointer() - left,
                    None => UNKNOWN,
                };
                LIMIT.with(|l| l.set(limit));
                f()
            })
        }
    }
}
