//! A bounded cache of freed small blocks (17 to `LARGEST` bytes), in front of mimalloc.
//!
//! Evaluation allocates and frees millions of blocks of a few words (thunks and closures
//! of 24 bytes, one-slot frames and list headers of 32, attribute sets of 48): a
//! module-system evaluation makes about nine million. Rust's allocator interface tells
//! `dealloc` the block's size, so a freed block can go onto a list of its size class
//! directly, and the next allocation of that class takes it back: two stores and a count
//! to free, two loads, a store and a count to allocate. mimalloc's `free` has to find the
//! block's page from its address first and touches that page's metadata (another cache
//! line); its `malloc` checks more.
//!
//! Every cached block is an ordinary mimalloc block of at least its class's full size (one
//! that `realloc` shrank in place may be larger), so a block may leave the cache for
//! mimalloc's `free` or `realloc` at any time. The cache holds at
//! most `CAP` blocks per class and frees the rest to mimalloc: an unbounded cache would keep
//! memory that mimalloc could give to other sizes once whole pages are free (a workload
//! that freed a million small blocks before building a large table grew by a sixth).
//!
//! The lists are per thread (no locking), and only a thread that asked for them keeps any
//! (`enable_on_this_thread`: the main thread, where evaluation runs). A thread's lists are
//! not freed when it ends, and a build starts a thread or two per derivation: on those the
//! cache stays empty, every block going straight back to mimalloc. A block freed by
//! another thread than the one that allocated it joins the freeing thread's list (or goes
//! to mimalloc from there), as mimalloc allows.

use std::cell::Cell;
use std::ptr::null_mut;

/// Blocks of more than 16 and up to this many bytes (with an alignment of at most 8) are
/// cached. Smaller ones are rare.
const LARGEST: usize = 48;

/// Size classes are multiples of 8 bytes: class `c` holds blocks of `8 * c` bytes.
const CLASSES: usize = LARGEST / 8 + 1;

/// The most blocks one class keeps (at 48 bytes, 1.5 MiB).
const CAP: u32 = 1 << 15;

struct Pool {
    /// The head of each class's list; a cached block's first word points to the next one.
    free: [Cell<*mut u8>; CLASSES],
    /// How many blocks each list holds.
    len: [Cell<u32>; CLASSES],
    /// How many blocks a list may hold on this thread: `CAP` once enabled, else none.
    cap: Cell<u32>,
}

thread_local! {
    static POOL: Pool = const {
        Pool {
            free: [const { Cell::new(null_mut()) }; CLASSES],
            len: [const { Cell::new(0) }; CLASSES],
            cap: Cell::new(0),
        }
    };
}

/// Lets the calling thread keep freed blocks for reuse (see the module documentation).
pub fn enable_on_this_thread() {
    POOL.with(|pool| pool.cap.set(CAP));
}

/// The size class of a block of `size` bytes (`size` at most `LARGEST`).
#[inline(always)]
fn class(size: usize) -> usize {
    (size + 7) >> 3
}

/// Whether blocks of `size` bytes and alignment `align` go through the cache.
#[inline(always)]
pub fn serves(size: usize, align: usize) -> bool {
    size > 16 && size <= LARGEST && align <= 8
}

/// A block for `size` bytes (`serves(size, ..)`): a cached one, or else a fresh one from
/// `fresh`, which is asked for the class's full size (null if memory is out).
#[inline(always)]
pub fn alloc(size: usize, fresh: impl FnOnce(usize) -> *mut u8) -> *mut u8 {
    let c = class(size);
    let head = POOL.with(|pool| {
        let head = pool.free[c].get();
        if !head.is_null() {
            // SAFETY: a cached block is ours and holds the next one's address.
            pool.free[c].set(unsafe { *(head as *mut *mut u8) });
            pool.len[c].set(pool.len[c].get() - 1);
        }
        head
    });
    if head.is_null() {
        fresh(c * 8)
    } else {
        head
    }
}

/// Takes a block that `alloc` (or `fresh` directly, for at least the class's full size)
/// returned for `size` bytes: cached, or handed to `release` when the class's list is full.
///
/// # Safety
/// `ptr` must be such a block, and nothing may use it any more.
#[inline(always)]
pub unsafe fn free(ptr: *mut u8, size: usize, release: impl FnOnce(*mut u8)) {
    let c = class(size);
    let cached = POOL.with(|pool| {
        let len = pool.len[c].get();
        if len >= pool.cap.get() {
            return false;
        }
        *(ptr as *mut *mut u8) = pool.free[c].get();
        pool.free[c].set(ptr);
        pool.len[c].set(len + 1);
        true
    });
    if !cached {
        release(ptr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh(size: usize) -> *mut u8 {
        // SAFETY: a plain allocation.
        unsafe { libmimalloc_sys::mi_malloc(size) as *mut u8 }
    }

    fn release(ptr: *mut u8) {
        // SAFETY: `ptr` came from `fresh`.
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) }
    }

    #[test]
    fn freed_blocks_are_reused_by_their_class_only() {
        enable_on_this_thread();
        let a = alloc(24, fresh);
        let b = alloc(17, fresh);
        assert_ne!(a, b);
        // SAFETY: both are ours and unused.
        unsafe {
            free(a, 24, release);
            free(b, 24, release);
        }
        // Last freed, first reused; a block of another class is a fresh one.
        let c = alloc(32, fresh);
        assert!(c != a && c != b);
        assert_eq!(alloc(21, fresh), b);
        assert_eq!(alloc(24, fresh), a);
    }

    #[test]
    fn a_thread_that_did_not_ask_keeps_nothing() {
        let a = alloc(24, fresh);
        let released = Cell::new(false);
        // SAFETY: the block is ours and unused.
        unsafe { free(a, 24, |p| (release(p), released.set(true)).0) };
        assert!(released.get());
        assert_eq!(POOL.with(|p| p.len[class(24)].get()), 0);
    }

    #[test]
    fn a_full_class_hands_blocks_back() {
        enable_on_this_thread();
        let blocks: Vec<*mut u8> = (0..CAP + 10).map(|_| alloc(40, fresh)).collect();
        let released = Cell::new(0);
        for &b in &blocks {
            // SAFETY: every block is ours and unused.
            unsafe { free(b, 40, |p| (release(p), released.set(released.get() + 1)).0) };
        }
        assert_eq!(released.get(), 10);
        assert_eq!(POOL.with(|p| p.len[class(40)].get()), CAP);
    }
}
