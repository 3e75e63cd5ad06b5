//! Interned identifiers.
//!
//! Every attribute name and variable name is interned once into a process-wide table and
//! then handled as a `Symbol` (a `u32`), so attrset lookups compare integers. Interned
//! strings are never freed: the set of names a program uses is small and lives as long as
//! the evaluation anyway.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

struct Interner {
    /// Hashed with foldhash, not SipHash: names are short and interned constantly (every
    /// dynamic attribute name, `listToAttrs`, `removeAttrs`), and collision attacks are
    /// not a concern for the names of a program being evaluated.
    ids: HashMap<&'static [u8], Symbol, foldhash::fast::FixedState>,
    names: Vec<&'static [u8]>,
}

thread_local! {
    // Constant-initialised, so each access is a plain thread-local load without a lazy
    // initialisation check.
    static INTERNER: RefCell<Interner> = const {
        RefCell::new(Interner { ids: HashMap::with_hasher(foldhash::fast::FixedState::with_seed(0)), names: Vec::new() })
    };
}

impl Symbol {
    pub fn intern(name: &str) -> Symbol {
        Self::intern_bytes(name.as_bytes())
    }

    pub fn intern_bytes(name: &[u8]) -> Symbol {
        INTERNER.with(|cell| {
            let mut table = cell.borrow_mut();
            if let Some(&sym) = table.ids.get(name) {
                return sym;
            }
            let stored: &'static [u8] = Box::leak(name.to_vec().into_boxed_slice());
            let sym = Symbol(table.names.len() as u32);
            table.names.push(stored);
            table.ids.insert(stored, sym);
            sym
        })
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
}
