#!/usr/bin/env bash
# `npm start`: install what is missing, build, and serve the site on http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
echo "== serving www/dist on http://127.0.0.1:8080 (Ctrl+C stops)"
exec npx --no-install vite preview www --host 127.0.0.1 --port 8080 --strictPort
