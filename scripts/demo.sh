#!/usr/bin/env bash
# The demo: build fleet and the stand-in gateway, apply the demo fleet in fleet/ (three bots on
# Telegram, Discord and Slack) with openclaw-sim as the gateway, print the status, and start the
# web console (fleet serve) with a demo-only login.
# Stop it with:  .build/debug/fleet destroy --state-root "${OPENCLAW_BASE_PATH:-/tmp/fleet-demo}"
#
# FLEET_DEMO_BIN=DIR uses the fleet and openclaw-sim already built in DIR instead of building
# (the test that runs this script does so; a build inside `swift test` would wait on its lock).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
if [ -n "${FLEET_DEMO_BIN:-}" ]; then
  bin="$FLEET_DEMO_BIN"
else
  swift build
  bin="$repo/.build/debug"
fi
root="${OPENCLAW_BASE_PATH:-/tmp/fleet-demo}"
export PATH="$bin:$PATH"
# The demo fleet's tokens are encrypted with a DEMO-ONLY key committed in examples/demo.key
# (never do that with a real key: docs/secrets.md). fleet finds keys in <repo>/.fleet/keys/
# (git-ignored), so every fleet command run in this repository can open them, in this script
# and in a new shell alike. fleet refuses a key file others can read: mode 0600.
mkdir -p .fleet/keys
chmod 700 .fleet .fleet/keys
install -m 600 examples/demo.key .fleet/keys/demo.key
echo "== fleet validate (the fleet/ manifests at HEAD)"
fleet validate
echo
echo "== fleet plan --state-root $root   (the first line names the OpenClaw release fleet detected)"
fleet plan --state-root "$root"
echo
echo "== fleet apply --state-root $root"
fleet apply --state-root "$root"
echo
echo "== fleet status --state-root $root"
fleet status --state-root "$root"
echo
# The web console, in the background like the gateways, with a demo-only user whose password is
# made here, now, and printed once (it is stored only as a scrypt hash under the state root).
console_listen="${FLEET_CONSOLE_LISTEN:-127.0.0.1:8790}"
if [ -f "$root/console.pid" ] && kill -0 "$(cat "$root/console.pid")" 2>/dev/null; then
  kill "$(cat "$root/console.pid")" 2>/dev/null || true
fi
password="demo-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$password" | fleet users set operator --password-stdin --state-root "$root" >/dev/null
nohup fleet serve --state-root "$root" --listen "$console_listen" >"$root/console.log" 2>&1 &
echo $! >"$root/console.pid"
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/${console_listen%:*}/${console_listen##*:}") 2>/dev/null && break
  sleep 0.1
done
echo "== the web console"
echo "  http://$console_listen/   user: operator   password: $password   (demo only; fleet users set to change it)"
echo "  its log: $root/console.log; stop it: kill \$(cat $root/console.pid)"
echo
# What to try next, as commands that work pasted into a new shell (no PATH or key needed).
if [ "$bin" = "$repo/.build/debug" ]; then fleet_cmd=".build/debug/fleet"; else fleet_cmd="$bin/fleet"; fi
echo "The gateways keep running (the stand-in plays OpenClaw 2026.9.6: fleet/fleet.yaml). Try, in a new shell:"
echo "  cd $repo"
if [ -n "${OPENCLAW_BASE_PORT:-}" ]; then echo "  export OPENCLAW_BASE_PORT=$OPENCLAW_BASE_PORT"; fi
echo "  $fleet_cmd status --state-root $root"
echo "  $fleet_cmd render support --state-root $root"
echo "  $fleet_cmd render support --openclaw-version 2026.4.27 --state-root $root"
echo "  $fleet_cmd validate"
echo "  $fleet_cmd plan --state-root $root"
echo "  $fleet_cmd describe support --state-root $root"
echo "  $fleet_cmd logs support -n 5 --state-root $root"
echo "Stop them (their data is kept) and the console:"
echo "  $fleet_cmd destroy --state-root $root; kill \$(cat $root/console.pid)"
