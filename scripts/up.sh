#!/usr/bin/env bash
# The README's first command: install, make sure Postgres and Redis run, migrate,
# seed demo data, build, then run the web app and the workers until Ctrl-C.
# Extra arguments go to the seed, e.g. `bash scripts/up.sh --households 5000`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/services.sh
npm run --silent db:migrate
npm run --silent seed -- "$@"
npm run --silent build
export NODE_ENV=production
# Plain http on localhost unless the operator says otherwise.
export SECURE_COOKIES="${SECURE_COOKIES:-false}"
# A local demo may run with the development keys; a real deployment sets its own (see .env.example).
export GONGJIAN_ALLOW_DEV_KEYS="${GONGJIAN_ALLOW_DEV_KEYS:-true}"
# One web process per core (node:cluster in app/server.ts), at most 8: each holds DB_POOL_MAX
# PostgreSQL connections, and the server's default max_connections is 100.
cores=$(nproc)
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-$(( cores < 8 ? cores : 8 ))}"

node --import tsx workers/index.ts &
workers=$!
node --import tsx app/server.ts &
web=$!
trap 'kill -TERM $web $workers 2>/dev/null; wait $web $workers 2>/dev/null; exit 0' INT TERM
echo "Gongjian is starting at http://localhost:${PORT:-3000} (Ctrl-C stops web and workers)"
wait -n $web $workers
kill -TERM $web $workers 2>/dev/null || true
wait
