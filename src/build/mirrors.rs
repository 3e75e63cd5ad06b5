//! `mirror://NAME/PATH` URLs: which base URLs stand behind a mirror name.
//!
//! nixpkgs spells sources as `mirror://debian/pool/main/h/hello/…`; the
//! package set never names a host. tern resolves the name when the fetch
//! runs, from (in this order):
//! 1. `mirrors = NAME=URL …` in `tern.conf` (several words, several bases);
//! 2. for `debian`: the archive URIs of this machine's own apt configuration
//!    (`/etc/apt/sources.list`, `sources.list.d/*.list` one-line entries and
//!    `sources.list.d/*.sources` deb822 stanzas), so a fetch goes wherever
//!    apt already goes. Security archives (`-security` suites) come last:
//!    their pool holds only the security updates.
//!
//! Nothing here touches the network; [`Mirrors::expand`] only turns one
//! URL into the list of URLs to try in turn.

use std::path::{Path, PathBuf};

/// Base URLs per mirror name.
#[derive(Clone, Debug, Default)]
pub struct Mirrors {
    configured: Vec<(String, String)>,
    apt_root: PathBuf,
}

/// One archive entry found in apt's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
struct AptArchive {
    uri: String,
    security_only: bool,
}

impl Mirrors {
    /// Mirrors from `tern.conf` words (`debian=http://…/debian`), with apt's
    /// configuration under `apt_root` (normally `/`) as the fallback.
    pub fn new(configured: &[String], apt_root: &Path) -> Result<Mirrors, String> {
        let mut pairs = Vec::new();
        for word in configured {
            match word.split_once('=') {
                Some((name, url)) if !name.is_empty() && url.contains("://") => {
                    pairs.push((name.to_string(), url.trim_end_matches('/').to_string()))
                }
                _ => return Err(format!("'mirrors' setting: '{word}' is not of the form NAME=URL")),
            }
        }
        Ok(Mirrors { configured: pairs, apt_root: apt_root.to_path_buf() })
    }

    /// The URLs to try for `url`, best first: itself unless it is a
    /// `mirror://` URL, else one per known base of that mirror.
    pub fn expand(&self, url: &str) -> Result<Vec<String>, String> {
        let Some(rest) = url.strip_prefix("mirror://") else {
            return Ok(vec![url.to_string()]);
        };
        let (name, path) = rest.split_once('/').unwrap_or((rest, ""));
        let mut bases: Vec<String> =
            self.configured.iter().filter(|(n, _)| n == name).map(|(_, u)| u.clone()).collect();
        if bases.is_empty() && name == "debian" {
            let archives = apt_archives(&self.apt_root);
            let (main, security): (Vec<_>, Vec<_>) = archives.into_iter().partition(|a| !a.security_only);
            bases = main.into_iter().chain(security).map(|a| a.uri.trim_end_matches('/').to_string()).collect();
            bases.dedup();
        }
        if bases.is_empty() {
            let hint = if name == "debian" {
                "this machine's apt configuration names no archive (/etc/apt/sources.list, \
                 /etc/apt/sources.list.d/); "
            } else {
                ""
            };
            return Err(format!(
                "no mirror is known for 'mirror://{name}/' ({hint}add 'mirrors = {name}=URL' to tern.conf)"
            ));
        }
        Ok(bases.into_iter().map(|b| format!("{b}/{path}")).collect())
    }
}

/// Every enabled `deb`/`deb-src` archive of apt's configuration, in file order.
fn apt_archives(root: &Path) -> Vec<AptArchive> {
    let etc = root.join("etc/apt");
    let mut found = Vec::new();
    if let Ok(text) = std::fs::read_to_string(etc.join("sources.list")) {
        found.extend(one_line_entries(&text));
    }
    let mut parts: Vec<PathBuf> = std::fs::read_dir(etc.join("sources.list.d"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    parts.sort();
    for part in parts {
        let Ok(text) = std::fs::read_to_string(&part) else { continue };
        match part.extension().and_then(|e| e.to_str()) {
            Some("list") => found.extend(one_line_entries(&text)),
            Some("sources") => found.extend(deb822_entries(&text)),
            _ => {}
        }
    }
    found.retain(|a| a.uri.starts_with("http://") || a.uri.starts_with("https://") || a.uri.starts_with("file:/"));
    found
}

/// `deb [options] URI SUITE COMPONENT…` lines.
fn one_line_entries(text: &str) -> Vec<AptArchive> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut rest = match line.split_once(char::is_whitespace) {
            Some(("deb" | "deb-src", rest)) => rest.trim_start(),
            _ => continue,
        };
        if rest.starts_with('[') {
            match rest.find(']') {
                Some(end) => rest = rest[end + 1..].trim_start(),
                None => continue,
            }
        }
        let mut words = rest.split_whitespace();
        if let (Some(uri), Some(suite)) = (words.next(), words.next()) {
            out.push(AptArchive { uri: uri.to_string(), security_only: suite.ends_with("-security") });
        }
    }
    out
}

/// deb822 stanzas: `Types:`, `URIs:`, `Suites:`, `Enabled:`.
fn deb822_entries(text: &str) -> Vec<AptArchive> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
        };
        let types = field("Types").unwrap_or_default();
        if !types.split_whitespace().any(|t| t == "deb" || t == "deb-src") {
            continue;
        }
        if field("Enabled").is_some_and(|e| e.eq_ignore_ascii_case("no")) {
            continue;
        }
        let suites = field("Suites").unwrap_or_default();
        let security_only = !suites.is_empty() && suites.split_whitespace().all(|s| s.ends_with("-security"));
        for uri in field("URIs").unwrap_or_default().split_whitespace() {
            out.push(AptArchive { uri: uri.to_string(), security_only });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apt_tree(list: &str, parts: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let etc = dir.path().join("etc/apt/sources.list.d");
        std::fs::create_dir_all(&etc).unwrap();
        std::fs::write(dir.path().join("etc/apt/sources.list"), list).unwrap();
        for (name, text) in parts {
            std::fs::write(etc.join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn debian_mirror_comes_from_apt_sources() {
        let root = apt_tree(
            "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://archive.example/debian bookworm main\n",
            &[
                (
                    "debian.sources",
                    "Types: deb\nURIs: http://sec.example/debian-security\nSuites: bookworm-security\n\n\
                     Types: deb deb-src\nURIs: https://other.example/debian/\nSuites: bookworm\nComponents: main\n\n\
                     Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n",
                ),
                ("ignored.list.disabled", "deb http://disabled.example/debian bookworm main\n"),
            ],
        );
        let m = Mirrors::new(&[], root.path()).unwrap();
        assert_eq!(
            m.expand("mirror://debian/pool/main/h/hello/hello_2.10.orig.tar.gz").unwrap(),
            vec![
                "http://archive.example/debian/pool/main/h/hello/hello_2.10.orig.tar.gz",
                "https://other.example/debian/pool/main/h/hello/hello_2.10.orig.tar.gz",
                "http://sec.example/debian-security/pool/main/h/hello/hello_2.10.orig.tar.gz",
            ]
        );
        assert_eq!(m.expand("http://x.example/a").unwrap(), vec!["http://x.example/a"]);
    }

    #[test]
    fn configured_mirrors_win_and_unknown_names_are_refused() {
        let root = apt_tree("deb http://archive.example/debian bookworm main\n", &[]);
        let m = Mirrors::new(&["debian=file:///srv/mirror/".to_string()], root.path()).unwrap();
        assert_eq!(m.expand("mirror://debian/pool/x").unwrap(), vec!["file:///srv/mirror/pool/x"]);
        let err = m.expand("mirror://gnu/hello/hello-2.12.tar.gz").unwrap_err();
        assert!(err.contains("no mirror is known for 'mirror://gnu/'") && err.contains("mirrors = gnu=URL"), "{err}");
        assert!(Mirrors::new(&["debian".to_string()], root.path()).is_err());
        let empty = apt_tree("", &[]);
        let err = Mirrors::new(&[], empty.path()).unwrap().expand("mirror://debian/pool/x").unwrap_err();
        assert!(err.contains("apt configuration names no archive"), "{err}");
    }
}
