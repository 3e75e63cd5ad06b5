//! The variables the REPL has added to scope (`:l`, `:a`, `x = …`, the loaded files).
//!
//! They form one lexical frame below every input line: each line is compiled with the
//! current names resolved ahead of time to slots of that frame (`Evaluator::compile` with
//! an outer scope), then evaluated in a frame holding the current values. Rebinding a name
//! replaces its slot for *later* lines only: code compiled before keeps the frame it was
//! evaluated in, so earlier bindings see the old value, as in `nix repl`.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::eval::env::{Env, Frame};
use crate::eval::lower::OuterScope;
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

#[derive(Default)]
pub struct Scope {
    /// In the order the names were first added.
    names: Vec<Symbol>,
    values: Vec<Value>,
    index: HashMap<Symbol, usize>,
    /// The frame of the current values, built on first use after a change.
    frame: RefCell<Option<Env>>,
}

impl Scope {
    pub fn add(&mut self, name: Symbol, value: Value) {
        match self.index.get(&name) {
            Some(&i) => self.values[i] = value,
            None => {
                self.index.insert(name, self.names.len());
                self.names.push(name);
                self.values.push(value);
            }
        }
        self.frame.replace(None);
    }

    pub fn clear(&mut self) {
        *self = Scope::default();
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn names(&self) -> &[Symbol] {
        &self.names
    }

    pub fn contains(&self, name: Symbol) -> bool {
        self.index.contains_key(&name)
    }

    /// The outer scope to compile a line under.
    pub fn outer(&self) -> Vec<OuterScope> {
        vec![OuterScope { names: self.names.clone() }]
    }

    /// The environment to evaluate a line compiled under `outer` in.
    pub fn env(&self, ev: &Evaluator) -> Env {
        let mut cached = self.frame.borrow_mut();
        if let Some(env) = &*cached {
            return env.clone();
        }
        let env = Frame::new(Some(ev.root_env.clone()), self.values.clone());
        *cached = Some(env.clone());
        env
    }
}
