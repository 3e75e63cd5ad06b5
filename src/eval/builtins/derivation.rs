//! `derivationStrict` and the `derivation` wrapper (spec `store.md` §5.3, §6).
//!
//! `derivationStrict attrs` turns an attribute set into a `.drv` file in the store and
//! returns `{ drvPath = …; <output> = <path>; … }`; `drvPath` carries all-outputs context
//! (`=drv`), each output string its output context (`!out!drv`).
//!
//! Attributes are processed in byte order of their names. `args` becomes the builder's
//! arguments; every other attribute is coerced to a string (`coerceMore` rules, paths
//! copied to the store) and put into the environment, unless `__structuredAttrs = true`,
//! in which case all of them are serialised into one compact JSON object (`__json`).
//! `builder`, `system`, `outputs` and `outputHash*` are also read for their meaning. The
//! union of all contexts then becomes the inputs: plain paths are input sources, output
//! contexts input derivations, and an all-outputs context pulls in the whole closure of
//! that `.drv` (every path as a source, every derivation in it with all its outputs).
//! Output paths come from `Derivation::fill_output_paths` (hash modulo, with the
//! evaluation's memo of modulo hashes, so inputs created earlier are never re-read).
//!
//! The `derivation` function itself is Nix code (`derivation.nix`) compiled once at start
//! and bound both as `builtins.derivation` and as the bare global `derivation`.

use crate::eval::shared::Shared;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use crate::diag::source_map::{Origin, Span};
use crate::store::derivation::hash_derivation_modulo;
use crate::store::path::MAX_NAME_LEN;
use crate::store::{Derivation, DerivationOutput, FileIngestionMethod, FixedOutputHash, StorePath};
use crate::symbol::Symbol;

use super::super::attrs::{Attr, Attrs, AttrsBuilder};
use super::super::coerce::Coerce;
use super::super::error::{EvalError, EvalResult};
use super::super::string::{Context, ContextElem, NixString};
use super::super::value::Value;
use super::super::Evaluator;
use super::json::write_json_string;
use super::PrimOp;

/// The source of `derivation`.
const WRAPPER: &str = include_str!("derivation.nix");

/// The name errors in the wrapper are reported under.
const WRAPPER_NAME: &str = "«nix-internal»/derivation-internal.nix";

/// Compiles the wrapper and binds it as the global `derivation`; `knot` is the cell behind
/// `builtins.derivation`.
pub fn install_wrapper(ev: &mut Evaluator, knot: &Rc<RefCell<Value>>) {
    let program = ev
        .compile(Origin::Embedded(WRAPPER_NAME.to_string()), WRAPPER.as_bytes(), "/", Vec::new())
        .expect("the embedded derivation wrapper parses");
    let f = ev.eval(program.ir, &ev.root_env.clone()).expect("the embedded derivation wrapper is a function");
    *knot.borrow_mut() = f.clone();
    ev.globals.insert(Symbol::intern("derivation"), f);
}

fn derivation_strict(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let attrs = ev.expect_attrs(&args[0], "while evaluating the argument passed to builtins.derivationStrict")?;
    let Some(name_attr) = attrs.get_attr(ev.syms.name) else {
        return Err(EvalError::msg("attribute 'name' missing")
            .with_frame(None, "in the attrset passed as argument to builtins.derivationStrict"));
    };
    let name_span = name_attr.pos.span();
    let name = ev
        .expect_string_no_ctx(
            &name_attr.value,
            "while evaluating the `name` attribute passed to builtins.derivationStrict",
        )
        .map_err(|e| e.with_frame(name_span, "while evaluating the derivation attribute 'name'"))?;
    let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
    instantiate(ev, &name, &attrs).map_err(|e| {
        // Always shown, with the position of the `name` attribute, as in CppNix.
        let e = match name_span {
            Some(s) => e.at(s),
            None => e,
        };
        e.with_context(name_span, format!("while evaluating derivation '{name}'"))
    })
}

/// CppNix's early check of a derivation name (the 2.8 rules: names starting with `.` pass).
fn check_derivation_name(name: &str) -> EvalResult<()> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "+-._?=".contains(c);
    let problem = if name.is_empty() {
        "name must not be empty".to_string()
    } else if name.len() > MAX_NAME_LEN {
        format!("name '{name}' must be no longer than {MAX_NAME_LEN} characters")
    } else if let Some(c) = name.chars().find(|&c| !allowed(c)) {
        format!("name '{name}' contains illegal character '{c}'")
    } else {
        return Ok(());
    };
    Err(EvalError::msg(format!("invalid derivation name: {problem}. Please pass a different 'name'.")))
}

#[cold]
fn experimental(feature: &str, what: &str) -> EvalError {
    EvalError::msg(format!(
        "experimental Nix feature '{feature}' is disabled; add '--extra-experimental-features {feature}' to enable \
         it (tern does not build {what} derivations either way)"
    ))
}

/// The derivation being assembled from the attributes.
struct DrvBuilder<'a> {
    ev: &'a Evaluator,
    drv: Derivation,
    context: Context,
    /// Structured mode: the JSON object written so far (without the closing brace).
    json: Option<Vec<u8>>,
    ignore_nulls: bool,
    outputs: Option<BTreeSet<String>>,
    output_hash: Option<String>,
    output_hash_algo: Option<String>,
    output_hash_mode: Option<String>,
}

fn instantiate(ev: &Evaluator, name: &str, attrs: &Attrs) -> EvalResult<Value> {
    check_derivation_name(name)?;
    let flag = |sym: Symbol, what: &str| -> EvalResult<bool> {
        match attrs.get(sym) {
            Some(v) => ev.expect_bool(
                v,
                &format!("while evaluating the `{what}` attribute passed to builtins.derivationStrict"),
            ),
            None => Ok(false),
        }
    };
    let structured = flag(ev.syms.structured_attrs, "__structuredAttrs")?;
    let ignore_nulls = flag(ev.syms.ignore_nulls, "__ignoreNulls")?;
    let mut b = DrvBuilder {
        ev,
        drv: Derivation::new(name),
        context: Context::new(),
        json: structured.then(|| b"{".to_vec()),
        ignore_nulls,
        outputs: None,
        output_hash: None,
        output_hash_algo: None,
        output_hash_mode: None,
    };
    for attr in attrs.iter_sorted() {
        if attr.name == ev.syms.ignore_nulls {
            continue;
        }
        b.process(attr).map_err(|e| {
            let span = attr.pos.span();
            let e = match span {
                Some(s) => e.at(s),
                None => e,
            };
            e.with_frame(span, format!("while evaluating attribute '{}' of derivation '{name}'", attr.name))
        })?;
    }
    b.finish()
}

/// Splits an `outputs` string on whitespace, as CppNix's `tokenizeString` does.
fn tokenize(s: &[u8]) -> Vec<String> {
    s.split(|c| b" \t\n\r".contains(c))
        .filter(|t| !t.is_empty())
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .collect()
}

fn lossy(s: &[u8]) -> String {
    String::from_utf8_lossy(s).into_owned()
}

impl DrvBuilder<'_> {
    fn process(&mut self, attr: &Attr) -> EvalResult<()> {
        let ev = self.ev;
        let v = &attr.value;
        if self.ignore_nulls && matches!(ev.force(v)?, Value::Null) {
            return Ok(());
        }
        let key = attr.name.bytes();
        match key {
            b"__contentAddressed" => {
                if ev.expect_bool(v, "")? {
                    return Err(experimental("ca-derivations", "content-addressed"));
                }
            }
            b"__impure" => {
                if ev.expect_bool(v, "")? {
                    return Err(experimental("impure-derivations", "impure"));
                }
            }
            b"args" => {
                let items = ev.expect_list(v, "")?;
                for item in items.iter() {
                    let s = ev
                        .coerce_to_string(item, &mut self.context, Coerce::DERIVATION)
                        .map_err(|e| e.with_frame(None, "while evaluating an element of the argument list"))?;
                    self.drv.args.push(s);
                }
            }
            _ if self.json.is_some() => self.process_structured(key, v)?,
            _ => {
                let s = ev.coerce_to_string(v, &mut self.context, Coerce::DERIVATION)?;
                match key {
                    b"builder" => self.drv.builder = s.clone(),
                    b"system" => self.drv.platform = s.clone(),
                    b"outputHash" => self.output_hash = Some(lossy(&s)),
                    b"outputHashAlgo" => self.output_hash_algo = Some(lossy(&s)),
                    b"outputHashMode" => self.set_hash_mode(lossy(&s))?,
                    b"outputs" => self.set_outputs(tokenize(&s))?,
                    _ => {}
                }
                self.drv.env.insert(key.to_vec(), s);
            }
        }
        Ok(())
    }

    fn process_structured(&mut self, key: &[u8], v: &Value) -> EvalResult<()> {
        if key == b"__structuredAttrs" {
            return Ok(());
        }
        let ev = self.ev;
        let json = self.json.as_mut().expect("structured mode");
        if json.len() > 1 {
            json.push(b',');
        }
        write_json_string(json, key);
        json.push(b':');
        ev.value_to_json(v, true, &mut self.context, json)?;
        let no_ctx = |v: &Value| -> EvalResult<String> { Ok(lossy(ev.expect_string_no_ctx(v, "")?.as_bytes())) };
        match key {
            b"builder" => {
                let s = ev.expect_string(v, "")?;
                s.merge_context_into(&mut self.context);
                self.drv.builder = s.as_bytes().to_vec();
            }
            b"system" => self.drv.platform = no_ctx(v)?.into_bytes(),
            b"outputHash" => self.output_hash = Some(no_ctx(v)?),
            b"outputHashAlgo" => self.output_hash_algo = Some(no_ctx(v)?),
            b"outputHashMode" => {
                let mode = no_ctx(v)?;
                self.set_hash_mode(mode)?;
            }
            b"outputs" => {
                let items = ev.expect_list(v, "")?;
                let names = items.iter().map(no_ctx).collect::<EvalResult<Vec<_>>>()?;
                self.set_outputs(names)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn set_hash_mode(&mut self, mode: String) -> EvalResult<()> {
        FileIngestionMethod::parse_mode(&mode)?;
        self.output_hash_mode = Some(mode);
        Ok(())
    }

    fn set_outputs(&mut self, names: Vec<String>) -> EvalResult<()> {
        let mut outputs = BTreeSet::new();
        for name in names {
            if outputs.contains(&name) {
                return Err(EvalError::msg(format!("duplicate derivation output '{name}'")));
            }
            // `drv` clashes with the `.drv` file (Nix 2.8), `drvPath` with the attribute
            // of that name in the result (current Nix).
            if name == "drv" || name == "drvPath" {
                return Err(EvalError::msg(format!("invalid derivation output name '{name}'")));
            }
            outputs.insert(name);
        }
        if outputs.is_empty() {
            return Err(EvalError::msg("derivation cannot have an empty set of outputs"));
        }
        self.outputs = Some(outputs);
        Ok(())
    }

    /// Turns the collected context into input derivations and sources (spec §5.3).
    fn add_inputs(&mut self) -> EvalResult<()> {
        let ev = self.ev;
        for elem in std::mem::take(&mut self.context) {
            match elem {
                ContextElem::Plain(p) => {
                    self.drv.input_srcs.insert(p.to_string());
                }
                ContextElem::Output { drv, output } => {
                    self.drv.input_drvs.entry(drv.to_string()).or_default().insert(output.to_string());
                }
                ContextElem::AllOutputs(d) => {
                    let store = ev.store()?;
                    for path in store.closure([&StorePath::parse(&d)?])? {
                        let p = path.to_absolute();
                        if path.is_derivation() {
                            let outputs = output_names(ev, &path)?;
                            self.drv.input_drvs.entry(p.clone()).or_default().extend(outputs.iter().cloned());
                        }
                        self.drv.input_srcs.insert(p);
                    }
                }
            }
        }
        Ok(())
    }

    fn finish(mut self) -> EvalResult<Value> {
        let ev = self.ev;
        if let Some(mut json) = self.json.take() {
            json.push(b'}');
            self.drv.env.insert(b"__json".to_vec(), json);
        }
        self.add_inputs()?;
        if self.drv.builder.is_empty() {
            return Err(EvalError::msg("required attribute 'builder' missing"));
        }
        if self.drv.platform.is_empty() {
            return Err(EvalError::msg("required attribute 'system' missing"));
        }
        if self.drv.name.ends_with(".drv") {
            return Err(EvalError::msg(
                "derivation names are allowed to end in '.drv' only if they produce a single derivation file",
            ));
        }
        let outputs = self.outputs.take().unwrap_or_else(|| BTreeSet::from(["out".to_string()]));
        if let Some(hash) = &self.output_hash {
            if outputs.len() != 1 || !outputs.contains("out") {
                return Err(EvalError::msg("multiple outputs are not supported in fixed-output derivations"));
            }
            let fixed = FixedOutputHash::from_derivation_attrs(
                hash,
                self.output_hash_algo.as_deref(),
                self.output_hash_mode.as_deref(),
            )?;
            if hash.is_empty() {
                eprintln!("warning: found empty hash, assuming '{}'", fixed.hash.to_sri());
            }
            self.drv.outputs.insert("out".into(), DerivationOutput { path: String::new(), hash: Some(fixed) });
        } else {
            for o in outputs {
                self.drv.outputs.insert(o, DerivationOutput { path: String::new(), hash: None });
            }
        }
        write_derivation(ev, self.drv)
    }
}

/// Output names of a derivation in the store (cached per evaluation).
fn output_names(ev: &Evaluator, drv_path: &StorePath) -> EvalResult<Rc<[String]>> {
    let key = drv_path.to_absolute();
    if let Some(names) = ev.caches.drv_outputs.borrow().get(&key) {
        return Ok(names.clone());
    }
    let store = ev.store()?;
    let names: Rc<[String]> = match store.computed_derivation_output_names(drv_path) {
        Some(names) => names.into(),
        None => store.read_derivation(drv_path)?.outputs.keys().cloned().collect(),
    };
    ev.caches.drv_outputs.borrow_mut().insert(key, names.clone());
    Ok(names)
}

/// The last steps of `derivationStrict`: fills in the output paths, writes the `.drv`,
/// records its modulo hash and builds the result set.
fn write_derivation(ev: &Evaluator, mut drv: Derivation) -> EvalResult<Value> {
    let store = ev.store()?;
    let mut loader = |p: &str| store.read_derivation(&StorePath::parse(p)?);
    let mut memo = ev.caches.drv_hashes.borrow_mut();
    drv.fill_output_paths(&mut loader, &mut memo)?;
    let drv_path = store.add_derivation(&drv)?.to_absolute();
    // Using this derivation as an input later needs its (unmasked) modulo hash.
    let hashes = hash_derivation_modulo(&drv, false, &mut loader, &mut memo)?;
    memo.insert(&drv_path, hashes);
    drop(memo);

    let drv_rc: Rc<str> = Rc::from(drv_path.as_str());
    let mut b = AttrsBuilder::with_capacity(drv.outputs.len() + 1);
    let drv_ctx = Context::from([ContextElem::AllOutputs(drv_rc.clone())]);
    b.insert(ev.syms.drv_path, Value::String(Shared::new(NixString::with_context(drv_path.as_bytes(), drv_ctx))));
    for (name, out) in &drv.outputs {
        let ctx = Context::from([ContextElem::Output { drv: drv_rc.clone(), output: Rc::from(name.as_str()) }]);
        b.insert(Symbol::intern(name), Value::String(Shared::new(NixString::with_context(out.path.as_bytes(), ctx))));
    }
    Ok(Value::attrs(b.finish()))
}

pub const PRIMOPS: &[PrimOp] = &[PrimOp {
    name: "derivationStrict",
    arity: 1,
    func: derivation_strict,
    args: &["attrs"],
    doc: "Writes the derivation described by `attrs` to the store and returns `{ drvPath; <output> = path; }`; \
          `derivation` is the lazy wrapper around it.",
}];
