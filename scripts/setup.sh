#!/usr/bin/env bash
# Installs the system packages fleet needs (Debian), only those that are missing.
set -euo pipefail
need=()
# chromium: the browser tests' headless browser (Tests/Browser); wrk: the console benchmark.
for pkg in pkg-config libgit2-dev libyaml-dev libssl-dev git openssh-client chromium wrk; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi
# Python's jsonschema and json5: the test that checks rendered configs against OpenClaw's own
# config schema (Tests/FleetCoreTests/OpenClawSchemaTests.swift) uses them. Best effort: without
# them that test says it skipped (CI makes it a failure).
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import jsonschema, json5' 2>/dev/null; then
  python3 -m pip install --quiet jsonschema json5 || echo "setup: could not install jsonschema and json5 (pip); the OpenClaw schema test will skip"
fi

# The browser tests: Playwright drives Debian's chromium (no browser download), axe audits it.
missing_py=()
python3 -c "import playwright" 2>/dev/null || missing_py+=(playwright)
python3 -c "import pytest" 2>/dev/null || missing_py+=(pytest)
python3 -c "import axe_playwright_python" 2>/dev/null || missing_py+=(axe-playwright-python)
if [ ${#missing_py[@]} -gt 0 ]; then
  python3 -m pip install --quiet "${missing_py[@]}"
fi
