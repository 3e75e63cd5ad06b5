#!/usr/bin/env python3
"""Runs every workload in bench/workloads with `tern eval --strict` and, where installed,
`nix-instantiate --eval --strict`, alternating the two in one run so machine noise hits both
alike. Prints median wall time, median peak memory (RSS) and the CppNix/tern ratios, checks
that both print the same value, and the geometric mean of the time ratios.

A workload may start with `# nix-flags: …` (extra flags for nix-instantiate, e.g.
`--read-write-mode` so CppNix writes its .drv files as tern does). tern runs with a
temporary store (`TERN_STORE`), shared by all runs of one invocation, so after the first run
both tools find their .drv files already valid.

Usage: bench/run.py [--runs N] [--tern PATH] [workload-name …]
"""
import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def measure(cmd, cwd, env=None):
    """Wall time (s), peak RSS (MiB), stdout of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    out = proc.stdout.read()
    err = proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{err.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss / 1024.0, out


def nix_flags(path):
    """Extra nix-instantiate flags from a `# nix-flags: …` line at the top of a workload."""
    with open(path) as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            if line.startswith("# nix-flags:"):
                return line.split(":", 1)[1].split()
    return []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tern", default=os.path.join(HERE, "..", "target", "release", "tern"))
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    workdir = os.path.join(HERE, "workloads")
    names = args.names or sorted(f[:-4] for f in os.listdir(workdir) if f.endswith(".nix"))
    nix = shutil.which("nix-instantiate")
    if not nix:
        print("nix-instantiate not found: measuring tern only")

    print(f"{'workload':<18} {'tern s':>8} {'tern MiB':>9} {'nix s':>8} {'nix MiB':>8} {'time ×':>7} {'mem ×':>6}")
    ratios = []
    store = tempfile.TemporaryDirectory(prefix="tern-bench-store-")
    tern_env = dict(os.environ, TERN_STORE=store.name)
    for name in names:
        f = f"{name}.nix"
        tern_cmd = [args.tern, "eval", "--strict", f]
        nix_cmd = [nix, "--eval", "--strict", *nix_flags(os.path.join(workdir, f)), f] if nix else None
        t_times, t_mem, n_times, n_mem = [], [], [], []
        for _ in range(args.runs):
            t, m, t_out = measure(tern_cmd, workdir, tern_env)
            t_times.append(t)
            t_mem.append(m)
            if nix_cmd:
                t, m, n_out = measure(nix_cmd, workdir)
                n_times.append(t)
                n_mem.append(m)
                if n_out != t_out:
                    sys.exit(f"{name}: outputs differ\n tern: {t_out!r}\n  nix: {n_out!r}")
        tt, tm = statistics.median(t_times), statistics.median(t_mem)
        if nix_cmd:
            nt, nm = statistics.median(n_times), statistics.median(n_mem)
            ratios.append(nt / tt)
            print(f"{name:<18} {tt:8.3f} {tm:9.1f} {nt:8.3f} {nm:8.1f} {nt / tt:7.2f} {nm / tm:6.2f}")
        else:
            print(f"{name:<18} {tt:8.3f} {tm:9.1f}")
    if ratios:
        geo = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        print(f"\ngeometric mean speed-up over nix-instantiate: {geo:.2f}× "
              f"(slowest workload: {min(ratios):.2f}×; >1 means tern is faster)")


if __name__ == "__main__":
    main()
