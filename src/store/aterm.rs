//! The ATerm text of `.drv` files: byte-exact writer and a strict reader
//! (spec §3.1).
//!
//! ```text
//! Derive([OUTPUTS],[INPUT_DRVS],[INPUT_SRCS],"SYSTEM",STR(builder),[ARGS],[ENV])
//! ```
//!
//! The writer reproduces CppNix 2.8 exactly: one line, no trailing newline;
//! outputs, input derivations, input sources and env sorted by byte order
//! (guaranteed by the `BTreeMap`/`BTreeSet` fields of [`Derivation`]); args
//! in their given order. Only builder, args and env keys/values go through
//! `STR`, which escapes `"` `\` LF CR TAB and nothing else; output names,
//! paths, hash fields, input output names and the system are written
//! between quotes verbatim, as CppNix does.
//!
//! The reader accepts what the writer produces (and CppNix's escape
//! decoding: `\x` is `x` for any other `x`), rejects trailing bytes and
//! duplicate keys, and turns the textual outputs into typed ones.
//! Content-addressed ("floating"), deferred and impure outputs need
//! experimental CppNix features and are rejected with a clear message.
//!
//! Masking and input rewriting for `hashDerivationModulo` are writer
//! options here; the hashing itself lives in `derivation.rs`.

use std::collections::{BTreeMap, BTreeSet};

use super::content_address::FixedOutputHash;
use super::derivation::{Derivation, DerivationOutput};
use super::error::{Result, StoreError};
use super::path::StorePath;

/// How to print a derivation.
#[derive(Clone, Copy, Default)]
pub(crate) struct WriteOptions<'a> {
    /// Blank every output path and every env value named after an output.
    pub mask_outputs: bool,
    /// Print this map instead of the derivation's `input_drvs` (the
    /// modulo-hash rewrite keys inputs by hash instead of path).
    pub input_drvs: Option<&'a BTreeMap<String, BTreeSet<String>>>,
}

/// Serialises `drv` as ATerm.
pub(crate) fn write(drv: &Derivation, opts: WriteOptions<'_>) -> Vec<u8> {
    let mut s = Vec::with_capacity(1024);
    s.extend_from_slice(b"Derive([");
    for (i, (name, out)) in drv.outputs.iter().enumerate() {
        if i > 0 {
            s.push(b',');
        }
        s.push(b'(');
        unquoted(&mut s, name.as_bytes());
        s.push(b',');
        let path = if opts.mask_outputs { "" } else { &out.path };
        unquoted(&mut s, path.as_bytes());
        s.push(b',');
        match &out.hash {
            Some(fo) => {
                unquoted(&mut s, fo.method_algo().as_bytes());
                s.push(b',');
                unquoted(&mut s, fo.hash.to_base16().as_bytes());
            }
            None => s.extend_from_slice(b"\"\",\"\""),
        }
        s.push(b')');
    }
    s.extend_from_slice(b"],[");
    let input_drvs = opts.input_drvs.unwrap_or(&drv.input_drvs);
    for (i, (path, outputs)) in input_drvs.iter().enumerate() {
        if i > 0 {
            s.push(b',');
        }
        s.push(b'(');
        unquoted(&mut s, path.as_bytes());
        s.extend_from_slice(b",[");
        for (j, o) in outputs.iter().enumerate() {
            if j > 0 {
                s.push(b',');
            }
            unquoted(&mut s, o.as_bytes());
        }
        s.extend_from_slice(b"])");
    }
    s.extend_from_slice(b"],[");
    for (i, src) in drv.input_srcs.iter().enumerate() {
        if i > 0 {
            s.push(b',');
        }
        unquoted(&mut s, src.as_bytes());
    }
    s.extend_from_slice(b"],");
    unquoted(&mut s, &drv.platform);
    s.push(b',');
    escaped(&mut s, &drv.builder);
    s.extend_from_slice(b",[");
    for (i, arg) in drv.args.iter().enumerate() {
        if i > 0 {
            s.push(b',');
        }
        escaped(&mut s, arg);
    }
    s.extend_from_slice(b"],[");
    for (i, (k, v)) in drv.env.iter().enumerate() {
        if i > 0 {
            s.push(b',');
        }
        s.push(b'(');
        escaped(&mut s, k);
        s.push(b',');
        let masked = opts.mask_outputs && std::str::from_utf8(k).is_ok_and(|k| drv.outputs.contains_key(k));
        escaped(&mut s, if masked { b"" } else { v });
        s.push(b')');
    }
    s.extend_from_slice(b"])");
    s
}

fn unquoted(s: &mut Vec<u8>, text: &[u8]) {
    s.push(b'"');
    s.extend_from_slice(text);
    s.push(b'"');
}

fn escaped(s: &mut Vec<u8>, text: &[u8]) {
    s.reserve(text.len() + 2);
    s.push(b'"');
    // Copy runs of bytes that need no escape in one go; eight bytes at a time are passed
    // over when none of them can need one.
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        if let Some(word) = text.get(i..i + 8) {
            if !may_need_escape(u64::from_le_bytes(word.try_into().expect("eight bytes"))) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(text.len());
        for (j, &c) in text[i..end].iter().enumerate() {
            let esc: &[u8] = match c {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                _ => continue,
            };
            s.extend_from_slice(&text[start..i + j]);
            s.extend_from_slice(esc);
            start = i + j + 1;
        }
        i = end;
    }
    s.extend_from_slice(&text[start..]);
    s.push(b'"');
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether any byte of `word` is below `n` (at most 128): the classic bit trick, exact
/// about whether one is, which is all that is asked.
fn any_byte_below(word: u64, n: u64) -> bool {
    word.wrapping_sub(ONES * n) & !word & HIGHS != 0
}

/// Whether any of eight bytes may be one that `escaped` rewrites: a control byte below
/// `\r` (covering `\t` and `\n`), `"` or `\`. False only when none is.
fn may_need_escape(word: u64) -> bool {
    any_byte_below(word, 0x0e)
        || any_byte_below(word ^ (ONES * u64::from(b'"')), 1)
        || any_byte_below(word ^ (ONES * u64::from(b'\\')), 1)
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn err(&self, message: impl Into<String>) -> StoreError {
        StoreError::BadDerivation { offset: self.pos, message: message.into() }
    }

    fn expect(&mut self, lit: &str) -> Result<()> {
        if self.text[self.pos..].starts_with(lit.as_bytes()) {
            self.pos += lit.len();
            Ok(())
        } else {
            Err(self.err(format!("expected '{lit}'")))
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.text.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A quoted string with CppNix's escape decoding.
    fn bytes(&mut self) -> Result<Vec<u8>> {
        self.expect("\"")?;
        let mut out = Vec::new();
        loop {
            let Some(&c) = self.text.get(self.pos) else {
                return Err(self.err("unterminated string"));
            };
            self.pos += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let Some(&e) = self.text.get(self.pos) else {
                        return Err(self.err("unterminated string"));
                    };
                    self.pos += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        other => other,
                    });
                }
                _ => out.push(c),
            }
        }
    }

    fn string(&mut self, what: &str) -> Result<String> {
        let start = self.pos;
        String::from_utf8(self.bytes()?)
            .map_err(|_| StoreError::BadDerivation { offset: start, message: format!("{what} is not valid UTF-8") })
    }

    fn store_path(&mut self, what: &str) -> Result<String> {
        let start = self.pos;
        let s = self.string(what)?;
        StorePath::parse(&s)
            .map_err(|e| StoreError::BadDerivation { offset: start, message: format!("bad {what}: {e}") })?;
        Ok(s)
    }

    /// `[item,item,…]`.
    fn list(&mut self, mut item: impl FnMut(&mut Self) -> Result<()>) -> Result<()> {
        self.expect("[")?;
        if self.eat(b']') {
            return Ok(());
        }
        loop {
            item(self)?;
            if self.eat(b']') {
                return Ok(());
            }
            self.expect(",")?;
        }
    }
}

/// Parses the ATerm of a derivation named `name` (the store name without
/// `.drv`).
pub(crate) fn parse(text: &[u8], name: &str) -> Result<Derivation> {
    let mut p = Parser { text, pos: 0 };
    let mut drv = Derivation::new(name);
    p.expect("Derive(")?;
    p.list(|p| {
        let start = p.pos;
        p.expect("(")?;
        let out_name = p.string("output name")?;
        p.expect(",")?;
        let path = p.string("output path")?;
        p.expect(",")?;
        let algo = p.string("output hash algorithm")?;
        p.expect(",")?;
        let hash = p.string("output hash")?;
        p.expect(")")?;
        let output = parse_output(&out_name, path, &algo, &hash).map_err(|e| match e {
            StoreError::BadDerivation { .. } => e,
            other => StoreError::BadDerivation { offset: start, message: other.to_string() },
        })?;
        if drv.outputs.insert(out_name.clone(), output).is_some() {
            return Err(p.err(format!("duplicate output '{out_name}'")));
        }
        Ok(())
    })?;
    p.expect(",")?;
    p.list(|p| {
        p.expect("(")?;
        let path = p.store_path("input derivation path")?;
        p.expect(",")?;
        let mut outputs = BTreeSet::new();
        p.list(|p| {
            outputs.insert(p.string("input derivation output name")?);
            Ok(())
        })?;
        p.expect(")")?;
        if drv.input_drvs.insert(path.clone(), outputs).is_some() {
            return Err(p.err(format!("duplicate input derivation '{path}'")));
        }
        Ok(())
    })?;
    p.expect(",")?;
    p.list(|p| {
        let src = p.store_path("input source path")?;
        drv.input_srcs.insert(src);
        Ok(())
    })?;
    p.expect(",")?;
    drv.platform = p.bytes()?;
    p.expect(",")?;
    drv.builder = p.bytes()?;
    p.expect(",")?;
    p.list(|p| {
        drv.args.push(p.bytes()?);
        Ok(())
    })?;
    p.expect(",")?;
    p.list(|p| {
        p.expect("(")?;
        let k = p.bytes()?;
        p.expect(",")?;
        let v = p.bytes()?;
        p.expect(")")?;
        if drv.env.contains_key(&k) {
            return Err(p.err(format!("duplicate environment variable '{}'", String::from_utf8_lossy(&k))));
        }
        drv.env.insert(k, v);
        Ok(())
    })?;
    p.expect(")")?;
    if p.pos != text.len() {
        return Err(p.err("trailing data after the derivation"));
    }
    Ok(drv)
}

fn parse_output(name: &str, path: String, algo: &str, hash: &str) -> Result<DerivationOutput> {
    let unsupported = |what: &str| {
        StoreError::Derivation(format!(
            "output '{name}' is {what}, which needs an experimental Nix feature that tern does not support"
        ))
    };
    if algo.is_empty() {
        if !hash.is_empty() {
            return Err(StoreError::Derivation(format!("output '{name}' has a hash but no hash algorithm")));
        }
        if path.is_empty() {
            return Err(unsupported("deferred (content-addressed input)"));
        }
        StorePath::parse(&path)?;
        return Ok(DerivationOutput { path, hash: None });
    }
    if hash.is_empty() {
        return Err(unsupported("content-addressed (floating)"));
    }
    if hash == "impure" {
        return Err(unsupported("impure"));
    }
    StorePath::parse(&path)?;
    Ok(DerivationOutput { path, hash: Some(FixedOutputHash::parse(algo, hash)?) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `escaped` byte by byte, the obvious way.
    fn escaped_slowly(text: &[u8]) -> Vec<u8> {
        let mut s = vec![b'"'];
        for &c in text {
            match c {
                b'"' => s.extend_from_slice(b"\\\""),
                b'\\' => s.extend_from_slice(b"\\\\"),
                b'\n' => s.extend_from_slice(b"\\n"),
                b'\r' => s.extend_from_slice(b"\\r"),
                b'\t' => s.extend_from_slice(b"\\t"),
                c => s.push(c),
            }
        }
        s.push(b'"');
        s
    }

    #[test]
    fn escaping_word_at_a_time_matches_byte_at_a_time() {
        // Every byte value at every position of words and tails, among plain text.
        for len in 0..40 {
            for pos in 0..len.max(1) {
                for c in 0..=255u8 {
                    let mut text = b"abcdefghijklmnopqrstuvwxyz0123456789ABCD"[..len].to_vec();
                    if len > 0 {
                        text[pos] = c;
                    }
                    let mut fast = Vec::new();
                    escaped(&mut fast, &text);
                    assert_eq!(fast, escaped_slowly(&text), "{text:?}");
                }
            }
        }
        let mixed = b"a\"b\\c\nd\re\tf\x0b\x0c\x0e\x7f\x80\xff\"\"\"\"\"\"\"\"\\\\";
        let mut fast = Vec::new();
        escaped(&mut fast, mixed);
        assert_eq!(fast, escaped_slowly(mixed));
    }

    const SIMPLE: &str = r#"Derive([("out","/nix/store/nj83liashqlzmxjq8lyfxrx21whvgpqj-simple","","")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","simple"),("out","/nix/store/nj83liashqlzmxjq8lyfxrx21whvgpqj-simple"),("system","x86_64-linux")])"#;

    #[test]
    fn simple_round_trip() {
        let drv = parse(SIMPLE.as_bytes(), "simple").unwrap();
        assert_eq!(drv.platform, b"x86_64-linux");
        assert_eq!(drv.env.len(), 4);
        assert_eq!(write(&drv, WriteOptions::default()), SIMPLE.as_bytes());
    }

    #[test]
    fn masked() {
        let drv = parse(SIMPLE.as_bytes(), "simple").unwrap();
        let masked = write(&drv, WriteOptions { mask_outputs: true, input_drvs: None });
        let want = r#"Derive([("out","","","")],[],[],"x86_64-linux","/bin/sh",[],[("builder","/bin/sh"),("name","simple"),("out",""),("system","x86_64-linux")])"#;
        assert_eq!(String::from_utf8(masked).unwrap(), want);
    }

    #[test]
    fn escapes_round_trip() {
        let mut drv = parse(SIMPLE.as_bytes(), "simple").unwrap();
        let nasty = b"q\" b\\ n\n t\t r\r $ \x01 \xff".to_vec();
        drv.env.insert(b"s".to_vec(), nasty.clone());
        drv.args.push(nasty.clone());
        let text = write(&drv, WriteOptions::default());
        let as_str = String::from_utf8_lossy(&text);
        assert!(as_str.contains(r#"q\" b\\ n\n t\t r\r $ "#), "{as_str}");
        let back = parse(&text, "simple").unwrap();
        assert_eq!(back, drv);
    }

    #[test]
    fn rejects_malformed() {
        let cases = [
            "",
            "Derive(",
            &SIMPLE[..SIMPLE.len() - 1],
            &format!("{SIMPLE} "),
            &SIMPLE.replace("\"/bin/sh\",[]", "\"/bin/sh\",[,]"),
            &SIMPLE.replace("[(\"out\",\"/nix", "[(\"out\",\"/tmp"),
            &SIMPLE.replace("\"\",\"\")]", "\"r:sha256\",\"\")]"),
            &SIMPLE.replace("\"\",\"\")]", "\"r:sha256\",\"impure\")]"),
            &SIMPLE.replace("(\"name\",\"simple\")", "(\"name\",\"simple\"),(\"name\",\"x\")"),
        ];
        for c in cases {
            assert!(parse(c.as_bytes(), "simple").is_err(), "{c}");
        }
    }
}
