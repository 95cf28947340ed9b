#!/usr/bin/env bash
# Installs what the browser tests and benchmarks need and a fresh machine lacks: Debian's
# Chromium (no browser is downloaded from elsewhere) and the Noto fonts the Hindi pages render
# with (the page downloads no web font). Safe to run again: it only adds what is missing.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "== apt-get install chromium"
  apt-get update && apt-get install -y chromium
fi
if ! dpkg -s fonts-noto-core >/dev/null 2>&1; then
  echo "== apt-get install fonts-noto-core"
  apt-get update && apt-get install -y fonts-noto-core
fi
