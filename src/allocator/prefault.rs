//! Faulting in the heap's next pages ahead of the evaluator, on another core.
//!
//! A growing evaluation touches fresh memory all the time: every 4 KiB page it first
//! writes costs a page fault, in which the kernel zeroes the page and maps it. Profiles of
//! module-system and package-set evaluations show 13–15% of their time in those faults,
//! all of it on the one thread that evaluates. The memory will be needed (the heap is
//! still growing), so a helper thread asks the kernel to map the next few MiB beyond the
//! highest fresh block handed out so far (`madvise(MADV_POPULATE_WRITE)`, which faults
//! pages in as a write would, without writing), and the evaluator finds them mapped.
//!
//! What it costs: at most `AHEAD` bytes of memory mapped before they are used, and only
//! once the heap has grown by `START_AFTER` (a small evaluation never starts the helper,
//! so its footprint and start-up are unchanged). Only memory inside the anonymous,
//! private, writable mapping that holds the frontier is touched (mimalloc's arena), never
//! a neighbouring mapping. The helper is a bare `pthread` that allocates nothing, so it
//! can be started from inside the allocator; it sleeps on a futex between requests.
//! `TERN_PREFAULT=0` turns it off.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

/// The heap grows this much (past the first fresh block) before the helper starts.
const START_AFTER: usize = 16 << 20;
/// How far beyond the frontier pages are mapped.
const AHEAD: usize = 1 << 20;
/// The frontier is reported to the helper each time it advances this much.
const STEP: usize = 128 << 10;

const PAGE: usize = 4096;

/// `note` calls `advance` for addresses above this (`usize::MAX`: not enabled; 0: enabled,
/// no fresh block seen yet).
static NEXT: AtomicUsize = AtomicUsize::new(usize::MAX);
/// The highest fresh block reported.
static FRONTIER: AtomicUsize = AtomicUsize::new(0);
/// Bumped at every report; the helper sleeps on it.
static SEQ: AtomicU32 = AtomicU32::new(0);
/// 0: no helper; 1: being started (or failed to start); 2: running.
static HELPER: AtomicU32 = AtomicU32::new(0);

/// Starts watching fresh blocks (called once, by `allocator::configure`).
pub fn enable() {
    if std::env::var_os("TERN_PREFAULT").is_some_and(|v| v == "0") {
        return;
    }
    NEXT.store(0, Ordering::Relaxed);
}

/// Called with every fresh block mimalloc hands out: cheap unless the frontier moved on.
#[inline(always)]
pub fn note(block: *mut u8) {
    let at = block as usize;
    if at > NEXT.load(Ordering::Relaxed) {
        advance(at);
    }
}

#[cold]
#[inline(never)]
fn advance(at: usize) {
    if NEXT.load(Ordering::Relaxed) == 0 {
        // The first fresh block: the helper waits until the heap has grown past it.
        NEXT.store(at.saturating_add(START_AFTER), Ordering::Relaxed);
        return;
    }
    FRONTIER.store(at, Ordering::Release);
    NEXT.store(at.saturating_add(STEP), Ordering::Relaxed);
    match HELPER.load(Ordering::Acquire) {
        2 => {
            SEQ.fetch_add(1, Ordering::Release);
            // SAFETY: a futex wake on a static word.
            unsafe { libc::syscall(libc::SYS_futex, SEQ.as_ptr(), libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, 1) };
        }
        0 if HELPER.compare_exchange(0, 1, Ordering::AcqRel, Ordering::Relaxed).is_ok() => start_helper(),
        _ => {}
    }
}

/// Starts the helper thread with a small stack; if that fails, prefaulting just stays off.
fn start_helper() {
    // SAFETY: plain pthread calls on local attribute storage; `helper` matches the
    // signature pthread_create expects and never returns.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_attr_init(&mut attr) != 0 {
            return;
        }
        libc::pthread_attr_setstacksize(&mut attr, 256 << 10);
        libc::pthread_attr_setdetachstate(&mut attr, libc::PTHREAD_CREATE_DETACHED);
        let mut thread: libc::pthread_t = 0;
        if libc::pthread_create(&mut thread, &attr, helper, std::ptr::null_mut()) == 0 {
            HELPER.store(2, Ordering::Release);
        }
        libc::pthread_attr_destroy(&mut attr);
    }
}

extern "C" fn helper(_: *mut libc::c_void) -> *mut libc::c_void {
    let mut mapping: Option<(usize, usize)> = None;
    // Everything below `done` in the current mapping has been asked for.
    let mut done = 0usize;
    // After a failed search, where it failed: not searched again nearby (each search
    // reads `/proc/self/maps`).
    let mut failed_at: Option<usize> = None;
    loop {
        let seen = SEQ.load(Ordering::Acquire);
        let at = FRONTIER.load(Ordering::Acquire);
        if !mapping.is_some_and(|(start, end)| start <= at && at < end) {
            if failed_at.is_some_and(|f| at >= f && at - f < START_AFTER) {
                mapping = None;
            } else {
                mapping = anonymous_mapping_holding(at);
                failed_at = mapping.is_none().then_some(at);
            }
            done = 0;
        }
        if let Some((start, end)) = mapping {
            let from = done.max(at & !(PAGE - 1)).max(start);
            let to = (at.saturating_add(AHEAD) & !(PAGE - 1)).min(end);
            if from < to {
                // SAFETY: the range lies inside an anonymous private writable mapping of
                // this process; populating it maps zero pages, as a first write would,
                // and changes no contents. Failure (memory short) only means the
                // evaluator faults those pages itself.
                unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_POPULATE_WRITE) };
                done = to;
            }
        }
        // SAFETY: a futex wait on a static word; returns at once if it changed already.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                SEQ.as_ptr(),
                libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                seen,
                std::ptr::null::<libc::timespec>(),
            )
        };
    }
}

/// The bounds of the anonymous, private, writable mapping that contains `at`, from
/// `/proc/self/maps` (read into a stack buffer: this thread allocates nothing).
fn anonymous_mapping_holding(at: usize) -> Option<(usize, usize)> {
    // SAFETY: open/read/close on a buffer we own.
    unsafe {
        let fd = libc::open(c"/proc/self/maps".as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return None;
        }
        let mut buf = [0u8; 16384];
        let mut filled = 0usize;
        let mut found = None;
        loop {
            let n = libc::read(fd, buf[filled..].as_mut_ptr().cast(), buf.len() - filled);
            if n <= 0 {
                if filled > 0 {
                    found = found.or_else(|| mapping_in_line(&buf[..filled], at));
                }
                break;
            }
            filled += n as usize;
            // Whole lines are examined; a partial last line moves to the front.
            let Some(last_newline) = buf[..filled].iter().rposition(|&b| b == b'\n') else {
                if filled == buf.len() {
                    break; // a line longer than the buffer: give up
                }
                continue;
            };
            for line in buf[..last_newline].split(|&b| b == b'\n') {
                if let Some(m) = mapping_in_line(line, at) {
                    found = Some(m);
                }
            }
            buf.copy_within(last_newline + 1..filled, 0);
            filled -= last_newline + 1;
            if found.is_some() {
                break;
            }
        }
        libc::close(fd);
        found
    }
}

/// `start-end perms offset dev inode [path]`: the bounds if the line is an anonymous
/// private writable mapping (no inode, no path) that contains `at`.
fn mapping_in_line(line: &[u8], at: usize) -> Option<(usize, usize)> {
    let mut fields = line.split(|&b| b == b' ').filter(|f| !f.is_empty());
    let range = fields.next()?;
    let perms = fields.next()?;
    let _offset = fields.next()?;
    let _device = fields.next()?;
    let inode = fields.next()?;
    if fields.next().is_some() || perms != b"rw-p" || inode != b"0" {
        return None;
    }
    let dash = range.iter().position(|&b| b == b'-')?;
    let (start, end) = (hex(&range[..dash])?, hex(&range[dash + 1..])?);
    (start <= at && at < end).then_some((start, end))
}

fn hex(digits: &[u8]) -> Option<usize> {
    let mut n = 0usize;
    for &d in digits {
        let v = (d as char).to_digit(16)? as usize;
        n = n.checked_mul(16)?.checked_add(v)?;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_anonymous_private_writable_lines_match() {
        let anon = b"7f0000000000-7f0040000000 rw-p 00000000 00:00 0 ";
        assert_eq!(mapping_in_line(anon, 0x7f0000001000), Some((0x7f0000000000, 0x7f0040000000)));
        assert_eq!(mapping_in_line(anon, 0x7f0040000000), None, "end is exclusive");
        let file = b"7f0000000000-7f0040000000 rw-p 00000000 08:01 1234 /usr/lib/libc.so.6";
        assert_eq!(mapping_in_line(file, 0x7f0000001000), None);
        let heap = b"55d000000000-55d000100000 rw-p 00000000 00:00 0 [heap]";
        assert_eq!(mapping_in_line(heap, 0x55d000000010), None, "named mappings are left alone");
        let read_only = b"7f0000000000-7f0040000000 r--p 00000000 00:00 0";
        assert_eq!(mapping_in_line(read_only, 0x7f0000001000), None);
    }

    #[test]
    fn the_mapping_of_a_heap_block_is_found() {
        let block = vec![0u8; 8 << 20];
        let at = block.as_ptr() as usize;
        let (start, end) = anonymous_mapping_holding(at).expect("a big block lives in an anonymous mapping");
        assert!(start <= at && at + block.len() <= end);
    }
}
