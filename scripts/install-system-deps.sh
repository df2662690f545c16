#!/usr/bin/env bash
# Installs the Debian packages the test suite and the benchmarks need, if they are missing.
# CI starts on a fresh machine, so nothing may be assumed to be there already.
set -euo pipefail

packages=()
# Headless browser for the end-to-end tests.
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
# HTTP load generator for the service benchmark (benchmarks/service_load.py): written in C,
# so it takes little of the CPU the service under test needs.
command -v wrk >/dev/null 2>&1 || packages+=(wrk)

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
