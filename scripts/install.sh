#!/usr/bin/env bash
# Installs npm dependencies exactly as package-lock.json pins them, but only when
# they are missing or the lock file changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.gongjian-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[install] npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
