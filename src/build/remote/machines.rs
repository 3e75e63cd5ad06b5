//! Remote builders in Nix's machines format (`--builders`, `builders = …`
//! in `tern.conf`, `@/path/to/machines` for a file of them).
//!
//! One machine per line or `;`-separated entry, whitespace-separated fields,
//! `-` or a missing field for the default:
//!
//! ```text
//! URI  SYSTEMS  SSH-KEY  MAX-JOBS  SPEED-FACTOR  SUPPORTED-FEATURES  MANDATORY-FEATURES  HOST-KEY
//! ssh://builder@host x86_64-linux,aarch64-linux /root/.ssh/id 4 2 big-parallel,kvm - c3NoLWVk…
//! ```
//!
//! `SYSTEMS` defaults to this machine's system, `MAX-JOBS` and
//! `SPEED-FACTOR` to 1; `HOST-KEY` is the base64 of a `known_hosts` line's
//! key part (`ssh-ed25519 AAAA…`), as `base64 -w0` of it prints.

use std::path::PathBuf;

use base64::Engine;

/// One remote builder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Machine {
    /// As written: `ssh://[user@]host[:port]` or `ssh-ng://…`, with
    /// `?remote-program=…&remote-store=…` if wanted.
    pub uri: String,
    pub systems: Vec<String>,
    pub ssh_key: Option<PathBuf>,
    pub max_jobs: usize,
    pub speed_factor: u32,
    pub supported_features: Vec<String>,
    pub mandatory_features: Vec<String>,
    /// The decoded host public key (`ssh-ed25519 AAAA…`).
    pub host_key: Option<String>,
}

impl Machine {
    /// `[user@]host` and the port, from the URI.
    pub fn ssh_destination(&self) -> (String, Option<u16>) {
        let rest = self.uri.split_once("://").map(|(_, r)| r).unwrap_or(&self.uri);
        let rest = rest.split(['?', '/']).next().unwrap_or(rest);
        // `host:port`, but not inside a bracketed IPv6 address.
        match rest.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') && port.bytes().all(|b| b.is_ascii_digit()) => {
                (host.trim_start_matches('[').trim_end_matches(']').replace("@[", "@").to_string(), port.parse().ok())
            }
            _ => (rest.to_string(), None),
        }
    }

    /// Does it speak the worker protocol (`ssh-ng://`) rather than
    /// `nix-store --serve`?
    pub fn is_ssh_ng(&self) -> bool {
        self.uri.starts_with("ssh-ng://")
    }

    /// A `?name=value` parameter of the URI (percent-decoded).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let (_, query) = self.uri.split_once('?')?;
        query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| percent_decode(v))
        })
    }

    /// Can this machine build a derivation for `system` needing `required`
    /// features? Every mandatory feature must be required (such a machine
    /// takes only the builds that ask for it).
    pub fn accepts(&self, system: &str, required: &[String]) -> bool {
        (self.systems.iter().any(|s| s == system) || system == "builtin")
            && required.iter().all(|f| self.supported_features.contains(f) || self.mandatory_features.contains(f))
            && self.mandatory_features.iter().all(|f| required.contains(f))
    }
}

/// Parses a `builders` value; `@FILE` entries are read (and may hold more
/// `@FILE`s, to a small depth).
pub fn parse_builders(spec: &str, this_system: &str) -> Result<Vec<Machine>, String> {
    parse_at_depth(spec, this_system, 0)
}

fn parse_at_depth(spec: &str, this_system: &str, depth: usize) -> Result<Vec<Machine>, String> {
    let mut machines = Vec::new();
    for entry in spec.split(['\n', ';']) {
        let entry = entry.split('#').next().unwrap_or("").trim();
        if entry.is_empty() {
            continue;
        }
        if let Some(file) = entry.strip_prefix('@') {
            if depth > 4 {
                return Err(format!("builders: '@{file}' nests machine files too deeply"));
            }
            let text = match std::fs::read_to_string(file) {
                Ok(t) => t,
                // Nix treats a missing machines file as no machines.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(format!("cannot read the machines file '{file}': {e}")),
            };
            machines.extend(parse_at_depth(&text, this_system, depth + 1)?);
            continue;
        }
        machines.push(parse_machine(entry, this_system)?);
    }
    Ok(machines)
}

fn parse_machine(entry: &str, this_system: &str) -> Result<Machine, String> {
    let fields: Vec<&str> = entry.split_whitespace().collect();
    let field = |i: usize| fields.get(i).copied().filter(|f| *f != "-" && !f.is_empty());
    let list = |i: usize| field(i).map(|f| f.split(',').map(String::from).collect()).unwrap_or_default();
    let number = |i: usize, what: &str| -> Result<Option<u64>, String> {
        field(i)
            .map(|f| f.parse::<u64>().map_err(|_| format!("builders: {what} '{f}' of '{entry}' is not a number")))
            .transpose()
    };
    let mut uri = fields[0].to_string();
    if !uri.contains("://") {
        // A bare host name means ssh://, as in Nix.
        uri = format!("ssh://{uri}");
    }
    if !uri.starts_with("ssh://") && !uri.starts_with("ssh-ng://") {
        let scheme = uri.split("://").next().unwrap_or("");
        return Err(format!(
            "builders: '{}' uses '{scheme}://', but tern's remote builders speak ssh:// (nix-store --serve) or \
             ssh-ng:// (nix-daemon --stdio)",
            fields[0],
        ));
    }
    let host_key = match field(7) {
        None => None,
        Some(b64) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|e| format!("builders: the host key of '{}' is not base64: {e}", fields[0]))?;
            Some(String::from_utf8_lossy(&bytes).trim().to_string())
        }
    };
    let systems: Vec<String> = list(1);
    Ok(Machine {
        uri,
        systems: if systems.is_empty() { vec![this_system.to_string()] } else { systems },
        ssh_key: field(2).map(PathBuf::from),
        max_jobs: number(3, "the number of jobs")?.unwrap_or(1) as usize,
        speed_factor: number(4, "the speed factor")?.unwrap_or(1).max(1) as u32,
        supported_features: list(5),
        mandatory_features: list(6),
        host_key,
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (b[i], b.get(i + 1).and_then(|&c| hex(c)), b.get(i + 2).and_then(|&c| hex(c))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nix_machines_format() {
        let key = base64::engine::general_purpose::STANDARD.encode("ssh-ed25519 AAAAC3Nza");
        let spec = format!(
            "ssh://b@host:2222 x86_64-linux,aarch64-linux /k 4 2 big-parallel,kvm benchmark {key}\n# comment\n; other"
        );
        let m = parse_builders(&spec, "x86_64-linux").unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].ssh_destination(), ("b@host".to_string(), Some(2222)));
        assert_eq!(m[0].systems, ["x86_64-linux", "aarch64-linux"]);
        assert_eq!((m[0].max_jobs, m[0].speed_factor), (4, 2));
        assert_eq!(m[0].host_key.as_deref(), Some("ssh-ed25519 AAAAC3Nza"));
        assert!(m[0].accepts("aarch64-linux", &["benchmark".into(), "kvm".into()]));
        assert!(!m[0].accepts("aarch64-linux", &["kvm".into()]), "mandatory feature not asked for");
        assert_eq!(m[1].uri, "ssh://other");
        assert_eq!((m[1].systems.clone(), m[1].max_jobs), (vec!["x86_64-linux".to_string()], 1));
        assert!(parse_builders("http://h", "x86_64-linux").unwrap_err().contains("ssh-ng://"));
        let ng =
            &parse_builders("ssh-ng://u@h:22?remote-program=/opt/bin/nix-daemon&remote-store=%2Fsrv", "x86_64-linux")
                .unwrap()[0];
        assert!(ng.is_ssh_ng() && !m[0].is_ssh_ng());
        assert_eq!(ng.ssh_destination(), ("u@h".to_string(), Some(22)));
        assert_eq!(ng.query_param("remote-program").as_deref(), Some("/opt/bin/nix-daemon"));
        assert_eq!(ng.query_param("remote-store").as_deref(), Some("/srv"));
        assert_eq!(ng.query_param("other"), None);
        assert!(parse_builders("@/nonexistent/machines", "x86_64-linux").unwrap().is_empty());
    }
}
