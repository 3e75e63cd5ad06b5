//! Runtime values.
//!
//! A `Value` is 16 bytes: small scalars inline, everything else behind a counted pointer
//! (`shared::Shared`; a `Thunk` is one too), so cloning is a reference-count bump.
//! Identity matters in Nix (`==` treats the very same attrset or thunk as equal even if it
//! holds functions), so values are never deep-copied: `inherit`, `//`, selection and
//! application all share the original pointers.
//!
//! A value stored in an attrset, list or environment may still be a `Thunk`; the machine's
//! `force` turns it into weak head normal form.

use std::fmt;
use std::ptr::NonNull;

use super::attrs::Attrs;
use super::builtins::PrimOp;
use super::env::Env;
use super::ir::LambdaIr;
use super::shared::{retain, Header, Shared};
use super::string::NixString;
use super::thunk::Thunk;
use crate::symbol::Symbol;

/// The variants are numbered so that the counted ones (a pointer to a `shared::Header`
/// in the second word) are contiguous: "is it counted" is one range check of the tag,
/// which is the first byte (`repr(u8)` fixes the layout: the tag, then each variant's field
/// at offset 8). The drop glue's arms for the counted variants are the same code (see
/// `shared`), which the compiler merges into one block. The last variant is not counted:
/// the compiler makes the last tag the default case of the glue's switch, and a counted
/// one there kept a second copy of that block, so the glue's jump went to two places by
/// variant and was mispredicted; now every counted tag leads to the one block.
#[repr(u8)]
pub enum Value {
    Null = 0,
    Bool(bool) = 1,
    Int(i64) = 2,
    PrimOp(&'static PrimOp) = 3,
    String(Shared<NixString>) = FIRST_COUNTED,
    /// An absolute, canonical path (a thin pointer, to keep `Value` at 16 bytes).
    Path(Shared<String>) = PATH_TAG,
    Attrs(Shared<Attrs>) = 6,
    List(Shared<List>) = 7,
    Lambda(Shared<Closure>) = 8,
    PrimOpApp(Shared<PrimOpApp>) = 9,
    Thunk(Thunk) = LAST_COUNTED,
    Float(f64) = 11,
}

/// The tags of the variants whose field is a counted pointer.
const FIRST_COUNTED: u8 = 4;
const LAST_COUNTED: u8 = 10;

/// The tag of `Path`, the last counted variant that holds no values.
const PATH_TAG: u8 = 5;

impl Value {
    /// The variant's tag.
    #[inline(always)]
    fn tag(&self) -> u8 {
        // SAFETY: `repr(u8)` puts the tag in the first byte.
        unsafe { *(self as *const Value as *const u8) }
    }

    /// The header of a counted variant's allocation.
    #[inline(always)]
    fn counted_header(&self) -> Option<NonNull<Header>> {
        // SAFETY: `repr(u8)` puts the tag in the first byte and every variant's field at
        // offset 8; the variants from `FIRST_COUNTED` to `LAST_COUNTED` hold a `Shared`, a
        // non-null pointer to an allocation that starts with a `Header`.
        unsafe {
            let base = self as *const Value as *const u8;
            (FIRST_COUNTED..=LAST_COUNTED).contains(&self.tag()).then(|| *(base.add(8) as *const NonNull<Header>))
        }
    }
}

impl Clone for Value {
    /// Values are cloned at every variable read and force. The derived clone dispatches
    /// through a jump table to copy each variant's payload separately; this one bumps the
    /// reference count of the counted variants (the same operation for all, see `shared`)
    /// and copies the two words whole.
    #[inline(always)]
    fn clone(&self) -> Value {
        // SAFETY: for every counted variant the count is incremented first, so the bitwise
        // copy owns its own reference; the other variants hold plain data (`PrimOp` a
        // `&'static`), for which a bitwise copy is a copy.
        unsafe {
            if let Some(header) = self.counted_header() {
                retain(header);
            }
            std::ptr::read(self)
        }
    }
}

/// A list's elements (each possibly an unforced thunk).
pub struct List(Vec<Value>);

impl List {
    pub fn new(items: Vec<Value>) -> List {
        List(items)
    }
}

impl std::ops::Deref for List {
    type Target = Vec<Value>;

    fn deref(&self) -> &Vec<Value> {
        &self.0
    }
}

/// Stack kept free before dropping a container's contents; below it the drop continues on
/// a fresh heap segment (see `drop_deep`).
const DROP_RED_ZONE: usize = 64 * 1024;
const DROP_SEGMENT: usize = 1024 * 1024;

/// Drops something that may own a long chain of nested values (a 100,000-deep linked list
/// of attrsets is ordinary Nix data) without overflowing the stack.
#[inline]
pub fn drop_deep<T>(value: T) {
    crate::eval::stack::maybe_grow(DROP_RED_ZONE, DROP_SEGMENT, move || drop(value));
}

impl Drop for List {
    fn drop(&mut self) {
        if !self.0.is_empty() {
            drop_deep(std::mem::take(&mut self.0));
        }
    }
}

/// A lambda together with the environment it closes over.
pub struct Closure {
    pub lambda: &'static LambdaIr,
    pub env: Env,
}

/// A builtin applied to fewer arguments than it takes.
pub struct PrimOpApp {
    pub op: &'static PrimOp,
    pub args: Vec<Value>,
}

impl Value {
    pub fn string(s: impl Into<NixString>) -> Value {
        Value::String(Shared::new(s.into()))
    }

    /// The string of an attribute name (sharing the interned bytes).
    pub fn name(sym: Symbol) -> Value {
        Value::String(Shared::new(NixString::from_symbol(sym)))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Shared::new(List(items)))
    }

    pub fn attrs(attrs: Attrs) -> Value {
        Value::Attrs(Shared::new(attrs))
    }

    pub fn path(p: impl Into<String>) -> Value {
        Value::Path(Shared::new(p.into()))
    }

    /// The type name as `builtins.typeOf` reports it.
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Path(_) => "path",
            Value::Attrs(_) => "set",
            Value::List(_) => "list",
            Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_) => "lambda",
            Value::Thunk(_) => "thunk",
        }
    }

    /// The type as error messages name it ("a string", "a set", "an integer").
    pub fn type_description(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a Boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::String(_) => "a string",
            Value::Path(_) => "a path",
            Value::Attrs(_) => "a set",
            Value::List(_) => "a list",
            Value::Lambda(_) => "a function",
            Value::PrimOp(_) => "a built-in function",
            Value::PrimOpApp(_) => "a partially applied built-in function",
            Value::Thunk(_) => "a thunk",
        }
    }

    /// Whether dropping this value could free nested values, recursively: it is the last
    /// reference to a container, closure or thunk. (Strings and paths hold no values.)
    #[inline]
    pub fn owns_nested_alone(&self) -> bool {
        // The counted variants that hold values are the contiguous tags after strings and
        // paths: one range check and one load, not a jump table (this runs at every frame
        // and thunk drop).
        match self.counted_header() {
            // SAFETY: `counted_header` gives the header of a live allocation.
            Some(header) => self.tag() > PATH_TAG && unsafe { header.as_ref().count() } == 1,
            None => false,
        }
    }
    pub fn is_function(&self) -> bool {
        matches!(self, Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_))
    }

    /// Whether two values are the very same object (Nix's pointer-equality shortcut).
    pub fn same_object(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Thunk(a), Value::Thunk(b)) => Thunk::ptr_eq(a, b),
            (Value::Attrs(a), Value::Attrs(b)) => Shared::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => Shared::ptr_eq(a, b),
            (Value::Lambda(a), Value::Lambda(b)) => Shared::ptr_eq(a, b),
            (Value::PrimOp(a), Value::PrimOp(b)) => std::ptr::eq(*a, *b),
            (Value::PrimOpApp(a), Value::PrimOpApp(b)) => Shared::ptr_eq(a, b),
            (Value::String(a), Value::String(b)) => Shared::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::String(s) => write!(f, "{:?}", String::from_utf8_lossy(s.as_bytes())),
            Value::Path(p) => write!(f, "{p}"),
            Value::Attrs(a) => write!(f, "{{ {} attrs }}", a.len()),
            Value::List(l) => write!(f, "[ {} items ]", l.len()),
            Value::Lambda(_) => write!(f, "<LAMBDA>"),
            Value::PrimOp(p) => write!(f, "<PRIMOP {}>", p.name),
            Value::PrimOpApp(_) => write!(f, "<PRIMOP-APP>"),
            Value::Thunk(_) => write!(f, "<CODE>"),
        }
    }
}

// Values are copied everywhere; keep them two words, and a result of one too (the error
// variant takes a spare tag value).
const _: () = assert!(std::mem::size_of::<Value>() == 16);
const _: () = assert!(std::mem::size_of::<super::error::EvalResult<Value>>() == 16);
