#!/usr/bin/env bash
# `make conformance`: fleet's contract with a gateway binary (docs/compatibility.md).
#   FLEET_CONFORMANCE_GATEWAY=/path/to/openclaw make conformance   # a real install, before upgrading
#   make conformance                                              # the stand-in, every release persona
set -euo pipefail
cd "$(dirname "$0")/.."
fleet=.build/debug/fleet
if [ -n "${FLEET_CONFORMANCE_GATEWAY:-}" ]; then
    exec "$fleet" conformance --gateway-command "$FLEET_CONFORMANCE_GATEWAY gateway run" ${FLEET_CONFORMANCE_ARGS:-}
fi
sim="$PWD/.build/debug/openclaw-sim"
# One persona per line of the release table's rules: 2026.4 (protocol 3, sessions.json), 2026.5.30
# (protocol 4), 2026.8.1 (keyed agents, legacy keys, /startupz, SQLite sessions), the newest known.
status=0
for release in 2026.4.27 2026.5.30 2026.8.1 2026.9.6; do
    echo "== openclaw-sim as OpenClaw $release"
    "$fleet" conformance --gateway-command "env OPENCLAW_SIM_VERSION=$release $sim gateway run" ${FLEET_CONFORMANCE_ARGS:-} || status=1
done
exit $status
