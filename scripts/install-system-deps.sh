#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, if they are missing.
# CI starts on a fresh machine, so nothing may be assumed to be there already.
set -euo pipefail

packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Nodig maar niet geïnstalleerd: ${packages[*]}. Installeer ze als root met apt-get." >&2
  exit 1
fi

echo "Systeempakketten installeren: ${packages[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
