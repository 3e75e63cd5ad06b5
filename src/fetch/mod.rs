//! Fetching from the network into the store: files and tarballs by URL
//! (`url`), GitHub/GitLab/SourceHut archives (`forge`), remote git
//! repositories (`git`) and their LFS objects (`lfs`), with a cache of
//! what was fetched (`cache`) and the settings that steer it (this module).
//!
//! Everything here works on a [`Store`](crate::store::local::Store) and
//! returns messages as `String`s; the evaluator's builtins and the flake
//! inputs wrap them. A download goes to a scratch directory first, is checked
//! (hash, archive entries), and only a complete, verified tree reaches the
//! store, so a failure leaves nothing half-written there.
//!
//! Settings (`tarball-ttl`, `offline`, `ssl-cert-file`, `access-tokens`,
//! `stdlib-nixpkgs`, `substituters`, `trusted-public-keys`, `require-sigs`,
//! `secret-key-files`, `netrc-file`) come
//! from `tern.conf`, then the command line (`--option NAME VALUE`,
//! `--offline`, `--tarball-ttl N`); `ssl-cert-file` defaults to
//! `NIX_SSL_CERT_FILE`, else `SSL_CERT_FILE`.

pub mod binary_cache;
pub mod cache;
pub mod copy;
pub mod forge;
pub mod git;
pub mod lfs;
pub mod unpack;
pub mod url;

use std::path::PathBuf;
use std::sync::Mutex;

/// The fetchers' settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Seconds a fetched mutable URL (and a forge branch's revision) is reused
    /// without asking the server again (`tarball-ttl`, default one hour).
    pub tarball_ttl: u64,
    /// Use only what is cached; never reach the network.
    pub offline: bool,
    /// A PEM bundle of the certificate authorities HTTPS trusts.
    pub ssl_cert_file: Option<PathBuf>,
    /// `HOST=TOKEN` (or `HOST/OWNER/REPO=TOKEN`) pairs for forges.
    pub access_tokens: Vec<(String, String)>,
    /// Serve nixpkgs flake references from tern's stdlib (`stdlib-nixpkgs`,
    /// default true); false fetches the real thing like any other input.
    pub stdlib_nixpkgs: bool,
    /// Binary caches tried before building (`substituters`), in order.
    pub substituters: Vec<String>,
    /// `NAME:BASE64` keys whose signatures a substituted path must carry.
    pub trusted_public_keys: Vec<String>,
    /// Refuse unsigned paths from binary caches (`require-sigs`, default true).
    pub require_sigs: bool,
    /// Files holding `NAME:BASE64` secret keys to sign what `tern copy` writes.
    pub secret_key_files: Vec<String>,
    /// A netrc file with logins for HTTP(S) hosts (`netrc-file`).
    pub netrc_file: Option<PathBuf>,
}

static SETTINGS: Mutex<Option<Settings>> = Mutex::new(None);

fn initial() -> Settings {
    let env_bundle = ["NIX_SSL_CERT_FILE", "SSL_CERT_FILE"]
        .iter()
        .find_map(|v| std::env::var_os(v).filter(|s| !s.is_empty()))
        .map(PathBuf::from);
    let config = crate::build::config::Config::load();
    Settings {
        tarball_ttl: config.tarball_ttl.unwrap_or(3600),
        offline: config.offline.unwrap_or(false),
        ssl_cert_file: config.ssl_cert_file.map(PathBuf::from).or(env_bundle),
        access_tokens: parse_tokens(&config.access_tokens.join(" ")),
        stdlib_nixpkgs: config.stdlib_nixpkgs.unwrap_or(true),
        substituters: config.substituters,
        trusted_public_keys: config.trusted_public_keys,
        require_sigs: config.require_sigs.unwrap_or(true),
        secret_key_files: config.secret_key_files,
        netrc_file: config.netrc_file.map(PathBuf::from),
    }
}

fn parse_tokens(words: &str) -> Vec<(String, String)> {
    words.split_whitespace().filter_map(|w| w.split_once('=')).map(|(h, t)| (h.to_string(), t.to_string())).collect()
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

/// The current settings.
pub fn settings() -> Settings {
    let mut guard = SETTINGS.lock().unwrap_or_else(|p| p.into_inner());
    guard.get_or_insert_with(initial).clone()
}

/// Sets one setting from the command line. `Ok(false)`: not a fetcher setting.
pub fn set_option(name: &str, value: &str) -> Result<bool, String> {
    let mut guard = SETTINGS.lock().unwrap_or_else(|p| p.into_inner());
    let s = guard.get_or_insert_with(initial);
    match name {
        "tarball-ttl" => {
            s.tarball_ttl = value.parse().map_err(|_| format!("invalid value '{value}' for tarball-ttl"))?
        }
        "offline" => s.offline = value != "false",
        "ssl-cert-file" => s.ssl_cert_file = (!value.is_empty()).then(|| PathBuf::from(value)),
        "access-tokens" => s.access_tokens = parse_tokens(value),
        "extra-access-tokens" => s.access_tokens.extend(parse_tokens(value)),
        "stdlib-nixpkgs" => s.stdlib_nixpkgs = value != "false",
        "substituters" => s.substituters = words(value),
        "extra-substituters" => s.substituters.extend(words(value)),
        "trusted-public-keys" => s.trusted_public_keys = words(value),
        "extra-trusted-public-keys" => s.trusted_public_keys.extend(words(value)),
        "require-sigs" => s.require_sigs = value != "false",
        "secret-key-files" => s.secret_key_files = words(value),
        "netrc-file" => s.netrc_file = (!value.is_empty()).then(|| PathBuf::from(value)),
        _ => return Ok(false),
    }
    Ok(true)
}

/// Where the fetchers keep their caches and scratch directories for `store`:
/// `<root>/var` of a tern store, `/nix/var/tern` for CppNix's.
pub fn state_dir(store: &crate::store::local::Store) -> PathBuf {
    match store.layout().flavor {
        crate::store::layout::Flavor::CppNix => store.root().join("var/tern"),
        _ => store.root().join("var"),
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The message for a fetch that needs the network in offline mode.
#[cold]
pub(crate) fn offline_error(url: &str) -> String {
    format!("cannot fetch '{url}': tern is in offline mode and has no cached copy of it")
}
