#!/usr/bin/env bash
# The demo: build fleet and the stand-in gateway, apply the demo fleet in fleet/ (three bots on
# Telegram, Discord and Slack) with openclaw-sim as the gateway, and print the status.
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
echo "The gateways keep running (the stand-in plays OpenClaw 2026.9.6: fleet/fleet.yaml)."
echo "Try: fleet render support; fleet render support --openclaw-version 2026.4.27; fleet plan --state-root $root"
echo "Stop them (data kept):  $bin/fleet destroy --state-root $root"
