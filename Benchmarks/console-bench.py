#!/usr/bin/env python3
"""The web console under load: console-bench.py [--bots 200] [--clients 20] [--seconds 10] [--trials 10] [--bin DIR]

1. A fleet of --bots bots (gen-fleet.py) applied with openclaw-sim gateways on leased loopback ports.
2. `fleet serve` on loopback, one user, logged in.
3. The dashboard (all bots, the table) served to --clients concurrent clients for --seconds with
   wrk (Debian's package): median and 99th percentile latency, requests per second.
4. SSE: a gateway killed with SIGKILL, the time until a real browser (chromium via Playwright)
   shows that bot as Failed on an open dashboard, without a reload (--trials times).
5. The memory of the fleet-console process (VmRSS after the load, VmHWM its peak).
Everything it starts is stopped at the end."""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import http.cookiejar

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "Tests", "Browser"))
from ports import PortLease  # noqa: E402


def run(args, env, **kw):
    result = subprocess.run(args, env=env, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise TimeoutError(what)


def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return fields


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bots", type=int, default=200)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=int, default=10)
    p.add_argument("--trials", type=int, default=10)
    p.add_argument("--bin", default=os.path.join(REPO, ".build", "release"))
    args = p.parse_args()
    deadline = time.monotonic() + 600
    while True:
        try:
            lease = PortLease(span=args.bots * 20 + 400)
            break
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)  # other test suites on this machine hold port blocks; wait for one

    work = tempfile.mkdtemp(prefix="console-bench-")
    repo, root = os.path.join(work, "repo"), os.path.join(work, "state")
    env = dict(os.environ, PATH=args.bin + ":" + os.environ["PATH"], HOME=work)
    env.pop("OPENCLAW_BASE_PATH", None)
    subprocess.run([sys.executable, os.path.join(HERE, "gen-fleet.py"), str(args.bots), repo, "--git"], check=True, stdout=subprocess.DEVNULL)
    fleet_yaml = os.path.join(repo, "fleet", "fleet.yaml")
    text = open(fleet_yaml).read().replace("basePort: 20000", f"basePort: {lease.base}")
    text = text.replace("spec:\n", "spec:\n  access:\n    - {user: bench, role: operator}\n", 1)
    open(fleet_yaml, "w").write(text)
    run(["git", "-C", repo, "commit", "-qam", "bench ports and access"], dict(env, GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x", GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@x"))
    fleet = os.path.join(args.bin, "fleet")
    console = None
    try:
        t = time.monotonic()
        run([fleet, "apply", "--repo", repo, "--state-root", root, "--parallelism", "16"], env, timeout=900)
        print(f"applied {args.bots} bots in {time.monotonic() - t:.1f} s", file=sys.stderr)
        run([fleet, "users", "set", "bench", "--password-stdin", "--repo", repo, "--state-root", root], env, input="bench-password\n")
        port = lease.base + args.bots * 20 + 300
        url = f"http://127.0.0.1:{port}"
        console = subprocess.Popen([os.path.join(args.bin, "fleet-console"), "--repo", repo, "--state-root", root,
                                    "--listen", f"127.0.0.1:{port}", "--refresh", "10"],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up():
            try:
                return urllib.request.urlopen(url + "/healthz", timeout=1).status == 200
            except OSError:
                return False
        wait_until(up, 60, "fleet-console to answer")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(url + "/login").read().decode()
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        opener.open(url + "/login", data=urllib.parse.urlencode({"csrf": token, "user": "bench", "password": "bench-password", "next": "/"}).encode())
        session = next(c.value for c in jar if c.name == "fleet_session")

        seen = {}

        def full():
            html = opener.open(url + "/").read().decode()
            seen["rows"], seen["connected"] = html.count('data-live="row:'), html.count(": connected")
            seen["page"] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))[:600]
            return seen["rows"] == args.bots and seen["connected"] > 0
        try:
            wait_until(full, 120, "the dashboard to list every bot with its channels")
        except TimeoutError:
            raise TimeoutError(f"the dashboard shows {seen}")
        size = len(opener.open(url + "/").read())
        wrk = subprocess.run(["wrk", "-t2", f"-c{args.clients}", f"-d{args.seconds}s", "--latency", "-H", f"Cookie: fleet_session={session}", url + "/"],
                             capture_output=True, text=True, check=True).stdout

        def percentile(name):
            m = re.search(rf"^\s+{name}%\s+([\d.]+)(us|ms|s)", wrk, re.M)
            v = float(m.group(1))
            return v / 1000 if m.group(2) == "us" else (v * 1000 if m.group(2) == "s" else v)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
        mem = status(console.pid)

        # SSE: SIGKILL to Failed in the browser.
        from playwright.sync_api import sync_playwright
        latencies = []
        state_path = os.path.join(root, "state.json")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("FLEET_CHROMIUM", "/usr/bin/chromium"),
                                         args=["--no-sandbox"] if os.geteuid() == 0 else [])
            # Playwright evaluates its wait conditions as strings, which the strict CSP forbids.
            ctx = browser.new_context(base_url=url, bypass_csp=True)
            ctx.add_cookies([{"name": "fleet_session", "value": session, "url": url}])
            tab = ctx.new_page()
            tab.goto("/")
            tab.wait_for_function("document.body.getAttribute('data-live-state') === 'connected'", timeout=60_000)
            bots = json.load(open(state_path))["bots"]
            names = sorted(n for n, b in bots.items() if b.get("pid") and b.get("phase") in ("Running", "Degraded"))
            for i in range(args.trials):
                bot = names[(i * 7) % len(names)]
                pid = json.load(open(state_path))["bots"][bot]["pid"]
                t0 = time.monotonic()
                os.kill(pid, signal.SIGKILL)
                tab.wait_for_function(f"document.querySelector('tr[data-bot=\"{bot}\"]').getAttribute('data-phase') === 'Failed'",
                                      polling="raf", timeout=30_000)
                latencies.append((time.monotonic() - t0) * 1000)
                run([fleet, "restart", bot, "--repo", repo, "--state-root", root], env, timeout=120)
            browser.close()
        mem_after = status(console.pid)
        print(f"| {args.bots} bots, {args.clients} clients, {args.seconds} s | dashboard ({size // 1024} KiB) median **{percentile('50'):.1f} ms**, "
              f"p99 {percentile('99'):.1f} ms, {rps:.0f} req/s{', non-2xx ' + non2xx.group(1) if non2xx else ''} | "
              f"SIGKILL to Failed in the browser over SSE: median **{statistics.median(latencies):.0f} ms**, max {max(latencies):.0f} ms ({len(latencies)} trials) | "
              f"fleet-console RSS {int(mem['VmRSS'].split()[0]) / 1024:.1f} MiB after the load (peak {int(mem_after['VmHWM'].split()[0]) / 1024:.1f} MiB) |")
    finally:
        if console and console.poll() is None:
            console.send_signal(signal.SIGTERM)
            try:
                console.wait(timeout=30)
            except subprocess.TimeoutExpired:
                console.kill()
        subprocess.run([fleet, "destroy", "--repo", repo, "--state-root", root], env=env, capture_output=True)
        lease.release()
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
