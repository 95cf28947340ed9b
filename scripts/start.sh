#!/usr/bin/env bash
set -euo pipefail
echo "npm start: the web app arrives with the browser issue" >&2
exit 1
