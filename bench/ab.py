#!/usr/bin/env python3
"""A/B comparison of two tern builds on the workloads in bench/workloads: runs both
interleaved (A, B, A, B, …) so machine noise hits them alike, and prints per workload the
medians of CPU time and peak memory and B's ratio to A (below 1.0 B is better), then the
geometric means. Used to judge one change at a time; `run.py` compares with CppNix.

Usage: bench/ab.py --a OLD_TERN --b NEW_TERN [--runs N] [workload …]
"""
import argparse
import os
import statistics
import tempfile

from run import geomean, measure, workloads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True, help="the baseline tern binary")
    ap.add_argument("--b", required=True, help="the tern binary under test")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    workdir, names = workloads(args.names)
    store = tempfile.TemporaryDirectory(prefix="tern-ab-store-")
    env = dict(os.environ, TERN_STORE=store.name)
    print(f"{'workload':<22} {'A cpu s':>8} {'B cpu s':>8} {'B÷A':>6} {'A MiB':>6} {'B MiB':>6} {'B÷A':>5}")
    time_ratios, mem_ratios = [], []
    for name in names:
        runs = {"a": ([], []), "b": ([], [])}
        outputs = {}
        for _ in range(args.runs):
            for key in ("a", "b"):
                res = measure([getattr(args, key), "eval", "--strict", f"{name}.nix"], workdir, env)
                if res is None:
                    raise SystemExit(f"{name}: {key} failed")
                _, cpu, mem, out = res
                runs[key][0].append(cpu)
                runs[key][1].append(mem)
                outputs[key] = out
        if outputs["a"] != outputs["b"]:
            raise SystemExit(f"{name}: the two builds print different values")
        (at, am), (bt, bm) = ([statistics.median(x) for x in runs[k]] for k in ("a", "b"))
        time_ratios.append(bt / at)
        mem_ratios.append(bm / am)
        print(f"{name:<22} {at:8.3f} {bt:8.3f} {bt / at:6.3f} {am:6.0f} {bm:6.0f} {bm / am:5.2f}", flush=True)
    print(f"{'geometric mean':<22} {'':>8} {'':>8} {geomean(time_ratios):6.3f} {'':>6} {'':>6} "
          f"{geomean(mem_ratios):5.2f}")


if __name__ == "__main__":
    main()
