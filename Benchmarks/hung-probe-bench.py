#!/usr/bin/env python3
"""`fleet plan` with N hung gateways (issue 15): every gateway of an applied fleet is stopped with
SIGSTOP (its socket still accepts connections, nothing answers), so each health probe runs into
its timeout. With probes that never block a thread, plan stays near ONE probe timeout whatever N;
probes that block the cooperative pool took N / cores timeouts (8 hung gateways, 2 cores, 1 s:
4.2 s).

  1. generate a fleet of N bots (gen-fleet.py, probeTimeout 1s, openclaw-sim as the gateway),
     commit it, `fleet apply` it and check every gateway answers;
  2. SIGSTOP every gateway (pids from the state file);
  3. time `fleet plan` RUNS times (median, min, max), nothing else changed;
  4. SIGCONT and `fleet destroy`, whatever happened.

Usage: Benchmarks/hung-probe-bench.py [--sizes 1,8,32] [--runs 5] [--timeout 1s]
                                      [--bin DIR]   (fleet and openclaw-sim already built there)
Without --bin it builds the release binaries. Figures go to Benchmarks/README.md by hand, with
the machine they were taken on.
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.environ.get("FLEET_PACKAGE_PATH", os.path.dirname(HERE))


def sh(*args, **kw):
    return subprocess.run(args, check=True, text=True, capture_output=True, **kw)


def make_fleet(n, directory, base_port, timeout):
    sh(sys.executable, os.path.join(HERE, "gen-fleet.py"), str(n), directory)
    path = os.path.join(directory, "fleet", "fleet.yaml")
    text = open(path).read().replace("basePort: 20000", f"basePort: {base_port}")
    text = text.replace("probeTimeout: 2s", f"probeTimeout: {timeout}")
    open(path, "w").write(text)
    # gen-fleet disables every 17th bot; here every bot runs, so N bots are N hung gateways.
    bots = os.path.join(directory, "fleet", "bots")
    for name in os.listdir(bots):
        bot = os.path.join(bots, name)
        text = open(bot).read()
        open(bot, "w").write(text.replace("enabled: false", "enabled: true"))
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "bench"]):
        sh(*cmd, cwd=directory)


def run(cmd, env):
    result = subprocess.run(cmd, env=env, text=True, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def gateway_pids(root):
    state = json.load(open(os.path.join(root, "state.json")))
    return {name: bot["pid"] for name, bot in state.get("bots", {}).items() if bot.get("pid")}


def measure(fleet, n, runs, timeout, work, env, base_port):
    repo = os.path.join(work, f"fleet-{n}")
    root = os.path.join(work, f"state-{n}")
    make_fleet(n, repo, base_port, timeout)
    plan = [fleet, "plan", "--repo", repo, "--state-root", root]
    pids = {}
    try:
        run([fleet, "apply", "--repo", repo, "--state-root", root], env)
        pids = gateway_pids(root)
        for pid in pids.values():
            os.kill(pid, signal.SIGSTOP)
        # Stopped means stopped: /proc says T before the clock starts.
        for pid in pids.values():
            while open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] not in ("T", "t"):
                time.sleep(0.01)
        run(plan, env)  # warm-up (page cache, first /proc scan)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            out = run(plan, env)
            times.append(time.perf_counter() - start)
        return times, len(pids), out.stdout
    finally:
        for pid in pids.values():
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        subprocess.run([fleet, "destroy", "--repo", repo, "--state-root", root], env=env, capture_output=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1,8,32")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--timeout", default="1s", help="spec.health.probeTimeout of the generated fleet")
    ap.add_argument("--bin", help="a directory holding fleet and openclaw-sim (default: build release)")
    ap.add_argument("--base-port", type=int, default=26000)
    args = ap.parse_args()
    if args.bin:
        bindir = os.path.abspath(args.bin)
    else:
        print("== building fleet and openclaw-sim (release)", file=sys.stderr)
        subprocess.run(["swift", "build", "-c", "release", "--package-path", PKG], check=True, stdout=subprocess.DEVNULL)
        bindir = sh("swift", "build", "-c", "release", "--package-path", PKG, "--show-bin-path").stdout.strip()
    fleet = os.path.join(bindir, "fleet")
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], NO_COLOR="1")
    env.pop("OPENCLAW_BASE_PATH", None)
    env.pop("OPENCLAW_BASE_PORT", None)
    work = tempfile.mkdtemp(prefix="fleet-hung-probe-bench.")
    results = []
    try:
        for i, n in enumerate(int(s) for s in args.sizes.split(",")):
            # Each size in its own port region, below the ephemeral range.
            times, hung, _ = measure(fleet, n, args.runs, args.timeout, work, env, args.base_port + i * 1000)
            results.append((n, hung, times))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    load = open("/proc/loadavg").read().split()[0]
    print(f"machine: {os.cpu_count()} cores, {cpu}, load average {load}; fleet {fleet}; probeTimeout {args.timeout}")
    for n, hung, times in results:
        print(f"plan with {hung:>3} hung gateways (of {n} bots): median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}, {len(times)} runs)")


if __name__ == "__main__":
    main()
