//! Forge archives: `github:`, `gitlab:` and `sourcehut:` inputs.
//!
//! A branch or tag (default `HEAD`) is resolved to a commit through the
//! forge's API, at the addresses CppNix uses: GitHub
//! `https://api.github.com/repos/O/R/commits/REF` (another host:
//! `https://HOST/api/v3/repos/O/R/commits/REF`, answer `{"sha": …}`), GitLab
//! `https://HOST/api/v4/projects/O%2FR/repository/commits?ref_name=REF`
//! (answer `[{"id": …}]`), SourceHut `https://HOST/O/R/HEAD` and `/info/refs`.
//! The resolution is cached for `tarball-ttl`. The commit's tarball
//! (GitHub: `https://github.com/O/R/archive/REV.tar.gz`, or the API's
//! `tarball/REV` with a token or on another host) is fetched once — a
//! revision's archive never changes — and unpacked into the store as
//! `source`; `lastModified` is the newest entry time in the archive.
//! `access-tokens` entries (`HOST=TOKEN`, or `HOST/OWNER/REPO=TOKEN`) add
//! the forge's authorisation header.

use super::cache::{self, Entry};
use super::url::{fetch as fetch_url, Fetch, Fetched, Kind};
use crate::store::download::{download_with, Request};
use crate::store::local::Store;
use crate::store::Hash;

/// Which forge.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Forge {
    GitHub,
    GitLab,
    SourceHut,
}

impl Forge {
    pub fn from_type(t: &str) -> Option<Forge> {
        match t {
            "github" => Some(Forge::GitHub),
            "gitlab" => Some(Forge::GitLab),
            "sourcehut" => Some(Forge::SourceHut),
            _ => None,
        }
    }

    fn default_host(self) -> &'static str {
        match self {
            Forge::GitHub => "github.com",
            Forge::GitLab => "gitlab.com",
            Forge::SourceHut => "git.sr.ht",
        }
    }
}

/// A forge input's attributes.
#[derive(Clone, Debug)]
pub struct ForgeInput<'a> {
    pub forge: Forge,
    pub owner: &'a str,
    pub repo: &'a str,
    pub host: Option<&'a str>,
    pub git_ref: Option<&'a str>,
    pub rev: Option<&'a str>,
    pub nar_hash: Option<&'a Hash>,
}

/// The fetched tree of one commit.
pub struct ForgeTree {
    pub fetched: Fetched,
    pub rev: String,
    pub last_modified: i64,
}

impl ForgeInput<'_> {
    fn host(&self) -> &str {
        self.host.unwrap_or(self.forge.default_host())
    }

    fn token(&self) -> Option<String> {
        let tokens = super::settings().access_tokens;
        let full = format!("{}/{}/{}", self.host(), self.owner, self.repo);
        // The longest `HOST/…` prefix of the repository wins, then the bare host.
        let mut best: Option<(usize, &String)> = None;
        for (k, t) in &tokens {
            let prefix_ok = full == *k || (full.starts_with(k.as_str()) && full.as_bytes().get(k.len()) == Some(&b'/'));
            if k.contains('/') && prefix_ok && best.is_none_or(|(n, _)| k.len() > n) {
                best = Some((k.len(), t));
            }
        }
        best.map(|(_, t)| t.clone()).or_else(|| tokens.iter().find(|(k, _)| k == self.host()).map(|(_, t)| t.clone()))
    }

    fn headers(&self) -> Vec<(String, String)> {
        let Some(token) = self.token() else { return Vec::new() };
        let h = match self.forge {
            Forge::GitHub => ("Authorization".to_string(), format!("token {token}")),
            Forge::SourceHut => ("Authorization".to_string(), format!("Bearer {token}")),
            Forge::GitLab => match token.split_once(':') {
                Some(("OAuth2", t)) => ("Authorization".to_string(), format!("Bearer {t}")),
                Some(("PAT", t)) => ("Private-token".to_string(), t.to_string()),
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => ("Private-token".to_string(), token),
            },
        };
        vec![h]
    }

    /// The address of the commit's tarball.
    pub fn archive_url(&self, rev: &str) -> String {
        let (h, o, r) = (self.host(), self.owner, self.repo);
        match self.forge {
            Forge::GitHub if h != "github.com" => format!("https://{h}/api/v3/repos/{o}/{r}/tarball/{rev}"),
            Forge::GitHub if self.token().is_some() => format!("https://api.{h}/repos/{o}/{r}/tarball/{rev}"),
            Forge::GitHub => format!("https://{h}/{o}/{r}/archive/{rev}.tar.gz"),
            Forge::GitLab => format!("https://{h}/api/v4/projects/{o}%2F{r}/repository/archive.tar.gz?sha={rev}"),
            Forge::SourceHut => format!("https://{h}/{o}/{r}/archive/{rev}.tar.gz"),
        }
    }
}

/// GETs a small document (an API answer) into memory.
fn get_text(url: &str, headers: &[(String, String)]) -> Result<String, String> {
    let scratch = super::unpack::scratch_dir("api")?;
    let file = scratch.join("answer");
    let request = Request { url: url.to_string(), headers: headers.to_vec(), etag: None };
    let result = download_with(&request, &file, &mut |_, _| {})
        .map_err(|e| e.message)
        .and_then(|_| std::fs::read_to_string(&file).map_err(|e| format!("cannot read the answer of '{url}': {e}")));
    super::unpack::remove_scratch(&scratch);
    result
}

fn is_rev(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Resolves `git_ref` (default `HEAD`) to a commit, from the cache while it is fresh.
fn resolve(store: &Store, input: &ForgeInput<'_>) -> Result<String, String> {
    let git_ref = input.git_ref.unwrap_or("HEAD");
    let (h, o, r) = (input.host(), input.owner, input.repo);
    let key = format!("forge-ref\0{:?}\0{h}\0{o}\0{r}\0{git_ref}", input.forge);
    let settings = super::settings();
    let cached = cache::lookup(store, &key).filter(|e| e.rev.is_some());
    if let Some(e) = &cached {
        if settings.offline || e.fresh(settings.tarball_ttl) {
            return Ok(e.rev.clone().expect("filtered"));
        }
    }
    let what = format!("{}:{o}/{r}", format!("{:?}", input.forge).to_lowercase());
    if settings.offline {
        return Err(format!(
            "cannot resolve '{git_ref}' of '{what}': tern is in offline mode and has not resolved it before"
        ));
    }
    let headers = input.headers();
    let bad = |url: &str, why: &str| format!("cannot resolve '{git_ref}' of '{what}': {why} (from '{url}')");
    let rev = match input.forge {
        Forge::GitHub => {
            let url = if h == "github.com" {
                format!("https://api.{h}/repos/{o}/{r}/commits/{git_ref}")
            } else {
                format!("https://{h}/api/v3/repos/{o}/{r}/commits/{git_ref}")
            };
            let v: serde_json::Value =
                serde_json::from_str(&get_text(&url, &headers)?).map_err(|e| bad(&url, &e.to_string()))?;
            v.get("sha")
                .and_then(|s| s.as_str())
                .map(String::from)
                .ok_or_else(|| bad(&url, "no 'sha' in the answer"))?
        }
        Forge::GitLab => {
            let url = format!("https://{h}/api/v4/projects/{o}%2F{r}/repository/commits?ref_name={git_ref}");
            let v: serde_json::Value =
                serde_json::from_str(&get_text(&url, &headers)?).map_err(|e| bad(&url, &e.to_string()))?;
            match v.get(0).and_then(|c| c.get("id")).and_then(|s| s.as_str()) {
                Some(id) => id.to_string(),
                None if v.as_array().is_some_and(|a| a.is_empty()) => {
                    return Err(bad(&url, "no commits returned; does the branch or tag exist?"))
                }
                None => return Err(bad(&url, "unexpected answer")),
            }
        }
        Forge::SourceHut => {
            let base = format!("https://{h}/{o}/{r}");
            let wanted = if git_ref == "HEAD" {
                let url = format!("{base}/HEAD");
                let head = get_text(&url, &headers)?;
                let target = head.lines().next().and_then(|l| l.strip_prefix("ref: ")).map(str::trim);
                vec![target.ok_or_else(|| bad(&url, "HEAD is not a symbolic reference"))?.to_string()]
            } else {
                vec![format!("refs/heads/{git_ref}"), format!("refs/tags/{git_ref}")]
            };
            let url = format!("{base}/info/refs");
            let refs = get_text(&url, &headers)?;
            refs.lines()
                .filter_map(|l| l.split_once('\t'))
                .find(|(_, name)| wanted.iter().any(|w| w == name))
                .map(|(id, _)| id.to_string())
                .ok_or_else(|| bad(&url, "no such branch or tag"))?
        }
    };
    if !is_rev(&rev) {
        return Err(format!("cannot resolve '{git_ref}' of '{what}': '{rev}' is not a commit hash"));
    }
    cache::put(store, &key, &Entry { rev: Some(rev.clone()), time: super::now(), ..Entry::default() });
    Ok(rev)
}

/// Fetches the commit an input names.
pub fn fetch(store: &Store, input: &ForgeInput<'_>) -> Result<ForgeTree, String> {
    let rev = match input.rev {
        Some(r) => r.to_string(),
        None => resolve(store, input)?,
    };
    let url = input.archive_url(&rev);
    let f = Fetch {
        url: &url,
        name: "source",
        kind: Kind::Tarball,
        expected: input.nar_hash,
        headers: input.headers(),
        immutable: true,
    };
    let fetched = fetch_url(store, &f)?;
    let last_modified = fetched.last_modified.unwrap_or(0);
    Ok(ForgeTree { fetched, rev, last_modified })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(forge: Forge, host: Option<&'static str>) -> ForgeInput<'static> {
        ForgeInput { forge, owner: "o", repo: "r", host, git_ref: None, rev: None, nar_hash: None }
    }

    #[test]
    fn archive_urls_are_the_ones_cppnix_uses() {
        let rev = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(
            input(Forge::GitHub, Some("127.0.0.1:8443")).archive_url(rev),
            format!("https://127.0.0.1:8443/api/v3/repos/o/r/tarball/{rev}")
        );
        assert_eq!(
            input(Forge::GitLab, Some("h.example")).archive_url(rev),
            format!("https://h.example/api/v4/projects/o%2Fr/repository/archive.tar.gz?sha={rev}")
        );
        assert_eq!(
            input(Forge::SourceHut, Some("h.example")).archive_url(rev),
            format!("https://h.example/o/r/archive/{rev}.tar.gz")
        );
    }
}
