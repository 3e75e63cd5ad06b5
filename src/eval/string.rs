//! Nix strings: byte strings with a string context.
//!
//! Nix strings are arbitrary bytes (usually UTF-8) and carry a *context*: the set of store
//! objects the text refers to. Every string operation propagates the union of the contexts
//! involved; `derivationStrict` turns the context into input derivations and sources.
//!
//! A context is shared, not copied, and compact: most strings with a context get it from
//! exactly one other string (`"${pkg}/bin"`, `toString drv`, an attribute of a derivation),
//! so [`Context`] is one reference-counted pointer that a union with a single source just
//! copies. Strings hold it as a sorted vector (a one-element context costs two small blocks,
//! not a B-tree node); a context being accumulated from many sources turns into a set while
//! it grows, and back into a vector when a string is made from it.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::ptr::NonNull;
use std::rc::Rc;

use crate::symbol::Symbol;

mod repr;

use repr::{Elems, Iter};

/// One element of a string context.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContextElem {
    /// A store path is referenced (imports, `toFile`, `storePath`).
    Plain(Rc<str>),
    /// Output `output` of the derivation at `drv`.
    Output { drv: Rc<str>, output: Rc<str> },
    /// The derivation file itself and everything it needs (`drv.drvPath`).
    AllOutputs(Rc<str>),
}

impl ContextElem {
    /// The store path the element is keyed by in `getContext`.
    pub fn path(&self) -> &Rc<str> {
        match self {
            ContextElem::Plain(p) | ContextElem::AllOutputs(p) => p,
            ContextElem::Output { drv, .. } => drv,
        }
    }

    /// The element in CppNix's string encoding (`/nix/store/…`, `!out!/nix/store/….drv`,
    /// `=/nix/store/….drv`), as error messages show it.
    pub fn encode(&self) -> String {
        match self {
            ContextElem::Plain(p) => p.to_string(),
            ContextElem::Output { drv, output } => format!("!{output}!{drv}"),
            ContextElem::AllOutputs(d) => format!("={d}"),
        }
    }
}

/// A string context: a set of [`ContextElem`]s, shared copy-on-write between strings. The
/// empty context allocates nothing. Iteration is in the order of `ContextElem`'s `Ord`.
#[derive(Clone, Default)]
pub struct Context(Option<Rc<Elems>>);

impl Context {
    pub const fn new() -> Context {
        Context(None)
    }

    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|e| e.len() == 0)
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |e| e.len())
    }

    pub fn iter(&self) -> Iter<'_> {
        match &self.0 {
            Some(e) => e.iter(),
            None => Iter::Sorted([].iter()),
        }
    }

    pub fn contains(&self, elem: &ContextElem) -> bool {
        self.0.as_ref().is_some_and(|e| e.contains(elem))
    }

    /// The set to add to: unshared, in set form.
    fn growing(&mut self) -> &mut BTreeSet<ContextElem> {
        Rc::make_mut(self.0.get_or_insert_with(Rc::default)).as_set()
    }

    pub fn insert(&mut self, elem: ContextElem) {
        if !self.contains(&elem) {
            self.growing().insert(elem);
        }
    }

    /// Moves every element of `other` into this context.
    pub fn append(&mut self, other: &mut Context) {
        let other = std::mem::take(other);
        self.union_with(&other);
    }

    /// Adds every element of `other`. An empty context takes `other`'s elements without
    /// copying them; a context that already holds them all stays as it is.
    pub fn union_with(&mut self, other: &Context) {
        let Some(theirs) = &other.0 else { return };
        match &self.0 {
            None => self.0 = Some(theirs.clone()),
            Some(mine) if Rc::ptr_eq(mine, theirs) => {}
            Some(mine) if theirs.len() <= mine.len() && theirs.iter().all(|e| mine.contains(e)) => {}
            Some(mine) if mine.len() < theirs.len() && mine.iter().all(|e| theirs.contains(e)) => {
                self.0 = Some(theirs.clone())
            }
            Some(_) => self.growing().extend(theirs.iter().cloned()),
        }
    }

    /// The form strings keep: a sorted vector (or nothing for the empty context).
    fn compact(self) -> Context {
        match self.0 {
            Some(e) if e.len() == 0 => Context(None),
            Some(e) if e.is_set() => Context(Some(Rc::new(Elems::Sorted(Rc::unwrap_or_clone(e).into_sorted())))),
            other => Context(other),
        }
    }
}

impl PartialEq for Context {
    fn eq(&self, other: &Context) -> bool {
        match (&self.0, &other.0) {
            (Some(a), Some(b)) if Rc::ptr_eq(a, b) => true,
            _ => self.len() == other.len() && self.iter().eq(other.iter()),
        }
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<const N: usize> From<[ContextElem; N]> for Context {
    fn from(elems: [ContextElem; N]) -> Context {
        Context::from_iter(elems)
    }
}

impl FromIterator<ContextElem> for Context {
    fn from_iter<I: IntoIterator<Item = ContextElem>>(iter: I) -> Context {
        let mut c = Context::new();
        c.extend(iter);
        c
    }
}

impl Extend<ContextElem> for Context {
    fn extend<I: IntoIterator<Item = ContextElem>>(&mut self, iter: I) {
        for elem in iter {
            self.insert(elem);
        }
    }
}

impl IntoIterator for Context {
    type Item = ContextElem;
    type IntoIter = std::vec::IntoIter<ContextElem>;

    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            Some(e) => Rc::unwrap_or_clone(e).into_sorted().into_vec().into_iter(),
            None => Vec::new().into_iter(),
        }
    }
}

impl<'a> IntoIterator for &'a Context {
    type Item = &'a ContextElem;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A Nix string: its bytes and its context.
///
/// The bytes are either an owned buffer or, for a string made from an attribute name
/// (`attrNames`, the name `mapAttrs` passes), the interned name itself: such a string costs
/// no copy, and turning it back into an attribute name (`listToAttrs`, `set.${name}`,
/// `removeAttrs`) needs no hashing. That is the shape of nixpkgs' `lib`, which maps and
/// filters sets through lists of their names all day.
pub struct NixString {
    ptr: NonNull<u8>,
    /// For an owned buffer, its length (below 2^62), or once it has been used as an
    /// attribute name (`pkgs.${name}`, over and over), [`NAMED`] | the symbol << 32 | the
    /// length. For an interned name, [`INTERNED`] | the symbol << 32 | the length (names
    /// of 4 GiB or more are copied instead).
    meta: Cell<u64>,
    /// Never an empty set (`context()` is `None` then).
    context: Context,
}

/// The bit of `NixString::meta` that marks borrowed, interned bytes.
const INTERNED: u64 = 1 << 63;
/// The bit of `NixString::meta` that marks an owned buffer whose symbol is known.
const NAMED: u64 = 1 << 62;
/// The symbols that fit beside the marker bits (bits 32..61).
const SYMBOL_MASK: u32 = u32::MAX >> 2;

impl NixString {
    pub fn new(bytes: impl Into<Box<[u8]>>) -> NixString {
        Self::with_compact_context(bytes.into(), Context::new())
    }

    pub fn with_context(bytes: impl Into<Box<[u8]>>, context: Context) -> NixString {
        Self::with_compact_context(bytes.into(), context.compact())
    }

    fn with_compact_context(bytes: Box<[u8]>, context: Context) -> NixString {
        let meta = Cell::new(bytes.len() as u64);
        let ptr = NonNull::new(Box::into_raw(bytes) as *mut u8).expect("a box is never null");
        NixString { ptr, meta, context }
    }

    /// The string of an attribute name, sharing the interned bytes.
    pub fn from_symbol(sym: Symbol) -> NixString {
        let name = sym.bytes();
        match u32::try_from(name.len()) {
            Ok(len) if sym.0 <= SYMBOL_MASK => NixString {
                ptr: NonNull::from(name).cast(),
                meta: Cell::new(INTERNED | ((sym.0 as u64) << 32) | len as u64),
                context: Context::new(),
            },
            _ => NixString::new(name),
        }
    }

    /// The attribute name this string denotes: known without hashing when the string was
    /// made from one, or has been used as one before.
    pub fn to_symbol(&self) -> Symbol {
        let meta = self.meta.get();
        if meta & (INTERNED | NAMED) != 0 {
            return Symbol((meta >> 32) as u32 & SYMBOL_MASK);
        }
        let sym = Symbol::intern_bytes(self.as_bytes());
        if meta <= u64::from(u32::MAX) && sym.0 <= SYMBOL_MASK {
            self.meta.set(NAMED | (u64::from(sym.0) << 32) | meta);
        }
        sym
    }

    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `ptr` and the length describe either the owned buffer, alive as long as
        // `self`, or an interned name, never freed.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len()) }
    }

    /// The text, with invalid UTF-8 replaced (for messages and file names).
    pub fn to_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.as_bytes())
    }

    pub fn len(&self) -> usize {
        let meta = self.meta.get();
        if meta & (INTERNED | NAMED) != 0 {
            meta as u32 as usize
        } else {
            meta as usize
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The context, unless it is empty.
    pub fn context(&self) -> Option<&Context> {
        self.context.0.is_some().then_some(&self.context)
    }

    pub fn has_context(&self) -> bool {
        self.context.0.is_some()
    }

    /// Adds this string's context into `into` (sharing it when `into` is empty).
    pub fn merge_context_into(&self, into: &mut Context) {
        into.union_with(&self.context);
    }
}

impl Drop for NixString {
    fn drop(&mut self) {
        if self.meta.get() & INTERNED == 0 {
            let slice = std::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.len());
            // SAFETY: an owned buffer came from `Box::into_raw` with this length.
            drop(unsafe { Box::from_raw(slice) });
        }
    }
}

impl Clone for NixString {
    fn clone(&self) -> NixString {
        if self.meta.get() & INTERNED != 0 {
            NixString { ptr: self.ptr, meta: self.meta.clone(), context: self.context.clone() }
        } else {
            let copy = Self::with_compact_context(self.as_bytes().into(), self.context.clone());
            // Same length: the copy denotes the same symbol, if that is known.
            copy.meta.set(self.meta.get());
            copy
        }
    }
}

impl Default for NixString {
    fn default() -> NixString {
        NixString::new(Box::<[u8]>::default())
    }
}

impl PartialEq for NixString {
    fn eq(&self, other: &NixString) -> bool {
        self.as_bytes() == other.as_bytes() && self.context == other.context
    }
}

impl From<&str> for NixString {
    fn from(s: &str) -> Self {
        NixString::new(s.as_bytes())
    }
}

impl From<String> for NixString {
    fn from(s: String) -> Self {
        NixString::new(s.into_bytes())
    }
}

impl From<Vec<u8>> for NixString {
    fn from(b: Vec<u8>) -> Self {
        NixString::new(b)
    }
}

impl From<&[u8]> for NixString {
    fn from(b: &[u8]) -> Self {
        NixString::new(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_made_from_a_name_shares_its_bytes_and_knows_its_symbol() {
        let sym = Symbol::intern("attrnames-as-strings");
        let s = NixString::from_symbol(sym);
        assert_eq!(s.as_bytes(), b"attrnames-as-strings");
        assert_eq!(s.as_bytes().as_ptr(), sym.bytes().as_ptr());
        assert_eq!(s.len(), 20);
        assert_eq!(s.to_symbol(), sym);
        let copy = s.clone();
        drop(s);
        assert_eq!(copy.as_bytes(), b"attrnames-as-strings");
        assert!(copy == NixString::from("attrnames-as-strings"));
    }

    #[test]
    fn an_owned_string_interns_on_demand_and_frees_its_buffer() {
        let s = NixString::from("owned-name");
        assert_eq!(s.to_symbol(), Symbol::intern("owned-name"));
        assert_eq!(s.clone().as_bytes(), b"owned-name");
        let empty = NixString::default();
        assert!(empty.is_empty());
        assert_eq!(NixString::from_symbol(Symbol::intern("")).as_bytes(), b"");
        let with_ctx =
            NixString::with_context(b"x".as_slice(), Context::from([ContextElem::Plain("/nix/store/a".into())]));
        assert!(with_ctx.clone().has_context());
    }

    #[test]
    fn an_owned_string_used_as_a_name_remembers_its_symbol() {
        let s = NixString::new(format!("computed-{}", 7).into_bytes());
        let sym = s.to_symbol();
        assert_eq!(sym, Symbol::intern("computed-7"));
        // Remembered, and the bytes and length read as before.
        assert_eq!(s.to_symbol(), sym);
        assert_eq!(s.as_bytes(), b"computed-7");
        assert_eq!(s.len(), 10);
        // A copy owns its own bytes and knows the symbol too.
        let copy = s.clone();
        drop(s);
        assert_eq!(copy.as_bytes(), b"computed-7");
        assert_eq!(copy.to_symbol(), sym);
        assert_eq!(copy.len(), 10);
    }
}
