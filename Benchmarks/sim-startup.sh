#!/usr/bin/env bash
# Measures the stand-in gateway (openclaw-sim): time from exec to the first 200 on /healthz
# (median, min and max over RUNS runs) and the resident memory (VmRSS) of one idle process.
#
# Usage: Benchmarks/sim-startup.sh [path/to/openclaw-sim] [runs]
#   default binary: .build/release/openclaw-sim (build it with `swift build -c release`)
set -euo pipefail

BIN=${1:-.build/release/openclaw-sim}
RUNS=${2:-20}
[ -x "$BIN" ] || { echo "no executable at $BIN (build with: swift build -c release)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/sim-startup.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/config.json5" <<JSON
{
  gateway: { mode: "local", port: $PORT },
  logging: { file: "$WORK/gateway.log" },
  agents: { entries: { bench: { model: "anthropic/claude-sonnet-4-5" } } },
  channels: { telegram: { botToken: "123:abc" } },
}
JSON
export OPENCLAW_CONFIG_PATH="$WORK/config.json5" OPENCLAW_STATE_DIR="$WORK/state"

python3 - "$BIN" "$PORT" "$RUNS" <<'PY'
import os, signal, socket, statistics, subprocess, sys, time

binary, port, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def healthz_ok():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False

samples, rss_kb = [], None
for i in range(runs):
    start = time.perf_counter()
    proc = subprocess.Popen([binary, "gateway", "run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not healthz_ok():
        if proc.poll() is not None:
            sys.exit(f"openclaw-sim exited with {proc.returncode}")
        time.sleep(0.0005)
    samples.append((time.perf_counter() - start) * 1000)
    if i == runs - 1:
        time.sleep(1.0)  # idle for a second, then read the resident set
        with open(f"/proc/{proc.pid}/status") as f:
            status = {l.split(":")[0]: l.split()[1] for l in f if l.startswith(("VmRSS:", "RssAnon:", "RssFile:"))}
        rss_kb, anon_kb, file_kb = (int(status[k]) for k in ("VmRSS", "RssAnon", "RssFile"))
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=5)

print(f"runs: {runs}")
print(f"start to first /healthz 200: median {statistics.median(samples):.1f} ms, "
      f"min {min(samples):.1f} ms, max {max(samples):.1f} ms")
print(f"idle VmRSS: {rss_kb} kB ({rss_kb / 1024:.1f} MiB): RssAnon {anon_kb} kB private, RssFile {file_kb} kB (mostly shared Swift runtime libraries)")
PY
