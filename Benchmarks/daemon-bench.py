#!/usr/bin/env python3
"""Daemon benchmarks (issue 6), release build, openclaw-sim as the gateway:

  - kill-to-healthy: SIGKILL a random gateway, time until a new gateway answers /healthz on its
    port (KILLS times, default 50; median and worst);
  - the daemon's resident memory (VmRSS) and CPU while idle with N bots (default 50), over 10 s,
    and where each MiB goes (/proc/PID/smaps, by mapping: fleet's code and data, each library,
    heap arenas, thread stacks), and its peak (VmHWM) with the first round of N gateway starts.

The daemon is the build `make install` makes (release, Swift runtime linked in statically);
`--dynamic` measures the plain `swift build -c release` binary instead (the Swift runtime's shared
libraries then count in its RSS).

Usage: Benchmarks/daemon-bench.py [--bots 50] [--kills 50] [--idle 10] [--dynamic] [--no-build]
       nice -n 19 Benchmarks/daemon-bench.py --bots 200 --kills 20    # issue 18's memory figure
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


LIBRARY_GROUPS = [
    ("libgit2 (+ mbedtls, libssh2, krb5/gssapi, zlib, http-parser)",
     ("libgit2", "libmbed", "libssh2", "libkrb5", "libk5crypto", "libgssapi", "libcom_err", "libkeyutils",
      "libkrb5support", "libz.", "libhttp_parser", "libpcre", "libresolv")),
    ("libcrypto + libssl (OpenSSL 3)", ("libcrypto", "libssl")),
    ("libyaml", ("libyaml",)),
    ("glibc (libc, libm, ld.so, ...)", ("libc.so", "libm.so", "ld-linux", "libpthread", "libdl", "librt")),
    ("libstdc++ + libgcc_s (the Swift runtime's C++)", ("libstdc++", "libgcc_s")),
]


def smaps_breakdown(pid, program):
    """{group: kB of RSS} from /proc/PID/smaps, by mapping."""
    groups = {}
    prev = None  # (name, perms, size_kb) of the mapping before
    cur = None
    def add(group, kb):
        groups[group] = groups.get(group, 0) + kb
    for line in open(f"/proc/{pid}/smaps"):
        parts = line.split()
        if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
            prev = cur
            cur = {"name": parts[5] if len(parts) > 5 else "", "perms": parts[1], "size": 0, "prev": prev}
        elif parts[0] == "Size:":
            cur["size"] = int(parts[1])
        elif parts[0] == "Rss:" and cur is not None:
            kb, name, perms = int(parts[1]), cur["name"], cur["perms"]
            if not kb:
                continue
            base = os.path.basename(name)
            if name == program:
                add("fleet: code and constants (read-only segments)" if "w" not in perms else
                    "fleet: data (relocated pointers, .data, .bss)", kb)
            elif name == "[heap]":
                add("heap: main malloc arena", kb)
            elif name == "[stack]":
                add("stacks: main thread", kb)
            elif name == "":
                before = cur["prev"]
                guard = before is not None and before["name"] == "" and before["perms"].startswith("---") and before["size"] <= 64
                add("stacks: other threads" if guard else "heap: other malloc arenas, large allocations", kb)
            else:
                group = next((g for g, keys in LIBRARY_GROUPS if any(k in base for k in keys)), "other (" + base + ")")
                add(group, kb)
    return groups


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
    ap.add_argument("--no-build", action="store_true", help="use the binaries already built")
    args = ap.parse_args()
    build = ["swift", "build", "--package-path", PKG] + (["-c", "release"] if args.dynamic else install_build_flags())
    if not args.no_build:
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
    program = os.path.join(bindir, "fleet")
    daemon = subprocess.Popen([program, "daemon", "--repo", repo, "--state-root", root,
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
        breakdown = smaps_breakdown(daemon.pid, os.path.realpath(program))
        peak = next(int(l.split()[1]) for l in open(f"/proc/{daemon.pid}/status") if l.startswith("VmHWM:"))
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
    print(f"build: {'release, shared Swift runtime' if args.dynamic else 'the make install build: ' + ' '.join(install_build_flags())}")
    print(f"daemon idle with {len(names)} running gateways: RSS {rss / 1024:.1f} MiB (PSS {pss / 1024:.1f} MiB, "
          f"private {private / 1024:.1f} MiB; the rest is shared library pages), CPU {cpu:.2f} % of a core over {args.idle:.0f} s"
          f"   targets < 20 MiB, < 1 %")
    print(f"peak (VmHWM, the first round starting {len(names)} gateways): {peak / 1024:.1f} MiB")
    print("where the idle RSS goes (/proc/PID/smaps):")
    for group, kb in sorted(breakdown.items(), key=lambda x: -x[1]):
        print(f"  {kb / 1024:6.2f} MiB  {group}")


if __name__ == "__main__":
    main()
