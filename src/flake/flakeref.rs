//! Flake references: the URL-like strings (`github:NixOS/nixpkgs/23.05?dir=lib`,
//! `path:/x`, `git+file:///x?ref=main`, `./rel`, `nixpkgs`) and their attribute form
//! (`{ type = "github"; owner = "NixOS"; … }`), with CppNix's parsing and printing rules.
//!
//! A reference is an *input* (a fetcher type and its attributes, kept sorted by name as
//! CppNix's `fetchers::Attrs` are) plus a subdirectory (`?dir=`). Parsing tries, in order:
//! a flake id (`nixpkgs`, `nixpkgs/nixos-23.11`, `flake:…`), a URL with a scheme (each input
//! scheme decides whether it takes the URL, in the order of their names), then a file
//! system path. Paths are resolved against a base directory when one is given (the command
//! line): a path inside a git work tree becomes `git+file://ROOT?dir=SUB`, as in CppNix.
//! Without a base directory (the builtins) a path must be absolute.
//!
//! This module knows nothing about fetching or evaluation; it only reads the file system to
//! resolve command-line paths.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// An input attribute value: what flake references and lock files may hold.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Attr {
    Str(String),
    Int(u64),
    Bool(bool),
}

impl Attr {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Attr::Str(s) => Some(s),
            _ => None,
        }
    }

    /// As a URL query value (`attrsToQuery`): integers in decimal, Booleans as `1`/`0`.
    fn to_query(&self) -> String {
        match self {
            Attr::Str(s) => s.clone(),
            Attr::Int(i) => i.to_string(),
            Attr::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Attr::Str(s) => serde_json::Value::String(s.clone()),
            Attr::Int(i) => serde_json::Value::from(*i),
            Attr::Bool(b) => serde_json::Value::Bool(*b),
        }
    }
}

/// Input attributes, sorted by name.
pub type Attrs = BTreeMap<String, Attr>;

/// Compact JSON of attributes, as CppNix's `attrsToJSON(…).dump()` shows them in messages.
pub fn attrs_to_json(attrs: &Attrs) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, v) in attrs {
        m.insert(k.clone(), v.to_json());
    }
    serde_json::Value::Object(m)
}

/// Reads attributes from a JSON object (a lock file's `locked`/`original`).
pub fn attrs_from_json(v: &serde_json::Value) -> Result<Attrs, String> {
    let obj = v.as_object().ok_or("expected a JSON object of input attributes")?;
    let mut out = Attrs::new();
    for (k, v) in obj {
        let a = match v {
            serde_json::Value::String(s) => Attr::Str(s.clone()),
            serde_json::Value::Bool(b) => Attr::Bool(*b),
            serde_json::Value::Number(n) => {
                Attr::Int(n.as_u64().ok_or_else(|| format!("input attribute '{k}' is not a non-negative integer"))?)
            }
            _ => return Err("unsupported input attribute type in lock file".into()),
        };
        out.insert(k.clone(), a);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// URLs

/// A URL split into its parts; path segments and query values are decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedUrl {
    pub scheme: String,
    /// `Some("")` for `file:///x`; `None` when there is no `//`.
    pub authority: Option<String>,
    pub path: Vec<String>,
    pub query: BTreeMap<String, String>,
    pub fragment: String,
}

fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~".contains(&c)
}

/// Percent-encodes everything but unreserved characters and `keep`.
pub fn percent_encode(s: &str, keep: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if is_unreserved(b) || keep.as_bytes().contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                None => return Err(format!("invalid URI parameter '{s}': bad percent-encoding")),
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("invalid URI parameter '{s}': not UTF-8"))
}

fn encode_query(q: &BTreeMap<String, String>) -> String {
    q.iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k, ":@/?"), percent_encode(v, ":@/?")))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes `a=1&b=2`; entries without `=` are ignored with a warning, as in CppNix.
pub fn decode_query(q: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for part in q.split('&').filter(|p| !p.is_empty()) {
        match part.split_once('=') {
            Some((k, v)) => {
                out.entry(percent_decode(k)?).or_insert(percent_decode(v)?);
            }
            None => eprintln!("warning: dubious URI query '{part}' is missing equal sign '=', ignoring"),
        }
    }
    Ok(out)
}

fn valid_in_path(c: u8) -> bool {
    is_unreserved(c) || b"!$&'()*+,;=:@/%".contains(&c)
}

impl ParsedUrl {
    /// Parses a URL leniently (spaces and quotes are allowed in the query and fragment).
    pub fn parse(url: &str) -> Result<ParsedUrl, String> {
        let colon = url.find(':').ok_or_else(|| format!("'{url}' doesn't have a scheme"))?;
        let scheme = &url[..colon];
        let valid_scheme = scheme.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && scheme.bytes().all(|c| c.is_ascii_alphanumeric() || b"+.-".contains(&c));
        if !valid_scheme {
            return Err(format!("'{url}' doesn't have a scheme"));
        }
        let mut rest = &url[colon + 1..];
        let mut fragment = String::new();
        if let Some(i) = rest.find('#') {
            fragment = percent_decode(&rest[i + 1..])?;
            rest = &rest[..i];
        }
        let mut query = BTreeMap::new();
        if let Some(i) = rest.find('?') {
            query = decode_query(&rest[i + 1..])?;
            rest = &rest[..i];
        }
        let mut authority = None;
        if let Some(after) = rest.strip_prefix("//") {
            let end = after.find('/').unwrap_or(after.len());
            authority = Some(after[..end].to_string());
            rest = &after[end..];
        }
        if !rest.bytes().all(valid_in_path) {
            return Err(format!("'{url}' is not a valid URL"));
        }
        let transport_is_file = url_scheme_parts(scheme).1 == "file";
        if transport_is_file {
            if let Some(a) = &authority {
                if !a.is_empty() {
                    return Err(format!("file:// URL '{url}' has unexpected authority '{a}'"));
                }
            }
        }
        let encoded_path = if transport_is_file && rest.is_empty() { "/" } else { rest };
        let path = encoded_path.split('/').map(percent_decode).collect::<Result<Vec<_>, _>>()?;
        Ok(ParsedUrl { scheme: scheme.to_string(), authority, path, query, fragment })
    }

    /// The path segments without empty ones (`/a//b/` → `a b`).
    fn segments(&self) -> Vec<String> {
        self.path.iter().filter(|s| !s.is_empty()).cloned().collect()
    }

    /// The path as a file system path (`["", "x", "y"]` → `/x/y`).
    fn fs_path(&self) -> String {
        self.path.join("/")
    }

    fn render_path(&self) -> String {
        self.path.iter().map(|s| percent_encode(s, ":@")).collect::<Vec<_>>().join("/")
    }
}

impl std::fmt::Display for ParsedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:", self.scheme)?;
        if let Some(a) = &self.authority {
            write!(f, "//{a}")?;
        }
        f.write_str(&self.render_path())?;
        if !self.query.is_empty() {
            write!(f, "?{}", encode_query(&self.query))?;
        }
        if !self.fragment.is_empty() {
            write!(f, "#{}", percent_encode(&self.fragment, ""))?;
        }
        Ok(())
    }
}

/// `tarball+https` → (`Some("tarball")`, `"https"`); `https` → (`None`, `"https"`).
fn url_scheme_parts(scheme: &str) -> (Option<&str>, &str) {
    match scheme.split_once('+') {
        Some((app, transport)) => (Some(app), transport),
        None => (None, scheme),
    }
}

/// The URL path of a file system path (`/x/y` → `["", "x", "y"]`).
fn path_to_url_path(p: &str) -> Vec<String> {
    p.split('/').map(String::from).collect()
}

// ---------------------------------------------------------------------------------------
// Names and revisions

pub fn is_flake_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphabetic) && b.iter().all(|c| c.is_ascii_alphanumeric() || b"_-".contains(c))
}

pub fn is_rev(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|c| c.is_ascii_hexdigit())
}

/// The characters of CppNix's ref regex (`[a-zA-Z0-9@][a-zA-Z0-9_.\/@+-]*`).
fn matches_ref_regex(s: &str) -> bool {
    let b = s.as_bytes();
    b.first().is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'@')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || b"_./@+-".contains(c))
}

/// Whether git would accept `name` as a branch, tag or reference name (the rules of
/// `git check-ref-format`).
pub fn is_legal_ref_name(name: &str) -> bool {
    if name.is_empty() || name == "@" || name.starts_with('-') || name.starts_with('/') || name.ends_with('/') {
        return false;
    }
    if name.ends_with('.') || name.contains("..") || name.contains("@{") || name.contains("//") {
        return false;
    }
    if name.bytes().any(|c| c < 0x20 || c == 0x7f || b" ~^:?*[\\".contains(&c)) {
        return false;
    }
    name.split('/').all(|c| !c.starts_with('.') && !c.ends_with(".lock"))
}

fn check_rev(rev: &str) -> Result<(), String> {
    if is_rev(rev) {
        Ok(())
    } else {
        Err(format!("hash '{rev}' is not a valid Git revision (40 hexadecimal digits)"))
    }
}

// ---------------------------------------------------------------------------------------
// Input schemes

/// The fetcher types tern knows, in the order CppNix tries them on a URL (by name).
/// `tern-stdlib` (`tern:stdlib`) is tern's own: the stdlib of the running tern.
const SCHEMES: &[&str] =
    &["file", "git", "github", "gitlab", "hg", "indirect", "path", "sourcehut", "tarball", "tern-stdlib"];

fn allowed_attrs(scheme: &str) -> &'static [&'static str] {
    match scheme {
        "path" => &["path", "rev", "revCount", "lastModified", "narHash"],
        "git" => &[
            "url",
            "ref",
            "rev",
            "shallow",
            "submodules",
            "lfs",
            "exportIgnore",
            "lastModified",
            "revCount",
            "narHash",
            "allRefs",
            "name",
            "dirtyRev",
            "dirtyShortRev",
            "verifyCommit",
            "keytype",
            "publicKey",
            "publicKeys",
        ],
        "github" | "gitlab" | "sourcehut" => {
            &["owner", "repo", "ref", "rev", "narHash", "lastModified", "host", "treeHash"]
        }
        "indirect" => &["id", "ref", "rev", "narHash"],
        "tarball" | "file" => &["url", "narHash", "name", "unpack", "rev", "revCount", "lastModified"],
        "hg" => &["url", "ref", "rev", "revCount", "narHash", "name"],
        // tern's own lock entry for its stdlib (see `inputs.rs`).
        "tern-stdlib" => &["narHash"],
        _ => &[],
    }
}

fn is_tarball_url(url: &ParsedUrl) -> bool {
    let last = url.path.last().map(String::as_str).unwrap_or("");
    [".zip", ".tar", ".tgz", ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst"].iter().any(|e| last.ends_with(e))
}

fn curl_takes(url: &ParsedUrl, name: &str, require_tree: bool) -> bool {
    let (app, transport) = url_scheme_parts(&url.scheme);
    if !["file", "http", "https"].contains(&transport) {
        return false;
    }
    match app {
        Some(a) => a == name,
        None if name == "file" => !require_tree && !is_tarball_url(url),
        None => require_tree || is_tarball_url(url),
    }
}

/// A fetcher input: its type and attributes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Input {
    pub attrs: Attrs,
}

impl Input {
    pub fn kind(&self) -> &str {
        self.get_str("type").unwrap_or("")
    }

    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).and_then(Attr::as_str)
    }

    pub fn get_int(&self, name: &str) -> Option<u64> {
        match self.attrs.get(name) {
            Some(Attr::Int(i)) => Some(*i),
            _ => None,
        }
    }

    fn get_bool(&self, name: &str) -> bool {
        matches!(self.attrs.get(name), Some(Attr::Bool(true)))
    }

    fn set(&mut self, name: &str, v: Attr) {
        self.attrs.insert(name.to_string(), v);
    }

    fn set_str(&mut self, name: &str, v: impl Into<String>) {
        self.set(name, Attr::Str(v.into()));
    }

    /// Parses a URL into an input; `require_tree` (flakes) makes plain `file://` URLs
    /// tarballs.
    pub fn from_url(url: &ParsedUrl, require_tree: bool) -> Result<Input, String> {
        for scheme in SCHEMES {
            if let Some(input) = Self::scheme_from_url(scheme, url, require_tree)? {
                input.fixup()?;
                return Ok(input);
            }
        }
        if let (Some("file"), "git") = url_scheme_parts(&url.scheme) {
            return Err(format!("input '{url}' is unsupported; did you mean 'git+file' instead of 'file+git'?"));
        }
        Err(format!("input '{url}' is unsupported"))
    }

    fn scheme_from_url(scheme: &str, url: &ParsedUrl, require_tree: bool) -> Result<Option<Input>, String> {
        let mut input = Input { attrs: Attrs::new() };
        match scheme {
            "path" => {
                if url.scheme != "path" {
                    return Ok(None);
                }
                if let Some(a) = url.authority.as_deref().filter(|a| !a.is_empty()) {
                    return Err(format!("path URL '{url}' should not have an authority ('{a}')"));
                }
                input.set_str("type", "path");
                input.set_str("path", url.fs_path());
                for (name, value) in &url.query {
                    match name.as_str() {
                        "rev" | "narHash" => input.set_str(name, value.clone()),
                        "revCount" | "lastModified" => match value.parse::<u64>() {
                            Ok(n) => input.set(name, Attr::Int(n)),
                            Err(_) => return Err(format!("path URL '{url}' has invalid parameter '{name}'")),
                        },
                        _ => return Err(format!("path URL '{url}' has unsupported parameter '{name}'")),
                    }
                }
            }
            "git" => {
                if url.scheme != "git" && url_scheme_parts(&url.scheme).0 != Some("git") {
                    return Ok(None);
                }
                let mut url2 = url.clone();
                url2.query.clear();
                input.set_str("type", "git");
                for (name, value) in &url.query {
                    match name.as_str() {
                        "rev" | "ref" | "keytype" | "publicKey" | "publicKeys" => input.set_str(name, value.clone()),
                        "shallow" | "submodules" | "lfs" | "exportIgnore" | "allRefs" | "verifyCommit" => {
                            input.set(name, Attr::Bool(value == "1"))
                        }
                        _ => {
                            url2.query.insert(name.clone(), value.clone());
                        }
                    }
                }
                input.set_str("url", url2.to_string());
                return Input::from_scheme_attrs("git", input.attrs).map(Some);
            }
            "github" | "gitlab" | "sourcehut" => {
                if url.scheme != scheme {
                    return Ok(None);
                }
                let path = url.segments();
                match path.len() {
                    0 | 1 => return Err(format!("URL '{url}' is invalid")),
                    2 => {}
                    3 if is_rev(&path[2]) => input.set_str("rev", path[2].clone()),
                    _ => input.set_str("ref", path[2..].join("/")),
                }
                for (name, value) in &url.query {
                    match name.as_str() {
                        "rev" | "ref" => {
                            if input.attrs.contains_key(name) {
                                let what = if name == "rev" { "commit hashes" } else { "branch/tag names" };
                                return Err(format!("URL '{url}' contains multiple {what}"));
                            }
                            input.set_str(name, value.clone());
                        }
                        "host" | "narHash" => input.set_str(name, value.clone()),
                        _ => return Err(format!("URL '{url}' contains unknown parameter '{name}'")),
                    }
                }
                input.set_str("type", scheme);
                input.set_str("owner", path[0].clone());
                input.set_str("repo", path[1].clone());
                return Input::from_scheme_attrs(scheme, input.attrs).map(Some);
            }
            "indirect" => {
                if url.scheme != "flake" {
                    return Ok(None);
                }
                let path = url.segments();
                match path.len() {
                    1 => {}
                    2 if is_rev(&path[1]) => input.set_str("rev", path[1].clone()),
                    2 if is_legal_ref_name(&path[1]) => input.set_str("ref", path[1].clone()),
                    2 => {
                        return Err(format!(
                            "in flake URL '{url}', '{}' is not a commit hash or branch/tag name",
                            path[1]
                        ))
                    }
                    3 => {
                        if !is_legal_ref_name(&path[1]) {
                            return Err(format!("in flake URL '{url}', '{}' is not a branch/tag name", path[1]));
                        }
                        if !is_rev(&path[2]) {
                            return Err(format!("in flake URL '{url}', '{}' is not a commit hash", path[2]));
                        }
                        input.set_str("ref", path[1].clone());
                        input.set_str("rev", path[2].clone());
                    }
                    _ => return Err(format!("GitHub URL '{url}' is invalid")),
                }
                if !is_flake_id(&path[0]) {
                    return Err(format!("'{}' is not a valid flake ID", path[0]));
                }
                input.set_str("type", "indirect");
                input.set_str("id", path[0].clone());
            }
            "tarball" | "file" => {
                if !curl_takes(url, scheme, require_tree) {
                    return Ok(None);
                }
                let mut url = url.clone();
                url.scheme = url_scheme_parts(&url.scheme).1.to_string();
                if let Some(h) = url.query.get("narHash") {
                    input.set_str("narHash", h.clone());
                }
                if let Some(r) = url.query.get("rev") {
                    input.set_str("rev", r.clone());
                }
                for name in ["revCount", "lastModified"] {
                    if let Some(n) = url.query.get(name).and_then(|v| v.parse::<u64>().ok()) {
                        input.set(name, Attr::Int(n));
                    }
                }
                for name in allowed_attrs(scheme) {
                    url.query.remove(*name);
                }
                input.set_str("type", scheme);
                input.set_str("url", url.to_string());
            }
            "hg" => {
                if url_scheme_parts(&url.scheme).0 != Some("hg") {
                    return Ok(None);
                }
                let mut url2 = url.clone();
                url2.scheme = url_scheme_parts(&url.scheme).1.to_string();
                url2.query.clear();
                input.set_str("type", "hg");
                for (name, value) in &url.query {
                    match name.as_str() {
                        "rev" | "ref" => input.set_str(name, value.clone()),
                        _ => {
                            url2.query.insert(name.clone(), value.clone());
                        }
                    }
                }
                input.set_str("url", url2.to_string());
            }
            "tern-stdlib" => {
                if url.scheme != "tern" || url.segments() != ["stdlib"] {
                    return Ok(None);
                }
                input.set_str("type", "tern-stdlib");
            }
            _ => return Ok(None),
        }
        Ok(Some(input))
    }

    /// `Input::fromAttrs`: checks the type's allowed attributes and its own rules. An
    /// unknown type gives a "raw" input that can be compared but not shown or fetched.
    pub fn from_attrs(attrs: Attrs) -> Result<Input, String> {
        let kind = match attrs.get("type") {
            Some(Attr::Str(s)) => s.clone(),
            Some(_) => return Err("input attribute 'type' is not a string".into()),
            None => return Err("'type' attribute to specify input scheme is required but not provided".into()),
        };
        if !SCHEMES.contains(&kind.as_str()) {
            let input = Input { attrs };
            input.fixup()?;
            return Ok(input);
        }
        let allowed = allowed_attrs(&kind);
        for name in attrs.keys() {
            if name != "type" && name != "__final" && !allowed.contains(&name.as_str()) {
                return Err(format!("input attribute '{name}' not supported by scheme '{kind}'"));
            }
        }
        let input = Input::from_scheme_attrs(&kind, attrs)?;
        input.fixup()?;
        Ok(input)
    }

    fn from_scheme_attrs(kind: &str, attrs: Attrs) -> Result<Input, String> {
        let mut input = Input { attrs };
        let req = |input: &Input, name: &str| -> Result<(), String> {
            match input.attrs.get(name) {
                Some(Attr::Str(_)) => Ok(()),
                Some(_) => Err(format!("input attribute '{name}' is not a string {}", attrs_to_json(&input.attrs))),
                None => Err(format!("input attribute '{name}' is missing")),
            }
        };
        match kind {
            "path" => req(&input, "path")?,
            "git" => {
                req(&input, "url")?;
                if let Some(r) = input.get_str("ref") {
                    if !is_legal_ref_name(r) {
                        return Err(format!("invalid Git branch/tag name '{r}'"));
                    }
                }
                let fixed = fix_git_url(input.get_str("url").unwrap_or(""))?;
                input.set_str("url", fixed);
            }
            "github" | "gitlab" | "sourcehut" => {
                req(&input, "owner")?;
                req(&input, "repo")?;
                let json = || attrs_to_json(&input.attrs);
                if let (Some(rev), Some(r)) = (input.get_str("rev"), input.get_str("ref")) {
                    return Err(format!(
                        "input {} contains both a commit hash ('{rev}') and a branch/tag name ('{r}')",
                        json()
                    ));
                }
                if let Some(rev) = input.get_str("rev") {
                    check_rev(rev)?;
                }
                if let Some(r) = input.get_str("ref") {
                    if !is_legal_ref_name(r) {
                        return Err(format!("input {} contains an invalid branch/tag name", json()));
                    }
                }
                if let Some(h) = input.get_str("host") {
                    // CppNix allows `[a-zA-Z0-9.-]*`; tern also takes a port (`host:8443`), which
                    // self-hosted forges (and test stand-ins) use.
                    let (name, port) = h.split_once(':').unwrap_or((h, "0"));
                    let port_ok = !port.is_empty() && port.len() <= 5 && port.bytes().all(|c| c.is_ascii_digit());
                    if !port_ok || !name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'-') {
                        return Err(format!("input {} contains an invalid instance host", json()));
                    }
                }
            }
            "indirect" => {
                req(&input, "id")?;
                let id = input.get_str("id").unwrap_or("");
                if !is_flake_id(id) {
                    return Err(format!("'{id}' is not a valid flake ID"));
                }
            }
            "tarball" | "file" | "hg" => req(&input, "url")?,
            _ => {}
        }
        Ok(input)
    }

    /// The checks CppNix applies to every input (`fixupInput`).
    fn fixup(&self) -> Result<(), String> {
        if let Some(r) = self.attrs.get("ref") {
            if r.as_str().is_none() {
                return Err(format!("input attribute 'ref' is not a string {}", attrs_to_json(&self.attrs)));
            }
        }
        for name in ["revCount", "lastModified"] {
            if let Some(v) = self.attrs.get(name) {
                if !matches!(v, Attr::Int(_)) {
                    return Err(format!("input attribute '{name}' is not an integer"));
                }
            }
        }
        if let Some(rev) = self.get_str("rev") {
            check_rev(rev)?;
        }
        Ok(())
    }

    /// The URL form (`Input::toURL`).
    pub fn to_url(&self) -> Result<ParsedUrl, String> {
        let kind = self.kind();
        let mut url = match kind {
            "path" => {
                let mut query = BTreeMap::new();
                for (k, v) in &self.attrs {
                    if k != "path" && k != "type" && k != "__final" {
                        query.insert(k.clone(), v.to_query());
                    }
                }
                ParsedUrl {
                    scheme: "path".into(),
                    authority: None,
                    path: path_to_url_path(self.get_str("path").unwrap_or("")),
                    query,
                    fragment: String::new(),
                }
            }
            "git" => {
                let mut url = ParsedUrl::parse(self.get_str("url").unwrap_or(""))?;
                if url.scheme != "git" {
                    url.scheme = format!("git+{}", url.scheme);
                }
                for name in ["rev", "ref"] {
                    if let Some(v) = self.get_str(name) {
                        url.query.insert(name.into(), v.into());
                    }
                }
                for name in ["shallow", "lfs", "submodules", "exportIgnore", "verifyCommit"] {
                    if self.get_bool(name) {
                        url.query.insert(name.into(), "1".into());
                    }
                }
                for name in ["keytype", "publicKey", "publicKeys"] {
                    if let Some(v) = self.get_str(name) {
                        url.query.insert(name.into(), v.into());
                    }
                }
                url
            }
            "github" | "gitlab" | "sourcehut" => {
                let mut path = vec![self.get_str("owner").unwrap_or("").to_string()];
                path.push(self.get_str("repo").unwrap_or("").to_string());
                if let Some(r) = self.get_str("ref") {
                    path.push(r.into());
                }
                if let Some(r) = self.get_str("rev") {
                    path.push(r.to_ascii_lowercase());
                }
                let mut query = BTreeMap::new();
                if let Some(h) = self.get_str("narHash") {
                    query.insert("narHash".into(), h.into());
                }
                if let Some(h) = self.get_str("host") {
                    query.insert("host".into(), h.into());
                }
                ParsedUrl { scheme: kind.into(), authority: None, path, query, fragment: String::new() }
            }
            "indirect" => {
                let mut path = vec![self.get_str("id").unwrap_or("").to_string()];
                for name in ["ref", "rev"] {
                    if let Some(v) = self.get_str(name) {
                        path.push(v.into());
                    }
                }
                ParsedUrl {
                    scheme: "flake".into(),
                    authority: None,
                    path,
                    query: BTreeMap::new(),
                    fragment: String::new(),
                }
            }
            "tarball" | "file" => {
                let mut url = ParsedUrl::parse(self.get_str("url").unwrap_or(""))?;
                if let Some(h) = self.get_str("narHash") {
                    url.query.insert("narHash".into(), h.into());
                }
                url
            }
            "hg" => {
                let mut url = ParsedUrl::parse(self.get_str("url").unwrap_or(""))?;
                url.scheme = format!("hg+{}", url.scheme);
                for name in ["rev", "ref"] {
                    if let Some(v) = self.get_str(name) {
                        url.query.insert(name.into(), v.into());
                    }
                }
                url
            }
            "tern-stdlib" => ParsedUrl {
                scheme: "tern".into(),
                authority: None,
                path: vec!["stdlib".into()],
                query: BTreeMap::new(),
                fragment: String::new(),
            },
            _ => return Err(format!("cannot show unsupported input '{}'", attrs_to_json(&self.attrs))),
        };
        url.fragment.clear();
        Ok(url)
    }

    /// Whether the input names fixed contents (CppNix's `isLocked`).
    pub fn is_locked(&self) -> bool {
        match self.kind() {
            "path" | "tarball" | "file" => self.attrs.contains_key("narHash"),
            "git" | "github" | "gitlab" | "sourcehut" | "hg" => self.attrs.contains_key("rev"),
            "tern-stdlib" => true,
            _ => false,
        }
    }

    /// A `path:` input with a relative path (`path:./sub`), resolved against its parent.
    pub fn relative_path(&self) -> Option<&str> {
        if self.kind() == "path" {
            self.get_str("path").filter(|p| !p.starts_with('/'))
        } else {
            None
        }
    }
}

/// Git URLs as the git fetcher stores them: absolute paths become `file://`, and the
/// `git+` of the scheme is dropped.
fn fix_git_url(url: &str) -> Result<String, String> {
    if url.starts_with('/') {
        let u = ParsedUrl {
            scheme: "file".into(),
            authority: Some(String::new()),
            path: path_to_url_path(url),
            query: BTreeMap::new(),
            fragment: String::new(),
        };
        return Ok(u.to_string());
    }
    // scp-style `user@host:path`: kept as it is.
    if !url.contains("://") {
        if let Some((host, _)) = url.split_once(':') {
            if host.contains('@') && !host.contains('/') {
                return Ok(url.to_string());
            }
        }
    }
    let mut parsed = ParsedUrl::parse(url)?;
    if let (Some("git"), transport) = url_scheme_parts(&parsed.scheme) {
        parsed.scheme = transport.to_string();
    }
    Ok(parsed.to_string())
}

// ---------------------------------------------------------------------------------------
// Flake references

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlakeRef {
    pub input: Input,
    /// The flake's directory inside the source tree (`?dir=`), `""` for the root.
    pub subdir: String,
}

impl std::fmt::Display for FlakeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.to_url_string() {
            Ok(s) => f.write_str(&s),
            Err(_) => write!(f, "{}", attrs_to_json(&self.to_attrs())),
        }
    }
}

impl FlakeRef {
    /// The URL string (`FlakeRef::to_string`): the input's URL with `dir` added.
    pub fn to_url_string(&self) -> Result<String, String> {
        let mut url = self.input.to_url()?;
        if !self.subdir.is_empty() {
            url.query.entry("dir".into()).or_insert_with(|| self.subdir.clone());
        }
        Ok(url.to_string())
    }

    /// The attribute form: the input's attributes plus `dir`.
    pub fn to_attrs(&self) -> Attrs {
        let mut attrs = self.input.attrs.clone();
        attrs.remove("__final");
        if !self.subdir.is_empty() {
            attrs.insert("dir".into(), Attr::Str(self.subdir.clone()));
        }
        attrs
    }

    pub fn from_attrs(attrs: &Attrs) -> Result<FlakeRef, String> {
        let mut attrs = attrs.clone();
        let subdir = match attrs.remove("dir") {
            Some(Attr::Str(s)) => s,
            Some(_) => return Err("input attribute 'dir' is not a string".into()),
            None => String::new(),
        };
        Ok(FlakeRef { input: Input::from_attrs(attrs)?, subdir })
    }

    fn from_parsed_url(mut url: ParsedUrl, is_flake: bool) -> Result<(FlakeRef, String), String> {
        let subdir = url.query.remove("dir").unwrap_or_default();
        let fragment = std::mem::take(&mut url.fragment);
        Ok((FlakeRef { input: Input::from_url(&url, is_flake)?, subdir }, fragment))
    }

    /// Drops a `dir` repeated inside a `url` attribute (old lock files wrote it there), so
    /// such entries still compare equal.
    pub fn canonicalize(&self) -> FlakeRef {
        let mut r = self.clone();
        if let Some(url) = r.input.get_str("url").map(String::from) {
            if let Ok(mut parsed) = ParsedUrl::parse(&url) {
                if !r.subdir.is_empty() && parsed.query.get("dir") == Some(&r.subdir) {
                    parsed.query.remove("dir");
                }
                r.input.set_str("url", parsed.to_string());
            }
        }
        r
    }
}

/// Options of [`parse_with_fragment`].
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions<'a> {
    /// Resolve relative paths against this directory (the command line's working
    /// directory); without it a path must be absolute.
    pub base_dir: Option<&'a Path>,
    /// Don't require `flake.nix` to exist (builtins, `--override-input`).
    pub allow_missing: bool,
    /// The reference names a flake (not a `flake = false` input): plain `file://` URLs
    /// are tarballs.
    pub is_flake: bool,
    /// Keep relative paths relative (`inputs.x.url = "path:./sub"`).
    pub preserve_relative: bool,
}

/// Parses a flake reference without a fragment.
pub fn parse(url: &str, opts: ParseOptions<'_>) -> Result<FlakeRef, String> {
    let (r, fragment) = parse_with_fragment(url, opts)?;
    if !fragment.is_empty() {
        return Err(format!("unexpected fragment '{fragment}' in flake reference '{url}'"));
    }
    Ok(r)
}

/// Parses `REF#FRAGMENT`.
pub fn parse_with_fragment(url: &str, opts: ParseOptions<'_>) -> Result<(FlakeRef, String), String> {
    if let Some(res) = parse_flake_id(url, opts.is_flake)? {
        return Ok(res);
    }
    if let Ok(mut parsed) = ParsedUrl::parse(url) {
        if let Some(base) = opts.base_dir {
            if parsed.scheme == "path" || parsed.scheme == "git+file" {
                let p = parsed.fs_path();
                if !p.starts_with('/') {
                    let abs = absolute_path(base, &p);
                    parsed.path = path_to_url_path(&abs.to_string_lossy());
                }
            }
        }
        return FlakeRef::from_parsed_url(parsed, opts.is_flake);
    }
    parse_path_ref(url, opts)
}

/// `nixpkgs`, `nixpkgs/nixos-23.11`, `nixpkgs/<rev>` (with an optional `#fragment`).
fn parse_flake_id(url: &str, is_flake: bool) -> Result<Option<(FlakeRef, String)>, String> {
    let (main, fragment) = match url.split_once('#') {
        Some((m, f)) => (m, Some(f)),
        None => (url, None),
    };
    let (id, rest) = match main.split_once('/') {
        Some((id, rest)) => (id, Some(rest)),
        None => (main, None),
    };
    if !is_flake_id(id) {
        return Ok(None);
    }
    if let Some(rest) = rest {
        let ok = is_rev(rest)
            || match rest.rsplit_once('/') {
                Some((r, rev)) if is_rev(rev) => matches_ref_regex(r),
                _ => matches_ref_regex(rest),
            };
        if !ok {
            return Ok(None);
        }
    }
    if let Some(f) = fragment {
        let allowed = |c: u8| is_unreserved(c) || b"!$&'\"()*+,;=:@/? ^%".contains(&c);
        if !f.bytes().all(allowed) {
            return Ok(None);
        }
    }
    let parsed = ParsedUrl {
        scheme: "flake".into(),
        authority: None,
        path: main.split('/').map(String::from).collect(),
        query: BTreeMap::new(),
        fragment: String::new(),
    };
    let input = Input::from_url(&parsed, is_flake)?;
    let fragment = match fragment {
        Some(f) => percent_decode(f)?,
        None => String::new(),
    };
    Ok(Some((FlakeRef { input, subdir: String::new() }, fragment)))
}

fn absolute_path(base: &Path, p: &str) -> PathBuf {
    let joined = if p.starts_with('/') { PathBuf::from(p) } else { base.join(p) };
    PathBuf::from(crate::eval::lower::canonicalize(&joined.to_string_lossy()))
}

/// A file system path, with `?query` and `#fragment`.
fn parse_path_ref(url: &str, opts: ParseOptions<'_>) -> Result<(FlakeRef, String), String> {
    let (before_frag, fragment) = match url.split_once('#') {
        Some((a, f)) => (a, percent_decode(f)?),
        None => (url, String::new()),
    };
    let (path_s, query_s) = match before_frag.split_once('?') {
        Some((p, q)) => (p, q),
        None => (before_frag, ""),
    };
    let query = decode_query(query_s)?;
    let mut path = path_s.to_string();
    if let Some(base) = opts.base_dir {
        let mut p = absolute_path(base, &path);
        if opts.is_flake {
            let meta = std::fs::metadata(&p).map_err(|e| format!("cannot access path '{}': {e}", p.display()))?;
            if !meta.is_dir() {
                if p.file_name().is_some_and(|n| n == "flake.nix") {
                    let parent = p.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("/"));
                    eprintln!(
                        "warning: Path '{}' should point at the directory containing the 'flake.nix' file, not the \
                         file itself. Pretending that you meant '{}'",
                        p.display(),
                        parent.display()
                    );
                    p = parent;
                } else {
                    return Err(format!("path '{}' is not a flake (because it's not a directory)", p.display()));
                }
            }
            if !opts.allow_missing && !p.join("flake.nix").exists() {
                let mut q = p.clone();
                loop {
                    if q.join("flake.nix").exists() {
                        break;
                    }
                    if q.join(".git").exists() {
                        return Err(format!(
                            "path '{}' is not part of a flake (neither it nor its parent directories contain a \
                             'flake.nix' file)",
                            p.display()
                        ));
                    }
                    match q.parent() {
                        Some(parent) => q = parent.to_path_buf(),
                        None => return Err("could not find a flake.nix file".into()),
                    }
                }
                p = q;
            }
            // Inside a git work tree: `git+file://ROOT?dir=SUB`.
            let mut root = p.clone();
            let mut subdir = String::new();
            loop {
                if root.join(".git").exists() {
                    let mut q = query.clone();
                    if !subdir.is_empty() {
                        if q.contains_key("dir") {
                            return Err(format!("flake URL '{url}' has an inconsistent 'dir' parameter"));
                        }
                        q.insert("dir".into(), subdir);
                    }
                    if root.join(".git/shallow").exists() {
                        q.insert("shallow".into(), "1".into());
                    }
                    let parsed = ParsedUrl {
                        scheme: "git+file".into(),
                        authority: Some(String::new()),
                        path: path_to_url_path(&root.to_string_lossy()),
                        query: q,
                        fragment,
                    };
                    return FlakeRef::from_parsed_url(parsed, opts.is_flake);
                }
                let name = root.file_name().map(|n| n.to_string_lossy().into_owned());
                match (name, root.parent()) {
                    (Some(name), Some(parent)) => {
                        subdir = if subdir.is_empty() { name } else { format!("{name}/{subdir}") };
                        root = parent.to_path_buf();
                    }
                    _ => break,
                }
            }
        }
        path = p.to_string_lossy().into_owned();
    } else if !opts.preserve_relative && !path.starts_with('/') {
        return Err(format!("flake reference '{url}' is not an absolute path"));
    }
    let absolute = path.starts_with('/');
    let parsed = ParsedUrl {
        scheme: "path".into(),
        authority: absolute.then(String::new),
        path: path_to_url_path(&path),
        query,
        fragment,
    };
    FlakeRef::from_parsed_url(parsed, opts.is_flake)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> FlakeRef {
        parse(s, ParseOptions { allow_missing: true, is_flake: true, ..Default::default() }).expect("parses")
    }

    #[test]
    fn round_trips() {
        for s in [
            "github:NixOS/nixpkgs/23.05?dir=lib",
            "github:nixos/nixpkgs/nixos-23.11",
            "flake:nixpkgs",
            "flake:nixpkgs/nixos-23.11",
            "path:/x/y",
            "git+file:///x?ref=main&rev=0123456789012345678901234567890123456789",
            "https://example.org/x.tar.gz",
            "gitlab:veloren/veloren",
            "sourcehut:~misterio/nix-colors",
        ] {
            assert_eq!(p(s).to_string(), s, "{s}");
        }
        assert_eq!(p("nixpkgs").to_string(), "flake:nixpkgs");
        assert_eq!(p("/x/y").to_string(), "path:/x/y");
        assert_eq!(p("tarball+file:///x/y.tar.gz").to_string(), "file:///x/y.tar.gz");
        assert_eq!(p("file:///x/y").input.kind(), "tarball");
    }

    #[test]
    fn attrs() {
        let r = p("github:NixOS/nixpkgs/23.05?dir=lib");
        let a = r.to_attrs();
        assert_eq!(a.get("owner"), Some(&Attr::Str("NixOS".into())));
        assert_eq!(a.get("dir"), Some(&Attr::Str("lib".into())));
        assert_eq!(FlakeRef::from_attrs(&a).expect("valid"), r);
        let g = p("git+file:///x?ref=main");
        assert_eq!(g.input.get_str("url"), Some("file:///x"));
    }

    #[test]
    fn errors() {
        let o = ParseOptions { allow_missing: true, is_flake: true, ..Default::default() };
        assert!(parse("./x", o).unwrap_err().contains("not an absolute path"));
        assert!(parse("github:x", o).unwrap_err().contains("is invalid"));
        assert!(parse("foo:bar", o).unwrap_err().contains("unsupported"));
        assert!(parse("nixpkgs#x", o).unwrap_err().contains("unexpected fragment"));
    }
}
