//! The builder's environment and the files it finds in its build directory
//! (store.md §7.2, checked against the `builder-env`/`structured-env`
//! dumps in `build.tsv`).
//!
//! In CppNix 2.8's order: start empty; `PATH=/path-not-set`,
//! `HOME=/homeless-shelter`, `NIX_STORE=/nix/store`, `NIX_BUILD_CORES`;
//! then every drv env entry (plain derivations only), except that an entry
//! named in `passAsFile` is written to `.attr-<nix32(sha256(name))>` in the
//! build directory and announced as `<name>Path`; then `NIX_BUILD_TOP`,
//! `TMPDIR`, `TEMPDIR`, `TMP`, `TEMP`, `PWD` (the build directory);
//! `NIX_OUTPUT_CHECKED=1` and the `impureEnvVars` copied from tern's own
//! environment for fixed-output derivations; `NIX_LOG_FD=2`,
//! `TERM=xterm-256color`. Structured derivations get `.attrs.json` and
//! `.attrs.sh` instead of env entries, announced by `NIX_ATTRS_JSON_FILE`
//! and `NIX_ATTRS_SH_FILE`.
//!
//! Output placeholders (`builtins.placeholder "out"` = `/1rz4…`) are
//! replaced by the output paths in env entries, arguments, passAsFile
//! contents and the structured files — CppNix 2.8 does this for every
//! derivation (checked with nix-build: a `placeholder "out"` in `args`
//! reaches the builder as the real path), although store.md §7.2 says
//! otherwise.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::structured;
use crate::build::drvattrs::DrvAttrs;
use crate::store::hash::{hash_string, HashAlgo};
use crate::store::path::placeholder;
use crate::store::Derivation;

/// What the builder process is started with.
#[derive(Debug)]
pub(crate) struct BuilderEnv {
    pub builder: Vec<u8>,
    pub args: Vec<Vec<u8>>,
    pub env: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// Inputs of [`prepare`] beyond the derivation.
pub(crate) struct EnvSettings<'a> {
    /// The build directory, as the builder sees it (also where files are written).
    pub build_dir: &'a Path,
    pub cores: usize,
    /// Reads a variable of tern's own environment (for `impureEnvVars`).
    pub caller_env: &'a dyn Fn(&str) -> Option<Vec<u8>>,
}

/// Replaces every occurrence of each `from` with its `to`, in turn.
pub(crate) fn rewrite(s: &[u8], rewrites: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut cur = s.to_vec();
    for (from, to) in rewrites {
        if from.is_empty() || cur.len() < from.len() {
            continue;
        }
        if !cur.windows(from.len()).any(|w| w == from.as_slice()) {
            continue;
        }
        let mut out = Vec::with_capacity(cur.len());
        let mut i = 0;
        while i < cur.len() {
            if cur[i..].starts_with(from) {
                out.extend_from_slice(to);
                i += from.len();
            } else {
                out.push(cur[i]);
                i += 1;
            }
        }
        cur = out;
    }
    cur
}

fn write_private(path: &Path, contents: &[u8]) -> Result<(), String> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create '{}': {e}", path.display()))?;
    f.write_all(contents).map_err(|e| format!("cannot write '{}': {e}", path.display()))
}

/// Computes the builder's environment and arguments and writes the
/// passAsFile / structured-attrs files into the build directory.
pub(crate) fn prepare(drv: &Derivation, attrs: &DrvAttrs<'_>, s: &EnvSettings<'_>) -> Result<BuilderEnv, String> {
    let rewrites: Vec<(Vec<u8>, Vec<u8>)> =
        drv.outputs.iter().map(|(name, o)| (placeholder(name).into_bytes(), o.path.clone().into_bytes())).collect();
    let top = s.build_dir.to_string_lossy().into_owned();
    let mut env: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    let mut set = |k: &str, v: &[u8]| {
        env.insert(k.as_bytes().to_vec(), v.to_vec());
    };
    set("PATH", b"/path-not-set");
    set("HOME", b"/homeless-shelter");
    set("NIX_STORE", crate::store::STORE_DIR.as_bytes());
    set("NIX_BUILD_CORES", s.cores.to_string().as_bytes());

    if attrs.structured.is_none() {
        let pass_as_file: Vec<Vec<u8>> = drv
            .env_get("passAsFile")
            .map(|v| v.split(|b| b.is_ascii_whitespace()).filter(|w| !w.is_empty()).map(<[u8]>::to_vec).collect())
            .unwrap_or_default();
        for (k, v) in &drv.env {
            if pass_as_file.contains(k) {
                let name = format!(".attr-{}", hash_string(HashAlgo::Sha256, k).to_nix32());
                write_private(&s.build_dir.join(&name), &rewrite(v, &rewrites))?;
                let mut key = k.clone();
                key.extend_from_slice(b"Path");
                env.insert(key, format!("{top}/{name}").into_bytes());
            } else {
                env.insert(k.clone(), v.clone());
            }
        }
    }

    let mut set = |k: &str, v: &[u8]| {
        env.insert(k.as_bytes().to_vec(), v.to_vec());
    };
    for k in ["NIX_BUILD_TOP", "TMPDIR", "TEMPDIR", "TMP", "TEMP", "PWD"] {
        set(k, top.as_bytes());
    }
    if drv.is_fixed_output() {
        set("NIX_OUTPUT_CHECKED", b"1");
        for name in attrs.list("impureEnvVars").unwrap_or_default() {
            if let Some(v) = (s.caller_env)(&name) {
                set(&name, &v);
            }
        }
    }
    set("NIX_LOG_FD", b"2");
    set("TERM", b"xterm-256color");

    if let Some(obj) = &attrs.structured {
        let outputs: BTreeMap<String, String> = drv.outputs.iter().map(|(n, o)| (n.clone(), o.path.clone())).collect();
        let json = structured::with_outputs(obj.clone(), &outputs);
        let json_file = s.build_dir.join(".attrs.json");
        let sh_file = s.build_dir.join(".attrs.sh");
        write_private(&json_file, &rewrite(structured::to_json(&json).as_bytes(), &rewrites))?;
        write_private(&sh_file, &rewrite(structured::to_shell(&json).as_bytes(), &rewrites))?;
        set("NIX_ATTRS_JSON_FILE", format!("{top}/.attrs.json").as_bytes());
        set("NIX_ATTRS_SH_FILE", format!("{top}/.attrs.sh").as_bytes());
    }

    let env = env.into_iter().map(|(k, v)| (rewrite(&k, &rewrites), rewrite(&v, &rewrites))).collect();
    let args = drv.args.iter().map(|a| rewrite(a, &rewrites)).collect();
    Ok(BuilderEnv { builder: drv.builder.clone(), args, env })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_all_occurrences() {
        let r = vec![(b"ab".to_vec(), b"X".to_vec()), (b"X".to_vec(), b"YY".to_vec())];
        assert_eq!(rewrite(b"abcabab", &r), b"YYcYYYY".to_vec());
        assert_eq!(rewrite(b"", &r), b"".to_vec());
    }
}
