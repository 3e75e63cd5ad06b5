//! XML: `toXML` and the printer behind `tern eval --xml`, byte for byte CppNix's
//! `value-to-xml.cc` and `XMLWriter`.
//!
//! The document starts with `<?xml version='1.0' encoding='utf-8'?>`, wraps the value in
//! `<expr>`, and puts every element on its own line, indented by two spaces per level.
//! Scalars are empty elements (`<int value="1" />`, `<null />`); sets are `<attrs>` of
//! `<attr name=…>` in byte order of the names; derivations are `<derivation drvPath=…
//! outPath=…>` and, the second time the same `drvPath` is met, only `<repeated />`; lambdas
//! are `<function>` with `<varpat name=…/>` or `<attrspat>` (formals in byte order,
//! `ellipsis="1"`, `name=` for `@`); builtins and unevaluated thunks are `<unevaluated />`.
//! XML attributes come in byte order of their names (CppNix keeps them in a `std::map`),
//! and their values escape `"`, `<`, `>`, `&` and newline only.
//!
//! With `strict`, each value is forced as it is printed (`toXML` and `--xml --strict`);
//! otherwise values not yet evaluated print as `<unevaluated />`. With `location`
//! (`--xml` without `--no-location`), attributes and lambdas carry `line`, `column` and, for
//! files, `path` of their definition. The `type` of a set is always forced, to recognise
//! derivations. Contexts of the strings printed are collected into the result's context.

use crate::eval::shared::Shared;
use std::collections::HashSet;

use crate::diag::source_map::{try_source, Origin, Span};
use crate::numfmt::format_g;

use super::super::error::{ErrorKind, EvalError, EvalResult};
use super::super::ir::ParamIr;
use super::super::string::{Context, NixString};
use super::super::value::Value;
use super::super::Evaluator;
use super::PrimOp;

/// An XML document being written, with CppNix's `XMLWriter` layout.
struct XmlWriter {
    out: Vec<u8>,
    depth: usize,
}

/// An XML attribute: name and (unescaped) value.
type XmlAttr<'a> = (&'static str, std::borrow::Cow<'a, [u8]>);

impl XmlWriter {
    fn new() -> XmlWriter {
        XmlWriter { out: b"<?xml version='1.0' encoding='utf-8'?>\n".to_vec(), depth: 0 }
    }

    fn indent(&mut self) {
        self.out.resize(self.out.len() + 2 * self.depth, b' ');
    }

    fn attrs(&mut self, attrs: &[XmlAttr<'_>]) {
        for (name, value) in attrs {
            self.out.push(b' ');
            self.out.extend_from_slice(name.as_bytes());
            self.out.extend_from_slice(b"=\"");
            for &c in value.iter() {
                match c {
                    b'"' => self.out.extend_from_slice(b"&quot;"),
                    b'<' => self.out.extend_from_slice(b"&lt;"),
                    b'>' => self.out.extend_from_slice(b"&gt;"),
                    b'&' => self.out.extend_from_slice(b"&amp;"),
                    // Keeps the newline from attribute-value normalisation (XML 1.0, 3.3.3).
                    b'\n' => self.out.extend_from_slice(b"&#xA;"),
                    c => self.out.push(c),
                }
            }
            self.out.push(b'"');
        }
    }

    fn open(&mut self, name: &str, attrs: &[XmlAttr<'_>]) {
        self.indent();
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        self.attrs(attrs);
        self.out.extend_from_slice(b">\n");
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        self.indent();
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b">\n");
    }

    fn empty(&mut self, name: &str, attrs: &[XmlAttr<'_>]) {
        self.indent();
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        self.attrs(attrs);
        self.out.extend_from_slice(b" />\n");
    }
}

fn text(s: impl Into<String>) -> std::borrow::Cow<'static, [u8]> {
    std::borrow::Cow::Owned(s.into().into_bytes())
}

/// `column`, `line` and (for files) `path` of a position, in that (byte) order.
fn position_attrs(span: Span) -> Vec<XmlAttr<'static>> {
    let Some(file) = try_source(span.file) else { return Vec::new() };
    let (line, column) = file.line_col(span.start);
    let mut attrs = vec![("column", text(column.to_string())), ("line", text(line.to_string()))];
    if let Origin::File(p) | Origin::Embedded(p) = &file.origin {
        attrs.push(("path", text(p.clone())));
    }
    attrs
}

/// State of one `toXML` rendering.
struct Printer<'e> {
    ev: &'e Evaluator,
    strict: bool,
    location: bool,
    doc: XmlWriter,
    ctx: Context,
    drvs_seen: HashSet<Vec<u8>>,
    depth: u32,
}

impl Printer<'_> {
    /// The value to print: forced when strict, else as far as it has been evaluated.
    fn resolve(&self, v: &Value) -> EvalResult<Option<Value>> {
        match v {
            Value::Thunk(t) => match t.value() {
                Some(done) => Ok(Some(done.clone())),
                None if self.strict => self.ev.force(v).map(Some),
                None => Ok(None),
            },
            other => Ok(Some(other.clone())),
        }
    }

    fn print(&mut self, v: &Value) -> EvalResult<()> {
        self.depth += 1;
        if self.depth > self.ev.settings.max_call_depth {
            return Err(EvalError::new(ErrorKind::StackOverflow, "stack overflow; max-call-depth exceeded", None));
        }
        let result = crate::eval::stack::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.print_value(v));
        self.depth -= 1;
        result
    }

    fn print_value(&mut self, v: &Value) -> EvalResult<()> {
        let Some(v) = self.resolve(v)? else {
            self.doc.empty("unevaluated", &[]);
            return Ok(());
        };
        match &v {
            Value::Int(i) => self.doc.empty("int", &[("value", text(i.to_string()))]),
            Value::Bool(b) => self.doc.empty("bool", &[("value", text(if *b { "true" } else { "false" }))]),
            Value::String(s) => {
                s.merge_context_into(&mut self.ctx);
                self.doc.empty("string", &[("value", std::borrow::Cow::Borrowed(s.as_bytes()))]);
            }
            Value::Path(p) => self.doc.empty("path", &[("value", text(p.to_string()))]),
            Value::Null => self.doc.empty("null", &[]),
            Value::Float(f) => self.doc.empty("float", &[("value", text(format_g(*f)))]),
            Value::Attrs(a) => {
                if self.ev.is_derivation(a)? {
                    let mut attrs = Vec::new();
                    let mut drv_path = Vec::new();
                    if let Some(p) = a.get(self.ev.syms.drv_path) {
                        if let Some(Value::String(s)) = self.resolve(p)? {
                            drv_path = s.as_bytes().to_vec();
                            attrs.push(("drvPath", std::borrow::Cow::Owned(drv_path.clone())));
                        }
                    }
                    if let Some(p) = a.get(self.ev.syms.out_path) {
                        if let Some(Value::String(s)) = self.resolve(p)? {
                            attrs.push(("outPath", std::borrow::Cow::Owned(s.as_bytes().to_vec())));
                        }
                    }
                    self.doc.open("derivation", &attrs);
                    if !drv_path.is_empty() && self.drvs_seen.insert(drv_path) {
                        self.print_attrs(a)?;
                    } else {
                        self.doc.empty("repeated", &[]);
                    }
                    self.doc.close("derivation");
                } else {
                    self.doc.open("attrs", &[]);
                    self.print_attrs(a)?;
                    self.doc.close("attrs");
                }
            }
            Value::List(l) => {
                self.doc.open("list", &[]);
                for item in l.iter() {
                    self.print(item)?;
                }
                self.doc.close("list");
            }
            Value::Lambda(c) => {
                let lambda = c.lambda;
                let attrs = if self.location { position_attrs(lambda.span) } else { Vec::new() };
                self.doc.open("function", &attrs);
                match &lambda.param {
                    ParamIr::Ident(name) => {
                        self.doc.empty("varpat", &[("name", std::borrow::Cow::Borrowed(name.bytes()))]);
                    }
                    ParamIr::Pattern(p) => {
                        let mut attrs: Vec<XmlAttr<'_>> = Vec::new();
                        if p.ellipsis {
                            attrs.push(("ellipsis", text("1")));
                        }
                        if let Some(name) = p.bind_name {
                            attrs.push(("name", std::borrow::Cow::Owned(name.bytes().to_vec())));
                        }
                        self.doc.open("attrspat", &attrs);
                        let mut names: Vec<&[u8]> = p.formals.iter().map(|f| f.name.bytes()).collect();
                        names.sort();
                        for name in names {
                            self.doc.empty("attr", &[("name", std::borrow::Cow::Borrowed(name))]);
                        }
                        self.doc.close("attrspat");
                    }
                }
                self.doc.close("function");
            }
            Value::PrimOp(_) | Value::PrimOpApp(_) | Value::Thunk(_) => self.doc.empty("unevaluated", &[]),
        }
        Ok(())
    }

    fn print_attrs(&mut self, a: &Shared<super::super::attrs::Attrs>) -> EvalResult<()> {
        for attr in a.iter_sorted() {
            let mut attrs: Vec<XmlAttr<'_>> = Vec::new();
            let pos = if self.location { attr.pos.span().map(position_attrs).unwrap_or_default() } else { Vec::new() };
            // Byte order of the XML attribute names: column, line, name, path.
            let mut pos = pos.into_iter();
            attrs.extend(pos.by_ref().take(2));
            attrs.push(("name", std::borrow::Cow::Owned(attr.name.bytes().to_vec())));
            attrs.extend(pos);
            self.doc.open("attr", &attrs);
            self.print(&attr.value)?;
            self.doc.close("attr");
        }
        Ok(())
    }
}

impl Evaluator {
    /// Renders a value as CppNix's XML document (ending in a newline); the contexts of the
    /// strings in it are added to `ctx`.
    pub fn value_to_xml(&self, v: &Value, strict: bool, location: bool, ctx: &mut Context) -> EvalResult<Vec<u8>> {
        let mut p = Printer {
            ev: self,
            strict,
            location,
            doc: XmlWriter::new(),
            ctx: Context::new(),
            drvs_seen: HashSet::new(),
            depth: 0,
        };
        p.doc.open("expr", &[]);
        p.print(v)?;
        p.doc.close("expr");
        ctx.append(&mut p.ctx);
        Ok(p.doc.out)
    }
}

fn to_xml(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let mut ctx = Context::new();
    let out = ev.value_to_xml(&args[0], true, false, &mut ctx)?;
    Ok(Value::String(Shared::new(NixString::with_context(out, ctx))))
}

pub const PRIMOPS: &[PrimOp] = &[PrimOp {
    name: "toXML",
    arity: 1,
    func: to_xml,
    args: &["e"],
    doc: "Renders `e` (forced deeply) as the XML document `nix-instantiate --eval --xml` prints: `<expr>` holding `<attrs>`/`<attr name=…>`, `<list>`, `<string value=…/>`, `<int>`, `<bool>`, `<null/>`, `<derivation>`, `<function>` and so on. The result keeps the contexts of the strings inside.",
}];

#[cfg(test)]
mod tests {
    use crate::diag::source_map::Origin;

    use super::*;

    fn xml(origin: Origin, text: &str, strict: bool, location: bool) -> String {
        let ev = Evaluator::new(Default::default());
        let program = ev.compile(origin, text.as_bytes(), "/", Vec::new()).expect("parses");
        let v = ev.eval(program.ir, &ev.root_env.clone()).expect("evaluates");
        let mut ctx = Context::new();
        String::from_utf8(ev.value_to_xml(&v, strict, location, &mut ctx).expect("renders")).expect("UTF-8")
    }

    #[test]
    fn locations_of_attributes_and_lambdas() {
        let text = "{ a = 1;\n  f = { x, ... }@args: x; }";
        let from_file = xml(Origin::File("/src/t.nix".into()), text, true, true);
        assert!(from_file.contains("<attr column=\"3\" line=\"1\" name=\"a\" path=\"/src/t.nix\">"), "{from_file}");
        assert!(from_file.contains("<attr column=\"3\" line=\"2\" name=\"f\" path=\"/src/t.nix\">"), "{from_file}");
        assert!(from_file.contains("<function column=\"7\" line=\"2\" path=\"/src/t.nix\">"), "{from_file}");
        // An expression has no file: line and column only.
        let from_string = xml(Origin::String, text, true, true);
        assert!(from_string.contains("<attr column=\"3\" line=\"1\" name=\"a\">"), "{from_string}");
        assert!(from_string.contains("<function column=\"7\" line=\"2\">"), "{from_string}");
        // Without locations, nothing of it.
        assert!(!xml(Origin::String, text, true, false).contains("line="));
    }

    #[test]
    fn attributes_built_by_builtins_have_no_location() {
        let out = xml(Origin::String, "builtins.fromJSON ''{\"k\": 1}''", true, true);
        assert!(out.contains("<attr name=\"k\">"), "{out}");
    }
}
