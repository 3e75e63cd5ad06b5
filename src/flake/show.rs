//! The trees of `tern flake show` (a flake's outputs) and `tern flake metadata` (its
//! locked inputs), drawn like `nix flake show` with `├───`, `└───` and `│`.
//!
//! `show` follows the output schema CppNix knows: per-system `packages`, `checks`,
//! `devShells`, `apps` and `formatter` are described (`package 'hello-2.12.1'`), other
//! systems than the current one are omitted unless asked for, `legacyPackages` are omitted
//! unless `--legacy`, `nixosConfigurations` entries are `NixOS configuration`, `overlays`
//! `Nixpkgs overlay`, `nixosModules` `NixOS module`. Additions of tern's: a top-level `lib`
//! is one collapsed leaf (`library`), and other function-valued outputs are
//! `library function` (CppNix says `unknown` for both).

use crate::eval::shared::Shared;
use std::io::Write;

use crate::eval::attrs::Attrs;
use crate::eval::error::{EvalError, EvalResult};
use crate::eval::value::Value;
use crate::eval::Evaluator;
use crate::symbol::Symbol;

use super::lock::{Edge, LockFile, ROOT};

pub const TREE_CONN: &str = "├───";
pub const TREE_LAST: &str = "└───";
pub const TREE_LINE: &str = "│   ";
pub const TREE_NULL: &str = "    ";

pub struct ShowOptions {
    pub all_systems: bool,
    pub legacy: bool,
    pub json: bool,
    /// The current system (`--system`).
    pub system: String,
}

struct Shower<'a, W: Write> {
    ev: &'a Evaluator,
    opts: &'a ShowOptions,
    out: &'a mut W,
}

fn attrs_of(ev: &Evaluator, v: &Value) -> EvalResult<Shared<Attrs>> {
    ev.expect_attrs(v, "")
}

const RECURSE_1: &[&str] = &[
    "defaultPackage",
    "devShell",
    "formatter",
    "nixosConfigurations",
    "nixosModules",
    "defaultApp",
    "templates",
    "overlays",
];
const PER_SYSTEM: &[&str] = &["checks", "packages", "devShells", "apps"];

impl<W: Write> Shower<'_, W> {
    fn line(&mut self, s: &str) {
        let _ = writeln!(self.out, "{s}");
    }

    fn warn(&self, s: &str) {
        eprintln!("warning: {s}");
    }

    /// Whether an output has something to show (empty per-system sets are skipped).
    fn has_content(&self, path: &[String], v: &Value) -> bool {
        let check = || -> EvalResult<bool> {
            let first = path[0].as_str();
            let container = (["apps", "checks", "devShells", "legacyPackages", "packages"].contains(&first)
                && path.len() <= 2)
                || (path.len() == 1
                    && ["formatter", "nixosConfigurations", "nixosModules", "overlays"].contains(&first));
            if !container {
                return Ok(true);
            }
            let attrs = attrs_of(self.ev, v)?;
            for a in attrs.iter_sorted() {
                let mut p = path.to_vec();
                p.push(a.name.as_str().into_owned());
                if self.has_content(&p, &a.value) {
                    return Ok(true);
                }
            }
            Ok(false)
        };
        check().unwrap_or(true)
    }

    fn recurse(&mut self, path: &[String], v: &Value, header: &str, next: &str) -> EvalResult<serde_json::Value> {
        if !self.opts.json {
            self.line(header);
        }
        let attrs = attrs_of(self.ev, v)?;
        let mut children = Vec::new();
        for a in attrs.iter_sorted() {
            let mut p = path.to_vec();
            p.push(a.name.as_str().into_owned());
            if self.has_content(&p, &a.value) {
                children.push((p, a.value.clone()));
            }
        }
        let mut j = serde_json::Map::new();
        let n = children.len();
        for (i, (p, value)) in children.into_iter().enumerate() {
            let last = i + 1 == n;
            let name = p.last().cloned().unwrap_or_default();
            let h = format!("{next}{}{name}", if last { TREE_LAST } else { TREE_CONN });
            let nn = format!("{next}{}", if last { TREE_NULL } else { TREE_LINE });
            let child = self.visit(&p, &value, &h, &nn)?;
            j.insert(name, child);
        }
        Ok(serde_json::Value::Object(j))
    }

    fn derivation_name(&self, v: &Value) -> EvalResult<Option<(String, String)>> {
        let v = self.ev.force(v)?;
        let Value::Attrs(a) = &v else { return Ok(None) };
        if !self.ev.is_derivation(a)? {
            return Ok(None);
        }
        let name = match a.get(self.ev.syms.name) {
            Some(n) => self.ev.expect_string(n, "")?.to_str_lossy().into_owned(),
            None => String::new(),
        };
        let mut description = String::new();
        if let Some(meta) = a.get(Symbol::intern("meta")) {
            if let Value::Attrs(m) = self.ev.force(meta)? {
                if let Some(d) = m.get(Symbol::intern("description")) {
                    description = self.ev.expect_string(d, "")?.to_str_lossy().into_owned();
                }
            }
        }
        Ok(Some((name, description)))
    }

    fn show_derivation(&mut self, path: &[String], v: &Value, header: &str) -> EvalResult<serde_json::Value> {
        match self.derivation_name(v)? {
            Some((name, description)) => {
                let first = path[0].as_str();
                let kind = match (first, path.len()) {
                    ("devShell", 2) => "development environment",
                    ("devShells", n) if n >= 2 => "development environment",
                    ("checks", 3) => "derivation",
                    ("hydraJobs", _) => "derivation",
                    _ => "package",
                };
                if !self.opts.json {
                    self.line(&format!("{header}: {kind} '{name}'"));
                }
                Ok(serde_json::json!({ "type": "derivation", "name": name, "description": description }))
            }
            None => {
                self.warn(&format!("{} is not a derivation", path.join(".")));
                Ok(serde_json::json!({}))
            }
        }
    }

    fn omitted(&mut self, path: &[String], header: &str, flag: &str) -> serde_json::Value {
        if self.opts.json {
            self.warn(&format!("{} omitted (use '{flag}' to show)", path.join(".")));
        } else {
            self.line(&format!("{header} omitted (use '{flag}' to show)"));
        }
        serde_json::json!({})
    }

    fn visit(&mut self, path: &[String], v: &Value, header: &str, next: &str) -> EvalResult<serde_json::Value> {
        let n = path.len();
        let first = path.first().map(String::as_str).unwrap_or("");
        let system_ok = |opts: &ShowOptions| opts.all_systems || path.get(1).map(String::as_str) == Some(&opts.system);
        if n == 0 || (n == 1 && RECURSE_1.contains(&first)) || ((n == 1 || n == 2) && PER_SYSTEM.contains(&first)) {
            return self.recurse(path, v, header, next);
        }
        if (n == 2 && ["defaultPackage", "devShell", "formatter"].contains(&first))
            || (n == 3 && ["checks", "packages", "devShells"].contains(&first))
        {
            if !system_ok(self.opts) {
                return Ok(self.omitted(path, header, "--all-systems"));
            }
            return self.show_derivation(path, v, header);
        }
        if first == "hydraJobs" {
            if self.derivation_name(v)?.is_some() {
                return self.show_derivation(path, v, header);
            }
            return self.recurse(path, v, header, next);
        }
        if first == "legacyPackages" {
            if n == 1 {
                return self.recurse(path, v, header, next);
            }
            if !self.opts.legacy {
                return Ok(self.omitted(path, header, "--legacy"));
            }
            if !system_ok(self.opts) {
                return Ok(self.omitted(path, header, "--all-systems"));
            }
            let r = (|| {
                if self.derivation_name(v)?.is_some() {
                    return self.show_derivation(path, v, header);
                }
                if n <= 2 {
                    return self.recurse(path, v, header, next);
                }
                Ok(serde_json::json!({}))
            })();
            // nixpkgs-style sets hold packages that fail to evaluate: skip them.
            return Ok(r.unwrap_or_else(|_| serde_json::json!({})));
        }
        if (n == 2 && first == "defaultApp") || (n == 3 && first == "apps") {
            let a = attrs_of(self.ev, v)?;
            let ty = match a.get(Symbol::intern("type")) {
                Some(t) => self.ev.expect_string(t, "")?.to_str_lossy().into_owned(),
                None => String::new(),
            };
            if ty != "app" {
                return Err(EvalError::msg("not an app definition"));
            }
            let mut description = None;
            if let Some(meta) = a.get(Symbol::intern("meta")) {
                if let Value::Attrs(m) = self.ev.force(meta)? {
                    if let Some(d) = m.get(Symbol::intern("description")) {
                        description = Some(self.ev.expect_string(d, "")?.to_str_lossy().into_owned());
                    }
                }
            }
            if !self.opts.json {
                self.line(&format!("{header}: app: {}", description.as_deref().unwrap_or("no description")));
            }
            let mut j = serde_json::json!({ "type": "app" });
            if let Some(d) = description {
                j["description"] = serde_json::Value::String(d);
            }
            return Ok(j);
        }
        if (n == 1 && first == "defaultTemplate") || (n == 2 && first == "templates") {
            let a = attrs_of(self.ev, v)?;
            let d = match a.get(Symbol::intern("description")) {
                Some(d) => self.ev.expect_string(d, "")?.to_str_lossy().into_owned(),
                None => return Err(EvalError::msg("attribute 'description' missing in a template")),
            };
            if !self.opts.json {
                self.line(&format!("{header}: template: {d}"));
            }
            return Ok(serde_json::json!({ "type": "template", "description": d }));
        }
        let (ty, description) = if (n == 1 && first == "overlay") || (n == 2 && first == "overlays") {
            ("nixpkgs-overlay", "Nixpkgs overlay")
        } else if n == 2 && first == "nixosConfigurations" {
            ("nixos-configuration", "NixOS configuration")
        } else if (n == 1 && first == "nixosModule") || (n == 2 && first == "nixosModules") {
            ("nixos-module", "NixOS module")
        } else if n == 1 && first == "lib" {
            ("library", "library")
        } else if self.ev.force(v).map(|v| v.is_function()).unwrap_or(false) {
            ("library-function", "library function")
        } else {
            ("unknown", "unknown")
        };
        if !self.opts.json {
            self.line(&format!("{header}: {description}"));
        }
        Ok(serde_json::json!({ "type": ty }))
    }
}

/// Prints the tree of a flake's outputs (`header` names the flake); with `--json`
/// returns the JSON document instead of printing lines.
pub fn show_outputs(
    ev: &Evaluator,
    outputs: &Value,
    header: &str,
    opts: &ShowOptions,
    out: &mut impl Write,
) -> EvalResult<serde_json::Value> {
    let mut s = Shower { ev, opts, out };
    s.visit(&[], outputs, header, "")
}

/// The `Inputs:` tree of `tern flake metadata`.
pub fn inputs_tree(lock: &LockFile) -> Vec<String> {
    let mut out = Vec::new();
    let mut visited = std::collections::HashSet::from([ROOT]);
    fn walk(
        lock: &LockFile,
        node: usize,
        prefix: &str,
        visited: &mut std::collections::HashSet<usize>,
        out: &mut Vec<String>,
    ) {
        let n = lock.nodes[node].inputs.len();
        for (i, (name, edge)) in lock.nodes[node].inputs.iter().enumerate() {
            let last = i + 1 == n;
            let branch = format!("{prefix}{}", if last { TREE_LAST } else { TREE_CONN });
            match edge {
                Edge::Node(c) => {
                    let l = lock.nodes[*c].locked.as_ref().expect("non-root");
                    let mut line = format!("{branch}{name}: {}", l.locked);
                    if let Some(super::flakeref::Attr::Int(t)) = l.locked.input.attrs.get("lastModified") {
                        let (y, mo, d, h, mi, s) = crate::eval::builtins::fetch::civil_from_unix(*t as i64);
                        line.push_str(&format!(" ({y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02})"));
                    }
                    out.push(line);
                    if visited.insert(*c) {
                        let next = format!("{prefix}{}", if last { TREE_NULL } else { TREE_LINE });
                        walk(lock, *c, &next, visited, out);
                    }
                }
                Edge::Follows(p) => out.push(format!("{branch}{name} follows input '{}'", p.join("/"))),
            }
        }
    }
    walk(lock, ROOT, "", &mut visited, &mut out);
    out
}

/// One line per lock entry, for messages: `'nixpkgs': 'tern:stdlib'`.
pub fn describe_inputs(lock: &LockFile) -> Vec<String> {
    lock.all_inputs().iter().map(|(p, e)| format!("'{}': {}", p.join("/"), lock.describe_edge(e))).collect()
}
