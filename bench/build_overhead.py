#!/usr/bin/env python3
"""The builder's overhead per derivation: realises the same graph of trivial derivations
(`/bin/sh -c 'echo $RANDOM … > $out'`) with `tern build` and with CppNix's
`nix-store --realise`, and prints the time per build of each.

Graphs (N leaves plus one top derivation that depends on all of them, or a chain of N):

  fanout  N independent builds, then one that refers to all of them
  chain   each build refers to the previous one (no parallelism at all)

Every run uses fresh derivation names (a salt), so CppNix really builds, and a fresh tern
store. The `.drv` files are written by `nix-instantiate` (tern has no derivationStrict yet)
and copied into tern's store before the timed part (`tern build --dry-run` copies them).
Both builders get the same `-j` (default: number of cores). Needs nix-instantiate and
nix-store (CppNix) and root or a writable /nix/store.

Usage: bench/build_overhead.py [--n 500] [--runs 3] [--shape fanout|chain|both] [-j N] [--tern PATH]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def expression(shape, n, salt):
    mk = (
        'mk = i: prev: derivation {{ name = "bench-{salt}-${{toString i}}"; system = builtins.currentSystem; '
        'builder = "/bin/sh"; args = [ "-c" "echo $RANDOM ${{toString i}} ${{prev}} > $out" ]; }};'
    ).format(salt=salt)
    if shape == "fanout":
        body = (
            f"let {mk} leaves = builtins.genList (i: mk i \"\") {n}; in "
            f'derivation {{ name = "bench-{salt}-top"; system = builtins.currentSystem; builder = "/bin/sh"; '
            'args = [ "-c" "echo ${toString leaves} > $out" ]; }'
        )
    else:
        body = f'let {mk} in builtins.foldl\' (prev: i: mk i "${{prev}}") (mk 0 "") (builtins.genList (i: i + 1) {n})'
    return body


def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr.decode(errors='replace')}")
    return p.stdout.decode()


def timed(cmd, **kw):
    start = time.perf_counter()
    run(cmd, **kw)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shape", default="both", choices=["fanout", "chain", "both"])
    ap.add_argument("-j", type=int, default=os.cpu_count())
    ap.add_argument("--tern", default=os.path.join(HERE, "..", "target", "release", "tern"))
    args = ap.parse_args()
    for tool in ("nix-instantiate", "nix-store"):
        if not shutil.which(tool):
            sys.exit(f"{tool} (CppNix) is needed for the comparison")
    if not os.path.exists(args.tern):
        sys.exit(f"no tern binary at {args.tern}: run 'cargo build --release' or pass --tern")
    nixopts = ["--option", "substituters", "", "--option", "max-jobs", str(args.j)]
    shapes = ["fanout", "chain"] if args.shape == "both" else [args.shape]
    print(f"{args.n} trivial derivations (+1 for fanout), -j {args.j}, {args.runs} runs, median")
    print(f"{'graph':8} {'builds':>6} {'tern total':>11} {'per build':>10} {'nix total':>10} {'per build':>10} {'nix/tern':>9}")
    for shape in shapes:
        builds = args.n + 1 if shape == "fanout" else args.n + 1
        t_tern, t_nix = [], []
        for r in range(args.runs):
            salt = f"{int(time.time() * 1000)}{r}{shape[0]}"
            expr = expression(shape, args.n, salt)
            drv = run(["nix-instantiate", *nixopts, "-E", expr]).split()[0]
            with tempfile.TemporaryDirectory(prefix="tern-bench-") as root:
                run([args.tern, "build", "--store", root, "--dry-run", drv])
                t_tern.append(timed([args.tern, "build", "--store", root, "--no-link", "-j", str(args.j), drv]))
            t_nix.append(timed(["nix-store", *nixopts, "--realise", drv]))
        mt, mn = statistics.median(t_tern), statistics.median(t_nix)
        print(
            f"{shape:8} {builds:>6} {mt:>10.2f}s {mt / builds * 1000:>8.2f}ms {mn:>9.2f}s "
            f"{mn / builds * 1000:>8.2f}ms {mn / mt:>8.1f}x"
        )


if __name__ == "__main__":
    main()
