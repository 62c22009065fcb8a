#!/usr/bin/env bash
# Installs the system packages fleet needs (Debian), only those that are missing.
set -euo pipefail
need=()
for pkg in pkg-config libgit2-dev libyaml-dev libssl-dev git openssh-client; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${need[@]}"
fi
