#!/usr/bin/env bash
# The README's second command (and what .ci/run calls): the whole test suite against
# real PostgreSQL, Redis and Debian's Chromium. Extra arguments go to vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
bash scripts/services.sh
bash scripts/chromium.sh
echo "[test] typecheck"
npx tsc -p .
echo "[test] build"
npx remix build >/dev/null
# Screenshots are this run's only (a stale one from an earlier run would mislead).
rm -rf tests/artifacts/journeys
mkdir -p tests/artifacts/journeys
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=tests/artifacts/vitest.json "$@" || status=$?
shots=$(find tests/artifacts/journeys -name '*.png' | wc -l)
echo "[test] ${shots} screenshots of the browser journeys in tests/artifacts/journeys/"
# One plain summary line that any CI can read.
node -e '
  const r = require("./tests/artifacts/vitest.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit $status
