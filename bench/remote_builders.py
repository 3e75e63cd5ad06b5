#!/usr/bin/env python3
"""Remote builds through tern and through current CppNix, on the same machine over ssh.

Starts its own sshd on 127.0.0.1 (own host and user keys; `SetEnv PATH` so the remote side
runs current CppNix's `nix-store --serve` / `nix-daemon --stdio` through the nix-new wrapper;
stopped by its PID at the end), then times, in interleaved runs with fresh salts:

* `graph`: 500 trivial derivations (250 independent ones and a chain of 250) built with
  `--max-jobs 0 --builders ...`: tern (`tern build`, its own fresh store) against CppNix 2.34
  (`nix-build --store DIR`, a fresh chroot store, so that outputs are copied back as tern's are);
  the per-derivation overhead is the wall time divided by 500.
* `copy`: one derivation whose output is 200 MB of random bytes, built remotely and copied back.

The remote store is this machine's `/nix` (as a real builder's). Needs root, sshd, ssh-keygen
and current CppNix (`../shared/tools/nix-new`).

Usage: bench/remote_builders.py [--runs 3] [--scheme ssh-ng|ssh] [--tern target/release/tern]
"""
import argparse
import base64
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sshd(work, nix_new):
    for key in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(work, key)], check=True)
    shutil.copy(os.path.join(work, "user_key.pub"), os.path.join(work, "authorized_keys"))
    bin_dir = os.path.join(work, "bin")
    os.makedirs(bin_dir)
    for program in ("nix-store", "nix-daemon"):
        path = os.path.join(bin_dir, program)
        with open(path, "w") as f:
            f.write(f'#!/bin/sh\nexec {nix_new} {program} "$@"\n')
        os.chmod(path, 0o755)
    port = free_port()
    config = os.path.join(work, "sshd_config")
    with open(config, "w") as f:
        f.write(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {work}/host_key\n"
            f"AuthorizedKeysFile {work}/authorized_keys\nPidFile {work}/sshd.pid\nStrictModes no\nUsePAM no\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
            f"SetEnv PATH={bin_dir}:/usr/bin:/bin\nMaxStartups 100\n"
        )
    os.makedirs("/run/sshd", exist_ok=True)
    log = open(os.path.join(work, "sshd.log"), "w")
    proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", config], stderr=log)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, port


def machine_line(work, scheme, port):
    with open(os.path.join(work, "host_key.pub")) as f:
        host_pub = " ".join(f.read().split()[:2])
    host_key = base64.b64encode(host_pub.encode()).decode()
    return f"{scheme}://root@127.0.0.1:{port} x86_64-linux {work}/user_key 4 1 - - {host_key}"


def graph_expr(salt):
    return f"""let
  sh = name: script: derivation {{ inherit name; system = "x86_64-linux"; builder = "/bin/sh";
    salt = "{salt}"; args = [ "-c" script ]; }};
  fan = builtins.genList (i: sh "fan-${{toString i}}" "echo ${{toString i}} > $out") 250;
  chain = builtins.foldl' (prev: i: sh "chain-${{toString i}}" "read x < ${{prev}}; echo $x.${{toString i}} > $out")
    (sh "chain-start" "echo 0 > $out") (builtins.genList (i: i) 249);
in sh "top" "cat ${{chain}} > $out; echo ${{toString (builtins.length fan)}} ${{builtins.concatStringsSep " " fan}} >> $out"
"""


def copy_expr(salt):
    return f"""derivation {{ name = "big"; system = "x86_64-linux"; builder = "/bin/sh"; salt = "{salt}";
  args = [ "-c" "/usr/bin/head -c 200000000 /dev/urandom > $out" ]; }}
"""


def timed(cmd, env=None):
    start = time.monotonic()
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    took = time.monotonic() - start
    if r.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return took


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scheme", default="ssh-ng")
    ap.add_argument("--tern", default=os.path.join(HERE, "..", "target", "release", "tern"))
    ap.add_argument("--nix-new", default=os.path.join(HERE, "..", "..", "shared", "tools", "nix-new"))
    args = ap.parse_args()
    nix_new = os.path.abspath(args.nix_new)
    work = tempfile.mkdtemp(prefix="tern-remote-bench-")
    proc, port = start_sshd(work, nix_new)
    builders = machine_line(work, args.scheme, port)
    times = {("graph", "tern"): [], ("graph", "cppnix"): [], ("copy", "tern"): [], ("copy", "cppnix"): []}
    try:
        for run in range(args.runs):
            for shape, make in (("graph", graph_expr), ("copy", copy_expr)):
                for tool in ("tern", "cppnix"):
                    salt = f"{tool}-{shape}-{run}-{time.time_ns()}"
                    expr = os.path.join(work, f"{salt}.nix")
                    with open(expr, "w") as f:
                        f.write(make(salt))
                    store = os.path.join(work, f"store-{salt}")
                    if tool == "tern":
                        env = dict(os.environ, TERN_STORE=store)
                        cmd = [args.tern, "build", expr, "--no-link", "--max-jobs", "0", "--builders", builders]
                    else:
                        env = dict(os.environ)
                        cmd = [nix_new, "nix-build", expr, "--no-out-link", "--store", store, "--max-jobs", "0",
                               "--builders", builders, "--option", "builders-use-substitutes", "false"]
                    took = timed(cmd, env)
                    times[(shape, tool)].append(took)
                    print(f"run {run + 1} {shape:5} {tool:6} {took:7.2f} s", flush=True)
                    subprocess.run(["rm", "-rf", store])
    finally:
        proc.kill()
        proc.wait()
    print(f"\n{args.scheme}://, medians of {args.runs} interleaved runs:")
    for shape in ("graph", "copy"):
        t, c = statistics.median(times[(shape, "tern")]), statistics.median(times[(shape, "cppnix")])
        if shape == "graph":
            print(f"graph (500 derivations): tern {t:.2f} s ({t / 500 * 1000:.0f} ms each), "
                  f"CppNix {c:.2f} s ({c / 500 * 1000:.0f} ms each), tern/CppNix {t / c:.2f}")
        else:
            print(f"copy (200 MB output): tern {t:.2f} s ({200 / t:.0f} MB/s), CppNix {c:.2f} s ({200 / c:.0f} MB/s), "
                  f"tern/CppNix {t / c:.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
