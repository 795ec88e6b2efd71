#!/usr/bin/env bash
# Installs what the tests need (dependencies, a build) and runs every package's tests through turbo.
# Each package's vitest writes a JSON report to <package>/.vitest-results.json for scripts/count-results.mjs.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "12.4.2" ] || npm install -g pnpm@12.4.2
rm -f packages/*/.vitest-results.json apps/*/.vitest-results.json
pnpm install --frozen-lockfile || exit 1
TURBO_TELEMETRY_DISABLED=1 pnpm turbo run test --concurrency=1 --continue -- --reporter=default --reporter=json --outputFile.json=.vitest-results.json
