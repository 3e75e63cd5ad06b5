//! Faulting fresh heap memory in ahead of its use, a run of pages per system call.
//!
//! An evaluation's heap only grows (nothing is handed back, see the allocator's module
//! documentation), and each 4 KiB page of it is first touched by a store that traps into
//! the kernel: a module-system evaluation with a 145 MB peak takes 34,000 such faults,
//! measured at about 3.5 µs each on a virtual machine, a tenth of its CPU time. Asking the
//! kernel to populate a run of pages at once (`MADV_POPULATE_WRITE`, Linux 5.14) does the
//! same allocation and zeroing without the trap per page: 150 MB took 130 ms by faults and
//! 70–95 ms by 64 KiB populates (a C program on the same machine).
//!
//! mimalloc carves its small-object pages out of 32 MiB segments, 64 KiB at a time and
//! mostly upwards, and touches a fresh page bit by bit as its free list grows. So each
//! segment gets a *frontier*: a block that ends above it is in memory not yet populated,
//! and the 64 KiB run holding it is populated in one call, moving the frontier to the
//! run's end. Blocks below a frontier (freed memory reused, a page carved lower down) are
//! left to fault as usual: the scheme only ever saves faults, it never writes a byte,
//! and memory it populates is memory the allocator has handed out the first block of.
//! Frontiers are kept in a small table indexed by segment number; two segments sharing a
//! slot only cost a few extra calls.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// mimalloc 2's segment size and alignment (`MI_SEGMENT_SHIFT`): a run never crosses
/// the end of the segment it starts in, whose memory is all the allocator's.
const SEGMENT_SHIFT: u32 = 25;

/// Bytes populated per call: one mimalloc small page.
const RUN: usize = 64 << 10;

const PAGE: usize = 4096;

/// Frontiers by segment number modulo the table size.
const SLOTS: usize = 64;

#[allow(clippy::declare_interior_mutable_const)]
const NO_FRONTIER: AtomicUsize = AtomicUsize::new(0);
static FRONTIERS: [AtomicUsize; SLOTS] = [NO_FRONTIER; SLOTS];

/// Set when the kernel does not know `MADV_POPULATE_WRITE` (before 5.14): no more calls.
static UNSUPPORTED: AtomicBool = AtomicBool::new(false);

/// `MADV_POPULATE_WRITE` (not in every libc crate version's constants).
const MADV_POPULATE_WRITE: libc::c_int = 23;

/// Called with every block the allocator hands out (`block` non-null, `size` bytes):
/// populates the run holding it if that memory lies above its segment's frontier.
#[inline(always)]
pub fn ahead_of(block: *mut u8, size: usize) {
    let start = block as usize;
    let end = start.wrapping_add(size);
    let segment = start >> SEGMENT_SHIFT;
    let frontier = &FRONTIERS[segment % SLOTS];
    let known = frontier.load(Ordering::Relaxed);
    // A frontier is the end of a run, so `known - 1` is inside the segment it belongs to.
    if end > known || (known.wrapping_sub(1) >> SEGMENT_SHIFT) != segment {
        populate(start, end, segment, frontier);
    }
}

#[cold]
#[inline(never)]
fn populate(start: usize, end: usize, segment: usize, frontier: &AtomicUsize) {
    if UNSUPPORTED.load(Ordering::Relaxed) {
        return;
    }
    let segment_end = (segment + 1) << SEGMENT_SHIFT;
    let from = start & !(PAGE - 1);
    // The run holding the block's start, extended to cover the block (a large block is
    // populated a run past its start only: the rest faults as it is written).
    let to = (((start & !(RUN - 1)) + RUN).max(end.min(from + RUN) + PAGE - 1) & !(PAGE - 1)).min(segment_end);
    frontier.store(to, Ordering::Relaxed);
    // SAFETY: madvise with MADV_POPULATE_WRITE only faults pages in (as a write would,
    // without writing); on memory that is not the allocator's read-write memory it fails
    // with an error and changes nothing, so the range needs no further check.
    let failed = unsafe { libc::madvise(from as *mut libc::c_void, to - from, MADV_POPULATE_WRITE) } != 0;
    if failed && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINVAL) {
        UNSUPPORTED.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Which of `pages` pages from `at` are resident.
    fn resident(at: usize, pages: usize) -> Vec<bool> {
        let mut vec = vec![0u8; pages];
        // SAFETY: mincore only reads the page tables of the range into `vec`.
        let rc = unsafe { libc::mincore(at as *mut libc::c_void, pages * PAGE, vec.as_mut_ptr()) };
        assert_eq!(rc, 0, "mincore: {}", std::io::Error::last_os_error());
        vec.iter().map(|b| b & 1 == 1).collect()
    }

    #[test]
    fn a_block_above_the_frontier_has_its_run_populated_and_nothing_more() {
        let len = 3usize << SEGMENT_SHIFT;
        // SAFETY: a fresh private anonymous mapping, unmapped at the end.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        assert_ne!(map, libc::MAP_FAILED);
        // SAFETY: as above; huge pages would make residency page-granular checks moot.
        unsafe { libc::madvise(map, len, libc::MADV_NOHUGEPAGE) };
        let segment = ((map as usize >> SEGMENT_SHIFT) + 1) << SEGMENT_SHIFT;
        // A 24-byte block 100 bytes into the second run of the segment.
        let block = segment + RUN + 100;
        ahead_of(block as *mut u8, 24);
        if !UNSUPPORTED.load(Ordering::Relaxed) {
            let run_pages = RUN / PAGE;
            let seen = resident(segment, 3 * run_pages);
            assert!(seen[..run_pages].iter().all(|r| !r), "the run below the block was populated");
            assert!(seen[run_pages..2 * run_pages].iter().all(|r| *r), "the block's run was not populated");
            assert!(seen[2 * run_pages..].iter().all(|r| !r), "the run above was populated");
            assert_eq!(FRONTIERS[(segment >> SEGMENT_SHIFT) % SLOTS].load(Ordering::Relaxed), segment + 2 * RUN);
        } else if std::env::var_os("CI").is_some() {
            panic!("the kernel does not support MADV_POPULATE_WRITE");
        }
        // SAFETY: the mapping made above, no longer used.
        unsafe { libc::munmap(map, len) };
    }
}
