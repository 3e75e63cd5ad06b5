//! The builder's settings file, `$XDG_CONFIG_HOME/tern/tern.conf` (else
//! `~/.config/tern/tern.conf`), in nix.conf's shape: `name = value` lines,
//! `#` comments, values split on whitespace where a list is expected.
//!
//! Settings: `extra-platforms` (systems to build under emulation),
//! `system-features` (extra features this machine offers), `max-jobs`,
//! `cores`, `keep-failed`, `sandbox` (isolate builders; `false` is the
//! explicit way out), `sandbox-paths` / `extra-sandbox-paths` (host paths
//! isolated builders see, `target[=source][?]` as in nix.conf),
//! `max-build-log-size` (bytes; a builder logging more is killed), `mirrors`
//! (`NAME=URL` words for `mirror://NAME/`), `store` (the store root, as
//! `--store`; `/` is the system's CppNix store), `builders` (remote builders,
//! as `--builders`), and the fetchers' and
//! binary caches' settings read by `crate::fetch` (`tarball-ttl`, `offline`,
//! `ssl-cert-file`, `access-tokens`, `netrc-file`, `stdlib-nixpkgs`,
//! `substituters`, `trusted-public-keys`, `require-sigs`,
//! `secret-key-files`). Command-line options win over the file. An
//! unknown setting is a warning, not an error, so a file written for a
//! newer tern still works.

use std::path::{Path, PathBuf};

/// Values read from `tern.conf`; `None`/empty where not set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub extra_platforms: Vec<String>,
    pub system_features: Vec<String>,
    pub max_jobs: Option<usize>,
    pub cores: Option<usize>,
    pub keep_failed: Option<bool>,
    /// `NAME=URL` words: base URLs for `mirror://NAME/…` (see `mirrors`).
    pub mirrors: Vec<String>,
    /// `sandbox = true|false`.
    pub sandbox: Option<bool>,
    /// `sandbox-paths` (replaces the default list).
    pub sandbox_paths: Option<Vec<String>>,
    /// `extra-sandbox-paths` (added to it).
    pub extra_sandbox_paths: Vec<String>,
    /// `max-build-log-size` in bytes (0: no limit).
    pub max_build_log_size: Option<u64>,
    /// Fetcher settings (see `crate::fetch`): `tarball-ttl`, `offline`,
    /// `ssl-cert-file`, `access-tokens` (words `HOST=TOKEN`).
    pub tarball_ttl: Option<u64>,
    pub offline: Option<bool>,
    pub ssl_cert_file: Option<String>,
    pub access_tokens: Vec<String>,
    /// `stdlib-nixpkgs = false`: nixpkgs flake inputs are fetched, not tern's stdlib.
    pub stdlib_nixpkgs: Option<bool>,
    /// Binary caches: `substituters`, `trusted-public-keys`, `require-sigs`, `secret-key-files`.
    pub substituters: Vec<String>,
    pub trusted_public_keys: Vec<String>,
    pub require_sigs: Option<bool>,
    pub secret_key_files: Vec<String>,
    /// `netrc-file`: logins for HTTP(S) hosts.
    pub netrc_file: Option<String>,
    /// `store`: the store root (`/` for the system's CppNix store).
    pub store: Option<String>,
    /// `builders`: remote builders in Nix's machines format (or `@FILE`).
    pub builders: Option<String>,
    /// Problems found while reading, to show as warnings.
    pub warnings: Vec<String>,
}

/// Where the settings file is looked for.
pub fn config_file() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|s| !s.is_empty()) {
        return Some(PathBuf::from(x).join("tern/tern.conf"));
    }
    std::env::var_os("HOME").filter(|s| !s.is_empty()).map(|h| PathBuf::from(h).join(".config/tern/tern.conf"))
}

impl Config {
    /// Reads the settings file if there is one.
    pub fn load() -> Config {
        match config_file() {
            Some(f) if f.exists() => Config::read(&f),
            _ => Config::default(),
        }
    }

    pub fn read(file: &Path) -> Config {
        match std::fs::read_to_string(file) {
            Ok(text) => Config::parse(&text, &file.display().to_string()),
            Err(e) => Config { warnings: vec![format!("cannot read '{}': {e}", file.display())], ..Config::default() },
        }
    }

    pub fn parse(text: &str, origin: &str) -> Config {
        let mut c = Config::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let at = || format!("{origin}:{}", n + 1);
            let Some((name, value)) = line.split_once('=') else {
                c.warnings.push(format!("{}: expected 'name = value'", at()));
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            let words = || value.split_whitespace().map(String::from).collect::<Vec<_>>();
            let number = |c: &mut Config| match value.parse::<usize>() {
                Ok(n) => Some(n),
                Err(_) => {
                    c.warnings.push(format!("{}: '{value}' is not a number", at()));
                    None
                }
            };
            let boolean = |c: &mut Config| match value {
                "true" => Some(true),
                "false" => Some(false),
                _ => {
                    c.warnings.push(format!("{}: '{value}' is not 'true' or 'false'", at()));
                    None
                }
            };
            match name {
                "extra-platforms" => c.extra_platforms.extend(words()),
                "system-features" | "extra-system-features" => c.system_features.extend(words()),
                "mirrors" => c.mirrors.extend(words()),
                "max-jobs" => c.max_jobs = number(&mut c),
                "cores" => c.cores = number(&mut c),
                "keep-failed" => c.keep_failed = boolean(&mut c),
                "sandbox" => c.sandbox = boolean(&mut c),
                "sandbox-paths" => c.sandbox_paths = Some(words()),
                "extra-sandbox-paths" => c.extra_sandbox_paths.extend(words()),
                "max-build-log-size" => c.max_build_log_size = number(&mut c).map(|n| n as u64),
                "tarball-ttl" => c.tarball_ttl = number(&mut c).map(|n| n as u64),
                "offline" => c.offline = boolean(&mut c),
                "ssl-cert-file" => c.ssl_cert_file = Some(value.to_string()),
                "access-tokens" | "extra-access-tokens" => c.access_tokens.extend(words()),
                "stdlib-nixpkgs" => c.stdlib_nixpkgs = boolean(&mut c),
                "substituters" | "extra-substituters" => c.substituters.extend(words()),
                "trusted-public-keys" | "extra-trusted-public-keys" => c.trusted_public_keys.extend(words()),
                "require-sigs" => c.require_sigs = boolean(&mut c),
                "secret-key-files" => c.secret_key_files.extend(words()),
                "netrc-file" => c.netrc_file = Some(value.to_string()),
                "store" => c.store = Some(value.to_string()).filter(|v| !v.is_empty()),
                "builders" => c.builders = Some(value.to_string()),
                other => c.warnings.push(format!("{}: unknown setting '{other}'", at())),
            }
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_settings() {
        let c = Config::parse(
            "# comment\nextra-platforms = aarch64-linux riscv64-linux # trailing\nmax-jobs=4\ncores = x\nfoo = 1\n",
            "t.conf",
        );
        assert_eq!(c.extra_platforms, vec!["aarch64-linux", "riscv64-linux"]);
        assert_eq!(c.max_jobs, Some(4));
        assert_eq!(c.cores, None);
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(c.warnings[1].contains("unknown setting 'foo'"));
        let c = Config::parse(
            "sandbox = false\nsandbox-paths = /bin/sh=/bin/busybox /usr?\nextra-sandbox-paths = /opt\n\
             max-build-log-size = 1024\n",
            "t.conf",
        );
        assert_eq!(c.sandbox, Some(false));
        assert_eq!(c.sandbox_paths, Some(vec!["/bin/sh=/bin/busybox".to_string(), "/usr?".to_string()]));
        assert_eq!(c.extra_sandbox_paths, vec!["/opt"]);
        assert_eq!(c.max_build_log_size, Some(1024));
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }
}
