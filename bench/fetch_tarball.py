#!/usr/bin/env python3
"""Throughput of `builtins.fetchTarball` over HTTP: downloading, unpacking and adding a
~100 MB tarball, with tern and (when given) current CppNix, from the same server.

Makes a tarball of incompressible and text files (`--mb`, default 100 MB compressed), serves
it with `python3 -m http.server` on 127.0.0.1 (stopped by its PID at the end), and times
`tern eval -E 'builtins.fetchTarball URL'` with a fresh store per run, then CppNix's
`nix-instantiate --eval` with a fresh local store (`--store DIR`) and cache per run. Both
must print the same store path. A last run of each reuses its cache (`tarball-ttl`).

Usage: bench/fetch_tarball.py [--tern target/release/tern] [--nix NIX-INSTANTIATE-COMMAND]
                              [--runs 3] [--mb 100]
  e.g. --nix '../shared/tools/nix-new nix-instantiate'
"""
import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import tempfile
import time


def make_tarball(work, mb):
    src = os.path.join(work, "src", "big")
    os.makedirs(src)
    random_files = max(1, (mb * 1_000_000 - 10_000_000) // 1_500_000)
    for i in range(random_files):
        with open(os.path.join(src, f"rand{i}.bin"), "wb") as f:
            f.write(os.urandom(1_500_000))
    for i in range(2000):
        with open(os.path.join(src, f"text{i}.txt"), "w") as f:
            f.write("\n".join(str(n) for n in range(i, i + 3000)))
    www = os.path.join(work, "www")
    os.makedirs(www)
    subprocess.run(["tar", "-czf", os.path.join(www, "big.tar.gz"), "-C", os.path.join(work, "src"), "big"], check=True)
    return www


def timed(cmd, env):
    t = time.monotonic()
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout.strip()
    return time.monotonic() - t, out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tern", default=os.path.join(os.path.dirname(__file__), "../target/release/tern"))
    p.add_argument("--nix")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--mb", type=int, default=100)
    a = p.parse_args()
    work = tempfile.mkdtemp(prefix="tern-bench-fetch-")
    server = None
    try:
        www = make_tarball(work, a.mb)
        size = os.path.getsize(os.path.join(www, "big.tar.gz"))
        server = subprocess.Popen(
            ["python3", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", www],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port N …"
        port = int(line.split(" port ")[1].split()[0])
        expr = f'builtins.fetchTarball "http://127.0.0.1:{port}/big.tar.gz"'
        print(f"tarball: {size / 1e6:.1f} MB")
        results = {}
        tools = [("tern", [a.tern, "eval", "-E", expr], "TERN_STORE")]
        if a.nix:
            tools.append(("cppnix", shlex.split(a.nix) + ["--eval", "-E", expr], None))
        for name, cmd, store_var in tools:
            times, paths = [], set()
            for r in range(a.runs + 1):
                store = os.path.join(work, f"{name}-store")
                if r < a.runs:
                    subprocess.run(["chmod", "-R", "u+w", work], stderr=subprocess.DEVNULL)
                    shutil.rmtree(store, ignore_errors=True)
                    shutil.rmtree(os.path.join(work, f"{name}-cache"), ignore_errors=True)
                env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(work, "config"),
                           NIX_CACHE_HOME=os.path.join(work, f"{name}-cache"))
                full = list(cmd)
                if store_var:
                    env[store_var] = store
                else:
                    full += ["--store", store]
                t, out = timed(full, env)
                paths.add(out)
                if r < a.runs:
                    times.append(t)
                else:
                    results[name + " (cached)"] = t
            med = statistics.median(times)
            results[name] = med
            print(f"{name}: median {med:.2f} s over {a.runs} runs ({size / 1e6 / med:.0f} MB/s); "
                  f"cached {results[name + ' (cached)']:.2f} s; {paths}")
        if "cppnix" in results:
            print(f"cppnix / tern: {results['cppnix'] / results['tern']:.1f}x")
    finally:
        if server:
            server.kill()
            server.wait()
        subprocess.run(["chmod", "-R", "u+w", work], stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
