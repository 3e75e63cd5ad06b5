//! The global allocator: mimalloc, called through its plain (unaligned) entry points
//! whenever the requested alignment is one mimalloc guarantees anyway.
//!
//! Evaluation allocates huge numbers of small, short-lived objects (thunks, frames,
//! attrsets). Freed blocks of 17 to 48 bytes are kept in a bounded cache per size class
//! (`pool`) for the next allocation of their size; they are mimalloc blocks all the same
//! (`realloc` and the cache's overflow hand them to mimalloc). mimalloc serves the rest
//! fast, but its `*_aligned` entry points take a slow generic path even for ordinary
//! alignments; every block from `mi_malloc` is already 8-byte aligned. mimalloc is built
//! with that as its minimal alignment (instead of 16;
//! see `.cargo/config.toml`), which gives it a 24-byte size class: a thunk and a closure,
//! counted header included, are 24 bytes and would otherwise take 32 (6–10% of the peak
//! memory of a module-system or package-set evaluation).

//!
//! It also decides what running out of memory looks like. Rust's default on a failed
//! allocation is an abort with a raw message (and the hook to change that is unstable), so
//! the allocator itself reports "error: out of memory" and exits with status 1, as CppNix
//! does, unless the allocation was made through `try_reserve` (a request sized by the
//! evaluated program, which then becomes an ordinary evaluation error with a location).
//! A single request larger than the machine's physical memory is refused outright rather
//! than left to overcommit.
//!
//! `configure` turns off mimalloc's purging of freed memory. By default mimalloc hands
//! pages that stayed free for 10 ms back to the kernel, and an evaluation that frees and
//! allocates in waves then faults them in again, each fault zeroing a fresh page (a 2 MiB
//! one where transparent huge pages apply): profiles showed a third of the CPU time of
//! package-set evaluations in the kernel's `clear_page`. An evaluator's heap is reused until
//! the process exits (CppNix's garbage-collected heap never shrinks either). It also turns
//! transparent huge pages off for the process: on a busy machine a huge-page fault can stall
//! on compaction (system time then varied tenfold between identical runs), and 4 KiB pages
//! keep the peak RSS of small evaluations lower. Builders get the default back
//! (`restore_for_child`).
//!
//! Once the heap has grown, a helper thread maps its next pages before the evaluator
//! touches them (`prefault`), so the faults that remain are taken off the evaluating
//! thread.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::collections::TryReserveError;
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

use libmimalloc_sys as mi;

mod pool;
mod prefault;

pub struct Mimalloc;

/// mimalloc's `malloc`, with the out-of-memory check: fresh blocks for the cache (out of
/// line, so that taking a cached block saves no registers).
#[inline(never)]
fn mi_checked(size: usize) -> *mut u8 {
    // SAFETY: a plain allocation.
    let block = checked(unsafe { mi::mi_malloc(size) as *mut u8 });
    prefault::note(block);
    block
}

extern "C" {
    /// mimalloc's option setter (declared here: the bindings crate exports it only with a
    /// feature that pulls in another dependency).
    fn mi_option_set(option: libc::c_int, value: libc::c_long);
}

/// `mi_option_purge_delay` in mimalloc 2's `mi_option_t`.
const MI_OPTION_PURGE_DELAY: libc::c_int = 15;

/// Sets the allocator up for evaluation, on the thread that will evaluate: freed small
/// blocks are cached on it (`pool`), freed memory is kept for reuse instead of being
/// returned to the kernel, and no transparent huge pages (see the module documentation).
/// `MIMALLOC_PURGE_DELAY` and `MIMALLOC_ALLOW_THP` in the environment still win.
pub fn configure() {
    pool::enable_on_this_thread();
    prefault::enable();
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is a plain store into mimalloc's option table.
        unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: this prctl only sets a flag of the calling process.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    }
}

/// Undoes `configure`'s process-wide setting in a child about to run other programs (a
/// builder): async-signal-safe, for use between fork and exec.
pub fn restore_for_child() {
    // SAFETY: as in `configure`.
    unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 0, 0, 0, 0) };
}

thread_local! {
    /// Set while `try_reserve` runs: a failure is then the caller's to report.
    static FALLIBLE: Cell<bool> = const { Cell::new(false) };
}

/// Requests up to this size are never checked against physical memory.
const SURELY_FINE: usize = 1 << 30;

/// Bytes of physical memory (0 until first needed).
static PHYSICAL_MEMORY: AtomicUsize = AtomicUsize::new(0);

fn physical_memory() -> usize {
    let known = PHYSICAL_MEMORY.load(Ordering::Relaxed);
    if known != 0 {
        return known;
    }
    // SAFETY: sysconf only reads system configuration (and allocates nothing).
    let (pages, page_size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    let bytes =
        if pages > 0 && page_size > 0 { (pages as usize).saturating_mul(page_size as usize) } else { usize::MAX };
    PHYSICAL_MEMORY.store(bytes, Ordering::Relaxed);
    bytes
}

/// Whether a request is larger than the machine could ever hold.
#[inline(always)]
fn impossibly_large(size: usize) -> bool {
    size > SURELY_FINE && beyond_physical_memory(size)
}

/// The rare half of `impossibly_large` (out of line: it may ask the system).
#[cold]
#[inline(never)]
fn beyond_physical_memory(size: usize) -> bool {
    size > physical_memory()
}

/// Reserves room for `additional` more elements of `v`, returning an error instead of
/// exiting when memory is short. For sizes an evaluated program chose (`genList`).
pub fn try_reserve<T>(v: &mut Vec<T>, additional: usize) -> Result<(), TryReserveError> {
    FALLIBLE.with(|f| f.set(true));
    let result = v.try_reserve_exact(additional);
    FALLIBLE.with(|f| f.set(false));
    result
}

/// Called with the result of every allocation: a null one ends the process with CppNix's
/// message, unless `try_reserve` asked for it.
#[inline(always)]
fn checked(ptr: *mut u8) -> *mut u8 {
    if ptr.is_null() {
        out_of_memory();
    }
    ptr
}

#[cold]
#[inline(never)]
fn out_of_memory() {
    if FALLIBLE.with(Cell::get) {
        return;
    }
    const MESSAGE: &[u8] = b"error: out of memory\n";
    // SAFETY: write(2) and _exit(2) need no memory; nothing else is safe to call here.
    unsafe {
        libc::write(2, MESSAGE.as_ptr().cast(), MESSAGE.len());
        libc::_exit(1);
    }
}

/// Whether `mi_malloc`'s alignment is enough for `layout`. mimalloc is built with 8-byte
/// minimal alignment (`.cargo/config.toml`), so that its 24-byte size class exists; a
/// build with its default of 16 only aligns more, so this holds for either.
#[inline]
fn plain_alignment_suffices(layout: &Layout) -> bool {
    layout.align() <= 8
}

/// An allocation the cache does not serve, zero-filled if asked (out of line, as
/// `mi_checked`).
#[inline(never)]
unsafe fn alloc_unpooled(layout: Layout, zeroed: bool) -> *mut u8 {
    let (size, align) = (layout.size(), layout.align());
    if impossibly_large(size) {
        return checked(std::ptr::null_mut());
    }
    let block = checked(match (plain_alignment_suffices(&layout), zeroed) {
        (true, false) => mi::mi_malloc(size),
        (true, true) => mi::mi_zalloc(size),
        (false, false) => mi::mi_malloc_aligned(size, align),
        (false, true) => mi::mi_zalloc_aligned(size, align),
    } as *mut u8);
    prefault::note(block);
    block
}

unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if pool::serves(layout.size(), layout.align()) {
            return pool::alloc(layout.size(), mi_checked);
        }
        alloc_unpooled(layout, false)
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if pool::serves(layout.size(), layout.align()) {
            // A cached block holds whatever its last user left.
            let ptr = pool::alloc(layout.size(), mi_checked);
            if !ptr.is_null() {
                ptr.write_bytes(0, layout.size());
            }
            return ptr;
        }
        alloc_unpooled(layout, true)
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if pool::serves(layout.size(), layout.align()) {
            pool::free(ptr, layout.size(), |p| mi::mi_free(p as *mut c_void))
        } else {
            mi::mi_free(ptr as *mut c_void)
        }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = Layout::from_size_align_unchecked(new_size, layout.align());
        if impossibly_large(new_size) {
            return checked(std::ptr::null_mut());
        }
        checked(if plain_alignment_suffices(&layout) && plain_alignment_suffices(&new) {
            mi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
        } else {
            mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
        })
    }
}
