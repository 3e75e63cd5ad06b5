//! Interned identifiers.
//!
//! Every attribute name and variable name is interned once into a process-wide table and
//! then handled as a `Symbol` (a `u32`), so attrset lookups compare integers. Interned
//! strings are never freed: the set of names a program uses is small and lives as long as
//! the evaluation anyway.
//!
//! Names computed at run time (`pkgs.${name}`, `listToAttrs`, `"p${toString i}"`) are
//! interned constantly, into a table of tens of thousands of names, so a lookup is mostly
//! cache misses. The table is laid out for few of them: open addressing over 8-byte slots
//! holding 32 bits of the name's hash and where its bytes are, which follow its symbol
//! and length in a large chunk of names (not an allocation each). A probe reads one slot;
//! only when the 32 bits match (in practice: for the name sought) does it read the chunk,
//! where one line holds the bytes to compare and the symbol to return.

use std::cell::RefCell;
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

/// Names' bytes are stored in chunks of this size, each preceded by their symbol and
/// length (`HEADER`); a name too long for a quarter of a chunk gets a chunk of its own.
const CHUNK: usize = 64 * 1024;
const HEADER: usize = 8;
/// Chunks a location can address (16 bits of chunk, 16 of offset).
const MAX_CHUNKS: usize = 1 << 16;

struct Interner {
    /// The hash table: power-of-two sized, at most three quarters full. A slot holds the
    /// upper half of a name's hash (the lower half chose its home slot) and its location
    /// plus one; zero marks an empty slot, so a new table is memory fresh from the kernel,
    /// which nothing has to write.
    slots: Vec<u64>,
    /// The start of each chunk.
    chunks: Vec<*const u8>,
    /// The chunk names are being appended to (`usize::MAX` before the first), and how
    /// much of it is used.
    current: usize,
    used: usize,
    names: Vec<&'static [u8]>,
    /// The symbols of names that found no place in a chunk (past `MAX_CHUNKS`, or 4 GiB
    /// long): looked up among themselves, one by one.
    unplaced: Vec<Symbol>,
}

thread_local! {
    // Constant-initialised, so each access is a plain thread-local load without a lazy
    // initialisation check.
    static INTERNER: RefCell<Interner> = const {
        RefCell::new(Interner {
            slots: Vec::new(),
            chunks: Vec::new(),
            current: usize::MAX,
            used: CHUNK,
            names: Vec::new(),
            unplaced: Vec::new(),
        })
    };
}

/// Hashed with foldhash, not SipHash: names are short and interned constantly, and
/// collision attacks are not a concern for the names of a program being evaluated.
fn hash(bytes: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0).build_hasher();
    h.write(bytes);
    h.finish()
}

impl Interner {
    /// The stored symbol and bytes at `loc`.
    #[inline]
    fn at(&self, loc: u32) -> (Symbol, &'static [u8]) {
        let chunk = self.chunks[(loc >> 16) as usize];
        // SAFETY: `place` wrote a header (symbol, length) and that many bytes at every
        // location a slot holds, in a chunk that is never freed.
        unsafe {
            let start = chunk.add((loc & 0xffff) as usize);
            let sym = u32::from_ne_bytes(*(start as *const [u8; 4]));
            let len = u32::from_ne_bytes(*(start.add(4) as *const [u8; 4]));
            (Symbol(sym), std::slice::from_raw_parts(start.add(HEADER), len as usize))
        }
    }

    /// The slot holding `bytes`, or the empty slot where it would go.
    #[inline]
    fn find(&self, bytes: &[u8], h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let tag = h >> 32;
        let mut i = h as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot == 0 || (slot >> 32 == tag && self.at(slot as u32 - 1).1 == bytes) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// Copies `bytes` into a chunk after a header naming `sym`; their location, or `None`
    /// when locations have run out.
    fn place(&mut self, bytes: &[u8], sym: Symbol) -> Option<(u32, &'static [u8])> {
        let need = HEADER + bytes.len();
        let len = u32::try_from(bytes.len()).ok()?;
        let (index, offset) = if need > CHUNK / 4 {
            (self.chunks.len(), 0)
        } else if self.used + need <= CHUNK {
            (self.current, self.used)
        } else {
            (self.chunks.len(), 0)
        };
        if index == self.chunks.len() {
            if index == MAX_CHUNKS {
                return None;
            }
            let fresh: &'static mut [u8] = Box::leak(vec![0u8; need.max(CHUNK)].into_boxed_slice());
            self.chunks.push(fresh.as_ptr());
            if need <= CHUNK / 4 {
                (self.current, self.used) = (index, 0);
            }
        }
        // SAFETY: the chunk has `need` unused bytes at `offset`: a fresh chunk is at least
        // `need` long, and a current one has `CHUNK - used` free.
        unsafe {
            let start = (self.chunks[index] as *mut u8).add(offset);
            std::ptr::copy_nonoverlapping(sym.0.to_ne_bytes().as_ptr(), start, 4);
            std::ptr::copy_nonoverlapping(len.to_ne_bytes().as_ptr(), start.add(4), 4);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), start.add(HEADER), bytes.len());
            if index == self.current {
                self.used = offset + need;
            }
            Some(((index << 16 | offset) as u32, std::slice::from_raw_parts(start.add(HEADER), bytes.len())))
        }
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![0; size]);
        for slot in old.into_iter().filter(|&s| s != 0) {
            let bytes = self.at(slot as u32 - 1).1;
            let i = self.find(bytes, hash(bytes));
            self.slots[i] = slot;
        }
    }

    fn intern(&mut self, bytes: &[u8]) -> Symbol {
        if self.slots.is_empty() {
            self.grow();
        }
        let h = hash(bytes);
        let i = self.find(bytes, h);
        if self.slots[i] != 0 {
            return self.at(self.slots[i] as u32 - 1).0;
        }
        // Not in the table: a new name, unless it is one that found no place.
        if let Some(&sym) = self.unplaced.iter().find(|s| self.names[s.0 as usize] == bytes) {
            return sym;
        }
        let sym = Symbol(self.names.len() as u32);
        match self.place(bytes, sym) {
            Some((loc, stored)) => {
                self.names.push(stored);
                self.slots[i] = h >> 32 << 32 | u64::from(loc + 1);
                if self.names.len() * 4 > self.slots.len() * 3 {
                    self.grow();
                }
            }
            None => {
                self.names.push(Box::leak(bytes.into()));
                self.unplaced.push(sym);
            }
        }
        sym
    }
}

impl Symbol {
    pub fn intern(name: &str) -> Symbol {
        Self::intern_bytes(name.as_bytes())
    }

    pub fn intern_bytes(name: &[u8]) -> Symbol {
        INTERNER.with(|cell| cell.borrow_mut().intern(name))
    }

    /// The name's bytes. Names usually are UTF-8 but need not be (`{ "${"\xff"}" = 1; }`).
    pub fn bytes(self) -> &'static [u8] {
        INTERNER.with(|cell| cell.borrow().names[self.0 as usize])
    }

    /// The bytes of many names, with one access to the table.
    pub fn bytes_of(names: impl Iterator<Item = Symbol>) -> impl Iterator<Item = &'static [u8]> {
        INTERNER
            .with(|cell| {
                let table = cell.borrow();
                names.map(|s| table.names[s.0 as usize]).collect::<Vec<_>>()
            })
            .into_iter()
    }

    /// The name as text, with invalid UTF-8 replaced (for messages).
    pub fn as_str(self) -> std::borrow::Cow<'static, str> {
        String::from_utf8_lossy(self.bytes())
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`", self.as_str())
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_is_stable() {
        let a = Symbol::intern("foo");
        let b = Symbol::intern("bar");
        assert_ne!(a, b);
        assert_eq!(a, Symbol::intern("foo"));
        assert_eq!(a.as_str(), "foo");
    }

    #[test]
    fn many_names_survive_the_table_growing_and_chunks_filling() {
        // Enough names to grow the table several times and fill many chunks, of every
        // length from empty to longer than a quarter chunk (which get chunks of their own).
        let names: Vec<Vec<u8>> = (0..40_000usize)
            .map(|i| {
                let mut n = format!("name-{i}-").into_bytes();
                n.resize(n.len() + i % 37, b'x');
                if i % 5_000 == 0 {
                    n.resize(CHUNK / 2 + i, b'y');
                }
                n
            })
            .chain([Vec::new(), vec![0xff, 0x00, 0xfe]])
            .collect();
        let symbols: Vec<Symbol> = names.iter().map(|n| Symbol::intern_bytes(n)).collect();
        let distinct: std::collections::HashSet<Symbol> = symbols.iter().copied().collect();
        assert_eq!(distinct.len(), names.len());
        for (n, s) in names.iter().zip(&symbols) {
            assert_eq!(Symbol::intern_bytes(n), *s);
            assert_eq!(s.bytes(), &n[..]);
        }
        // A name that is a prefix of another, or differs in its last byte, is another name.
        assert_ne!(Symbol::intern("name-1-"), Symbol::intern("name-1-x"));
        assert_ne!(Symbol::intern("name-2-xy"), Symbol::intern("name-2-xx"));
    }
}
