//! Counted pointers for the heap-allocated payloads of `Value` (strings, paths, sets,
//! lists, closures, partial applications and thunks).
//!
//! Values are copied and dropped at nearly every step of evaluation. With `Rc` payloads,
//! cloning or dropping a `Value` dispatches through a jump table on its variant, because
//! each `Rc<T>` is a different type with its own drop code; a profile of a module-system
//! evaluation found those two indirect jumps to be most of the evaluator's mispredicted
//! branches. Here every payload starts with the same header, a single word that holds the
//! reference count and the payload's kind, so that:
//! - a clone is "if the variant is counted, add one to the word its pointer points at",
//! - a drop is "if counted, subtract one; only if that was the last reference, look at the
//!   kind and free": the same code for every variant, which the compiler folds into one
//!   branch instead of a jump table.
//!
//! The count lives in the header word's upper bits (`ONE` per reference) and the kind in
//! its low byte, so adding or dropping a reference is one add and "was it the last" one
//! compare, as with a plain count.

use std::cell::Cell;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// One reference, in header-word units (the low byte is the kind).
pub const ONE: usize = 1 << 8;

/// The kinds of counted allocation (the low byte of the header word).
#[repr(u8)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    String = 1,
    Path = 2,
    Attrs = 3,
    List = 4,
    Closure = 5,
    PrimOpApp = 6,
    Thunk = 7,
}

/// The first word of every counted allocation.
#[repr(transparent)]
pub struct Header(Cell<usize>);

impl Header {
    pub fn new(kind: Kind) -> Header {
        Header(Cell::new(ONE | kind as usize))
    }

    #[inline(always)]
    pub fn count(&self) -> usize {
        self.0.get() >> 8
    }

    fn kind(&self) -> u8 {
        self.0.get() as u8
    }
}

/// Adds a reference to the allocation `header` starts.
///
/// # Safety
/// `header` must point at the header of a live counted allocation.
#[inline(always)]
pub unsafe fn retain(header: NonNull<Header>) {
    let c = &header.as_ref().0;
    // An overflow would need more references than fit in memory (as for `Rc`).
    c.set(c.get().wrapping_add(ONE));
}

/// Drops a reference to the allocation `header` starts, freeing it if it was the last.
///
/// This is the same code whatever the payload's type, so a `Value`'s drop glue, which
/// calls it for each counted variant, folds into one branch.
///
/// # Safety
/// `header` must point at the header of a live counted allocation, and the caller must
/// own the reference it gives up.
#[inline(always)]
pub unsafe fn release(header: NonNull<Header>) {
    let c = &header.as_ref().0;
    let n = c.get().wrapping_sub(ONE);
    c.set(n);
    if n < ONE {
        free(header);
    }
}

/// Frees an allocation whose last reference is gone, by its kind (out of line: most
/// releases only decrement).
#[inline(never)]
unsafe fn free(header: NonNull<Header>) {
    use super::attrs::Attrs;
    use super::string::NixString;
    use super::value::{Closure, List, PrimOpApp};
    unsafe fn drop_box<T>(header: NonNull<Header>) {
        drop(Box::from_raw(header.cast::<SharedBox<T>>().as_ptr()));
    }
    match header.as_ref().kind() {
        k if k == Kind::String as u8 => drop_box::<NixString>(header),
        k if k == Kind::Path as u8 => drop_box::<String>(header),
        k if k == Kind::Attrs as u8 => drop_box::<Attrs>(header),
        k if k == Kind::List as u8 => drop_box::<List>(header),
        k if k == Kind::Closure as u8 => drop_box::<Closure>(header),
        k if k == Kind::PrimOpApp as u8 => drop_box::<PrimOpApp>(header),
        k if k == Kind::Thunk as u8 => drop_box::<super::thunk::ThunkCell>(header),
        k => unreachable!("counted allocation of unknown kind {k}"),
    }
}

/// A payload type that `Shared` may point to, and its kind.
///
/// # Safety
/// `KIND` must be the kind under which `free` drops the allocation as a `SharedBox<Self>`
/// (one kind per type): a wrong kind frees the payload as another type.
pub unsafe trait Counted {
    const KIND: Kind;
}

// SAFETY: each kind below is the one `free` drops as that type.
unsafe impl Counted for super::string::NixString {
    const KIND: Kind = Kind::String;
}
unsafe impl Counted for String {
    const KIND: Kind = Kind::Path;
}
unsafe impl Counted for super::attrs::Attrs {
    const KIND: Kind = Kind::Attrs;
}
unsafe impl Counted for super::value::List {
    const KIND: Kind = Kind::List;
}
unsafe impl Counted for super::value::Closure {
    const KIND: Kind = Kind::Closure;
}
unsafe impl Counted for super::value::PrimOpApp {
    const KIND: Kind = Kind::PrimOpApp;
}

#[repr(C)]
struct SharedBox<T> {
    header: Header,
    value: T,
}

/// A counted reference to a `T` (like `Rc<T>`, without a weak count, with the header
/// every counted payload shares).
pub struct Shared<T: Counted>(NonNull<SharedBox<T>>, PhantomData<SharedBox<T>>);

impl<T: Counted> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        let b = Box::new(SharedBox { header: Header::new(T::KIND), value });
        // SAFETY: `Box::into_raw` never returns null.
        Shared(unsafe { NonNull::new_unchecked(Box::into_raw(b)) }, PhantomData)
    }

    /// Whether two references are to the very same allocation.
    #[inline]
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        a.0 == b.0
    }

    /// The payload's address (its identity).
    #[inline]
    pub fn as_ptr(this: &Shared<T>) -> *const T {
        // SAFETY: the box is alive while `this` is.
        unsafe { &this.0.as_ref().value }
    }

    /// How many references to the allocation exist.
    #[inline]
    pub fn strong_count(this: &Shared<T>) -> usize {
        // SAFETY: as in `as_ptr`.
        unsafe { this.0.as_ref().header.count() }
    }
}

impl<T: Counted> Clone for Shared<T> {
    #[inline(always)]
    fn clone(&self) -> Shared<T> {
        // SAFETY: `self` keeps the allocation alive.
        unsafe { retain(self.0.cast()) };
        Shared(self.0, PhantomData)
    }
}

impl<T: Counted> Drop for Shared<T> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `self` owns one reference.
        unsafe { release(self.0.cast()) }
    }
}

impl<T: Counted> std::ops::Deref for Shared<T> {
    type Target = T;

    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: the box is alive while `self` is.
        unsafe { &self.0.as_ref().value }
    }
}

impl<T: Counted + std::fmt::Display> std::fmt::Display for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: Counted + PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Shared<T>) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::thunk::ThunkCell;
    use crate::eval::value::Value;

    fn thunk() -> crate::eval::thunk::Thunk {
        match ThunkCell::native(|_| Ok(Value::Null)) {
            Value::Thunk(t) => t,
            _ => unreachable!(),
        }
    }

    #[test]
    fn value_clones_and_drops_count_every_counted_variant() {
        let t = thunk();
        let values = [
            Value::Thunk(t.clone()),
            Value::list(vec![Value::Thunk(t.clone())]),
            Value::attrs(crate::eval::attrs::Attrs::new()),
            Value::string("s"),
            Value::path("/p"),
        ];
        assert_eq!(Shared::strong_count(&t), 3);
        let copies: Vec<Value> = values.to_vec();
        assert_eq!(Shared::strong_count(&t), 4);
        if let (Value::List(a), Value::List(b)) = (&values[1], &copies[1]) {
            assert!(Shared::ptr_eq(a, b));
            assert_eq!(Shared::strong_count(a), 2);
        }
        drop(copies);
        assert_eq!(Shared::strong_count(&t), 3);
        // The list's last reference goes: it is freed, and with it its reference to `t`.
        drop(values);
        assert_eq!(Shared::strong_count(&t), 1);
    }

    #[test]
    fn uncounted_variants_copy_plainly() {
        let v = [Value::Null, Value::Bool(true), Value::Int(-7), Value::Float(1.5)];
        let w: Vec<Value> = v.to_vec();
        assert!(matches!(w[..], [Value::Null, Value::Bool(true), Value::Int(-7), Value::Float(f)] if f == 1.5));
    }
}
