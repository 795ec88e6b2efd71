#!/usr/bin/env bash
# Sets Tandem up on a machine with Node 20 and npm, then starts it: installs pnpm (the pinned version),
# the dependencies and a build, migrates the database and runs the scheduled jobs. Arguments go to
# `tandem start` (e.g. --config ./tandem.config.yaml). With no config file it runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.4.2" ]; then
  npm install -g pnpm@12.4.2
fi
pnpm install --frozen-lockfile
TURBO_TELEMETRY_DISABLED=1 pnpm build
exec node apps/api/dist/cli.js start "$@"
