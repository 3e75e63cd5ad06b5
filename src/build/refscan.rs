//! Reference scanning (store.md §7.4): which of a set of candidate store
//! paths an output mentions.
//!
//! A reference is any occurrence of a candidate's 32-character hash part in
//! the output's NAR serialisation — file contents, symlink targets and
//! entry names alike, exactly the bytes CppNix scans. The scanner is an
//! `io::Write` sink, so it sits beside the NAR hasher and the output is
//! read once for its narHash, narSize and references.
//!
//! Algorithm (CppNix's `RefScanSink`): a window of 32 bytes can only be a
//! hash part if every byte is in the nix32 alphabet. Checking the window
//! from its last byte backwards, the first byte outside the alphabet at
//! offset `j` rules out every window starting at or before it, so the scan
//! jumps `j + 1` bytes ahead; long runs of text therefore cost one check per
//! byte. Windows made entirely of nix32 bytes are looked up in a hash set.
//! Chunks arrive in arbitrary sizes: the last 31 bytes of the stream are
//! kept and joined to the next chunk so a hash split across two writes is
//! still found.

use std::collections::HashMap;
use std::io;

use crate::store::path::HASH_PART_LEN;

/// Is `b` a character of Nix's base-32 alphabet (`0-9a-z` without `e o t u`)?
fn is_nix32(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'd' | b'f'..=b'n' | b'p'..=b's' | b'v'..=b'z')
}

/// Finds which candidate hash parts occur in the bytes written to it.
pub struct RefScanner {
    wanted: HashMap<[u8; HASH_PART_LEN], usize>,
    found: Vec<bool>,
    /// The last `HASH_PART_LEN - 1` bytes seen (fewer at the start).
    tail: Vec<u8>,
}

impl RefScanner {
    /// A scanner for these hash parts (each 32 nix32 characters); results
    /// are reported by index into `hash_parts`.
    pub fn new<'a>(hash_parts: impl IntoIterator<Item = &'a str>) -> RefScanner {
        let mut wanted = HashMap::new();
        let mut n = 0;
        for h in hash_parts {
            if let Ok(key) = <[u8; HASH_PART_LEN]>::try_from(h.as_bytes()) {
                wanted.insert(key, n);
            }
            n += 1;
        }
        RefScanner { wanted, found: vec![false; n], tail: Vec::with_capacity(2 * HASH_PART_LEN) }
    }

    /// Indices (into the candidates given to [`RefScanner::new`]) that were seen.
    pub fn found(&self) -> impl Iterator<Item = usize> + '_ {
        self.found.iter().enumerate().filter(|(_, f)| **f).map(|(i, _)| i)
    }

    /// Scans `data` as the continuation of everything fed before.
    pub fn feed(&mut self, data: &[u8]) {
        if self.wanted.is_empty() || data.is_empty() {
            return;
        }
        if !self.tail.is_empty() {
            // Windows that start in the kept tail and end in `data`.
            let take = data.len().min(HASH_PART_LEN - 1);
            let starts = self.tail.len();
            let mut joined = std::mem::take(&mut self.tail);
            joined.extend_from_slice(&data[..take]);
            self.scan(&joined, starts);
            joined.truncate(starts);
            self.tail = joined;
        }
        self.scan(data, data.len());
        let keep = HASH_PART_LEN - 1;
        if data.len() >= keep {
            self.tail.clear();
            self.tail.extend_from_slice(&data[data.len() - keep..]);
        } else {
            self.tail.extend_from_slice(data);
            if self.tail.len() > keep {
                let excess = self.tail.len() - keep;
                self.tail.drain(..excess);
            }
        }
    }

    /// Checks every window of `s` that starts before `max_start`.
    fn scan(&mut self, s: &[u8], max_start: usize) {
        let mut i = 0;
        'windows: while i < max_start && i + HASH_PART_LEN <= s.len() {
            for j in (0..HASH_PART_LEN).rev() {
                if !is_nix32(s[i + j]) {
                    i += j + 1;
                    continue 'windows;
                }
            }
            if let Some(&k) = self.wanted.get(&s[i..i + HASH_PART_LEN]) {
                self.found[k] = true;
            }
            i += 1;
        }
    }
}

impl io::Write for RefScanner {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.feed(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes everything to two sinks (the NAR hasher and the scanner).
pub struct Tee<'a, A: io::Write, B: io::Write>(pub &'a mut A, pub &'a mut B);

impl<A: io::Write, B: io::Write> io::Write for Tee<'_, A, B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_all(buf)?;
        self.1.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.1.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "kdwvcddwjz7plkg82fd7k0dpk25nr7aa";
    const B: &str = "87sv35fgs89hc4ssp0cqf2cvyfcgyyqj";

    fn scan_chunks(text: &[u8], chunk: usize) -> Vec<usize> {
        let mut s = RefScanner::new([A, B]);
        for c in text.chunks(chunk.max(1)) {
            s.feed(c);
        }
        s.found().collect()
    }

    #[test]
    fn finds_hashes_in_any_chunking() {
        let text = format!("x /nix/store/{A}-chain-a\nand {B}").into_bytes();
        for chunk in 1..text.len() + 2 {
            assert_eq!(scan_chunks(&text, chunk), vec![0, 1], "chunk size {chunk}");
        }
    }

    #[test]
    fn needs_the_whole_hash() {
        let text = A.as_bytes()[..31].to_vec();
        assert!(scan_chunks(&text, 7).is_empty());
        // A hash embedded in a longer nix32 run still counts (CppNix too).
        let text = format!("00{A}00").into_bytes();
        assert_eq!(scan_chunks(&text, 5), vec![0]);
    }

    #[test]
    fn alphabet() {
        let all: Vec<u8> = (0..=255u8).filter(|b| is_nix32(*b)).collect();
        assert_eq!(all, b"0123456789abcdfghijklmnpqrsvwxyz".to_vec());
    }
}
