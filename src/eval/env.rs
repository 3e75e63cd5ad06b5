//! Environments: the runtime frames that variables resolved to (depth, slot) index into.
//!
//! Lowering assigns every binding a slot in a frame; a variable reference walks `depth`
//! parent links and reads one slot, never a name. Frames of `let`, `rec` and function calls
//! are filled right after creation (their thunks must point back at the frame itself, which
//! is what makes recursion work), so slots are written through shared references: only
//! while the machine initialises a fresh frame that nothing else can see yet, and never
//! afterwards.
//!
//! A frame is one allocation: a header (reference count, slot count, parent) followed by
//! its slots. Frames are made at every call, so this layout matters: a one-slot frame (a
//! call's single argument) is 32 bytes, a frame of several slots needs no second
//! allocation, and reading a slot is one load from the frame pointer (an `Rc<Frame>`
//! holding a vector took two allocations and two dependent loads).

use std::alloc::Layout;
use std::cell::{Cell, UnsafeCell};
use std::marker::PhantomData;
use std::ptr::NonNull;

use super::value::Value;

/// A frame's header; its `len` slots (`UnsafeCell<Value>`) follow it in the allocation.
#[repr(C)]
pub struct Frame {
    count: Cell<u32>,
    len: u32,
    parent: Option<Env>,
}

/// Slots start right after the header, which keeps them aligned.
const SLOTS_OFFSET: usize = std::mem::size_of::<Frame>();
const _: () = assert!(SLOTS_OFFSET == 16 && SLOTS_OFFSET.is_multiple_of(std::mem::align_of::<Value>()));

/// A counted reference to a frame.
#[repr(transparent)]
pub struct Env {
    ptr: NonNull<Frame>,
    /// Owns a `Frame` (for drop check); not `Send`/`Sync`, like `Rc`.
    _owns: PhantomData<Frame>,
}

fn layout(len: u32) -> Layout {
    let bytes = SLOTS_OFFSET + len as usize * std::mem::size_of::<Value>();
    Layout::from_size_align(bytes, std::mem::align_of::<Frame>().max(std::mem::align_of::<Value>()))
        .expect("a frame's size fits in memory")
}

impl Frame {
    /// A frame holding `slots` (at least one slot: an empty list gives one `null`).
    // A frame exists only behind its counted reference, which the constructors return.
    #[allow(clippy::new_ret_no_self)]
    pub fn new(parent: Option<Env>, slots: Vec<Value>) -> Env {
        if slots.is_empty() {
            return Env::alloc(parent, 1);
        }
        // SAFETY: each of the `slots.len()` slots is written once, before the frame is used.
        unsafe {
            let env = Env::alloc_unfilled(parent, slots.len());
            let to = env.slots_ptr();
            for (i, v) in slots.into_iter().enumerate() {
                to.add(i).write(v);
            }
            env
        }
    }

    /// A frame holding exactly one value (a plain function argument, a `with` scope).
    #[inline]
    pub fn single(parent: Option<Env>, value: Value) -> Env {
        // SAFETY: the one slot is written before the frame is used.
        unsafe {
            let env = Env::alloc_unfilled(parent, 1);
            env.slots_ptr().write(value);
            env
        }
    }

    /// A frame of `size` slots (at least one), all `null`, to be filled with `init` before
    /// use (`set` where a slot may already hold a value, which it then drops).
    #[inline]
    pub fn with_size(parent: Option<Env>, size: usize) -> Env {
        Env::alloc(parent, size.max(1))
    }
}

impl Env {
    /// A frame of `len` slots, each `null`.
    #[inline]
    fn alloc(parent: Option<Env>, len: usize) -> Env {
        // SAFETY: every slot is written before the frame is returned.
        unsafe {
            let env = Env::alloc_unfilled(parent, len);
            let slots = env.slots_ptr();
            for i in 0..env.len() {
                slots.add(i).write(Value::Null);
            }
            env
        }
    }

    /// A frame of `len` slots with its header written and its slots not.
    ///
    /// # Safety
    /// Every slot must be written (`slots_ptr`) before the frame is used or dropped.
    #[inline(always)]
    unsafe fn alloc_unfilled(parent: Option<Env>, len: usize) -> Env {
        let len = u32::try_from(len).expect("a frame has fewer than 2^32 slots");
        let layout = layout(len);
        // The layout is never zero-sized (the header alone is 16 bytes).
        let raw = std::alloc::alloc(layout) as *mut Frame;
        let Some(ptr) = NonNull::new(raw) else { std::alloc::handle_alloc_error(layout) };
        raw.write(Frame { count: Cell::new(1), len, parent });
        Env { ptr, _owns: PhantomData }
    }

    /// The first slot's address.
    #[inline(always)]
    fn slots_ptr(&self) -> *mut Value {
        // SAFETY: the slots start `SLOTS_OFFSET` bytes into the frame's allocation.
        unsafe { self.ptr.as_ptr().cast::<u8>().add(SLOTS_OFFSET).cast::<Value>() }
    }

    #[inline(always)]
    fn header(&self) -> &Frame {
        // SAFETY: the frame lives as long as this reference to it.
        unsafe { self.ptr.as_ref() }
    }

    #[inline(always)]
    fn slot(&self, slot: usize) -> &UnsafeCell<Value> {
        if slot >= self.header().len as usize {
            slot_out_of_range(slot, self.header().len);
        }
        // SAFETY: `slot` is within the frame's slots, which live as long as the frame.
        unsafe { &*self.ptr.as_ptr().cast::<u8>().add(SLOTS_OFFSET).cast::<UnsafeCell<Value>>().add(slot) }
    }

    /// Writes a slot of a frame under construction.
    ///
    /// Only the code that created the frame calls this, before any value read from the
    /// frame can exist, so no reference into the slot is alive.
    #[inline]
    pub fn set(&self, slot: usize, value: Value) {
        // SAFETY: see the method and module documentation: a slot is written only during
        // initialisation, when no reference to it exists.
        unsafe { *self.slot(slot).get() = value }
    }

    /// Writes a slot of a frame under construction that still holds its initial `null`
    /// (as `set`, without dropping what was there).
    #[inline]
    pub fn init(&self, slot: usize, value: Value) {
        let cell = self.slot(slot).get();
        // SAFETY: as in `set`; the slot holds `null`, which owns nothing, so overwriting
        // it without a drop loses nothing.
        unsafe {
            debug_assert!(matches!(*cell, Value::Null), "init of a written slot");
            cell.write(value)
        }
    }

    #[inline(always)]
    pub fn get(&self, slot: usize) -> &Value {
        // SAFETY: after initialisation slots are never written, so shared reads are sound.
        unsafe { &*self.slot(slot).get() }
    }

    pub fn len(&self) -> usize {
        self.header().len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The frame's address, owning the reference (a thunk's state packs it in a word).
    pub fn into_raw(env: Env) -> usize {
        let env = std::mem::ManuallyDrop::new(env);
        env.ptr.as_ptr() as usize
    }

    /// Takes back a reference `into_raw` gave out.
    ///
    /// # Safety
    /// `raw` must come from `into_raw`, and its reference is consumed.
    pub unsafe fn from_raw(raw: usize) -> Env {
        Env { ptr: NonNull::new_unchecked(raw as *mut Frame), _owns: PhantomData }
    }

    /// How many references to this frame exist.
    #[inline(always)]
    pub fn count(&self) -> u32 {
        self.header().count.get()
    }

    pub fn ptr_eq(a: &Env, b: &Env) -> bool {
        a.ptr == b.ptr
    }

    /// Sets every slot to `null`, dropping what they held.
    ///
    /// # Safety
    /// Nothing may reference the frame but `self` and what its own slots hold (so no
    /// reference into a slot can be alive): the caller has checked that the frame is
    /// unreachable from outside.
    pub unsafe fn clear_unreachable(&self) {
        for i in 0..self.len() {
            // Moved out before dropping: dropping may free objects that reach back here.
            let old = std::mem::replace(&mut *self.slot(i).get(), Value::Null);
            drop(old);
        }
    }

    /// The enclosing frame.
    #[inline(always)]
    pub fn parent(&self) -> Option<&Env> {
        self.header().parent.as_ref()
    }

    /// The frame `depth` levels up.
    #[inline]
    pub fn ancestor(&self, depth: u32) -> &Env {
        let mut env = self;
        for _ in 0..depth {
            env = env.parent().expect("lowering resolved the variable to an existing frame");
        }
        env
    }
}

#[cold]
#[inline(never)]
fn slot_out_of_range(slot: usize, len: u32) -> ! {
    panic!("slot {slot} of a frame of {len}: lowering resolved a variable to a missing slot")
}

impl Clone for Env {
    #[inline(always)]
    fn clone(&self) -> Env {
        let count = &self.header().count;
        let n = count.get().wrapping_add(1);
        if n == 0 {
            // More references than `u32` counts: as `Rc` does on overflow, stop.
            std::process::abort();
        }
        count.set(n);
        Env { ptr: self.ptr, _owns: PhantomData }
    }
}

impl Drop for Env {
    #[inline]
    fn drop(&mut self) {
        let count = &self.header().count;
        let n = count.get() - 1;
        count.set(n);
        if n == 0 {
            // SAFETY: that was the last reference.
            unsafe { free_chain(self.ptr) }
        }
    }
}

/// Frees a frame whose last reference is gone, and then each parent of which it held the
/// last reference, in a loop: dropping a deep environment (a long recursion's frames)
/// cannot overflow the stack.
///
/// # Safety
/// `ptr` must be a frame with a count of zero, not used afterwards.
#[inline(never)]
unsafe fn free_chain(mut ptr: NonNull<Frame>) {
    loop {
        let raw = ptr.as_ptr();
        let len = (*raw).len;
        let slots =
            std::ptr::slice_from_raw_parts_mut(raw.cast::<u8>().add(SLOTS_OFFSET).cast::<Value>(), len as usize);
        // Most frames are a call's single argument that the caller still holds (a list
        // element, a variable): dropping it only decrements a count. Only a last
        // reference to nested values needs the deep-drop guard.
        if len > 1 || (*slots)[0].owns_nested_alone() {
            super::value::drop_deep(SlotsToDrop(slots));
        } else {
            std::ptr::drop_in_place(slots);
        }
        let parent = std::ptr::read(&(*raw).parent);
        std::alloc::dealloc(raw.cast(), layout(len));
        let Some(parent) = parent else { return };
        let count = &parent.header().count;
        let n = count.get() - 1;
        count.set(n);
        let next = parent.ptr;
        std::mem::forget(parent);
        if n != 0 {
            return;
        }
        ptr = next;
    }
}

/// The slots of a dying frame, dropped (on a fresh stack segment if need be) by `drop_deep`.
struct SlotsToDrop(*mut [Value]);

impl Drop for SlotsToDrop {
    fn drop(&mut self) {
        // SAFETY: `free_chain` hands over the initialised slots of a frame nothing else
        // references any more, and frees the memory only after this drop.
        unsafe { std::ptr::drop_in_place(self.0) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_read_back_and_parents_chain() {
        let root = Frame::new(None, vec![Value::Int(1), Value::Int(2)]);
        let child = Frame::single(Some(root.clone()), Value::Int(3));
        let grandchild = Frame::with_size(Some(child.clone()), 3);
        grandchild.set(2, Value::Int(4));
        assert!(matches!(grandchild.get(2), Value::Int(4)));
        assert!(matches!(grandchild.get(0), Value::Null));
        assert!(matches!(grandchild.ancestor(1).get(0), Value::Int(3)));
        assert!(matches!(grandchild.ancestor(2).get(1), Value::Int(2)));
        assert_eq!(root.len(), 2);
        assert_eq!(Frame::new(None, Vec::new()).len(), 1);
        assert_eq!(root.header().count.get(), 2);
        drop(child);
        assert_eq!(root.header().count.get(), 2, "the grandchild still holds the child");
        drop(grandchild);
        assert_eq!(root.header().count.get(), 1);
    }

    #[test]
    fn a_long_chain_drops_without_deep_recursion() {
        let mut env = Frame::single(None, Value::Int(0));
        for i in 1..1_000_000 {
            env = Frame::single(Some(env), Value::Int(i));
        }
        assert!(matches!(env.get(0), Value::Int(999_999)));
        drop(env);
    }
}
