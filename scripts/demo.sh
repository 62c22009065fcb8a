#!/usr/bin/env bash
# The demo: build fleet and the stand-in gateway, check the demo fleet in fleet/ and show what
# fleet renders for each bot. (Applying it arrives with the reconciler: see README.)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
bin=.build/debug
echo "== fleet validate (the fleet/ manifests at HEAD)"
"$bin/fleet" validate
for file in fleet/bots/*.yaml; do
  bot=$(basename "$file" .yaml)
  echo
  echo "== fleet render $bot"
  "$bin/fleet" render "$bot" --state-root "${OPENCLAW_BASE_PATH:-/tmp/fleet-demo}"
done
