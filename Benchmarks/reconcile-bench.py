#!/usr/bin/env python3
"""Reconciler benchmarks (issue 5), release build, with openclaw-sim as the gateway:

  1. `fleet plan` of 1,000 committed bots with nothing running (median of RUNS);
  2. `fleet apply` of 50 bots from nothing until every gateway answers /healthz (median of 3);
  3. a no-op `fleet apply` with those 50 gateways running (median of RUNS).

Usage: Benchmarks/reconcile-bench.py [--runs 10] [--plan-bots 1000] [--apply-bots 50]
Figures go to Benchmarks/README.md by hand, with the machine they were taken on.
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
PKG = os.environ.get("FLEET_PACKAGE_PATH", os.path.dirname(HERE))


def sh(*args, **kw):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw)


def make_fleet(n, directory, base_port):
    sh(sys.executable, os.path.join(HERE, "gen-fleet.py"), str(n), directory)
    path = os.path.join(directory, "fleet", "fleet.yaml")
    text = open(path).read().replace("basePort: 20000", f"basePort: {base_port}")
    if "allowPlaintext" not in text:
        text = text.replace("spec:\n", "spec:\n  secrets: {allowPlaintext: true}\n", 1)
    open(path, "w").write(text)
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "bench"]):
        sh(*cmd, cwd=directory)


def timed(cmd, env):
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, text=True, capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--plan-bots", type=int, default=1000)
    ap.add_argument("--apply-bots", type=int, default=50)
    args = ap.parse_args()
    print("== building fleet and openclaw-sim (release)", file=sys.stderr)
    subprocess.run(["swift", "build", "-c", "release", "--package-path", PKG], check=True,
                   stdout=subprocess.DEVNULL)
    bindir = sh("swift", "build", "-c", "release", "--package-path", PKG, "--show-bin-path").stdout.strip()
    fleet = os.path.join(bindir, "fleet")
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], NO_COLOR="1")
    work = tempfile.mkdtemp(prefix="fleet-reconcile-bench.")
    try:
        big = os.path.join(work, "big")
        make_fleet(args.plan_bots, big, 30000)
        root = os.path.join(work, "state-big")
        cmd = [fleet, "plan", "--repo", big, "--state-root", root]
        timed(cmd, env)
        plan = [timed(cmd, env) for _ in range(args.runs)]

        small = os.path.join(work, "small")
        make_fleet(args.apply_bots, small, 40000)
        applies = []
        for i in range(3):
            root = os.path.join(work, f"state-small-{i}")
            applies.append(timed([fleet, "apply", "--repo", small, "--state-root", root], env))
            if i < 2:
                timed([fleet, "destroy", "--repo", small, "--state-root", root], env)
        noop = [timed([fleet, "apply", "--repo", small, "--state-root", root], env) for _ in range(args.runs)]
        timed([fleet, "destroy", "--repo", small, "--state-root", root], env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {os.cpu_count()} cores, {cpu}")
    print(f"plan {args.plan_bots} bots, nothing running: median {statistics.median(plan):.1f} ms "
          f"(min {min(plan):.1f}, max {max(plan):.1f}, {args.runs} runs)   target < 250 ms")
    print(f"apply {args.apply_bots} bots from nothing to all healthy: median {statistics.median(applies):.0f} ms "
          f"(runs: {', '.join(f'{a:.0f}' for a in applies)})   target < 5000 ms")
    print(f"no-op apply with {args.apply_bots} running: median {statistics.median(noop):.1f} ms "
          f"(min {min(noop):.1f}, max {max(noop):.1f}, {args.runs} runs)   target < 200 ms")


if __name__ == "__main__":
    main()
