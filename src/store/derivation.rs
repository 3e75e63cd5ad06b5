//! Derivations: the in-memory form of a `.drv`, `hashDerivationModulo`,
//! output path computation and the `.drv` path (spec §3.2–§3.3).
//!
//! A [`Derivation`] holds what the ATerm holds plus its `name` (the store
//! name without `.drv`, which is not part of the text). Fields that may
//! carry arbitrary Nix string bytes — platform, builder, args, env keys and
//! values — are `Vec<u8>`, so evaluator strings pass through unchanged even
//! when they are not UTF-8. Output names and store paths are `String`: they
//! are validated ASCII.
//!
//! `hashDerivationModulo` gives each output of a derivation the hash that
//! stands for it as an input of another derivation: for a fixed-output
//! derivation a hash of its declared output only (so how the output was
//! fetched does not leak downstream), otherwise the sha256 of its ATerm
//! with every input derivation path replaced by that input's own modulo
//! hash. Inputs are loaded through a [`DerivationLoader`] (the local store,
//! or a map in tests) and memoised in a [`HashModuloMemo`] by drv path —
//! sound forever, because a drv path is a hash of the drv's content.
//!
//! [`Derivation::fill_output_paths`] is the tail of `derivationStrict`:
//! given a derivation whose outputs are declared (paths blank), it computes
//! every output path and writes it into the outputs and the env.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::aterm::{self, WriteOptions};
use super::content_address::FixedOutputHash;
use super::error::{Result, StoreError};
use super::hash::{hash_string, Hash, HashAlgo};
use super::path::{fixed_output_path, output_path, text_path, StorePath};

/// One output of a derivation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivationOutput {
    /// The output's store path; empty while it is not yet computed.
    pub path: String,
    /// For a fixed-output derivation's `out`: the expected hash.
    pub hash: Option<FixedOutputHash>,
}

/// A derivation, as stored in a `.drv` file (plus its name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derivation {
    /// The derivation name; the `.drv` is stored as `name + ".drv"`.
    pub name: String,
    pub outputs: BTreeMap<String, DerivationOutput>,
    /// Input derivation path → the output names used.
    pub input_drvs: BTreeMap<String, BTreeSet<String>>,
    /// Input source store paths.
    pub input_srcs: BTreeSet<String>,
    pub platform: Vec<u8>,
    pub builder: Vec<u8>,
    pub args: Vec<Vec<u8>>,
    pub env: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// Per-output modulo hashes of one derivation.
pub type DrvHashes = BTreeMap<String, Hash>;

/// Loads input derivations by `.drv` path for modulo hashing.
pub trait DerivationLoader {
    fn load_derivation(&mut self, drv_path: &str) -> Result<Derivation>;
}

impl<F: FnMut(&str) -> Result<Derivation>> DerivationLoader for F {
    fn load_derivation(&mut self, drv_path: &str) -> Result<Derivation> {
        self(drv_path)
    }
}

impl DerivationLoader for BTreeMap<String, Derivation> {
    fn load_derivation(&mut self, drv_path: &str) -> Result<Derivation> {
        self.get(drv_path).cloned().ok_or_else(|| StoreError::NotValid { path: drv_path.to_string() })
    }
}

impl DerivationLoader for HashMap<String, Derivation> {
    fn load_derivation(&mut self, drv_path: &str) -> Result<Derivation> {
        self.get(drv_path).cloned().ok_or_else(|| StoreError::NotValid { path: drv_path.to_string() })
    }
}

/// Memo of modulo hashes by drv path; keep one per evaluation (or longer).
///
/// An evaluation instantiating a package set keeps one entry per derivation, so entries are
/// compact: every output of a derivation has the same modulo hash (a fixed-output one has
/// only `out`; for any other it is the hash of the whole ATerm), stored once.
#[derive(Default, Debug)]
pub struct HashModuloMemo {
    hashes: HashMap<Box<str>, MemoEntry, foldhash::fast::RandomState>,
}

#[derive(Debug)]
enum MemoEntry {
    /// Outputs sharing one hash (always the case for what `hash_derivation_modulo` returns).
    Shared { hash: Hash, outputs: Box<[Box<str>]> },
    /// Anything else a caller recorded.
    PerOutput(DrvHashes),
}

impl MemoEntry {
    fn new(hashes: DrvHashes) -> MemoEntry {
        let mut values = hashes.values();
        match values.next() {
            Some(first) if values.all(|h| h == first) => MemoEntry::Shared {
                hash: first.clone(),
                outputs: hashes.keys().map(|k| Box::from(k.as_str())).collect(),
            },
            _ => MemoEntry::PerOutput(hashes),
        }
    }

    fn get(&self, output: &str) -> Option<&Hash> {
        match self {
            MemoEntry::Shared { hash, outputs } => outputs.iter().any(|o| &**o == output).then_some(hash),
            MemoEntry::PerOutput(map) => map.get(output),
        }
    }

    fn to_hashes(&self) -> DrvHashes {
        match self {
            MemoEntry::Shared { hash, outputs } => outputs.iter().map(|o| (o.to_string(), hash.clone())).collect(),
            MemoEntry::PerOutput(map) => map.clone(),
        }
    }
}

impl HashModuloMemo {
    pub fn new() -> HashModuloMemo {
        HashModuloMemo::default()
    }

    /// The memoised hashes of `drv_path`, if any.
    pub fn get(&self, drv_path: &str) -> Option<DrvHashes> {
        self.hashes.get(drv_path).map(MemoEntry::to_hashes)
    }

    /// Records the hashes of a derivation the caller just created, so that
    /// using it as an input later needs no store read. Compute them with
    /// `hash_derivation_modulo(drv, false, …)` (unmasked).
    pub fn insert(&mut self, drv_path: &str, hashes: DrvHashes) {
        self.hashes.insert(Box::from(drv_path), MemoEntry::new(hashes));
    }

    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

impl Derivation {
    /// An empty derivation named `name`.
    pub fn new(name: &str) -> Derivation {
        Derivation {
            name: name.to_string(),
            outputs: BTreeMap::new(),
            input_drvs: BTreeMap::new(),
            input_srcs: BTreeSet::new(),
            platform: Vec::new(),
            builder: Vec::new(),
            args: Vec::new(),
            env: BTreeMap::new(),
        }
    }

    /// Parses `.drv` text; `name` is the store name without `.drv`.
    pub fn parse(text: &[u8], name: &str) -> Result<Derivation> {
        aterm::parse(text, name)
    }

    /// Parses the `.drv` text stored at `drv_path` (its name comes from the
    /// path).
    pub fn parse_at(text: &[u8], drv_path: &StorePath) -> Result<Derivation> {
        let name = drv_path
            .name()
            .strip_suffix(".drv")
            .ok_or_else(|| StoreError::Derivation(format!("'{drv_path}' is not a derivation path")))?;
        aterm::parse(text, name)
    }

    /// The exact `.drv` text.
    pub fn to_aterm(&self) -> Vec<u8> {
        aterm::write(self, WriteOptions::default())
    }

    /// An env value by key.
    pub fn env_get(&self, key: &str) -> Option<&[u8]> {
        self.env.get(key.as_bytes()).map(Vec::as_slice)
    }

    /// The expected hash if this is a fixed-output derivation: exactly one
    /// output, `out`, with a hash.
    pub fn fixed_output(&self) -> Option<&FixedOutputHash> {
        match (self.outputs.len(), self.outputs.get("out")) {
            (1, Some(out)) => out.hash.as_ref(),
            _ => None,
        }
    }

    pub fn is_fixed_output(&self) -> bool {
        self.fixed_output().is_some()
    }

    /// The references of the `.drv` file: input derivations ∪ input sources.
    pub fn references(&self) -> Result<BTreeSet<StorePath>> {
        self.input_drvs.keys().chain(self.input_srcs.iter()).map(|p| StorePath::parse(p)).collect()
    }

    /// The store path of this derivation's `.drv` file (a text object named
    /// `name.drv` whose references are its inputs).
    pub fn drv_path(&self) -> Result<StorePath> {
        let text = self.to_aterm();
        let hash = hash_string(HashAlgo::Sha256, &text);
        text_path(&format!("{}.drv", self.name), &hash, &self.references()?)
    }

    /// Output name → output path, for every output.
    pub fn output_paths(&self) -> BTreeMap<&str, &str> {
        self.outputs.iter().map(|(n, o)| (n.as_str(), o.path.as_str())).collect()
    }

    fn check_outputs(&self) -> Result<()> {
        if self.outputs.is_empty() {
            return Err(StoreError::Derivation(format!("derivation '{}' has no outputs", self.name)));
        }
        let hashed = self.outputs.values().filter(|o| o.hash.is_some()).count();
        if hashed > 0 && !self.is_fixed_output() {
            let why = if self.outputs.len() > 1 {
                "multiple outputs are not supported in fixed-output derivations"
            } else {
                "the output of a fixed-output derivation must be called 'out'"
            };
            return Err(StoreError::Derivation(format!("derivation '{}': {why}", self.name)));
        }
        Ok(())
    }

    /// Computes every output path and writes it into `outputs` and `env`
    /// (the end of `derivationStrict`, spec §3.3). Existing output paths
    /// and env values named after outputs are ignored and overwritten.
    pub fn fill_output_paths(&mut self, loader: &mut dyn DerivationLoader, memo: &mut HashModuloMemo) -> Result<()> {
        self.check_outputs()?;
        if let Some(fo) = self.fixed_output() {
            let path = fixed_output_path(&self.name, fo.method, &fo.hash, &BTreeSet::new())?;
            self.set_output_path("out", path.to_absolute());
            return Ok(());
        }
        // Every output gets an env entry (blank until its path is known);
        // the masked ATerm then prints all of them and all output paths as
        // "", so whatever values were there before do not matter.
        let names: Vec<String> = self.outputs.keys().cloned().collect();
        for name in &names {
            self.set_output_path(name, String::new());
        }
        let hashes = hash_derivation_modulo(self, true, loader, memo)?;
        for name in names {
            let hash = hashes
                .get(&name)
                .ok_or_else(|| StoreError::Other(format!("internal error: no modulo hash for output '{name}'")))?;
            let path = output_path(&self.name, &name, hash)?;
            self.set_output_path(&name, path.to_absolute());
        }
        Ok(())
    }

    fn set_output_path(&mut self, output: &str, path: String) {
        self.env.insert(output.as_bytes().to_vec(), path.as_bytes().to_vec());
        if let Some(o) = self.outputs.get_mut(output) {
            o.path = path;
        }
    }
}

/// `hashDerivationModulo` (spec §3.2): one hash per output of `drv`. With
/// `mask_outputs`, output paths and their env values are blanked first (for
/// computing a new derivation's own output paths).
pub fn hash_derivation_modulo(
    drv: &Derivation,
    mask_outputs: bool,
    loader: &mut dyn DerivationLoader,
    memo: &mut HashModuloMemo,
) -> Result<DrvHashes> {
    if let Some(fo) = drv.fixed_output() {
        // The path is recomputed from name and hash, like CppNix, rather
        // than trusted from the output field.
        let path = fixed_output_path(&drv.name, fo.method, &fo.hash, &BTreeSet::new())?;
        let text = format!("fixed:out:{}:{}:{}", fo.method_algo(), fo.hash.to_base16(), path);
        return Ok(BTreeMap::from([("out".to_string(), hash_string(HashAlgo::Sha256, text.as_bytes()))]));
    }
    drv.check_outputs()?;

    let mut rewritten: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (input_path, outputs) in &drv.input_drvs {
        memoise_path(input_path, loader, memo)?;
        let input_hashes = &memo.hashes[input_path.as_str()];
        for output in outputs {
            let h = input_hashes.get(output).ok_or_else(|| {
                StoreError::Derivation(format!(
                    "derivation '{}' uses output '{output}' of '{input_path}', which has no such output",
                    drv.name
                ))
            })?;
            rewritten.entry(h.to_base16()).or_default().insert(output.clone());
        }
    }
    let text = aterm::write(drv, WriteOptions { mask_outputs, input_drvs: Some(&rewritten) });
    let hash = hash_string(HashAlgo::Sha256, &text);
    Ok(drv.outputs.keys().map(|o| (o.clone(), hash.clone())).collect())
}

/// Modulo hashes of the derivation stored at `drv_path`, memoised.
pub fn hash_derivation_modulo_path(
    drv_path: &str,
    loader: &mut dyn DerivationLoader,
    memo: &mut HashModuloMemo,
) -> Result<DrvHashes> {
    memoise_path(drv_path, loader, memo)?;
    Ok(memo.hashes[drv_path].to_hashes())
}

/// Makes sure the modulo hashes of the derivation at `drv_path` are in `memo`.
fn memoise_path(drv_path: &str, loader: &mut dyn DerivationLoader, memo: &mut HashModuloMemo) -> Result<()> {
    if memo.hashes.contains_key(drv_path) {
        return Ok(());
    }
    let drv = loader.load_derivation(drv_path)?;
    let hashes = hash_derivation_modulo(&drv, false, loader, memo)?;
    memo.insert(drv_path, hashes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::content_address::FileIngestionMethod;

    fn base(name: &str) -> Derivation {
        let mut d = Derivation::new(name);
        d.platform = b"x86_64-linux".to_vec();
        d.builder = b"/bin/sh".to_vec();
        for (k, v) in [("builder", "/bin/sh"), ("name", name), ("system", "x86_64-linux")] {
            d.env.insert(k.as_bytes().to_vec(), v.as_bytes().to_vec());
        }
        d
    }

    fn declare(d: &mut Derivation, outputs: &[&str]) {
        for o in outputs {
            d.outputs.insert(o.to_string(), DerivationOutput { path: String::new(), hash: None });
        }
    }

    fn no_inputs() -> BTreeMap<String, Derivation> {
        BTreeMap::new()
    }

    #[test]
    fn simple_matches_spec_example() {
        let mut d = base("simple");
        declare(&mut d, &["out"]);
        d.fill_output_paths(&mut no_inputs(), &mut HashModuloMemo::new()).unwrap();
        assert_eq!(d.outputs["out"].path, "/nix/store/nj83liashqlzmxjq8lyfxrx21whvgpqj-simple");
        assert_eq!(d.env_get("out"), Some(d.outputs["out"].path.as_bytes()));
    }

    #[test]
    fn user_out_value_is_overwritten() {
        let mut a = base("x");
        declare(&mut a, &["out"]);
        let mut b = a.clone();
        b.env.insert(b"out".to_vec(), b"/tmp/bogus".to_vec());
        let mut memo = HashModuloMemo::new();
        a.fill_output_paths(&mut no_inputs(), &mut memo).unwrap();
        b.fill_output_paths(&mut no_inputs(), &mut memo).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn multiple_outputs_get_distinct_paths() {
        let mut d = base("multi");
        declare(&mut d, &["out", "dev"]);
        d.fill_output_paths(&mut no_inputs(), &mut HashModuloMemo::new()).unwrap();
        assert!(d.outputs["dev"].path.ends_with("-multi-dev"));
        assert!(d.outputs["out"].path.ends_with("-multi"));
    }

    #[test]
    fn fixed_output_with_two_outputs_is_an_error() {
        let mut d = base("fod");
        declare(&mut d, &["out", "dev"]);
        d.outputs.get_mut("out").unwrap().hash =
            Some(FixedOutputHash { method: FileIngestionMethod::Flat, hash: hash_string(HashAlgo::Sha256, b"") });
        let e = d.fill_output_paths(&mut no_inputs(), &mut HashModuloMemo::new()).unwrap_err();
        assert!(e.to_string().contains("multiple outputs"), "{e}");
    }

    #[test]
    fn missing_input_is_reported() {
        let mut d = base("x");
        declare(&mut d, &["out"]);
        let missing = "/nix/store/49c9l6zsk73s3waaqjxvc2vs88q36fzf-chain-a.drv";
        d.input_drvs.insert(missing.to_string(), BTreeSet::from(["out".to_string()]));
        let e = d.fill_output_paths(&mut no_inputs(), &mut HashModuloMemo::new()).unwrap_err();
        assert!(e.to_string().contains(missing), "{e}");
    }

    #[test]
    fn no_outputs_is_an_error() {
        let mut d = base("x");
        assert!(d.fill_output_paths(&mut no_inputs(), &mut HashModuloMemo::new()).is_err());
    }
}
