//! Downloading one URL into a file: `http://`, `https://` and `file://`.
//!
//! Used by the builder's `builtin:fetchurl` (fixed-output sources of the
//! package set). HTTPS checks certificates against the system's roots
//! (rustls with the platform verifier), or against the PEM bundle named by
//! `NIX_SSL_CERT_FILE`/`SSL_CERT_FILE` when set, as CppNix does. Transient
//! failures (connection errors, 5xx, a body cut short) are retried with
//! back-off; a 4xx answer is final for that URL. Errors name the URL and say
//! what happened in plain words. [`download_with`] adds request headers
//! (forge access tokens, `Accept`) and an `If-None-Match` ETag, and reports
//! the answer's ETag, for the fetchers' cache (`crate::fetch`).

use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// How many times a transient failure is tried again.
const RETRIES: u32 = 3;

/// Why a download failed.
#[derive(Debug)]
pub struct DownloadError {
    pub message: String,
    /// Worth trying another mirror of the same file (not found, refused…).
    pub try_next: bool,
    /// The HTTP status of a final 4xx answer.
    pub status: Option<u16>,
}

impl DownloadError {
    fn new(message: String, try_next: bool) -> DownloadError {
        DownloadError { message, try_next, status: None }
    }
}

/// Progress of one download: called with (bytes so far, total if known).
pub type OnProgress<'a> = &'a mut dyn FnMut(u64, Option<u64>);

/// One GET request: the URL, extra headers, and the ETag of a copy already
/// held (sent as `If-None-Match`).
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub etag: Option<String>,
}

/// What a download gave.
#[derive(Clone, Debug, Default)]
pub struct Downloaded {
    pub bytes: u64,
    /// The answer's `ETag`, if it had one.
    pub etag: Option<String>,
    /// The server answered 304 for the `etag` sent: `dest` was not written.
    pub not_modified: bool,
    /// The URL of a `Link: <URL>; rel="immutable"` header (the lockable tarball protocol).
    pub immutable_url: Option<String>,
}

/// The URL of a `Link` header value `<URL>; rel="immutable"` (the whole value, the
/// relation's name in any case), as CppNix reads it.
pub fn immutable_link(value: &str) -> Option<String> {
    let rest = value.trim().strip_prefix('<')?;
    let (url, tail) = rest.split_once('>')?;
    tail.eq_ignore_ascii_case("; rel=\"immutable\"").then(|| url.to_string())
}

/// Writes the content of `url` to `dest` (created or truncated). Returns
/// the number of bytes written.
pub fn download(url: &str, dest: &Path, on_progress: OnProgress<'_>) -> Result<u64, DownloadError> {
    let request = Request { url: url.to_string(), ..Request::default() };
    download_with(&request, dest, on_progress).map(|d| d.bytes)
}

/// [`download`] with headers and an ETag.
pub fn download_with(request: &Request, dest: &Path, on_progress: OnProgress<'_>) -> Result<Downloaded, DownloadError> {
    let url = request.url.as_str();
    if let Some(path) = url.strip_prefix("file://") {
        let path = percent_decode(path);
        return std::fs::copy(&path, dest).map(|bytes| Downloaded { bytes, ..Downloaded::default() }).map_err(|e| {
            let mut d = DownloadError::new(format!("cannot read '{url}': {e}"), true);
            d.status = (e.kind() == std::io::ErrorKind::NotFound).then_some(404);
            d
        });
    }
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(DownloadError::new(
            format!("cannot download '{url}': tern fetches http(s):// and file:// URLs"),
            true,
        ));
    }
    let agent = agent().map_err(|e| DownloadError::new(e, false))?;
    let mut attempt = 0;
    loop {
        match try_once(&agent, request, dest, on_progress) {
            Ok(n) => return Ok(n),
            Err(Attempt::Final(e)) => return Err(e),
            Err(Attempt::Transient(msg)) if attempt < RETRIES => {
                attempt += 1;
                let wait = Duration::from_millis(250 << attempt);
                eprintln!("warning: {msg}; retrying in {} ms", wait.as_millis());
                std::thread::sleep(wait);
            }
            Err(Attempt::Transient(msg)) => return Err(DownloadError::new(format!("cannot download {msg}"), true)),
        }
    }
}

/// POSTs `body` to an http(s) `url` with `headers` and returns the answer's status and body
/// (an API call such as git LFS's batch request; small answers only). A netrc login is sent
/// when the headers carry no `Authorization`, as for GETs; no retries, since a POST may not
/// be safe to repeat.
pub fn post(url: &str, headers: &[(String, String)], body: &[u8]) -> Result<(u16, String), DownloadError> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(DownloadError::new(format!("cannot POST to '{url}': tern speaks http(s):// only"), false));
    }
    let agent = agent().map_err(|e| DownloadError::new(e, false))?;
    let mut req = agent.post(url);
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")) {
        if let Some(auth) = netrc_authorization(url) {
            req = req.header("Authorization", auth.as_str());
        }
    }
    let response = req.send(body).map_err(|e| match classify(url, e) {
        Attempt::Final(e) => e,
        Attempt::Transient(m) => DownloadError::new(format!("cannot POST to {m}"), false),
    })?;
    let status = response.status().as_u16();
    let (_, mut answer) = response.into_parts();
    let text = answer
        .with_config()
        .limit(64 << 20)
        .read_to_string()
        .map_err(|e| DownloadError::new(format!("cannot read the answer of '{url}': {e}"), false))?;
    Ok((status, text))
}

enum Attempt {
    Transient(String),
    Final(DownloadError),
}

fn try_once(
    agent: &ureq::Agent,
    request: &Request,
    dest: &Path,
    on_progress: OnProgress<'_>,
) -> Result<Downloaded, Attempt> {
    let url = request.url.as_str();
    let mut get = agent.get(url);
    for (k, v) in &request.headers {
        get = get.header(k.as_str(), v.as_str());
    }
    if let Some(etag) = &request.etag {
        get = get.header("If-None-Match", etag.as_str());
    }
    if !request.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")) {
        if let Some(auth) = netrc_authorization(url) {
            get = get.header("Authorization", auth.as_str());
        }
    }
    let response = get.call().map_err(|e| classify(url, e))?;
    let status = response.status().as_u16();
    let etag = response.headers().get("etag").and_then(|v| v.to_str().ok()).map(String::from);
    let immutable_url = ["link", "x-amz-meta-link"]
        .iter()
        .flat_map(|h| response.headers().get_all(*h).iter())
        .filter_map(|v| v.to_str().ok().and_then(immutable_link))
        .next_back();
    if status == 304 && request.etag.is_some() {
        let etag = etag.or_else(|| request.etag.clone());
        return Ok(Downloaded { bytes: 0, etag, not_modified: true, immutable_url });
    }
    if status >= 500 {
        return Err(Attempt::Transient(format!("'{url}': the server answered HTTP {status}")));
    }
    if status >= 400 {
        let what = if status == 404 { "not found (HTTP 404)".to_string() } else { format!("HTTP {status}") };
        let mut e = DownloadError::new(format!("cannot download '{url}': {what}"), true);
        e.status = Some(status);
        return Err(Attempt::Final(e));
    }
    let (_, mut body) = response.into_parts();
    let total = body.content_length();
    let mut reader = body.with_config().limit(u64::MAX).reader();
    let mut file = std::fs::File::create(dest)
        .map_err(|e| Attempt::Final(DownloadError::new(format!("cannot create '{}': {e}", dest.display()), false)))?;
    let mut buf = vec![0u8; 1 << 16];
    let mut done = 0u64;
    let mut last_report = Instant::now();
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Attempt::Transient(format!("'{url}': the download broke off after {done} bytes: {e}")))
            }
        };
        file.write_all(&buf[..n]).map_err(|e| {
            Attempt::Final(DownloadError::new(format!("cannot write '{}': {e}", dest.display()), false))
        })?;
        done += n as u64;
        if last_report.elapsed() > Duration::from_millis(500) {
            on_progress(done, total);
            last_report = Instant::now();
        }
    }
    if let Some(t) = total {
        if done != t {
            return Err(Attempt::Transient(format!("'{url}': the download ended after {done} of {t} bytes")));
        }
    }
    file.sync_all()
        .map_err(|e| Attempt::Final(DownloadError::new(format!("cannot write '{}': {e}", dest.display()), false)))?;
    on_progress(done, total);
    Ok(Downloaded { bytes: done, etag, not_modified: false, immutable_url })
}

fn classify(url: &str, e: ureq::Error) -> Attempt {
    use ureq::Error as E;
    match e {
        E::HostNotFound => Attempt::Final(DownloadError::new(
            format!("cannot download '{url}': the host name could not be resolved (offline?)"),
            true,
        )),
        E::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            Attempt::Final(DownloadError::new(format!("cannot download '{url}': connection refused"), true))
        }
        E::Io(io) if is_dns_failure(&io.to_string()) => Attempt::Final(DownloadError::new(
            format!("cannot download '{url}': the host name could not be resolved (offline?)"),
            true,
        )),
        // rustls reports a refused certificate through the connection's I/O error.
        E::Io(io) if is_tls_failure(&io.to_string()) => {
            Attempt::Final(DownloadError::new(format!("cannot download '{url}': TLS error: {io}"), true))
        }
        E::Io(io) => Attempt::Transient(format!("'{url}': {io}")),
        E::Timeout(t) => Attempt::Transient(format!("'{url}': timed out ({t})")),
        E::Tls(m) => Attempt::Final(DownloadError::new(format!("cannot download '{url}': TLS error: {m}"), true)),
        E::Rustls(r) => Attempt::Final(DownloadError::new(format!("cannot download '{url}': TLS error: {r}"), true)),
        other => Attempt::Final(DownloadError::new(format!("cannot download '{url}': {other}"), true)),
    }
}

/// `Authorization: Basic …` for the URL's host from the `netrc-file` setting, if it has
/// an entry (`machine HOST login L password P`, or `default …`).
fn netrc_authorization(url: &str) -> Option<String> {
    use base64::Engine;
    let file = crate::fetch::settings().netrc_file?;
    let text = std::fs::read_to_string(file).ok()?;
    let host = url.split("://").nth(1)?.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    let (login, password) = netrc_lookup(&text, host)?;
    Some(format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"))))
}

/// The login and password a netrc text gives for `host` (its `machine` entry, else `default`).
fn netrc_lookup(text: &str, host: &str) -> Option<(String, String)> {
    let mut tokens = text.split_whitespace();
    let (mut found, mut fallback) = (None, None);
    let mut current: Option<(bool, String, String)> = None;
    let mut finish = |c: Option<(bool, String, String)>, found: &mut Option<(String, String)>| {
        if let Some((is_default, l, p)) = c {
            if is_default {
                fallback.get_or_insert((l, p));
            } else {
                found.get_or_insert((l, p));
            }
        }
    };
    while let Some(t) = tokens.next() {
        match t {
            "machine" => {
                finish(current.take(), &mut found);
                let m = tokens.next()?;
                current = (m == host).then(|| (false, String::new(), String::new()));
            }
            "default" => {
                finish(current.take(), &mut found);
                current = Some((true, String::new(), String::new()));
            }
            "login" => {
                let v = tokens.next()?;
                if let Some(c) = current.as_mut() {
                    c.1 = v.to_string();
                }
            }
            "password" => {
                let v = tokens.next()?;
                if let Some(c) = current.as_mut() {
                    c.2 = v.to_string();
                }
            }
            _ => {}
        }
    }
    finish(current.take(), &mut found);
    found.or(fallback)
}

fn is_dns_failure(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["lookup address", "name or service not known", "no address associated", "name resolution"]
        .iter()
        .any(|w| m.contains(w))
}

fn is_tls_failure(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    ["certificate", "handshake", "tls", "alert"].iter().any(|w| m.contains(w))
}

/// The HTTP agent: redirects followed, status codes returned (not errors),
/// certificates from the `ssl-cert-file` setting (which defaults to
/// `NIX_SSL_CERT_FILE`/`SSL_CERT_FILE`) or the system.
fn agent() -> Result<ureq::Agent, String> {
    use ureq::tls::{Certificate, RootCerts, TlsConfig};
    let bundle = crate::fetch::settings().ssl_cert_file.map(std::ffi::OsString::from);
    let roots = match bundle {
        Some(file) => {
            let pem = std::fs::read(&file)
                .map_err(|e| format!("cannot read the certificate file '{}': {e}", Path::new(&file).display()))?;
            let certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|item| match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(format!("the certificate file '{}' holds no certificate", Path::new(&file).display()));
            }
            RootCerts::new_with_certs(&certs)
        }
        None => RootCerts::PlatformVerifier,
    };
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(10)
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .timeout_per_read(Some(Duration::from_secs(60)))
        .user_agent(concat!("tern/", env!("CARGO_PKG_VERSION")))
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .build();
    Ok(config.into())
}

/// `%20` and friends in a `file://` path.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netrc_entries_by_machine_then_default() {
        let text = "machine a.example login alice password s1\ndefault login anon password x\n\
                    machine b.example\n  login bob\n  password s2\n";
        assert_eq!(netrc_lookup(text, "b.example"), Some(("bob".into(), "s2".into())));
        assert_eq!(netrc_lookup(text, "a.example"), Some(("alice".into(), "s1".into())));
        assert_eq!(netrc_lookup(text, "c.example"), Some(("anon".into(), "x".into())));
        assert_eq!(netrc_lookup("machine a login l password p", "z"), None);
    }

    #[test]
    fn file_urls_are_copied_and_missing_ones_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("a b.txt");
        std::fs::write(&src, "hello").unwrap();
        let dest = dir.path().join("out");
        let url = format!("file://{}", dir.path().join("a%20b.txt").display());
        assert_eq!(download(&url, &dest, &mut |_, _| {}).unwrap(), 5);
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "hello");
        let err = download("file:///nonexistent/x", &dest, &mut |_, _| {}).unwrap_err();
        assert!(err.message.contains("cannot read 'file:///nonexistent/x'") && err.try_next, "{}", err.message);
    }

    #[test]
    fn http_answers_are_read_and_404_is_final() {
        use std::net::TcpListener;
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            for answer in [
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ] {
                let (mut s, _) = listener.accept().unwrap();
                let mut req = [0u8; 1024];
                let _ = s.read(&mut req);
                s.write_all(answer.as_bytes()).unwrap();
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out");
        let url = format!("http://127.0.0.1:{port}/f");
        assert_eq!(download(&url, &dest, &mut |_, _| {}).unwrap(), 3);
        assert_eq!(std::fs::read(&dest).unwrap(), b"abc");
        let err = download(&url, &dest, &mut |_, _| {}).unwrap_err();
        assert!(err.message.contains("not found (HTTP 404)"), "{}", err.message);
        server.join().unwrap();
    }
}
