#!/usr/bin/env bash
# The demo: build fleet and the stand-in gateway, apply the demo fleet in fleet/ (three bots on
# Telegram, Discord and Slack) with openclaw-sim as the gateway, print the status, and start the
# web console (fleet serve) with a demo-only login.
# Stop it with:  .build/debug/fleet destroy --state-root "${OPENCLAW_BASE_PATH:-/tmp/fleet-demo}"
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
bin="$PWD/.build/debug"
root="${OPENCLAW_BASE_PATH:-/tmp/fleet-demo}"
export PATH="$bin:$PATH"
# The demo fleet's tokens are encrypted with a DEMO-ONLY key committed in examples/demo.key
# (never do that with a real key: docs/secrets.md). Git does not keep file modes, and fleet
# refuses a key file others can read, so make it 0600 first.
chmod 600 examples/demo.key
export FLEET_KEY_FILE="$PWD/examples/demo.key"
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
echo "The gateways keep running (the stand-in plays OpenClaw 2026.9.6: fleet/fleet.yaml)."
echo "Try: fleet render support; fleet render support --openclaw-version 2026.4.27; fleet plan --state-root $root"
echo "Stop them (data kept):  $bin/fleet destroy --state-root $root"
