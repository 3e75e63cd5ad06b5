//! What a delayed value captures: the frames an `Ir::Up` skips, and the frame numbering
//! that follows from them.
//!
//! A thunk or closure holds the environment it was made in, and through its parent links
//! every enclosing frame. Holding more than it reads costs twice under reference counting:
//! memory stays alive as long as the value does, and a `let` binding (or `rec` attribute,
//! or default argument) that sits in a slot of the very frame it holds makes a cycle,
//! which counting never frees. So lowering notes, for each expression the machine delays,
//! how many of the innermost scopes it does not read (`Ir::Up { levels }`, counted in
//! *scopes*, see `Lowerer::end_region`), and the machine makes that value in the frame that
//! many levels up.
//!
//! Variables are resolved during lowering as depths in the static scope stack. Once some
//! expressions skip frames, the frames at run time are no longer that stack: inside an
//! `Up`, the skipped frames are not in the chain. `number_frames` walks the finished IR
//! once, mirroring the scopes lowering pushed, and rewrites every `Var`/`WithVar` depth
//! and every `Up`'s `levels` into counts of the frames really in the chain there (an `Up`
//! whose scopes an enclosing `Up` already skipped disappears).

use super::ir::{AttrKey, AttrsIr, Ir};

/// How many scopes one delayed expression may skip: enough for real code (a closure
/// rarely sits under more than a few frames it does not read), and a bound on lowering's
/// work per delayed expression whatever the input's nesting.
pub const MAX_SKIPPED_SCOPES: usize = 32;

/// Rewrites the depths of `ir` (lowered under `outer_scopes` scopes supplied from outside
/// the file, each a frame at run time) from scope counts into frame counts; see the
/// module documentation.
pub fn number_frames(ir: &mut Ir, outer_scopes: usize) {
    let mut numbering =
        Numbering { frames: (0..outer_scopes as u32).map(Some).collect(), present: outer_scopes as u32 };
    numbering.visit(ir);
}

struct Numbering {
    /// For each scope of the static stack, outermost first: the position of its frame in
    /// the chain at run time (0 = outermost), or `None` while an enclosing `Up` skips it.
    frames: Vec<Option<u32>>,
    /// How many frames the chain holds at the current point.
    present: u32,
}

impl Numbering {
    /// The frame depth at run time of the scope `depth` levels up in the static stack.
    fn frame_depth(&self, depth: u32) -> u32 {
        let scope = self.frames.len() - 1 - depth as usize;
        let position = self.frames[scope].expect("an `Up` skips only scopes its body does not read");
        self.present - 1 - position
    }

    /// Runs `f` with one more scope (a frame made at run time) on the stack.
    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        self.frames.push(Some(self.present));
        self.present += 1;
        f(self);
        self.present -= 1;
        self.frames.pop();
    }

    fn visit(&mut self, ir: &mut Ir) {
        crate::eval::stack::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.visit_node(ir))
    }

    fn visit_node(&mut self, ir: &mut Ir) {
        match ir {
            Ir::Const(_) => {}
            Ir::Var { depth, .. } => *depth = self.frame_depth(*depth),
            Ir::WithVar { withs, .. } => {
                for depth in withs.iter_mut() {
                    *depth = self.frame_depth(*depth);
                }
            }
            Ir::Select { expr, path, default, .. } => {
                self.visit(expr);
                self.visit_keys(path);
                if let Some(d) = default {
                    self.visit(d);
                }
            }
            Ir::HasAttr { expr, path } => {
                self.visit(expr);
                self.visit_keys(path);
            }
            Ir::Call { func, args, .. } => {
                self.visit(func);
                args.iter_mut().for_each(|a| self.visit(a));
            }
            Ir::Lambda(l) => self.scoped(|n| {
                if let super::ir::ParamIr::Pattern(p) = &mut l.param {
                    p.formals.iter_mut().filter_map(|f| f.default.as_mut()).for_each(|d| n.visit(d));
                }
                n.visit(&mut l.body);
            }),
            Ir::Let { bindings, body } => self.scoped(|n| {
                bindings.iter_mut().for_each(|b| n.visit(b));
                n.visit(body);
            }),
            Ir::Attrs(a) => self.visit_attrs(a),
            Ir::List(items) => items.iter_mut().for_each(|i| self.visit(i)),
            Ir::If { cond, then, else_, .. } => {
                self.visit(cond);
                self.visit(then);
                self.visit(else_);
            }
            Ir::Assert { cond, body, .. } => {
                self.visit(cond);
                self.visit(body);
            }
            Ir::With { scope, body } => {
                self.visit(scope);
                self.scoped(|n| n.visit(body));
            }
            Ir::BinOp { lhs, rhs, .. } => {
                self.visit(lhs);
                self.visit(rhs);
            }
            Ir::Not { expr, .. } | Ir::Neg { expr, .. } => self.visit(expr),
            Ir::Concat { parts, .. } => parts.iter_mut().for_each(|p| self.visit(p)),
            Ir::Binding { body, .. } => self.visit(body),
            Ir::Up { .. } => self.visit_up(ir),
        }
    }

    /// An `Up`: its body runs without the frames of the scopes it skips, those of them
    /// still in the chain here.
    fn visit_up(&mut self, ir: &mut Ir) {
        let Ir::Up { levels, body } = ir else { unreachable!("called for `Up` nodes") };
        let scopes = self.frames.len();
        let skipped = scopes - *levels as usize..scopes;
        let saved: Vec<Option<u32>> = self.frames[skipped.clone()].to_vec();
        let frames = saved.iter().flatten().count() as u32;
        self.frames[skipped.clone()].iter_mut().for_each(|f| *f = None);
        self.present -= frames;
        self.visit(body);
        self.present += frames;
        self.frames[skipped].copy_from_slice(&saved);
        if frames == 0 {
            // An enclosing `Up` already skipped these frames.
            *ir = std::mem::replace(&mut **body, Ir::Const(super::value::Value::Null));
        } else {
            *levels = frames;
        }
    }

    fn visit_keys(&mut self, path: &mut [AttrKey]) {
        for key in path {
            if let AttrKey::Dynamic(ir) = key {
                self.visit(ir);
            }
        }
    }

    /// A set's parts, in the scopes `Lowerer::lower_attrs` lowered them in: a `rec` set's
    /// all in its own frame; a plain set's `inherit (e)` sources outside, and the rest in
    /// the frame holding the sources if there are any.
    fn visit_attrs(&mut self, a: &mut AttrsIr) {
        let inner = |n: &mut Self, a: &mut AttrsIr| {
            a.statics.iter_mut().for_each(|s| n.visit(&mut s.value));
            for d in a.dynamics.iter_mut() {
                n.visit(&mut d.name);
                n.visit(&mut d.value);
            }
        };
        if a.rec {
            self.scoped(|n| {
                a.sources.iter_mut().for_each(|s| n.visit(s));
                inner(n, a);
            });
        } else if a.sources.is_empty() {
            inner(self, a);
        } else {
            a.sources.iter_mut().for_each(|s| self.visit(s));
            self.scoped(|n| inner(n, a));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::eval::env::Env;
    use crate::eval::value::Value;
    use crate::eval::Evaluator;

    /// How many frames the environment a closure holds has above the root frame.
    fn captured_frames(ev: &Evaluator, text: &str) -> usize {
        let v = ev.eval_string(text, "/").expect("evaluates");
        let Value::Lambda(c) = v else { panic!("{text} is not a function") };
        let mut env = &c.env;
        let mut frames = 0;
        while !Env::ptr_eq(env, &ev.root_env) {
            frames += 1;
            env = env.parent().expect("every chain ends at the root frame");
        }
        frames
    }

    #[test]
    fn closures_hold_only_the_frames_they_read() {
        let ev = Evaluator::new(Default::default());
        // Bindings of lists, not constants: a constant binding is read from no frame.
        assert_eq!(captured_frames(&ev, "let a = [ 1 ]; in let b = [ 2 ]; in x: x"), 0);
        assert_eq!(captured_frames(&ev, "let a = [ 1 ]; in let b = [ 2 ]; in x: x ++ a"), 1);
        assert_eq!(captured_frames(&ev, "let a = [ 1 ]; in let b = [ 2 ]; in x: x ++ b"), 2);
        // `with` scopes are read by every name no lexical scope binds.
        assert_eq!(captured_frames(&ev, "with { w = 1; }; let b = [ 2 ]; in x: w"), 1);
        assert_eq!(captured_frames(&ev, "with { w = 1; }; let b = [ 2 ]; in x: b"), 2);
        // A curried function's inner closure skips the outer argument it ignores.
        assert_eq!(captured_frames(&ev, "let a = [ 1 ]; in (p: q: a) 0"), 1);
        assert_eq!(captured_frames(&ev, "let a = [ 1 ]; in (p: q: p) 0"), 1);
        assert_eq!(captured_frames(&ev, "let a = [ 1 ]; in (p: q: p ++ a) 0"), 2);
        // A binding's thunk: the closure is made when the binding is forced.
        assert_eq!(captured_frames(&ev, "let a = [ 1 ]; in (let f = let c = [ 3 ]; in y: a; in f)"), 1);
        // Constants (`n = 1;`, `b = builtins;`, `inherit (builtins) head;`) are inlined.
        assert_eq!(captured_frames(&ev, "let a = 1; in let b = builtins; in x: x + a + b.length [ ]"), 0);
        assert_eq!(captured_frames(&ev, "let inherit (builtins) head; in x: head x"), 0);
    }

    #[test]
    fn a_binding_that_reads_no_sibling_does_not_hold_its_frame() {
        let ev = Evaluator::new(Default::default());
        // `f` reads no slot of the `let`, so the frame's only holder is the machine while
        // the body runs; with the body done, the frame (and `big`) is gone.
        let v = ev.eval_string("let big = [ 1 2 3 ]; f = x: x; in [ f big ]", "/").expect("evaluates");
        let Value::List(items) = v else { panic!("a list") };
        let f = ev.force(&items[0]).expect("forces");
        let Value::Lambda(c) = f else { panic!("a function") };
        assert!(Env::ptr_eq(&c.env, &ev.root_env));
    }
}
