//! Hashing builtins: `hashString hashFile convertHash`.
//!
//! Algorithms are md5, sha1, sha256 and sha512; results of `hashString`/`hashFile` are
//! lowercase base16 without context. `convertHash` parses a hash in any encoding CppNix
//! accepts (SRI, `algo:…`, or bare with `hashAlgo`) and prints it as base16, nix32
//! (`base32` is a deprecated alias, with a warning), base64 or SRI.

use crate::eval::shared::Shared;

use crate::diag::source_map::Span;
use crate::store::hash::{hash_file, hash_string, Hash, HashAlgo, HashFormat};
use crate::symbol::Symbol;

use super::super::error::{EvalError, EvalResult};
use super::super::value::Value;
use super::super::Evaluator;
use super::args::arg;
use super::store_bridge::missing_path;
use super::PrimOp;

/// Parses an algorithm name with CppNix's message.
fn parse_algo(name: &str) -> EvalResult<HashAlgo> {
    HashAlgo::parse(name).map_err(|_| {
        EvalError::msg(format!("unknown hash algorithm '{name}', expect 'md5', 'sha1', 'sha256', or 'sha512'"))
    })
}

fn hash_string_(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let algo = ev.arg_string_no_ctx(arg("hashString", args, 0))?;
    let algo = parse_algo(&algo.to_str_lossy())?;
    // The context of the hashed string is discarded.
    let s = ev.arg_string(arg("hashString", args, 1))?;
    Ok(Value::string(hash_string(algo, s.as_bytes()).to_base16()))
}

fn hash_file_(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let algo = ev.arg_string_no_ctx(arg("hashFile", args, 0))?;
    let algo = parse_algo(&algo.to_str_lossy())?;
    let path = ev.arg_path(arg("hashFile", args, 1))?;
    let real = ev.physical_path(&path)?;
    if !real.exists() {
        return Err(missing_path(&path));
    }
    Ok(Value::string(hash_file(algo, &real)?.to_base16()))
}

fn convert_hash(ev: &Evaluator, args: &[Value], _: Span) -> EvalResult<Value> {
    let attrs = ev.arg_attrs(arg("convertHash", args, 0))?;
    let get = |name: &str| attrs.get(Symbol::intern(name));
    let hash = get("hash").ok_or_else(|| {
        EvalError::msg("attribute 'hash' missing").with_frame(None, "while locating the attribute 'hash'")
    })?;
    let hash = ev.expect_string_no_ctx(hash, "while evaluating the attribute 'hash'")?;
    let algo = match get("hashAlgo") {
        Some(v) => {
            let name = ev.expect_string_no_ctx(v, "while evaluating the attribute 'hashAlgo'")?;
            Some(parse_algo(&name.to_str_lossy())?)
        }
        None => None,
    };
    let format = get("toHashFormat").ok_or_else(|| {
        EvalError::msg("attribute 'toHashFormat' missing")
            .with_frame(None, "while locating the attribute 'toHashFormat'")
    })?;
    let format = ev.expect_string_no_ctx(format, "while evaluating the attribute 'toHashFormat'")?;
    let format_name = format.to_str_lossy();
    let format = HashFormat::parse(&format_name)?;
    if format_name == "base32" {
        eprintln!("warning: \"base32\" is a deprecated alias for hash format \"nix32\".");
    }
    let parsed = Hash::parse_any(&hash.to_str_lossy(), algo)?;
    Ok(Value::String(Shared::new(parsed.encode(format, format == HashFormat::Sri).into())))
}

pub const PRIMOPS: &[PrimOp] = &[
    PrimOp {
        name: "hashString",
        arity: 2,
        func: hash_string_,
        args: &["type", "s"],
        doc: "The base-16 hash of string `s` with algorithm `type` (\"md5\", \"sha1\", \"sha256\" or \"sha512\").",
    },
    PrimOp {
        name: "hashFile",
        arity: 2,
        func: hash_file_,
        args: &["type", "p"],
        doc: "The base-16 hash of the file at `p` with algorithm `type` (\"md5\", \"sha1\", \"sha256\" or \"sha512\").",
    },
    PrimOp {
        name: "convertHash",
        arity: 1,
        func: convert_hash,
        args: &["args"],
        doc: "Re-encodes `args.hash` (SRI, `algo:…`, or bare with `args.hashAlgo`) as `args.toHashFormat`: \
              \"base16\", \"nix32\" (or \"base32\"), \"base64\" or \"sri\".",
    },
];
