//! Helpers: temporary stores, derivations written the way CppNix's
//! `derivationStrict` writes them, running the `tern` binary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use tern::build::{BuildOptions, ProgressMode};
use tern::store::derivation::{DerivationOutput, HashModuloMemo};
use tern::store::{Derivation, FixedOutputHash, Store, StorePath};

pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// Data rows of a vector TSV (header dropped).
pub fn tsv(name: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(vectors_dir().join(name)).unwrap();
    text.lines().skip(1).filter(|l| !l.is_empty()).map(|l| l.split('\t').map(String::from).collect()).collect()
}

pub fn b64(s: &str) -> Vec<u8> {
    STANDARD.decode(s).expect("base64")
}

/// A fresh store in a temporary directory (kept alive by the guard).
pub struct TestStore {
    pub dir: tempfile::TempDir,
    pub store: Store,
}

impl TestStore {
    pub fn new() -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        TestStore { dir, store }
    }

    pub fn root(&self) -> &Path {
        self.store.root()
    }

    /// The physical bytes of a store path (regular file).
    pub fn read(&self, p: &StorePath) -> Vec<u8> {
        std::fs::read(self.store.real_path(p)).unwrap()
    }

    pub fn valid(&self, p: &StorePath) -> bool {
        self.store.is_valid(p).unwrap()
    }
}

/// Options for tests: quiet, two cores (as in the vectors), no copying
/// from CppNix's store.
pub fn opts() -> BuildOptions {
    BuildOptions { progress: ProgressMode::Quiet, cores: 2, import_from: None, ..BuildOptions::default() }
}

/// A derivation as `derivation { … }` would make it: `attrs` go into the
/// env (plus `name`, `system`, `builder`, and `outputs` when not just
/// `out`), `args` do not; `inputs` are input derivations with the outputs
/// used, `srcs` input sources.
pub struct Drv {
    pub name: String,
    pub system: String,
    pub builder: String,
    pub args: Vec<String>,
    pub attrs: Vec<(String, String)>,
    pub outputs: Vec<String>,
    pub inputs: Vec<(StorePath, Vec<String>)>,
    pub srcs: Vec<StorePath>,
    pub fixed: Option<FixedOutputHash>,
    /// `__structuredAttrs`: the `__json` text instead of attrs in env.
    pub json: Option<String>,
}

impl Drv {
    pub fn sh(name: &str, script: &str) -> Drv {
        Drv {
            name: name.into(),
            system: "x86_64-linux".into(),
            builder: "/bin/sh".into(),
            args: vec!["-c".into(), script.into()],
            attrs: Vec::new(),
            outputs: vec!["out".into()],
            inputs: Vec::new(),
            srcs: Vec::new(),
            fixed: None,
            json: None,
        }
    }

    pub fn attr(mut self, k: &str, v: &str) -> Drv {
        self.attrs.push((k.into(), v.into()));
        self
    }

    pub fn outputs(mut self, outs: &[&str]) -> Drv {
        self.outputs = outs.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn input(mut self, drv: &StorePath, outs: &[&str]) -> Drv {
        self.inputs.push((drv.clone(), outs.iter().map(|s| s.to_string()).collect()));
        self
    }

    pub fn system(mut self, s: &str) -> Drv {
        self.system = s.into();
        self
    }

    /// Writes the `.drv` into `store`; returns its path.
    pub fn add(self, store: &Store) -> StorePath {
        let mut d = Derivation::new(&self.name);
        d.platform = self.system.clone().into_bytes();
        d.builder = self.builder.clone().into_bytes();
        d.args = self.args.iter().map(|a| a.clone().into_bytes()).collect();
        let mut env: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        match &self.json {
            Some(j) => {
                env.insert(b"__json".to_vec(), j.clone().into_bytes());
            }
            None => {
                for (k, v) in [("name", &self.name), ("system", &self.system), ("builder", &self.builder)] {
                    env.insert(k.as_bytes().to_vec(), v.clone().into_bytes());
                }
                if self.outputs != ["out"] {
                    env.insert(b"outputs".to_vec(), self.outputs.join(" ").into_bytes());
                }
                for (k, v) in &self.attrs {
                    env.insert(k.clone().into_bytes(), v.clone().into_bytes());
                }
            }
        }
        d.env = env;
        for o in &self.outputs {
            d.outputs.insert(o.clone(), DerivationOutput { path: String::new(), hash: self.fixed.clone() });
        }
        for (p, outs) in &self.inputs {
            d.input_drvs.insert(p.to_absolute(), outs.iter().cloned().collect::<BTreeSet<_>>());
        }
        for s in &self.srcs {
            d.input_srcs.insert(s.to_absolute());
        }
        let mut loader = store;
        d.fill_output_paths(&mut loader, &mut HashModuloMemo::new()).unwrap();
        store.add_derivation(&d).unwrap()
    }
}

/// Output name → path of a derivation in the store.
pub fn outs(store: &Store, drv: &StorePath) -> BTreeMap<String, StorePath> {
    store
        .read_derivation(drv)
        .unwrap()
        .outputs
        .iter()
        .map(|(n, o)| (n.clone(), StorePath::parse(&o.path).unwrap()))
        .collect()
}

pub fn out(store: &Store, drv: &StorePath) -> StorePath {
    outs(store, drv)["out"].clone()
}

pub fn tern_bin() -> &'static str {
    env!("CARGO_BIN_EXE_tern")
}

/// `tern ARGS… --store ROOT` in `cwd`, with no settings file.
pub fn tern(root: &Path, cwd: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(tern_bin());
    c.args(args).arg("--store").arg(root).current_dir(cwd);
    c.env("XDG_CONFIG_HOME", cwd.join(".no-config")).env_remove("TERN_STORE");
    c
}

/// Makes `tern(…)` in `cwd` build with `sandbox = false`, for tests that
/// watch a builder from outside (its files, its host PIDs).
pub fn without_sandbox(cwd: &Path) {
    let dir = cwd.join(".no-config/tern");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tern.conf"), "sandbox = false\n").unwrap();
}

/// Library options for the same tests.
pub fn opts_without_sandbox() -> BuildOptions {
    BuildOptions { sandbox: false, ..opts() }
}

pub fn run(mut cmd: impl std::borrow::BorrowMut<Command>) -> Output {
    cmd.borrow_mut().output().expect("run tern")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether the tests run as root.
pub fn is_root() -> bool {
    // SAFETY: no side effects.
    unsafe { libc::geteuid() == 0 }
}
