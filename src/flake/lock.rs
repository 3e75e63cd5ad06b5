//! `flake.lock`: the graph of locked inputs, read and written as CppNix's version 7 JSON.
//!
//! A lock file is a graph of nodes. The root node stands for the flake itself and has only
//! `inputs`; every other node records the reference as written (`original`), the exact
//! source it resolved to (`locked`), whether it is a flake, and for relative `path:`
//! inputs the input path of the flake it is relative to (`parent`). An input edge points
//! at a node or *follows* an input path from the root (`["nixpkgs"]`).
//!
//! Writing reproduces CppNix's output byte for byte: node keys are input names (made
//! unique with `_2`, `_3`, … in depth-first order), objects have sorted keys, two-space
//! indentation and a final newline. Equality of lock files is equality of that JSON.

use std::collections::BTreeMap;

use super::flakeref::{attrs_from_json, Attr, FlakeRef};

/// A path of input names from the root (`["dwarffs", "nixpkgs"]`).
pub type InputPath = Vec<String>;

pub fn print_input_path(p: &[String]) -> String {
    p.join("/")
}

/// Parses `a/b/c`; every element must be a flake id.
pub fn parse_input_path(s: &str) -> Result<InputPath, String> {
    let mut out = Vec::new();
    for elem in s.split('/').filter(|e| !e.is_empty()) {
        if !super::flakeref::is_flake_id(elem) {
            return Err(format!("invalid flake input attribute path element '{elem}'"));
        }
        out.push(elem.to_string());
    }
    Ok(out)
}

#[derive(Clone, Debug, PartialEq)]
pub enum Edge {
    Node(usize),
    Follows(InputPath),
}

#[derive(Clone, Debug, PartialEq)]
pub struct LockedNode {
    pub locked: FlakeRef,
    pub original: FlakeRef,
    pub is_flake: bool,
    pub parent: Option<InputPath>,
}

#[derive(Clone, Debug, Default)]
pub struct Node {
    pub inputs: BTreeMap<String, Edge>,
    /// `None` for the root.
    pub locked: Option<LockedNode>,
}

/// The lock graph; `nodes[0]` is the root.
#[derive(Clone, Debug)]
pub struct LockFile {
    pub nodes: Vec<Node>,
}

impl Default for LockFile {
    fn default() -> Self {
        LockFile { nodes: vec![Node::default()] }
    }
}

impl PartialEq for LockFile {
    fn eq(&self, other: &LockFile) -> bool {
        self.to_json() == other.to_json()
    }
}

pub const ROOT: usize = 0;

impl LockFile {
    pub fn add_node(&mut self, node: Node) -> usize {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Reads a lock file's text; `path` names it in messages.
    pub fn parse(text: &str, path: &str) -> Result<LockFile, String> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("Could not parse '{path}': {e}"))?;
        let version = json.get("version").and_then(serde_json::Value::as_u64).unwrap_or(0);
        if !(5..=7).contains(&version) {
            return Err(format!("lock file '{path}' has unsupported version {version}"));
        }
        let root_key = json.get("root").and_then(serde_json::Value::as_str).unwrap_or("root").to_string();
        let nodes = json
            .get("nodes")
            .and_then(serde_json::Value::as_object)
            .ok_or_else(|| format!("lock file '{path}' has no 'nodes'"))?;
        let mut lock = LockFile::default();
        let mut keys: BTreeMap<String, usize> = BTreeMap::new();
        keys.insert(root_key.clone(), ROOT);
        let root_json =
            nodes.get(&root_key).ok_or_else(|| format!("lock file references missing node '{root_key}'"))?;
        let mut stack = vec![(ROOT, root_json.clone())];
        while let Some((idx, node_json)) = stack.pop() {
            let Some(inputs) = node_json.get("inputs").and_then(serde_json::Value::as_object) else { continue };
            for (name, target) in inputs {
                let edge = match target {
                    serde_json::Value::Array(items) => {
                        Edge::Follows(items.iter().filter_map(|i| i.as_str().map(String::from)).collect())
                    }
                    serde_json::Value::String(key) => {
                        let child = match keys.get(key) {
                            Some(&ROOT) => return Err("lock file contains cycle to root node".into()),
                            Some(&c) => c,
                            None => {
                                let j = nodes
                                    .get(key)
                                    .ok_or_else(|| format!("lock file references missing node '{key}'"))?;
                                let node =
                                    parse_node(j).map_err(|e| format!("in lock file '{path}', node '{key}': {e}"))?;
                                let c = lock.add_node(node);
                                keys.insert(key.clone(), c);
                                stack.push((c, j.clone()));
                                c
                            }
                        };
                        Edge::Node(child)
                    }
                    _ => return Err(format!("lock file '{path}' has an invalid input '{name}'")),
                };
                lock.nodes[idx].inputs.insert(name.clone(), edge);
            }
        }
        Ok(lock)
    }

    /// The JSON document, keys sorted as CppNix writes them.
    pub fn to_json(&self) -> serde_json::Value {
        let mut node_keys: BTreeMap<usize, String> = BTreeMap::new();
        let mut used: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut out: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        let root_key = self.dump_node("root".into(), ROOT, &mut node_keys, &mut used, &mut out);
        let mut nodes = serde_json::Map::new();
        for (k, v) in out {
            nodes.insert(k, v);
        }
        let mut doc = serde_json::Map::new();
        doc.insert("nodes".into(), serde_json::Value::Object(nodes));
        doc.insert("root".into(), serde_json::Value::String(root_key));
        doc.insert("version".into(), serde_json::Value::from(7));
        serde_json::Value::Object(doc)
    }

    fn dump_node(
        &self,
        key: String,
        idx: usize,
        node_keys: &mut BTreeMap<usize, String>,
        used: &mut std::collections::HashSet<String>,
        out: &mut BTreeMap<String, serde_json::Value>,
    ) -> String {
        if let Some(k) = node_keys.get(&idx) {
            return k.clone();
        }
        let mut key = key;
        if !used.insert(key.clone()) {
            for n in 2.. {
                let k = format!("{key}_{n}");
                if used.insert(k.clone()) {
                    key = k;
                    break;
                }
            }
        }
        node_keys.insert(idx, key.clone());
        let node = &self.nodes[idx];
        let mut n: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        if !node.inputs.is_empty() {
            let mut inputs = serde_json::Map::new();
            for (name, edge) in &node.inputs {
                let v = match edge {
                    Edge::Node(c) => serde_json::Value::String(self.dump_node(name.clone(), *c, node_keys, used, out)),
                    Edge::Follows(p) => {
                        serde_json::Value::Array(p.iter().map(|s| serde_json::Value::String(s.clone())).collect())
                    }
                };
                inputs.insert(name.clone(), v);
            }
            n.insert("inputs".into(), serde_json::Value::Object(inputs));
        }
        if let Some(l) = &node.locked {
            n.insert("original".into(), super::flakeref::attrs_to_json(&l.original.to_attrs()));
            n.insert("locked".into(), super::flakeref::attrs_to_json(&l.locked.to_attrs()));
            if !l.is_flake {
                n.insert("flake".into(), serde_json::Value::Bool(false));
            }
            if let Some(p) = &l.parent {
                n.insert(
                    "parent".into(),
                    serde_json::Value::Array(p.iter().map(|s| serde_json::Value::String(s.clone())).collect()),
                );
            }
        }
        let mut obj = serde_json::Map::new();
        for (k, v) in n {
            obj.insert(k, v);
        }
        out.insert(key.clone(), serde_json::Value::Object(obj));
        key
    }

    /// The file's text: pretty JSON and a final newline.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(&self.to_json()).expect("lock JSON serialises");
        s.push('\n');
        s
    }

    /// The node an input path leads to, following `follows` edges.
    pub fn find_input(&self, path: &[String]) -> Result<Option<usize>, String> {
        let mut visited = Vec::new();
        self.find_from(path, &mut visited)
    }

    fn find_from(&self, path: &[String], visited: &mut Vec<InputPath>) -> Result<Option<usize>, String> {
        if let Some(i) = visited.iter().position(|p| p == path) {
            let mut cycle: Vec<String> = visited[i..].iter().map(|p| print_input_path(p)).collect();
            cycle.push(print_input_path(path));
            return Err(format!("follow cycle detected: [{}]", cycle.join(" -> ")));
        }
        visited.push(path.to_vec());
        let mut pos = ROOT;
        for elem in path {
            match self.nodes[pos].inputs.get(elem) {
                Some(Edge::Node(c)) => pos = *c,
                Some(Edge::Follows(target)) => match self.find_from(target, visited)? {
                    Some(n) => pos = n,
                    None => return Ok(None),
                },
                None => return Ok(None),
            }
        }
        Ok(Some(pos))
    }

    /// Every input path in the graph (each node's inputs listed once) with its edge.
    pub fn all_inputs(&self) -> BTreeMap<InputPath, Edge> {
        let mut out = BTreeMap::new();
        let mut done = std::collections::HashSet::new();
        self.collect_inputs(&mut Vec::new(), ROOT, &mut done, &mut out);
        out
    }

    fn collect_inputs(
        &self,
        prefix: &mut InputPath,
        idx: usize,
        done: &mut std::collections::HashSet<usize>,
        out: &mut BTreeMap<InputPath, Edge>,
    ) {
        if !done.insert(idx) {
            return;
        }
        for (name, edge) in &self.nodes[idx].inputs {
            prefix.push(name.clone());
            out.insert(prefix.clone(), edge.clone());
            if let Edge::Node(c) = edge {
                self.collect_inputs(prefix, *c, done, out);
            }
            prefix.pop();
        }
    }

    /// How an edge is shown in diffs and messages.
    pub fn describe_edge(&self, edge: &Edge) -> String {
        match edge {
            Edge::Node(n) => match &self.nodes[*n].locked {
                Some(l) => describe(&l.locked),
                None => "the root".into(),
            },
            Edge::Follows(p) => format!("follows '{}'", print_input_path(p)),
        }
    }

    fn same_edge(&self, a: &Edge, other: &LockFile, b: &Edge) -> bool {
        match (a, b) {
            (Edge::Node(x), Edge::Node(y)) => {
                self.nodes[*x].locked.as_ref().map(|l| &l.locked) == other.nodes[*y].locked.as_ref().map(|l| &l.locked)
            }
            (Edge::Follows(x), Edge::Follows(y)) => x == y,
            _ => false,
        }
    }

    /// The differences between two lock files, one `•` line (and its detail) per input,
    /// as `nix flake lock` prints them.
    pub fn diff(old: &LockFile, new: &LockFile) -> String {
        let a = old.all_inputs();
        let b = new.all_inputs();
        let mut keys: Vec<&InputPath> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        let mut out = String::new();
        for k in keys {
            let name = print_input_path(k);
            match (a.get(k), b.get(k)) {
                (None, Some(e)) => out.push_str(&format!("• Added input '{name}':\n    {}\n", new.describe_edge(e))),
                (Some(_), None) => out.push_str(&format!("• Removed input '{name}'\n")),
                (Some(x), Some(y)) => {
                    if !old.same_edge(x, new, y) {
                        out.push_str(&format!(
                            "• Updated input '{name}':\n    {}\n  → {}\n",
                            old.describe_edge(x),
                            new.describe_edge(y)
                        ));
                    }
                }
                (None, None) => {}
            }
        }
        out
    }

    /// How `flake.nix` (as `new`, computed without fetching) disagrees with the lock file
    /// `old`: one `•` entry per input, comparing references as written; empty when they
    /// agree. Input paths `skip` says are left out.
    pub fn check_diff(old: &LockFile, new: &LockFile, skip: &dyn Fn(&[String]) -> bool) -> String {
        let a = old.all_inputs();
        let b = new.all_inputs();
        let mut keys: Vec<&InputPath> = a.keys().chain(b.keys()).filter(|k| !skip(k)).collect();
        keys.sort();
        keys.dedup();
        let original = |lf: &LockFile, e: &Edge| match e {
            Edge::Node(n) => lf.nodes[*n].locked.as_ref().map(|l| format!("'{}'", l.original)).unwrap_or_default(),
            Edge::Follows(p) => format!("follows '{}'", print_input_path(p)),
        };
        let mut out = String::new();
        for k in keys {
            let name = print_input_path(k);
            match (a.get(k), b.get(k)) {
                (None, Some(e)) => {
                    out.push_str(&format!("• Added input '{name}': {} (not in the lock file)\n", original(new, e)))
                }
                (Some(e), None) => out.push_str(&format!(
                    "• Removed input '{name}': {} (locked, but no longer in flake.nix)\n",
                    original(old, e)
                )),
                (Some(x), Some(y)) => {
                    let (ox, oy) = (original(old, x), original(new, y));
                    let parents_differ = match (x, y) {
                        (Edge::Node(p), Edge::Node(q)) => {
                            old.nodes[*p].locked.as_ref().map(|l| &l.parent)
                                != new.nodes[*q].locked.as_ref().map(|l| &l.parent)
                        }
                        _ => false,
                    };
                    if ox != oy || parents_differ {
                        let locked = match x {
                            Edge::Node(_) => format!(", locked as {}", old.describe_edge(x)),
                            Edge::Follows(_) => String::new(),
                        };
                        out.push_str(&format!(
                            "• Changed input '{name}':\n    flake.nix:  {oy}\n    flake.lock: {ox}{locked}\n"
                        ));
                    }
                }
                (None, None) => {}
            }
        }
        out
    }

    /// Every `follows` must lead somewhere.
    pub fn check(&self) -> Result<(), String> {
        for (path, edge) in self.all_inputs() {
            if let Edge::Follows(target) = edge {
                if !target.is_empty() && self.find_input(&target)?.is_none() {
                    return Err(format!(
                        "input '{}' follows a non-existent input '{}'",
                        print_input_path(&path),
                        print_input_path(&target)
                    ));
                }
            }
        }
        Ok(())
    }

    /// The first reachable input that is not locked (relative paths are fine).
    pub fn unlocked_input(&self) -> Option<FlakeRef> {
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![ROOT];
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(l) = &self.nodes[n].locked {
                if !l.locked.input.is_locked() && l.locked.input.relative_path().is_none() {
                    return Some(l.locked.clone());
                }
            }
            for e in self.nodes[n].inputs.values() {
                if let Edge::Node(c) = e {
                    stack.push(*c);
                }
            }
        }
        None
    }
}

fn parse_node(j: &serde_json::Value) -> Result<Node, String> {
    let get_ref = |field: &str| -> Result<FlakeRef, String> {
        let v = j.get(field).ok_or_else(|| format!("attribute '{field}' missing in lock file"))?;
        let mut attrs = attrs_from_json(v)?;
        // Version 5 lock files kept some locked attributes under `info`.
        if field == "locked" {
            if let Some(info) = j.get("info") {
                attrs.extend(attrs_from_json(info)?);
            }
        }
        FlakeRef::from_attrs(&attrs)
    };
    let locked = get_ref("locked")?;
    let original = get_ref("original")?;
    let is_flake = j.get("flake").and_then(serde_json::Value::as_bool).unwrap_or(true);
    let parent = j
        .get("parent")
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect());
    if !locked.input.is_locked()
        && locked.input.relative_path().is_none()
        && !locked.input.attrs.contains_key("narHash")
    {
        return Err(format!(
            "Lock file contains unlocked input '{}'",
            super::flakeref::attrs_to_json(&locked.input.attrs)
        ));
    }
    Ok(Node { inputs: BTreeMap::new(), locked: Some(LockedNode { locked, original, is_flake, parent }) })
}

/// `'url' (2023-11-30)`: a locked reference with its date, as CppNix describes it.
pub fn describe(r: &FlakeRef) -> String {
    let mut s = format!("'{r}'");
    if let Some(Attr::Int(t)) = r.input.attrs.get("lastModified") {
        let (y, m, d, ..) = crate::eval::builtins::fetch::civil_from_unix(*t as i64);
        s.push_str(&format!(" ({y:04}-{m:02}-{d:02})"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lock file as CppNix writes it: follows, a relative input, a non-flake input and
    /// two nodes of the same name (`nixpkgs_2`).
    const CPPNIX: &str = r#"{
  "nodes": {
    "dep": {
      "inputs": {
        "nixpkgs": "nixpkgs",
        "util": [
          "util"
        ]
      },
      "locked": {
        "lastModified": 1700000000,
        "narHash": "sha256-MyEwKR7frLkJXyCTAYmhACAemt2h4EszAo04ltEu78o=",
        "owner": "example",
        "repo": "dep",
        "rev": "0123456789abcdef0123456789abcdef01234567",
        "type": "github"
      },
      "original": {
        "owner": "example",
        "repo": "dep",
        "type": "github"
      }
    },
    "nixpkgs": {
      "locked": {
        "type": "tern-stdlib"
      },
      "original": {
        "id": "nixpkgs",
        "type": "indirect"
      }
    },
    "nixpkgs_2": {
      "locked": {
        "type": "tern-stdlib"
      },
      "original": {
        "owner": "NixOS",
        "ref": "nixos-23.11",
        "repo": "nixpkgs",
        "type": "github"
      }
    },
    "root": {
      "inputs": {
        "dep": "dep",
        "nixpkgs": "nixpkgs_2",
        "util": "util"
      }
    },
    "util": {
      "flake": false,
      "locked": {
        "path": "./util",
        "type": "path"
      },
      "original": {
        "path": "./util",
        "type": "path"
      },
      "parent": []
    }
  },
  "root": "root",
  "version": 7
}
"#;

    #[test]
    fn round_trips_byte_for_byte() {
        let lock = LockFile::parse(CPPNIX, "flake.lock").expect("parses");
        assert_eq!(lock.to_text(), CPPNIX);
        assert_eq!(
            lock.find_input(&["dep".into(), "util".into()]).expect("no cycle"),
            lock.find_input(&["util".into()]).expect("no cycle")
        );
        lock.check().expect("follows resolve");
        assert!(lock.unlocked_input().is_none());
    }

    #[test]
    fn diffs() {
        let old = LockFile::parse(CPPNIX, "flake.lock").expect("parses");
        let mut new = old.clone();
        new.nodes[ROOT].inputs.remove("util");
        let d = LockFile::diff(&old, &new);
        assert_eq!(d, "• Removed input 'util'\n");
        assert_eq!(LockFile::diff(&new, &old), "• Added input 'util':\n    'path:./util'\n");
        let cycle = LockFile::parse(&CPPNIX.replace("\"util\": \"util\"", "\"util\": [\"dep\", \"util\"]"), "x")
            .expect("parses");
        assert!(cycle.find_input(&["util".into()]).unwrap_err().contains("follow cycle detected"));
        assert!(LockFile::parse("{\"version\": 4}", "x").unwrap_err().contains("unsupported version 4"));
    }
}
