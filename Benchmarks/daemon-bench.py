#!/usr/bin/env python3
"""Daemon benchmarks (issue 6), release build, openclaw-sim as the gateway:

  - kill-to-healthy: SIGKILL a random gateway, time until a new gateway answers /healthz on its
    port (KILLS times, default 50; median and worst);
  - the daemon's resident memory (VmRSS) and CPU while idle with N bots (default 50), over 10 s.

The daemon is the build `make install` makes (release, Swift runtime linked in statically);
`--dynamic` measures the plain `swift build -c release` binary instead (the Swift runtime's shared
libraries then count in its RSS).

Usage: Benchmarks/daemon-bench.py [--bots 50] [--kills 50] [--idle 10] [--dynamic]
"""
import argparse, os, random, shutil, signal, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.environ.get("FLEET_PACKAGE_PATH", os.path.dirname(HERE))


def healthy(port, timeout=0.5):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as r:
            return r.status == 200
    except Exception:
        return False


def gateway_pid(root, bot):
    try:
        import json
        return json.load(open(os.path.join(root, "bots", bot, "gateway.pid")))["pid"]
    except Exception:
        return None


def cpu_ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def memory_kb(pid):
    """RSS, PSS and private (clean + dirty) memory from /proc/PID/smaps_rollup."""
    values = {}
    for line in open(f"/proc/{pid}/smaps_rollup"):
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            values[parts[0].rstrip(":")] = int(parts[1])
    return values.get("Rss", 0), values.get("Pss", 0), values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)


def install_build_flags():
    """The flags `make install` builds with (scripts/install-build-flags.sh), its build path absolute."""
    out = subprocess.run(["sh", os.path.join(PKG, "scripts", "install-build-flags.sh")], check=True,
                         capture_output=True, text=True).stdout.split()
    return [os.path.join(PKG, f) if prev == "--build-path" else f for prev, f in zip([""] + out, out)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bots", type=int, default=50)
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--idle", type=float, default=10)
    ap.add_argument("--dynamic", action="store_true", help="the plain release build (shared Swift runtime)")
    args = ap.parse_args()
    build = ["swift", "build", "--package-path", PKG] + (["-c", "release"] if args.dynamic else install_build_flags())
    subprocess.run(build, check=True, stdout=subprocess.DEVNULL)
    bindir = subprocess.run(build + ["--show-bin-path"], check=True, capture_output=True, text=True).stdout.strip()
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], NO_COLOR="1")
    work = tempfile.mkdtemp(prefix="fleet-daemon-bench.")
    repo, root = os.path.join(work, "repo"), os.path.join(work, "state")
    subprocess.run([sys.executable, os.path.join(HERE, "gen-fleet.py"), str(args.bots), repo], check=True, stdout=subprocess.DEVNULL)
    path = os.path.join(repo, "fleet", "fleet.yaml")
    # Below the kernel's ephemeral range (32768-60999): an outgoing connection can take a port there.
    text = open(path).read().replace("basePort: 20000", "basePort: 26000")
    if "allowPlaintext" not in text:
        text = text.replace("spec:\n", "spec:\n  secrets: {allowPlaintext: true}\n", 1)
    open(path, "w").write(text)
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                ["git", "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "bench"]):
        subprocess.run(cmd, cwd=repo, check=True)
    log = open(os.path.join(work, "daemon.log"), "w")
    daemon = subprocess.Popen([os.path.join(bindir, "fleet"), "daemon", "--repo", repo, "--state-root", root,
                               "--interval", "30s"], env=env, stdout=log, stderr=log)
    try:
        import json
        deadline = time.time() + 120
        names = []
        while time.time() < deadline:
            try:
                state = json.load(open(os.path.join(root, "state.json")))
                names = sorted(state["bots"])
                if len(names) == args.bots and all(state["bots"][n].get("phase") in ("Running", "Degraded", "Stopped") for n in names):
                    names = [n for n in names if state["bots"][n].get("pid")]
                    break
            except Exception:
                pass
            time.sleep(0.2)
        state = json.load(open(os.path.join(root, "state.json")))
        ports = {n: state["bots"][n]["port"] for n in names}
        time.sleep(2)
        latencies = []
        rnd = random.Random(1)
        order = []
        while len(order) < args.kills:  # every bot once before any twice: crashes, not backoff
            batch = list(names)
            rnd.shuffle(batch)
            order += batch
        for bot in order[:args.kills]:
            pid = gateway_pid(root, bot)
            start = time.perf_counter()
            os.kill(pid, signal.SIGKILL)
            while True:
                new = gateway_pid(root, bot)
                if new and new != pid and healthy(ports[bot], 0.2):
                    break
                if time.perf_counter() - start > 30:
                    sys.exit(f"{bot} did not come back")
                time.sleep(0.005)
            latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(2.5)  # independent crashes: under the host-wide budget (30 per minute)
        time.sleep(2)
        t0, c0 = time.time(), cpu_ticks(daemon.pid)
        time.sleep(args.idle)
        t1, c1 = time.time(), cpu_ticks(daemon.pid)
        hz = os.sysconf("SC_CLK_TCK")
        cpu = (c1 - c0) / hz / (t1 - t0) * 100
        rss, pss, private = memory_kb(daemon.pid)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=20)
        subprocess.run([os.path.join(bindir, "fleet"), "destroy", "--repo", repo, "--state-root", root], env=env,
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"machine: {os.cpu_count()} cores, {cpu_model}")
    print(f"kill-to-healthy over {len(latencies)} kills ({args.bots} bots, {len(names)} enabled): median {statistics.median(latencies):.0f} ms, "
          f"worst {max(latencies):.0f} ms   target: median < 1000 ms")
    print(f"build: {'release, shared Swift runtime' if args.dynamic else 'release, --static-swift-stdlib (make install)'}")
    print(f"daemon idle with {len(names)} running gateways: RSS {rss / 1024:.1f} MiB (PSS {pss / 1024:.1f} MiB, "
          f"private {private / 1024:.1f} MiB; the rest is shared library pages), CPU {cpu:.2f} % of a core over {args.idle:.0f} s"
          f"   targets < 30 MB, < 1 %")


if __name__ == "__main__":
    main()
