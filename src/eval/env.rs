//! Environments: the runtime frames that variables resolved to (depth, slot) index into.
//!
//! Lowering assigns every binding a slot in a frame; a variable reference walks `depth`
//! parent links and reads one slot, never a name. Frames of `let`, `rec` and function calls
//! are filled right after creation (their thunks must point back at the frame itself, which
//! is what makes recursion work), so slots live in an `UnsafeCell`: they are written only
//! while the machine initialises a fresh frame that nothing else can see yet, and are
//! read-only afterwards.

use std::cell::UnsafeCell;
use std::rc::Rc;

use thin_vec::ThinVec;

use super::value::Value;

pub type Env = Rc<Frame>;

/// A frame's slots: the first inline (most frames are a function call's single argument),
/// the others in a one-pointer vector that is empty, and unallocated, for one-slot frames.
struct Slots {
    first: Value,
    rest: ThinVec<Value>,
}

pub struct Frame {
    pub parent: Option<Env>,
    slots: UnsafeCell<Slots>,
}

impl Frame {
    pub fn new(parent: Option<Env>, slots: Vec<Value>) -> Env {
        let mut values = slots.into_iter();
        let first = values.next().unwrap_or(Value::Null);
        Rc::new(Frame { parent, slots: UnsafeCell::new(Slots { first, rest: values.collect() }) })
    }

    /// A frame holding exactly one value (a plain function argument, a `with` scope).
    #[inline]
    pub fn single(parent: Option<Env>, value: Value) -> Env {
        Rc::new(Frame { parent, slots: UnsafeCell::new(Slots { first: value, rest: ThinVec::new() }) })
    }

    /// A frame of `size` slots to be filled with `set` before use.
    pub fn with_size(parent: Option<Env>, size: usize) -> Env {
        let rest: ThinVec<Value> = std::iter::repeat_n(Value::Null, size.saturating_sub(1)).collect();
        Rc::new(Frame { parent, slots: UnsafeCell::new(Slots { first: Value::Null, rest }) })
    }

    /// Writes a slot of a frame under construction.
    ///
    /// Only the code that created the frame calls this, before any value read from the
    /// frame can exist, so no reference into `slots` is alive.
    pub fn set(&self, slot: usize, value: Value) {
        // SAFETY: see the method and module documentation: frames are written only during
        // initialisation, when no borrow of the slot vector exists.
        unsafe {
            let slots = &mut *self.slots.get();
            if slot == 0 {
                slots.first = value;
            } else {
                slots.rest[slot - 1] = value;
            }
        }
    }

    #[inline]
    pub fn get(&self, slot: usize) -> &Value {
        // SAFETY: after initialisation slots are never written, so shared reads are sound.
        let slots = unsafe { &*self.slots.get() };
        if slot == 0 {
            &slots.first
        } else {
            &slots.rest[slot - 1]
        }
    }

    pub fn len(&self) -> usize {
        // SAFETY: as in `get`.
        unsafe { 1 + (&*self.slots.get()).rest.len() }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The frame `depth` levels up.
    #[inline]
    #[allow(clippy::needless_lifetimes)] // the lifetime cannot be elided for an `Rc` receiver
    pub fn ancestor<'a>(self: &'a Env, depth: u32) -> &'a Env {
        let mut env = self;
        for _ in 0..depth {
            env = env.parent.as_ref().expect("lowering resolved the variable to an existing frame");
        }
        env
    }
}

impl Drop for Frame {
    /// Unlinks long parent chains iteratively, so dropping a deep environment (a long
    /// recursion's frames) cannot overflow the stack.
    fn drop(&mut self) {
        let slots = self.slots.get_mut();
        // Most frames are a call's single argument that the caller still holds (a list
        // element, a variable): dropping it only decrements a count, which the plain field
        // drop does. Only a last reference to nested values needs the deep-drop guard.
        if !slots.rest.is_empty() || slots.first.owns_nested_alone() {
            let values = (std::mem::replace(&mut slots.first, Value::Null), std::mem::take(&mut slots.rest));
            super::value::drop_deep(values);
        }
        // Only a parent this frame alone holds would be freed recursively.
        if self.parent.as_ref().is_none_or(|p| Rc::strong_count(p) > 1) {
            return;
        }
        let mut next = self.parent.take();
        while let Some(env) = next {
            match Rc::try_unwrap(env) {
                Ok(mut frame) => next = frame.parent.take(),
                Err(_) => break,
            }
        }
    }
}
