//! The build sandbox holds: a probe derivation, built with `tern build`,
//! tries each escape a hostile builder was found to manage without it, and
//! records what happened; every attempt must fail, each checked on its own
//! (from the probe's report and, where the effect would be outside, from
//! the host). A fixed-output derivation, the exception, reaches the host's
//! network.

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::fs;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::process::{Command, Stdio};

use tern::store::{FixedOutputHash, StorePath};

use crate::support::*;

/// The probe's script (bash, for `/dev/tcp`). Each line of `$out` is
/// `<attempt>: denied` or `<attempt>: escaped` (plus `uid: N`).
const PROBE: &str = r#"
export PATH=/usr/bin:/bin
try() { name=$1; shift; if ( "$@" ) >/dev/null 2>&1; then echo "$name: escaped"; else echo "$name: denied"; fi; }
{
echo "uid: $(id -u)"
try read-etc-shadow cat /etc/shadow
try read-root ls -A /root/.
try read-host-environ sh -c "cat /proc/[0-9]*/environ | tr '\0' '\n' | grep -q -x PROBE_SECRET=$secret_a$secret_b"
try see-host-process test -e /proc/$host_pid
try nsenter-pid-1 nsenter -t 1 -m -- true
try nsenter-host-process nsenter -t $host_pid -m -- true
try nsenter-mount-ns-file nsenter --mount=/proc/1/ns/mnt -- true
try read-path-outside-closure cat $outside
try append-to-input sh -c "echo forged >> $victim"
try append-to-other-path sh -c "echo forged >> $outside; grep -q -x outside $outside"
store_root=$(awk '$5 == "/nix/store" { print $4 }' /proc/self/mountinfo | sed 's|/var/builds/.*||')
try find-db-through-mountinfo test -e "$store_root/var/db.sqlite"
try write-db-through-mountinfo sh -c "echo forged >> '$store_root/var/db.sqlite'"
try write-db-given-path sh -c "echo forged >> '$db'"
try write-host-dir sh -c "echo escaped > '$host_dir/escaped'"
try write-root-dir sh -c "echo escaped > /escaped"
try reach-host-tcp timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
setsid sleep 987.654 </dev/null >/dev/null 2>&1 &
echo "left-behind: started"
} > $out
"#;

fn attempts(report: &str) -> BTreeMap<String, String> {
    report.lines().filter_map(|l| l.split_once(": ")).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn processes_mentioning(needle: &str) -> usize {
    fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter(|e| {
            fs::read(e.path().join("cmdline")).map(|c| String::from_utf8_lossy(&c).contains(needle)).unwrap_or(false)
        })
        .count()
}

fn have_nsenter() -> bool {
    Command::new("nsenter").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

#[test]
fn a_hostile_builder_escapes_nowhere() {
    if !have_nsenter() {
        assert!(std::env::var_os("CI").is_none(), "nsenter (util-linux) is missing");
        eprintln!("skipped: nsenter is missing");
        return;
    }
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let host_dir = tempfile::tempdir().unwrap();
    // A valid path the probe gets as an input, and one it does not.
    let victim = ts.store.add_text("victim", b"victim\n", &BTreeSet::new()).unwrap();
    let outside = ts.store.add_text("outside", b"outside\n", &BTreeSet::new()).unwrap();
    // A host process with a secret in its environment.
    let (secret_a, secret_b) = ("s3cr3t", format!("{}", std::process::id()));
    let mut host_process = Command::new("sleep")
        .arg("300")
        .env("PROBE_SECRET", format!("{secret_a}{secret_b}"))
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port().to_string();

    let mut probe = Drv::sh("probe", PROBE)
        .attr("secret_a", secret_a)
        .attr("secret_b", &secret_b)
        .attr("host_pid", &host_process.id().to_string())
        .attr("victim", &victim.to_string())
        .attr("outside", &outside.to_string())
        .attr("db", &ts.root().join("var/db.sqlite").display().to_string())
        .attr("host_dir", &host_dir.path().display().to_string())
        .attr("port", &port);
    probe.builder = "/bin/bash".into();
    probe.srcs = vec![victim.clone()];
    let d = probe.add(&ts.store);
    let valid_before = ts.store.list().unwrap();
    let o = run(tern(ts.root(), cwd.path(), &["build", "--no-link", &d.to_string()]));
    let _ = host_process.kill();
    let _ = host_process.wait();
    assert!(o.status.success(), "{}", stderr(&o));

    let report = String::from_utf8(ts.read(&out(&ts.store, &d))).unwrap();
    let seen = attempts(&report);
    assert_eq!(seen.get("uid").map(String::as_str), Some("1000"), "the builder is unprivileged:\n{report}");
    for attempt in [
        "read-etc-shadow",
        "read-root",
        "read-host-environ",
        "see-host-process",
        "nsenter-pid-1",
        "nsenter-host-process",
        "nsenter-mount-ns-file",
        "read-path-outside-closure",
        "append-to-input",
        "append-to-other-path",
        "find-db-through-mountinfo",
        "write-db-through-mountinfo",
        "write-db-given-path",
        "write-host-dir",
        "write-root-dir",
        "reach-host-tcp",
    ] {
        assert_eq!(seen.get(attempt).map(String::as_str), Some("denied"), "{attempt}:\n{report}");
    }

    // And from outside: nothing changed, nothing reached, nothing left.
    assert_eq!(fs::read(ts.store.real_path(&victim)).unwrap(), b"victim\n");
    assert_eq!(fs::read(ts.store.real_path(&outside)).unwrap(), b"outside\n");
    let verify = run(tern(ts.root(), cwd.path(), &["path-info", "--all"]));
    assert!(verify.status.success(), "the store database still opens: {}", stderr(&verify));
    let mut valid_after = ts.store.list().unwrap();
    valid_after.retain(|p| !valid_before.contains(p));
    assert_eq!(valid_after, vec![out(&ts.store, &d)], "only the probe's output became valid");
    assert!(!host_dir.path().join("escaped").exists());
    assert!(!std::path::Path::new("/escaped").exists());
    match listener.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        other => panic!("the host's 127.0.0.1 was reached: {other:?}"),
    }
    assert_eq!(seen.get("left-behind").map(String::as_str), Some("started"));
    assert_eq!(processes_mentioning("987.654"), 0, "a process of the build outlived it");
}

#[test]
fn a_fixed_output_derivation_keeps_the_network() {
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        use std::io::Write;
        s.write_all(b"reached\n").unwrap();
    });
    // sha256 of "reached\n", which only the server sends.
    let hash = "b7b2d1f176a16b6c782b0b07c2d0c6c6d1618cde8b0c59b9c18f9f7ef9d15378";
    let mut d = Drv::sh("fetched", &format!("exec 3<>/dev/tcp/127.0.0.1/{port}; /usr/bin/head -n1 <&3 > $out"))
        .attr("outputHashMode", "flat")
        .attr("outputHashAlgo", "sha256")
        .attr("outputHash", hash);
    d.builder = "/bin/bash".into();
    d.fixed = Some(FixedOutputHash::from_derivation_attrs(hash, Some("sha256"), Some("flat")).unwrap());
    let d = d.add(&ts.store);
    let o = run(tern(ts.root(), cwd.path(), &["build", "--no-link", &d.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));
    server.join().unwrap();
    let output: StorePath = out(&ts.store, &d);
    assert_eq!(ts.read(&output), b"reached\n");
}

#[test]
fn sandbox_false_is_the_way_out() {
    // Unsandboxed, a builder sees the host (here: a file it may read).
    let ts = TestStore::new();
    let cwd = tempfile::tempdir().unwrap();
    let host_file = cwd.path().join("host-file");
    fs::write(&host_file, "host\n").unwrap();
    let d = Drv::sh("unsandboxed", &format!("/bin/cat {} > $out", host_file.display())).add(&ts.store);
    let sandboxed = run(tern(ts.root(), cwd.path(), &["build", "--no-link", &d.to_string()]));
    assert!(!sandboxed.status.success(), "the host file is invisible in the sandbox");
    without_sandbox(cwd.path());
    let o = run(tern(ts.root(), cwd.path(), &["build", "--no-link", &d.to_string()]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(ts.read(&out(&ts.store, &d)), b"host\n");
}
