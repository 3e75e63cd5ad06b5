#!/usr/bin/env python3
"""Runs every workload in bench/workloads with `tern eval --strict` and with both CppNix
versions found (`nix-instantiate --eval --strict`: Debian's 2.8 on PATH, and current CppNix
through the wrapper `../shared/tools/nix-new` installs, /opt/nixnew/bin by default),
interleaving the three in one run so machine noise hits all alike. For each workload it
prints the medians of wall time, CPU time (user + system) and peak memory (RSS), and tern's
ratios to each CppNix: tern's number divided by theirs, so below 1.0 tern is better. It
checks that all print the same value, and ends with the geometric means of the ratios.

Peak memory is measured through GNU time (`apt-get install time`) where it is installed;
see `measure` for why.

On a shared machine CPU time is the steadier measure (wall time also counts the time other
jobs hold the cores); both are printed, and `--metric` picks the one the ratios use.

A workload may start with `# nix-flags: …` (extra flags for nix-instantiate, e.g.
`--read-write-mode` so CppNix writes its .drv files as tern does). tern runs with a
temporary store (`TERN_STORE`), shared by all runs of one invocation, so after the first run
both tools find their .drv files already valid.

Usage: bench/run.py [--runs N] [--metric cpu|wall] [--tern PATH] [--nix-new PATH] [workload …]
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


# GNU time, which reports the peak RSS of the program it starts (see `measure`).
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def measure(cmd, cwd, env=None):
    """Wall time (s), CPU time (user + system, s), peak RSS (MiB) and stdout of one run, or
    None if it failed. Output goes to temporary files, so the child is reaped with wait4 and
    its resource usage is known.

    The peak RSS comes from GNU time when it is installed: Linux counts in a process's peak
    RSS the memory of the process it was forked from (here Python, about 15 MiB), which
    would hide any program smaller than that; GNU time, itself small, forks the program.
    Without it the figure is wait4's and is at least Python's size."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r") as rss:
        argv = [GNU_TIME, "-f", "%M", "-o", rss.name, *cmd] if GNU_TIME else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            last = err.read().decode(errors="replace").strip().splitlines()[-1:] or ["?"]
            print(f"  {os.path.basename(cmd[0])} failed: {last[0][:200]}", file=sys.stderr)
            return None
        peak_kib = int(rss.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
        return elapsed, usage.ru_utime + usage.ru_stime, peak_kib / 1024.0, out.read()


class Tool:
    """One evaluator: its command line and the measurements of its runs."""

    def __init__(self, label, argv, env=None):
        self.label, self.argv, self.env = label, argv, env
        self.wall, self.cpu, self.mem, self.failed = [], [], [], False

    def run(self, workload, workdir, flags):
        res = measure([*self.argv, *flags, workload], workdir, self.env)
        if res is None:
            self.failed = True
            return None
        wall, cpu, mem, out = res
        self.wall.append(wall)
        self.cpu.append(cpu)
        self.mem.append(mem)
        return out

    def median(self, metric):
        return statistics.median(getattr(self, metric)) if not self.failed and self.wall else None


def nix_flags(path):
    """Extra nix-instantiate flags from a `# nix-flags: …` line at the top of a workload."""
    with open(path) as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            if line.startswith("# nix-flags:"):
                return line.split(":", 1)[1].split()
    return []


def workloads(names):
    """The workloads directory and the workloads to run: `names`, or all of them."""
    workdir = os.path.join(HERE, "workloads")
    return workdir, names or sorted(f[:-4] for f in os.listdir(workdir) if f.endswith(".nix"))


def fmt(x, spec):
    return format(x, spec) if x is not None else "-".rjust(int(spec.split(".")[0]))


def geomean(xs):
    xs = [x for x in xs if x is not None]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--metric", choices=["cpu", "wall"], default="cpu")
    ap.add_argument("--tern", default=os.path.join(HERE, "..", "target", "release", "tern"))
    ap.add_argument("--nix-new", default="/opt/nixnew/bin/nix-instantiate",
                    help="current CppNix's nix-instantiate (the wrapper ../shared/tools/nix-new installs)")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    workdir, names = workloads(args.names)
    store = tempfile.TemporaryDirectory(prefix="tern-bench-store-")
    tern_env = dict(os.environ, TERN_STORE=store.name)

    def version(path):
        try:
            return subprocess.run([path, "--version"], capture_output=True, text=True).stdout.split()[-1]
        except OSError:
            return None

    nixes = []
    for path in [shutil.which("nix-instantiate"), args.nix_new]:
        v = path and os.path.exists(path) and version(path)
        if v:
            nixes.append((f"nix {'.'.join(v.split('.')[:2])}", path))
    if not nixes:
        print("no nix-instantiate found: measuring tern only")
    metric = args.metric
    print(f"metric: {metric} time (median of {args.runs} interleaved runs); ratios are tern ÷ CppNix, "
          f"below 1.0 tern is better")
    for label, path in nixes:
        print(f"  {label}: {path}")
    head = f"{'workload':<20} {'tern s':>7} {'MiB':>6}"
    for label, _ in nixes:
        head += f" | {label + ' s':>9} {'MiB':>6} {'time×':>6} {'mem×':>5}"
    print(head)

    ratios = {label: ([], []) for label, _ in nixes}
    mismatch = False
    for name in names:
        f = f"{name}.nix"
        flags = nix_flags(os.path.join(workdir, f))
        tern = Tool("tern", [args.tern, "eval", "--strict"], tern_env)
        others = [Tool(label, [path, "--eval", "--strict"]) for label, path in nixes]
        for _ in range(args.runs):
            t_out = tern.run(f, workdir, [])
            for tool in others:
                out = tool.run(f, workdir, flags)
                if out is not None and t_out is not None and out != t_out:
                    mismatch = True
                    print(f"{name}: outputs differ\n tern: {t_out[:300]!r}\n {tool.label}: {out[:300]!r}",
                          file=sys.stderr)
        tt, tm = tern.median(metric), tern.median("mem")
        line = f"{name:<20} {fmt(tt, '7.3f')} {fmt(tm, '6.0f')}"
        for tool in others:
            nt, nm = tool.median(metric), tool.median("mem")
            rt = tt / nt if tt and nt else None
            rm = tm / nm if tm and nm else None
            ratios[tool.label][0].append(rt)
            ratios[tool.label][1].append(rm)
            line += f" | {fmt(nt, '9.3f')} {fmt(nm, '6.0f')} {fmt(rt, '6.2f')} {fmt(rm, '5.2f')}"
        print(line, flush=True)
    if nixes:
        line = f"{'geometric mean':<20} {'':>7} {'':>6}"
        for label, _ in nixes:
            line += f" | {'':>9} {'':>6} {fmt(geomean(ratios[label][0]), '6.2f')} {fmt(geomean(ratios[label][1]), '5.2f')}"
        print(line)
    if mismatch:
        sys.exit("some outputs differ")


if __name__ == "__main__":
    main()
